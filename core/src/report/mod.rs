//! The report, version 2: one typed definition behind every surface. The JSON document
//! of `shequ check --format json`, its JSON Lines form, the long and wide CSV tables, the
//! text table, the Python tables and the browser's objects are all made from the types
//! here, so they agree field for field.
//!
//! A report is written as a stream: a [`Head`] (the run, its policies and a table of
//! rules, each with its citation stated once), then one [`CommunityOut`] per data row of
//! the input, in order, with its pass-through columns (findings refer to rules by id and
//! list the input fields they depend on), then a [`Tail`] (rows skipped and why, the
//! input's provenance, the roster-level findings, money totals and the summary). Memory
//! stays bounded however long the roster: the roster-level parts are accumulated
//! ([`crate::roster::RosterAcc`], [`Summary`]) as the rows go by.
//!
//! Figures are exact: numbers as [`Num`] (see its JSON form), money in integer fen with
//! the yuan as an exact decimal string.

pub mod csv;
pub mod frames;
pub mod json;
pub mod overview;
pub mod stream;
pub mod table;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::eval::{
    Action, Basis, Finding, Note, Obligation, Options, Plan, Reason, RecordResult, Remedy, RuleRef,
    Status,
};
use crate::field::{self, FieldId, Subject, Unit};
use crate::input::{InputErrorDetail, Row, Skipped};
use crate::lang::{self, Lang};
use crate::model::{DocStatus, Interval, PolicyId, Shape};
use crate::money::{Fen, Remainder};
use crate::num::Num;
use crate::record::JsonVal;
use crate::roster::{MoneyTotal, RosterAcc};
use crate::validate::DataIssue;
use crate::words::{Grade, Strength};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// Version of the report's layout; bumped on any incompatible change.
pub const REPORT_VERSION: u32 = 2;

/// How a report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// The language of every sentence.
    pub lang: Lang,
    /// Whether each finding carries its sentences (`message`, and the `text` of its
    /// reason, requirement and remedy). Leaving them out makes a report several times
    /// faster to write; the codes and figures are the same.
    pub messages: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            lang: Lang::Zh,
            messages: true,
        }
    }
}

/// Which findings a readable report (the table, HTML, the 问题清单 of a workbook) shows
/// in its per-community detail. The summary always counts every finding, and the JSON,
/// JSON Lines and CSV reports always carry every finding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Only {
    /// Every finding.
    #[default]
    All,
    /// Failing findings, and only the communities that have one.
    Failing,
    /// What needs attention: failing, ambiguous and missing-data findings, bad cells
    /// and data issues, and only the communities that have one.
    Problems,
}

impl Only {
    /// Reads `failing` or `problems` (`all` for every finding).
    pub fn parse(s: &str) -> Option<Only> {
        match s.trim().to_lowercase().as_str() {
            "all" | "全部" => Some(Only::All),
            "failing" | "fail" | "failures" | "不符合" => Some(Only::Failing),
            "problems" | "problem" | "issues" | "问题" => Some(Only::Problems),
            _ => None,
        }
    }

    /// Whether a finding is shown. National rules replaced by local ones are never
    /// shown per community (the summary lists them once).
    pub fn keeps(self, f: &Finding) -> bool {
        if matches!(f.reason, Some(crate::eval::Reason::Overridden { .. })) {
            return false;
        }
        match self {
            Only::All => true,
            Only::Failing => f.status == Status::Fail,
            Only::Problems => matches!(
                f.status,
                Status::Fail | Status::Ambiguous | Status::MissingData
            ),
        }
    }

    /// Whether a community is shown at all.
    pub fn keeps_community(self, row: &Row, res: &RecordResult, issues: &[DataIssue]) -> bool {
        match self {
            Only::All => true,
            Only::Failing => res.findings.iter().any(|f| self.keeps(f)),
            Only::Problems => {
                !row.errors.is_empty()
                    || !issues.is_empty()
                    || res.findings.iter().any(|f| self.keeps(f))
            }
        }
    }
}

/// Counts of findings by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub ambiguous: usize,
    pub not_applicable: usize,
    pub missing_data: usize,
}

impl Counts {
    /// Adds one finding's status.
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Ambiguous => self.ambiguous += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::MissingData => self.missing_data += 1,
        }
    }

    /// Counts over findings.
    pub fn of<'a>(it: impl Iterator<Item = &'a Finding>) -> Counts {
        let mut c = Counts::default();
        for f in it {
            c.add(f.status);
        }
        c
    }

    fn merge(&mut self, o: &Counts) {
        self.pass += o.pass;
        self.fail += o.fail;
        self.ambiguous += o.ambiguous;
        self.not_applicable += o.not_applicable;
        self.missing_data += o.missing_data;
    }

    /// The count of one status.
    pub fn get(&self, s: Status) -> usize {
        match s {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Ambiguous => self.ambiguous,
            Status::NotApplicable => self.not_applicable,
            Status::MissingData => self.missing_data,
        }
    }

    /// All findings counted.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.ambiguous + self.not_applicable + self.missing_data
    }
}

/// An amount of money: integer fen, and yuan as an exact decimal string (`"150000.00"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct FenOut {
    pub fen: i64,
    pub yuan: String,
}

impl From<Fen> for FenOut {
    fn from(f: Fen) -> FenOut {
        FenOut {
            fen: f.0,
            yuan: big_yuan(i128::from(f.0), false),
        }
    }
}

/// A sum of money over a roster: fen as an integer when it fits in 64 bits, else as a
/// string of digits; yuan as an exact decimal string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct BigFenOut {
    pub fen: BigInt,
    pub yuan: String,
}

/// An integer that is a JSON number when it fits in 64 bits, else a string of digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum BigInt {
    Small(i64),
    Large(String),
}

impl From<i128> for BigFenOut {
    fn from(f: i128) -> BigFenOut {
        BigFenOut {
            fen: i64::try_from(f).map_or_else(|_| BigInt::Large(f.to_string()), BigInt::Small),
            yuan: big_yuan(f, false),
        }
    }
}

/// Fen as yuan with two decimals, optionally with thousands separators.
pub fn big_yuan(f: i128, grouped: bool) -> String {
    let neg = f < 0;
    let v = f.unsigned_abs();
    let digits = (v / 100).to_string();
    let mut int = String::new();
    for (i, c) in digits.chars().enumerate() {
        if grouped && i > 0 && (digits.len() - i) % 3 == 0 {
            int.push(',');
        }
        int.push(c);
    }
    format!("{}{int}.{:02}", if neg { "-" } else { "" }, v % 100)
}

