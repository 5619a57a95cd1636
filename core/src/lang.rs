//! Words for people, in Chinese and English: labels, requirements, remedies, messages and
//! explanations of rules. Every surface (CLI, Python, browser) renders through here.

use std::fmt::Write as _;
use std::ops::Mul;

use serde::Serialize;

use crate::eval::{
    Action, Basis, Finding, Note, Obligation, Plan, Reason, Remedy, Required, Status,
};
use crate::field::{FieldId, Unit};
use crate::model::*;
use crate::num::Num;
use crate::words::{Grade, Side, Strength};

/// A language for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Lang {
    /// 中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Parses `zh` or `en`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "zh-Hans" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Whether a text has Chinese characters in it (CJK unified ideographs and their
/// extensions and compatibility forms): what a Chinese message or reading has and an
/// English one does not.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(
            u32::from(c),
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
        )
    })
}

/// A number with its unit: `1,500户` / `1500 households`, `60%`, `703.5 m²`.
pub fn num_unit(n: Num, unit: Unit, lang: Lang) -> String {
    if unit == Unit::Percent {
        return format!("{}%", n.mul(Num::int(100)).to_decimal(2));
    }
    let v = n.to_decimal(2);
    let sym = unit.symbol(lang);
    match (lang, unit) {
        (_, Unit::SquareMetres) => format!("{v} m²"),
        (Lang::Zh, _) => format!("{v}{sym}"),
        (Lang::En, _) if sym.is_empty() => v,
        (Lang::En, Unit::Households | Unit::Persons | Unit::Years) if n == Num::ONE => {
            format!("{v} {}", sym.trim_end_matches('s'))
        }
        (Lang::En, _) => format!("{v} {sym}"),
    }
}

/// A field's label.
pub fn field_label(f: FieldId, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.def().zh,
        Lang::En => f.def().en,
    }
}

/// A category value's label.
pub fn category_label(f: FieldId, i: u8, lang: Lang) -> String {
    match f.def().values.get(usize::from(i)) {
        Some((id, zh)) => match lang {
            Lang::Zh => zh
                .first()
                .map_or_else(|| (*id).to_string(), |s| (*s).to_string()),
            Lang::En => id.replace('_', " "),
        },
        None => "?".into(),
    }
}

/// A status label.
pub fn status_label(s: Status, lang: Lang) -> &'static str {
    match (s, lang) {
        (Status::Pass, Lang::Zh) => "符合",
        (Status::Fail, Lang::Zh) => "不符合",
        (Status::Ambiguous, Lang::Zh) => "存疑",
        (Status::NotApplicable, Lang::Zh) => "不适用",
        (Status::MissingData, Lang::Zh) => "缺数据",
        (Status::Pass, Lang::En) => "pass",
        (Status::Fail, Lang::En) => "fail",
        (Status::Ambiguous, Lang::En) => "ambiguous",
        (Status::NotApplicable, Lang::En) => "not applicable",
        (Status::MissingData, Lang::En) => "missing data",
    }
}

/// A grade label.
pub fn grade_label(g: Grade, lang: Lang) -> &'static str {
    match (g, lang) {
        (Grade::Violation, Lang::Zh) => "违反",
        (Grade::Deviation, Lang::Zh) => "偏离(需说明理由)",
        (Grade::Advice, Lang::Zh) => "建议",
        (Grade::BehindTarget, Lang::Zh) => "未达目标",
        (Grade::Information, Lang::Zh) => "提示",
        (Grade::Violation, Lang::En) => "violation",
        (Grade::Deviation, Lang::En) => "deviation (needs a reason)",
        (Grade::Advice, Lang::En) => "advice",
        (Grade::BehindTarget, Lang::En) => "target not yet met",
        (Grade::Information, Lang::En) => "information",
    }
}

/// A strength label.
pub fn strength_label(s: Strength, lang: Lang) -> &'static str {
    match (s, lang) {
        (Strength::Mandatory, Lang::Zh) => "强制",
        (Strength::Strict, Lang::Zh) => "应当",
        (Strength::AsARule, Lang::Zh) => "一般",
        (Strength::Preferred, Lang::Zh) => "宜",
        (Strength::Target, Lang::Zh) => "目标",
        (Strength::Encouraged, Lang::Zh) => "鼓励",
        (Strength::Permitted, Lang::Zh) => "可",
        (Strength::Mandatory, Lang::En) => "mandatory",
        (Strength::Strict, Lang::En) => "strict",
        (Strength::AsARule, Lang::En) => "as a rule",
        (Strength::Preferred, Lang::En) => "preferred",
        (Strength::Target, Lang::En) => "target",
        (Strength::Encouraged, Lang::En) => "encouraged",
        (Strength::Permitted, Lang::En) => "permitted",
    }
}

/// An interval in words: `1000–5000户`, `≥ 24人`, `> 50人`, `= 7人`.
pub fn interval_text(iv: &Interval, unit: Unit, lang: Lang) -> String {
    let f = |n: Num| num_unit(n, unit, lang);
    match (iv.min, iv.max) {
        (Some(a), Some(b)) if a.value == b.value && a.inclusive && b.inclusive => {
            format!("= {}", f(a.value))
        }
        (Some(a), Some(b)) if a.inclusive && b.inclusive => {
            let lo = if unit == Unit::Percent {
                f(a.value)
            } else {
                a.value.to_decimal(2)
            };
            format!("{lo}–{}", f(b.value))
        }
        (Some(a), Some(b)) => format!(
            "{} {} {} {}",
            if a.inclusive { "≥" } else { ">" },
            f(a.value),
            if b.inclusive { "≤" } else { "<" },
            f(b.value)
        ),
        (Some(a), None) => format!("{} {}", if a.inclusive { "≥" } else { ">" }, f(a.value)),
        (None, Some(b)) => format!("{} {}", if b.inclusive { "≤" } else { "<" }, f(b.value)),
        (None, None) => match lang {
            Lang::Zh => "不限".into(),
            Lang::En => "any".into(),
        },
    }
}

fn measure_unit(f: Option<FieldId>) -> Unit {
    f.map_or(Unit::Count, |f| f.def().unit)
}

