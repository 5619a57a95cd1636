//! The readable text report: each community's verdicts with the sentence they come from,
//! then the roster-level findings and the money totals.

use std::fmt::Write as _;
use std::io::Write;

use super::{big_yuan, Finished, InputOut, Sink, Writer};
use crate::eval::{Finding, Plan, RecordResult, Status};
use crate::input::{Row, Skipped};
use crate::lang::{self, Lang};
use crate::model::Shape;
use crate::validate::DataIssue;

/// The status's mark in the table.
pub fn icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Ambiguous => "?",
        Status::NotApplicable => "–",
        Status::MissingData => "…",
    }
}

/// Writes the text report.
pub struct TableSink<W: Write> {
    out: W,
    s: String,
}

impl<W: Write> TableSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> TableSink<W> {
        TableSink {
            out,
            s: String::new(),
        }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn flush_text(&mut self) -> std::io::Result<()> {
        self.out.write_all(self.s.as_bytes())?;
        self.s.clear();
        Ok(())
    }
}

/// One finding's line (and, for failures and ambiguities, its quote).
pub fn write_finding(s: &mut String, plan: &Plan, f: &Finding, lang: Lang) {
    let Some((p, r)) = plan.rule(f.rule) else {
        return;
    };
    let grade = if f.status == Status::Fail {
        format!(" {}", lang::grade_label(r.strength.grade(), lang))
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "  {} {}/{} [{}] {}{}{}: {}",
        icon(f.status),
        p.meta.id,
        r.id,
        r.clause,
        lang::strength_label(r.strength, lang),
        lang::word_mark(&r.word),
        grade,
        lang::message(plan, f, lang)
    );
    if matches!(f.status, Status::Fail | Status::Ambiguous) {
        let q: String = r.quote.chars().take(90).collect();
        let more = if r.quote.chars().count() > 90 {
            "…"
        } else {
            ""
        };
        let _ = writeln!(s, "      「{q}{more}」 — {} {}", p.meta.title, r.location);
        if let Some(rd) = r.reading.as_ref().filter(|_| f.status == Status::Ambiguous) {
            let _ = writeln!(
                s,
                "      {}: {rd}",
                if lang == Lang::Zh {
                    "解读"
                } else {
                    "reading"
                }
            );
        }
    }
}

/// `515000.00` → `515,000.00`.
fn grouped(yuan: &str) -> String {
    let (int, frac) = yuan.split_once('.').unwrap_or((yuan, "00"));
    let (neg, int) = int.strip_prefix('-').map_or((false, int), |x| (true, x));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}.{frac}", if neg { "-" } else { "" })
}

impl<W: Write> Sink for TableSink<W> {
    fn head(&mut self, w: &Writer<'_>) -> std::io::Result<()> {
        let lang = w.style.lang;
        let zh = lang == Lang::Zh;
        let s = &mut self.s;
        let _ = writeln!(
            s,
            "{} {}",
            if zh { "评估日期" } else { "as of" },
            w.opts.as_of
        );
        for p in w.plan.policies() {
            let force = match (p.meta.in_force_on(w.opts.as_of), zh) {
                (true, true) => "有效",
                (true, false) => "in force",
                (false, true) => "未生效/失效",
                (false, false) => "not in force",
            };
            let (title, issuer) = match lang {
                Lang::Zh => (p.meta.title.as_str(), p.meta.issuer.as_str()),
                Lang::En => (
                    p.meta.title_en.as_deref().unwrap_or(&p.meta.title),
                    p.meta.issuer_en.as_deref().unwrap_or(&p.meta.issuer),
                ),
            };
            let _ = writeln!(
                s,
                "  {} · {title} · {issuer} {} · {force}",
                p.meta.id, p.meta.published
            );
        }
        let _ = writeln!(s);
        self.flush_text()
    }

