//! Layers of policy: local documents build on national ones (`builds_on`). A local rule
//! may replace a national rule (`overrides`). The replacement is honoured when the local
//! rule tightens the national one (the same or a narrower range, at least as binding),
//! or when the national rule is only a norm (一般 and weaker): a local standard is then
//! the recorded reason for departing from it. A local rule that loosens a hard national
//! rule does not replace it: the linter reports the conflict and evaluation shows both
//! findings.

use std::fmt;

use crate::date::Date;
use crate::diag::{text, Code, Diagnostic, Severity, Text};
use crate::eval::{bounds_interval, RuleRef};
use crate::model::{Interval, Policy, Rule, Shape};
use crate::words::Strength;

/// How a local rule relates to a national rule on the same measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The same range, at least as binding.
    Same,
    /// A narrower range, at least as binding.
    Tightens,
    /// The same or a narrower range, but less binding (一般 against a hard rule).
    Softer,
    /// Allows values the national rule does not.
    Departs,
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Relation::Same => "restates",
            Relation::Tightens => "tightens",
            Relation::Softer => "softens",
            Relation::Departs => "departs from",
        })
    }
}

impl Relation {
    /// The verb in Chinese (`重申了`, `收紧了`, `弱化了`, `偏离了`), as [`fmt::Display`] gives it
    /// in English.
    pub fn zh(self) -> &'static str {
        match self {
            Relation::Same => "重申了",
            Relation::Tightens => "收紧了",
            Relation::Softer => "弱化了",
            Relation::Departs => "偏离了",
        }
    }
}

fn ref_date() -> Date {
    Date::year_start(2000)
}

/// What a rule allows, comparable across rules: the measure, the base (for rates and
/// ratios) and the interval of the measure or of its coefficient.
fn allowed(rule: &Rule) -> Option<(u16, Option<u16>, Interval)> {
    let d = ref_date();
    match &rule.shape {
        Shape::Range {
            measure, min, max, ..
        } => Some((
            measure.0,
            None,
            bounds_interval(min.as_ref(), max.as_ref(), d)?,
        )),
        Shape::Proportional {
            measure,
            base,
            per,
            min,
            max,
            ..
        } => {
            let iv = bounds_interval(min.as_ref(), max.as_ref(), d)?;
            let scale = |l: crate::model::Limit| crate::model::Limit {
                value: l.value / *per,
                inclusive: l.inclusive,
            };
            Some((
                measure.0,
                Some(base.0),
                Interval {
                    min: iv.min.map(scale),
                    max: iv.max.map(scale),
                },
            ))
        }
        _ => None,
    }
}

/// Whether every value of `a` lies in `b`.
fn subset(a: &Interval, b: &Interval) -> bool {
    let lower = match (a.min, b.min) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => {
            x.value > y.value || (x.value == y.value && (y.inclusive || !x.inclusive))
        }
    };
    let upper = match (a.max, b.max) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => {
            x.value < y.value || (x.value == y.value && (y.inclusive || !x.inclusive))
        }
    };
    lower && upper
}

/// How `local` relates to `national`; `None` when they judge different things.
pub fn relation(local: &Rule, national: &Rule) -> Option<Relation> {
    if local.subject != national.subject || local.shape.family() != national.shape.family() {
        return None;
    }
    let (lm, lb, li) = allowed(local)?;
    let (nm, nb, ni) = allowed(national)?;
    if lm != nm || lb != nb {
        return None;
    }
    let as_binding = local.strength <= national.strength;
    Some(match (subset(&li, &ni), li == ni, as_binding) {
        (true, true, true) => Relation::Same,
        (true, false, true) => Relation::Tightens,
        (true, _, false) => Relation::Softer,
        (false, _, _) => Relation::Departs,
    })
}

/// Whether a national rule is only a norm a local standard may depart from.
pub fn is_soft(national: &Rule) -> bool {
    national.strength >= Strength::AsARule
}

