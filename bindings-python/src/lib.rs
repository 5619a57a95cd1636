//! `shequ._native`: the Python package's bridge to the core. It converts and calls; every
//! decision is the core's. The package's public API is `shequ/__init__.py`.

mod arrow_in;
mod arrow_out;
mod capsule;
mod errors;
mod plan;
mod py_in;

use std::collections::BTreeMap;
use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use shequ::load::{self, FsSources, GivenSources, PolicyText};
use shequ::Lang;

/// The bundled policies, as JSON (a list of objects).
#[pyfunction]
fn policies_json(py: Python<'_>) -> PyResult<String> {
    let infos = shequ::bundled::infos().map_err(|e| errors::core(py, &e))?;
    serde_json::to_string(&infos).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The fields a roster can carry, as JSON (a list of objects).
#[pyfunction]
fn fields_json() -> PyResult<String> {
    serde_json::to_string(&shequ::field::catalogue())
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A rule, a clause or a policy in words.
#[pyfunction]
#[pyo3(signature = (target, lang = "zh", bundled = Vec::new(), texts = Vec::new()))]
fn explain(
    py: Python<'_>,
    target: &str,
    lang: &str,
    bundled: Vec<String>,
    texts: Vec<plan::TextIn>,
) -> PyResult<String> {
    let lang = Lang::parse(lang)
        .ok_or_else(|| PyValueError::new_err(format!("lang `{lang}` is not zh or en")))?;
    let policies = if bundled.is_empty() && texts.is_empty() {
        shequ::bundled::all().map_err(|e| errors::core(py, &e))?
    } else {
        let p = plan::Plan::new_for_explain(py, bundled, texts)?;
        p.policies().to_vec()
    };
    shequ::lang::explain_target(&policies, target, lang)
        .map_err(|e| errors::raise(py, "PolicyError", &e, vec![]))
}

/// Lints policy files (folders allowed) as `shequ lint` does.
#[pyfunction]
fn lint_paths<'py>(py: Python<'py>, paths: Vec<PathBuf>) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let mut texts = Vec::new();
    for p in paths {
        let files: Vec<PathBuf> = if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|e| {
                    PyValueError::new_err(format!("cannot read folder `{}`: {e}", p.display()))
                })?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|x| x.extension().is_some_and(|e| e == "toml"))
                .collect();
            v.sort();
            v
        } else {
            vec![p]
        };
        for f in files {
            texts.push(load::read_policy_file(&f).map_err(|e| errors::core(py, &e))?);
        }
    }
    let diags = py.detach(|| load::lint(&texts, &FsSources));
    diags.iter().map(|d| errors::diagnostic(py, d)).collect()
}

/// Lints a policy text, its sources given by name.
#[pyfunction]
#[pyo3(signature = (text, sources = None, name = "policy.toml"))]
fn lint_text<'py>(
    py: Python<'py>,
    text: String,
    sources: Option<BTreeMap<String, String>>,
    name: &str,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let texts = vec![PolicyText {
        name: name.to_string(),
        text,
    }];
    let given = GivenSources(sources.unwrap_or_default());
    let diags = py.detach(|| load::lint(&texts, &given));
    diags.iter().map(|d| errors::diagnostic(py, d)).collect()
}

/// Reads a policy file as the command does (a regular file, at most 4 MiB, UTF-8).
#[pyfunction]
fn read_policy_file(py: Python<'_>, path: PathBuf) -> PyResult<(String, String)> {
    let t = load::read_policy_file(&path).map_err(|e| errors::core(py, &e))?;
    Ok((t.name, t.text))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<plan::Plan>()?;
    m.add_class::<plan::Checked>()?;
    m.add_class::<capsule::ArrowTable>()?;
    m.add_function(wrap_pyfunction!(policies_json, m)?)?;
    m.add_function(wrap_pyfunction!(fields_json, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(lint_paths, m)?)?;
    m.add_function(wrap_pyfunction!(lint_text, m)?)?;
    m.add_function(wrap_pyfunction!(read_policy_file, m)?)?;
    m.add_function(wrap_pyfunction!(plan::combine, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("REPORT_SCHEMA", shequ::REPORT_SCHEMA)?;
    Ok(())
}