/// The requirement of a finding in words, with how it was computed.
pub fn requirement_text(plan: &Plan, f: &Finding, lang: Lang) -> String {
    let Some(req) = &f.required else {
        return String::new();
    };
    let Some((_, rule)) = plan.rule(f.rule) else {
        return String::new();
    };
    let unit = match &rule.shape {
        Shape::Share { .. } => Unit::Percent,
        Shape::Tally { .. } => Unit::Count,
        _ => measure_unit(f.measure),
    };
    let mut s = String::new();
    if let Some(o) = &req.outcome {
        if let Some(m) = rule.shape.measure() {
            let names: Vec<String> = o.iter().map(|x| category_label(m, *x, lang)).collect();
            s.push_str(&names.join(if lang == Lang::Zh { "或" } else { " or " }));
        }
        return s;
    }
    if !req.options.is_empty() {
        let parts: Vec<String> = req
            .options
            .iter()
            .map(|(fid, v)| num_unit(*v, fid.def().unit, lang))
            .collect();
        return match lang {
            Lang::Zh => format!("以{}为宜", parts.join("或")),
            Lang::En => format!("{} preferred", parts.join(" or ")),
        };
    }
    if let Some(iv) = &req.interval {
        s.push_str(&interval_text(iv, unit, lang));
    }
    match &req.basis {
        Basis::Proportional {
            base,
            base_value,
            value,
            per,
            percent,
        } => {
            let exact = req
                .exact
                .as_deref()
                .copied()
                .or(req.interval)
                .unwrap_or_default();
            let computed = exact.min.or(exact.max).map(|l| l.value);
            let rate = if *percent {
                num_unit(*value, Unit::Percent, lang)
            } else {
                match lang {
                    Lang::Zh => format!(
                        "每{}{}",
                        num_unit(*per, base.def().unit, lang),
                        num_unit(*value, unit, lang)
                    ),
                    Lang::En => format!(
                        "{} per {}",
                        num_unit(*value, unit, lang),
                        num_unit(*per, base.def().unit, lang)
                    ),
                }
            };
            let _ = write!(
                s,
                " ({rate} × {} {}{})",
                field_label(*base, lang),
                num_unit(*base_value, base.def().unit, lang),
                match (computed, req.exact.as_deref().copied()) {
                    // an exclusive bound (过半数, 超过) shows its strict comparison before rounding
                    (_, Some(ex))
                        if ex.min.is_some_and(|l| !l.inclusive)
                            || ex.max.is_some_and(|l| !l.inclusive) =>
                        match lang {
                            Lang::Zh => format!(": {},取整", interval_text(&ex, unit, lang)),
                            Lang::En =>
                                format!(": {}, in whole units", interval_text(&ex, unit, lang)),
                        },
                    (Some(c), Some(_)) => match lang {
                        Lang::Zh => format!(" = {},取整", c.to_decimal(2)),
                        Lang::En => format!(" = {}, rounded to whole units", c.to_decimal(2)),
                    },
                    (Some(c), None) => format!(" = {}", num_unit(c, unit, lang)),
                    (None, _) => String::new(),
                }
            );
        }
        Basis::PerUnit { base, base_value } => {
            let _ = write!(
                s,
                " ({} {})",
                field_label(*base, lang),
                num_unit(*base_value, base.def().unit, lang)
            );
            if let Some(e) = &req.exact {
                let _ = write!(
                    s,
                    " [{}: {}]",
                    match lang {
                        Lang::Zh => "未取整",
                        Lang::En => "before rounding",
                    },
                    interval_text(e, unit, lang)
                );
            }
        }
        Basis::Tiers { tiers, .. } => {
            let list: Vec<String> = tiers.iter().map(|t| (t + 1).to_string()).collect();
            let _ = match lang {
                Lang::Zh => write!(s, " (第{}档)", list.join("、")),
                Lang::En => write!(s, " (tier {})", list.join(" and ")),
            };
        }
        Basis::Dated { dated } => {
            let _ = write!(s, " ({})", dated_text(dated, lang));
        }
        Basis::Fixed => {
            if let Some(e) = &req.exact {
                let _ = match lang {
                    Lang::Zh => write!(s, " (原文 {},取整)", interval_text(e, unit, lang)),
                    Lang::En => write!(
                        s,
                        " (written {}, rounded to whole units)",
                        interval_text(e, unit, lang)
                    ),
                };
            }
        }
    }
    s
}

/// Which step or stage of a schedule applies, in words.
pub fn dated_text(d: &DatedBy, lang: Lang) -> String {
    match (d, lang) {
        (
            DatedBy::Step {
                from,
                until: Some(u),
            },
            Lang::Zh,
        ) => format!("{from}至{u}适用"),
        (DatedBy::Step { from, until: None }, Lang::Zh) => format!("自{from}起适用"),
        (
            DatedBy::Step {
                from,
                until: Some(u),
            },
            Lang::En,
        ) => format!("in force {from} to {u}"),
        (DatedBy::Step { from, until: None }, Lang::En) => format!("in force from {from}"),
        (
            DatedBy::Stage {
                number,
                first_year,
                last_year,
            },
            Lang::Zh,
        ) => format!("第{number}阶段 {first_year}–{last_year}年"),
        (
            DatedBy::Stage {
                number,
                first_year,
                last_year,
            },
            Lang::En,
        ) => format!("stage {number}, {first_year}–{last_year}"),
    }
}

/// A remedy in words.
pub fn remedy_text(r: &Remedy, lang: Lang) -> String {
    let unit = r.field.def().unit;
    let amt = r
        .amount
        .map(|a| match (unit, lang) {
            (Unit::Percent, Lang::Zh) => format!("{}个百分点", (a * Num::int(100)).to_decimal(2)),
            (Unit::Percent, Lang::En) => {
                format!("{} percentage points", (a * Num::int(100)).to_decimal(2))
            }
            _ => num_unit(a, unit, lang),
        })
        .unwrap_or_default();
    let more = if r.strictly_more {
        match lang {
            Lang::Zh => "超过",
            Lang::En => "more than ",
        }
    } else {
        ""
    };
    let label = field_label(r.field, lang);
    match (r.action, lang) {
        (Action::Increase, Lang::Zh) => format!("{label}增加{more}{amt}"),
        (Action::Increase, Lang::En) => format!("add {more}{amt} ({label})"),
        (Action::Decrease, Lang::Zh) => format!("{label}减少{more}{amt}"),
        (Action::Decrease, Lang::En) => format!("remove {more}{amt} ({label})"),
        (Action::Merge, Lang::Zh) => format!("与相邻社区合并或调整边界,{label}至少增加{more}{amt}"),
        (Action::Merge, Lang::En) => {
            format!("merge with a neighbour or redraw boundaries to gain {more}{amt}")
        }
        (Action::Split, _) => {
            let (a, b) = r.parts.unwrap_or((Num::int(2), Num::int(2)));
            let parts = if a == b {
                a.to_decimal(0)
            } else {
                format!("{}–{}", a.to_decimal(0), b.to_decimal(0))
            };
            let size = r
                .part_size
                .map(|iv| interval_text(&iv, unit, lang))
                .unwrap_or_default();
            match lang {
                Lang::Zh => format!("拆分为{parts}个社区,每个{size}"),
                Lang::En => format!("split into {parts} communities of {size} each"),
            }
        }
        (Action::Set, Lang::Zh) => format!(
            "{label}调整为{}",
            r.to.map(|t| num_unit(t, unit, lang)).unwrap_or_default()
        ),
        (Action::Set, Lang::En) => format!(
            "set {label} to {}",
            r.to.map(|t| num_unit(t, unit, lang)).unwrap_or_default()
        ),
        (Action::Choose, _) => {
            let o = r
                .outcome
                .as_ref()
                .map(|o| {
                    o.iter()
                        .map(|x| category_label(r.field, *x, lang))
                        .collect::<Vec<_>>()
                        .join(if lang == Lang::Zh { "或" } else { " or " })
                })
                .unwrap_or_default();
            match lang {
                Lang::Zh => format!("改为:{o}"),
                Lang::En => format!("should be: {o}"),
            }
        }
    }
}

