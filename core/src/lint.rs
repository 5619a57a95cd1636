//! The linter: compiles a policy file and then reasons about its shapes: tier tables that
//! overlap or leave gaps (and whether the requirements conflict where tiers overlap),
//! decision tables that leave cases undecided or decide one twice, and quotes that do
//! not occur in the source text.

use crate::date::Date;
use crate::diag::{text, Code, Diagnostic, Severity, Text};
use crate::eval::{bounds_interval, cond_holds};
use crate::field::{FieldId, Unit};
use crate::lang::{self, Lang};
use crate::model::*;
use crate::num::Num;
use crate::record::{Record, Val};
use crate::words::{self, Side};
use std::ops::{Add, Div, Mul, Sub};

/// Lints one policy file. `source` is the text of the document it quotes, when the
/// caller could read it (`Err` holds why it could not).
pub fn lint(
    text: &str,
    file: &str,
    source: Option<Result<&str, String>>,
) -> (Option<Policy>, Vec<Diagnostic>) {
    let (policy, mut diags) = crate::compile::compile(text, file);
    let Some(p) = policy else {
        return (None, diags);
    };
    diags.extend(check_policy(&p, source));
    diags.sort_by_key(|d| (d.line, d.column));
    (Some(p), diags)
}

/// The linter's checks of a compiled policy (tier overlaps and gaps, decision tables,
/// readings in the wrong language, quotes against the source), without compiling it
/// again. `Err` holds why the source could not be read, in the caller's words (the
/// Chinese message quotes them as they are).
pub fn check_policy(p: &Policy, source: Option<Result<&str, String>>) -> Vec<Diagnostic> {
    check_policy_with(p, source.map(|s| s.map_err(|why| text(why.clone(), why))))
}

/// [`check_policy`] with why the source could not be read in both languages.
pub(crate) fn check_policy_with(p: &Policy, source: Option<Result<&str, Text>>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    reading_checks(p, &mut diags);
    for r in &p.rules {
        match &r.shape {
            Shape::Tier {
                by,
                measure,
                tiers,
                overlap,
            } => tier_checks(p, r, *by, *measure, tiers, *overlap, &mut diags),
            Shape::Decision { measure, cases } => {
                decision_checks(p, r, *measure, cases, &mut diags)
            }
            _ => {}
        }
    }
    match source {
        Some(Ok(src)) => quote_checks(p, src, &mut diags),
        Some(Err(why)) => diags.push(Diagnostic::new(
            Code::SourceMissing,
            Severity::Error,
            Some(p.meta.id.0.clone()),
            None,
            &p.file,
            Pos { line: 1, column: 1 },
            text(
                format!("the source text `{}` cannot be read: {}", p.meta.source, why.en),
                format!("无法读取原文 `{}`:{}", p.meta.source, why.zh),
            ),
            Some(text(
                "fix `source` in `[policy]`; it is a path relative to the policy file, inside its folder",
                "请更正 `[policy]` 中的 `source`;它是相对于政策文件的路径,且须在该文件所在的文件夹内",
            )),
        )),
        None => {}
    }
    diags.sort_by_key(|d| (d.line, d.column));
    diags
}

fn rule_bounds(r: &Rule) -> Vec<&Bound> {
    match &r.shape {
        Shape::Range { min, max, .. }
        | Shape::Proportional { min, max, .. }
        | Shape::Count { min, max, .. }
        | Shape::Share { min, max, .. } => min.iter().chain(max.iter()).collect(),
        _ => vec![],
    }
}

fn diag(
    p: &Policy,
    r: &Rule,
    code: Code,
    sev: Severity,
    pos: Pos,
    message: Text,
    help: Option<Text>,
) -> Diagnostic {
    Diagnostic::new(
        code,
        sev,
        Some(p.meta.id.0.clone()),
        Some(r.id.0.clone()),
        &p.file,
        pos,
        message,
        help,
    )
}

