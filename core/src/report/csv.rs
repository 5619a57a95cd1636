//! The report as CSV: the long table (one row per finding and per obligation, for
//! pivoting) and the wide table (one row per community, a status and a shortfall column
//! per rule). Both write every data row of the input, in order, with its pass-through
//! columns, and list the rows skipped.

use std::io::Write;

use super::{Finished, InputOut, Sink, Writer};
use crate::eval::{Finding, Obligation, RecordResult, Status};
use crate::field::{FieldId, Unit};
use crate::input::{Row, Skipped};
use crate::lang;
use crate::model::Shape;
use crate::num::Num;
use crate::record::JsonVal;
use crate::validate::DataIssue;

/// Column names of the long table, before the input's pass-through columns.
pub const LONG_COLUMNS: &[&str] = &[
    "record",
    "line",
    "name",
    "kind",
    "policy",
    "rule",
    "clause",
    "status",
    "reason",
    "strength",
    "grade",
    "measure",
    "actual",
    "required",
    "shortfall",
    "remedy",
    "message",
    "quote",
];

fn io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// A number as a CSV cell: exact decimals up to six places (`≈` when rounded), shares as
/// percentages (`60%`).
pub fn cell(n: Num, unit: Option<Unit>) -> String {
    if unit == Some(Unit::Percent) {
        format!("{}%", (n * Num::int(100)).to_decimal(4))
    } else {
        n.to_decimal(6)
    }
}

fn value_cell(f: FieldId, v: &crate::record::Val) -> String {
    match JsonVal::of(f, v) {
        JsonVal::Num(n) => cell(n, Some(f.def().unit)),
        JsonVal::Flag(b) => if b { "是" } else { "否" }.to_string(),
        JsonVal::Text(t) => t,
    }
}

fn start(out: impl Write + 'static, bom: bool) -> std::io::Result<csv::Writer<Box<dyn Write>>> {
    let mut out: Box<dyn Write> = Box::new(out);
    if bom {
        // Excel reads a UTF-8 CSV as such only with a byte order mark
        out.write_all("\u{feff}".as_bytes())?;
    }
    Ok(csv::WriterBuilder::new().from_writer(out))
}

/// Writes the long table.
pub struct LongSink {
    w: csv::Writer<Box<dyn Write>>,
    extra: Vec<String>,
    fields: Vec<String>,
}

impl LongSink {
    /// A sink writing to `out`; `extra` are the input's pass-through columns, appended
    /// to every row; `bom` starts the file with a UTF-8 byte order mark (for Excel).
    pub fn new(
        out: impl Write + 'static,
        extra: Vec<String>,
        bom: bool,
    ) -> std::io::Result<LongSink> {
        Ok(LongSink {
            w: start(out, bom)?,
            extra,
            fields: Vec::with_capacity(LONG_COLUMNS.len() + 8),
        })
    }

    fn finding_row(
        &mut self,
        w: &Writer<'_>,
        [rec, line, name, kind]: [&str; 4],
        f: &Finding,
        row: Option<&Row>,
    ) -> std::io::Result<()> {
        let Some((p, r)) = w.plan.rule(f.rule) else {
            return Ok(());
        };
        let lang = w.style.lang;
        let unit = match &r.shape {
            Shape::Share { .. } => Some(Unit::Percent),
            Shape::Tally { .. } => Some(Unit::Count),
            _ => f.measure.map(|m| m.def().unit),
        };
        let actual = match (f.actual_outcome, r.shape.measure()) {
            (Some(o), Some(m)) => m
                .def()
                .values
                .get(usize::from(o))
                .map_or(String::new(), |v| v.0.to_string()),
            _ => f.actual.map(|a| cell(a, unit)).unwrap_or_default(),
        };
        let shortfall = match &r.shape {
            // a share's shortfall is counted in communities
            Shape::Share { .. } => f.shortfall.map(|a| cell(a, Some(Unit::Count))),
            _ => f.shortfall.map(|a| cell(a, unit)),
        };
        self.fields.clear();
        self.fields.extend([
            rec.to_string(),
            line.to_string(),
            name.to_string(),
            kind.to_string(),
            p.meta.id.0.clone(),
            r.id.0.clone(),
            r.clause.clone(),
            f.status.name().to_string(),
            f.reason
                .as_ref()
                .map(|x| x.code().to_string())
                .unwrap_or_default(),
            r.strength.name().to_string(),
            if f.status == Status::Fail {
                r.strength.grade().name().to_string()
            } else {
                String::new()
            },
            f.measure.map(|m| m.name().to_string()).unwrap_or_default(),
            actual,
            lang::requirement_text(w.plan, f, lang),
            shortfall.unwrap_or_default(),
            f.remedy
                .as_ref()
                .map(|x| lang::remedy_text(x, lang))
                .unwrap_or_default(),
            if w.style.messages {
                lang::message(w.plan, f, lang)
            } else {
                String::new()
            },
            r.quote.clone(),
        ]);
        self.extras(row);
        self.w.write_record(&self.fields).map_err(io)
    }

