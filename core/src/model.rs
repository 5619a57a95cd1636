//! The checked policy model: what [`crate::compile`] produces from a policy file and what
//! the evaluator and the linter reason about. Each recurring shape of a rule is its own
//! variant of [`Shape`].

use std::fmt;
use std::ops::{Add, Mul, Sub};

use serde::Serialize;

use crate::date::Date;
use crate::field::{FieldId, Subject, Unit};
use crate::lang::Lang;
use crate::money::Remainder;
use crate::num::Num;
use crate::words::{Reading, Side, Strength};

/// A policy's id, e.g. `xian-2023`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyId(pub String);

impl fmt::Display for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for PolicyId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if is_valid_id(s) {
            Ok(PolicyId(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not a valid id: use lowercase letters, digits and `-`"
            ))
        }
    }
}

/// A rule's id within its policy, e.g. `committee-size`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RuleId(pub String);

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Ids are lowercase ASCII letters, digits and single dashes.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// A place in a policy file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// Whether a document is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DocStatus {
    /// 征求意见稿: not in force; evaluated only when asked for.
    Draft,
    /// In force from its date.
    InForce,
    /// Superseded or repealed.
    Repealed,
    /// Its period has ended.
    Expired,
}

impl DocStatus {
    /// Policy-file spelling.
    pub fn name(self) -> &'static str {
        match self {
            DocStatus::Draft => "draft",
            DocStatus::InForce => "in_force",
            DocStatus::Repealed => "repealed",
            DocStatus::Expired => "expired",
        }
    }

    /// Parses the policy-file spelling.
    pub fn parse(s: &str) -> Option<DocStatus> {
        Some(match s {
            "draft" => DocStatus::Draft,
            "in_force" => DocStatus::InForce,
            "repealed" => DocStatus::Repealed,
            "expired" => DocStatus::Expired,
            _ => return None,
        })
    }
}

/// How a tier table resolves a value that falls in two tiers at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Overlap {
    /// Check every matching tier: pass only if all pass, `ambiguous` if some do.
    Report,
    /// Apply the higher tier (the document or its issuer says so).
    Upper,
    /// Apply the lower tier.
    Lower,
}

impl Overlap {
    /// Policy-file spelling.
    pub fn name(self) -> &'static str {
        match self {
            Overlap::Report => "report",
            Overlap::Upper => "upper",
            Overlap::Lower => "lower",
        }
    }

    /// Parses the policy-file spelling.
    pub fn parse(s: &str) -> Option<Overlap> {
        Some(match s {
            "report" => Overlap::Report,
            "upper" => Overlap::Upper,
            "lower" => Overlap::Lower,
            _ => return None,
        })
    }
}

/// Document metadata.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    pub id: PolicyId,
    pub title: String,
    pub title_en: Option<String>,
    pub issuer: String,
    pub issuer_en: Option<String>,
    pub document_number: Option<String>,
    pub published: Date,
    pub in_force_from: Option<Date>,
    pub in_force_until: Option<Date>,
    pub status: DocStatus,
    pub jurisdiction: String,
    pub source: String,
    pub source_lines: Option<String>,
    pub source_note: Option<String>,
    pub boundary_reading: Reading,
    /// Why the boundary reading was chosen, in Chinese (see [`Meta::reading_note_in`]).
    pub reading_note: Option<String>,
    /// The same in English.
    pub reading_note_en: Option<String>,
    /// Where `reading_note` is written (for the linter).
    #[serde(skip)]
    pub reading_note_pos: Pos,
    pub overlap: Overlap,
    /// Community kinds (indices into the `kind` field's values) the document governs;
    /// `None` means every kind.
    #[serde(skip)]
    pub applies_to: Option<Vec<u8>>,
    /// The policies this one builds on.
    pub builds_on: Vec<PolicyId>,
    /// Where `builds_on` is written (for messages about a layer that cannot be found).
    #[serde(skip)]
    pub builds_on_pos: Pos,
    pub notes: Option<String>,
}

