//! The report as tables of columns, for data frames: the tidy long table (one row per
//! community × rule), the wide table (one row per community), money per community and
//! payer, the roster-level findings and totals, and the summary. Every column is built
//! here, so a binding only converts [`Cells`] to its own arrays (Arrow, for Python) and
//! decides nothing about what they hold.

use super::{Counts, Finished, Style};
use crate::batch::{BatchResult, Columns};
use crate::eval::{Finding, Obligation, Options, Plan, Status};
use crate::field::FieldId;
use crate::lang;
use crate::model::Shape;
use crate::num::Num;

/// One column.
#[derive(Clone, Debug, PartialEq)]
pub enum Cells {
    /// Row numbers and counts.
    Count(Vec<Option<u64>>),
    /// Integers (fen).
    Int(Vec<Option<i64>>),
    /// Exact numbers (see [`num_layout`] for how to store them).
    Num(Vec<Option<Num>>),
    /// Free text.
    Text(Vec<Option<String>>),
    /// A categorical: codes into a dictionary of values.
    Cat {
        values: Vec<String>,
        codes: Vec<Option<u32>>,
    },
    /// Yes/no.
    Bool(Vec<Option<bool>>),
}

impl Cells {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Cells::Count(v) => v.len(),
            Cells::Int(v) => v.len(),
            Cells::Num(v) => v.len(),
            Cells::Text(v) => v.len(),
            Cells::Cat { codes, .. } => codes.len(),
            Cells::Bool(v) => v.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A table: named columns of equal length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    pub columns: Vec<(String, Cells)>,
}

impl Frame {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Cells> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }
}

/// How a column of exact numbers is best stored without losing anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumLayout {
    /// Every value is a whole number that fits in 64 bits.
    Int,
    /// Every value is a decimal with at most `scale` places (≤ 18) that fits in 38 digits.
    Decimal { scale: u32 },
    /// Some value has no finite decimal (`2/3`): exact strings.
    Text,
}

