//! The batch path for notebooks: a roster as columns in, per-rule status and shortfall
//! columns (and per-payer money columns) out. Policies are compiled once into the
//! [`Plan`]; rows are evaluated with one reused record per worker, and large batches can
//! be split across threads.

use crate::eval::{Options, Plan, RuleRef, Status};
use crate::field::Subject;
use crate::field::{self, FieldId, Unit};
use crate::input::Roster;
use crate::kernel::{ColRef, Kernel, MoneyKernel, View};
use crate::money::Fen;
use crate::num::Num;
use crate::record::{Record, Val};

/// One input column.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Numbers (households, m², yuan, shares as fractions …).
    Num(Vec<Option<Num>>),
    /// Yes/no values.
    Flag(Vec<Option<bool>>),
    /// Category values as text (English ids or Chinese words).
    Text(Vec<Option<String>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Num(v) => v.len(),
            Column::Flag(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }
}

/// Why a column cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ColumnError {
    /// The column's name is not a field.
    #[error("column `{name}` is not a known field{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownField {
        name: String,
        suggestion: Option<String>,
    },
    /// The column's length differs from the batch's.
    #[error("column `{name}` has {len} values, but the batch has {expected} rows")]
    Length {
        name: String,
        len: usize,
        expected: usize,
    },
    /// A value is not of the field's form.
    #[error("column `{name}`, row {row}: {message}")]
    Value {
        name: String,
        row: usize,
        message: String,
    },
    /// The column's kind does not suit the field.
    #[error("column `{name}` holds {given}, but `{field}` takes {wanted}")]
    Kind {
        name: String,
        field: String,
        given: &'static str,
        wanted: &'static str,
    },
}

/// A roster as columns, checked against the field registry.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    len: usize,
    cols: Vec<(FieldId, Stored)>,
}

/// A column as kept for evaluation: numbers and flags as given, text already parsed into
/// the field's values (so a category is parsed once, not once per row).
#[derive(Clone, Debug)]
enum Stored {
    Num(Vec<Option<Num>>),
    Flag(Vec<Option<bool>>),
    Val(Vec<Option<Val>>),
}

fn store(f: FieldId, col: Column) -> Stored {
    match col {
        Column::Num(v) => Stored::Num(v),
        Column::Flag(v) => Stored::Flag(v),
        Column::Text(v) => Stored::Val(
            v.iter()
                .map(|x| {
                    x.as_deref()
                        .and_then(|t| Record::parse_value(f, t).ok().flatten())
                })
                .collect(),
        ),
    }
}