fn kind_label(kind: &str, lang: Lang) -> String {
    match crate::field::by_id("kind")
        .and_then(|f| crate::field::category_index(f, kind).map(|i| (f, i)))
    {
        Some((f, i)) => category_label(f, i, lang),
        None => kind.to_string(),
    }
}

/// Why a finding is not applicable or ambiguous, in words.
pub fn reason_text(r: &Reason, lang: Lang) -> String {
    match (r, lang) {
        (Reason::Draft, Lang::Zh) => "征求意见稿,未生效(需明确要求才评估)".into(),
        (Reason::Draft, Lang::En) => {
            "a draft for comment, not in force (evaluated only when asked for)".into()
        }
        (Reason::NotInForce { as_of }, Lang::Zh) => format!("{as_of} 时文件未生效或已失效"),
        (Reason::NotInForce { as_of }, Lang::En) => {
            format!("the document is not in force on {as_of}")
        }
        (Reason::KindNotCovered { kind }, Lang::Zh) => {
            format!("文件不适用于此类社区({})", kind_label(kind, lang))
        }
        (Reason::KindNotCovered { kind }, Lang::En) => {
            format!("the document does not govern {kind} communities")
        }
        (Reason::ConditionNotMet { field }, Lang::Zh) => {
            format!("适用条件不满足({})", field_label(*field, lang))
        }
        (Reason::ConditionNotMet { field }, Lang::En) => format!(
            "its condition on {} does not hold",
            field_label(*field, lang)
        ),
        (Reason::NoValueOnDate { as_of }, Lang::Zh) => format!("{as_of} 时该条款没有规定数值"),
        (Reason::NoValueOnDate { as_of }, Lang::En) => {
            format!("the rule sets no value for {as_of}")
        }
        (Reason::BoundaryOverlap, Lang::Zh) => "数值落在两档重叠的边界上,两种读法结论不同".into(),
        (Reason::BoundaryOverlap, Lang::En) => {
            "the value sits where two tiers overlap and they disagree".into()
        }
        (Reason::Undecided, Lang::Zh) => "文件对这种情况没有规定".into(),
        (Reason::Undecided, Lang::En) => "the document does not decide this case".into(),
        (Reason::NoWholeValue, Lang::Zh) => "没有整数能满足此要求".into(),
        (Reason::NoWholeValue, Lang::En) => "no whole number meets the requirement".into(),
        (Reason::AmountTooLarge, Lang::Zh) => "金额过大,无法精确计算(请检查输入单位)".into(),
        (Reason::AmountTooLarge, Lang::En) => {
            "the amount is too large to compute exactly (check the input's units)".into()
        }
        (Reason::DependsOnAmbiguous, Lang::Zh) => {
            "取决于结论存疑的社区(分档边界重叠或文件未规定)".into()
        }
        (Reason::DependsOnAmbiguous, Lang::En) => {
            "it depends on communities whose own verdict is ambiguous".into()
        }
        (Reason::Overridden { by }, Lang::Zh) => format!("由地方规定 {by} 取代"),
        (Reason::Overridden { by }, Lang::En) => format!("replaced by the local rule {by}"),
        (Reason::NoCommunities, Lang::Zh) => "名单中没有可计算的社区".into(),
        (Reason::NoCommunities, Lang::En) => "the input has no community this rule counts".into(),
    }
}

fn unit_whole(f: &Finding) -> bool {
    f.measure.is_some_and(|m| m.def().whole)
}

/// `「word」`, or nothing when the text has no strength word.
pub fn word_mark(word: &str) -> String {
    if word.is_empty() {
        String::new()
    } else {
        format!("「{word}」")
    }
}

