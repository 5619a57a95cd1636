//! Plain Python values in (a list of dicts, a dict of lists, one dict): each column's
//! values gathered and handed to the core's typed column adders, which read them as the
//! roster readers read a cell. `None` and NaN are missing, never zero.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use shequ::batch::{column_name, CellError, ColumnName, Columns};
use shequ::field::FieldId;

/// One Python value, as far as a roster cares.
enum Cell {
    Missing,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// A list, a dict or the like: not a cell value (its type and its text).
    Bad(String, String),
}

fn cell(v: &Bound<'_, PyAny>) -> PyResult<Cell> {
    if v.is_none() {
        return Ok(Cell::Missing);
    }
    if v.is_instance_of::<PyBool>() {
        return Ok(Cell::Bool(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        return Ok(match v.extract::<i64>() {
            Ok(i) => Cell::Int(i),
            // beyond 64 bits: read as its digits (and refused as too large)
            Err(_) => Cell::Text(v.str()?.to_string()),
        });
    }
    if v.is_instance_of::<PyFloat>() {
        let f: f64 = v.extract()?;
        return Ok(if f.is_nan() {
            Cell::Missing
        } else {
            Cell::Float(f)
        });
    }
    if v.is_instance_of::<PyString>() {
        return Ok(Cell::Text(v.extract()?));
    }
    // numpy scalars, Decimal and the like: their text (NaN-like texts are missing)
    if let Ok(f) = v.extract::<f64>() {
        if f.is_nan() {
            return Ok(Cell::Missing);
        }
    }
    let t = v.str()?.to_string();
    if v.hasattr("keys")? || v.is_instance_of::<PyList>() || v.hasattr("__iter__")? {
        return Ok(Cell::Bad(
            v.get_type().name()?.to_string(),
            t.chars().take(40).collect(),
        ));
    }
    Ok(Cell::Text(t))
}

fn text_of(c: &Cell) -> Option<String> {
    match c {
        Cell::Missing => None,
        Cell::Bool(b) => Some(if *b { "true" } else { "false" }.to_string()),
        Cell::Int(i) => Some(i.to_string()),
        // Python's repr of a float is its shortest round-trip decimal
        Cell::Float(f) => Some(if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{f:.0}")
        } else {
            format!("{f}")
        }),
        Cell::Text(t) => Some(t.clone()),
        Cell::Bad(_, t) => Some(t.clone()),
    }
}

/// A roster from Python columns.
pub struct PyInput {
    pub cols: Columns,
    pub errors: Vec<CellError>,
    pub refused: Vec<(String, String, Option<String>)>,
    /// Columns that are not fields, as text.
    pub extra: Vec<(String, Vec<Option<String>>)>,
    pub fields: Vec<(String, FieldId)>,
}

/// Reads named columns of Python values.
pub fn read_columns(names: &[String], values: &[Vec<Bound<'_, PyAny>>]) -> PyResult<PyInput> {
    let rows = values.first().map_or(0, Vec::len);
    let mut input = PyInput {
        cols: Columns::new(rows),
        errors: Vec::new(),
        refused: Vec::new(),
        extra: Vec::new(),
        fields: Vec::new(),
    };
    for (name, vals) in names.iter().zip(values.iter()) {
        let cells = vals.iter().map(cell).collect::<PyResult<Vec<Cell>>>()?;
        let (f, pp) = match column_name(name) {
            ColumnName::Field {
                field,
                percent_points,
            } => (field, percent_points),
            ColumnName::PassThrough => {
                input
                    .extra
                    .push((name.clone(), cells.iter().map(text_of).collect()));
                continue;
            }
            ColumnName::Refused { message, help } => {
                input.refused.push((name.clone(), message, help));
                continue;
            }
        };
        if let Some((first, _)) = input.fields.iter().find(|(_, g)| *g == f) {
            input.refused.push((
                name.clone(),
                format!("columns `{first}` and `{name}` both give `{}`", f.name()),
                Some("keep one of them".into()),
            ));
            continue;
        }
        input.fields.push((name.clone(), f));
        // a list or a dict in a field's cell is a bad cell: reported, and left missing
        let mut cells = cells;
        for (row, c) in cells.iter_mut().enumerate() {
            if let Cell::Bad(kind, text) = c {
                input.errors.push(CellError {
                    column: name.clone(),
                    field: f.name(),
                    row: row + 1,
                    value: text.clone(),
                    message: format!(
                        "the cell holds a {kind}; give a number, text, a yes/no value or None"
                    ),
                    message_zh: format!("单元格中是一个 {kind};请给出数字、文本、是/否值或 None"),
                });
                *c = Cell::Missing;
            }
        }
        let present = || cells.iter().filter(|c| !matches!(c, Cell::Missing));
        let errs = &mut input.errors;
        let done = if present().all(|c| matches!(c, Cell::Int(_))) {
            let v: Vec<Option<i64>> = cells
                .iter()
                .map(|c| match c {
                    Cell::Int(i) => Some(*i),
                    _ => None,
                })
                .collect();
            input.cols.add_ints(f, pp, name, &v, errs)
        } else if present().all(|c| matches!(c, Cell::Int(_) | Cell::Float(_))) {
            let v: Vec<Option<f64>> = cells
                .iter()
                .map(|c| match c {
                    #[allow(
                        clippy::cast_precision_loss,
                        reason = "a value above 2^53 is refused as too large anyway"
                    )]
                    Cell::Int(i) => Some(*i as f64),
                    Cell::Float(x) => Some(*x),
                    _ => None,
                })
                .collect();
            input.cols.add_floats(f, pp, name, &v, errs)
        } else if present().all(|c| matches!(c, Cell::Bool(_))) {
            let v: Vec<Option<bool>> = cells
                .iter()
                .map(|c| match c {
                    Cell::Bool(b) => Some(*b),
                    _ => None,
                })
                .collect();
            input.cols.add_bools(f, name, &v, errs)
        } else {
            let texts: Vec<Option<String>> = cells.iter().map(text_of).collect();
            let v: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
            input.cols.add_texts(f, pp, name, &v, errs)
        };
        if let Err(e) = done {
            input.refused.push((name.clone(), e.to_string(), None));
        }
    }
    Ok(input)
}

