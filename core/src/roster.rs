//! Roster-level rules (shares, tallies, sums and means, rates over a whole city) and money
//! totals, computed by mergeable accumulators.
//!
//! An accumulator takes the communities one at a time (with their own results), holds
//! only counts and sums per rule and per group, so its memory is O(rules × groups)
//! whatever the roster's size. Two accumulators over consecutive parts of a roster merge
//! into exactly the accumulator of one pass over the whole (groups keep their order of
//! first appearance), which is how streaming, threads and Dask partitions combine their
//! parts. Accumulators are plain data (serde), so they can travel between processes.

use std::ops::{Add, Mul, Sub};

use serde::{Deserialize, Serialize};

use crate::eval::{
    bounds_interval, cond_holds, dated_requirement, judge_interval, kind_not_covered, Basis,
    Finding, Force, Obligation, Options, Plan, Reason, RecordResult, Required, RuleRef, Status,
};
use crate::field::{FieldId, Subject};
use crate::model::{Aggregate, Interval, Limit, RemedyHint, Shape, ShareOf};
use crate::num::Num;
use crate::record::{JsonVal, Record, Val};

/// Fields in order of first appearance, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct FieldList(Vec<FieldId>);

impl FieldList {
    fn push(&mut self, f: FieldId) {
        if !self.0.contains(&f) {
            self.0.push(f);
        }
    }
    fn extend(&mut self, o: &FieldList) {
        for f in &o.0 {
            self.push(*f);
        }
    }
}

/// A sum that remembers whether it overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Sum {
    value: Num,
    overflow: bool,
}

impl Default for Sum {
    fn default() -> Self {
        Sum {
            value: Num::ZERO,
            overflow: false,
        }
    }
}

impl Sum {
    fn add(&mut self, x: Num) {
        match self.value.checked_add(x) {
            Some(v) => self.value = v,
            None => self.overflow = true,
        }
    }
    fn merge(&mut self, o: Sum) {
        self.overflow |= o.overflow;
        self.add(o.value);
    }
}

/// Counts of one group of a `share` rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ShareGroup {
    members: usize,
    pass: i64,
    fail: i64,
    unsure: i64,
    unsure_fields: FieldList,
}

/// Counts of one group of a `tally` rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct TallyGroup {
    size: usize,
    count: i64,
    unsure: i64,
    unsure_fields: FieldList,
}

/// Groups in order of first appearance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Groups<G>(Vec<(Option<String>, G)>);

impl<G> Default for Groups<G> {
    fn default() -> Self {
        Groups(Vec::new())
    }
}

impl<G: Default> Groups<G> {
    fn get(&mut self, key: Option<String>) -> &mut G {
        let i = match self.0.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.0.push((key, G::default()));
                self.0.len() - 1
            }
        };
        match self.0.get_mut(i) {
            Some((_, g)) => g,
            None => unreachable_group(),
        }
    }
}

#[allow(clippy::panic, reason = "the index was just found or pushed")]
fn unreachable_group<G>() -> G {
    panic!("group index out of range")
}

/// What one roster rule has seen so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum RuleAcc {
    /// The document is not in force: one finding, whatever the communities.
    NotInForce,
    /// A shape with no roster meaning (no finding).
    Nothing,
    /// A sum or mean of a measure.
    Aggregate {
        members: usize,
        /// Members lacking the measure.
        missing: usize,
        sum: Sum,
        undecided: FieldList,
    },
    /// A measure against a multiple of another, both summed.
    Rate {
        members: usize,
        sa: Sum,
        sb: Sum,
        missing: FieldList,
        undecided: FieldList,
    },
    /// The share of communities passing a rule or with a yes/no field set.
    Share {
        members: usize,
        undecided: FieldList,
        groups: Groups<ShareGroup>,
    },
    /// How many communities meet the rule's conditions.
    Tally { groups: Groups<TallyGroup> },
}

