//! # shequ (社区)
//!
//! Chinese urban-community governance policy as checkable data. Each policy document is a
//! TOML file of rules that quote their source; shequ compiles them into an evaluation
//! [`Plan`], checks communities against it, grades every verdict by how binding the
//! wording is, explains it with the sentence it comes from, says what would make a
//! failing community pass, and computes money owed and by whom, exactly, in fen.
//!
//! The pipeline follows the data: [`raw`] (the file as written) → [`compile`] (checked
//! [`model`], with [`diag`]nostics) → [`lint`] (overlaps, gaps, quotes) → [`eval`]
//! (findings) → [`report`] (JSON, CSV, text) in a [`Lang`].
//!
//! ```
//! use shequ::{bundled, Date, Options, Record, field};
//!
//! let plan = bundled::plan(&["xian-2023"]).expect("bundled policies compile");
//! let mut community = Record::new();
//! community.set(field::by_id("households").unwrap(), shequ::Val::Num(6200.into()));
//! let result = plan.evaluate(&community, &Options::at(Date::new(2024, 6, 1).unwrap()));
//! let size = result.findings.iter().find(|f| {
//!     plan.rule(f.rule).map(|(_, r)| r.id.0 == "size-households").unwrap_or(false)
//! }).unwrap();
//! assert_eq!(size.status, shequ::Status::Fail);
//! ```

pub mod batch;
pub mod compile;
pub mod coverage;
pub mod date;
pub mod diag;
pub mod eval;
pub mod field;
pub mod hash;
pub mod headers;
pub mod input;
mod kernel;
pub mod lang;
pub mod layer;
pub mod lint;
pub mod load;
pub mod model;
pub mod money;
pub mod num;
pub mod raw;
pub mod record;
pub mod report;
pub mod roster;
pub mod template;
pub mod validate;
pub mod words;

pub use date::Date;
pub use diag::{Code, Diagnostic, Severity};
pub use eval::{Finding, Obligation, Options, Plan, RecordResult, Status};
pub use lang::Lang;
pub use model::{Policy, PolicyId, Rule, RuleId};
pub use money::Fen;
pub use num::Num;
pub use record::{Record, Val};
pub use words::{Grade, Strength};

/// Errors of loading policies and reading rosters. Each says which file, line and column
/// when there is one, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A policy file has errors (every diagnostic of every file given).
    #[error("{}", .0.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Policy(Vec<Diagnostic>),
    /// A policy id that is not bundled.
    #[error("no bundled policy has the id `{id}`; bundled: {}", .known.join(", "))]
    UnknownPolicy {
        /// The id asked for.
        id: String,
        /// The ids that exist.
        known: Vec<String>,
    },
    /// A `builds_on` id that is neither bundled nor among the policies given.
    #[error("{file}:{line}:{column}: policy `{policy}` builds on `{id}`, which is neither bundled nor among the policy files given\n  help: give that policy's file too, or fix the id; bundled: {}", .known.join(", "))]
    UnknownLayer {
        /// The policy whose `builds_on` names it.
        policy: String,
        /// The id that was not found.
        id: String,
        /// The file of the policy.
        file: String,
        /// Where `builds_on` is.
        line: u32,
        /// Where `builds_on` is.
        column: u32,
        /// The bundled ids.
        known: Vec<String>,
    },
    /// Policies that build on each other in a circle.
    #[error("policies build on each other in a circle: {}", .chain.join(" → "))]
    LayerCycle {
        /// The ids, the first repeated at the end.
        chain: Vec<String>,
    },
    /// Two policies with the same id.
    #[error("policy `{id}` is given twice: by {first} and by `{second}`; name each policy once")]
    DuplicatePolicy {
        /// The id.
        id: String,
        /// The first.
        first: String,
        /// The second.
        second: String,
    },
    /// A file that cannot be read.
    #[error("cannot read `{file}`: {message}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// A roster problem (every one found).
    #[error(transparent)]
    Input(#[from] input::InputError),
}