/// The columns of a list of dicts (keys in order of first appearance; a key a row lacks is
/// missing there).
pub fn from_records(rows: &Bound<'_, PyList>) -> PyResult<PyInput> {
    let mut names: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let dicts = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.cast_into::<PyDict>()
                .map_err(|_| PyTypeError::new_err(format!("row {} is not a dict", i + 1)))
        })
        .collect::<PyResult<Vec<_>>>()?;
    for d in &dicts {
        for k in d.keys() {
            let k: String = k.str()?.to_string();
            if !index.contains_key(&k) {
                index.insert(k.clone(), names.len());
                names.push(k);
            }
        }
    }
    let py = rows.py();
    let mut values: Vec<Vec<Bound<'_, PyAny>>> = vec![Vec::with_capacity(dicts.len()); names.len()];
    for d in &dicts {
        for (k, col) in names.iter().zip(values.iter_mut()) {
            col.push(match d.get_item(k)? {
                Some(v) => v,
                None => py.None().into_bound(py),
            });
        }
    }
    read_columns(&names, &values)
}

/// The columns of a dict of lists.
pub fn from_columns(cols: &Bound<'_, PyDict>) -> PyResult<PyInput> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut len: Option<usize> = None;
    for (k, v) in cols.iter() {
        let name = k.str()?.to_string();
        let items: Vec<Bound<'_, PyAny>> = v.try_iter()?.collect::<PyResult<_>>()?;
        match len {
            Some(n) if n != items.len() => {
                return Err(PyTypeError::new_err(format!(
                    "column `{name}` has {} values, but the first column has {n}",
                    items.len()
                )))
            }
            _ => len = Some(items.len()),
        }
        names.push(name);
        values.push(items);
    }
    read_columns(&names, &values)
}