    fn community(
        &mut self,
        w: &Writer<'_>,
        row: &Row,
        res: &RecordResult,
        issues: &[DataIssue],
    ) -> std::io::Result<()> {
        let lang = w.style.lang;
        let zh = lang == Lang::Zh;
        let plan = w.plan;
        let name = row
            .record
            .name()
            .unwrap_or(if zh { "(未命名)" } else { "(unnamed)" });
        let counts = |st: Status| res.findings.iter().filter(|f| f.status == st).count();
        let s = &mut self.s;
        let _ = writeln!(
            s,
            "== {}. {name} ({} {}) — {} {} · {} {} · {} {} · {} {} ==",
            row.index,
            if zh { "行" } else { "line" },
            row.line,
            icon(Status::Pass),
            counts(Status::Pass),
            icon(Status::Fail),
            counts(Status::Fail),
            icon(Status::Ambiguous),
            counts(Status::Ambiguous),
            icon(Status::MissingData),
            counts(Status::MissingData),
        );
        for e in &row.errors {
            let _ = writeln!(
                s,
                "  ⚠ {}: {}",
                if zh { "输入有误" } else { "input error" },
                e.message
            );
        }
        for f in &res.findings {
            write_finding(s, plan, f, lang);
        }
        for d in issues {
            let _ = writeln!(
                s,
                "  ⚠ {}: {}",
                if zh { "数据疑点" } else { "data issue" },
                d.message(lang)
            );
        }
        for o in &res.obligations {
            let Some((p, r)) = plan.rule(o.rule) else {
                continue;
            };
            let title = if zh {
                r.title.clone()
            } else {
                r.title_en.clone().or_else(|| r.title.clone())
            };
            let _ = writeln!(
                s,
                "  ¥ {}/{} [{}] {}: {}",
                p.meta.id,
                r.id,
                r.clause,
                title.unwrap_or_default(),
                lang::obligation_text(plan, o, lang)
            );
        }
        let _ = writeln!(s);
        self.flush_text()
    }

    fn tail(
        &mut self,
        w: &Writer<'_>,
        done: &Finished,
        skipped: &[Skipped],
        _input: Option<&InputOut>,
    ) -> std::io::Result<()> {
        let lang = w.style.lang;
        let zh = lang == Lang::Zh;
        let plan = w.plan;
        let s = &mut self.s;
        for sk in skipped {
            let _ = writeln!(
                s,
                "-- {} {}: {}",
                if zh { "跳过 行" } else { "skipped line" },
                sk.line,
                sk.reason.text(lang)
            );
        }
        if !skipped.is_empty() {
            let _ = writeln!(s);
        }
        let totals: Vec<_> = done.acc.totals().iter().filter(|t| t.seen()).collect();
        if !done.roster.is_empty() || !totals.is_empty() {
            let _ = writeln!(
                s,
                "== {} ==",
                if zh {
                    "全域指标(按整个名单计算)"
                } else {
                    "roster-level rules (over the whole input)"
                }
            );
        }
        for f in &done.roster {
            write_finding(s, plan, f, lang);
        }
        for t in totals {
            let Some((p, r)) = plan.rule(t.rule) else {
                continue;
            };
            let shares: Vec<String> = match &r.shape {
                Shape::Money(m) => m
                    .payers
                    .iter()
                    .zip(t.with_excess.iter())
                    .map(|(py, v)| {
                        let name = match lang {
                            Lang::Zh => py.name.as_str(),
                            Lang::En => py.name_en.as_deref().unwrap_or(&py.name),
                        };
                        format!("{name} {}", grouped(&big_yuan(*v, false)))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let _ = writeln!(
                s,
                "  ¥ {}/{} {}: {} {} ({} {}, {} {}) — {}",
                p.meta.id,
                r.id,
                if zh { "合计" } else { "total" },
                grouped(&big_yuan(t.total, false)),
                if zh { "元" } else { "yuan" },
                t.counted,
                if zh {
                    "个社区计入"
                } else {
                    "communities counted"
                },
                t.missing,
                if zh { "个缺数据" } else { "missing data" },
                shares.join(", "),
            );
        }
        self.flush_text()?;
        self.out.flush()
    }
}