/// A one-sentence message for a finding.
pub fn message(plan: &Plan, f: &Finding, lang: Lang) -> String {
    let Some((_, rule)) = plan.rule(f.rule) else {
        return String::new();
    };
    if f.status == Status::NotApplicable {
        // the reason says it all: no label, value or requirement to render
        let mut s = String::new();
        if let Some(g) = &f.group {
            let _ = write!(s, "[{g}] ");
        }
        if let Some(r) = &f.reason {
            s.push_str(&reason_text(r, lang));
        }
        notes_and_replaces(&mut s, plan, f, lang);
        return s;
    }
    let unit = match &rule.shape {
        Shape::Share { .. } => Unit::Percent,
        Shape::Tally { .. } => Unit::Count,
        _ => measure_unit(f.measure),
    };
    let label: String = match (&rule.shape, f.measure) {
        (
            Shape::Share {
                of: ShareOf::Rule(_),
                ..
            },
            _,
        ) => match lang {
            Lang::Zh => "达标比例".into(),
            Lang::En => "share meeting the standard".into(),
        },
        (
            Shape::Share {
                of: ShareOf::Flag(fl),
                ..
            },
            _,
        ) => match lang {
            Lang::Zh => format!("“{}”的社区比例", field_label(*fl, lang)),
            Lang::En => format!("share with {}", field_label(*fl, lang)),
        },
        (Shape::Tally { .. }, _) => match (lang, &rule.title, &rule.title_en) {
            (Lang::Zh, Some(t), _) => t.clone(),
            (Lang::En, _, Some(t)) => t.clone(),
            (Lang::Zh, _, _) => "符合条件的社区个数".into(),
            (Lang::En, _, _) => "communities counted".into(),
        },
        (_, Some(m)) => field_label(m, lang).into(),
        _ => String::new(),
    };
    let group = f
        .group
        .as_ref()
        .map(|g| format!("[{g}] "))
        .unwrap_or_default();
    let actual = match (f.actual, f.actual_outcome, rule.shape.measure()) {
        (_, Some(o), Some(m)) => category_label(m, o, lang),
        // "households 2000", not "households 2000 households"
        (Some(a), _, _) if lang == Lang::En && matches!(unit, Unit::Households | Unit::Persons) => {
            a.to_decimal(2)
        }
        (Some(a), _, _) => num_unit(a, unit, lang),
        _ => String::new(),
    };
    let req = requirement_text(plan, f, lang);
    let mut s = String::new();
    s.push_str(&group);
    match f.status {
        Status::Pass => {
            let _ = match lang {
                Lang::Zh => write!(s, "{label} {actual},符合要求 {req}"),
                Lang::En => write!(s, "{label} {actual} meets {req}"),
            };
        }
        Status::Fail => {
            let short = f
                .shortfall
                .map(|x| match (&rule.shape, unit, lang) {
                    // a share is short by communities: the sentence adds 个社区 itself
                    (Shape::Share { .. }, _, _) => x.to_decimal(2),
                    (_, Unit::Percent, Lang::Zh) => {
                        format!("{}个百分点", (x * Num::int(100)).to_decimal(2))
                    }
                    (_, Unit::Percent, Lang::En) => {
                        format!("{} percentage points", (x * Num::int(100)).to_decimal(2))
                    }
                    _ => num_unit(x, unit, lang),
                })
                .unwrap_or_default();
            // short or over: from the remedy's direction; a `set` remedy (an exact tier
            // value) goes up when the value found is below the value required
            let below = f.remedy.as_ref().is_some_and(|r| match r.action {
                Action::Increase | Action::Merge => true,
                Action::Set => matches!((f.actual, r.to), (Some(a), Some(t)) if a < t),
                _ => false,
            }) || matches!(rule.shape, Shape::Share { .. });
            let _ = match (lang, f.actual_outcome.is_some()) {
                (Lang::Zh, true) => write!(s, "{label}为{actual},文件要求:{req}"),
                (Lang::En, true) => write!(s, "{label} is {actual}; the document requires: {req}"),
                (Lang::Zh, false) if matches!(rule.shape, Shape::Share { .. }) => {
                    write!(s, "{label} {actual},要求 {req},还差{short}个社区达标")
                }
                (Lang::En, false) if matches!(rule.shape, Shape::Share { .. }) => write!(
                    s,
                    "{label} {actual}, required {req}: {short} more communities must meet it"
                ),
                (Lang::Zh, false) => write!(
                    s,
                    "{label} {actual},要求 {req},{}{short}",
                    if below { "差" } else { "超出" }
                ),
                (Lang::En, false) => write!(
                    s,
                    "{label} {actual}, required {req}: {short} {}",
                    if below { "short" } else { "over" }
                ),
            };
            if let Some(r) = &f.remedy {
                let _ = write!(
                    s,
                    "{}{}",
                    if lang == Lang::Zh {
                        ";建议:"
                    } else {
                        "; remedy: "
                    },
                    remedy_text(r, lang)
                );
            }
        }
        Status::Ambiguous => {
            let why = f
                .reason
                .as_ref()
                .map(|r| reason_text(r, lang))
                .unwrap_or_default();
            let _ = match lang {
                Lang::Zh => write!(s, "{label} {actual}:{why}"),
                Lang::En => write!(s, "{label} {actual}: {why}"),
            };
            for n in &f.notes {
                if let Note::Overlap { tiers, passing } = n {
                    let t: Vec<String> = tiers.iter().map(|x| (x + 1).to_string()).collect();
                    let p: Vec<String> = passing.iter().map(|x| (x + 1).to_string()).collect();
                    let _ = match lang {
                        Lang::Zh => write!(
                            s,
                            "(适用第{}档,符合第{}档)",
                            t.join("、"),
                            if p.is_empty() {
                                "—".into()
                            } else {
                                p.join("、")
                            }
                        ),
                        Lang::En => write!(
                            s,
                            " (tiers {} apply; met: {})",
                            t.join(", "),
                            if p.is_empty() {
                                "none".into()
                            } else {
                                p.join(", ")
                            }
                        ),
                    };
                }
            }
            let contradictory = f
                .required
                .as_ref()
                .and_then(|r| r.interval)
                .is_some_and(|iv| {
                    if unit_whole(f) {
                        iv.has_no_whole()
                    } else {
                        iv.is_empty()
                    }
                });
            if contradictory {
                let _ = match lang {
                    Lang::Zh => write!(s, ";各档要求互相矛盾,没有数值能同时满足"),
                    Lang::En => write!(
                        s,
                        "; the tiers contradict each other: no value meets them all"
                    ),
                };
            } else if !req.is_empty() {
                let _ = match lang {
                    Lang::Zh => write!(s, ";两档同时满足需 {req}"),
                    Lang::En => write!(s, "; meeting every tier needs {req}"),
                };
            }
        }
        Status::NotApplicable => {
            let why = f
                .reason
                .as_ref()
                .map(|r| reason_text(r, lang))
                .unwrap_or_default();
            s.push_str(&why);
        }
        Status::MissingData => {
            let names: Vec<String> = f
                .missing
                .iter()
                .map(|m| format!("{} ({})", field_label(*m, lang), m.name()))
                .collect();
            let _ = match lang {
                Lang::Zh => write!(s, "缺少数据:{}", names.join("、")),
                Lang::En => write!(s, "missing: {}", names.join(", ")),
            };
            if !req.is_empty() {
                let _ = match lang {
                    Lang::Zh => write!(s, "(要求 {req})"),
                    Lang::En => write!(s, " (required: {req})"),
                };
            }
        }
    }
    notes_and_replaces(&mut s, plan, f, lang);
    s
}