impl Columns {
    /// An empty batch of `len` rows.
    pub fn new(len: usize) -> Columns {
        Columns {
            len,
            cols: Vec::new(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends the rows of another batch (a field one of them lacks is missing there).
    pub fn append(&mut self, other: Columns) {
        let (n, m) = (self.len, other.len);
        let empty = |like: &Stored, len: usize| match like {
            Stored::Num(_) => Stored::Num(vec![None; len]),
            Stored::Flag(_) => Stored::Flag(vec![None; len]),
            Stored::Val(_) => Stored::Val(vec![None; len]),
        };
        let mut theirs = other.cols;
        for (f, mine) in &mut self.cols {
            let pos = theirs.iter().position(|(g, _)| g == f);
            let add = match pos {
                Some(i) => theirs.swap_remove(i).1,
                None => empty(mine, m),
            };
            match (mine, add) {
                (Stored::Num(a), Stored::Num(b)) => a.extend(b),
                (Stored::Flag(a), Stored::Flag(b)) => a.extend(b),
                (Stored::Val(a), Stored::Val(b)) => a.extend(b),
                (mine, _) => {
                    // a field is stored one way only; keep the rows aligned
                    let pad = empty(mine, m);
                    match (mine, pad) {
                        (Stored::Num(a), Stored::Num(b)) => a.extend(b),
                        (Stored::Flag(a), Stored::Flag(b)) => a.extend(b),
                        (Stored::Val(a), Stored::Val(b)) => a.extend(b),
                        _ => {}
                    }
                }
            }
        }
        for (f, col) in theirs {
            let mut c = empty(&col, n);
            match (&mut c, col) {
                (Stored::Num(a), Stored::Num(b)) => a.extend(b),
                (Stored::Flag(a), Stored::Flag(b)) => a.extend(b),
                (Stored::Val(a), Stored::Val(b)) => a.extend(b),
                _ => {}
            }
            self.cols.push((f, c));
        }
        self.len = n + m;
    }

    /// The rows `start..end` as a batch of their own (to evaluate a large batch in parts).
    pub fn slice(&self, start: usize, end: usize) -> Columns {
        let end = end.min(self.len);
        let start = start.min(end);
        let part = |v: &Stored| match v {
            Stored::Num(x) => Stored::Num(x.get(start..end).unwrap_or_default().to_vec()),
            Stored::Flag(x) => Stored::Flag(x.get(start..end).unwrap_or_default().to_vec()),
            Stored::Val(x) => Stored::Val(x.get(start..end).unwrap_or_default().to_vec()),
        };
        Columns {
            len: end - start,
            cols: self.cols.iter().map(|(f, c)| (*f, part(c))).collect(),
        }
    }

    /// Adds a column by field id or Chinese header. Numbers for whole fields must be
    /// whole; categories are checked; nothing is coerced silently.
    pub fn add(&mut self, name: &str, col: Column) -> Result<(), ColumnError> {
        let Some(f) = field::lookup(name) else {
            return Err(ColumnError::UnknownField {
                name: name.to_string(),
                suggestion: field::suggest(name).map(str::to_string),
            });
        };
        if col.len() != self.len {
            return Err(ColumnError::Length {
                name: name.to_string(),
                len: col.len(),
                expected: self.len,
            });
        }
        let unit = f.def().unit;
        let kind_err = |given, wanted| ColumnError::Kind {
            name: name.to_string(),
            field: f.name().to_string(),
            given,
            wanted,
        };
        match (&col, unit) {
            (Column::Num(v), u) if u.is_numeric() => {
                for (row, x) in v.iter().enumerate() {
                    if let Some(n) = x {
                        if n.is_negative()
                            || (f.def().whole && !n.is_integer())
                            || (u == Unit::Percent && *n > Num::int(100))
                        {
                            let message = if n.is_negative() {
                                format!("{} is negative", n.to_decimal(4))
                            } else if f.def().whole && !n.is_integer() {
                                format!("{} is not a whole number", n.to_decimal(4))
                            } else {
                                format!(
                                    "{} is not a share (give fractions such as 0.6)",
                                    n.to_decimal(4)
                                )
                            };
                            return Err(ColumnError::Value {
                                name: name.to_string(),
                                row: row + 1,
                                message,
                            });
                        }
                    }
                }
            }
            (Column::Num(_), _) => {
                return Err(kind_err(
                    "numbers",
                    if unit == Unit::Flag {
                        "yes/no values"
                    } else {
                        "text"
                    },
                ))
            }
            (Column::Flag(_), Unit::Flag) => {}
            (Column::Flag(_), _) => {
                return Err(kind_err(
                    "yes/no values",
                    if unit.is_numeric() { "numbers" } else { "text" },
                ))
            }
            (Column::Text(v), Unit::Category | Unit::Text | Unit::Flag) => {
                for (row, x) in v.iter().enumerate() {
                    if let Some(t) = x {
                        if let Err(e) = Record::parse_value(f, t) {
                            return Err(ColumnError::Value {
                                name: name.to_string(),
                                row: row + 1,
                                message: e.to_string(),
                            });
                        }
                    }
                }
            }
            (Column::Text(v), _) => {
                // numbers given as text: parse them, reporting the first bad one
                let mut out = Vec::with_capacity(v.len());
                for (row, x) in v.iter().enumerate() {
                    match x {
                        None => out.push(None),
                        Some(t) => match Record::parse_value(f, t) {
                            Ok(Some(Val::Num(n))) => out.push(Some(n)),
                            Ok(_) => out.push(None),
                            Err(e) => {
                                return Err(ColumnError::Value {
                                    name: name.to_string(),
                                    row: row + 1,
                                    message: e.to_string(),
                                })
                            }
                        },
                    }
                }
                self.cols.retain(|(g, _)| *g != f);
                self.cols.push((f, Stored::Num(out)));
                return Ok(());
            }
        }
        self.cols.retain(|(g, _)| *g != f);
        self.cols.push((f, store(f, col)));
        Ok(())
    }

    /// The columns of a parsed roster.
    pub fn from_roster(roster: &Roster) -> Columns {
        Columns::from_records(&roster.records)
    }

    /// The columns of records (values are taken as they are: already checked).
    pub fn from_records<R: std::borrow::Borrow<Record>>(records: &[R]) -> Columns {
        let mut c = Columns::new(records.len());
        for (fi, def) in field::FIELDS.iter().enumerate() {
            let f = FieldId(fi as u16);
            if records.iter().all(|r| r.borrow().get(f).is_none()) {
                continue;
            }
            let col = match def.unit {
                Unit::Flag => Stored::Flag(records.iter().map(|r| r.borrow().flag(f)).collect()),
                Unit::Category | Unit::Text => {
                    Stored::Val(records.iter().map(|r| r.borrow().get(f).cloned()).collect())
                }
                _ => Stored::Num(
                    records
                        .iter()
                        .map(|r| match r.borrow().get(f) {
                            Some(Val::Num(n)) => Some(*n),
                            _ => None,
                        })
                        .collect(),
                ),
            };
            c.cols.push((f, col));
        }
        c
    }

    /// Puts one row into a record that holds nothing but this batch's fields (every
    /// column is set or cleared, so the record need not be reset between rows).
    pub fn fill_record(&self, row: usize, rec: &mut Record) {
        for (f, col) in &self.cols {
            let v = match col {
                Stored::Num(v) => v.get(row).copied().flatten().map(Val::Num),
                Stored::Flag(v) => v.get(row).copied().flatten().map(Val::Flag),
                Stored::Val(v) => v.get(row).cloned().flatten(),
            };
            match v {
                Some(v) => rec.set(*f, v),
                None => rec.clear(*f),
            }
        }
    }

    /// The record of one row.
    pub fn record(&self, row: usize) -> Record {
        let mut r = Record::new();
        self.fill_record(row, &mut r);
        r
    }
}

/// A bad cell of a column given to [`Columns`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    /// The column's name as given.
    pub column: String,
    /// The field it was read as.
    pub field: &'static str,
    /// 1-based row.
    pub row: usize,
    /// The value as given.
    pub value: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// The same in Chinese.
    pub message_zh: String,
}

/// What a column's name means to a roster (the same reading as a CSV header's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnName {
    /// A field; `percent_points` when a share column is headed `(%)` (`70` is 70 %).
    Field {
        field: FieldId,
        percent_points: bool,
    },
    /// Not a field: passed through.
    PassThrough,
    /// A name that cannot be used as it is (a misspelt field, a field in a wrong unit).
    Refused {
        message: String,
        help: Option<String>,
    },
}

/// Reads a column's name as the roster readers read a header.
pub fn column_name(name: &str) -> ColumnName {
    match crate::input::classify_header(name) {
        Ok(Some((field, percent_points))) => ColumnName::Field {
            field,
            percent_points,
        },
        Ok(None) => ColumnName::PassThrough,
        Err((_, message, help)) => ColumnName::Refused { message, help },
    }
}

impl Columns {
    fn put(&mut self, f: FieldId, col: Stored) {
        self.cols.retain(|(g, _)| *g != f);
        self.cols.push((f, col));
    }

