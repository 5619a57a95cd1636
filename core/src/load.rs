//! Loading policies into a [`Plan`]: bundled ids, a user's policy files, or policy texts
//! with their source texts given. One loader serves the command, the Python package and
//! the browser, so a policy means the same everywhere.
//!
//! The loader compiles every policy it is given, resolves `builds_on` across all of them
//! (a user's policy may build on a bundled one or on another of the user's; an id that
//! resolves to nothing is an error, never a silent omission), orders the layers before
//! the documents that build on them, lints the user's policies against their source
//! texts, and records a SHA-256 of each policy file and source text for provenance.
//!
//! A policy is untrusted input (it may come from a browser form or an email), so its
//! `source` is read only through a [`SourceResolver`] the caller chooses:
//! [`FsSources`] opens regular files inside the policy's own folder (no absolute paths,
//! no `..`, no links that lead out, no devices, with a size cap); [`GivenSources`] looks
//! the name up among texts the caller supplies; [`NoSources`] reads nothing.

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::eval::Plan;
use crate::model::Policy;
use crate::Error;

/// The largest policy file the loader reads (bytes).
pub const MAX_POLICY_BYTES: u64 = 4 << 20;
/// The largest source text the loader reads (bytes).
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;
/// The deepest chain of `builds_on` layers followed.
pub const MAX_LAYER_DEPTH: usize = 16;

/// A policy given as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyText {
    /// How the policy is named in messages: its path, or a name the caller chose. A
    /// [`FsSources`] resolver reads the policy's `source` relative to this path's folder.
    pub name: String,
    /// The TOML text.
    pub text: String,
}