/// The lossless layout of a column of numbers.
pub fn num_layout(v: &[Option<Num>]) -> NumLayout {
    let mut scale = 0u32;
    for n in v.iter().flatten() {
        if n.is_integer() {
            continue;
        }
        let mut d = n.denom();
        let (mut twos, mut fives) = (0u32, 0u32);
        while d % 2 == 0 {
            d /= 2;
            twos += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        if d != 1 {
            return NumLayout::Text;
        }
        scale = scale.max(twos.max(fives));
        if scale > 18 {
            return NumLayout::Text;
        }
    }
    if scale == 0 {
        NumLayout::Int
    } else {
        NumLayout::Decimal { scale }
    }
}

/// The value of a number scaled to an integer: `n × 10^scale` (exact for the layout).
pub fn scaled(n: Num, scale: u32) -> Option<i128> {
    let p = 10i128.checked_pow(scale)?;
    n.numer().checked_mul(p).map(|x| x / n.denom())
}

/// Builds a categorical column, interning values in order of first appearance.
#[derive(Default)]
struct CatBuilder {
    values: Vec<String>,
    index: std::collections::HashMap<String, u32>,
    codes: Vec<Option<u32>>,
}

impl CatBuilder {
    fn push(&mut self, v: Option<&str>) {
        let code = v.map(|v| match self.index.get(v) {
            Some(c) => *c,
            None => {
                let c = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
                self.values.push(v.to_string());
                self.index.insert(v.to_string(), c);
                c
            }
        });
        self.codes.push(code);
    }

    /// A builder whose values are given up front (statuses …), so the dictionary is the
    /// whole vocabulary in its documented order.
    fn with(values: &[&str]) -> CatBuilder {
        let mut b = CatBuilder::default();
        for v in values {
            let c = u32::try_from(b.values.len()).unwrap_or(u32::MAX);
            b.values.push((*v).to_string());
            b.index.insert((*v).to_string(), c);
        }
        b
    }

    fn done(self) -> Cells {
        Cells::Cat {
            values: self.values,
            codes: self.codes,
        }
    }
}

/// The statuses, in their documented order (the categories of every status column).
pub const STATUSES: [&str; 5] = [
    "pass",
    "fail",
    "ambiguous",
    "not_applicable",
    "missing_data",
];
/// The strengths, strongest first.
pub const STRENGTHS: [&str; 7] = [
    "mandatory",
    "strict",
    "as_a_rule",
    "preferred",
    "target",
    "encouraged",
    "permitted",
];
/// The grades of a failure.
pub const GRADES: [&str; 5] = [
    "violation",
    "deviation",
    "advice",
    "behind_target",
    "information",
];
/// The reason codes.
pub const REASONS: [&str; 12] = [
    "draft",
    "not_in_force",
    "kind_not_covered",
    "condition_not_met",
    "no_value_on_date",
    "boundary_overlap",
    "undecided",
    "no_whole_value",
    "no_communities",
    "amount_too_large",
    "depends_on_ambiguous",
    "overridden",
];
/// The remedy actions.
pub const ACTIONS: [&str; 6] = ["increase", "decrease", "split", "merge", "set", "choose"];

/// Columns of the long table being built.
struct Long {
    row: Vec<Option<u64>>,
    name: Vec<Option<String>>,
    policy: CatBuilder,
    rule: CatBuilder,
    clause: CatBuilder,
    status: CatBuilder,
    reason: CatBuilder,
    strength: CatBuilder,
    grade: CatBuilder,
    measure: CatBuilder,
    actual: Vec<Option<Num>>,
    actual_outcome: CatBuilder,
    required_min: Vec<Option<Num>>,
    required_max: Vec<Option<Num>>,
    shortfall: Vec<Option<Num>>,
    remedy_action: CatBuilder,
    remedy_field: CatBuilder,
    remedy_amount: Vec<Option<Num>>,
    remedy: Vec<Option<String>>,
    message: Vec<Option<String>>,
    quote: CatBuilder,
    group: Vec<Option<String>>,
    counted: Vec<Option<u64>>,
}

/// The fixed vocabularies of a plan's categorical columns, so that every chunk of a table
/// has the same dictionaries (its values in a stable order).
#[derive(Clone, Debug)]
pub struct Vocab {
    policies: Vec<String>,
    rules: Vec<String>,
    clauses: Vec<String>,
    fields: Vec<String>,
    quotes: Vec<String>,
    payers: Vec<String>,
    payer_names: Vec<String>,
    outcomes: Vec<String>,
}

impl Vocab {
    /// The vocabularies of a plan (payer names in `lang`).
    pub fn of(plan: &Plan, lang: lang::Lang) -> Vocab {
        let mut v = Vocab {
            policies: Vec::new(),
            rules: Vec::new(),
            clauses: Vec::new(),
            fields: crate::field::FIELDS
                .iter()
                .map(|f| f.id.to_string())
                .collect(),
            quotes: Vec::new(),
            payers: Vec::new(),
            payer_names: Vec::new(),
            outcomes: Vec::new(),
        };
        let add = |list: &mut Vec<String>, x: &str| {
            if !list.iter().any(|y| y == x) {
                list.push(x.to_string());
            }
        };
        for p in plan.policies() {
            add(&mut v.policies, &p.meta.id.0);
        }
        for rr in plan.rule_refs() {
            let Some((_, r)) = plan.rule(rr) else {
                continue;
            };
            add(&mut v.rules, plan.rule_id(rr));
            add(&mut v.clauses, &r.clause);
            add(&mut v.quotes, &r.quote);
            if let Shape::Money(m) = &r.shape {
                for py in &m.payers {
                    add(&mut v.payers, &py.id);
                    add(
                        &mut v.payer_names,
                        match lang {
                            lang::Lang::Zh => &py.name,
                            lang::Lang::En => py.name_en.as_deref().unwrap_or(&py.name),
                        },
                    );
                }
            }
            if let Some(m) = r.shape.measure() {
                for (id, _) in m.def().values {
                    add(&mut v.outcomes, id);
                }
            }
        }
        v
    }
}

fn fixed(values: &[String]) -> CatBuilder {
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    CatBuilder::with(&refs)
}

impl Long {
    fn new(cap: usize, v: &Vocab) -> Long {
        Long {
            row: Vec::with_capacity(cap),
            name: Vec::with_capacity(cap),
            policy: fixed(&v.policies),
            rule: fixed(&v.rules),
            clause: fixed(&v.clauses),
            status: CatBuilder::with(&STATUSES),
            reason: CatBuilder::with(&REASONS),
            strength: CatBuilder::with(&STRENGTHS),
            grade: CatBuilder::with(&GRADES),
            measure: fixed(&v.fields),
            actual: Vec::with_capacity(cap),
            actual_outcome: fixed(&v.outcomes),
            required_min: Vec::with_capacity(cap),
            required_max: Vec::with_capacity(cap),
            shortfall: Vec::with_capacity(cap),
            remedy_action: CatBuilder::with(&ACTIONS),
            remedy_field: fixed(&v.fields),
            remedy_amount: Vec::with_capacity(cap),
            remedy: Vec::with_capacity(cap),
            message: Vec::with_capacity(cap),
            quote: fixed(&v.quotes),
            group: Vec::new(),
            counted: Vec::new(),
        }
    }

    fn push(
        &mut self,
        plan: &Plan,
        style: Option<Style>,
        row: Option<u64>,
        name: Option<&str>,
        f: &Finding,
    ) {
        let Some((p, r)) = plan.rule(f.rule) else {
            return;
        };
        self.row.push(row);
        self.name.push(name.map(str::to_string));
        self.policy.push(Some(&p.meta.id.0));
        self.rule.push(Some(plan.rule_id(f.rule)));
        self.clause.push(Some(&r.clause));
        self.status.push(Some(f.status.name()));
        self.reason.push(f.reason.as_ref().map(|x| x.code()));
        self.strength.push(Some(r.strength.name()));
        self.grade
            .push((f.status == Status::Fail).then(|| r.strength.grade().name()));
        self.measure.push(f.measure.map(FieldId::name));
        let outcome = match (f.actual_outcome, r.shape.measure()) {
            (Some(o), Some(m)) => m.def().values.get(usize::from(o)).map(|v| v.0),
            _ => None,
        };
        self.actual
            .push(if outcome.is_some() { None } else { f.actual });
        self.actual_outcome.push(outcome);
        let iv = f.required.as_ref().and_then(|q| q.interval);
        self.required_min
            .push(iv.and_then(|i| i.min).map(|l| l.value));
        self.required_max
            .push(iv.and_then(|i| i.max).map(|l| l.value));
        self.shortfall.push(f.shortfall);
        self.remedy_action
            .push(f.remedy.as_ref().map(|x| action_name(x.action)));
        self.remedy_field
            .push(f.remedy.as_ref().map(|x| x.field.name()));
        self.remedy_amount
            .push(f.remedy.as_ref().and_then(|x| x.amount));
        match style {
            Some(st) => {
                self.remedy
                    .push(f.remedy.as_ref().map(|x| lang::remedy_text(x, st.lang)));
                self.message.push(Some(lang::message(plan, f, st.lang)));
            }
            None => {
                self.remedy.push(None);
                self.message.push(None);
            }
        }
        self.quote.push(Some(&r.quote));
        self.group.push(f.group.clone());
        self.counted
            .push(f.counted.and_then(|c| u64::try_from(c).ok()));
    }

    fn done(self, messages: bool, roster: bool) -> Frame {
        let mut columns: Vec<(String, Cells)> = Vec::new();
        if !roster {
            columns.push(("row".into(), Cells::Count(self.row)));
            columns.push(("name".into(), Cells::Text(self.name)));
        } else {
            columns.push(("group".into(), Cells::Text(self.group)));
            columns.push(("counted".into(), Cells::Count(self.counted)));
        }
        columns.extend([
            ("policy".into(), self.policy.done()),
            ("rule".into(), self.rule.done()),
            ("clause".into(), self.clause.done()),
            ("status".into(), self.status.done()),
            ("reason".into(), self.reason.done()),
            ("strength".into(), self.strength.done()),
            ("grade".into(), self.grade.done()),
            ("measure".into(), self.measure.done()),
            ("actual".into(), Cells::Num(self.actual)),
            ("actual_outcome".into(), self.actual_outcome.done()),
            ("required_min".into(), Cells::Num(self.required_min)),
            ("required_max".into(), Cells::Num(self.required_max)),
            ("shortfall".into(), Cells::Num(self.shortfall)),
            ("remedy_action".into(), self.remedy_action.done()),
            ("remedy_field".into(), self.remedy_field.done()),
            ("remedy_amount".into(), Cells::Num(self.remedy_amount)),
        ]);
        if messages {
            columns.push(("remedy".into(), Cells::Text(self.remedy)));
            columns.push(("message".into(), Cells::Text(self.message)));
        }
        columns.push(("quote".into(), self.quote.done()));
        Frame { columns }
    }
}

fn action_name(a: crate::eval::Action) -> &'static str {
    use crate::eval::Action::*;
    match a {
        Increase => "increase",
        Decrease => "decrease",
        Split => "split",
        Merge => "merge",
        Set => "set",
        Choose => "choose",
    }
}