/// Totals of one money rule over the roster.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyTotal {
    /// The money rule.
    pub rule: RuleRef,
    /// The standard total, in fen (128 bits: a million communities cannot overflow it).
    pub total: i128,
    /// Each payer's share of the standard.
    pub shares: Vec<i128>,
    /// Each payer's share including what they bear above the standard.
    pub with_excess: Vec<i128>,
    /// Communities whose amount was computed.
    pub counted: usize,
    /// Of those, communities paid below the standard.
    pub underpaid: usize,
    /// Communities with data missing (never counted as zero).
    pub missing: usize,
    /// Communities to which the rule does not apply.
    pub not_applicable: usize,
}

impl MoneyTotal {
    fn add(&mut self, ob: &Obligation) {
        match (ob.status, ob.total) {
            (Status::Pass | Status::Fail, Some(t)) => {
                self.counted += 1;
                if ob.status == Status::Fail {
                    self.underpaid += 1;
                }
                self.total += i128::from(t.0);
                for (x, s) in self.shares.iter_mut().zip(ob.shares.iter()) {
                    *x += i128::from(s.0);
                }
                for (x, s) in self
                    .with_excess
                    .iter_mut()
                    .zip(ob.shares_with_excess.iter())
                {
                    *x += i128::from(s.0);
                }
            }
            (Status::MissingData, _) => self.missing += 1,
            _ => self.not_applicable += 1,
        }
    }

    fn merge(&mut self, o: &MoneyTotal) {
        self.total += o.total;
        for (x, y) in self.shares.iter_mut().zip(o.shares.iter()) {
            *x += *y;
        }
        for (x, y) in self.with_excess.iter_mut().zip(o.with_excess.iter()) {
            *x += *y;
        }
        self.counted += o.counted;
        self.underpaid += o.underpaid;
        self.missing += o.missing;
        self.not_applicable += o.not_applicable;
    }

    /// Whether any community met the rule at all (computed, missing or not applicable).
    pub fn seen(&self) -> bool {
        self.counted + self.missing + self.not_applicable > 0
    }
}

/// The roster-level state of an evaluation: per roster rule, what its communities add up
/// to so far; per money rule, the totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterAcc {
    /// What the accumulator was made for: the plan's rule ids and the options, so that
    /// parts of different evaluations are never merged.
    key: String,
    rules: Vec<(RuleRef, RuleAcc)>,
    money: Vec<MoneyTotal>,
    records: usize,
}

/// Why two accumulators cannot be merged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("these roster parts come from different evaluations (other policies, date or options); evaluate every part with the same plan and options")]
pub struct MergeError;

fn key_of(plan: &Plan, opts: &Options) -> String {
    let mut k = format!(
        "{}|{}|{:?}",
        opts.as_of, opts.allow_not_in_force, opts.min_strength
    );
    for r in plan.rule_refs() {
        k.push('|');
        k.push_str(plan.rule_id(r));
    }
    crate::hash::sha256_hex(k.as_bytes())
}

/// The text of a record's group key (a county's name …), `None` when it has none.
fn group_key(rec: &Record, by: Option<FieldId>) -> Option<String> {
    let g = by?;
    match rec.get(g)? {
        Val::Text(t) => Some(t.clone()),
        Val::Num(n) => Some(n.to_decimal(6)),
        Val::Flag(b) => Some(if *b { "是" } else { "否" }.to_string()),
        v @ Val::Cat(_) => match JsonVal::of(g, v) {
            JsonVal::Text(t) => Some(t),
            _ => None,
        },
    }
}

