//! The policy file as written: serde types that mirror the TOML document, strict about
//! unknown keys, with source spans for diagnostics. [`crate::compile`] turns these into
//! the checked model in [`crate::model`]; every problem found on the way is a diagnostic
//! with a file, line and column.

use serde::Deserialize;
use toml::Spanned;

/// A number as written in a policy file: an integer, a decimal, or a string such as
/// `"60%"`, `"3‰"` or `"2/3"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawNum {
    /// `1500`
    Int(i64),
    /// `0.6`
    Float(f64),
    /// `"60%"`, `"3‰"`, `"2/3"`
    Text(String),
}

/// A date as written: a TOML date (`2023-12-13`) or a string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawDate {
    /// A TOML date.
    Toml(toml::value::Datetime),
    /// A `"YYYY-MM-DD"` string.
    Text(String),
}

/// A whole policy file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// Document metadata.
    pub policy: Spanned<RawMeta>,
    /// The rules.
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
    /// Clauses that are accounted for but not checked, with the reason.
    #[serde(default)]
    pub not_checkable: Vec<Spanned<RawNotCheckable>>,
}

/// `[policy]`: what the document is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: Spanned<String>,
    pub title: String,
    pub title_en: Option<String>,
    pub issuer: String,
    pub issuer_en: Option<String>,
    pub document_number: Option<String>,
    pub published: Spanned<RawDate>,
    pub in_force_from: Option<Spanned<RawDate>>,
    pub in_force_until: Option<Spanned<RawDate>>,
    pub status: Spanned<String>,
    pub jurisdiction: String,
    pub source: Spanned<String>,
    pub source_lines: Option<String>,
    pub source_note: Option<String>,
    pub boundary_reading: Option<Spanned<String>>,
    /// Why the boundary reading was chosen, in Chinese.
    pub reading_note: Option<Spanned<String>>,
    /// The same in English.
    pub reading_note_en: Option<String>,
    pub overlap: Option<Spanned<String>>,
    pub applies_to: Option<Spanned<Vec<String>>>,
    /// Ids of the policies this one builds on (the national layer).
    pub builds_on: Option<Spanned<Vec<String>>>,
    pub notes: Option<String>,
}

/// A bound: a number and the source word that bounds it (以上, 不少于, 超过, 至 …).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBound {
    /// The number; for dated rules it comes from `steps` instead.
    pub value: Option<Spanned<RawNum>>,
    /// The source word.
    pub word: Spanned<String>,
    /// Overrides the lexicon's reading of the word; give `reading` to say why.
    pub inclusive: Option<bool>,
    /// Why the word is read the way it is, when it is not the default (in Chinese).
    pub reading: Option<String>,
    /// The same in English.
    pub reading_en: Option<String>,
}

/// `[[rule]]`: one checkable statement. Which keys are allowed depends on `kind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub clause: Spanned<String>,
    pub location: String,
    pub kind: Spanned<String>,
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub subject: Option<Spanned<String>>,
    pub strength: Spanned<String>,
    pub word: Spanned<String>,
    pub quote: Spanned<String>,
    /// How the text is read, in Chinese.
    pub reading: Option<String>,
    /// The same in English.
    pub reading_en: Option<String>,
    pub when: Option<Spanned<toml::Table>>,
    /// `policy/rule` references to rules of a `builds_on` policy that this rule replaces.
    pub overrides: Option<Spanned<Vec<String>>>,
    pub measure: Option<Spanned<String>>,
    pub unit: Option<Spanned<String>>,
    pub aggregate: Option<Spanned<String>>,
    pub min: Option<Spanned<RawBound>>,
    pub max: Option<Spanned<RawBound>>,
    pub base: Option<Spanned<String>>,
    pub per: Option<Spanned<RawNum>>,
    pub remedy: Option<Spanned<String>>,
    pub options: Option<Vec<Spanned<RawOption>>>,
    pub by: Option<Spanned<String>>,
    pub tiers: Option<Vec<Spanned<RawTier>>>,
    pub overlap: Option<Spanned<String>>,
    pub cases: Option<Vec<Spanned<RawCase>>>,
    pub steps: Option<Vec<Spanned<RawStep>>>,
    pub growth: Option<Spanned<RawGrowth>>,
    pub components: Option<Vec<Spanned<RawComponent>>>,
    pub payers: Option<Vec<Spanned<RawPayer>>>,
    pub remainder: Option<Spanned<String>>,
    pub excess_payer: Option<Spanned<String>>,
    pub period: Option<Spanned<String>>,
    pub of_rule: Option<Spanned<String>>,
    pub of_field: Option<Spanned<String>>,
    /// Roster rules: which records they count (`community` by default, or `town`).
    pub over: Option<Spanned<String>>,
    pub group_by: Option<Spanned<String>>,
}