    fn extras(&mut self, row: Option<&Row>) {
        for name in &self.extra {
            let v = row
                .and_then(|r| r.extra.iter().find(|(k, _)| k.as_ref() == name.as_str()))
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            self.fields.push(v);
        }
    }

    fn obligation_row(
        &mut self,
        w: &Writer<'_>,
        rec: &str,
        line: &str,
        name: &str,
        o: &Obligation,
        row: &Row,
    ) -> std::io::Result<()> {
        let Some((p, r)) = w.plan.rule(o.rule) else {
            return Ok(());
        };
        self.fields.clear();
        self.fields.extend([
            rec.to_string(),
            line.to_string(),
            name.to_string(),
            "obligation".to_string(),
            p.meta.id.0.clone(),
            r.id.0.clone(),
            r.clause.clone(),
            o.status.name().to_string(),
            o.reason
                .as_ref()
                .map(|x| x.code().to_string())
                .unwrap_or_default(),
            r.strength.name().to_string(),
            String::new(),
            "money".to_string(),
            o.total
                .map(|t| super::big_yuan(i128::from(t.0), false))
                .unwrap_or_default(),
            String::new(),
            o.lines
                .iter()
                .filter_map(|l| l.shortfall)
                .map(|s| super::big_yuan(i128::from(s.0), false))
                .next()
                .unwrap_or_default(),
            String::new(),
            if w.style.messages {
                lang::obligation_text(w.plan, o, w.style.lang)
            } else {
                String::new()
            },
            r.quote.clone(),
        ]);
        self.extras(Some(row));
        self.w.write_record(&self.fields).map_err(io)
    }

    fn plain(&mut self, cells: [&str; 18], row: Option<&Row>) -> std::io::Result<()> {
        self.fields.clear();
        self.fields.extend(cells.iter().map(|c| (*c).to_string()));
        self.extras(row);
        self.w.write_record(&self.fields).map_err(io)
    }
}

impl Sink for LongSink {
    fn head(&mut self, _w: &Writer<'_>) -> std::io::Result<()> {
        let mut h: Vec<String> = LONG_COLUMNS.iter().map(|s| (*s).to_string()).collect();
        h.extend(self.extra.iter().cloned());
        self.w.write_record(&h).map_err(io)
    }