/// Why a source text could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The path is not allowed (absolute, `..`, a link out of the folder).
    #[error("`{path}` is not allowed: {why}")]
    NotAllowed {
        /// The path as written in the policy.
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Nothing is there.
    #[error("`{path}` does not exist (looked in `{looked}`)")]
    NotFound {
        /// The path as written in the policy.
        path: String,
        /// Where it was looked for.
        looked: String,
    },
    /// Something other than a regular file (a folder, a device, a pipe).
    #[error("`{path}` is not a regular file")]
    NotAFile {
        /// The path as written in the policy.
        path: String,
    },
    /// Larger than the limit.
    #[error("`{path}` is larger than {limit} bytes")]
    TooLarge {
        /// The path as written in the policy.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// Not UTF-8 text.
    #[error("`{path}` is not UTF-8 text")]
    NotText {
        /// The path as written in the policy.
        path: String,
    },
    /// Not among the texts the caller gave.
    #[error("`{path}` is not among the source texts given{}", if given.is_empty() { String::new() } else { format!(" ({})", given.join(", ")) })]
    NotGiven {
        /// The path as written in the policy.
        path: String,
        /// The names that were given.
        given: Vec<String>,
    },
    /// Reading failed.
    #[error("`{path}` cannot be read: {message}")]
    Io {
        /// The path as written in the policy.
        path: String,
        /// What the system said.
        message: String,
    },
}

impl SourceError {
    /// What went wrong, in Chinese (the [`fmt::Display`](std::fmt::Display) says it in
    /// English). What the system said about a failed read is quoted as it said it.
    pub fn message_zh(&self) -> String {
        match self {
            SourceError::NotAllowed { path, why } => {
                let why_zh = match *why {
                    "it is empty" => "路径为空",
                    "an absolute path; give a path relative to the policy file's folder" => {
                        "这是绝对路径;请给出相对于政策文件所在文件夹的路径"
                    }
                    "it goes up with `..`; keep the source inside the policy file's folder" => {
                        "路径用 `..` 向上跳出;原文须放在政策文件所在的文件夹内"
                    }
                    "it is a link that leads outside the policy file's folder" => {
                        "这是指向政策文件所在文件夹之外的链接"
                    }
                    _ => "路径不符合要求",
                };
                format!("不允许使用 `{path}`:{why_zh}")
            }
            SourceError::NotFound { path, looked } => {
                format!("`{path}` 不存在(查找位置:`{looked}`)")
            }
            SourceError::NotAFile { path } => format!("`{path}` 不是普通文件"),
            SourceError::TooLarge { path, limit } => {
                format!("`{path}` 大于 {limit} 字节")
            }
            SourceError::NotText { path } => format!("`{path}` 不是 UTF-8 文本"),
            SourceError::NotGiven { path, given } => {
                if given.is_empty() {
                    format!("所给的原文中没有 `{path}`")
                } else {
                    format!("所给的原文中没有 `{path}`(已给出:{})", given.join(", "))
                }
            }
            SourceError::Io { path, message } => format!("无法读取 `{path}`:{message}"),
        }
    }

    /// The message in both languages, for a diagnostic.
    fn text(&self) -> crate::diag::Text {
        crate::diag::text(self.to_string(), self.message_zh())
    }
}

/// Reads the source text a policy quotes.
pub trait SourceResolver {
    /// The text of `source` (as written in the policy's `[policy] source`), for the policy
    /// named `policy` (its [`PolicyText::name`]).
    fn resolve(&self, policy: &str, source: &str) -> Result<String, SourceError>;
}

/// Reads nothing: every source is reported missing. For callers with no texts to give.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSources;

impl SourceResolver for NoSources {
    fn resolve(&self, _policy: &str, source: &str) -> Result<String, SourceError> {
        Err(SourceError::NotGiven {
            path: source.to_string(),
            given: Vec::new(),
        })
    }
}

/// Source texts given by the caller, by name. A policy's `source` matches a name exactly,
/// or by its last path component (`sources/xian-2023.txt` matches `xian-2023.txt`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GivenSources(pub BTreeMap<String, String>);

impl SourceResolver for GivenSources {
    fn resolve(&self, _policy: &str, source: &str) -> Result<String, SourceError> {
        let last = |s: &str| s.rsplit(['/', '\\']).next().unwrap_or(s).to_string();
        let found = self.0.get(source).or_else(|| {
            self.0
                .iter()
                .find(|(k, _)| last(k) == last(source))
                .map(|x| x.1)
        });
        match found {
            Some(t) if t.len() as u64 > MAX_SOURCE_BYTES => Err(SourceError::TooLarge {
                path: source.to_string(),
                limit: MAX_SOURCE_BYTES,
            }),
            Some(t) => Ok(t.clone()),
            None => Err(SourceError::NotGiven {
                path: source.to_string(),
                given: self.0.keys().cloned().collect(),
            }),
        }
    }
}

/// Reads sources from disk, only as regular files inside the folder of the policy file
/// that names them.
#[cfg(feature = "fs")]
#[derive(Clone, Copy, Debug, Default)]
pub struct FsSources;

#[cfg(feature = "fs")]
impl FsSources {
    /// Reads a file that must be a regular UTF-8 text file no larger than `limit`.
    pub fn read_text(path: &std::path::Path, limit: u64) -> Result<String, SourceError> {
        use std::io::Read as _;
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SourceError::NotFound {
                path: shown.clone(),
                looked: shown.clone(),
            },
            _ => SourceError::Io {
                path: shown.clone(),
                message: e.to_string(),
            },
        })?;
        if !meta.is_file() {
            return Err(SourceError::NotAFile { path: shown });
        }
        if meta.len() > limit {
            return Err(SourceError::TooLarge { path: shown, limit });
        }
        let f = std::fs::File::open(path).map_err(|e| SourceError::Io {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        let mut bytes = Vec::new();
        f.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| SourceError::Io {
                path: shown.clone(),
                message: e.to_string(),
            })?;
        if bytes.len() as u64 > limit {
            return Err(SourceError::TooLarge { path: shown, limit });
        }
        let text = String::from_utf8(bytes).map_err(|_| SourceError::NotText { path: shown })?;
        Ok(match text.strip_prefix('\u{feff}') {
            Some(t) => t.to_string(),
            None => text,
        })
    }
}