impl RosterAcc {
    /// An empty accumulator for a plan and options.
    pub fn new(plan: &Plan, opts: &Options) -> RosterAcc {
        let mut rules = Vec::new();
        let mut money = Vec::new();
        for rr in plan.rule_refs() {
            let Some((p, rule)) = plan.rule(rr) else {
                continue;
            };
            if let Shape::Money(m) = &rule.shape {
                if Plan::keep(rule, opts) {
                    money.push(MoneyTotal {
                        rule: rr,
                        shares: vec![0; m.payers.len()],
                        with_excess: vec![0; m.payers.len()],
                        ..MoneyTotal::default()
                    });
                }
            }
            if rule.subject != Subject::Roster || !Plan::keep(rule, opts) {
                continue;
            }
            let acc = match plan.force(p, opts) {
                Force::No(_) => RuleAcc::NotInForce,
                _ => match &rule.shape {
                    Shape::Range { .. } => RuleAcc::Aggregate {
                        members: 0,
                        missing: 0,
                        sum: Sum::default(),
                        undecided: FieldList::default(),
                    },
                    Shape::Proportional { .. } => RuleAcc::Rate {
                        members: 0,
                        sa: Sum::default(),
                        sb: Sum::default(),
                        missing: FieldList::default(),
                        undecided: FieldList::default(),
                    },
                    Shape::Share { .. } => RuleAcc::Share {
                        members: 0,
                        undecided: FieldList::default(),
                        groups: Groups::default(),
                    },
                    Shape::Tally { .. } => RuleAcc::Tally {
                        groups: Groups::default(),
                    },
                    _ => RuleAcc::Nothing,
                },
            };
            rules.push((rr, acc));
        }
        RosterAcc {
            key: key_of(plan, opts),
            rules,
            money,
            records: 0,
        }
    }

    /// Records added so far.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Adds one record with its own result (as [`Plan::evaluate`] gave it).
    pub fn add(&mut self, plan: &Plan, opts: &Options, rec: &Record, res: &RecordResult) {
        let verdict = |t: RuleRef| {
            res.findings
                .iter()
                .find(|x| x.rule == t)
                .map(|x| (x.status, x.missing.as_slice()))
        };
        self.add_with(plan, opts, rec, &verdict, &res.obligations);
    }