    /// Reads one cell through the roster readers' rules (for the values the fast paths
    /// below do not take as they are).
    fn parse_cell(
        f: FieldId,
        percent_points: bool,
        name: &str,
        row: usize,
        text: &str,
        errors: &mut Vec<CellError>,
    ) -> Option<Val> {
        match Record::parse_value_in(f, text, percent_points) {
            Ok(v) => v,
            Err(e) => {
                errors.push(CellError {
                    column: name.to_string(),
                    field: f.name(),
                    row: row + 1,
                    value: text.to_string(),
                    message: e.to_string(),
                    message_zh: e.message_in(crate::Lang::Zh),
                });
                None
            }
        }
    }

    fn stored_from_vals(f: FieldId, vals: Vec<Option<Val>>) -> Stored {
        match f.def().unit {
            Unit::Flag => Stored::Flag(
                vals.into_iter()
                    .map(|v| match v {
                        Some(Val::Flag(b)) => Some(b),
                        _ => None,
                    })
                    .collect(),
            ),
            Unit::Category | Unit::Text => Stored::Val(vals),
            _ => Stored::Num(
                vals.into_iter()
                    .map(|v| match v {
                        Some(Val::Num(n)) => Some(n),
                        _ => None,
                    })
                    .collect(),
            ),
        }
    }

    fn check_len(&self, name: &str, len: usize) -> Result<(), ColumnError> {
        if len == self.len {
            Ok(())
        } else {
            Err(ColumnError::Length {
                name: name.to_string(),
                len,
                expected: self.len,
            })
        }
    }