#[cfg(feature = "fs")]
impl SourceResolver for FsSources {
    fn resolve(&self, policy: &str, source: &str) -> Result<String, SourceError> {
        use std::path::{Component, Path};
        let not = |why| SourceError::NotAllowed {
            path: source.to_string(),
            why,
        };
        if source.trim().is_empty() {
            return Err(not("it is empty"));
        }
        let p = Path::new(source);
        if p.is_absolute() || source.starts_with(['/', '\\']) || p.has_root() {
            return Err(not(
                "an absolute path; give a path relative to the policy file's folder",
            ));
        }
        for c in p.components() {
            match c {
                Component::Normal(_) | Component::CurDir => {}
                Component::ParentDir => {
                    return Err(not(
                        "it goes up with `..`; keep the source inside the policy file's folder",
                    ))
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(not(
                        "an absolute path; give a path relative to the policy file's folder",
                    ))
                }
            }
        }
        let dir = Path::new(policy)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let candidate = dir.join(p);
        let root = dir.canonicalize().map_err(|e| SourceError::Io {
            path: source.to_string(),
            message: format!("the policy's folder `{}`: {e}", dir.display()),
        })?;
        let real = candidate.canonicalize().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SourceError::NotFound {
                path: source.to_string(),
                looked: candidate.display().to_string(),
            },
            _ => SourceError::Io {
                path: source.to_string(),
                message: e.to_string(),
            },
        })?;
        if !real.starts_with(&root) {
            return Err(not(
                "it is a link that leads outside the policy file's folder",
            ));
        }
        FsSources::read_text(&real, MAX_SOURCE_BYTES).map_err(|e| match e {
            SourceError::NotAFile { .. } => SourceError::NotAFile {
                path: source.to_string(),
            },
            SourceError::TooLarge { limit, .. } => SourceError::TooLarge {
                path: source.to_string(),
                limit,
            },
            SourceError::NotText { .. } => SourceError::NotText {
                path: source.to_string(),
            },
            other => other,
        })
    }
}

/// Reads a policy file from disk (a regular file, at most [`MAX_POLICY_BYTES`]).
#[cfg(feature = "fs")]
pub fn read_policy_file(path: &std::path::Path) -> Result<PolicyText, Error> {
    let text = FsSources::read_text(path, MAX_POLICY_BYTES).map_err(|e| Error::Read {
        file: path.display().to_string(),
        message: match e {
            SourceError::TooLarge { limit, .. } => {
                format!("the policy file is larger than {} MiB", limit >> 20)
            }
            SourceError::NotText { .. } => "the policy file is not UTF-8 text".into(),
            SourceError::NotAFile { .. } => "not a regular file".into(),
            SourceError::NotFound { .. } => "no such file".into(),
            other => other.to_string(),
        },
    })?;
    Ok(PolicyText {
        name: path.display().to_string(),
        text,
    })
}

/// The source texts of the bundled policies (feature `bundled-sources`).
#[derive(Clone, Copy, Debug, Default)]
pub struct BundledSources;

impl SourceResolver for BundledSources {
    fn resolve(&self, _policy: &str, source: &str) -> Result<String, SourceError> {
        crate::bundled::source_text(source)
            .map(str::to_string)
            .ok_or_else(|| SourceError::NotGiven {
                path: source.to_string(),
                given: Vec::new(),
            })
    }
}

/// Lints policy texts one by one (a file with errors does not hide the others' findings),
/// then their layers: each against the policies it builds on, taken from the texts given
/// or, when not given, from the bundle. The diagnostics come sorted by file, line and
/// column; this is what `shequ lint` prints.
pub fn lint(texts: &[PolicyText], resolver: &dyn SourceResolver) -> Vec<Diagnostic> {
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut compiled: Vec<Policy> = Vec::new();
    for t in texts {
        let (p, mut d) = crate::compile::compile(&t.text, &t.name);
        if let Some(p) = p {
            let src = resolver.resolve(&t.name, &p.meta.source);
            d.extend(crate::lint::check_policy_with(
                &p,
                Some(src.as_deref().map_err(SourceError::text)),
            ));
            compiled.push(p);
        }
        diags.extend(d);
    }
    let own: Vec<String> = compiled.iter().map(|p| p.meta.id.0.clone()).collect();
    let wanted: Vec<String> = compiled
        .iter()
        .flat_map(|p| p.meta.builds_on.iter().map(|b| b.0.clone()))
        .collect();
    for id in wanted {
        if !compiled.iter().any(|p| p.meta.id.0 == id) {
            if let Some(Ok(p)) = crate::bundled::compile_one(&id) {
                compiled.push(p);
            }
        }
    }
    diags.extend(
        crate::layer::check(&compiled)
            .into_iter()
            .filter(|d| d.policy.as_ref().is_some_and(|p| own.contains(p))),
    );
    diags.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column))
    });
    diags
}

/// The bundled policy files as texts (to lint them, or to start a policy of one's own).
pub fn bundled_texts() -> Vec<PolicyText> {
    crate::bundled::FILES
        .iter()
        .map(|(f, t)| PolicyText {
            name: (*f).to_string(),
            text: (*t).to_string(),
        })
        .collect()
}

/// What to load: bundled policy ids and the user's policies, in order.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Bundled ids (see [`crate::bundled::ids`]).
    pub bundled: Vec<String>,
    /// The user's policies.
    pub texts: Vec<PolicyText>,
    /// Lint the user's policies (quotes against their sources, tier tables, layers); the
    /// diagnostics come back in [`Loaded::diagnostics`]. Bundled policies are linted by the
    /// project's tests and are not linted again.
    pub lint: bool,
}