/// A document of the plan.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct PolicyOut<'a> {
    pub id: &'a str,
    pub title: &'a str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<&'a str>,
    pub issuer: &'a str,
    pub document_number: Option<&'a str>,
    pub published: Date,
    pub status: DocStatus,
    /// Whether it is in force on the report's date.
    pub in_force: bool,
    pub jurisdiction: &'a str,
    /// The source text it quotes (a path relative to the policy file).
    pub source: &'a str,
    /// The policy file, as named when it was loaded.
    pub file: &'a str,
    /// SHA-256 of the policy file.
    pub sha256: &'a str,
    /// SHA-256 of the source text, when it was read.
    pub source_sha256: Option<&'a str>,
    /// The policies it builds on.
    pub builds_on: &'a [PolicyId],
}

/// Where a rule's words come from.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct CitationOut<'a> {
    pub document: &'a str,
    pub title: &'a str,
    pub issuer: &'a str,
    pub document_number: Option<&'a str>,
    pub published: Date,
    pub location: &'a str,
    pub clause: &'a str,
    /// The sentence, verbatim.
    pub quote: &'a str,
    pub source: &'a str,
}

/// A rule, stated once per report; findings refer to it by `id`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct RuleOut<'a> {
    /// `policy/rule`, e.g. `xian-2023/size-households`.
    pub id: &'a str,
    pub policy: &'a str,
    pub rule: &'a str,
    /// The clause ID of the inventory (`policies/clauses.md`).
    pub clause: &'a str,
    pub title: Option<&'a str>,
    /// The kind as written in the policy file (`range`, `tier`, `money` …).
    pub kind: &'a str,
    /// What it judges: `community`, `new_area`, `meeting`, `town` or `roster`.
    pub subject: Subject,
    pub strength: Strength,
    /// The strength word in the text (`应`, `一般` …), or empty.
    pub word: &'a str,
    /// What a failure of this rule is.
    pub grade: Grade,
    /// The field it judges, if one.
    pub measure: Option<FieldId>,
    pub unit: Option<Unit>,
    /// The input fields it reads: the boxes a form marks for it.
    pub inputs: &'a [FieldId],
    /// How an unclear sentence was read, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<&'a str>,
    /// The national rules (`policy/rule`) this local rule replaces in this plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<&'a str>,
    pub citation: CitationOut<'a>,
}

/// The options of the run.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct RunOut {
    pub allow_not_in_force: bool,
    pub min_strength: Option<Strength>,
    pub messages: bool,
}

/// The start of a report.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Head<'a> {
    /// The version of shequ that wrote it.
    pub shequ: &'static str,
    /// [`REPORT_VERSION`].
    pub report_version: u32,
    /// The date dated values and the force of documents were judged at.
    pub as_of: Date,
    pub lang: Lang,
    pub options: RunOut,
    pub policies: Vec<PolicyOut<'a>>,
    pub rules: Vec<RuleOut<'a>>,
}

/// Why a finding is not applicable or ambiguous: a stable code, its details, and the
/// sentence.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct ReasonOut<'a> {
    /// `draft`, `not_in_force`, `kind_not_covered`, `condition_not_met`,
    /// `no_value_on_date`, `boundary_overlap`, `undecided`, `no_whole_value`,
    /// `no_communities`, `amount_too_large`, `depends_on_ambiguous` or `overridden`.
    pub code: &'static str,
    /// `overridden`: the local rule(s) that replace this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<&'a str>,
    /// `condition_not_met`: the field of the condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldId>,
    /// `kind_not_covered`: the community's kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// `not_in_force`, `no_value_on_date`: the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
}

/// Pairs serialised as a JSON object, in their order (no map is built).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entries<K, V>(pub Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[cfg(feature = "schema")]
impl<K, V: JsonSchema> JsonSchema for Entries<K, V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let v = g.subschema_for::<V>();
        schemars::json_schema!({ "type": "object", "additionalProperties": v })
    }
}

/// An interval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct IntervalOut {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_inclusive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_inclusive: Option<bool>,
}

impl From<&Interval> for IntervalOut {
    fn from(iv: &Interval) -> IntervalOut {
        IntervalOut {
            min: iv.min.map(|l| l.value),
            min_inclusive: iv.min.map(|l| l.inclusive),
            max: iv.max.map(|l| l.value),
            max_inclusive: iv.max.map(|l| l.inclusive),
        }
    }
}

/// One preferred value.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct OptionOut {
    pub field: FieldId,
    pub value: Num,
}

/// What a rule required of this community.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct RequiredOut<'a> {
    /// The interval the measure must lie in (after whole-number rounding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_inclusive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_inclusive: Option<bool>,
    /// The requirement before rounding to whole units, when rounding changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<IntervalOut>,
    /// For decisions: the outcome(s) decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Vec<&'static str>>,
    /// For preferred values: the options.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionOut>,
    /// How the requirement was obtained (absent: written in the rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<&'a Basis>,
}

/// The smallest change that passes.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct RemedyOut {
    pub action: Action,
    /// The field to change: the box to fix.
    pub field: FieldId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Num>,
    pub unit: Unit,
    /// For splits: into between this many parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<[Num; 2]>,
    /// For splits: the size each part must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_size: Option<IntervalOut>,
    /// For decisions: the outcome(s) to choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Vec<&'static str>>,
    /// The bound excludes its number: the remedy is "more than" the amount.
    pub strictly_more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What was found: a number, or a category's id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum Actual {
    Num(Num),
    Category(&'static str),
}

/// One verdict of one rule on one community (or on a roster group).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct FindingOut<'a> {
    /// The rule's id in the report's `rules` table.
    pub rule: &'a str,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonOut<'a>>,
    /// For failures: what the failure is, by the strength of the wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<FieldId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Actual>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<RequiredOut<'a>>,
    /// How far from passing, in the measure's unit (in communities for shares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<RemedyOut>,
    /// For `missing_data`: the fields that would decide it.
    #[serde(default, skip_serializing_if = "<[FieldId]>::is_empty")]
    pub missing: &'a [FieldId],
    /// The input fields the rule reads.
    pub inputs: &'a [FieldId],
    #[serde(default, skip_serializing_if = "<[Note]>::is_empty")]
    pub notes: &'a [Note],
    /// The national rule this local finding replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<&'a str>,
    /// Roster findings: the group judged (a county …); absent for the whole roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<&'a str>,
    /// Roster findings: how many communities were counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One line of an obligation.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct LineOut<'a> {
    pub component: &'a str,
    pub name: &'a str,
    /// The standard amount.
    pub amount: FenOut,
    /// For per-unit components: the base field and its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<FieldId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_value: Option<Num>,
    /// Whether the amount was rounded to the fen.
    pub rounded: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<FenOut>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excess: Option<FenOut>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<FenOut>,
}

