//! Arrow columns in: each column's name read as the roster readers read a header, and its
//! values handed to the core's typed column adders (which apply the core's rules: NaN is
//! missing, an integral float is a whole number, a bad cell is reported and left missing).
//! Integer, float and dictionary arrays go in as they are, strings are borrowed.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, Decimal128Type, Float16Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use shequ::batch::{column_name, CellError, ColumnName, Columns};
use shequ::field::FieldId;

/// A roster read from Arrow columns.
pub struct Input {
    pub cols: Columns,
    /// Every bad cell.
    pub errors: Vec<CellError>,
    /// Columns whose names cannot be used (a misspelt field, a wrong unit): the name, the
    /// message and a help line.
    pub refused: Vec<(String, String, Option<String>)>,
    /// Columns that are not fields, kept as the arrays they came in.
    pub extra: Vec<(String, Vec<ArrayRef>)>,
    /// The columns read as fields, in input order.
    pub fields: Vec<(String, FieldId)>,
}

impl Input {
    /// Rows with at least one bad cell (0-based).
    pub fn bad_rows(&self) -> Vec<bool> {
        let mut bad = vec![false; self.cols.len()];
        for e in &self.errors {
            if let Some(b) = e.row.checked_sub(1).and_then(|r| bad.get_mut(r)) {
                *b = true;
            }
        }
        bad
    }
}

fn ints(chunks: &[ArrayRef]) -> Option<Vec<Option<i64>>> {
    let mut out = Vec::new();
    for a in chunks {
        macro_rules! widen {
            ($t:ty) => {
                if let Some(p) = a.as_primitive_opt::<$t>() {
                    out.extend(p.iter().map(|x| x.map(i64::from)));
                    continue;
                }
            };
        }
        if let Some(p) = a.as_primitive_opt::<Int64Type>() {
            out.extend(p.iter());
            continue;
        }
        widen!(Int32Type);
        widen!(Int16Type);
        widen!(Int8Type);
        widen!(UInt32Type);
        widen!(UInt16Type);
        widen!(UInt8Type);
        if let Some(p) = a.as_primitive_opt::<UInt64Type>() {
            // beyond 2^63 is far beyond any field's 10^12 limit: reported as too large
            out.extend(
                p.iter()
                    .map(|x| x.map(|u| i64::try_from(u).unwrap_or(i64::MAX))),
            );
            continue;
        }
        return None;
    }
    Some(out)
}

fn floats(chunks: &[ArrayRef]) -> Option<Vec<Option<f64>>> {
    let mut out = Vec::new();
    for a in chunks {
        if let Some(p) = a.as_primitive_opt::<Float64Type>() {
            out.extend(p.iter());
        } else if let Some(p) = a.as_primitive_opt::<Float32Type>() {
            out.extend(p.iter().map(|x| x.map(f64::from)));
        } else if let Some(p) = a.as_primitive_opt::<Float16Type>() {
            out.extend(p.iter().map(|x| x.map(f64::from)));
        } else {
            return None;
        }
    }
    Some(out)
}

fn strings(chunks: &[ArrayRef]) -> Option<Vec<Option<&str>>> {
    let mut out = Vec::new();
    for a in chunks {
        if let Some(s) = a.as_string_opt::<i32>() {
            out.extend(s.iter());
        } else if let Some(s) = a.as_string_opt::<i64>() {
            out.extend(s.iter());
        } else if let Some(s) = a.as_string_view_opt() {
            out.extend(s.iter());
        } else if a.data_type() == &DataType::Null {
            out.extend(std::iter::repeat_n(None, a.len()));
        } else {
            return None;
        }
    }
    Some(out)
}

/// A dictionary's values and each row's key.
type Dict<'a> = (Vec<Option<&'a str>>, Vec<Option<usize>>);

/// A dictionary's values and each row's key (one chunk).
fn dictionary<K: ArrowDictionaryKeyType>(a: &dyn Array) -> Option<Dict<'_>> {
    let d = a.as_dictionary_opt::<K>()?;
    let values = strings(std::slice::from_ref(d.values()))?;
    let keys = d.keys_iter().collect();
    Some((values, keys))
}

fn any_dictionary(a: &dyn Array) -> Option<Dict<'_>> {
    dictionary::<Int8Type>(a)
        .or_else(|| dictionary::<Int16Type>(a))
        .or_else(|| dictionary::<Int32Type>(a))
        .or_else(|| dictionary::<Int64Type>(a))
        .or_else(|| dictionary::<UInt8Type>(a))
        .or_else(|| dictionary::<UInt16Type>(a))
        .or_else(|| dictionary::<UInt32Type>(a))
        .or_else(|| dictionary::<UInt64Type>(a))
}