/// A loaded plan.
#[derive(Debug)]
pub struct Loaded {
    /// The policies compiled together, layers first.
    pub plan: Plan,
    /// What the compiler and linter found in the user's policies (warnings and notes;
    /// with `lint`, also lint errors such as a quote that is not in the source).
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a policy of the plan comes from, while loading.
struct Candidate {
    policy: Policy,
    bundled: bool,
    /// The source text, once read (bundled or resolved).
    source: Option<Result<String, SourceError>>,
}

/// Loads policies: the bundled ids and the user's texts, each preceded by the policies it
/// builds on. A user's policy whose id is also a bundled id stands in for the bundled one.
pub fn load(req: &Request, resolver: &dyn SourceResolver) -> Result<Loaded, Error> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut notes: Vec<Diagnostic> = Vec::new();
    let mut user: Vec<Candidate> = Vec::new();
    for t in &req.texts {
        let (p, diags) = crate::compile::compile(&t.text, &t.name);
        for d in diags {
            if d.is_error() {
                errors.push(d);
            } else {
                notes.push(d);
            }
        }
        if let Some(p) = p {
            if let Some(prev) = user.iter().find(|c| c.policy.meta.id == p.meta.id) {
                return Err(Error::DuplicatePolicy {
                    id: p.meta.id.0.clone(),
                    first: prev.policy.file.clone(),
                    second: t.name.clone(),
                });
            }
            let source = if req.lint || !p.meta.source.is_empty() {
                Some(resolver.resolve(&t.name, &p.meta.source))
            } else {
                None
            };
            user.push(Candidate {
                policy: p,
                bundled: false,
                source,
            });
        }
    }
    if !errors.is_empty() {
        errors.extend(notes);
        return Err(Error::Policy(errors));
    }
    for id in &req.bundled {
        if user.iter().any(|c| c.policy.meta.id.0 == *id) {
            return Err(Error::DuplicatePolicy {
                id: id.clone(),
                first: format!("bundled policy `{id}`"),
                second: user
                    .iter()
                    .find(|c| c.policy.meta.id.0 == *id)
                    .map_or_else(String::new, |c| c.policy.file.clone()),
            });
        }
    }
    let mut chosen: Vec<Candidate> = Vec::new();
    let wanted: Vec<String> = req
        .bundled
        .iter()
        .cloned()
        .chain(user.iter().map(|c| c.policy.meta.id.0.clone()))
        .collect();
    let mut pool = user;
    for id in &wanted {
        add(id, &mut pool, &mut chosen, &mut Vec::new(), None)?;
    }
    let mut diagnostics = notes;
    if req.lint {
        for c in chosen.iter().filter(|c| !c.bundled) {
            let src = c
                .source
                .as_ref()
                .map(|r| r.as_deref().map_err(SourceError::text));
            diagnostics.extend(crate::lint::check_policy_with(&c.policy, src));
        }
    }
    let mut policies = Vec::with_capacity(chosen.len());
    let user_ids: Vec<String> = chosen
        .iter()
        .filter(|c| !c.bundled)
        .map(|c| c.policy.meta.id.0.clone())
        .collect();
    for c in chosen {
        let mut p = c.policy;
        if let Some(Ok(src)) = &c.source {
            p.source_sha256 = Some(crate::hash::sha256_hex(src.as_bytes()));
        }
        policies.push(p);
    }
    if req.lint {
        diagnostics.extend(
            crate::layer::check(&policies)
                .into_iter()
                .filter(|d| d.policy.as_ref().is_some_and(|p| user_ids.contains(p))),
        );
    }
    diagnostics.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column))
    });
    Ok(Loaded {
        plan: Plan::new(policies),
        diagnostics,
    })
}