/// One payer's share.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct ShareOut<'a> {
    pub payer: &'a str,
    pub name: &'a str,
    /// The payer's weight in the ratio.
    pub share: u64,
    /// The payer's share of the standard total (the shares add up to it).
    pub amount: Option<FenOut>,
    /// Including any amount paid above the standard that the payer bears.
    pub amount_with_excess: Option<FenOut>,
}

/// Money owed under a money rule, with each payer's share.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct ObligationOut<'a> {
    pub rule: &'a str,
    /// `pass`, or `fail` when a component is paid below its standard.
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonOut<'a>>,
    pub period: &'a str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<FenOut>,
    pub lines: Vec<LineOut<'a>>,
    pub shares: Vec<ShareOut<'a>>,
    pub remainder: Remainder,
    #[serde(default, skip_serializing_if = "<[FieldId]>::is_empty")]
    pub missing: &'a [FieldId],
    pub inputs: &'a [FieldId],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<&'a str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A figure that looks wrong in itself.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct IssueOut<'a> {
    pub code: &'static str,
    pub fields: &'a [FieldId],
    pub message: &'a str,
}

/// One data row of the input and what the rules found.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct CommunityOut<'a> {
    /// 1-based number among the data rows.
    pub index: usize,
    /// 1-based line in the input where the row starts.
    pub line: usize,
    pub name: Option<&'a str>,
    pub subject: Subject,
    /// The recognised fields, by field id.
    pub input: Entries<&'static str, JsonVal>,
    /// The pass-through columns, as written.
    pub extra: Entries<&'a str, &'a str>,
    pub summary: Counts,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_issues: Vec<IssueOut<'a>>,
    /// Problems in this row's cells (kept when evaluating with bad rows allowed; the
    /// cells at fault are missing).
    #[serde(default, skip_serializing_if = "<[InputErrorDetail]>::is_empty")]
    pub errors: &'a [InputErrorDetail],
    pub findings: Vec<FindingOut<'a>>,
    pub obligations: Vec<ObligationOut<'a>>,
}

/// A payer's total over the roster.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct TotalShareOut<'a> {
    pub payer: &'a str,
    pub name: &'a str,
    pub amount: BigFenOut,
    pub amount_with_excess: BigFenOut,
}

/// A money rule's total over the roster; communities with data missing are counted
/// apart, never as zero.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct TotalOut<'a> {
    pub rule: &'a str,
    pub communities_counted: usize,
    pub communities_underpaid: usize,
    pub communities_missing_data: usize,
    pub communities_not_applicable: usize,
    pub total: BigFenOut,
    pub shares: Vec<TotalShareOut<'a>>,
}

/// The roster-level results.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct RosterOut<'a> {
    pub findings: Vec<FindingOut<'a>>,
    pub obligations: Vec<TotalOut<'a>>,
}

/// Where the input came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct InputOut {
    /// The file as named (`-` for standard input).
    pub name: String,
    pub format: String,
    /// The text encoding read (detected unless given): `utf-8`, `utf-8-bom`,
    /// `utf-16le`, `utf-16be`, `gb18030`; `null` for a workbook.
    pub encoding: Option<crate::input::TextEncoding>,
    /// For a workbook: the sheet read and every sheet in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<crate::input::SheetRead>,
    /// Values assumed for the rows that lacked them (`--assume`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<crate::input::Assumed>,
    /// SHA-256 of the input's bytes.
    pub sha256: String,
    pub bytes: u64,
    /// Data rows (each is one community in the report).
    pub rows: usize,
    /// Rows that are not data (see `skipped`).
    pub skipped: usize,
    /// Each column and the field it was read as (`null`: passed through).
    pub columns: Vec<ColumnOut>,
}

impl InputOut {
    /// The provenance of an input read through a first pass ([`crate::input::scan`]).
    pub fn of_scan(
        name: &str,
        format: crate::input::Format,
        sha256: String,
        bytes: u64,
        scan: &crate::input::Scan,
    ) -> InputOut {
        InputOut {
            name: name.to_string(),
            format: scan.format.unwrap_or(format).name().into(),
            encoding: scan.encoding,
            sheet: scan.sheet.clone(),
            assumed: scan.assumed.clone(),
            sha256,
            bytes,
            rows: scan.rows,
            skipped: scan.skipped.len(),
            columns: scan
                .columns
                .iter()
                .map(|c| ColumnOut {
                    name: c.name.to_string(),
                    field: c.field,
                })
                .collect(),
        }
    }
}

/// A column of the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct ColumnOut {
    pub name: String,
    pub field: Option<FieldId>,
}

/// The end of a report.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Tail<'a> {
    /// Rows of the input that are not data, with the reason.
    pub skipped: &'a [Skipped],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<&'a InputOut>,
    pub roster: RosterOut<'a>,
    pub summary: SummaryOut<'a>,
}

/// The whole report as one document (for its JSON Schema; reports are written as a
/// stream of a [`Head`], the communities and a [`Tail`]).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Report<'a> {
    #[serde(flatten)]
    pub head: Head<'a>,
    pub communities: Vec<CommunityOut<'a>>,
    #[serde(flatten)]
    pub tail: Tail<'a>,
}

/// The JSON Schema of the report (JSON document form).
#[cfg(feature = "schema")]
pub fn schema() -> String {
    let s = schemars::schema_for!(Report<'static>);
    serde_json::to_string_pretty(&s).unwrap_or_default() + "\n"
}

/// Makes the report's parts from the evaluator's results.
#[derive(Clone, Copy, Debug)]
pub struct Writer<'p> {
    pub plan: &'p Plan,
    pub opts: &'p Options,
    pub style: Style,
}

fn category_id(f: FieldId, i: u8) -> &'static str {
    f.def().values.get(usize::from(i)).map_or("", |v| v.0)
}