/// Money of one community: one row per money rule and payer.
struct Money {
    row: Vec<Option<u64>>,
    name: Vec<Option<String>>,
    policy: CatBuilder,
    rule: CatBuilder,
    status: CatBuilder,
    payer: CatBuilder,
    payer_name: CatBuilder,
    share: Vec<Option<u64>>,
    total_fen: Vec<Option<i64>>,
    amount_fen: Vec<Option<i64>>,
    amount_with_excess_fen: Vec<Option<i64>>,
    missing: Vec<Option<String>>,
}

impl Money {
    fn new(v: &Vocab) -> Money {
        Money {
            row: Vec::new(),
            name: Vec::new(),
            policy: fixed(&v.policies),
            rule: fixed(&v.rules),
            status: CatBuilder::with(&STATUSES),
            payer: fixed(&v.payers),
            payer_name: fixed(&v.payer_names),
            share: Vec::new(),
            total_fen: Vec::new(),
            amount_fen: Vec::new(),
            amount_with_excess_fen: Vec::new(),
            missing: Vec::new(),
        }
    }

    fn push(
        &mut self,
        plan: &Plan,
        lang: lang::Lang,
        row: u64,
        name: Option<&str>,
        o: &Obligation,
    ) {
        let Some((p, r)) = plan.rule(o.rule) else {
            return;
        };
        let Shape::Money(m) = &r.shape else { return };
        for (i, py) in m.payers.iter().enumerate() {
            self.row.push(Some(row));
            self.name.push(name.map(str::to_string));
            self.policy.push(Some(&p.meta.id.0));
            self.rule.push(Some(plan.rule_id(o.rule)));
            self.status.push(Some(o.status.name()));
            self.payer.push(Some(&py.id));
            self.payer_name.push(Some(match lang {
                lang::Lang::Zh => &py.name,
                lang::Lang::En => py.name_en.as_deref().unwrap_or(&py.name),
            }));
            self.share.push(Some(py.share));
            self.total_fen.push(o.total.map(|t| t.0));
            self.amount_fen
                .push(o.total.and(o.shares.get(i)).map(|s| s.0));
            self.amount_with_excess_fen
                .push(o.total.and(o.shares_with_excess.get(i)).map(|s| s.0));
            self.missing.push(if o.missing.is_empty() {
                None
            } else {
                Some(
                    o.missing
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            });
        }
    }

    fn done(self) -> Frame {
        Frame {
            columns: vec![
                ("row".into(), Cells::Count(self.row)),
                ("name".into(), Cells::Text(self.name)),
                ("policy".into(), self.policy.done()),
                ("rule".into(), self.rule.done()),
                ("status".into(), self.status.done()),
                ("payer".into(), self.payer.done()),
                ("payer_name".into(), self.payer_name.done()),
                ("share".into(), Cells::Count(self.share)),
                ("total_fen".into(), Cells::Int(self.total_fen)),
                ("amount_fen".into(), Cells::Int(self.amount_fen)),
                (
                    "amount_with_excess_fen".into(),
                    Cells::Int(self.amount_with_excess_fen),
                ),
                ("missing".into(), Cells::Text(self.missing)),
            ],
        }
    }
}

/// One pass of the full evaluator over a batch (each finding with its requirement and
/// remedy), giving the long table and the money per community and payer in chunks (so a
/// binding converts each chunk and drops it: memory stays that of the output), while the
/// run's roster accumulators and summary take every row in.
pub struct FullRun<'p> {
    plan: &'p Plan,
    run: super::Run<'p>,
    vocab: Vocab,
    style: Style,
    messages: bool,
    long: Long,
    money: Money,
    rec: crate::record::Record,
}