/// A text given in Chinese, in English or in both, in the language asked for: the other
/// language's text when that one is missing (a reading is better shown in the other
/// language than not at all).
pub fn text_in<'a>(lang: Lang, zh: Option<&'a str>, en: Option<&'a str>) -> Option<&'a str> {
    match lang {
        Lang::Zh => zh.or(en),
        Lang::En => en.or(zh),
    }
}

impl Meta {
    /// Why the boundary reading was chosen, in a language (the other language's note
    /// when this one has none).
    pub fn reading_note_in(&self, lang: Lang) -> Option<&str> {
        text_in(
            lang,
            self.reading_note.as_deref(),
            self.reading_note_en.as_deref(),
        )
    }

    /// Whether the document is in force on a date (drafts never are).
    pub fn in_force_on(&self, d: Date) -> bool {
        if matches!(self.status, DocStatus::Draft) {
            return false;
        }
        let start = self.in_force_from.unwrap_or(self.published);
        d >= start && self.in_force_until.is_none_or(|u| d <= u)
    }
}

/// Where a number comes from: written once, or dated.
#[derive(Clone, Debug)]
pub enum Value {
    /// One number.
    Fixed(Num),
    /// A number that changes with the date.
    Dated(Box<Schedule>),
}

/// Dated values: explicit steps, then optional growth by stages.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub steps: Vec<Step>,
    pub growth: Option<Growth>,
}

/// One dated value.
#[derive(Clone, Debug)]
pub struct Step {
    pub from: Date,
    pub until: Option<Date>,
    pub value: Num,
    pub quote: Option<String>,
}

/// Growth by stages of whole years.
#[derive(Clone, Debug)]
pub struct Growth {
    pub from_year: i32,
    pub every_years: u32,
    pub factor: Num,
    pub base: Num,
}

impl Schedule {
    /// The value in force on a date, if any, with which step or stage gave it.
    pub fn at(&self, d: Date) -> Option<(Num, DatedBy)> {
        // explicit steps win over growth; the latest starting step that covers the date
        let mut best: Option<&Step> = None;
        for s in &self.steps {
            if d >= s.from
                && s.until.is_none_or(|u| d <= u)
                && best.is_none_or(|b| s.from >= b.from)
            {
                best = Some(s);
            }
        }
        if let Some(s) = best {
            return Some((
                s.value,
                DatedBy::Step {
                    from: s.from,
                    until: s.until,
                },
            ));
        }
        let g = self.growth.as_ref()?;
        if d.year < g.from_year || g.every_years == 0 {
            return None;
        }
        let stage = (d.year - g.from_year) as u32 / g.every_years;
        let start = g.from_year + (stage * g.every_years) as i32;
        let end = start + g.every_years as i32 - 1;
        Some((
            g.base.mul(g.factor.pow(stage)),
            DatedBy::Stage {
                number: stage + 1,
                first_year: start,
                last_year: end,
            },
        ))
    }
}

/// Which part of a schedule gave a dated value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DatedBy {
    /// An explicit step.
    Step { from: Date, until: Option<Date> },
    /// A growth stage (1-based) covering whole years.
    Stage {
        number: u32,
        first_year: i32,
        last_year: i32,
    },
}

/// A bound on a number, with the word that set it.
#[derive(Clone, Debug)]
pub struct Bound {
    pub value: Value,
    pub word: String,
    pub side: Side,
    pub inclusive: bool,
    /// Why the word is read this way, when not by the lexicon (in Chinese).
    pub reading: Option<String>,
    /// The same in English.
    pub reading_en: Option<String>,
    pub pos: Pos,
}

impl Bound {
    /// Why the word is read this way, in a language (the other language's reading when
    /// this one has none).
    pub fn reading_in(&self, lang: Lang) -> Option<&str> {
        text_in(lang, self.reading.as_deref(), self.reading_en.as_deref())
    }