/// The notes of a finding and the rule it replaces, appended to its message.
fn notes_and_replaces(s: &mut String, plan: &Plan, f: &Finding, lang: Lang) {
    for n in &f.notes {
        match n {
            Note::OverlapResolved { chosen, reading } => {
                let _ = match lang {
                    Lang::Zh => write!(
                        s,
                        "(边界重叠,按文件读法取第{}档/{})",
                        chosen + 1,
                        reading.name()
                    ),
                    Lang::En => write!(
                        s,
                        " (tiers overlap; the policy's reading `{}` picks tier {})",
                        reading.name(),
                        chosen + 1
                    ),
                };
            }
            Note::NotInForceEvaluated => {
                let draft = plan
                    .rule(f.rule)
                    .is_some_and(|(p, _)| p.meta.status == DocStatus::Draft);
                let _ = match (lang, draft) {
                    (Lang::Zh, true) => write!(s, "【征求意见稿,未生效;应用户要求评估】"),
                    (Lang::Zh, false) => write!(s, "【文件在评估日未生效;应用户要求评估】"),
                    (Lang::En, true) => write!(
                        s,
                        " [a draft for comment, not in force; evaluated on request]"
                    ),
                    (Lang::En, false) => write!(
                        s,
                        " [the document is not in force on this date; evaluated on request]"
                    ),
                };
            }
            Note::Derived { field } => {
                let _ = match lang {
                    Lang::Zh => write!(s, "({}由其他字段推算)", field_label(*field, lang)),
                    Lang::En => write!(
                        s,
                        " ({} derived from other fields)",
                        field_label(*field, lang)
                    ),
                };
            }
            Note::Rounded | Note::Overlap { .. } => {}
        }
    }
    if let Some(rule) = &f.replaces {
        let _ = match lang {
            Lang::Zh => write!(s, "(本条取代上位规定 {rule})"),
            Lang::En => write!(s, " (replaces {rule})"),
        };
    }
}

/// An obligation in words: total and each payer's share.
pub fn obligation_text(plan: &Plan, ob: &Obligation, lang: Lang) -> String {
    let Some((_, rule)) = plan.rule(ob.rule) else {
        return String::new();
    };
    let Shape::Money(m) = &rule.shape else {
        return String::new();
    };
    let yuan = |f: crate::money::Fen| match lang {
        Lang::Zh => format!("{f}元"),
        Lang::En => format!("¥{f}"),
    };
    match ob.status {
        Status::MissingData => {
            let names: Vec<String> = ob
                .missing
                .iter()
                .map(|m| format!("{} ({})", field_label(*m, lang), m.name()))
                .collect();
            match lang {
                Lang::Zh => format!("缺少数据:{}", names.join("、")),
                Lang::En => format!("missing: {}", names.join(", ")),
            }
        }
        Status::NotApplicable => ob
            .reason
            .as_ref()
            .map(|r| reason_text(r, lang))
            .unwrap_or_default(),
        _ => {
            let mut parts = Vec::new();
            for l in &ob.lines {
                let Some(c) = m.components.get(l.component) else {
                    continue;
                };
                let name = match lang {
                    Lang::Zh => c.name.clone(),
                    Lang::En => c.name_en.clone().unwrap_or_else(|| c.name.clone()),
                };
                let how = match (c.rate, l.base_value) {
                    (Some((rate, per, base)), Some(bv)) => format!(
                        " ({} / {} × {})",
                        yuan(
                            crate::money::Fen::from_yuan_num(rate)
                                .map(|x| x.0)
                                .unwrap_or_default()
                        ),
                        num_unit(per, base.def().unit, lang),
                        num_unit(bv, base.def().unit, lang)
                    ),
                    _ => String::new(),
                };
                parts.push(format!("{name} {}{how}", yuan(l.amount)));
            }
            let name_of = |p: &Payer| match lang {
                Lang::Zh => p.name.clone(),
                Lang::En => p.name_en.clone().unwrap_or_else(|| p.name.clone()),
            };
            // the standard split always adds up to the standard total
            let shares: Vec<String> = m
                .payers
                .iter()
                .zip(ob.shares.iter())
                .map(|(p, s)| format!("{} {}", name_of(p), yuan(*s)))
                .collect();
            let total = ob.total.map(yuan).unwrap_or_default();
            let ratio: Vec<String> = m.payers.iter().map(|p| p.share.to_string()).collect();
            let mut out = match lang {
                Lang::Zh => format!(
                    "{};标准合计 {total}/{};按 {} 分担:{}",
                    parts.join(" + "),
                    period_zh(&m.period),
                    ratio.join(":"),
                    shares.join(",")
                ),
                Lang::En => format!(
                    "{}; standard total {total} per {}; split {}: {}",
                    parts.join(" + "),
                    m.period,
                    ratio.join(":"),
                    shares.join(", ")
                ),
            };
            // what was actually paid, line by line
            for l in &ob.lines {
                let Some(c) = m.components.get(l.component) else {
                    continue;
                };
                let name = match lang {
                    Lang::Zh => c.name.clone(),
                    Lang::En => c.name_en.clone().unwrap_or_else(|| c.name.clone()),
                };
                if let Some(sh) = l.shortfall {
                    let paid = l.paid.map(yuan).unwrap_or_default();
                    let _ = match lang {
                        Lang::Zh => write!(out, ";{name}实付 {paid},低于标准,差 {}", yuan(sh)),
                        Lang::En => {
                            write!(out, "; {name} paid {paid}, {} below the standard", yuan(sh))
                        }
                    };
                }
                if let Some(ex) = l.excess.filter(|e| e.0 > 0) {
                    let payer = m
                        .excess_payer
                        .and_then(|i| m.payers.get(i))
                        .map(name_of)
                        .unwrap_or_default();
                    let _ = match lang {
                        Lang::Zh => write!(out, ";{name}实付超出标准 {},由{payer}承担", yuan(ex)),
                        Lang::En => write!(
                            out,
                            "; {name} paid {} above the standard, borne by {payer}",
                            yuan(ex)
                        ),
                    };
                }
            }
            if ob.shares_with_excess != ob.shares {
                let with: Vec<String> = m
                    .payers
                    .iter()
                    .zip(ob.shares_with_excess.iter())
                    .map(|(p, s)| format!("{} {}", name_of(p), yuan(*s)))
                    .collect();
                let _ = match lang {
                    Lang::Zh => write!(out, ";含超出部分各方合计:{}", with.join(",")),
                    Lang::En => write!(out, "; with the excess: {}", with.join(", ")),
                };
            }
            out
        }
    }
}

fn period_zh(p: &str) -> &'static str {
    match p {
        "year" => "年",
        "month" => "月",
        _ => "期",
    }
}

