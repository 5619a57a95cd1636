//! Every error of the core, mapped to the package's exception classes (defined in
//! `shequ/errors.py`) in one place, each with its structured details for `.errors()`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use shequ::batch::CellError;
use shequ::input::InputErrorDetail;
use shequ::Diagnostic;

/// An exception of `shequ.errors`, with a message and a list of detail dicts.
pub fn raise(py: Python<'_>, class: &str, message: &str, details: Vec<Bound<'_, PyDict>>) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let cls = py.import("shequ.errors")?.getattr(class)?;
        let list = PyList::new(py, details)?;
        let inst = cls.call1((message, list))?;
        Ok(PyErr::from_value(inst))
    })();
    match made {
        Ok(e) | Err(e) => e,
    }
}

fn dict<'py>(py: Python<'py>, items: &[(&str, Option<PyObject>)]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in items {
        d.set_item(*k, v)?;
    }
    Ok(d)
}

type PyObject = Py<PyAny>;

fn obj<T: for<'py> IntoPyObject<'py>>(py: Python<'_>, v: T) -> Option<PyObject> {
    use pyo3::IntoPyObjectExt;
    v.into_py_any(py).ok()
}

/// A diagnostic of the compiler or linter as a dict.
pub fn diagnostic<'py>(py: Python<'py>, d: &Diagnostic) -> PyResult<Bound<'py, PyDict>> {
    dict(
        py,
        &[
            ("code", obj(py, d.code.name())),
            ("severity", obj(py, d.severity.name())),
            ("file", obj(py, d.file.as_str())),
            ("line", obj(py, d.line)),
            ("column", obj(py, d.column)),
            ("policy", obj(py, d.policy.as_deref())),
            ("rule", obj(py, d.rule.as_deref())),
            ("message", obj(py, d.message.as_str())),
            ("help", obj(py, d.help.as_deref())),
        ],
    )
}

/// A problem of a roster file as a dict.
pub fn input_detail<'py>(py: Python<'py>, e: &InputErrorDetail) -> PyResult<Bound<'py, PyDict>> {
    dict(
        py,
        &[
            ("code", obj(py, e.code)),
            ("file", obj(py, e.file.as_str())),
            ("line", obj(py, e.line)),
            ("column", obj(py, e.column)),
            ("row", obj(py, e.record)),
            ("column_name", obj(py, e.field.as_deref())),
            ("value", obj(py, e.value.as_deref())),
            ("message", obj(py, e.message.as_str())),
            ("help", obj(py, e.help.as_deref())),
            ("message_zh", obj(py, e.message_zh.as_str())),
            ("help_zh", obj(py, e.help_zh.as_deref())),
        ],
    )
}

/// A bad cell of a table as a dict.
pub fn cell<'py>(py: Python<'py>, e: &CellError) -> PyResult<Bound<'py, PyDict>> {
    dict(
        py,
        &[
            ("code", obj(py, "value")),
            ("row", obj(py, e.row)),
            ("column_name", obj(py, e.column.as_str())),
            ("field", obj(py, e.field)),
            ("value", obj(py, e.value.as_str())),
            ("message", obj(py, e.message.as_str())),
            ("message_zh", obj(py, e.message_zh.as_str())),
        ],
    )
}

/// A column whose name cannot be used, as a dict.
pub fn column<'py>(
    py: Python<'py>,
    name: &str,
    message: &str,
    help: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    dict(
        py,
        &[
            ("code", obj(py, "column")),
            ("column_name", obj(py, name)),
            ("message", obj(py, message)),
            ("help", obj(py, help)),
        ],
    )
}

/// The core's error as the package's exception.
pub fn core(py: Python<'_>, e: &shequ::Error) -> PyErr {
    let msg = e.to_string();
    let details: PyResult<Vec<Bound<'_, PyDict>>> = (|| {
        Ok(match e {
            shequ::Error::Policy(diags) => diags
                .iter()
                .map(|d| diagnostic(py, d))
                .collect::<PyResult<Vec<_>>>()?,
            shequ::Error::UnknownPolicy { id, known } => vec![dict(
                py,
                &[
                    ("code", obj(py, "unknown_policy")),
                    ("policy", obj(py, id.as_str())),
                    ("known", obj(py, known.clone())),
                    ("message", obj(py, msg.as_str())),
                ],
            )?],
            shequ::Error::UnknownLayer {
                policy,
                id,
                file,
                line,
                column,
                ..
            } => vec![dict(
                py,
                &[
                    ("code", obj(py, "unknown_layer")),
                    ("policy", obj(py, policy.as_str())),
                    ("layer", obj(py, id.as_str())),
                    ("file", obj(py, file.as_str())),
                    ("line", obj(py, *line)),
                    ("column", obj(py, *column)),
                    ("message", obj(py, msg.as_str())),
                ],
            )?],
            shequ::Error::LayerCycle { chain } => vec![dict(
                py,
                &[
                    ("code", obj(py, "layer_cycle")),
                    ("chain", obj(py, chain.clone())),
                    ("message", obj(py, msg.as_str())),
                ],
            )?],
            shequ::Error::DuplicatePolicy { id, .. } => vec![dict(
                py,
                &[
                    ("code", obj(py, "duplicate_policy")),
                    ("policy", obj(py, id.as_str())),
                    ("message", obj(py, msg.as_str())),
                ],
            )?],
            shequ::Error::Read { file, message } => vec![dict(
                py,
                &[
                    ("code", obj(py, "read")),
                    ("file", obj(py, file.as_str())),
                    ("message", obj(py, message.as_str())),
                ],
            )?],
            shequ::Error::Input(ie) => ie
                .details()
                .iter()
                .map(|d| input_detail(py, d))
                .collect::<PyResult<Vec<_>>>()?,
        })
    })();
    let class = match e {
        shequ::Error::Input(_) => "InputError",
        _ => "PolicyError",
    };
    match details {
        Ok(d) => raise(py, class, &msg, d),
        Err(err) => err,
    }
}