/// Adds a policy after the policies it builds on. `via` is the policy whose `builds_on`
/// names `id`, for the error when nothing has that id.
fn add(
    id: &str,
    pool: &mut Vec<Candidate>,
    chosen: &mut Vec<Candidate>,
    stack: &mut Vec<String>,
    via: Option<&Policy>,
) -> Result<(), Error> {
    if chosen.iter().any(|c| c.policy.meta.id.0 == id) {
        return Ok(());
    }
    if stack.iter().any(|s| s == id) || stack.len() > MAX_LAYER_DEPTH {
        let mut chain = stack.clone();
        chain.push(id.to_string());
        return Err(Error::LayerCycle { chain });
    }
    let cand = match pool.iter().position(|c| c.policy.meta.id.0 == id) {
        Some(i) => pool.swap_remove(i),
        None => match crate::bundled::compile_one(id) {
            Some(Ok(p)) => {
                let source = crate::bundled::source_text(&p.meta.source).map(|s| Ok(s.to_string()));
                Candidate {
                    policy: p,
                    bundled: true,
                    source,
                }
            }
            Some(Err(e)) => return Err(e),
            None => {
                return Err(match via {
                    None => Error::UnknownPolicy {
                        id: id.to_string(),
                        known: crate::bundled::ids(),
                    },
                    Some(v) => Error::UnknownLayer {
                        policy: v.meta.id.0.clone(),
                        id: id.to_string(),
                        file: v.file.clone(),
                        line: v.meta.builds_on_pos.line,
                        column: v.meta.builds_on_pos.column,
                        known: crate::bundled::ids(),
                    },
                })
            }
        },
    };
    stack.push(id.to_string());
    let layers = cand.policy.meta.builds_on.clone();
    for b in &layers {
        add(&b.0, pool, chosen, stack, Some(&cand.policy))?;
    }
    stack.pop();
    chosen.push(cand);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(id: &str, builds_on: &str) -> String {
        format!(
            "[policy]\nid = \"{id}\"\ntitle = \"t\"\nissuer = \"t\"\npublished = 2020-01-01\nstatus = \"in_force\"\njurisdiction = \"t\"\nsource = \"s.txt\"\n{builds_on}\n[[rule]]\nid = \"r\"\nclause = \"T-1\"\nlocation = \"一\"\nkind = \"minimum\"\nstrength = \"strict\"\nword = \"应\"\nquote = \"应不少于5人\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"不少于\" }}\n"
        )
    }

    fn text(name: &str, t: String) -> PolicyText {
        PolicyText {
            name: name.into(),
            text: t,
        }
    }

    fn given() -> GivenSources {
        GivenSources(BTreeMap::from([(
            "s.txt".to_string(),
            "应不少于5人".to_string(),
        )]))
    }

    #[test]
    fn layers_resolve_across_user_and_bundled_policies() {
        let req = Request {
            bundled: vec![],
            texts: vec![
                text(
                    "a.toml",
                    policy("local", "builds_on = [\"province\", \"national-rcl-2018\"]"),
                ),
                text("b.toml", policy("province", "")),
            ],
            lint: true,
        };
        let l = load(&req, &given());
        let ids: Vec<String> = l
            .map(|l| {
                l.plan
                    .policies()
                    .iter()
                    .map(|p| p.meta.id.0.clone())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(ids, vec!["province", "national-rcl-2018", "local"]);
    }

    #[test]
    fn an_unknown_layer_is_an_error_with_its_place() {
        let req = Request {
            texts: vec![text("a.toml", policy("local", "builds_on = [\"nowhere\"]"))],
            ..Request::default()
        };
        let got = match load(&req, &given()) {
            Err(Error::UnknownLayer { id, line, file, .. }) => Some((id, line, file)),
            _ => None,
        };
        assert_eq!(got, Some(("nowhere".into(), 9, "a.toml".into())));
    }

    #[test]
    fn cycles_and_duplicates_are_errors() {
        let req = Request {
            texts: vec![
                text("a.toml", policy("a", "builds_on = [\"b\"]")),
                text("b.toml", policy("b", "builds_on = [\"a\"]")),
            ],
            ..Request::default()
        };
        assert!(matches!(
            load(&req, &given()),
            Err(Error::LayerCycle { .. })
        ));
        let req = Request {
            texts: vec![
                text("a.toml", policy("a", "")),
                text("b.toml", policy("a", "")),
            ],
            ..Request::default()
        };
        assert!(matches!(
            load(&req, &given()),
            Err(Error::DuplicatePolicy { .. })
        ));
    }

    #[test]
    fn a_missing_source_is_a_lint_error_not_a_read_of_something_else() {
        let req = Request {
            texts: vec![text("a.toml", policy("a", ""))],
            lint: true,
            ..Request::default()
        };
        let l = load(&req, &NoSources);
        let codes: Vec<&str> = l
            .map(|l| l.diagnostics.iter().map(|d| d.code.name()).collect())
            .unwrap_or_default();
        assert_eq!(codes, vec!["source-missing"]);
    }
}