    /// Adds a column of integers for a field. Whole numbers are taken as they are; a
    /// negative count, a value above 10¹², a bare share (`60`) and the like are bad
    /// cells, reported in `errors` and left missing, exactly as a CSV reader reports them.
    pub fn add_ints(
        &mut self,
        f: FieldId,
        percent_points: bool,
        name: &str,
        values: &[Option<i64>],
        errors: &mut Vec<CellError>,
    ) -> Result<(), ColumnError> {
        self.check_len(name, values.len())?;
        let unit = f.def().unit;
        if unit.is_numeric() && unit != Unit::Percent {
            let mut out = Vec::with_capacity(values.len());
            for (row, v) in values.iter().enumerate() {
                out.push(match v {
                    None => None,
                    Some(x) if (0..=crate::record::MAX_VALUE).contains(x) => Some(Num::int(*x)),
                    Some(x) => {
                        match Self::parse_cell(f, percent_points, name, row, &x.to_string(), errors)
                        {
                            Some(Val::Num(n)) => Some(n),
                            _ => None,
                        }
                    }
                });
            }
            self.put(f, Stored::Num(out));
            return Ok(());
        }
        let vals = values
            .iter()
            .enumerate()
            .map(|(row, v)| {
                v.and_then(|x| {
                    Self::parse_cell(f, percent_points, name, row, &x.to_string(), errors)
                })
            })
            .collect();
        self.put(f, Self::stored_from_vals(f, vals));
        Ok(())
    }

    /// Adds a column of floating-point numbers for a field. NaN is missing; an integral
    /// value (`3200.0`, as a pandas integer column with a gap has) is a whole number; any
    /// other value is read by its shortest decimal form (`0.6` is exactly 3/5), and is a
    /// bad cell where a whole count is needed.
    pub fn add_floats(
        &mut self,
        f: FieldId,
        percent_points: bool,
        name: &str,
        values: &[Option<f64>],
        errors: &mut Vec<CellError>,
    ) -> Result<(), ColumnError> {
        self.check_len(name, values.len())?;
        let unit = f.def().unit;
        let text = |x: f64| {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{x:.0}")
            } else {
                format!("{x}")
            }
        };
        if unit.is_numeric() && unit != Unit::Percent {
            let mut out = Vec::with_capacity(values.len());
            for (row, v) in values.iter().enumerate() {
                out.push(match v {
                    None => None,
                    Some(x) if x.is_nan() => None,
                    Some(x) if x.fract() == 0.0 && *x >= 0.0 && *x <= 1e12 => {
                        #[allow(
                            clippy::cast_possible_truncation,
                            reason = "integral and at most 10^12"
                        )]
                        let i = *x as i64;
                        Some(Num::int(i))
                    }
                    Some(x) => {
                        match Self::parse_cell(f, percent_points, name, row, &text(*x), errors) {
                            Some(Val::Num(n)) => Some(n),
                            _ => None,
                        }
                    }
                });
            }
            self.put(f, Stored::Num(out));
            return Ok(());
        }
        let vals = values
            .iter()
            .enumerate()
            .map(|(row, v)| match v {
                Some(x) if !x.is_nan() => {
                    Self::parse_cell(f, percent_points, name, row, &text(*x), errors)
                }
                _ => None,
            })
            .collect();
        self.put(f, Self::stored_from_vals(f, vals));
        Ok(())
    }

    /// Adds a column of yes/no values for a field.
    pub fn add_bools(
        &mut self,
        f: FieldId,
        name: &str,
        values: &[Option<bool>],
        errors: &mut Vec<CellError>,
    ) -> Result<(), ColumnError> {
        self.check_len(name, values.len())?;
        if f.def().unit == Unit::Flag {
            self.put(f, Stored::Flag(values.to_vec()));
            return Ok(());
        }
        let vals = values
            .iter()
            .enumerate()
            .map(|(row, v)| {
                v.and_then(|b| {
                    Self::parse_cell(
                        f,
                        false,
                        name,
                        row,
                        if b { "true" } else { "false" },
                        errors,
                    )
                })
            })
            .collect();
        self.put(f, Self::stored_from_vals(f, vals));
        Ok(())
    }

    /// Adds a column of text for a field: each value is read as a CSV cell is.
    pub fn add_texts(
        &mut self,
        f: FieldId,
        percent_points: bool,
        name: &str,
        values: &[Option<&str>],
        errors: &mut Vec<CellError>,
    ) -> Result<(), ColumnError> {
        self.check_len(name, values.len())?;
        let unit = f.def().unit;
        let vals = if matches!(unit, Unit::Category | Unit::Flag) {
            // few distinct words: each is read once
            let mut seen: std::collections::HashMap<&str, Result<Option<Val>, (String, String)>> =
                std::collections::HashMap::new();
            values
                .iter()
                .enumerate()
                .map(|(row, v)| {
                    let t = (*v)?;
                    let parsed = seen.entry(t).or_insert_with(|| {
                        Record::parse_value_in(f, t, percent_points)
                            .map_err(|e| (e.to_string(), e.message_in(crate::Lang::Zh)))
                    });
                    match parsed {
                        Ok(v) => v.clone(),
                        Err((message, message_zh)) => {
                            errors.push(CellError {
                                column: name.to_string(),
                                field: f.name(),
                                row: row + 1,
                                value: t.to_string(),
                                message: message.clone(),
                                message_zh: message_zh.clone(),
                            });
                            None
                        }
                    }
                })
                .collect()
        } else {
            values
                .iter()
                .enumerate()
                .map(|(row, v)| {
                    v.and_then(|t| Self::parse_cell(f, percent_points, name, row, t, errors))
                })
                .collect()
        };
        self.put(f, Self::stored_from_vals(f, vals));
        Ok(())
    }

    /// Adds a dictionary-encoded text column (a categorical): each distinct value is read
    /// once, and the rows take their key's value. A bad value is reported for every row
    /// that has it.
    pub fn add_dictionary(
        &mut self,
        f: FieldId,
        percent_points: bool,
        name: &str,
        dictionary: &[Option<&str>],
        keys: &[Option<usize>],
        errors: &mut Vec<CellError>,
    ) -> Result<(), ColumnError> {
        self.check_len(name, keys.len())?;
        let mut bad: Vec<Option<CellError>> = Vec::with_capacity(dictionary.len());
        let parsed: Vec<Option<Val>> = dictionary
            .iter()
            .map(|v| {
                let mut e = Vec::new();
                let out = v.and_then(|t| Self::parse_cell(f, percent_points, name, 0, t, &mut e));
                bad.push(e.pop());
                out
            })
            .collect();
        let vals = keys
            .iter()
            .enumerate()
            .map(|(row, k)| {
                let k = (*k)?;
                if let Some(Some(e)) = bad.get(k) {
                    errors.push(CellError {
                        row: row + 1,
                        ..e.clone()
                    });
                }
                parsed.get(k).cloned().flatten()
            })
            .collect();
        self.put(f, Self::stored_from_vals(f, vals));
        Ok(())
    }

    /// Adds a column of exact decimals (`value × 10^-scale`) for a field.
    pub fn add_decimals(
        &mut self,
        f: FieldId,
        percent_points: bool,
        name: &str,
        values: &[Option<i128>],
        scale: u32,
        errors: &mut Vec<CellError>,
    ) -> Result<(), ColumnError> {
        self.check_len(name, values.len())?;
        let den = 10i128.checked_pow(scale);
        let vals = values
            .iter()
            .enumerate()
            .map(|(row, v)| {
                let v = (*v)?;
                let text = match den.and_then(|d| Num::ratio(v, d)) {
                    Some(n) => n.to_exact_string(),
                    None => format!("{v}e-{scale}"),
                };
                Self::parse_cell(f, percent_points, name, row, &text, errors)
            })
            .collect();
        self.put(f, Self::stored_from_vals(f, vals));
        Ok(())
    }

    /// The fields the batch holds, in the order they were added.
    pub fn fields(&self) -> Vec<FieldId> {
        self.cols.iter().map(|(f, _)| *f).collect()
    }
}