impl<'p> Writer<'p> {
    /// A writer for a plan, options and style.
    pub fn new(plan: &'p Plan, opts: &'p Options, style: Style) -> Writer<'p> {
        Writer { plan, opts, style }
    }

    fn text(&self, f: impl FnOnce() -> String) -> Option<String> {
        self.style.messages.then(f)
    }

    /// The start of the report.
    pub fn head(&self) -> Head<'p> {
        let plan = self.plan;
        let policies = plan
            .policies()
            .iter()
            .map(|p| PolicyOut {
                id: &p.meta.id.0,
                title: &p.meta.title,
                title_en: p.meta.title_en.as_deref(),
                issuer: &p.meta.issuer,
                document_number: p.meta.document_number.as_deref(),
                published: p.meta.published,
                status: p.meta.status,
                in_force: p.meta.in_force_on(self.opts.as_of),
                jurisdiction: &p.meta.jurisdiction,
                source: &p.meta.source,
                file: &p.file,
                sha256: &p.sha256,
                source_sha256: p.source_sha256.as_deref(),
                builds_on: &p.meta.builds_on,
            })
            .collect();
        let rules = plan
            .rule_refs()
            .filter_map(|rr| {
                let (p, r) = plan.rule(rr)?;
                if !Plan::keep(r, self.opts) {
                    return None;
                }
                let unit = match &r.shape {
                    Shape::Share { .. } => Some(Unit::Percent),
                    Shape::Tally { .. } => Some(Unit::Count),
                    Shape::Money(_) => Some(Unit::Yuan),
                    s => s.measure().map(|m| m.def().unit),
                };
                Some(RuleOut {
                    id: plan.rule_id(rr),
                    policy: &p.meta.id.0,
                    rule: &r.id.0,
                    clause: &r.clause,
                    title: match self.style.lang {
                        Lang::Zh => r.title.as_deref(),
                        Lang::En => r.title_en.as_deref().or(r.title.as_deref()),
                    },
                    kind: &r.kind,
                    subject: r.subject,
                    strength: r.strength,
                    word: &r.word,
                    grade: r.strength.grade(),
                    measure: r.shape.measure(),
                    unit,
                    inputs: plan.inputs(rr),
                    reading: r.reading_in(self.style.lang),
                    replaces: plan
                        .overrides()
                        .iter()
                        .filter(|(_, l)| *l == rr)
                        .map(|(n, _)| plan.rule_id(*n))
                        .collect(),
                    citation: CitationOut {
                        document: &p.meta.id.0,
                        title: &p.meta.title,
                        issuer: &p.meta.issuer,
                        document_number: p.meta.document_number.as_deref(),
                        published: p.meta.published,
                        location: &r.location,
                        clause: &r.clause,
                        quote: &r.quote,
                        source: &p.meta.source,
                    },
                })
            })
            .collect();
        Head {
            shequ: env!("CARGO_PKG_VERSION"),
            report_version: REPORT_VERSION,
            as_of: self.opts.as_of,
            lang: self.style.lang,
            options: RunOut {
                allow_not_in_force: self.opts.allow_not_in_force,
                min_strength: self.opts.min_strength,
                messages: self.style.messages,
            },
            policies,
            rules,
        }
    }

    fn reason<'a>(&self, r: Option<&'a Reason>) -> Option<ReasonOut<'a>> {
        r.map(|reason| {
            let mut out = ReasonOut {
                code: reason.code(),
                by: None,
                field: None,
                kind: None,
                as_of: None,
            };
            match reason {
                Reason::Overridden { by } => out.by = Some(by),
                Reason::ConditionNotMet { field } => out.field = Some(*field),
                Reason::KindNotCovered { kind } => out.kind = Some(kind),
                Reason::NotInForce { as_of } | Reason::NoValueOnDate { as_of } => {
                    out.as_of = Some(*as_of)
                }
                _ => {}
            }
            out
        })
    }

    /// One finding.
    pub fn finding<'a>(&self, f: &'a Finding) -> FindingOut<'a>
    where
        'p: 'a,
    {
        let plan = self.plan;
        let rule = plan.rule(f.rule).map(|(_, r)| r);
        let measure_of_rule = rule.and_then(|r| r.shape.measure());
        let required = f.required.as_ref().map(|req| {
            let iv = req.interval.as_ref().map(IntervalOut::from);
            RequiredOut {
                min: iv.as_ref().and_then(|i| i.min),
                min_inclusive: iv.as_ref().and_then(|i| i.min_inclusive),
                max: iv.as_ref().and_then(|i| i.max),
                max_inclusive: iv.as_ref().and_then(|i| i.max_inclusive),
                exact: req.exact.as_deref().map(IntervalOut::from),
                outcome: match (&req.outcome, measure_of_rule) {
                    (Some(o), Some(m)) => Some(o.iter().map(|x| category_id(m, *x)).collect()),
                    _ => None,
                },
                options: req
                    .options
                    .iter()
                    .map(|(field, value)| OptionOut {
                        field: *field,
                        value: *value,
                    })
                    .collect(),
                basis: (req.basis != Basis::Fixed).then_some(&req.basis),
            }
        });
        let actual = match (f.actual_outcome, measure_of_rule) {
            (Some(o), Some(m)) => Some(Actual::Category(category_id(m, o))),
            _ => f.actual.map(Actual::Num),
        };
        FindingOut {
            rule: plan.rule_id(f.rule),
            status: f.status,
            reason: self.reason(f.reason.as_ref()),
            grade: (f.status == Status::Fail)
                .then(|| rule.map(|r| r.strength.grade()))
                .flatten(),
            measure: f.measure,
            actual,
            required,
            shortfall: f.shortfall,
            remedy: f.remedy.as_ref().map(|rm| self.remedy(rm)),
            missing: &f.missing,
            inputs: plan.inputs(f.rule),
            notes: &f.notes,
            replaces: f.replaces.as_deref(),
            group: f.group.as_deref(),
            counted: f.counted,
            message: self.text(|| lang::message(plan, f, self.style.lang)),
        }
    }

    fn remedy(&self, rm: &Remedy) -> RemedyOut {
        RemedyOut {
            action: rm.action,
            field: rm.field,
            amount: rm.amount,
            to: rm.to,
            unit: rm.field.def().unit,
            parts: rm.parts.map(|(a, b)| [a, b]),
            part_size: rm.part_size.as_ref().map(IntervalOut::from),
            outcome: rm
                .outcome
                .as_ref()
                .map(|o| o.iter().map(|x| category_id(rm.field, *x)).collect()),
            strictly_more: rm.strictly_more,
            text: self.text(|| lang::remedy_text(rm, self.style.lang)),
        }
    }

    /// One obligation.
    pub fn obligation<'a>(&self, ob: &'a Obligation) -> ObligationOut<'a>
    where
        'p: 'a,
    {
        let plan = self.plan;
        let lang = self.style.lang;
        let money = match plan.rule(ob.rule).map(|(_, r)| &r.shape) {
            Some(Shape::Money(m)) => Some(m.as_ref()),
            _ => None,
        };
        let name = |zh: &'a str, en: Option<&'a str>| match lang {
            Lang::Zh => zh,
            Lang::En => en.unwrap_or(zh),
        };
        let lines = ob
            .lines
            .iter()
            .map(|l| {
                let c = money.and_then(|m| m.components.get(l.component));
                LineOut {
                    component: c.map_or("", |c| c.id.as_str()),
                    name: c.map_or("", |c| name(&c.name, c.name_en.as_deref())),
                    amount: l.amount.into(),
                    base: c.and_then(|c| c.rate.map(|x| x.2)),
                    base_value: l.base_value,
                    rounded: l.rounded,
                    paid: l.paid.map(FenOut::from),
                    excess: l.excess.map(FenOut::from),
                    shortfall: l.shortfall.map(FenOut::from),
                }
            })
            .collect();
        let shares = money
            .map(|m| {
                m.payers
                    .iter()
                    .enumerate()
                    .map(|(i, py)| ShareOut {
                        payer: &py.id,
                        name: name(&py.name, py.name_en.as_deref()),
                        share: py.share,
                        amount: ob.shares.get(i).copied().map(FenOut::from),
                        amount_with_excess: ob.shares_with_excess.get(i).copied().map(FenOut::from),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ObligationOut {
            rule: plan.rule_id(ob.rule),
            status: ob.status,
            reason: self.reason(ob.reason.as_ref()),
            period: money.map_or("", |m| m.period.as_str()),
            total: ob.total.map(FenOut::from),
            lines,
            shares,
            remainder: money.map_or(Remainder::LargestRemainder, |m| m.remainder),
            missing: &ob.missing,
            inputs: plan.inputs(ob.rule),
            replaces: None,
            message: self.text(|| lang::obligation_text(plan, ob, lang)),
        }
    }

    /// One data row with its results.
    pub fn community<'a>(
        &self,
        row: &'a Row,
        res: &'a RecordResult,
        issues: &'a [DataIssue],
    ) -> CommunityOut<'a>
    where
        'p: 'a,
    {
        let rec = &row.record;
        let mut input = Vec::new();
        for i in 0..field::field_count() {
            let f = FieldId(u16::try_from(i).unwrap_or(u16::MAX));
            if let Some(v) = rec.get(f) {
                input.push((f.name(), JsonVal::of(f, v)));
            }
        }
        input.sort_unstable_by_key(|(k, _)| *k);
        CommunityOut {
            index: row.index,
            line: row.line,
            name: rec.name(),
            subject: rec.subject(),
            input: Entries(input),
            extra: Entries(
                row.extra
                    .iter()
                    .map(|(k, v)| (k.as_ref(), v.as_str()))
                    .collect(),
            ),
            summary: Counts::of(res.findings.iter()),
            data_issues: issues
                .iter()
                .map(|d| IssueOut {
                    code: d.code,
                    fields: &d.fields,
                    message: d.message(self.style.lang),
                })
                .collect(),
            errors: &row.errors,
            findings: res.findings.iter().map(|f| self.finding(f)).collect(),
            obligations: res.obligations.iter().map(|o| self.obligation(o)).collect(),
        }
    }

    /// A money rule's total over the roster.
    pub fn total<'a>(&self, t: &'a MoneyTotal) -> TotalOut<'a>
    where
        'p: 'a,
    {
        let lang = self.style.lang;
        let payers: &'p [crate::model::Payer] = match self.plan.rule(t.rule).map(|(_, r)| &r.shape)
        {
            Some(Shape::Money(m)) => &m.payers,
            _ => &[],
        };
        TotalOut {
            rule: self.plan.rule_id(t.rule),
            communities_counted: t.counted,
            communities_underpaid: t.underpaid,
            communities_missing_data: t.missing,
            communities_not_applicable: t.not_applicable,
            total: t.total.into(),
            shares: payers
                .iter()
                .enumerate()
                .map(|(i, py)| TotalShareOut {
                    payer: &py.id,
                    name: match lang {
                        Lang::Zh => &py.name,
                        Lang::En => py.name_en.as_deref().unwrap_or(&py.name),
                    },
                    amount: t.shares.get(i).copied().unwrap_or(0).into(),
                    amount_with_excess: t.with_excess.get(i).copied().unwrap_or(0).into(),
                })
                .collect(),
        }
    }
}

/// A rule's verdicts over the roster.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct RuleSummaryOut<'a> {
    pub rule: &'a str,
    pub clause: &'a str,
    #[serde(flatten)]
    pub counts: Counts,
    /// The sum of the shortfalls of the failing communities, in the rule's unit (`null`
    /// when the rule has no shortfall in one unit, or the sum is too large).
    pub shortfall: Option<Num>,
    pub measure: Option<FieldId>,
    pub unit: Option<Unit>,
    /// Findings not applicable because a local rule replaces this (national) rule.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub overridden: usize,
    /// The rules that replace it (`policy/rule, …`), when some finding was replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A field that decided nothing because it was missing.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct MissingFieldOut<'a> {
    pub field: FieldId,
    /// Its usual Chinese header.
    pub header: &'static str,
    /// Rows of the input without it.
    pub rows_missing: usize,
    /// Missing from every row (the column is absent or empty).
    pub missing_everywhere: bool,
    /// The rules it left undecided for some community.
    pub rules: Vec<&'a str>,
    /// How many findings it left undecided.
    pub findings: usize,
}

