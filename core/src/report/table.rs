//! The readable text report: each community's verdicts with the sentence they come from,
//! then the roster-level findings and the money totals.

use std::fmt::Write as _;
use std::io::Write;

use super::overview::Overview;
use super::{big_yuan, Counts, Finished, InputOut, Only, Sink, SummaryOut, Writer};
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

/// Writes the text report: the overview first when the run made one (the input, what
/// the whole roster lacks, the per-rule summary, replaced national rules once, money by
/// payer, per group), then each community's findings, then the roster-level findings.
pub struct TableSink<W: Write> {
    out: W,
    s: String,
    only: Only,
    /// The overview was written: the tail does not repeat it.
    overview: bool,
    /// Communities left out of the detail by `only`.
    hidden: usize,
}

impl<W: Write> TableSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> TableSink<W> {
        TableSink {
            out,
            s: String::new(),
            only: Only::All,
            overview: false,
            hidden: 0,
        }
    }

    /// Shows only some findings in the per-community detail.
    pub fn only(mut self, only: Only) -> TableSink<W> {
        self.only = only;
        self
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
        if let Some(rd) = r.reading_in(lang).filter(|_| f.status == Status::Ambiguous) {
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
        if !self.only.keeps_community(row, res, issues) {
            self.hidden += 1;
            return Ok(());
        }
        let only = self.only;
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
        for f in res.findings.iter().filter(|f| only.keeps(f)) {
            write_finding(s, plan, f, lang);
        }
        // an assumed value is said once, in the input section
        for d in issues.iter().filter(|d| d.code != "assumed") {
            let _ = writeln!(
                s,
                "  ⚠ {}: {}",
                if zh { "数据疑点" } else { "data issue" },
                d.message(lang)
            );
        }
        for o in res.obligations.iter().filter(|_| only == Only::All) {
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

    fn overview(
        &mut self,
        w: &Writer<'_>,
        ov: &Overview,
        input: &InputOut,
        skipped: &[Skipped],
    ) -> std::io::Result<()> {
        self.overview = true;
        write_overview(&mut self.s, w, ov, input, skipped);
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
        let s = &mut self.s;
        if self.hidden > 0 {
            let _ = writeln!(
                s,
                "-- {}",
                if zh {
                    format!(
                        "另有 {} 个社区没有需要列出的结论,未逐一列出(见上方汇总)",
                        self.hidden
                    )
                } else {
                    format!(
                        "{} more communities have nothing to list here (see the summary above)",
                        self.hidden
                    )
                }
            );
            let _ = writeln!(s);
        }
        if self.overview {
            // the overview said it all: the input, the summary, the roster-level findings
            self.flush_text()?;
            return self.out.flush();
        }
        for sk in skipped {
            let _ = writeln!(
                s,
                "-- {} {}: {}",
                if zh { "跳过 行" } else { "skipped line" },
                sk.line,
                sk.reason.text(lang)
            );
            for c in sk.mismatches() {
                let _ = writeln!(s, "   ⚠ {}", c.message(lang));
            }
        }
        if !skipped.is_empty() {
            let _ = writeln!(s);
        }
        write_roster(s, w, done);
        self.flush_text()?;
        self.out.flush()
    }
}

/// The roster-level findings and the money totals by payer.
fn write_roster(s: &mut String, w: &Writer<'_>, done: &Finished) {
    let lang = w.style.lang;
    let zh = lang == Lang::Zh;
    let plan = w.plan;
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
}

/// Columns a text takes in a terminal: CJK and full-width characters take two.
fn width(t: &str) -> usize {
    t.chars()
        .map(|c| {
            let u = u32::from(c);
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// `1 community`, `2 communities`.
fn n_of(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `t` padded with spaces to `w` columns.
fn pad(t: &str, w: usize) -> String {
    let n = width(t);
    format!("{t}{}", " ".repeat(w.saturating_sub(n)))
}

/// Line numbers as `1、2、5` (`1, 2, 5`), the first 12 and a count of the rest.
fn lines(ls: &[usize], zh: bool) -> String {
    let sep = if zh { "、" } else { ", " };
    let shown: Vec<String> = ls.iter().take(12).map(usize::to_string).collect();
    let more = ls.len().saturating_sub(12);
    let mut out = shown.join(sep);
    if more > 0 {
        out.push_str(&if zh {
            format!(" 等共 {}", ls.len())
        } else {
            format!(" and {more} more")
        });
    }
    out
}

/// A value to suggest for `--assume FIELD=VALUE`: for a category or a yes/no field (one
/// value often holds for a whole roster, such as 社区类型=城市); none for a figure.
fn assume_example(f: crate::field::FieldId) -> Option<String> {
    use crate::field::Unit;
    let d = f.def();
    match d.unit {
        Unit::Category => d
            .values
            .first()
            .and_then(|(_, w)| w.first())
            .map(|w| (*w).to_string()),
        Unit::Flag => Some("否".into()),
        _ => None,
    }
}

/// The opening of the text report: the input, what the whole roster lacks, the summary
/// per rule, the national rules local ones replace (once), the roster-level findings and
/// money by payer, and the same per group.
fn write_overview(
    s: &mut String,
    w: &Writer<'_>,
    ov: &Overview,
    input: &InputOut,
    skipped: &[Skipped],
) {
    let lang = w.style.lang;
    let zh = lang == Lang::Zh;
    let plan = w.plan;
    let sum = ov.done.summary.out(plan, w.opts, &ov.done.roster);
    // the input
    if !input.name.is_empty() {
        let _ = writeln!(s, "== {} ==", if zh { "输入" } else { "input" });
        let mut head = format!("  {} · {}", input.name, input.format);
        if let Some(e) = input.encoding {
            head.push_str(&if zh {
                format!(" · 编码 {}", e.name())
            } else {
                format!(" · encoding {}", e.name())
            });
        }
        if let Some(sh) = &input.sheet {
            head.push_str(&if zh {
                format!(" · 工作表「{}」(共 {} 个)", sh.name, sh.sheets.len())
            } else {
                format!(" · sheet `{}` (of {})", sh.name, sh.sheets.len())
            });
        }
        head.push_str(&if zh {
            format!(" · {} 个社区", input.rows)
        } else {
            format!(" · {}", n_of(input.rows, "community", "communities"))
        });
        let _ = writeln!(s, "{head}");
        for reason in [
            crate::input::SkipReason::Title,
            crate::input::SkipReason::Blank,
            crate::input::SkipReason::Total,
        ] {
            let these: Vec<&Skipped> = skipped.iter().filter(|k| k.reason == reason).collect();
            if these.is_empty() {
                continue;
            }
            let ls: Vec<usize> = these.iter().map(|k| k.line).collect();
            let texts: Vec<String> = these
                .iter()
                .filter_map(|k| k.text.as_deref())
                .take(3)
                .map(|t| format!("「{}」", t.chars().take(30).collect::<String>()))
                .collect();
            let _ = writeln!(
                s,
                "  {}: {}{}",
                if zh {
                    format!("跳过第 {} 行", lines(&ls, zh))
                } else {
                    format!("skipped line(s) {}", lines(&ls, zh))
                },
                reason.text(lang),
                if texts.is_empty() {
                    String::new()
                } else {
                    format!(" {}", texts.join(" "))
                }
            );
            for k in &these {
                for c in k.mismatches() {
                    let _ = writeln!(
                        s,
                        "    ⚠ {}: {}",
                        if zh {
                            format!("第 {} 行", k.line)
                        } else {
                            format!("line {}", k.line)
                        },
                        c.message(lang)
                    );
                }
            }
        }
        for a in &input.assumed {
            let label = lang::field_label(a.field, lang);
            let _ = writeln!(
                s,
                "  {}",
                if zh {
                    format!(
                        "假定(--assume): {label} = {},用于 {} 个未填写的社区",
                        a.value, a.rows
                    )
                } else {
                    format!(
                        "assumed (--assume): {label} = {} for {} that lacked it",
                        a.value,
                        n_of(a.rows, "community", "communities")
                    )
                }
            );
        }
        let passed: Vec<&str> = input
            .columns
            .iter()
            .filter(|c| c.field.is_none())
            .map(|c| c.name.as_str())
            .collect();
        if !passed.is_empty() {
            let _ = writeln!(
                s,
                "  {}: {}",
                if zh {
                    "原样保留的列(不是已知字段;如有拼错请更正,`shequ fields` 列出全部字段)"
                } else {
                    "passed through (not fields; if one is mistyped, `shequ fields` lists them)"
                },
                passed.join(", ")
            );
        }
    }
    // what the whole roster lacks
    for m in sum.missing_fields.iter().filter(|m| m.missing_everywhere) {
        let label = lang::field_label(m.field, lang);
        let assume = assume_example(m.field).map(|v| format!("--assume {}={v}", m.header));
        let rules = m.rules.len();
        let _ = writeln!(
            s,
            "  ⚠ {}",
            match (zh, assume) {
                (true, Some(a)) => format!(
                    "整个名单缺少「{label}」:{rules} 条规则对任何社区都无法判断;请补充该列,或使用 {a}"
                ),
                (true, None) => format!(
                    "整个名单缺少「{label}」:{rules} 条规则对任何社区都无法判断;请补充该列"
                ),
                (false, Some(a)) => format!(
                    "{label} is missing from the whole roster: {} cannot be decided for any community; add the column or use {a}",
                    n_of(rules, "rule", "rules")
                ),
                (false, None) => format!(
                    "{label} is missing from the whole roster: {} cannot be decided for any community; add the column",
                    n_of(rules, "rule", "rules")
                ),
            }
        );
    }
    for m in sum
        .missing_fields
        .iter()
        .filter(|m| !m.missing_everywhere)
        .take(5)
    {
        let label = lang::field_label(m.field, lang);
        let _ = writeln!(
            s,
            "  … {}",
            if zh {
                format!(
                    "「{label}」有 {} 个社区未填,{} 条规则因此未能判断",
                    m.rows_missing,
                    m.rules.len()
                )
            } else {
                format!(
                    "{label} is empty for {}, leaving {} undecided there",
                    n_of(m.rows_missing, "community", "communities"),
                    n_of(m.rules.len(), "rule", "rules")
                )
            }
        );
    }
    let _ = writeln!(s);
    write_summary(s, w, &sum);
    write_roster(s, w, &ov.done);
    if let Some(g) = &ov.groups {
        let _ = writeln!(
            s,
            "== {} ==",
            if zh {
                format!("按「{}」分组", g.by.label())
            } else {
                format!("by {}", g.by.label())
            }
        );
        for grp in &g.groups {
            let roster = grp.acc.findings(plan, w.opts);
            let gs = grp.summary.out(plan, w.opts, &roster);
            let key = grp.key.clone().unwrap_or_else(|| {
                if zh {
                    "(未填)".into()
                } else {
                    "(blank)".into()
                }
            });
            let c = gs.findings;
            let _ = writeln!(
                s,
                "  {} {} — {} {} · {} {} · {} {}{}",
                pad(&key, 16),
                if zh {
                    format!("{} 个社区,{} 个有不符合项", gs.records, gs.failing_records)
                } else {
                    format!(
                        "{}, {} with a failure",
                        n_of(gs.records, "community", "communities"),
                        gs.failing_records
                    )
                },
                icon(Status::Fail),
                c.fail,
                icon(Status::Ambiguous),
                c.ambiguous,
                icon(Status::MissingData),
                c.missing_data,
                {
                    let mut failing: Vec<_> =
                        gs.rules.iter().filter(|r| r.counts.fail > 0).collect();
                    failing.sort_by_key(|r| std::cmp::Reverse(r.counts.fail));
                    let worst: Vec<String> = failing
                        .iter()
                        .take(3)
                        .map(|r| format!("{} ×{}", r.rule, r.counts.fail))
                        .collect();
                    if worst.is_empty() {
                        String::new()
                    } else if zh {
                        format!(";不符合最多: {}", worst.join(", "))
                    } else {
                        format!("; most failures: {}", worst.join(", "))
                    }
                }
            );
            for t in grp.acc.totals().iter().filter(|t| t.seen()) {
                let Some((p, r)) = plan.rule(t.rule) else {
                    continue;
                };
                let _ = writeln!(
                    s,
                    "      ¥ {}/{} {} {}{}{}",
                    p.meta.id,
                    r.id,
                    grouped(&big_yuan(t.total, false)),
                    if zh { "元" } else { "yuan" },
                    if zh { ":" } else { ": " },
                    payer_shares(w, r, t)
                );
            }
            let mut t = String::new();
            for f in roster.iter().filter(|f| {
                matches!(
                    f.status,
                    Status::Fail | Status::Ambiguous | Status::MissingData
                )
            }) {
                write_finding(&mut t, plan, f, lang);
            }
            for l in t.lines() {
                let _ = writeln!(s, "    {l}");
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "== {} ==",
        if zh {
            "逐社区明细"
        } else {
            "each community"
        }
    );
    let _ = writeln!(s);
}

/// Each payer's share of a money total.
fn payer_shares(w: &Writer<'_>, r: &crate::model::Rule, t: &crate::roster::MoneyTotal) -> String {
    match &r.shape {
        Shape::Money(m) => m
            .payers
            .iter()
            .zip(t.with_excess.iter())
            .map(|(py, v)| {
                let name = match w.style.lang {
                    Lang::Zh => py.name.as_str(),
                    Lang::En => py.name_en.as_deref().unwrap_or(&py.name),
                };
                format!("{name} {}", grouped(&big_yuan(*v, false)))
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// The per-rule summary table, then the national rules replaced by local ones, once.
fn write_summary(s: &mut String, w: &Writer<'_>, sum: &SummaryOut<'_>) {
    let lang = w.style.lang;
    let zh = lang == Lang::Zh;
    let plan = w.plan;
    let _ = writeln!(
        s,
        "== {} ==",
        if zh {
            format!(
                "汇总:{} 个社区,{} 个有不符合项",
                sum.records, sum.failing_records
            )
        } else {
            format!(
                "summary: {}, {} with a failure",
                n_of(sum.records, "community", "communities"),
                sum.failing_records
            )
        }
    );
    let rows: Vec<_> = sum
        .rules
        .iter()
        .filter(|r| r.counts.total() > r.overridden && r.counts.total() > 0)
        .filter(|r| {
            plan.rule_by_id(r.rule)
                .and_then(|rr| plan.rule(rr))
                .is_some_and(|(_, rule)| !matches!(rule.shape, Shape::Money(_)))
        })
        .collect();
    let idw = rows
        .iter()
        .map(|r| width(r.rule))
        .max()
        .unwrap_or(10)
        .min(48);
    let stw = crate::words::Strength::ALL
        .iter()
        .map(|x| width(lang::strength_label(*x, lang)))
        .max()
        .unwrap_or(8);
    let clw = rows
        .iter()
        .map(|r| width(r.clause))
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        s,
        "  {} {} {}  {:>5} {:>5} {:>5} {:>5} {:>5}  {}",
        pad(if zh { "规则" } else { "rule" }, idw),
        pad(if zh { "条款" } else { "clause" }, clw),
        pad(if zh { "强度" } else { "strength" }, stw),
        icon(Status::Pass),
        icon(Status::Fail),
        icon(Status::Ambiguous),
        icon(Status::NotApplicable),
        icon(Status::MissingData),
        if zh { "不符合" } else { "failing" }
    );
    for r in rows {
        let strength = plan
            .rule_by_id(r.rule)
            .and_then(|rr| plan.rule(rr))
            .map_or("", |(_, rule)| lang::strength_label(rule.strength, lang));
        let c: Counts = r.counts;
        let short = match (r.shortfall, r.unit) {
            (Some(n), Some(u))
                if c.fail > 0
                    && matches!(
                        u,
                        crate::field::Unit::Persons
                            | crate::field::Unit::SquareMetres
                            | crate::field::Unit::Households
                            | crate::field::Unit::Count
                    ) =>
            {
                if zh {
                    format!("{} 个社区,合计偏差 {}", c.fail, lang::num_unit(n, u, lang))
                } else {
                    format!(
                        "{}, off by {} in all",
                        n_of(c.fail, "community", "communities"),
                        lang::num_unit(n, u, lang)
                    )
                }
            }
            _ if c.fail > 0 => {
                if zh {
                    format!("{} 个社区", c.fail)
                } else {
                    n_of(c.fail, "community", "communities")
                }
            }
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "  {} {} {}  {:>5} {:>5} {:>5} {:>5} {:>5}  {}",
            pad(r.rule, idw),
            pad(r.clause, clw),
            pad(strength, stw),
            c.pass,
            c.fail,
            c.ambiguous,
            c.not_applicable.saturating_sub(r.overridden),
            c.missing_data,
            short
        );
    }
    let replaced: Vec<_> = sum.rules.iter().filter(|r| r.overridden > 0).collect();
    if !replaced.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            if zh {
                "由地方规定取代的上位规定(不逐社区列出):"
            } else {
                "national rules replaced by local ones (not repeated per community):"
            }
        );
        for r in replaced {
            let _ = writeln!(
                s,
                "    – {} [{}] → {} ({})",
                r.rule,
                r.clause,
                r.replaced_by.as_deref().unwrap_or_default(),
                if zh {
                    format!("{} 个社区", r.overridden)
                } else {
                    n_of(r.overridden, "community", "communities")
                }
            );
        }
    }
    let _ = writeln!(s);
}