/// The columnar result: for each per-record rule, a status and a shortfall column; for
/// each money rule, a total and a per-payer column (fen).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchResult {
    /// The rules, in column order.
    pub rules: Vec<RuleRef>,
    /// `status[i][row]`: the status of rule `rules[i]` on a row; `None` when the rule
    /// does not judge that row's subject (a meeting rule on a community row).
    pub status: Vec<Vec<Option<Status>>>,
    /// `shortfall[i][row]`.
    pub shortfall: Vec<Vec<Option<Num>>>,
    /// Money rules, in column order.
    pub money_rules: Vec<RuleRef>,
    /// `money_total[j][row]` in fen; `None` when not computed (missing data, not applicable).
    pub money_total: Vec<Vec<Option<Fen>>>,
    /// `money_shares[j][payer][row]` in fen, including any excess the payer bears.
    pub money_shares: Vec<Vec<Vec<Option<Fen>>>>,
}

impl Columns {
    fn view(&self) -> View<'_> {
        let mut cols: Vec<Option<ColRef<'_>>> = (0..field::field_count()).map(|_| None).collect();
        for (f, c) in &self.cols {
            if let Some(slot) = cols.get_mut(f.index()) {
                *slot = Some(match c {
                    Stored::Num(v) => ColRef::Num(v),
                    Stored::Flag(v) => ColRef::Flag(v),
                    Stored::Val(v) => ColRef::Val(v),
                });
            }
        }
        View { cols }
    }

    fn subjects(&self) -> Vec<Subject> {
        let sf = field::known().subject;
        let col = self.cols.iter().find(|(f, _)| *f == sf).map(|(_, c)| c);
        (0..self.len)
            .map(|row| match col {
                Some(Stored::Val(v)) => match v.get(row) {
                    Some(Some(Val::Cat(i))) => sf
                        .def()
                        .values
                        .get(usize::from(*i))
                        .and_then(|(id, _)| Subject::parse(id))
                        .unwrap_or(Subject::Community),
                    _ => Subject::Community,
                },
                _ => Subject::Community,
            })
            .collect()
    }
}

