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
        let rec = &row.record;
        self.cells.clear();
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