/// The summary of a run.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct SummaryOut<'a> {
    /// Data rows evaluated.
    pub records: usize,
    /// Findings of the communities, by status.
    pub findings: Counts,
    /// Roster-level findings, by status.
    pub roster_findings: Counts,
    /// Per rule: counts by status and the total shortfall.
    pub rules: Vec<RuleSummaryOut<'a>>,
    /// Fields whose absence left rules undecided, most blocking first.
    pub missing_fields: Vec<MissingFieldOut<'a>>,
    /// Rows with problems in their cells.
    pub rows_with_errors: usize,
    /// Communities with at least one failing finding.
    pub failing_records: usize,
}

/// Per-rule and per-field counts over a roster, accumulated row by row; parts of a roster
/// merge into exactly the summary of one pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    records: usize,
    rows_with_errors: usize,
    /// Per rule (plan order): counts, and the shortfall sum of failures with its overflow.
    rules: Vec<(Counts, Num, bool)>,
    /// Per field: rows without it.
    rows_missing: Vec<usize>,
    /// Per field: findings it left undecided, and per rule whether it did.
    blocked: Vec<(usize, Vec<bool>)>,
    /// Per rule: findings not applicable because a local rule replaces it, and the
    /// replacing rules (as the first such finding names them).
    #[serde(default)]
    overridden: Vec<(usize, String)>,
    /// Records with at least one failing finding.
    #[serde(default)]
    failing_records: usize,
}