    /// The bound's number on a date.
    pub fn value_at(&self, d: Date) -> Option<Num> {
        match &self.value {
            Value::Fixed(n) => Some(*n),
            Value::Dated(s) => s.at(d).map(|(n, _)| n),
        }
    }
}

/// A resolved bound: a number, which side, whether it is included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub value: Num,
    pub inclusive: bool,
}

impl Limit {
    /// Whether `x` is on the allowed side of this lower limit.
    pub fn admits_from_below(self, x: Num) -> bool {
        if self.inclusive {
            x >= self.value
        } else {
            x > self.value
        }
    }

    /// Whether `x` is on the allowed side of this upper limit.
    pub fn admits_from_above(self, x: Num) -> bool {
        if self.inclusive {
            x <= self.value
        } else {
            x < self.value
        }
    }
}

/// An interval requirement: what a measure must lie in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Interval {
    pub min: Option<Limit>,
    pub max: Option<Limit>,
}

impl Interval {
    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: Num) -> bool {
        self.min.is_none_or(|l| l.admits_from_below(x))
            && self.max.is_none_or(|l| l.admits_from_above(x))
    }

    /// The intersection of two intervals.
    pub fn intersect(&self, o: &Interval) -> Interval {
        let min = match (self.min, o.min) {
            (Some(a), Some(b)) => Some(match a.value.cmp(&b.value) {
                std::cmp::Ordering::Greater => a,
                std::cmp::Ordering::Less => b,
                std::cmp::Ordering::Equal => Limit {
                    value: a.value,
                    inclusive: a.inclusive && b.inclusive,
                },
            }),
            (a, b) => a.or(b),
        };
        let max = match (self.max, o.max) {
            (Some(a), Some(b)) => Some(match a.value.cmp(&b.value) {
                std::cmp::Ordering::Less => a,
                std::cmp::Ordering::Greater => b,
                std::cmp::Ordering::Equal => Limit {
                    value: a.value,
                    inclusive: a.inclusive && b.inclusive,
                },
            }),
            (a, b) => a.or(b),
        };
        Interval { min, max }
    }

    /// Whether no number lies in the interval.
    pub fn is_empty(&self) -> bool {
        match (self.min, self.max) {
            (Some(a), Some(b)) => {
                a.value > b.value || (a.value == b.value && !(a.inclusive && b.inclusive))
            }
            _ => false,
        }
    }

    /// Whether no whole number lies in the interval.
    pub fn has_no_whole(&self) -> bool {
        if self.is_empty() {
            return true;
        }
        let lo = self.min.map(|l| {
            if l.inclusive {
                l.value.ceil()
            } else {
                l.value.floor().add(Num::ONE)
            }
        });
        let hi = self.max.map(|l| {
            if l.inclusive {
                l.value.floor()
            } else {
                l.value.ceil().sub(Num::ONE)
            }
        });
        matches!((lo, hi), (Some(a), Some(b)) if a > b)
    }

    /// The same interval tightened to whole numbers (for whole measures).
    pub fn to_whole(&self) -> Interval {
        Interval {
            min: self.min.map(|l| Limit {
                value: if l.inclusive {
                    l.value.ceil()
                } else {
                    l.value.floor().add(Num::ONE)
                },
                inclusive: true,
            }),
            max: self.max.map(|l| Limit {
                value: if l.inclusive {
                    l.value.floor()
                } else {
                    l.value.ceil().sub(Num::ONE)
                },
                inclusive: true,
            }),
        }
    }
}

/// A condition on a record that decides whether a rule applies, or which case of a
/// decision table holds.
#[derive(Clone, Debug)]
pub enum Cond {
    /// A number within bounds.
    Range {
        field: FieldId,
        min: Option<Bound>,
        max: Option<Bound>,
    },
    /// A yes/no field with a value.
    Flag { field: FieldId, value: bool },
    /// A category among values.
    OneOf { field: FieldId, values: Vec<u8> },
}