impl<'p> FullRun<'p> {
    /// A pass of a plan with options; `messages` adds the `remedy` and `message`
    /// sentences in `style`'s language.
    pub fn new(plan: &'p Plan, opts: &Options, style: Style, messages: bool) -> FullRun<'p> {
        let vocab = Vocab::of(plan, style.lang);
        FullRun {
            plan,
            run: super::Run::new(plan, opts),
            long: Long::new(0, &vocab),
            money: Money::new(&vocab),
            vocab,
            style,
            messages,
            rec: crate::record::Record::new(),
        }
    }

    /// Evaluates rows `start..end` of a batch (row numbers in the tables are
    /// `offset + i + 1`); `bad` marks rows with refused cells (indexed like `cols`).
    pub fn add(&mut self, cols: &Columns, start: usize, end: usize, offset: usize, bad: &[bool]) {
        let name_field = crate::field::known().name;
        for i in start..end.min(cols.len()) {
            cols.fill_record(i, &mut self.rec);
            let index = offset + i + 1;
            let row = u64::try_from(index).unwrap_or(u64::MAX);
            let (res, _) = self.run.record(
                &self.rec,
                index,
                index,
                bad.get(i).copied().unwrap_or(false),
            );
            let name = self.rec.text(name_field);
            for f in &res.findings {
                self.long.push(
                    self.plan,
                    self.messages.then_some(self.style),
                    Some(row),
                    name,
                    f,
                );
            }
            for o in &res.obligations {
                self.money.push(self.plan, self.style.lang, row, name, o);
            }
        }
    }

    /// The long table and the money table of the rows added since the last call.
    pub fn take(&mut self) -> (Frame, Frame) {
        let long = std::mem::replace(&mut self.long, Long::new(0, &self.vocab));
        let money = std::mem::replace(&mut self.money, Money::new(&self.vocab));
        (long.done(self.messages, false), money.done())
    }

    /// Ends the pass: the roster-level findings, accumulators and summary.
    pub fn finish(self) -> Finished {
        self.run.finish()
    }
}

/// Everything a roster in columns gives beyond its wide table, in one piece (see
/// [`FullRun`] to build it in chunks).
#[derive(Clone, Debug)]
pub struct Full {
    pub long: Frame,
    pub money: Frame,
    pub done: Finished,
}

/// Evaluates every row of a batch once: the long and money tables, the roster-level
/// accumulators and the summary.
pub fn full_tables(
    plan: &Plan,
    opts: &Options,
    cols: &Columns,
    bad: &[bool],
    style: Style,
    messages: bool,
) -> Full {
    let mut run = FullRun::new(plan, opts, style, messages);
    run.add(cols, 0, cols.len(), 0, bad);
    let (long, money) = run.take();
    Full {
        long,
        money,
        done: run.finish(),
    }
}

/// The wide table of a batch: a status column per rule (named by its id) and a
/// `…:shortfall` column; per money rule `…:total_fen` and one `…:<payer>_fen` column per
/// payer.
pub fn wide_table(plan: &Plan, b: BatchResult) -> Frame {
    let n = b.len();
    let mut columns = Vec::new();
    let code = |s: Status| -> u32 {
        match s {
            Status::Pass => 0,
            Status::Fail => 1,
            Status::Ambiguous => 2,
            Status::NotApplicable => 3,
            Status::MissingData => 4,
        }
    };
    let BatchResult {
        rules,
        status,
        shortfall,
        money_rules,
        money_total,
        money_shares,
    } = b;
    let mut shortfall = shortfall.into_iter();
    let mut status = status.into_iter();
    for rr in &rules {
        // the codes of STATUSES, directly
        let codes = status
            .next()
            .map(|v| v.iter().map(|s| s.map(code)).collect())
            .unwrap_or_else(|| vec![None; n]);
        let id = plan.rule_id(*rr);
        columns.push((
            id.to_string(),
            Cells::Cat {
                values: STATUSES.iter().map(|s| (*s).to_string()).collect(),
                codes,
            },
        ));
        columns.push((
            format!("{id}:shortfall"),
            Cells::Num(shortfall.next().unwrap_or_else(|| vec![None; n])),
        ));
    }
    let mut totals = money_total.into_iter();
    let mut shares = money_shares.into_iter();
    for rr in &money_rules {
        let id = plan.rule_id(*rr);
        columns.push((
            format!("{id}:total_fen"),
            Cells::Int(
                totals
                    .next()
                    .map(|v| v.iter().map(|x| x.map(|f| f.0)).collect())
                    .unwrap_or_else(|| vec![None; n]),
            ),
        ));
        let mut by_payer = shares.next().unwrap_or_default().into_iter();
        if let Some((_, r)) = plan.rule(*rr) {
            if let Shape::Money(m) = &r.shape {
                for py in &m.payers {
                    let v = by_payer
                        .next()
                        .map(|v| v.iter().map(|x| x.map(|f| f.0)).collect())
                        .unwrap_or_else(|| vec![None; n]);
                    columns.push((format!("{id}:{}_fen", py.id), Cells::Int(v)));
                }
            }
        }
    }
    Frame { columns }
}

/// The roster-level findings as a long table (with `group` and `counted`).
pub fn roster_table(plan: &Plan, done: &Finished, style: Style, messages: bool) -> Frame {
    let mut long = Long::new(done.roster.len(), &Vocab::of(plan, style.lang));
    for f in &done.roster {
        long.push(plan, messages.then_some(style), None, None, f);
    }
    long.done(messages, true)
}

/// The money totals over the roster, one row per money rule and payer.
pub fn totals_table(plan: &Plan, done: &Finished, lang: lang::Lang) -> Frame {
    let mut rule = CatBuilder::default();
    let mut payer = CatBuilder::default();
    let mut payer_name = CatBuilder::default();
    let mut amount: Vec<Option<Num>> = Vec::new();
    let mut with_excess: Vec<Option<Num>> = Vec::new();
    let mut total: Vec<Option<Num>> = Vec::new();
    let mut counted = Vec::new();
    let mut missing = Vec::new();
    let mut underpaid = Vec::new();
    let mut na = Vec::new();
    // fen sums may exceed 64 bits over a huge roster: kept as exact numbers
    let fen = |x: i128| i64::try_from(x).ok().map(Num::int);
    for t in done.acc.totals().iter().filter(|t| t.seen()) {
        let Some((_, r)) = plan.rule(t.rule) else {
            continue;
        };
        let Shape::Money(m) = &r.shape else { continue };
        for (i, py) in m.payers.iter().enumerate() {
            rule.push(Some(plan.rule_id(t.rule)));
            payer.push(Some(&py.id));
            payer_name.push(Some(match lang {
                lang::Lang::Zh => &py.name,
                lang::Lang::En => py.name_en.as_deref().unwrap_or(&py.name),
            }));
            amount.push(t.shares.get(i).copied().and_then(fen));
            with_excess.push(t.with_excess.get(i).copied().and_then(fen));
            total.push(fen(t.total));
            counted.push(u64::try_from(t.counted).ok());
            underpaid.push(u64::try_from(t.underpaid).ok());
            missing.push(u64::try_from(t.missing).ok());
            na.push(u64::try_from(t.not_applicable).ok());
        }
    }
    Frame {
        columns: vec![
            ("rule".into(), rule.done()),
            ("payer".into(), payer.done()),
            ("payer_name".into(), payer_name.done()),
            ("total_fen".into(), Cells::Num(total)),
            ("amount_fen".into(), Cells::Num(amount)),
            ("amount_with_excess_fen".into(), Cells::Num(with_excess)),
            ("communities_counted".into(), Cells::Count(counted)),
            ("communities_underpaid".into(), Cells::Count(underpaid)),
            ("communities_missing_data".into(), Cells::Count(missing)),
            ("communities_not_applicable".into(), Cells::Count(na)),
        ],
    }
}

/// The summary as two tables: per rule (counts by status and the total shortfall), and
/// per field missing somewhere (rows without it, whether it is missing everywhere, the
/// rules it left undecided).
pub fn summary_tables(plan: &Plan, opts: &Options, done: &Finished) -> (Frame, Frame) {
    let s = done.summary.out(plan, opts, &done.roster);
    let mut rule = CatBuilder::default();
    let mut clause = CatBuilder::default();
    let mut counts: [Vec<Option<u64>>; 5] = Default::default();
    let mut shortfall = Vec::new();
    let mut measure = CatBuilder::default();
    for r in &s.rules {
        rule.push(Some(r.rule));
        clause.push(Some(r.clause));
        let c: &Counts = &r.counts;
        for (k, st) in Status::ALL.iter().enumerate() {
            if let Some(col) = counts.get_mut(k) {
                col.push(u64::try_from(c.get(*st)).ok());
            }
        }
        shortfall.push(r.shortfall);
        measure.push(r.measure.map(FieldId::name));
    }
    let mut columns = vec![
        ("rule".into(), rule.done()),
        ("clause".into(), clause.done()),
    ];
    for (k, col) in counts.into_iter().enumerate() {
        columns.push((
            STATUSES.get(k).copied().unwrap_or("?").to_string(),
            Cells::Count(col),
        ));
    }
    columns.push(("shortfall".into(), Cells::Num(shortfall)));
    columns.push(("measure".into(), measure.done()));
    let rules = Frame { columns };
    let mut field = CatBuilder::default();
    let mut header = Vec::new();
    let mut rows_missing = Vec::new();
    let mut everywhere = Vec::new();
    let mut blocked_rules = Vec::new();
    let mut n_rules = Vec::new();
    let mut findings = Vec::new();
    for m in &s.missing_fields {
        field.push(Some(m.field.name()));
        header.push(Some(m.header.to_string()));
        rows_missing.push(u64::try_from(m.rows_missing).ok());
        everywhere.push(Some(m.missing_everywhere));
        n_rules.push(u64::try_from(m.rules.len()).ok());
        blocked_rules.push(Some(m.rules.join(" ")));
        findings.push(u64::try_from(m.findings).ok());
    }
    let missing = Frame {
        columns: vec![
            ("field".into(), field.done()),
            ("header".into(), Cells::Text(header)),
            ("rows_missing".into(), Cells::Count(rows_missing)),
            ("missing_everywhere".into(), Cells::Bool(everywhere)),
            ("rules_blocked".into(), Cells::Count(n_rules)),
            ("rules".into(), Cells::Text(blocked_rules)),
            ("findings".into(), Cells::Count(findings)),
        ],
    };
    (rules, missing)
}