/// Every bound a rule has: its own, its tiers' and their requirements', and those of
/// its conditions and of its cases' conditions.
fn all_bounds(r: &Rule) -> Vec<&Bound> {
    fn conds(cs: &[Cond]) -> Vec<&Bound> {
        cs.iter()
            .flat_map(|c| match c {
                Cond::Range { min, max, .. } => min.iter().chain(max.iter()).collect(),
                _ => Vec::new(),
            })
            .collect()
    }
    let mut out = rule_bounds(r);
    out.extend(conds(&r.when));
    match &r.shape {
        Shape::Tier { tiers, .. } => {
            for t in tiers {
                out.extend(t.min.iter().chain(t.max.iter()));
                out.extend(t.require.min.iter().chain(t.require.max.iter()));
            }
        }
        Shape::Decision { cases, .. } => {
            for c in cases {
                out.extend(conds(&c.when));
            }
        }
        Shape::Tally { min, max, .. } => out.extend(min.iter().chain(max.iter())),
        _ => {}
    }
    out
}

/// A `reading` (Chinese) with no Chinese characters in it is probably an English reading
/// left in the Chinese key; `reading_en` and `reading_note_en` may hold anything.
fn reading_checks(p: &Policy, diags: &mut Vec<Diagnostic>) {
    let english = |s: &Option<String>| s.as_deref().is_some_and(|t| !lang::has_cjk(t));
    if english(&p.meta.reading_note) {
        diags.push(Diagnostic::new(
            Code::ReadingLanguage,
            Severity::Warning,
            Some(p.meta.id.0.clone()),
            None,
            &p.file,
            p.meta.reading_note_pos,
            text(
                "`reading_note` is the Chinese note, but it has no Chinese characters in it: it is probably still English",
                "`reading_note` 应为中文说明,但其中没有汉字:可能仍是英文",
            ),
            Some(text(
                "move it to `reading_note_en` and write the note in Chinese in `reading_note`",
                "请把它移到 `reading_note_en`,并在 `reading_note` 中用中文写说明",
            )),
        ));
    }
    for r in &p.rules {
        if english(&r.reading) {
            diags.push(diag(
                p,
                r,
                Code::ReadingLanguage,
                Severity::Warning,
                r.pos,
                text(
                    "`reading` is the Chinese reading, but it has no Chinese characters in it: it is probably still English",
                    "`reading` 应为中文解读,但其中没有汉字:可能仍是英文",
                ),
                Some(text(
                    "move it to `reading_en` and write the reading in Chinese in `reading`",
                    "请把它移到 `reading_en`,并在 `reading` 中用中文写解读",
                )),
            ));
        }
        for b in all_bounds(r) {
            if english(&b.reading) {
                let key = if b.side == Side::Lower { "min" } else { "max" };
                diags.push(diag(
                    p,
                    r,
                    Code::ReadingLanguage,
                    Severity::Warning,
                    b.pos,
                    text(
                        format!("the `reading` of a `{key}` bound is the Chinese reading, but it has no Chinese characters in it: it is probably still English"),
                        format!("`{key}` 界限的 `reading` 应为中文解读,但其中没有汉字:可能仍是英文"),
                    ),
                    Some(text(
                        "move it to `reading_en` and write the reading in Chinese in `reading`",
                        "请把它移到 `reading_en`,并在 `reading` 中用中文写解读",
                    )),
                ));
            }
        }
    }
}

/// A reference date for analysing tables: tier bounds in this format are fixed numbers.
fn ref_date() -> Date {
    Date::year_start(2000)
}

fn tier_interval(t: &Tier) -> Option<Interval> {
    bounds_interval(t.min.as_ref(), t.max.as_ref(), ref_date())
}

fn tier_words(t: &Tier) -> String {
    if let (Some(a), Some(b)) = (&t.min, &t.max) {
        if a.side == b.side || a.word == b.word {
            let v = |x: &Bound| {
                x.value_at(ref_date())
                    .map(|v| v.to_decimal(4))
                    .unwrap_or_default()
            };
            return format!("{}{}{}", v(a), a.word, v(b));
        }
    }
    let mut parts = Vec::new();
    if let Some(b) = &t.min {
        parts.push(format!(
            "{}{}",
            b.value_at(ref_date())
                .map(|v| v.to_decimal(4))
                .unwrap_or_default(),
            b.word
        ));
    }
    if let Some(b) = &t.max {
        parts.push(format!(
            "{}{}",
            b.value_at(ref_date())
                .map(|v| v.to_decimal(4))
                .unwrap_or_default(),
            b.word
        ));
    }
    parts.join(" … ")
}