impl Summary {
    /// An empty summary for a plan.
    pub fn new(plan: &Plan) -> Summary {
        let n = plan.rule_count();
        Summary {
            records: 0,
            rows_with_errors: 0,
            rules: vec![(Counts::default(), Num::ZERO, false); n],
            rows_missing: vec![0; field::field_count()],
            blocked: vec![(0, Vec::new()); field::field_count()],
            overridden: vec![(0, String::new()); n],
            failing_records: 0,
        }
    }

    /// Adds one record's results; `bad_cells` when the row had problems in its cells.
    pub fn add(
        &mut self,
        plan: &Plan,
        rec: &crate::record::Record,
        bad_cells: bool,
        res: &RecordResult,
    ) {
        self.records += 1;
        if bad_cells {
            self.rows_with_errors += 1;
        }
        if res.findings.iter().any(|f| f.status == Status::Fail) {
            self.failing_records += 1;
        }
        for (i, m) in self.rows_missing.iter_mut().enumerate() {
            let f = FieldId(u16::try_from(i).unwrap_or(u16::MAX));
            if rec.num(f).is_none() && rec.get(f).is_none() {
                *m += 1;
            }
        }
        let n = plan.rule_count();
        for f in &res.findings {
            let Some(k) = plan.flat(f.rule) else { continue };
            if let Some(crate::eval::Reason::Overridden { by }) = &f.reason {
                if let Some((count, who)) = self.overridden.get_mut(k) {
                    *count += 1;
                    if who.is_empty() {
                        who.push_str(by);
                    }
                }
            }
            if let Some((c, sum, overflow)) = self.rules.get_mut(k) {
                c.add(f.status);
                if f.status == Status::Fail {
                    if let Some(s) = f.shortfall {
                        match sum.checked_add(s) {
                            Some(v) => *sum = v,
                            None => *overflow = true,
                        }
                    }
                }
            }
            if f.status == Status::MissingData {
                for m in &f.missing {
                    if let Some((count, rules)) = self.blocked.get_mut(m.index()) {
                        *count += 1;
                        if rules.is_empty() {
                            *rules = vec![false; n];
                        }
                        if let Some(b) = rules.get_mut(k) {
                            *b = true;
                        }
                    }
                }
            }
        }
        for o in &res.obligations {
            let Some(k) = plan.flat(o.rule) else { continue };
            if let Some((c, _, _)) = self.rules.get_mut(k) {
                c.add(o.status);
            }
        }
    }

    /// Merges the summary of the records that follow.
    pub fn merge(&mut self, o: &Summary) {
        self.records += o.records;
        self.rows_with_errors += o.rows_with_errors;
        self.failing_records += o.failing_records;
        for ((c, s, of), (c2, s2, of2)) in self.rules.iter_mut().zip(o.rules.iter()) {
            c.merge(c2);
            *of |= *of2;
            match s.checked_add(*s2) {
                Some(v) => *s = v,
                None => *of = true,
            }
        }
        for (a, b) in self.rows_missing.iter_mut().zip(o.rows_missing.iter()) {
            *a += b;
        }
        if self.overridden.len() < o.overridden.len() {
            self.overridden
                .resize(o.overridden.len(), (0, String::new()));
        }
        for ((n, who), (n2, who2)) in self.overridden.iter_mut().zip(o.overridden.iter()) {
            *n += n2;
            if who.is_empty() {
                who.clone_from(who2);
            }
        }
        for ((c, r), (c2, r2)) in self.blocked.iter_mut().zip(o.blocked.iter()) {
            *c += c2;
            if r.is_empty() {
                r.clone_from(r2);
            } else {
                for (x, y) in r.iter_mut().zip(r2.iter()) {
                    *x |= *y;
                }
            }
        }
    }

    /// Records added.
    pub fn records(&self) -> usize {
        self.records
    }

    /// The counts of one rule.
    pub fn counts(&self, plan: &Plan, r: RuleRef) -> Counts {
        plan.flat(r)
            .and_then(|k| self.rules.get(k))
            .map(|x| x.0)
            .unwrap_or_default()
    }

    /// The summary as written in a report.
    pub fn out<'p>(&self, plan: &'p Plan, opts: &Options, roster: &[Finding]) -> SummaryOut<'p> {
        let mut findings = Counts::default();
        let mut rules = Vec::new();
        for (k, (rr, (c, sum, overflow))) in plan.rule_refs().zip(self.rules.iter()).enumerate() {
            let Some((_, r)) = plan.rule(rr) else {
                continue;
            };
            let (overridden, by) = self
                .overridden
                .get(k)
                .map_or((0, None), |(n, b)| (*n, (*n > 0).then(|| b.clone())));
            if r.subject == Subject::Roster || !Plan::keep(r, opts) {
                continue;
            }
            if !matches!(r.shape, Shape::Money(_)) {
                findings.merge(c);
            }
            let unit_shortfall = matches!(
                r.shape,
                Shape::Range { .. }
                    | Shape::Proportional { .. }
                    | Shape::Count { .. }
                    | Shape::Tier { .. }
                    | Shape::Preferred { .. }
            );
            rules.push(RuleSummaryOut {
                rule: plan.rule_id(rr),
                clause: &r.clause,
                counts: *c,
                shortfall: (unit_shortfall && !*overflow && c.fail > 0).then_some(*sum),
                measure: r.shape.measure(),
                unit: r.shape.measure().map(|m| m.def().unit),
                overridden,
                replaced_by: by,
            });
        }
        let mut missing: Vec<MissingFieldOut<'p>> = self
            .blocked
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(i, (n, by_rule))| {
                let f = FieldId(u16::try_from(i).unwrap_or(u16::MAX));
                let rows_missing = self.rows_missing.get(i).copied().unwrap_or(0);
                MissingFieldOut {
                    field: f,
                    header: f.def().zh,
                    rows_missing,
                    missing_everywhere: self.records > 0 && rows_missing == self.records,
                    rules: plan
                        .rule_refs()
                        .zip(by_rule.iter())
                        .filter(|(_, b)| **b)
                        .map(|(rr, _)| plan.rule_id(rr))
                        .collect(),
                    findings: *n,
                }
            })
            .collect();
        missing.sort_by(|a, b| {
            b.missing_everywhere
                .cmp(&a.missing_everywhere)
                .then(b.rules.len().cmp(&a.rules.len()))
                .then(b.findings.cmp(&a.findings))
        });
        SummaryOut {
            records: self.records,
            findings,
            roster_findings: Counts::of(roster.iter()),
            rules,
            missing_fields: missing,
            rows_with_errors: self.rows_with_errors,
            failing_records: self.failing_records,
        }
    }
}