    fn community(
        &mut self,
        w: &Writer<'_>,
        row: &Row,
        res: &RecordResult,
        issues: &[DataIssue],
    ) -> std::io::Result<()> {
        let idx = row.index.to_string();
        let line = row.line.to_string();
        let name = row.record.name().unwrap_or("").to_string();
        if res.findings.is_empty() && res.obligations.is_empty() {
            // the row is accounted for even when no rule judges it
            self.plain(
                [
                    &idx,
                    &line,
                    &name,
                    "no_finding",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                Some(row),
            )?;
        }
        for f in &res.findings {
            self.finding_row(w, [&idx, &line, &name, "finding"], f, Some(row))?;
        }
        for o in &res.obligations {
            self.obligation_row(w, &idx, &line, &name, o, row)?;
        }
        for d in issues {
            let fields: Vec<&str> = d.fields.iter().map(|f| f.name()).collect();
            let fields = fields.join(" ");
            self.plain(
                [
                    &idx,
                    &line,
                    &name,
                    "data_issue",
                    "",
                    d.code,
                    "",
                    "",
                    "",
                    "",
                    "",
                    &fields,
                    "",
                    "",
                    "",
                    "",
                    d.message(w.style.lang),
                    "",
                ],
                Some(row),
            )?;
        }
        for e in &row.errors {
            let col = e.field.clone().unwrap_or_default();
            self.plain(
                [
                    &idx,
                    &line,
                    &name,
                    "input_error",
                    "",
                    e.code,
                    "",
                    "",
                    "",
                    "",
                    "",
                    &col,
                    e.value.as_deref().unwrap_or(""),
                    "",
                    "",
                    "",
                    &e.message,
                    "",
                ],
                Some(row),
            )?;
        }
        Ok(())
    }

    fn tail(
        &mut self,
        w: &Writer<'_>,
        done: &Finished,
        skipped: &[Skipped],
        _input: Option<&InputOut>,
    ) -> std::io::Result<()> {
        for f in &done.roster {
            let name = f.group.clone().unwrap_or_default();
            self.finding_row(w, ["roster", "", &name, "roster"], f, None)?;
        }
        for t in done.acc.totals().iter().filter(|t| t.seen()) {
            let Some((p, r)) = w.plan.rule(t.rule) else {
                continue;
            };
            let shares: Vec<String> = match &r.shape {
                Shape::Money(m) => m
                    .payers
                    .iter()
                    .zip(t.with_excess.iter())
                    .map(|(py, s)| {
                        format!(
                            "{} {}",
                            match w.style.lang {
                                lang::Lang::Zh => py.name.as_str(),
                                lang::Lang::En => py.name_en.as_deref().unwrap_or(&py.name),
                            },
                            super::big_yuan(*s, false)
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let total = super::big_yuan(t.total, false);
            let shares = shares.join("; ");
            self.plain(
                [
                    "roster",
                    "",
                    "",
                    "obligation_total",
                    &p.meta.id.0,
                    &r.id.0,
                    &r.clause,
                    "",
                    "",
                    "",
                    "",
                    "money",
                    &total,
                    "",
                    "",
                    "",
                    &shares,
                    &r.quote,
                ],
                None,
            )?;
        }
        for s in skipped {
            let line = s.line.to_string();
            self.plain(
                [
                    "",
                    &line,
                    "",
                    "skipped",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    s.reason.text(w.style.lang),
                    "",
                ],
                None,
            )?;
        }
        self.w.flush()
    }
}

/// Writes the wide table: one row per community.
pub struct WideSink {
    w: csv::Writer<Box<dyn Write>>,
    fields: Vec<FieldId>,
    extra: Vec<String>,
    cells: Vec<String>,
    /// Per-record rules (plan order) and money rules with their payers' count, as the
    /// columns go.
    rules: Vec<crate::eval::RuleRef>,
    money: Vec<(crate::eval::RuleRef, usize)>,
}

impl WideSink {
    /// A sink writing to `out`: the recognised `fields` and the pass-through `extra`
    /// columns of the input come first, as in the input.
    pub fn new(
        out: impl Write + 'static,
        fields: Vec<FieldId>,
        extra: Vec<String>,
        bom: bool,
    ) -> std::io::Result<WideSink> {
        Ok(WideSink {
            w: start(out, bom)?,
            fields,
            extra,
            cells: Vec::new(),
            rules: Vec::new(),
            money: Vec::new(),
        })
    }
}

impl WideSink {
    /// The row's own cells: its number, line, name, subject, fields and pass-through
    /// columns.
    fn row_start(&mut self, row: &Row) {
        let rec = &row.record;
        self.cells.push(row.index.to_string());
        self.cells.push(row.line.to_string());
        self.cells.push(rec.name().unwrap_or("").to_string());
        self.cells.push(rec.subject().name().to_string());
        for f in self
            .fields
            .iter()
            .filter(|f| f.name() != "name" && f.name() != "subject")
        {
            self.cells
                .push(rec.get(*f).map(|v| value_cell(*f, v)).unwrap_or_default());
        }
        for name in &self.extra {
            self.cells.push(
                row.extra
                    .iter()
                    .find(|(k, _)| k.as_ref() == name.as_str())
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
    }
}

impl Sink for WideSink {
    fn head(&mut self, w: &Writer<'_>) -> std::io::Result<()> {
        let plan = w.plan;
        self.rules.clear();
        self.money.clear();
        for rr in plan.rule_refs() {
            let Some((_, r)) = plan.rule(rr) else {
                continue;
            };
            if r.subject == crate::field::Subject::Roster || !crate::eval::Plan::keep(r, w.opts) {
                continue;
            }
            match &r.shape {
                Shape::Money(m) => self.money.push((rr, m.payers.len())),
                _ => self.rules.push(rr),
            }
        }
        let mut h: Vec<String> = vec![
            "record".into(),
            "line".into(),
            "name".into(),
            "subject".into(),
        ];
        h.extend(
            self.fields
                .iter()
                .filter(|f| f.name() != "name" && f.name() != "subject")
                .map(|f| f.name().to_string()),
        );
        h.extend(self.extra.iter().cloned());
        for rr in &self.rules {
            let id = plan.rule_id(*rr);
            h.push(id.to_string());
            h.push(format!("{id}:shortfall"));
        }
        for (rr, _) in &self.money {
            let id = plan.rule_id(*rr);
            h.push(format!("{id}:total"));
            if let Some((_, r)) = plan.rule(*rr) {
                if let Shape::Money(m) = &r.shape {
                    for py in &m.payers {
                        h.push(format!("{id}:{}", py.id));
                    }
                }
            }
        }
        self.w.write_record(&h).map_err(io)
    }

    fn community(
        &mut self,
        w: &Writer<'_>,
        row: &Row,
        res: &RecordResult,
        _issues: &[DataIssue],
    ) -> std::io::Result<()> {
        self.cells.clear();
        self.row_start(row);
        // findings come in plan order: walk both lists together
        let mut fi = res.findings.iter().peekable();
        for rr in &self.rules {
            while fi.peek().is_some_and(|f| f.rule < *rr) {
                fi.next();
            }
            match fi.peek().filter(|f| f.rule == *rr) {
                Some(f) => {
                    let unit = w.plan.rule(f.rule).and_then(|(_, r)| match &r.shape {
                        Shape::Share { .. } | Shape::Tally { .. } => Some(Unit::Count),
                        _ => f.measure.map(|m| m.def().unit),
                    });
                    self.cells.push(f.status.name().to_string());
                    self.cells
                        .push(f.shortfall.map(|s| cell(s, unit)).unwrap_or_default());
                }
                None => {
                    self.cells.push(String::new());
                    self.cells.push(String::new());
                }
            }
        }
        for (rr, payers) in &self.money {
            match res.obligations.iter().find(|o| o.rule == *rr) {
                Some(o) => {
                    self.cells.push(
                        o.total
                            .map(|t| super::big_yuan(i128::from(t.0), false))
                            .unwrap_or_default(),
                    );
                    for i in 0..*payers {
                        self.cells.push(
                            o.total
                                .and(o.shares_with_excess.get(i))
                                .map(|s| super::big_yuan(i128::from(s.0), false))
                                .unwrap_or_default(),
                        );
                    }
                }
                None => {
                    for _ in 0..=*payers {
                        self.cells.push(String::new());
                    }
                }
            }
        }
        self.w.write_record(&self.cells).map_err(io)
    }

    fn tail(
        &mut self,
        _w: &Writer<'_>,
        _done: &Finished,
        _skipped: &[Skipped],
        _input: Option<&InputOut>,
    ) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// What [`write_wide`] read and found.
#[derive(Clone, Debug, Default)]
pub struct WideDone {
    /// Data rows written.
    pub rows: usize,
    /// Rows that are not data.
    pub skipped: Vec<Skipped>,
    /// Whether any community or roster-level rule failed.
    pub failed: bool,
}

/// Rows evaluated together by [`write_wide`].
pub const WIDE_CHUNK: usize = 4096;

/// Writes the wide table of a roster as a stream, evaluating rows in chunks through the
/// columnar batch (the compiled kernels): the same table as a [`WideSink`] fed by the
/// full evaluator, several times faster. Rows with bad cells must have been dealt with
/// by the caller (their bad cells are missing).
pub fn write_wide(
    plan: &crate::eval::Plan,
    opts: &crate::eval::Options,
    reader: &mut crate::input::Reader<'_>,
    out: impl Write + 'static,
    fields: Vec<FieldId>,
    extra: Vec<String>,
    bom: bool,
) -> std::io::Result<WideDone> {
    use std::fmt::Write as _;
    let w = Writer::new(
        plan,
        opts,
        super::Style {
            lang: lang::Lang::Zh,
            messages: false,
        },
    );
    let mut sink = WideSink::new(out, fields, extra, bom)?;
    sink.head(&w)?;
    let mut done = WideDone::default();
    let mut acc = crate::roster::RosterAcc::new(plan, opts);
    // the units of the rules' shortfalls, once
    let units: Vec<Option<Unit>> = sink
        .rules
        .iter()
        .map(|rr| {
            plan.rule(*rr)
                .and_then(|(_, r)| r.shape.measure())
                .map(|m| m.def().unit)
        })
        .collect();
    let mut rows: Vec<Row> = Vec::with_capacity(WIDE_CHUNK);
    let mut spare: Vec<Row> = Vec::new();
    let mut scratch = String::new();
    let mut end = false;
    while !end {
        rows.clear();
        while rows.len() < WIDE_CHUNK {
            let mut row = spare.pop().unwrap_or_default();
            match reader.next_into(&mut row).map_err(std::io::Error::other)? {
                Some(crate::input::Next::Row) => rows.push(row),
                Some(crate::input::Next::Skipped(s)) => {
                    done.skipped.push(s);
                    spare.push(row);
                }
                None => {
                    end = true;
                    break;
                }
            }
        }
        if rows.is_empty() {
            break;
        }
        let records: Vec<&crate::record::Record> = rows.iter().map(|r| &r.record).collect();
        let cols = crate::batch::Columns::from_records(&records);
        let b = plan.evaluate_columns(&cols, opts, 1);
        // the sink's rule columns are the batch's, in the same order; by plan position too
        let pos: Vec<Option<usize>> = sink
            .rules
            .iter()
            .map(|r| b.rules.iter().position(|x| x == r))
            .collect();
        let mut by_flat: Vec<Option<usize>> = vec![None; plan.rule_count()];
        for (k, r) in b.rules.iter().enumerate() {
            if let Some(slot) = plan.flat(*r).and_then(|f| by_flat.get_mut(f)) {
                *slot = Some(k);
            }
        }
        let mpos: Vec<Option<usize>> = sink
            .money
            .iter()
            .map(|(r, _)| b.money_rules.iter().position(|x| x == r))
            .collect();
        for (i, row) in rows.iter().enumerate() {
            let status = |k: usize| b.status.get(k).and_then(|c| c.get(i)).copied().flatten();
            let verdict = |t: crate::eval::RuleRef| {
                plan.flat(t)
                    .and_then(|f| by_flat.get(f).copied().flatten())
                    .and_then(status)
                    .map(|s| (s, &[][..]))
            };
            acc.add_with(plan, opts, &row.record, &verdict, &[]);
            sink.cells.clear();
            sink.row_start(row);
            for c in &sink.cells {
                sink.w.write_field(c).map_err(io)?;
            }
            for (k, unit) in pos.iter().zip(units.iter()) {
                let st = k.and_then(status);
                done.failed |= st == Some(Status::Fail);
                sink.w
                    .write_field(st.map_or("", Status::name))
                    .map_err(io)?;
                scratch.clear();
                if let Some(sh) =
                    k.and_then(|k| b.shortfall.get(k).and_then(|c| c.get(i)).copied().flatten())
                {
                    match (sh.to_i64(), unit) {
                        (Some(n), u) if *u != Some(Unit::Percent) => {
                            let _ = write!(scratch, "{n}");
                        }
                        _ => scratch.push_str(&cell(sh, *unit)),
                    }
                }
                sink.w.write_field(&scratch).map_err(io)?;
            }
            for (j, (_, payers)) in mpos.iter().zip(sink.money.iter()) {
                let total = j.and_then(|j| {
                    b.money_total
                        .get(j)
                        .and_then(|c| c.get(i))
                        .copied()
                        .flatten()
                });
                yuan_into(&mut scratch, total);
                sink.w.write_field(&scratch).map_err(io)?;
                for p in 0..*payers {
                    let s = j.and_then(|j| {
                        b.money_shares
                            .get(j)
                            .and_then(|m| m.get(p))
                            .and_then(|c| c.get(i))
                            .copied()
                            .flatten()
                    });
                    yuan_into(&mut scratch, total.and(s));
                    sink.w.write_field(&scratch).map_err(io)?;
                }
            }
            sink.w.write_record(None::<&[u8]>).map_err(io)?;
            done.rows += 1;
        }
        spare.append(&mut rows);
    }
    done.failed |= acc
        .findings(plan, opts)
        .iter()
        .any(|f| f.status == Status::Fail);
    sink.w.flush()?;
    Ok(done)
}

/// Fen as yuan with two decimals, into a reused buffer (empty for none).
fn yuan_into(s: &mut String, f: Option<crate::money::Fen>) {
    use std::fmt::Write as _;
    s.clear();
    if let Some(f) = f {
        let v = f.0.unsigned_abs();
        let _ = write!(
            s,
            "{}{}.{:02}",
            if f.0 < 0 { "-" } else { "" },
            v / 100,
            v % 100
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wide table through the batch kernels is the wide table through the full
    /// evaluator, cell for cell.
    fn both(text: &str, ids: &[&str], as_of: crate::date::Date) -> (String, String) {
        let Ok(plan) = crate::bundled::plan(ids) else {
            return (String::new(), "no plan".into());
        };
        let opts = crate::eval::Options::at(as_of);
        let roster = crate::input::parse_csv(text, "r.csv").unwrap_or_default();
        let slow = super::super::to_wide_csv(&plan, &roster, &opts, lang::Lang::Zh);
        let buf = super::super::Shared::default();
        let fields = roster.columns.iter().filter_map(|(_, f)| *f).collect();
        let extra = roster
            .columns
            .iter()
            .filter(|(_, f)| f.is_none())
            .map(|(n, _)| n.clone())
            .collect();
        let fast = match crate::input::Reader::from_text(text, crate::input::Format::Csv, "r.csv") {
            Ok(mut r) => {
                match write_wide(&plan, &opts, &mut r, buf.clone(), fields, extra, false) {
                    Ok(d) => {
                        assert_eq!(d.rows, roster.records.len());
                        String::from_utf8(buf.0.borrow().clone()).unwrap_or_default()
                    }
                    Err(e) => e.to_string(),
                }
            }
            Err(e) => e.to_string(),
        };
        (slow, fast)
    }

    #[test]
    fn batched_wide_table_is_the_evaluators() {
        let text = include_str!("../../../examples/roster.csv");
        let d = crate::date::Date::new(2024, 6, 30).unwrap_or(crate::date::Date::year_start(2024));
        let (slow, fast) = both(text, &["xian-2023", "bijie-2017"], d);
        assert!(slow.lines().count() > 2);
        assert_eq!(slow, fast);
        let mut big = String::from("name,kind,households,residents,registered_residents,service_space,activity_space,workers,committee_members,is_new,备注\n");
        for i in 0..5000u32 {
            let hh = 50 + (i * 7919) % 15000;
            let kind = if i % 10 == 0 { "rural" } else { "urban" };
            let space = if i % 13 == 0 {
                String::new()
            } else {
                ((hh * 3) / 10 + i % 97).to_string()
            };
            big.push_str(&format!(
                "c{i},{kind},{hh},{},{},{space},{},{},{},{},note {i}\n",
                hh * 3,
                hh * 2,
                (hh * 3) / 20,
                (hh * 18 * 3) / 10000 + i % 5,
                5 + i % 5,
                if i % 9 == 0 { "是" } else { "否" }
            ));
        }
        let (slow, fast) = both(&big, &["xian-2023", "bijie-2017", "huining-2020"], d);
        assert_eq!(slow.lines().count(), 5001);
        assert_eq!(slow, fast);
    }
}