/// Whether a declared override is honoured.
pub fn honoured(rel: Relation, national: &Rule) -> bool {
    matches!(rel, Relation::Same | Relation::Tightens) || is_soft(national)
}

/// The honoured overrides among the policies of a plan: (national rule, local rule).
pub fn overrides(policies: &[Policy]) -> Vec<(RuleRef, RuleRef)> {
    let mut out = Vec::new();
    for (lpi, lp) in policies.iter().enumerate() {
        for (lri, lr) in lp.rules.iter().enumerate() {
            for (pid, rid) in &lr.overrides {
                let Some(npi) = policies.iter().position(|p| &p.meta.id == pid) else {
                    continue;
                };
                let Some(np) = policies.get(npi) else {
                    continue;
                };
                let Some(nri) = np.rules.iter().position(|r| &r.id == rid) else {
                    continue;
                };
                let Some(nr) = np.rules.get(nri) else {
                    continue;
                };
                if relation(lr, nr).is_some_and(|rel| honoured(rel, nr)) {
                    out.push((
                        RuleRef {
                            policy: npi as u16,
                            rule: nri as u16,
                        },
                        RuleRef {
                            policy: lpi as u16,
                            rule: lri as u16,
                        },
                    ));
                }
            }
        }
    }
    out
}

fn diag(
    p: &Policy,
    r: &Rule,
    code: Code,
    severity: Severity,
    message: Text,
    help: Option<Text>,
) -> Diagnostic {
    Diagnostic::new(
        code,
        severity,
        Some(p.meta.id.0.clone()),
        Some(r.id.0.clone()),
        &p.file,
        r.pos,
        message,
        help,
    )
}