    /// Adds one record, given a way to look up its verdict on a rule (status and the
    /// fields it misses) and its obligations: the batch path, which has no findings.
    pub fn add_with<'r>(
        &mut self,
        plan: &Plan,
        opts: &Options,
        rec: &Record,
        verdict: &dyn Fn(RuleRef) -> Option<(Status, &'r [FieldId])>,
        obligations: &[Obligation],
    ) {
        self.records += 1;
        for ob in obligations {
            if let Some(t) = self.money.iter_mut().find(|t| t.rule == ob.rule) {
                t.add(ob);
            }
        }
        for (rr, acc) in &mut self.rules {
            let Some((p, rule)) = plan.rule(*rr) else {
                continue;
            };
            if matches!(acc, RuleAcc::NotInForce | RuleAcc::Nothing) {
                continue;
            }
            if rec.subject() != rule.over || matches!(kind_not_covered(p, rec), Some(Ok(_))) {
                continue;
            }
            // does the record meet the rule's conditions?
            let mut holds = Some(true);
            let mut unknown: Vec<FieldId> = Vec::new();
            for c in &rule.when {
                match cond_holds(c, rec, Some(opts.as_of)) {
                    Some(true) => {}
                    Some(false) => {
                        holds = Some(false);
                        if !matches!(acc, RuleAcc::Tally { .. }) {
                            // members need every condition known and true; keep looking
                            // for unknown fields as the single pass did
                            continue;
                        }
                        break;
                    }
                    None => {
                        if holds == Some(true) {
                            holds = None;
                        }
                        if !unknown.contains(&c.field()) {
                            unknown.push(c.field());
                        }
                    }
                }
            }
            match (acc, &rule.shape) {
                (
                    RuleAcc::Aggregate {
                        members,
                        missing,
                        sum,
                        undecided,
                    },
                    Shape::Range { measure, .. },
                ) => {
                    for f in &unknown {
                        undecided.push(*f);
                    }
                    if holds == Some(true) && unknown.is_empty() {
                        *members += 1;
                        match rec.num(*measure) {
                            Some(x) => sum.add(x),
                            None => *missing += 1,
                        }
                    }
                }
                (
                    RuleAcc::Rate {
                        members,
                        sa,
                        sb,
                        missing,
                        undecided,
                    },
                    Shape::Proportional { measure, base, .. },
                ) => {
                    for f in &unknown {
                        undecided.push(*f);
                    }
                    if holds == Some(true) && unknown.is_empty() {
                        *members += 1;
                        match (rec.num(*measure), rec.num(*base)) {
                            (Some(a), Some(b)) => {
                                sa.add(a);
                                sb.add(b);
                            }
                            (a, b) => {
                                if a.is_none() {
                                    missing.push(*measure);
                                }
                                if b.is_none() {
                                    missing.push(*base);
                                }
                            }
                        }
                    }
                }
                (
                    RuleAcc::Share {
                        members,
                        undecided,
                        groups,
                    },
                    Shape::Share { of, group_by, .. },
                ) => {
                    for f in &unknown {
                        undecided.push(*f);
                    }
                    if holds != Some(true) || !unknown.is_empty() {
                        continue;
                    }
                    *members += 1;
                    let g = groups.get(group_key(rec, *group_by));
                    g.members += 1;
                    let status = match of {
                        ShareOf::Flag(fl) => match rec.flag(*fl) {
                            Some(true) => Some(Status::Pass),
                            Some(false) => Some(Status::Fail),
                            None => {
                                g.unsure_fields.push(*fl);
                                Some(Status::MissingData)
                            }
                        },
                        ShareOf::Rule(id) => {
                            match p.rules.iter().position(|x| x.id == *id).and_then(|ri| {
                                u16::try_from(ri).ok().map(|rule| RuleRef {
                                    policy: rr.policy,
                                    rule,
                                })
                            }) {
                                Some(t) => match verdict(t) {
                                    Some((st, miss)) => {
                                        for m in miss {
                                            g.unsure_fields.push(*m);
                                        }
                                        Some(st)
                                    }
                                    None => None,
                                },
                                None => None,
                            }
                        }
                    };
                    match status {
                        Some(Status::Pass) => g.pass += 1,
                        Some(Status::Fail) => g.fail += 1,
                        Some(Status::NotApplicable) | None => {}
                        Some(Status::Ambiguous | Status::MissingData) => g.unsure += 1,
                    }
                }
                (RuleAcc::Tally { groups }, Shape::Tally { group_by, .. }) => {
                    let g = groups.get(group_key(rec, *group_by));
                    g.size += 1;
                    match holds {
                        Some(true) => g.count += 1,
                        Some(false) => {}
                        None => {
                            g.unsure += 1;
                            for f in &unknown {
                                g.unsure_fields.push(*f);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Merges the accumulator of the records that follow this one's.
    pub fn merge(&mut self, other: &RosterAcc) -> Result<(), MergeError> {
        if self.key != other.key || self.rules.len() != other.rules.len() {
            return Err(MergeError);
        }
        self.records += other.records;
        for (a, b) in self.money.iter_mut().zip(other.money.iter()) {
            a.merge(b);
        }
        for ((_, a), (_, b)) in self.rules.iter_mut().zip(other.rules.iter()) {
            match (a, b) {
                (
                    RuleAcc::Aggregate {
                        members,
                        missing,
                        sum,
                        undecided,
                    },
                    RuleAcc::Aggregate {
                        members: m2,
                        missing: x2,
                        sum: s2,
                        undecided: u2,
                    },
                ) => {
                    *members += m2;
                    *missing += x2;
                    sum.merge(*s2);
                    undecided.extend(u2);
                }
                (
                    RuleAcc::Rate {
                        members,
                        sa,
                        sb,
                        missing,
                        undecided,
                    },
                    RuleAcc::Rate {
                        members: m2,
                        sa: a2,
                        sb: b2,
                        missing: x2,
                        undecided: u2,
                    },
                ) => {
                    *members += m2;
                    sa.merge(*a2);
                    sb.merge(*b2);
                    missing.extend(x2);
                    undecided.extend(u2);
                }
                (
                    RuleAcc::Share {
                        members,
                        undecided,
                        groups,
                    },
                    RuleAcc::Share {
                        members: m2,
                        undecided: u2,
                        groups: g2,
                    },
                ) => {
                    *members += m2;
                    undecided.extend(u2);
                    for (k, g) in &g2.0 {
                        let mine = groups.get(k.clone());
                        mine.members += g.members;
                        mine.pass += g.pass;
                        mine.fail += g.fail;
                        mine.unsure += g.unsure;
                        mine.unsure_fields.extend(&g.unsure_fields);
                    }
                }
                (RuleAcc::Tally { groups }, RuleAcc::Tally { groups: g2 }) => {
                    for (k, g) in &g2.0 {
                        let mine = groups.get(k.clone());
                        mine.size += g.size;
                        mine.count += g.count;
                        mine.unsure += g.unsure;
                        mine.unsure_fields.extend(&g.unsure_fields);
                    }
                }
                (RuleAcc::NotInForce, RuleAcc::NotInForce)
                | (RuleAcc::Nothing, RuleAcc::Nothing) => {}
                _ => return Err(MergeError),
            }
        }
        Ok(())
    }

    /// The money totals, one per money rule (in plan order).
    pub fn totals(&self) -> &[MoneyTotal] {
        &self.money
    }

    /// The roster-level findings (in plan order; per group where a rule is grouped), with
    /// national rules replaced by local ones marked so.
    pub fn findings(&self, plan: &Plan, opts: &Options) -> Vec<Finding> {
        let mut out = Vec::new();
        for (rr, acc) in &self.rules {
            let Some((p, rule)) = plan.rule(*rr) else {
                continue;
            };
            let mut fs = rule_findings(*rr, rule, acc, opts);
            if let Force::No(reason) = plan.force(p, opts) {
                let mut f = Finding::new(*rr, Status::NotApplicable);
                f.reason = Some(reason);
                fs = vec![f];
            } else if matches!(plan.force(p, opts), Force::Evaluated) {
                for f in &mut fs {
                    f.notes.push(crate::eval::Note::NotInForceEvaluated);
                }
            }
            out.extend(fs);
        }
        plan.apply_overrides(&mut out, None);
        out
    }
}

fn no_communities(rr: RuleRef, rule: &crate::model::Rule) -> Finding {
    let mut f = Finding::new(rr, Status::NotApplicable);
    f.reason = Some(Reason::NoCommunities);
    f.measure = rule.shape.measure();
    f.counted = Some(0);
    f
}

fn rule_findings(
    rr: RuleRef,
    rule: &crate::model::Rule,
    acc: &RuleAcc,
    opts: &Options,
) -> Vec<Finding> {
    let too_large = |measure: Option<FieldId>, counted: usize| {
        let mut f = Finding::new(rr, Status::NotApplicable);
        f.reason = Some(Reason::AmountTooLarge);
        f.measure = measure;
        f.counted = Some(counted);
        f
    };
    match (acc, &rule.shape) {
        (
            RuleAcc::Aggregate {
                members,
                missing,
                sum,
                undecided,
            },
            Shape::Range {
                measure,
                min,
                max,
                aggregate,
                ..
            },
        ) => {
            if *members == 0 && undecided.0.is_empty() {
                return vec![no_communities(rr, rule)];
            }
            let mut f = Finding::new(rr, Status::Pass);
            f.measure = Some(*measure);
            f.counted = Some(*members);
            if *missing > 0 || !undecided.0.is_empty() {
                f.status = Status::MissingData;
                f.missing = vec![*measure];
                f.missing.extend(undecided.0.iter().copied());
                return vec![f];
            }
            if sum.overflow {
                return vec![too_large(Some(*measure), *members)];
            }
            let actual = match aggregate {
                Aggregate::Sum => sum.value,
                Aggregate::Mean => match i64::try_from(*members)
                    .ok()
                    .and_then(|n| sum.value.checked_div(Num::int(n)))
                {
                    Some(v) => v,
                    None => {
                        f.status = Status::NotApplicable;
                        return vec![f];
                    }
                },
            };
            let Some(iv) = bounds_interval(min.as_ref(), max.as_ref(), opts.as_of) else {
                f.status = Status::NotApplicable;
                f.reason = Some(Reason::NoValueOnDate { as_of: opts.as_of });
                return vec![f];
            };
            f.required = Some(Required {
                interval: Some(iv),
                exact: None,
                outcome: None,
                options: vec![],
                basis: Basis::Fixed,
            });
            judge_interval(&mut f, *measure, actual, &iv, RemedyHint::Adjust);
            vec![f]
        }
        (
            RuleAcc::Rate {
                members,
                sa,
                sb,
                missing,
                undecided,
            },
            Shape::Proportional {
                measure,
                base,
                per,
                min,
                max,
                percent,
                ..
            },
        ) => {
            if *members == 0 && undecided.0.is_empty() {
                return vec![no_communities(rr, rule)];
            }
            let mut f = Finding::new(rr, Status::Pass);
            f.measure = Some(*measure);
            f.counted = Some(*members);
            let mut miss = missing.clone();
            miss.extend(undecided);
            if !miss.0.is_empty() {
                f.status = Status::MissingData;
                f.missing = miss.0;
                return vec![f];
            }
            if sa.overflow || sb.overflow {
                return vec![too_large(Some(*measure), *members)];
            }
            let Some(coef) = bounds_interval(min.as_ref(), max.as_ref(), opts.as_of) else {
                f.status = Status::NotApplicable;
                f.reason = Some(Reason::NoValueOnDate { as_of: opts.as_of });
                return vec![f];
            };
            let mut overflow = false;
            let mut scale = |l: Limit| Limit {
                value: l
                    .value
                    .checked_div(*per)
                    .and_then(|x| x.checked_mul(sb.value))
                    .unwrap_or_else(|| {
                        overflow = true;
                        Num::ZERO
                    }),
                inclusive: l.inclusive,
            };
            let iv = Interval {
                min: coef.min.map(&mut scale),
                max: coef.max.map(&mut scale),
            };
            if overflow {
                return vec![too_large(Some(*measure), *members)];
            }
            let shown = coef.min.or(coef.max).map_or(Num::ZERO, |l| l.value);
            let mut req = Required {
                interval: None,
                exact: None,
                outcome: None,
                options: vec![],
                basis: Basis::Proportional {
                    base: *base,
                    base_value: sb.value,
                    value: shown,
                    per: *per,
                    percent: *percent,
                },
            };
            let iv = crate::eval::whole_if_needed(*measure, iv, &mut req);
            f.required = Some(req);
            judge_interval(&mut f, *measure, sa.value, &iv, RemedyHint::Adjust);
            vec![f]
        }
        (
            RuleAcc::Share {
                members,
                undecided,
                groups,
            },
            Shape::Share {
                group_by, min, max, ..
            },
        ) => {
            if *members == 0 && undecided.0.is_empty() {
                return vec![no_communities(rr, rule)];
            }
            let mut out = Vec::new();
            for (key, g) in &groups.0 {
                let mut f = Finding::new(rr, Status::Pass);
                f.group = key.clone();
                if group_by.is_some() && key.is_none() {
                    f.status = Status::MissingData;
                    f.missing = group_by.iter().copied().collect();
                    f.counted = Some(g.members);
                    out.push(f);
                    continue;
                }
                let (pass, unsure) = (g.pass, g.unsure);
                let n = g.pass + g.fail + g.unsure;
                f.counted = usize::try_from(n).ok();
                if n == 0 {
                    f.status = Status::NotApplicable;
                    f.reason = Some(Reason::NoCommunities);
                    out.push(f);
                    continue;
                }
                let Some(iv) = dated_requirement(&mut f, min.as_ref(), max.as_ref(), opts.as_of)
                else {
                    out.push(f);
                    continue;
                };
                let low = Num::ratio(i128::from(pass), i128::from(n)).unwrap_or(Num::ZERO);
                let high =
                    Num::ratio(i128::from(pass + unsure), i128::from(n)).unwrap_or(Num::ZERO);
                f.actual = Some(low);
                if unsure > 0 && iv.contains(low) != iv.contains(high) {
                    if g.unsure_fields.0.is_empty() {
                        // undecidable because some communities' own verdicts are ambiguous
                        f.status = Status::Ambiguous;
                        f.reason = Some(Reason::DependsOnAmbiguous);
                    } else {
                        f.status = Status::MissingData;
                        f.missing = g.unsure_fields.0.clone();
                    }
                } else {
                    judge_interval(&mut f, FieldId(0), low, &iv, RemedyHint::Adjust);
                    // the gap is counted in communities, not in share points
                    f.remedy = None;
                    if f.status == Status::Fail {
                        f.shortfall = Some(match (iv.min, iv.max) {
                            (Some(lo), _) if !lo.admits_from_below(low) => {
                                let need = lo.value.mul(Num::int(n));
                                let need = if lo.inclusive {
                                    need.ceil()
                                } else {
                                    need.floor().add(Num::ONE)
                                };
                                need.sub(Num::int(pass))
                            }
                            (_, Some(hi)) => {
                                let cap = hi.value.mul(Num::int(n));
                                let cap = if hi.inclusive {
                                    cap.floor()
                                } else {
                                    cap.ceil().sub(Num::ONE)
                                };
                                Num::int(pass).sub(cap)
                            }
                            _ => Num::ZERO,
                        });
                    }
                }
                out.push(f);
            }
            out
        }
        (RuleAcc::Tally { groups }, Shape::Tally { group_by, min, max }) => {
            let mut out = Vec::new();
            if groups.0.is_empty() && group_by.is_none() {
                return vec![no_communities(rr, rule)];
            }
            for (key, g) in &groups.0 {
                let mut f = Finding::new(rr, Status::Pass);
                f.group = key.clone();
                f.counted = Some(g.size);
                let Some(iv) = dated_requirement(&mut f, min.as_ref(), max.as_ref(), opts.as_of)
                else {
                    out.push(f);
                    continue;
                };
                let (low, high) = (Num::int(g.count), Num::int(g.count + g.unsure));
                f.actual = Some(low);
                if g.unsure > 0
                    && (iv.contains(low) != iv.contains(high) || !iv.contains(low))
                    && iv.contains(high)
                {
                    f.status = Status::MissingData;
                    f.missing = g.unsure_fields.0.clone();
                } else {
                    judge_interval(&mut f, FieldId(0), low, &iv, RemedyHint::Adjust);
                    f.remedy = None;
                }
                out.push(f);
            }
            out
        }
        _ => vec![],
    }
}

impl Plan {
    /// Evaluates the roster-level rules over records held in memory: the same as adding
    /// each record to a [`RosterAcc`] and asking for its findings. `results` are the
    /// per-record results in the same order (used by `share` rules).
    pub fn evaluate_roster(
        &self,
        records: &[Record],
        results: &[RecordResult],
        opts: &Options,
    ) -> Vec<Finding> {
        let mut acc = RosterAcc::new(self, opts);
        let empty = RecordResult::default();
        for (i, rec) in records.iter().enumerate() {
            acc.add(self, opts, rec, results.get(i).unwrap_or(&empty));
        }
        acc.findings(self, opts)
    }
}