fn bound_text(b: &Bound, unit: Unit, lang: Lang, at: Option<crate::date::Date>) -> String {
    let v = match (&b.value, at) {
        (Value::Fixed(n), _) => num_unit(*n, unit, lang),
        (Value::Dated(s), Some(d)) => s
            .at(d)
            .map(|(n, _)| num_unit(n, unit, lang))
            .unwrap_or_else(|| "—".into()),
        (Value::Dated(_), None) => match lang {
            Lang::Zh => "按年度".into(),
            Lang::En => "by date".into(),
        },
    };
    let op = match (b.side, b.inclusive) {
        (Side::Lower, true) => "≥",
        (Side::Lower, false) => ">",
        (Side::Upper, true) => "≤",
        (Side::Upper, false) => "<",
        (Side::Both, _) => "",
    };
    let incl = match (lang, b.inclusive) {
        (Lang::Zh, true) => "含本数",
        (Lang::Zh, false) => "不含本数",
        (Lang::En, true) => "inclusive",
        (Lang::En, false) => "exclusive",
    };
    if b.word.is_empty() {
        let none = if lang == Lang::Zh {
            "原文无比较词"
        } else {
            "no comparison word in the text"
        };
        return format!("{op} {v} ({none}, {incl})");
    }
    format!("{op} {v} (「{}」, {incl})", b.word)
}

/// The dated values of a rule's bounds, one line each (for `shequ explain`).
fn dated_steps(s: &mut String, min: Option<&Bound>, max: Option<&Bound>, unit: Unit, lang: Lang) {
    for b in min.into_iter().chain(max) {
        if let Value::Dated(sch) = &b.value {
            for st in &sch.steps {
                let until = st.until.map(|u| u.to_string()).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "    {}..{until}: {}",
                    st.from,
                    num_unit(st.value, unit, lang)
                );
            }
        }
    }
}