/// One preferred value (`kind = "preferred"`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub measure: Spanned<String>,
    pub value: Spanned<RawNum>,
}

/// One row of a tier table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    /// Lower bound of the tier on `by`.
    pub min: Option<Spanned<RawBound>>,
    /// Upper bound of the tier on `by`.
    pub max: Option<Spanned<RawBound>>,
    /// For a category `by`: the values this tier covers.
    pub is: Option<Vec<String>>,
    /// What the tier requires of `measure`.
    pub require: Spanned<RawRequire>,
    /// The tier's own words, when the rule's quote holds several tiers.
    pub quote: Option<Spanned<String>>,
}

/// A tier's requirement: a range, a floor, a cap or one value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequire {
    pub min: Option<Spanned<RawBound>>,
    pub max: Option<Spanned<RawBound>>,
    pub equal: Option<Spanned<RawNum>>,
}

/// One case of a decision table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    /// Conditions on fields, all of which must hold.
    pub when: Spanned<toml::Table>,
    /// The decided outcome (a value of the rule's `measure` category), or a list of
    /// outcomes any of which the case allows.
    pub outcome: Spanned<RawOutcome>,
    /// The case's own words.
    pub quote: Option<Spanned<String>>,
}

/// One outcome or several allowed ones.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawOutcome {
    /// `"residents_committee"`
    One(String),
    /// `["branch", "general_branch"]`
    Many(Vec<String>),
}

/// One dated value of a schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    /// A whole calendar year (shorthand for `from` 1 January, `until` 31 December).
    pub year: Option<i32>,
    pub from: Option<Spanned<RawDate>>,
    pub until: Option<Spanned<RawDate>>,
    pub value: Spanned<RawNum>,
    pub quote: Option<Spanned<String>>,
}

/// Growth by stages: from `from_year`, every `every_years` years the value is multiplied by
/// `factor`, starting from `base`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGrowth {
    pub from_year: i32,
    pub every_years: u32,
    pub factor: Spanned<RawNum>,
    pub base: Spanned<RawNum>,
}

/// One part of a money obligation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    pub id: Spanned<String>,
    pub name: String,
    pub name_en: Option<String>,
    /// Yuan per subject per period.
    pub amount: Option<Spanned<RawNum>>,
    /// Yuan per `per` units of `base`.
    pub rate: Option<Spanned<RawNum>>,
    pub per: Option<Spanned<RawNum>>,
    pub base: Option<Spanned<String>>,
    /// A field holding what is actually paid, so that an excess can be placed.
    pub paid: Option<Spanned<String>>,
    pub quote: Option<Spanned<String>>,
}

/// One payer of a money obligation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayer {
    pub id: Spanned<String>,
    pub name: String,
    pub name_en: Option<String>,
    pub share: Spanned<u64>,
}

/// `[[not_checkable]]`: a clause accounted for without a rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotCheckable {
    pub clause: Spanned<String>,
    pub location: String,
    pub reason: Spanned<String>,
    pub note: String,
    pub quote: Spanned<String>,
}