/// Compiles one policy file; `Err` holds every diagnostic when any is an error.
pub fn load_policy(text: &str, file: &str) -> Result<Policy, Error> {
    let (p, diags) = compile::compile(text, file);
    match p {
        Some(p) => Ok(p),
        None => Err(Error::Policy(diags)),
    }
}

/// The policies that ship with shequ: every `policies/*.toml`, compiled into the library.
/// A policy's id is its file name without `.toml`.
pub mod bundled {
    use super::{load_policy, Error, Plan, Policy};

    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

    /// The bundled ids, sorted.
    pub fn ids() -> Vec<String> {
        FILES
            .iter()
            .filter_map(|(f, _)| {
                f.strip_prefix("policies/")
                    .and_then(|x| x.strip_suffix(".toml"))
                    .map(str::to_string)
            })
            .collect()
    }

    /// Every bundled policy, compiled.
    pub fn all() -> Result<Vec<Policy>, Error> {
        FILES.iter().map(|(f, t)| load_policy(t, f)).collect()
    }

    /// A bundled policy as listed (`shequ policies`, Python's `policies()`).
    #[derive(Clone, Debug, serde::Serialize)]
    pub struct Info {
        pub id: String,
        pub title: String,
        pub title_en: Option<String>,
        pub issuer: String,
        pub document_number: Option<String>,
        pub published: crate::Date,
        pub status: crate::model::DocStatus,
        pub jurisdiction: String,
        pub builds_on: Vec<String>,
        /// Number of rules.
        pub rules: usize,
        /// Clauses accounted for without a rule.
        pub not_checkable: usize,
    }

    /// Every bundled policy, as listed.
    pub fn infos() -> Result<Vec<Info>, Error> {
        Ok(all()?
            .into_iter()
            .map(|p| Info {
                id: p.meta.id.0.clone(),
                title: p.meta.title.clone(),
                title_en: p.meta.title_en.clone(),
                issuer: p.meta.issuer.clone(),
                document_number: p.meta.document_number.clone(),
                published: p.meta.published,
                status: p.meta.status,
                jurisdiction: p.meta.jurisdiction.clone(),
                builds_on: p.meta.builds_on.iter().map(|b| b.0.clone()).collect(),
                rules: p.rules.len(),
                not_checkable: p.not_checkable.len(),
            })
            .collect())
    }

    /// The text of a bundled policy file.
    pub fn text(id: &str) -> Option<&'static str> {
        let file = format!("policies/{id}.toml");
        FILES.iter().find(|(f, _)| *f == file).map(|(_, t)| *t)
    }

    /// Compiles the bundled policy with this id; `None` when there is none.
    pub fn compile_one(id: &str) -> Option<Result<Policy, Error>> {
        let file = format!("policies/{id}.toml");
        FILES
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(f, t)| load_policy(t, f))
    }

    /// The text of a bundled source (`sources/xian-2023.txt`), when the library carries
    /// them (feature `bundled-sources`).
    pub fn source_text(path: &str) -> Option<&'static str> {
        #[cfg(feature = "bundled-sources")]
        {
            SOURCES.iter().find(|(n, _)| *n == path).map(|(_, t)| *t)
        }
        #[cfg(not(feature = "bundled-sources"))]
        {
            let _ = path;
            None
        }
    }

    /// A plan over the bundled policies with these ids, in this order, each preceded by
    /// the policies it builds on. Only the files needed are compiled.
    pub fn plan(ids: &[&str]) -> Result<Plan, Error> {
        let req = crate::load::Request {
            bundled: ids.iter().map(|s| (*s).to_string()).collect(),
            ..crate::load::Request::default()
        };
        crate::load::load(&req, &crate::load::NoSources).map(|l| l.plan)
    }
}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The clause inventory the policy data accounts for (`policies/clauses.md`).
pub const CLAUSES: &str = include_str!("../../policies/clauses.md");

/// The JSON Schema of the policy file format.
pub const POLICY_SCHEMA: &str = include_str!("../schema/policy.schema.json");

/// The JSON Schema of the report (`shequ check --format json`), derived from the report's
/// types (a test keeps this file and the types in step).
pub const REPORT_SCHEMA: &str = include_str!("../schema/report.schema.json");