/// The batch as a tidy long table: one row per record × rule that judges it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LongTable {
    /// 0-based record index.
    pub record: Vec<u32>,
    /// Index into [`BatchResult::rules`].
    pub rule: Vec<u16>,
    pub status: Vec<Status>,
    pub shortfall: Vec<Option<Num>>,
}

impl BatchResult {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.status.first().map_or(0, Vec::len)
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The long table: records in order, and within a record the rules in order; rules
    /// that do not judge a record (another subject) have no row.
    pub fn to_long(&self) -> LongTable {
        let n = self.len();
        let mut t = LongTable::default();
        let cap = n * self.rules.len();
        t.record.reserve(cap);
        t.rule.reserve(cap);
        t.status.reserve(cap);
        t.shortfall.reserve(cap);
        for row in 0..n {
            for (k, (st, sh)) in self.status.iter().zip(self.shortfall.iter()).enumerate() {
                if let Some(Some(s)) = st.get(row) {
                    t.record.push(u32::try_from(row).unwrap_or(u32::MAX));
                    t.rule.push(u16::try_from(k).unwrap_or(u16::MAX));
                    t.status.push(*s);
                    t.shortfall.push(sh.get(row).copied().flatten());
                }
            }
        }
        t
    }
}

/// The output columns of one range of rows, built in one pass.
struct Chunk {
    status: Vec<Vec<Option<Status>>>,
    shortfall: Vec<Vec<Option<Num>>>,
    money_total: Vec<Vec<Option<Fen>>>,
    money_shares: Vec<Vec<Vec<Option<Fen>>>>,
}