/// What a rule requires, in words, with its quote: the text of `shequ explain`.
pub fn explain_rule(p: &Policy, r: &Rule, lang: Lang) -> String {
    let mut s = String::new();
    let title = match lang {
        Lang::Zh => r.title.clone().unwrap_or_default(),
        Lang::En => r
            .title_en
            .clone()
            .or_else(|| r.title.clone())
            .unwrap_or_default(),
    };
    let _ = writeln!(s, "{}/{}  {title}", p.meta.id, r.id);
    let zh = lang == Lang::Zh;
    let _ = writeln!(
        s,
        "  {}: {} · {} {} · {}: {}「{}」 ({})",
        if zh { "条款" } else { "clause" },
        r.clause,
        if zh { "位置" } else { "at" },
        r.location,
        if zh { "效力" } else { "strength" },
        strength_label(r.strength, lang),
        r.word,
        grade_label(r.strength.grade(), lang),
    );
    let unit = r.unit.unwrap_or(Unit::Count);
    let line = |s: &mut String, t: String| {
        let _ = writeln!(s, "  {t}");
    };
    match &r.shape {
        Shape::Range {
            measure,
            min,
            max,
            remedy,
            aggregate,
        } => {
            let mu = measure.def().unit;
            let agg = if r.subject == crate::field::Subject::Roster {
                match (aggregate, zh) {
                    (Aggregate::Sum, true) => "全部社区合计的",
                    (Aggregate::Sum, false) => "the roster's total ",
                    (Aggregate::Mean, true) => "全部社区平均的",
                    (Aggregate::Mean, false) => "the roster's average ",
                }
            } else {
                ""
            };
            let mut t = if zh {
                format!("要求: {agg}{} ", field_label(*measure, lang))
            } else {
                format!("requires: {agg}{} ", field_label(*measure, lang))
            };
            let parts: Vec<String> = min
                .iter()
                .chain(max.iter())
                .map(|b| bound_text(b, mu, lang, None))
                .collect();
            t.push_str(&parts.join(if zh { " 且 " } else { " and " }));
            line(&mut s, t);
            for b in min.iter().chain(max.iter()) {
                if let Value::Dated(sch) = &b.value {
                    for st in &sch.steps {
                        line(
                            &mut s,
                            format!(
                                "  {}..{}: {}",
                                st.from,
                                st.until.map(|u| u.to_string()).unwrap_or_default(),
                                num_unit(st.value, mu, lang)
                            ),
                        );
                    }
                    if let Some(g) = &sch.growth {
                        line(
                            &mut s,
                            if zh {
                                format!(
                                    "  自{}年起每{}年为一阶段,每阶段为上一阶段的{}(起点 {})",
                                    g.from_year,
                                    g.every_years,
                                    num_unit(g.factor, Unit::Percent, lang),
                                    num_unit(g.base, mu, lang)
                                )
                            } else {
                                format!(
                                    "  from {}, every {} years ×{} (starting at {})",
                                    g.from_year,
                                    g.every_years,
                                    num_unit(g.factor, Unit::Percent, lang),
                                    num_unit(g.base, mu, lang)
                                )
                            },
                        );
                    }
                }
            }
            if *remedy == RemedyHint::SplitMerge {
                line(
                    &mut s,
                    if zh {
                        "不符合时: 过大则拆分,过小则合并".into()
                    } else {
                        "when failing: split if too large, merge if too small".into()
                    },
                );
            }
        }
        Shape::Proportional {
            measure,
            base,
            per,
            min,
            max,
            percent,
            ..
        } => {
            let parts: Vec<String> = min
                .iter()
                .chain(max.iter())
                .map(|b| {
                    let v = match &b.value {
                        Value::Fixed(n) => Some(*n),
                        Value::Dated(_) => None,
                    };
                    let by_date = if zh { "按年度" } else { "by date" }.to_string();
                    let op = if b.side == Side::Lower {
                        if b.inclusive {
                            "≥"
                        } else {
                            ">"
                        }
                    } else if b.inclusive {
                        "≤"
                    } else {
                        "<"
                    };
                    if *percent {
                        format!(
                            "{op} {} × {} (「{}」)",
                            v.map_or(by_date, |v| num_unit(v, Unit::Percent, lang)),
                            field_label(*base, lang),
                            b.word
                        )
                    } else if zh {
                        format!(
                            "{op} 每{}{} (「{}」)",
                            num_unit(*per, base.def().unit, lang),
                            v.map_or(by_date, |v| num_unit(v, unit, lang)),
                            b.word
                        )
                    } else {
                        format!(
                            "{op} {} per {} (「{}」)",
                            v.map_or(by_date, |v| num_unit(v, unit, lang)),
                            num_unit(*per, base.def().unit, lang),
                            b.word
                        )
                    }
                })
                .collect();
            line(
                &mut s,
                format!(
                    "{}: {} {}",
                    if zh { "要求" } else { "requires" },
                    field_label(*measure, lang),
                    parts.join(if zh { " 且 " } else { " and " })
                ),
            );
            let step_unit = if *percent { Unit::Percent } else { unit };
            dated_steps(&mut s, min.as_ref(), max.as_ref(), step_unit, lang);
            if measure.def().whole {
                line(
                    &mut s,
                    if zh {
                        "人数等整数按有利于达标的方向取整(如下限 23.4 人即 24 人)".into()
                    } else {
                        "whole counts round soundly (a minimum of 23.4 workers means 24)".into()
                    },
                );
            }
        }
        Shape::Count {
            measure,
            base,
            min,
            max,
        } => {
            let parts: Vec<String> = min
                .iter()
                .chain(max.iter())
                .map(|b| bound_text(b, base.def().unit, lang, None))
                .collect();
            line(
                &mut s,
                if zh {
                    format!(
                        "要求: 每个{}对应{} {},即 {} ÷ 规模",
                        field_label(*measure, lang),
                        field_label(*base, lang),
                        parts.join(" 且 "),
                        field_label(*base, lang)
                    )
                } else {
                    format!(
                        "requires: one {} per {} {}, i.e. {} ÷ size, rounded to whole units",
                        field_label(*measure, lang),
                        field_label(*base, lang),
                        parts.join(" and "),
                        field_label(*base, lang)
                    )
                },
            );
        }
        Shape::Preferred { options } => {
            let o: Vec<String> = options
                .iter()
                .map(|(f, v)| {
                    format!(
                        "{} {}",
                        field_label(*f, lang),
                        num_unit(*v, f.def().unit, lang)
                    )
                })
                .collect();
            line(
                &mut s,
                format!(
                    "{}: {}",
                    if zh { "宜为" } else { "preferred" },
                    o.join(if zh { " 或 " } else { " or " })
                ),
            );
        }
        Shape::Tier {
            by,
            measure,
            tiers,
            overlap,
        } => {
            line(
                &mut s,
                format!(
                    "{} {} → {}:",
                    if zh { "按" } else { "by" },
                    field_label(*by, lang),
                    field_label(*measure, lang)
                ),
            );
            for (i, t) in tiers.iter().enumerate() {
                let cond = match &t.is {
                    Some(v) => v
                        .iter()
                        .map(|c| category_label(*by, *c, lang))
                        .collect::<Vec<_>>()
                        .join("/"),
                    None => t
                        .min
                        .iter()
                        .chain(t.max.iter())
                        .map(|b| bound_text(b, by.def().unit, lang, None))
                        .collect::<Vec<_>>()
                        .join(" & "),
                };
                let req = match t.require.equal {
                    Some(e) => format!("= {}", num_unit(e, measure.def().unit, lang)),
                    None => t
                        .require
                        .min
                        .iter()
                        .chain(t.require.max.iter())
                        .map(|b| bound_text(b, measure.def().unit, lang, None))
                        .collect::<Vec<_>>()
                        .join(" & "),
                };
                line(&mut s, format!("  {}. {cond} → {req}", i + 1));
            }
            line(
                &mut s,
                format!(
                    "{}: {}",
                    if zh {
                        "重叠边界的读法"
                    } else {
                        "overlapping boundaries"
                    },
                    overlap.name()
                ),
            );
        }
        Shape::Decision { measure, cases } => {
            for (i, c) in cases.iter().enumerate() {
                let conds: Vec<String> = c
                    .when
                    .iter()
                    .map(|cd| match cd {
                        Cond::Range { field, min, max } => format!(
                            "{} {}",
                            field_label(*field, lang),
                            min.iter()
                                .chain(max.iter())
                                .map(|b| bound_text(b, field.def().unit, lang, None))
                                .collect::<Vec<_>>()
                                .join(" & ")
                        ),
                        Cond::Flag { field, value } => {
                            format!("{} = {value}", field_label(*field, lang))
                        }
                        Cond::OneOf { field, values } => format!(
                            "{} ∈ {}",
                            field_label(*field, lang),
                            values
                                .iter()
                                .map(|v| category_label(*field, *v, lang))
                                .collect::<Vec<_>>()
                                .join("/")
                        ),
                    })
                    .collect();
                let outs: Vec<String> = c
                    .outcomes
                    .iter()
                    .map(|o| category_label(*measure, *o, lang))
                    .collect();
                line(
                    &mut s,
                    format!(
                        "  {}. {} → {}",
                        i + 1,
                        conds.join(if zh { " 且 " } else { " and " }),
                        outs.join(if zh { "或" } else { " or " })
                    ),
                );
            }
        }
        Shape::Money(m) => {
            for c in &m.components {
                let name = if zh {
                    c.name.clone()
                } else {
                    c.name_en.clone().unwrap_or_else(|| c.name.clone())
                };
                let how = match (c.amount, c.rate) {
                    (Some(a), _) => {
                        if zh {
                            format!("{}元/{}", a.to_decimal(2), period_zh(&m.period))
                        } else {
                            format!("{} yuan per {}", a.to_decimal(2), m.period)
                        }
                    }
                    (None, Some((rate, per, base))) => {
                        if zh {
                            format!(
                                "每{}{}元",
                                num_unit(per, base.def().unit, lang),
                                rate.to_decimal(2)
                            )
                        } else {
                            format!(
                                "{} yuan per {} ({})",
                                rate.to_decimal(2),
                                num_unit(per, base.def().unit, lang),
                                base.name()
                            )
                        }
                    }
                    _ => String::new(),
                };
                line(&mut s, format!("  + {name}: {how}"));
            }
            let payers: Vec<String> = m
                .payers
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        if zh {
                            p.name.clone()
                        } else {
                            p.name_en.clone().unwrap_or_else(|| p.name.clone())
                        },
                        p.share
                    )
                })
                .collect();
            line(
                &mut s,
                format!(
                    "{}: {} ({}: {})",
                    if zh { "分担" } else { "split" },
                    payers.join(" : "),
                    if zh { "尾差" } else { "remainder" },
                    serde_json::to_string(&m.remainder)
                        .unwrap_or_default()
                        .trim_matches('"')
                ),
            );
            if let Some(e) = m.excess_payer.and_then(|i| m.payers.get(i)) {
                line(
                    &mut s,
                    format!(
                        "{}: {}",
                        if zh {
                            "超出标准部分由"
                        } else {
                            "any excess above the standard is borne by"
                        },
                        if zh {
                            e.name.clone()
                        } else {
                            e.name_en.clone().unwrap_or_else(|| e.name.clone())
                        }
                    ),
                );
            }
        }
        Shape::Tally { group_by, min, max } => {
            let parts: Vec<String> = min
                .iter()
                .chain(max.iter())
                .map(|b| bound_text(b, Unit::Count, lang, None))
                .collect();
            line(
                &mut s,
                format!(
                    "{}{}: {}",
                    if zh {
                        "满足适用条件的社区个数"
                    } else {
                        "number of communities meeting `when`"
                    },
                    group_by
                        .map(|g| if zh {
                            format!("(按{}分组)", field_label(g, lang))
                        } else {
                            format!(" (per {})", field_label(g, lang))
                        })
                        .unwrap_or_default(),
                    parts.join(" & ")
                ),
            );
            dated_steps(&mut s, min.as_ref(), max.as_ref(), Unit::Count, lang);
        }
        Shape::Share {
            of,
            group_by,
            min,
            max,
        } => {
            let parts: Vec<String> = min
                .iter()
                .chain(max.iter())
                .map(|b| bound_text(b, Unit::Percent, lang, None))
                .collect();
            let what = match of {
                ShareOf::Rule(id) => format!("`{id}`"),
                ShareOf::Flag(f) => format!("{} ({})", field_label(*f, lang), f.name()),
            };
            line(
                &mut s,
                format!(
                    "{} {what} {}{} {}",
                    if zh {
                        "符合"
                    } else {
                        "share of communities meeting"
                    },
                    if zh { "的社区比例" } else { "" },
                    group_by
                        .map(|g| if zh {
                            format!("(按{}分组)", field_label(g, lang))
                        } else {
                            format!(" (per {})", field_label(g, lang))
                        })
                        .unwrap_or_default(),
                    parts.join(" & ")
                ),
            );
            dated_steps(&mut s, min.as_ref(), max.as_ref(), Unit::Percent, lang);
        }
    }
    if !r.when.is_empty() {
        let conds: Vec<String> = r
            .when
            .iter()
            .map(|cd| match cd {
                Cond::Range { field, min, max } => format!(
                    "{} {}",
                    field_label(*field, lang),
                    min.iter()
                        .chain(max.iter())
                        .map(|b| bound_text(b, field.def().unit, lang, None))
                        .collect::<Vec<_>>()
                        .join(" & ")
                ),
                Cond::Flag { field, value } => format!(
                    "{} = {}",
                    field_label(*field, lang),
                    if *value {
                        if zh {
                            "是"
                        } else {
                            "yes"
                        }
                    } else if zh {
                        "否"
                    } else {
                        "no"
                    }
                ),
                Cond::OneOf { field, values } => format!(
                    "{} ∈ {}",
                    field_label(*field, lang),
                    values
                        .iter()
                        .map(|v| category_label(*field, *v, lang))
                        .collect::<Vec<_>>()
                        .join("/")
                ),
            })
            .collect();
        line(
            &mut s,
            format!(
                "{}: {}",
                if zh { "适用于" } else { "applies when" },
                conds.join(if zh { " 且 " } else { " and " })
            ),
        );
    }
    if let Some(rd) = r.reading_in(lang) {
        line(
            &mut s,
            format!("{}: {rd}", if zh { "解读" } else { "reading" }),
        );
    }
    let _ = writeln!(
        s,
        "  {}: 「{}」",
        if zh { "原文" } else { "quote" },
        r.quote
    );
    let _ = writeln!(
        s,
        "  {}: {} ({}), {}",
        if zh { "出处" } else { "source" },
        p.meta.title,
        p.meta.issuer,
        p.meta.published
    );
    s
}