/// An evaluation of a roster as a stream: each row is evaluated and handed back with its
/// data issues, while the roster-level accumulators and the summary take it in.
pub struct Run<'p> {
    plan: &'p Plan,
    opts: Options,
    roster: RosterAcc,
    summary: Summary,
    result: RecordResult,
    issues: Vec<DataIssue>,
}

/// What a run found once every row is in.
#[derive(Clone, Debug)]
pub struct Finished {
    /// The roster-level findings.
    pub roster: Vec<Finding>,
    /// The accumulator they came from (for money totals, and to merge with other parts).
    pub acc: RosterAcc,
    pub summary: Summary,
}

impl<'p> Run<'p> {
    /// A run of a plan with options.
    pub fn new(plan: &'p Plan, opts: &Options) -> Run<'p> {
        Run {
            plan,
            opts: opts.clone(),
            roster: RosterAcc::new(plan, opts),
            summary: Summary::new(plan),
            result: RecordResult::default(),
            issues: Vec::new(),
        }
    }

    /// The plan.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Evaluates one row; the result and the row's data issues are valid until the next.
    pub fn row(&mut self, row: &Row) -> (&RecordResult, &[DataIssue]) {
        self.record(&row.record, row.index, row.line, !row.errors.is_empty());
        if !row.issues.is_empty() {
            let mut all = row.issues.clone();
            all.append(&mut self.issues);
            self.issues = all;
        }
        (&self.result, &self.issues)
    }

    /// Evaluates one record (row `index`, at `line`; `bad_cells` when some of its cells
    /// were refused): what [`Run::row`] does for a row of a table in memory.
    pub fn record(
        &mut self,
        rec: &crate::record::Record,
        index: usize,
        line: usize,
        bad_cells: bool,
    ) -> (&RecordResult, &[DataIssue]) {
        self.plan.evaluate_into(rec, &self.opts, &mut self.result);
        self.issues = crate::validate::check_record(rec, index, line);
        self.roster.add(self.plan, &self.opts, rec, &self.result);
        self.summary.add(self.plan, rec, bad_cells, &self.result);
        (&self.result, &self.issues)
    }

    /// Merges the roster parts of another run of the same plan and options (the rows
    /// that follow this run's): for combining partitions.
    pub fn merge_parts(
        &mut self,
        acc: &RosterAcc,
        summary: &Summary,
    ) -> Result<(), crate::roster::MergeError> {
        self.roster.merge(acc)?;
        self.summary.merge(summary);
        Ok(())
    }

    /// Ends the run.
    pub fn finish(self) -> Finished {
        Finished {
            roster: self.roster.findings(self.plan, &self.opts),
            acc: self.roster,
            summary: self.summary,
        }
    }
}

/// Receives a report as it is made: the head, each community, the tail.
pub trait Sink {
    /// The start.
    fn head(&mut self, w: &Writer<'_>) -> std::io::Result<()>;
    /// The overview of the whole roster, when a first pass made one: right after the
    /// head, before any community (a report that opens with its summary).
    fn overview(
        &mut self,
        _w: &Writer<'_>,
        _ov: &overview::Overview,
        _input: &InputOut,
        _skipped: &[Skipped],
    ) -> std::io::Result<()> {
        Ok(())
    }
    /// One data row with its results.
    fn community(
        &mut self,
        w: &Writer<'_>,
        row: &Row,
        res: &RecordResult,
        issues: &[DataIssue],
    ) -> std::io::Result<()>;
    /// The end.
    fn tail(
        &mut self,
        w: &Writer<'_>,
        done: &Finished,
        skipped: &[Skipped],
        input: Option<&InputOut>,
    ) -> std::io::Result<()>;
}

/// The tail's parts, as written by every format.
pub fn tail<'a>(
    w: &Writer<'a>,
    done: &'a Finished,
    skipped: &'a [Skipped],
    input: Option<&'a InputOut>,
) -> Tail<'a> {
    Tail {
        skipped,
        input,
        roster: RosterOut {
            findings: done.roster.iter().map(|f| w.finding(f)).collect(),
            obligations: done
                .acc
                .totals()
                .iter()
                .filter(|t| t.seen())
                .map(|t| w.total(t))
                .collect(),
        },
        summary: done.summary.out(w.plan, w.opts, &done.roster),
    }
}

/// Evaluates rows held in memory and writes them to a sink: the whole report of a roster.
pub fn write_rows(
    plan: &Plan,
    opts: &Options,
    style: Style,
    rows: &[Row],
    skipped: &[Skipped],
    input: Option<&InputOut>,
    sink: &mut dyn Sink,
) -> std::io::Result<Finished> {
    let w = Writer::new(plan, opts, style);
    sink.head(&w)?;
    let mut run = Run::new(plan, opts);
    for row in rows {
        let (res, issues) = run.row(row);
        sink.community(&w, row, res, issues)?;
    }
    let done = run.finish();
    sink.tail(&w, &done, skipped, input)?;
    Ok(done)
}