impl Plan {
    /// Evaluates a columnar batch. The common rule shapes run as compiled kernels, column
    /// by column; the others through the full evaluator, row by row. `threads` > 1 splits
    /// the rows across that many threads (use 1 on targets without threads, such as the
    /// browser). The statuses and shortfalls are those of [`Plan::evaluate`].
    pub fn evaluate_columns(&self, cols: &Columns, opts: &Options, threads: usize) -> BatchResult {
        let keep = |r: &RuleRef| {
            self.rule(*r)
                .is_some_and(|(_, x)| opts.min_strength.is_none_or(|m| x.strength <= m))
        };
        let rules: Vec<RuleRef> = self
            .rule_refs()
            .filter(|r| {
                self.rule(*r).is_some_and(|(_, x)| {
                    x.subject != field::Subject::Roster
                        && !matches!(x.shape, crate::model::Shape::Money(_))
                })
            })
            .filter(keep)
            .collect();
        let money_rules: Vec<RuleRef> = self
            .rule_refs()
            .filter(|r| {
                self.rule(*r)
                    .is_some_and(|(_, x)| matches!(x.shape, crate::model::Shape::Money(_)))
            })
            .filter(keep)
            .collect();
        let payers: Vec<usize> = money_rules
            .iter()
            .map(|r| match self.rule(*r).map(|(_, x)| &x.shape) {
                Some(crate::model::Shape::Money(m)) => m.payers.len(),
                _ => 0,
            })
            .collect();
        let kernels: Vec<Option<Kernel>> = rules
            .iter()
            .map(|r| Kernel::compile(self, *r, opts))
            .collect();
        let mkernels: Vec<Option<MoneyKernel>> = money_rules
            .iter()
            .map(|r| MoneyKernel::compile(self, *r, opts))
            .collect();
        let need_full = kernels.iter().any(Option::is_none) || mkernels.iter().any(Option::is_none);
        // which rules (in the plan's flat order) the full evaluator still has to judge
        let fallback: Vec<bool> = self
            .rule_refs()
            .map(|r| {
                let in_kernels = rules
                    .iter()
                    .position(|x| *x == r)
                    .is_some_and(|k| kernels.get(k).is_some_and(Option::is_some));
                let in_money = money_rules
                    .iter()
                    .position(|x| *x == r)
                    .is_some_and(|j| mkernels.get(j).is_some_and(Option::is_some));
                !(in_kernels || in_money)
            })
            .collect();
        let view = cols.view();
        let subjects = cols.subjects();
        let has_subject_column = cols.cols.iter().any(|(f, _)| *f == field::known().subject);
        let n = cols.len();
        let run = |start: usize, end: usize| -> Chunk {
            let len = end.saturating_sub(start);
            // kernel columns are pushed row by row; the others are filled in place below
            let mut c = Chunk {
                status: kernels
                    .iter()
                    .map(|k| {
                        if k.is_some() {
                            Vec::with_capacity(len)
                        } else {
                            vec![None; len]
                        }
                    })
                    .collect(),
                shortfall: kernels
                    .iter()
                    .map(|k| {
                        if k.is_some() {
                            Vec::with_capacity(len)
                        } else {
                            vec![None; len]
                        }
                    })
                    .collect(),
                money_total: vec![vec![None; len]; money_rules.len()],
                money_shares: payers.iter().map(|p| vec![vec![None; len]; *p]).collect(),
            };
            let subj = if has_subject_column {
                Some(subjects.as_slice())
            } else {
                None
            };
            for (k, kern) in kernels.iter().enumerate() {
                let Some(kern) = kern else { continue };
                let (Some(st), Some(sh)) = (c.status.get_mut(k), c.shortfall.get_mut(k)) else {
                    continue;
                };
                kern.eval_column(&view, subj, start, end, st, sh);
            }
            for (j, mk) in mkernels.iter().enumerate() {
                let Some(mk) = mk else { continue };
                for (i, row) in (start..end).enumerate() {
                    let subject = subjects.get(row).copied().unwrap_or(Subject::Community);
                    let m = mk.eval(&view, row, subject);
                    if let Some(x) = c.money_total.get_mut(j).and_then(|t| t.get_mut(i)) {
                        *x = m.total;
                    }
                    if m.total.is_some() {
                        for (p, s) in m.shares_with_excess.iter().take(m.payers).enumerate() {
                            if let Some(x) = c
                                .money_shares
                                .get_mut(j)
                                .and_then(|m| m.get_mut(p))
                                .and_then(|v| v.get_mut(i))
                            {
                                *x = Some(Fen(*s));
                            }
                        }
                    }
                }
            }
            // the rest through the full evaluator
            if need_full {
                let mut rec = Record::new();
                let mut res = crate::eval::RecordResult::default();
                for (i, row) in (start..end).enumerate() {
                    cols.fill_record(row, &mut rec);
                    self.evaluate_some_into(&rec, opts, Some(&fallback), &mut res);
                    for f in &res.findings {
                        let Some(k) = rules.iter().position(|r| *r == f.rule) else {
                            continue;
                        };
                        if kernels.get(k).is_some_and(Option::is_some) {
                            continue;
                        }
                        if let Some(x) = c.status.get_mut(k).and_then(|v| v.get_mut(i)) {
                            *x = Some(f.status);
                        }
                        if let Some(x) = c.shortfall.get_mut(k).and_then(|v| v.get_mut(i)) {
                            *x = f.shortfall;
                        }
                    }
                    for o in &res.obligations {
                        let Some(j) = money_rules.iter().position(|r| *r == o.rule) else {
                            continue;
                        };
                        if mkernels.get(j).is_some_and(Option::is_some) {
                            continue;
                        }
                        if let Some(x) = c.money_total.get_mut(j).and_then(|v| v.get_mut(i)) {
                            *x = o.total;
                        }
                        for (p, s) in o.shares_with_excess.iter().enumerate() {
                            if let Some(x) = c
                                .money_shares
                                .get_mut(j)
                                .and_then(|m| m.get_mut(p))
                                .and_then(|v| v.get_mut(i))
                            {
                                *x = Some(*s);
                            }
                        }
                    }
                }
            }
            c
        };
        let threads = threads.clamp(1, 64).min(n.max(1));
        let size = n.div_ceil(threads).max(1);
        let mut chunks: Vec<Chunk> = if threads == 1 {
            vec![run(0, n)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let (a, b) = ((t * size).min(n), ((t + 1) * size).min(n));
                        let run = &run;
                        s.spawn(move || run(a, b))
                    })
                    .collect();
                handles.into_iter().filter_map(|h| h.join().ok()).collect()
            })
        };
        // the first chunk's columns are the output; later chunks are appended
        let first = if chunks.is_empty() {
            run(0, 0)
        } else {
            chunks.remove(0)
        };
        let mut out = BatchResult {
            rules: rules.clone(),
            status: first.status,
            shortfall: first.shortfall,
            money_rules: money_rules.clone(),
            money_total: first.money_total,
            money_shares: first.money_shares,
        };
        for c in chunks {
            for (o, x) in out.status.iter_mut().zip(c.status) {
                o.extend(x);
            }
            for (o, x) in out.shortfall.iter_mut().zip(c.shortfall) {
                o.extend(x);
            }
            for (o, x) in out.money_total.iter_mut().zip(c.money_total) {
                o.extend(x);
            }
            for (o, x) in out.money_shares.iter_mut().zip(c.money_shares) {
                for (oo, xx) in o.iter_mut().zip(x) {
                    oo.extend(xx);
                }
            }
        }
        // national findings replaced by a local rule that judged the row
        for (national, local) in self.overrides() {
            let (Some(ni), Some(li)) = (
                rules.iter().position(|r| r == national),
                rules.iter().position(|r| r == local),
            ) else {
                continue;
            };
            let local_status: Vec<Option<Status>> = out.status.get(li).cloned().unwrap_or_default();
            for (row, s) in local_status.iter().enumerate() {
                if s.is_some_and(|s| s != Status::NotApplicable) {
                    if let Some(x) = out.status.get_mut(ni).and_then(|v| v.get_mut(row)) {
                        if x.is_some() {
                            *x = Some(Status::NotApplicable);
                        }
                    }
                    if let Some(x) = out.shortfall.get_mut(ni).and_then(|v| v.get_mut(row)) {
                        *x = None;
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    #[test]
    fn columns_are_checked() {
        let mut c = Columns::new(2);
        assert!(matches!(
            c.add("housholds", Column::Num(vec![None, None])),
            Err(ColumnError::UnknownField {
                suggestion: Some(_),
                ..
            })
        ));
        assert!(matches!(
            c.add("户数", Column::Num(vec![None])),
            Err(ColumnError::Length { .. })
        ));
        assert!(matches!(
            c.add("户数", Column::Num(vec![Num::parse("1.5"), None])),
            Err(ColumnError::Value { row: 1, .. })
        ));
        assert!(matches!(
            c.add("kind", Column::Text(vec![Some("suburb".into()), None])),
            Err(ColumnError::Value { row: 1, .. })
        ));
        assert!(matches!(
            c.add("is_new", Column::Num(vec![None, None])),
            Err(ColumnError::Kind { .. })
        ));
        assert!(c
            .add("户数", Column::Text(vec![Some("2,000".into()), None]))
            .is_ok());
    }

    #[test]
    fn batch_matches_row_by_row_and_threads_agree() {
        let Ok(plan) = crate::bundled::plan(&["xian-2023", "bijie-2017"]) else {
            return;
        };
        let n = 50;
        let mut c = Columns::new(n);
        let hh: Vec<Option<Num>> = (0..n)
            .map(|i| {
                if i % 7 == 0 {
                    None
                } else {
                    Some(Num::int(500 + 150 * i as i64))
                }
            })
            .collect();
        let res: Vec<Option<Num>> = (0..n)
            .map(|i| Some(Num::int(1500 + 460 * i as i64)))
            .collect();
        let sp: Vec<Option<Num>> = (0..n)
            .map(|i| Some(Num::int(300 + 40 * i as i64)))
            .collect();
        let kind: Vec<Option<String>> = (0..n)
            .map(|i| Some(if i % 5 == 0 { "rural" } else { "urban" }.to_string()))
            .collect();
        assert!(c.add("households", Column::Num(hh)).is_ok());
        assert!(c.add("residents", Column::Num(res)).is_ok());
        assert!(c.add("service_space", Column::Num(sp)).is_ok());
        assert!(c.add("kind", Column::Text(kind)).is_ok());
        let opts = Options::at(Date::new(2024, 6, 30).unwrap_or(Date::year_start(2024)));
        let one = plan.evaluate_columns(&c, &opts, 1);
        let two = plan.evaluate_columns(&c, &opts, 2);
        assert_eq!(one, two);
        for row in 0..n {
            let r = plan.evaluate(&c.record(row), &opts);
            for f in &r.findings {
                let i = one
                    .rules
                    .iter()
                    .position(|x| *x == f.rule)
                    .unwrap_or(usize::MAX);
                assert_eq!(
                    one.status
                        .get(i)
                        .and_then(|c| c.get(row))
                        .copied()
                        .flatten(),
                    Some(f.status)
                );
                assert_eq!(
                    one.shortfall
                        .get(i)
                        .and_then(|c| c.get(row))
                        .copied()
                        .flatten(),
                    f.shortfall
                );
            }
        }
    }
}
