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
pub mod input;
mod kernel;
pub mod lang;
pub mod layer;
pub mod lint;
pub mod model;
pub mod money;
pub mod num;
pub mod raw;
pub mod record;
pub mod report;
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

/// Errors of the library's convenience entry points.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A policy file has errors.
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
    /// A roster problem.
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

    /// A plan over the bundled policies with these ids, in this order, each preceded by
    /// the policies it builds on. Only the files needed are compiled.
    pub fn plan(ids: &[&str]) -> Result<Plan, Error> {
        let mut chosen: Vec<Policy> = Vec::new();
        for id in ids {
            add(&mut chosen, id, 0)?;
        }
        Ok(Plan::new(chosen))
    }

    /// Adds a policy after the policies it builds on (the national layer comes first).
    fn add(chosen: &mut Vec<Policy>, id: &str, depth: usize) -> Result<(), Error> {
        if chosen.iter().any(|p| p.meta.id.0 == id) || depth > 8 {
            return Ok(());
        }
        let file = format!("policies/{id}.toml");
        let Some((f, t)) = FILES.iter().find(|(f, _)| *f == file) else {
            return Err(Error::UnknownPolicy {
                id: id.to_string(),
                known: self::ids(),
            });
        };
        let p = load_policy(t, f)?;
        for b in &p.meta.builds_on {
            add(chosen, &b.0, depth + 1)?;
        }
        chosen.push(p);
        Ok(())
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