/// [`write_rows`] for a report that opens with its overview (the text table, HTML, a
/// workbook): the rows are evaluated once for the overview, then again as they are
/// written.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of a report, passed once"
)]
pub fn write_rows_with_overview(
    plan: &Plan,
    opts: &Options,
    style: Style,
    rows: &[Row],
    skipped: &[Skipped],
    input: Option<&InputOut>,
    group_by: Option<overview::GroupBy>,
    sink: &mut dyn Sink,
) -> std::io::Result<Finished> {
    let w = Writer::new(plan, opts, style);
    let mut ov = overview::Overviewer::new(plan, opts, group_by);
    for row in rows {
        ov.add(row);
    }
    let ov = ov.finish().map_err(|max| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the column to group by has more than {max} different values"),
        )
    })?;
    sink.head(&w)?;
    let none = InputOut::default();
    sink.overview(&w, &ov, input.unwrap_or(&none), skipped)?;
    let mut run = Run::new(plan, opts);
    for row in rows {
        let (res, issues) = run.row(row);
        sink.community(&w, row, res, issues)?;
    }
    let done = run.finish();
    sink.tail(&w, &done, skipped, input)?;
    Ok(done)
}

/// The rows of a roster read into memory, as the report's rows.
pub fn rows_of(roster: &crate::input::Roster) -> Vec<Row> {
    roster
        .records
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            let meta = roster.rows.get(i);
            Row {
                index: i + 1,
                line: meta.map_or(0, |m| m.line),
                record: rec.clone(),
                extra: meta
                    .map(|m| {
                        m.extra
                            .iter()
                            .map(|(k, v)| (std::sync::Arc::from(k.as_str()), v.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                errors: Vec::new(),
                issues: meta.map(|m| m.issues.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// A roster evaluated in memory: each record's result, the roster-level findings and the
/// data issues (see [`evaluate`]).
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub as_of: Date,
    /// One result per record, in input order.
    pub results: Vec<RecordResult>,
    /// Roster-level findings.
    pub roster: Vec<Finding>,
    /// Figures that look wrong in themselves (see [`crate::validate`]).
    pub data_issues: Vec<DataIssue>,
    /// The roster-level accumulator (money totals).
    pub acc: RosterAcc,
}

/// Evaluates every record of a roster held in memory, and the roster rules.
pub fn evaluate(plan: &Plan, roster: &crate::input::Roster, opts: &Options) -> Evaluation {
    let mut run = Run::new(plan, opts);
    let mut results = Vec::with_capacity(roster.records.len());
    let mut data_issues = Vec::new();
    for row in rows_of(roster) {
        let (res, issues) = run.row(&row);
        results.push(res.clone());
        data_issues.extend(issues.iter().cloned());
    }
    let done = run.finish();
    Evaluation {
        as_of: opts.as_of,
        results,
        roster: done.roster,
        data_issues,
        acc: done.acc,
    }
}

fn render(
    plan: &Plan,
    roster: &crate::input::Roster,
    opts: &Options,
    sink: &mut dyn Sink,
    style: Style,
) {
    let rows = rows_of(roster);
    let _ = write_rows(plan, opts, style, &rows, &roster.skipped, None, sink);
}

/// The JSON report of a roster held in memory.
pub fn to_json(plan: &Plan, roster: &crate::input::Roster, opts: &Options, style: Style) -> String {
    let mut sink = json::JsonSink::new(Vec::new());
    render(plan, roster, opts, &mut sink, style);
    String::from_utf8(sink.into_inner()).unwrap_or_default()
}

/// The JSON Lines report of a roster held in memory.
pub fn to_jsonl(
    plan: &Plan,
    roster: &crate::input::Roster,
    opts: &Options,
    style: Style,
) -> String {
    let mut sink = json::JsonLinesSink::new(Vec::new());
    render(plan, roster, opts, &mut sink, style);
    String::from_utf8(sink.into_inner()).unwrap_or_default()
}

/// The text report of a roster held in memory.
pub fn to_table(plan: &Plan, roster: &crate::input::Roster, opts: &Options, lang: Lang) -> String {
    let mut sink = table::TableSink::new(Vec::new());
    let rows = rows_of(roster);
    let style = Style {
        lang,
        messages: true,
    };
    let _ = write_rows_with_overview(
        plan,
        opts,
        style,
        &rows,
        &roster.skipped,
        None,
        None,
        &mut sink,
    );
    String::from_utf8(sink.into_inner()).unwrap_or_default()
}

/// A shared buffer a CSV sink can own while the caller keeps a handle to read it.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn extra_columns(roster: &crate::input::Roster) -> Vec<String> {
    roster
        .columns
        .iter()
        .filter(|(_, f)| f.is_none())
        .map(|(n, _)| n.clone())
        .collect()
}

/// The long CSV table of a roster held in memory.
pub fn to_csv(plan: &Plan, roster: &crate::input::Roster, opts: &Options, lang: Lang) -> String {
    let buf = Shared::default();
    let Ok(mut sink) = csv::LongSink::new(buf.clone(), extra_columns(roster), false) else {
        return String::new();
    };
    render(
        plan,
        roster,
        opts,
        &mut sink,
        Style {
            lang,
            messages: true,
        },
    );
    drop(sink);
    let bytes = buf.0.borrow().clone();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The wide CSV table of a roster held in memory.
pub fn to_wide_csv(
    plan: &Plan,
    roster: &crate::input::Roster,
    opts: &Options,
    lang: Lang,
) -> String {
    let buf = Shared::default();
    let fields = roster.columns.iter().filter_map(|(_, f)| *f).collect();
    let Ok(mut sink) = csv::WideSink::new(buf.clone(), fields, extra_columns(roster), false) else {
        return String::new();
    };
    render(
        plan,
        roster,
        opts,
        &mut sink,
        Style {
            lang,
            messages: false,
        },
    );
    drop(sink);
    let bytes = buf.0.borrow().clone();
    String::from_utf8(bytes).unwrap_or_default()
}

/// One finding as a JSON value, as it appears in a report.
pub fn finding_json(plan: &Plan, f: &Finding, style: Style) -> serde_json::Value {
    let opts = Options::at(Date::year_start(2000));
    let w = Writer::new(plan, &opts, style);
    serde_json::to_value(w.finding(f)).unwrap_or(serde_json::Value::Null)
}

/// One record's findings and obligations as a report's community (a form's check).
pub fn community_json(
    plan: &Plan,
    opts: &Options,
    style: Style,
    row: &Row,
    res: &RecordResult,
) -> serde_json::Value {
    let w = Writer::new(plan, opts, style);
    let issues = crate::validate::check_record(&row.record, row.index, row.line);
    serde_json::to_value(w.community(row, res, &issues)).unwrap_or(serde_json::Value::Null)
}