/// Checks the layering of a set of policies: `builds_on` and `overrides` references, and
/// every relation between a local rule and a national rule on the same measure.
pub fn check(policies: &[Policy]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in policies {
        for b in &p.meta.builds_on {
            if !policies.iter().any(|q| &q.meta.id == b) {
                out.push(Diagnostic::new(
                    Code::UnknownRule,
                    Severity::Error,
                    Some(p.meta.id.0.clone()),
                    None,
                    &p.file,
                    crate::model::Pos { line: 1, column: 1 },
                    text(
                        format!("`builds_on` names `{b}`, which is not among the policies checked"),
                        format!("`builds_on` 指向 `{b}`,但它不在所检查的政策之中"),
                    ),
                    Some(text(
                        "lint the national policies together with this one",
                        "请把国家层面的政策与本政策一起检查",
                    )),
                ));
            }
        }
        let bases: Vec<&Policy> = policies
            .iter()
            .filter(|q| p.meta.builds_on.contains(&q.meta.id))
            .collect();
        for r in &p.rules {
            for (pid, rid) in &r.overrides {
                if !p.meta.builds_on.contains(pid) {
                    out.push(diag(
                        p,
                        r,
                        Code::UnknownRule,
                        Severity::Error,
                        text(
                            format!(
                                "`overrides` names `{pid}/{rid}`, but `{pid}` is not in `builds_on`"
                            ),
                            format!(
                                "`overrides` 指向 `{pid}/{rid}`,但 `{pid}` 不在 `builds_on` 中"
                            ),
                        ),
                        None,
                    ));
                    continue;
                }
                let Some(nr) = policies
                    .iter()
                    .find(|q| &q.meta.id == pid)
                    .and_then(|q| q.rule(&rid.0))
                else {
                    out.push(diag(
                        p,
                        r,
                        Code::UnknownRule,
                        Severity::Error,
                        text(
                            format!("`overrides` names `{pid}/{rid}`, which does not exist"),
                            format!("`overrides` 指向 `{pid}/{rid}`,但这条规则不存在"),
                        ),
                        None,
                    ));
                    continue;
                };
                match relation(r, nr) {
                    None => out.push(diag(
                        p,
                        r,
                        Code::LayerConflict,
                        Severity::Error,
                        text(
                            format!("`overrides` names `{pid}/{rid}`, which judges something else"),
                            format!("`overrides` 指向 `{pid}/{rid}`,但它评判的是别的对象"),
                        ),
                        Some(text(
                            "an override must have the same kind, subject and measure",
                            "取代的规则必须有相同的类型、对象和 measure",
                        )),
                    )),
                    Some(rel) if honoured(rel, nr) => out.push(diag(
                        p,
                        r,
                        Code::LayerOverride,
                        Severity::Note,
                        {
                            let norm = is_soft(nr) && !matches!(rel, Relation::Same | Relation::Tightens);
                            text(
                                format!(
                                    "{rel} `{pid}/{rid}`{}: the local rule speaks in its place",
                                    if norm { " (a national norm, 一般)" } else { "" }
                                ),
                                format!(
                                    "{} `{pid}/{rid}`{}:由地方规则取而代之",
                                    rel.zh(),
                                    if norm { "(国家层面的常规标准,一般)" } else { "" }
                                ),
                            )
                        },
                        None,
                    )),
                    Some(rel) => out.push(diag(
                        p,
                        r,
                        Code::LayerConflict,
                        Severity::Warning,
                        text(
                            format!("{rel} the hard national rule `{pid}/{rid}`, so it cannot replace it: evaluation shows both findings"),
                            format!("{}国家层面的刚性规则 `{pid}/{rid}`,因此不能取代它:评估时两项结论都会显示", rel.zh()),
                        ),
                        Some(text(
                            "keep the local rule as the document says; the conflict is the issuer's to resolve",
                            "请按文件原文保留地方规则;冲突应由发文机关解决",
                        )),
                    )),
                }
            }
            // undeclared relations
            for q in &bases {
                for nr in &q.rules {
                    // declared here, or already replaced by another rule of this policy
                    if p.rules.iter().any(|x| {
                        x.overrides
                            .iter()
                            .any(|(a, b)| a == &q.meta.id && b == &nr.id)
                    }) {
                        continue;
                    }
                    let Some(rel) = relation(r, nr) else { continue };
                    let (sev, code, msg, help) = match (rel, is_soft(nr)) {
                        (Relation::Same | Relation::Tightens, _) => (
                            Severity::Note,
                            Code::LayerOverride,
                            text(
                                format!("{rel} `{}/{}` without saying so; both findings are shown", q.meta.id, nr.id),
                                format!("{} `{}/{}`,但未声明;两项结论都会显示", rel.zh(), q.meta.id, nr.id),
                            ),
                            Some(text(
                                format!("add `overrides = [\"{}/{}\"]` to let the local rule speak", q.meta.id, nr.id),
                                format!("加上 `overrides = [\"{}/{}\"]`,由地方规则取而代之", q.meta.id, nr.id),
                            )),
                        ),
                        (_, true) => (
                            Severity::Note,
                            Code::LayerOverride,
                            text(
                                format!("{rel} the national norm `{}/{}` (一般) without saying so; both findings are shown", q.meta.id, nr.id),
                                format!("{}国家层面的常规标准 `{}/{}`(一般),但未声明;两项结论都会显示", rel.zh(), q.meta.id, nr.id),
                            ),
                            Some(text(
                                format!("add `overrides = [\"{}/{}\"]` if the local standard replaces it", q.meta.id, nr.id),
                                format!("如果地方标准取代了它,请加上 `overrides = [\"{}/{}\"]`", q.meta.id, nr.id),
                            )),
                        ),
                        (_, false) => (
                            Severity::Warning,
                            Code::LayerConflict,
                            text(
                                format!("{rel} the hard national rule `{}/{}`: evaluation shows both findings", q.meta.id, nr.id),
                                format!("{}国家层面的刚性规则 `{}/{}`:评估时两项结论都会显示", rel.zh(), q.meta.id, nr.id),
                            ),
                            Some(text(
                                "the conflict is in the documents; keep both rules as written",
                                "冲突出自文件本身;请按原文保留两条规则",
                            )),
                        ),
                    };
                    out.push(diag(p, r, code, sev, msg, help));
                }
            }
        }
    }
    out
}