fn describe_interval(iv: &Interval, unit: Unit) -> String {
    let u = unit.symbol(Lang::En);
    let sp = if u.is_empty() || u == "%" { "" } else { " " };
    let f = |n: Num| {
        if unit == Unit::Percent {
            format!("{}%", n.mul(Num::int(100)).to_decimal(2))
        } else {
            format!("{}{sp}{u}", n.to_decimal(2))
        }
    };
    match (iv.min, iv.max) {
        (Some(a), Some(b)) if a.value == b.value => format!("exactly {}", f(a.value)),
        (Some(a), Some(b)) => format!(
            "{} {} and {} {}",
            if a.inclusive { "from" } else { "above" },
            f(a.value),
            if b.inclusive { "up to" } else { "below" },
            f(b.value)
        ),
        (Some(a), None) => format!(
            "{} {}",
            if a.inclusive { "from" } else { "above" },
            f(a.value)
        ),
        (None, Some(b)) => format!(
            "{} {}",
            if b.inclusive { "up to" } else { "below" },
            f(b.value)
        ),
        (None, None) => "any value".into(),
    }
}

/// [`describe_interval`] in Chinese: `恰为5人`, `不少于600 m²且少于800 m²`.
fn describe_interval_zh(iv: &Interval, unit: Unit) -> String {
    let f = |n: Num| lang::num_unit(n, unit, Lang::Zh);
    let lo = |l: Limit| {
        format!(
            "{}{}",
            if l.inclusive { "不少于" } else { "多于" },
            f(l.value)
        )
    };
    let hi = |l: Limit| {
        format!(
            "{}{}",
            if l.inclusive { "不超过" } else { "少于" },
            f(l.value)
        )
    };
    match (iv.min, iv.max) {
        (Some(a), Some(b)) if a.value == b.value => format!("恰为{}", f(a.value)),
        (Some(a), Some(b)) => format!("{}且{}", lo(a), hi(b)),
        (Some(a), None) => lo(a),
        (None, Some(b)) => hi(b),
        (None, None) => "任意数值".into(),
    }
}

/// A value in both languages: [`describe_interval`] and [`describe_interval_zh`].
fn describe_both(iv: &Interval, unit: Unit) -> Text {
    text(describe_interval(iv, unit), describe_interval_zh(iv, unit))
}