/// Reads batches of one schema into the core's columns.
pub fn read(schema: &SchemaRef, batches: &[RecordBatch]) -> Input {
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut input = Input {
        cols: Columns::new(rows),
        errors: Vec::new(),
        refused: Vec::new(),
        extra: Vec::new(),
        fields: Vec::new(),
    };
    for (ci, field) in schema.fields().iter().enumerate() {
        let name = field.name();
        let chunks: Vec<ArrayRef> = batches
            .iter()
            .filter_map(|b| b.columns().get(ci).cloned())
            .collect();
        let (f, pp) = match column_name(name) {
            ColumnName::Field {
                field,
                percent_points,
            } => (field, percent_points),
            ColumnName::PassThrough => {
                input.extra.push((name.clone(), chunks));
                continue;
            }
            ColumnName::Refused { message, help } => {
                input.refused.push((name.clone(), message, help));
                continue;
            }
        };
        if input.fields.iter().any(|(_, g)| *g == f) {
            let first = input
                .fields
                .iter()
                .find(|(_, g)| *g == f)
                .map_or("", |(n, _)| n.as_str());
            input.refused.push((
                name.clone(),
                format!("columns `{first}` and `{name}` both give `{}`", f.name()),
                Some("keep one of them".into()),
            ));
            continue;
        }
        input.fields.push((name.clone(), f));
        let errs = &mut input.errors;
        let cols = &mut input.cols;
        let dt = field.data_type();
        let done = match dt {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => ints(&chunks).map(|v| cols.add_ints(f, pp, name, &v, errs)),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                floats(&chunks).map(|v| cols.add_floats(f, pp, name, &v, errs))
            }
            DataType::Boolean => {
                let mut v = Vec::with_capacity(rows);
                let mut ok = true;
                for a in &chunks {
                    match a.as_boolean_opt() {
                        Some(b) => v.extend(b.iter()),
                        None => ok = false,
                    }
                }
                ok.then(|| cols.add_bools(f, name, &v, errs))
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
                strings(&chunks).map(|v| cols.add_texts(f, pp, name, &v, errs))
            }
            DataType::Dictionary(_, _) => match chunks.as_slice() {
                [one] => any_dictionary(one.as_ref())
                    .map(|(values, keys)| cols.add_dictionary(f, pp, name, &values, &keys, errs)),
                many => {
                    // each chunk may carry its own dictionary: read the values row by row
                    let mut v: Vec<Option<&str>> = Vec::with_capacity(rows);
                    let mut ok = true;
                    for a in many {
                        match any_dictionary(a.as_ref()) {
                            Some((values, keys)) => v.extend(
                                keys.iter()
                                    .map(|k| k.and_then(|k| values.get(k).copied().flatten())),
                            ),
                            None => ok = false,
                        }
                    }
                    ok.then(|| cols.add_texts(f, pp, name, &v, errs))
                }
            },
            DataType::Decimal128(_, scale) if *scale >= 0 => {
                let mut v = Vec::with_capacity(rows);
                let mut ok = true;
                for a in &chunks {
                    match a.as_primitive_opt::<Decimal128Type>() {
                        Some(d) => v.extend(d.iter()),
                        None => ok = false,
                    }
                }
                let scale = u32::try_from(*scale).unwrap_or(0);
                ok.then(|| cols.add_decimals(f, pp, name, &v, scale, errs))
            }
            _ => None,
        };
        match done {
            Some(Ok(())) => {}
            Some(Err(e)) => input.refused.push((name.clone(), e.to_string(), None)),
            None => input.refused.push((
                name.clone(),
                format!(
                    "column `{name}` ({}) holds {dt} values, which shequ does not read",
                    f.name()
                ),
                Some(
                    "give numbers, text or yes/no values (dates and nested values are not fields)"
                        .into(),
                ),
            )),
        }
    }
    input
}

/// A cell of a pass-through column as text (for the report's `extra`); `None` when empty.
pub fn cell_text(chunks: &[ArrayRef], row: usize) -> Option<String> {
    let mut row = row;
    for a in chunks {
        if row >= a.len() {
            row -= a.len();
            continue;
        }
        if a.is_null(row) {
            return None;
        }
        return Some(value_text(a.as_ref(), row));
    }
    None
}

fn value_text(a: &dyn Array, i: usize) -> String {
    macro_rules! prim {
        ($t:ty) => {
            if let Some(p) = a.as_primitive_opt::<$t>() {
                return p.value(i).to_string();
            }
        };
    }
    prim!(Int64Type);
    prim!(Int32Type);
    prim!(Int16Type);
    prim!(Int8Type);
    prim!(UInt64Type);
    prim!(UInt32Type);
    prim!(UInt16Type);
    prim!(UInt8Type);
    prim!(Float64Type);
    prim!(Float32Type);
    if let Some(s) = a.as_string_opt::<i32>() {
        return s.value(i).to_string();
    }
    if let Some(s) = a.as_string_opt::<i64>() {
        return s.value(i).to_string();
    }
    if let Some(s) = a.as_string_view_opt() {
        return s.value(i).to_string();
    }
    if let Some(b) = a.as_boolean_opt() {
        return b.value(i).to_string();
    }
    if let Some((values, keys)) = any_dictionary(a) {
        return keys
            .get(i)
            .copied()
            .flatten()
            .and_then(|k| values.get(k).copied().flatten())
            .unwrap_or("")
            .to_string();
    }
    if let Some(d) = a.as_primitive_opt::<Decimal128Type>() {
        return d.value_as_string(i);
    }
    format!("({})", a.data_type())
}