impl Cond {
    /// The field the condition reads.
    pub fn field(&self) -> FieldId {
        match self {
            Cond::Range { field, .. } | Cond::Flag { field, .. } | Cond::OneOf { field, .. } => {
                *field
            }
        }
    }
}

/// How a failing size rule is best mended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RemedyHint {
    /// Change the measure itself (add workers, add space).
    Adjust,
    /// Too large: split; too small: merge.
    SplitMerge,
}

/// How a roster rule combines its communities' values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Sum over communities.
    Sum,
    /// Mean over communities that have the value.
    Mean,
}

/// One row of a tier table.
#[derive(Clone, Debug)]
pub struct Tier {
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    pub is: Option<Vec<u8>>,
    pub require: Requirement,
    pub quote: Option<String>,
    pub pos: Pos,
}

/// A tier's requirement.
#[derive(Clone, Debug)]
pub struct Requirement {
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    pub equal: Option<Num>,
}

impl Requirement {
    /// The requirement as an interval on a date.
    pub fn interval(&self, d: Date) -> Option<Interval> {
        if let Some(e) = self.equal {
            let l = Limit {
                value: e,
                inclusive: true,
            };
            return Some(Interval {
                min: Some(l),
                max: Some(l),
            });
        }
        Some(Interval {
            min: match &self.min {
                Some(b) => Some(Limit {
                    value: b.value_at(d)?,
                    inclusive: b.inclusive,
                }),
                None => None,
            },
            max: match &self.max {
                Some(b) => Some(Limit {
                    value: b.value_at(d)?,
                    inclusive: b.inclusive,
                }),
                None => None,
            },
        })
    }
}

/// One case of a decision table.
#[derive(Clone, Debug)]
pub struct Case {
    pub when: Vec<Cond>,
    /// The outcomes the case allows (usually one).
    pub outcomes: Vec<u8>,
    pub quote: Option<String>,
    pub pos: Pos,
}

/// One part of a money obligation.
#[derive(Clone, Debug)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Fixed yuan per subject per period.
    pub amount: Option<Num>,
    /// Yuan per `per` units of `base`.
    pub rate: Option<(Num, Num, FieldId)>,
    pub paid: Option<FieldId>,
    pub quote: Option<String>,
}

/// One payer.
#[derive(Clone, Debug, Serialize)]
pub struct Payer {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub share: u64,
}

/// A money obligation: components summed, then split between payers.
#[derive(Clone, Debug)]
pub struct Money {
    pub components: Vec<Component>,
    pub payers: Vec<Payer>,
    pub remainder: Remainder,
    /// The payer who bears any amount paid above the standard.
    pub excess_payer: Option<usize>,
    pub period: String,
}

/// The recurring shapes of a rule.
#[derive(Clone, Debug)]
pub enum Shape {
    /// A measure within bounds (`range`, `minimum`, `maximum`, `schedule`).
    Range {
        measure: FieldId,
        min: Option<Bound>,
        max: Option<Bound>,
        remedy: RemedyHint,
        aggregate: Aggregate,
    },
    /// A measure bounded by a multiple of another (`rate`: 30 m² per 100 households;
    /// `ratio`: ≥ 60 % of the facility).
    Proportional {
        measure: FieldId,
        base: FieldId,
        per: Num,
        min: Option<Bound>,
        max: Option<Bound>,
        percent: bool,
        aggregate: Aggregate,
    },
    /// A count derived from a size per unit (`count`: one group per 100–200 households).
    Count {
        measure: FieldId,
        base: FieldId,
        min: Option<Bound>,
        max: Option<Bound>,
    },
    /// Preferred values (`以3500户或10000人为宜`): met when any option holds.
    Preferred { options: Vec<(FieldId, Num)> },
    /// A table choosing a requirement by a measure.
    Tier {
        by: FieldId,
        measure: FieldId,
        tiers: Vec<Tier>,
        overlap: Overlap,
    },
    /// A decision table choosing an outcome.
    Decision { measure: FieldId, cases: Vec<Case> },
    /// Money owed, split between payers.
    Money(Box<Money>),
    /// The share of communities that pass another rule, or whose yes/no field is yes
    /// (roster).
    Share {
        of: ShareOf,
        group_by: Option<FieldId>,
        min: Option<Bound>,
        max: Option<Bound>,
    },
    /// The number of communities that meet the rule's `when` (roster), e.g. how many are
    /// over-size.
    Tally {
        group_by: Option<FieldId>,
        min: Option<Bound>,
        max: Option<Bound>,
    },
}