fn tier_checks(
    p: &Policy,
    r: &Rule,
    by: FieldId,
    measure: FieldId,
    tiers: &[Tier],
    overlap: Overlap,
    diags: &mut Vec<Diagnostic>,
) {
    let by_unit = by.def().unit;
    let d = ref_date();
    if by_unit == Unit::Category {
        let values = by.def().values;
        for (vi, (vid, _)) in values.iter().enumerate() {
            let hits: Vec<usize> = tiers
                .iter()
                .enumerate()
                .filter(|(_, t)| t.is.as_ref().is_some_and(|v| v.contains(&(vi as u8))))
                .map(|(i, _)| i)
                .collect();
            if hits.len() > 1 {
                let pos = tiers
                    .get(hits.first().copied().unwrap_or(0))
                    .map_or(r.pos, |t| t.pos);
                diags.push(diag(
                    p,
                    r,
                    Code::TierOverlap,
                    Severity::Warning,
                    pos,
                    text(
                        format!("`{vid}` is in tiers {}", join_tiers(&hits)),
                        format!("`{vid}` 同时属于第{}档", join_tiers_zh(&hits)),
                    ),
                    None,
                ));
            }
            if hits.is_empty() {
                diags.push(diag(
                    p,
                    r,
                    Code::TierGap,
                    Severity::Warning,
                    r.pos,
                    text(
                        format!("no tier covers `{}` = `{vid}`", by.name()),
                        format!("没有任何一档覆盖 `{}` = `{vid}`", by.name()),
                    ),
                    Some(text(
                        "add a tier or record in `reading` why the value cannot occur",
                        "请增加一档,或在 `reading` 中记录该值不会出现的理由",
                    )),
                ));
            }
        }
        return;
    }
    // overlaps
    for (i, a) in tiers.iter().enumerate() {
        for (j, b) in tiers.iter().enumerate().skip(i + 1) {
            let (Some(ia), Some(ib)) = (tier_interval(a), tier_interval(b)) else {
                continue;
            };
            let x = ia.intersect(&ib);
            if x.is_empty() || (by.def().whole && x.has_no_whole()) {
                continue;
            }
            let (Some(ra), Some(rb)) = (a.require.interval(d), b.require.interval(d)) else {
                continue;
            };
            let (ra, rb) = if measure.def().whole {
                (ra.to_whole(), rb.to_whole())
            } else {
                (ra, rb)
            };
            let both = ra.intersect(&rb);
            let conflict = if measure.def().whole {
                both.has_no_whole()
            } else {
                both.is_empty()
            };
            let mu = measure.def().unit;
            let (da, db) = (describe_both(&ra, mu), describe_both(&rb, mu));
            let consequence = if conflict {
                text(
                    format!(
                        "they require {} and {}: no value meets both (a contradiction)",
                        da.en, db.en
                    ),
                    format!(
                        "两档分别要求“{}”和“{}”:没有数值能同时满足(自相矛盾)",
                        da.zh, db.zh
                    ),
                )
            } else if ra == rb {
                text(
                    "they require the same, so the overlap is harmless",
                    "两档要求相同,重叠无害",
                )
            } else {
                let dboth = describe_both(&both, mu);
                text(
                    format!(
                        "they require {} and {}: only {} meets both",
                        da.en, db.en, dboth.en
                    ),
                    format!(
                        "两档分别要求“{}”和“{}”:只有“{}”能同时满足",
                        da.zh, db.zh, dboth.zh
                    ),
                )
            };
            let resolved = overlap != Overlap::Report;
            let sev = if resolved || ra == rb {
                Severity::Note
            } else {
                Severity::Warning
            };
            let help = if resolved {
                Some(text(
                    format!("resolved by `overlap = \"{}\"`", overlap.name()),
                    format!("已由 `overlap = \"{}\"` 决定", overlap.name()),
                ))
            } else {
                Some(text(
                    "evaluation checks every tier there (pass if all are met, ambiguous if some, fail if none); record the issuer's reading with `overlap = \"upper\"` or `\"lower\"` if there is one",
                    "评估时在该处检查每一档(全部满足为符合,部分满足为存疑,都不满足为不符合);发文机关如有解读,请用 `overlap = \"upper\"` 或 `\"lower\"` 记录",
                ))
            };
            let at = describe_both(&x, by_unit);
            diags.push(diag(
                p,
                r,
                Code::TierOverlap,
                sev,
                b.pos,
                text(
                    format!(
                        "tiers {} (`{}`) and {} (`{}`) both apply {} {}; {}",
                        i + 1,
                        tier_words(a),
                        j + 1,
                        tier_words(b),
                        if x.min.is_some() && x.min.map(|l| l.value) == x.max.map(|l| l.value) {
                            "at"
                        } else {
                            "for"
                        },
                        at.en,
                        consequence.en
                    ),
                    format!(
                        "第{}档(`{}`)与第{}档(`{}`)在{}时同时适用;{}",
                        i + 1,
                        tier_words(a),
                        j + 1,
                        tier_words(b),
                        at.zh,
                        consequence.zh
                    ),
                ),
                help,
            ));
        }
    }
    // gaps over [0, ∞)
    let ivs: Vec<Interval> = tiers.iter().filter_map(tier_interval).collect();
    let mut points: Vec<Num> = ivs
        .iter()
        .flat_map(|iv| iv.min.iter().chain(iv.max.iter()).map(|l| l.value))
        .collect();
    points.push(Num::ZERO);
    points.sort();
    points.dedup();
    let whole = by.def().whole;
    let mut probes: Vec<Num> = Vec::new();
    for (k, v) in points.iter().enumerate() {
        probes.push(*v);
        let next = points.get(k + 1).copied();
        if whole {
            probes.push(v.add(Num::ONE));
            if v > &Num::ZERO {
                probes.push(v.sub(Num::ONE));
            }
        } else {
            probes.push(match next {
                Some(n) => v.add(n).div(Num::int(2)),
                None => v.add(Num::ONE),
            });
        }
    }
    probes.retain(|x| !x.is_negative());
    probes.sort();
    probes.dedup();
    // runs of uncovered probes, each described by the limits around it
    let mut runs: Vec<(Num, Num)> = Vec::new();
    let mut current: Option<(Num, Num)> = None;
    for x in &probes {
        if ivs.iter().any(|iv| iv.contains(*x)) {
            if let Some(r) = current.take() {
                runs.push(r);
            }
        } else {
            current = Some(match current {
                Some((a, _)) => (a, *x),
                None => (*x, *x),
            });
        }
    }
    if let Some(r) = current.take() {
        runs.push(r);
    }
    let u = |n: Num| lang::num_unit(n, by_unit, Lang::En);
    let uzh = |n: Num| lang::num_unit(n, by_unit, Lang::Zh);
    let last_probe = probes.last().copied();
    for (a, b) in runs {
        let lo_zh = if points.contains(&a) {
            format!("自{}(含)起", uzh(a))
        } else {
            points
                .iter()
                .filter(|p| **p < a)
                .max()
                .map_or_else(|| format!("自{}起", uzh(a)), |p| format!("高于{}", uzh(*p)))
        };
        let hi_zh = if Some(b) == last_probe {
            "往上".to_string()
        } else if points.contains(&b) {
            format!("至{}(含)", uzh(b))
        } else {
            points
                .iter()
                .filter(|p| **p > b)
                .min()
                .map_or_else(|| "往上".to_string(), |p| format!("低于{}", uzh(*p)))
        };
        let what_zh = if a == b && points.contains(&a) {
            format!("= {}", uzh(a))
        } else {
            format!("{lo_zh}、{hi_zh}")
        };
        let lo = if points.contains(&a) {
            format!("from {} (included)", u(a))
        } else {
            points
                .iter()
                .filter(|p| **p < a)
                .max()
                .map_or_else(|| format!("from {}", u(a)), |p| format!("above {}", u(*p)))
        };
        let hi = if Some(b) == last_probe {
            "upwards".to_string()
        } else if points.contains(&b) {
            format!("up to {} (included)", u(b))
        } else {
            points
                .iter()
                .filter(|p| **p > b)
                .min()
                .map_or_else(|| "upwards".to_string(), |p| format!("below {}", u(*p)))
        };
        let what = if a == b && points.contains(&a) {
            format!("= {}", u(a))
        } else {
            format!("{lo} {hi}")
        };
        diags.push(diag(
            p,
            r,
            Code::TierGap,
            Severity::Warning,
            r.pos,
            text(
                format!("no tier covers `{}` {what}", by.name()),
                format!("`{}` {what_zh}的值没有任何一档覆盖", by.name()),
            ),
            Some(text(
                "evaluation reports `ambiguous` (undecided) there; add the missing tier or record why it cannot occur",
                "评估时该处报告为 `ambiguous`(存疑,无法判定);请补上缺少的一档,或记录该值不会出现的理由",
            )),
        ));
    }
}

