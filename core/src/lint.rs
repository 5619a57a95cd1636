//! The linter: compiles a policy file and then reasons about its shapes: tier tables that
//! overlap or leave gaps (and whether the requirements conflict where tiers overlap),
//! decision tables that leave cases undecided or decide one twice, and quotes that do
//! not occur in the source text.

use crate::date::Date;
use crate::diag::{Code, Diagnostic, Severity};
use crate::eval::{bounds_interval, cond_holds};
use crate::field::{FieldId, Unit};
use crate::lang::{self, Lang};
use crate::model::*;
use crate::num::Num;
use crate::record::{Record, Val};
use crate::words;
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
/// quotes against the source), without compiling it again.
pub fn check_policy(p: &Policy, source: Option<Result<&str, String>>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
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
        Some(Err(why)) => diags.push(Diagnostic {
            code: Code::SourceMissing,
            severity: Severity::Error,
            policy: Some(p.meta.id.0.clone()),
            rule: None,
            file: p.file.clone(),
            line: 1,
            column: 1,
            message: format!("the source text `{}` cannot be read: {why}", p.meta.source),
            help: Some(
                "fix `source` in `[policy]`; it is a path relative to the policy file, inside its folder".into(),
            ),
        }),
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
    message: String,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic {
        code,
        severity: sev,
        policy: Some(p.meta.id.0.clone()),
        rule: Some(r.id.0.clone()),
        file: p.file.clone(),
        line: pos.line,
        column: pos.column,
        message,
        help,
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
                    format!("`{vid}` is in tiers {}", join_tiers(&hits)),
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
                    format!("no tier covers `{}` = `{vid}`", by.name()),
                    Some("add a tier or record in `reading` why the value cannot occur".into()),
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
            let consequence = if conflict {
                format!(
                    "they require {} and {}: no value meets both (a contradiction)",
                    describe_interval(&ra, mu),
                    describe_interval(&rb, mu)
                )
            } else if ra == rb {
                "they require the same, so the overlap is harmless".to_string()
            } else {
                format!(
                    "they require {} and {}: only {} meets both",
                    describe_interval(&ra, mu),
                    describe_interval(&rb, mu),
                    describe_interval(&both, mu)
                )
            };
            let resolved = overlap != Overlap::Report;
            let sev = if resolved || ra == rb {
                Severity::Note
            } else {
                Severity::Warning
            };
            let help = if resolved {
                Some(format!("resolved by `overlap = \"{}\"`", overlap.name()))
            } else {
                Some("evaluation checks every tier there (pass if all are met, ambiguous if some, fail if none); record the issuer's reading with `overlap = \"upper\"` or `\"lower\"` if there is one".into())
            };
            diags.push(diag(
                p,
                r,
                Code::TierOverlap,
                sev,
                b.pos,
                format!(
                    "tiers {} (`{}`) and {} (`{}`) both apply {} {}; {consequence}",
                    i + 1,
                    tier_words(a),
                    j + 1,
                    tier_words(b),
                    if x.min.is_some() && x.min.map(|l| l.value) == x.max.map(|l| l.value) {
                        "at"
                    } else {
                        "for"
                    },
                    describe_interval(&x, by_unit)
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
    let last_probe = probes.last().copied();
    for (a, b) in runs {
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
            format!("no tier covers `{}` {what}", by.name()),
            Some("evaluation reports `ambiguous` (undecided) there; add the missing tier or record why it cannot occur".into()),
        ));
    }
}

fn join_tiers(v: &[usize]) -> String {
    v.iter()
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join(" and ")
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
        let desc = describe_box(&axes, g);
        diags.push(diag(
            p,
            r,
            Code::DecisionGap,
            Severity::Warning,
            r.pos,
            format!("no case decides {desc}"),
            Some("evaluation reports `ambiguous` (undecided) there; record how the issuer reads it, or leave it reported".into()),
        ));
    }
    for (point, hits) in overlaps {
        let desc = describe_box(&axes, &point.iter().map(|i| vec![*i]).collect::<Vec<_>>());
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
            format!(
                "cases {} decide {desc} differently ({})",
                join_tiers(&hits),
                names.join(" / ")
            ),
            None,
        ));
    }
}

fn describe_box(axes: &[Axis], b: &[Vec<usize>]) -> String {
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
                                Some(format!("≥ {}", lang::num_unit(v, unit, Lang::En)))
                            }
                            Cell::Between(Some(v), _) => {
                                Some(format!("> {}", lang::num_unit(v, unit, Lang::En)))
                            }
                            _ => None,
                        };
                        let hi_txt = match hi {
                            Cell::Point(v) if !last || unit != Unit::Percent => {
                                if last && unit != Unit::Percent {
                                    None
                                } else {
                                    Some(format!("≤ {}", lang::num_unit(v, unit, Lang::En)))
                                }
                            }
                            Cell::Between(_, Some(v)) => {
                                Some(format!("< {}", lang::num_unit(v, unit, Lang::En)))
                            }
                            _ => None,
                        };
                        if let (Cell::Point(x), Cell::Point(y)) = (lo, hi) {
                            if x == y {
                                return format!(
                                    "`{}` = {}",
                                    a.field.name(),
                                    lang::num_unit(x, unit, Lang::En)
                                );
                            }
                        }
                        match (lo_txt, hi_txt) {
                            (Some(l), Some(h)) => format!("`{}` {l} and {h}", a.field.name()),
                            (Some(l), None) => format!("`{}` {l}", a.field.name()),
                            (None, Some(h)) => format!("`{}` {h}", a.field.name()),
                            (None, None) => format!("any `{}`", a.field.name()),
                        }
                    }
                    _ => String::new(),
                }
            })
            .collect();
        parts.push(texts.join(" or "));
    }
    if parts.is_empty() {
        "any case".into()
    } else {
        parts.join(", ")
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
    let mut check = |rule: Option<&Rule>, quote: &str, pos: Pos, what: &str| {
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
            Some(format!("the text matches up to `{ok}` and differs from `{rest}`; copy the sentence exactly (traditional characters stay traditional)"))
        } else {
            Some("copy the sentence exactly from the source; cut with `…`".into())
        };
        diags.push(Diagnostic {
            code: Code::QuoteNotFound,
            severity: Severity::Error,
            policy: Some(p.meta.id.0.clone()),
            rule: rule.map(|r| r.id.0.clone()),
            file: p.file.clone(),
            line: pos.line,
            column: pos.column,
            message: format!("the {what} does not occur in `{}`", p.meta.source),
            help,
        });
    };
    for r in &p.rules {
        check(Some(r), &r.quote, r.quote_pos, "quote");
        match &r.shape {
            Shape::Tier { tiers, .. } => {
                for t in tiers {
                    if let Some(q) = &t.quote {
                        check(Some(r), q, t.pos, "tier's quote");
                    }
                }
            }
            Shape::Decision { cases, .. } => {
                for c in cases {
                    if let Some(q) = &c.quote {
                        check(Some(r), q, c.pos, "case's quote");
                    }
                }
            }
            Shape::Money(m) => {
                for c in &m.components {
                    if let Some(q) = &c.quote {
                        check(Some(r), q, r.pos, "component's quote");
                    }
                }
            }
            _ => {}
        }
        for b in rule_bounds(r) {
            if let Value::Dated(s) = &b.value {
                for st in &s.steps {
                    if let Some(q) = &st.quote {
                        check(Some(r), q, r.pos, "step's quote");
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
            &format!("quote of not-checkable clause {}", nc.clause),
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