/// What a `share` rule counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareOf {
    /// Communities passing another rule of the same policy.
    Rule(RuleId),
    /// Communities whose yes/no field is yes.
    Flag(FieldId),
}

impl Shape {
    /// The policy-file `kind` family name.
    pub fn family(&self) -> &'static str {
        match self {
            Shape::Range { .. } => "range",
            Shape::Proportional { percent: false, .. } => "rate",
            Shape::Proportional { percent: true, .. } => "ratio",
            Shape::Count { .. } => "count",
            Shape::Preferred { .. } => "preferred",
            Shape::Tier { .. } => "tier",
            Shape::Decision { .. } => "decision",
            Shape::Money(_) => "money",
            Shape::Share { .. } => "share",
            Shape::Tally { .. } => "tally",
        }
    }

    /// The field the rule judges, if one.
    pub fn measure(&self) -> Option<FieldId> {
        match self {
            Shape::Range { measure, .. }
            | Shape::Proportional { measure, .. }
            | Shape::Count { measure, .. }
            | Shape::Tier { measure, .. }
            | Shape::Decision { measure, .. } => Some(*measure),
            Shape::Preferred { options } => options.first().map(|o| o.0),
            Shape::Money(_) | Shape::Share { .. } | Shape::Tally { .. } => None,
        }
    }
}

/// A checked rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: RuleId,
    pub clause: String,
    pub location: String,
    pub kind: String,
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub subject: Subject,
    /// Roster rules: the kind of record they count (communities unless `over` says).
    pub over: Subject,
    pub strength: Strength,
    pub word: String,
    pub quote: String,
    /// How the text is read, in Chinese (see [`Rule::reading_in`]).
    pub reading: Option<String>,
    /// The same in English.
    pub reading_en: Option<String>,
    pub when: Vec<Cond>,
    /// Rules of `builds_on` policies this rule replaces (policy id, rule id).
    pub overrides: Vec<(PolicyId, RuleId)>,
    pub unit: Option<Unit>,
    pub shape: Shape,
    pub pos: Pos,
    pub quote_pos: Pos,
}

impl Rule {
    /// How the text is read, in a language: `reading` (Chinese) or `reading_en`, the
    /// other one when the language asked for has none.
    pub fn reading_in(&self, lang: Lang) -> Option<&str> {
        text_in(lang, self.reading.as_deref(), self.reading_en.as_deref())
    }
}

/// A clause accounted for without a rule.
#[derive(Clone, Debug, Serialize)]
pub struct NotCheckable {
    pub clause: String,
    pub location: String,
    pub reason: String,
    pub note: String,
    pub quote: String,
    #[serde(skip)]
    pub pos: Pos,
    #[serde(skip)]
    pub quote_pos: Pos,
}

/// A checked policy document.
#[derive(Clone, Debug)]
pub struct Policy {
    pub meta: Meta,
    pub rules: Vec<Rule>,
    pub not_checkable: Vec<NotCheckable>,
    /// The file it was read from, as given.
    pub file: String,
    /// SHA-256 of the policy file's text.
    pub sha256: String,
    /// SHA-256 of the source text it quotes, when the loader read it.
    pub source_sha256: Option<String>,
}

impl Policy {
    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.0 == id)
    }
}