/// A short description of a required value used in tables.
pub fn required_short(plan: &Plan, f: &Finding, lang: Lang) -> String {
    let _ = Required::clone;
    requirement_text(plan, f, lang)
}

/// What a target asks to be explained, in words: `POLICY` (every rule and the clauses
/// accounted for without one), `POLICY/RULE`, `POLICY/CLAUSE` (every rule encoding the
/// clause) or a bare clause ID such as `Y-10` (looked up in every policy given). `Err`
/// says what exists when nothing matches.
pub fn explain_target(policies: &[Policy], target: &str, lang: Lang) -> Result<String, String> {
    let mut s = String::new();
    let rules_of = |p: &Policy, clause: &str, s: &mut String| {
        for rule in p.rules.iter().filter(|x| x.clause == clause) {
            s.push_str(&explain_rule(p, rule, lang));
            s.push('\n');
        }
    };
    match target.split_once('/') {
        Some((pid, r)) => {
            let p = policies
                .iter()
                .find(|p| p.meta.id.0 == pid)
                .ok_or_else(|| format!("no policy has the id `{pid}`"))?;
            if let Some(rule) = p.rule(r) {
                s.push_str(&explain_rule(p, rule, lang));
            } else if p.rules.iter().any(|x| x.clause == r) {
                rules_of(p, r, &mut s);
            } else {
                let ids: Vec<&str> = p.rules.iter().map(|x| x.id.0.as_str()).collect();
                return Err(format!(
                    "`{pid}` has no rule or clause `{r}`; its rules: {}",
                    ids.join(", ")
                ));
            }
        }
        None => {
            if let Some(p) = policies.iter().find(|p| p.meta.id.0 == target) {
                let _ = writeln!(
                    s,
                    "{} · {} · {} · {}\n",
                    p.meta.id, p.meta.title, p.meta.issuer, p.meta.published
                );
                for rule in &p.rules {
                    s.push_str(&explain_rule(p, rule, lang));
                    s.push('\n');
                }
                for nc in &p.not_checkable {
                    let _ = writeln!(
                        s,
                        "{}  ({}) {}\n  「{}」\n",
                        nc.clause, nc.reason, nc.note, nc.quote
                    );
                }
            } else {
                for p in policies {
                    rules_of(p, target, &mut s);
                    for nc in p.not_checkable.iter().filter(|n| n.clause == target) {
                        let _ = writeln!(
                            s,
                            "{} · {}  ({}) {}\n  「{}」\n",
                            p.meta.id, nc.clause, nc.reason, nc.note, nc.quote
                        );
                    }
                }
                if s.is_empty() {
                    let ids: Vec<&str> = policies.iter().map(|p| p.meta.id.0.as_str()).collect();
                    return Err(format!(
                        "`{target}` is neither a policy nor a clause ID of one; policies: {}",
                        ids.join(", ")
                    ));
                }
            }
        }
    }
    Ok(s)
}