fn join_tiers(v: &[usize]) -> String {
    v.iter()
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// [`join_tiers`] in Chinese: `1、2`.
fn join_tiers_zh(v: &[usize]) -> String {
    v.iter()
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join("、")
}

/// One axis of a decision table.
struct Axis {
    field: FieldId,
    /// Elementary cells: a representative value and a description.
    cells: Vec<(Val, Cell)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cell {
    /// Exactly a boundary value.
    Point(Num),
    /// Strictly between two boundaries (None: unbounded).
    Between(Option<Num>, Option<Num>),
    /// A category index or a flag.
    Value(u8),
}

fn axes_for(cases: &[Case]) -> Vec<Axis> {
    let mut fields: Vec<FieldId> = Vec::new();
    for c in cases {
        for cond in &c.when {
            if !fields.contains(&cond.field()) {
                fields.push(cond.field());
            }
        }
    }
    let d = ref_date();
    fields
        .into_iter()
        .map(|f| {
            let unit = f.def().unit;
            let cells = match unit {
                Unit::Flag => vec![
                    (Val::Flag(false), Cell::Value(0)),
                    (Val::Flag(true), Cell::Value(1)),
                ],
                Unit::Category => (0..f.def().values.len())
                    .map(|i| (Val::Cat(i as u8), Cell::Value(i as u8)))
                    .collect(),
                _ => {
                    let mut pts: Vec<Num> = Vec::new();
                    for c in cases {
                        for cond in &c.when {
                            if let Cond::Range { field, min, max } = cond {
                                if *field == f {
                                    for b in min.iter().chain(max.iter()) {
                                        if let Some(v) = b.value_at(d) {
                                            pts.push(v);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    pts.push(Num::ZERO);
                    if unit == Unit::Percent {
                        pts.push(Num::ONE);
                    }
                    pts.sort();
                    pts.dedup();
                    let mut cells = Vec::new();
                    for (k, v) in pts.iter().enumerate() {
                        cells.push((Val::Num(*v), Cell::Point(*v)));
                        let next = pts.get(k + 1).copied();
                        let rep = match next {
                            Some(n) => {
                                let mid = v.add(n).div(Num::int(2));
                                if f.def().whole {
                                    let c = v.add(Num::ONE);
                                    if c < n {
                                        Some(c)
                                    } else {
                                        None
                                    }
                                } else {
                                    Some(mid)
                                }
                            }
                            None if unit == Unit::Percent => None,
                            None => Some(v.add(Num::ONE)),
                        };
                        if let Some(rp) = rep {
                            cells.push((Val::Num(rp), Cell::Between(Some(*v), next)));
                        }
                    }
                    cells
                }
            };
            Axis { field: f, cells }
        })
        .collect()
}

fn decision_checks(
    p: &Policy,
    r: &Rule,
    measure: FieldId,
    cases: &[Case],
    diags: &mut Vec<Diagnostic>,
) {
    let axes = axes_for(cases);
    let total: usize = axes.iter().map(|a| a.cells.len()).product();
    if axes.is_empty() || total > 200_000 {
        return;
    }
    let mut gaps: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut overlaps: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    let mut idx = vec![0usize; axes.len()];
    let mut rec = Record::new();
    loop {
        rec.reset();
        for (a, &i) in axes.iter().zip(idx.iter()) {
            if let Some((v, _)) = a.cells.get(i) {
                rec.set(a.field, v.clone());
            }
        }
        let mut hits: Vec<usize> = Vec::new();
        for (ci, c) in cases.iter().enumerate() {
            if c.when
                .iter()
                .all(|cond| cond_holds(cond, &rec, Some(ref_date())).unwrap_or(false))
            {
                hits.push(ci);
            }
        }
        if hits.is_empty() {
            gaps.push(idx.iter().map(|i| vec![*i]).collect());
        } else {
            let outs: Vec<Vec<u8>> = hits
                .iter()
                .filter_map(|h| cases.get(*h).map(|c| c.outcomes.clone()))
                .collect();
            if outs.iter().any(|o| Some(o) != outs.first()) && overlaps.len() < 5 {
                overlaps.push((idx.clone(), hits));
            }
        }
        // next index
        let mut k = 0;
        while let Some(slot) = idx.get_mut(k) {
            *slot += 1;
            if *slot < axes.get(k).map_or(0, |a| a.cells.len()) {
                break;
            }
            *slot = 0;
            k += 1;
        }
        if k >= axes.len() {
            break;
        }
    }
    // merge boxes that differ in one axis
    let mut changed = true;
    while changed {
        changed = false;
        'outer: for i in 0..gaps.len() {
            for j in (i + 1)..gaps.len() {
                let (Some(a), Some(b)) = (gaps.get(i), gaps.get(j)) else {
                    continue;
                };
                let diff: Vec<usize> = (0..axes.len()).filter(|k| a.get(*k) != b.get(*k)).collect();
                if diff.len() == 1 {
                    let k = diff.first().copied().unwrap_or(0);
                    let mut merged = a.clone();
                    if let (Some(m), Some(bk)) = (merged.get_mut(k), b.get(k)) {
                        m.extend(bk.iter().copied());
                        m.sort();
                        m.dedup();
                    }
                    gaps.remove(j);
                    if let Some(g) = gaps.get_mut(i) {
                        *g = merged;
                    }
                    changed = true;
                    break 'outer;
                }
            }
        }
    }
    for g in &gaps {
        let desc = describe_box(&axes, g, Lang::En);
        let desc_zh = describe_box(&axes, g, Lang::Zh);
        diags.push(diag(
            p,
            r,
            Code::DecisionGap,
            Severity::Warning,
            r.pos,
            text(
                format!("no case decides {desc}"),
                format!("没有任何情形对 {desc_zh} 作出决定"),
            ),
            Some(text(
                "evaluation reports `ambiguous` (undecided) there; record how the issuer reads it, or leave it reported",
                "评估时该处报告为 `ambiguous`(存疑,无法判定);请记录发文机关的解读,或保留报告",
            )),
        ));
    }
    for (point, hits) in overlaps {
        let cells = point.iter().map(|i| vec![*i]).collect::<Vec<_>>();
        let desc = describe_box(&axes, &cells, Lang::En);
        let desc_zh = describe_box(&axes, &cells, Lang::Zh);
        let names: Vec<String> = hits
            .iter()
            .filter_map(|h| cases.get(*h))
            .map(|c| {
                c.outcomes
                    .iter()
                    .map(|o| {
                        measure
                            .def()
                            .values
                            .get(usize::from(*o))
                            .map_or("?", |v| v.0)
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        diags.push(diag(
            p,
            r,
            Code::DecisionOverlap,
            Severity::Warning,
            r.pos,
            text(
                format!(
                    "cases {} decide {desc} differently ({})",
                    join_tiers(&hits),
                    names.join(" / ")
                ),
                format!(
                    "第{}种情形对 {desc_zh} 的决定不同({})",
                    join_tiers_zh(&hits),
                    names.join(" / ")
                ),
            ),
            None,
        ));
    }
}

fn describe_box(axes: &[Axis], b: &[Vec<usize>], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut parts = Vec::new();
    for (a, cells) in axes.iter().zip(b.iter()) {
        if cells.len() == a.cells.len() {
            continue; // any value
        }
        let unit = a.field.def().unit;
        // contiguous runs of cells
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for &c in cells {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == c => *end = c,
                _ => runs.push((c, c)),
            }
        }
        let texts: Vec<String> = runs
            .iter()
            .map(|(s, e)| {
                let lo = a.cells.get(*s).map(|x| x.1);
                let hi = a.cells.get(*e).map(|x| x.1);
                let first = *s == 0;
                let last = *e + 1 == a.cells.len();
                match (lo, hi) {
                    (Some(Cell::Value(v)), _) if s == e => match unit {
                        Unit::Flag => format!("`{}` = {}", a.field.name(), v == 1),
                        _ => format!(
                            "`{}` = `{}`",
                            a.field.name(),
                            a.field
                                .def()
                                .values
                                .get(usize::from(v))
                                .map_or("?", |x| x.0)
                        ),
                    },
                    (Some(lo), Some(hi)) => {
                        let lo_txt = match lo {
                            Cell::Point(v) if !first || !v.is_zero() => {
                                Some(format!("≥ {}", lang::num_unit(v, unit, lang)))
                            }
                            Cell::Between(Some(v), _) => {
                                Some(format!("> {}", lang::num_unit(v, unit, lang)))
                            }
                            _ => None,
                        };
                        let hi_txt = match hi {
                            Cell::Point(v) if !last || unit != Unit::Percent => {
                                if last && unit != Unit::Percent {
                                    None
                                } else {
                                    Some(format!("≤ {}", lang::num_unit(v, unit, lang)))
                                }
                            }
                            Cell::Between(_, Some(v)) => {
                                Some(format!("< {}", lang::num_unit(v, unit, lang)))
                            }
                            _ => None,
                        };
                        if let (Cell::Point(x), Cell::Point(y)) = (lo, hi) {
                            if x == y {
                                return format!(
                                    "`{}` = {}",
                                    a.field.name(),
                                    lang::num_unit(x, unit, lang)
                                );
                            }
                        }
                        match (lo_txt, hi_txt) {
                            (Some(l), Some(h)) if zh => format!("`{}` {l} 且 {h}", a.field.name()),
                            (Some(l), Some(h)) => format!("`{}` {l} and {h}", a.field.name()),
                            (Some(l), None) => format!("`{}` {l}", a.field.name()),
                            (None, Some(h)) => format!("`{}` {h}", a.field.name()),
                            (None, None) if zh => format!("任意 `{}`", a.field.name()),
                            (None, None) => format!("any `{}`", a.field.name()),
                        }
                    }
                    _ => String::new(),
                }
            })
            .collect();
        parts.push(texts.join(if zh { " 或 " } else { " or " }));
    }
    if parts.is_empty() {
        if zh { "任何情形" } else { "any case" }.into()
    } else {
        parts.join(if zh { "," } else { ", " })
    }
}

/// Whether a quote occurs in a source text; a quote may be cut with `…`, and each piece
/// must then occur in order.
pub fn quote_found(quote: &str, source: &str) -> bool {
    let mut from = 0usize;
    for piece in quote.split('…').map(str::trim).filter(|s| !s.is_empty()) {
        match source.get(from..).and_then(|s| s.find(piece)) {
            Some(i) => from += i + piece.len(),
            None => return false,
        }
    }
    true
}

fn quote_checks(p: &Policy, source: &str, diags: &mut Vec<Diagnostic>) {
    let mut check = |rule: Option<&Rule>, quote: &str, pos: Pos, what: Text| {
        if quote_found(quote, source) {
            return;
        }
        // help: the longest prefix that does occur
        let chars: Vec<char> = quote.chars().collect();
        let mut good = 0;
        for n in (1..=chars.len()).rev() {
            let pre: String = chars.iter().take(n).collect();
            if source.contains(&pre) {
                good = n;
                break;
            }
        }
        let help = if good > 0 {
            let ok: String = chars.iter().take(good).collect();
            let rest: String = chars.iter().skip(good).take(12).collect();
            text(
                format!("the text matches up to `{ok}` and differs from `{rest}`; copy the sentence exactly (traditional characters stay traditional)"),
                format!("原文一致到 `{ok}` 为止,从 `{rest}` 起不同;请逐字照抄原句(繁体字保持繁体)"),
            )
        } else {
            text(
                "copy the sentence exactly from the source; cut with `…`",
                "请从原文逐字照抄句子;可用 `…` 截断",
            )
        };
        diags.push(Diagnostic::new(
            Code::QuoteNotFound,
            Severity::Error,
            Some(p.meta.id.0.clone()),
            rule.map(|r| r.id.0.clone()),
            &p.file,
            pos,
            text(
                format!("the {} does not occur in `{}`", what.en, p.meta.source),
                format!("{}不在 `{}` 中", what.zh, p.meta.source),
            ),
            Some(help),
        ));
    };
    for r in &p.rules {
        check(Some(r), &r.quote, r.quote_pos, text("quote", "引文"));
        match &r.shape {
            Shape::Tier { tiers, .. } => {
                for t in tiers {
                    if let Some(q) = &t.quote {
                        check(Some(r), q, t.pos, text("tier's quote", "该档的引文"));
                    }
                }
            }
            Shape::Decision { cases, .. } => {
                for c in cases {
                    if let Some(q) = &c.quote {
                        check(Some(r), q, c.pos, text("case's quote", "该情形的引文"));
                    }
                }
            }
            Shape::Money(m) => {
                for c in &m.components {
                    if let Some(q) = &c.quote {
                        check(
                            Some(r),
                            q,
                            r.pos,
                            text("component's quote", "该组成部分的引文"),
                        );
                    }
                }
            }
            _ => {}
        }
        for b in rule_bounds(r) {
            if let Value::Dated(s) = &b.value {
                for st in &s.steps {
                    if let Some(q) = &st.quote {
                        check(Some(r), q, r.pos, text("step's quote", "该年度值的引文"));
                    }
                }
            }
        }
    }
    for nc in &p.not_checkable {
        check(
            None,
            &nc.quote,
            nc.quote_pos,
            text(
                format!("quote of not-checkable clause {}", nc.clause),
                format!("不检查条款 {} 的引文", nc.clause),
            ),
        );
    }
    let _ = words::simplify;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_with_cuts() {
        let src = "社区一般按照1500户—3000户规模设置,一个社区原则上设置一个社区居民委员会";
        assert!(quote_found("社区一般按照1500户—3000户规模设置", src));
        assert!(quote_found("社区一般按照…规模设置…居民委员会", src));
        assert!(!quote_found("规模设置…社区一般", src));
        assert!(!quote_found("社区一般按照1500户-3000户", src));
    }
}
