//! A compiled plan and a checked roster, as Python sees them. Everything is computed by
//! the core; this converts inputs in and tables out, and keeps results until asked for.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use serde::{Deserialize, Serialize};
use shequ::batch::{CellError, Columns};
use shequ::field::FieldId;
use shequ::input::{Format, InputErrorDetail, Row};
use shequ::load::{self, FsSources, GivenSources, PolicyText, SourceError, SourceResolver};
use shequ::report::{self, frames, Finished, Style};
use shequ::{Date, Lang, Options, Strength};

use crate::arrow_out::{table, TableBuilder};
use crate::capsule::ArrowTable;
use crate::errors;

/// A sheet of a workbook: its name, or its position from 0 (as pandas counts).
#[derive(FromPyObject)]
pub enum SheetArg {
    Index(usize),
    Name(String),
}

/// Rows evaluated at a time (each chunk's tables are converted and dropped).
const CHUNK: usize = 8192;
/// Rows of the batch evaluated at a time for the wide table.
const WIDE_CHUNK: usize = 65_536;

/// A policy text given to a plan: its name, its text, and its source texts when given
/// (`None`: read from the policy file's folder).
pub type TextIn = (String, String, Option<BTreeMap<String, String>>);

/// What a plan was made of: enough to make it again (to combine roster parts).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Request {
    pub bundled: Vec<String>,
    /// (name, text, sources given; `None`: read from the policy file's folder).
    pub texts: Vec<TextIn>,
    pub as_of: String,
    pub lang: String,
    pub min_strength: Option<String>,
    pub allow_not_in_force: bool,
    /// Only these rules (`policy/rule`), when given.
    #[serde(default)]
    pub rules: Option<Vec<String>>,
}

/// Reads each policy's sources as it was given: from the texts given with it, or from
/// its file's folder.
struct Sources {
    given: HashMap<String, GivenSources>,
}

impl SourceResolver for Sources {
    fn resolve(&self, policy: &str, source: &str) -> Result<String, SourceError> {
        match self.given.get(policy) {
            Some(g) => g.resolve(policy, source),
            None => FsSources.resolve(policy, source),
        }
    }
}

fn lang_of(s: &str) -> PyResult<Lang> {
    Lang::parse(s).ok_or_else(|| PyValueError::new_err(format!("lang `{s}` is not zh or en")))
}

fn load(
    py: Python<'_>,
    req: &Request,
) -> PyResult<(shequ::Plan, Options, Lang, Vec<shequ::Diagnostic>)> {
    let lang = lang_of(&req.lang)?;
    let as_of = Date::parse(&req.as_of).ok_or_else(|| {
        PyValueError::new_err(format!(
            "as_of `{}` is not a date; write YYYY-MM-DD",
            req.as_of
        ))
    })?;
    let min_strength = match &req.min_strength {
        Some(s) => Some(Strength::from_user(s).ok_or_else(|| {
            let names: Vec<&str> = Strength::ALL.iter().map(|x| x.name()).collect();
            PyValueError::new_err(format!(
                "min_strength `{s}` is not a strength; use one of: {} (or a word such as 必须, 应当, 一般)",
                names.join(", ")
            ))
        })?),
        None => None,
    };
    let mut given = HashMap::new();
    let texts = req
        .texts
        .iter()
        .map(|(name, text, sources)| {
            if let Some(s) = sources {
                given.insert(name.clone(), GivenSources(s.clone()));
            }
            PolicyText {
                name: name.clone(),
                text: text.clone(),
            }
        })
        .collect();
    let loaded = load::load(
        &load::Request {
            bundled: req.bundled.clone(),
            texts,
            lint: true,
        },
        &Sources { given },
    )
    .map_err(|e| errors::core(py, &e))?;
    let opts = Options {
        as_of,
        allow_not_in_force: req.allow_not_in_force,
        min_strength,
    };
    let plan = match &req.rules {
        Some(ids) => loaded.plan.restrict(ids).map_err(|unknown| {
            errors::raise(
                py,
                "PolicyError",
                &format!(
                    "no rule of the policies given has the id {}; ids are `policy/rule`, as in the report's rules",
                    unknown.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")
                ),
                Vec::new(),
            )
        })?,
        None => loaded.plan,
    };
    Ok((plan, opts, lang, loaded.diagnostics))
}

/// Policies compiled together, with the options of a check.
#[pyclass(frozen, module = "shequ._native")]
pub struct Plan {
    pub plan: shequ::Plan,
    pub opts: Options,
    pub lang: Lang,
    pub request: Request,
    diagnostics: Vec<shequ::Diagnostic>,
}

impl Plan {
    /// Policies loaded only to be explained.
    pub fn new_for_explain(
        py: Python<'_>,
        bundled: Vec<String>,
        texts: Vec<TextIn>,
    ) -> PyResult<shequ::Plan> {
        let req = Request {
            bundled,
            texts,
            as_of: "2000-01-01".into(),
            lang: "zh".into(),
            min_strength: None,
            allow_not_in_force: false,
            rules: None,
        };
        Ok(load(py, &req)?.0)
    }

    fn style(&self, messages: bool) -> Style {
        Style {
            lang: self.lang,
            messages,
        }
    }
}

/// Where a checked roster came from.
enum Origin {
    /// Arrow columns; the columns that are not fields, as they came.
    Arrow(Vec<(String, Vec<ArrayRef>)>),
    /// Python values; the columns that are not fields, as text.
    Py(Vec<(String, Vec<Option<String>>)>),
    /// A roster file, read by the core's readers (kept for the report of the file).
    File {
        path: PathBuf,
        format: Format,
        first: Box<report::stream::FirstPass>,
        extra: Vec<Vec<(Arc<str>, String)>>,
        names: Vec<String>,
    },
}

struct FullOut {
    findings: ArrowTable,
    money: ArrowTable,
    done: Finished,
}

/// A roster checked against a plan: its tables are made when first asked for.
#[pyclass(frozen, module = "shequ._native")]
pub struct Checked {
    plan: Py<Plan>,
    cols: Columns,
    bad: Vec<bool>,
    cell_errors: Vec<CellError>,
    file_errors: Vec<InputErrorDetail>,
    fields: Vec<(String, FieldId)>,
    origin: Origin,
    threads: usize,
    wide: OnceLock<Result<ArrowTable, String>>,
    full: [OnceLock<Result<FullOut, String>>; 2],
}

fn arrow_err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn refused_error(py: Python<'_>, refused: &[(String, String, Option<String>)]) -> PyErr {
    let details: PyResult<Vec<_>> = refused
        .iter()
        .map(|(n, m, h)| errors::column(py, n, m, h.as_deref()))
        .collect();
    let msg: Vec<String> = refused
        .iter()
        .map(|(_, m, h)| match h {
            Some(h) => format!("{m}\n  help: {h}"),
            None => m.clone(),
        })
        .collect();
    match details {
        Ok(d) => errors::raise(py, "InputError", &msg.join("\n"), d),
        Err(e) => e,
    }
}

fn cells_error(py: Python<'_>, cells: &[CellError]) -> PyErr {
    let details: PyResult<Vec<_>> = cells.iter().map(|e| errors::cell(py, e)).collect();
    let shown: Vec<String> = cells
        .iter()
        .take(20)
        .map(|e| format!("row {}, column `{}`: {}", e.row, e.column, e.message))
        .collect();
    let more = if cells.len() > 20 {
        format!("\n… and {} more", cells.len() - 20)
    } else {
        String::new()
    };
    let msg = format!(
        "{}{more}\n{} bad cell(s); fix them, or pass keep_going=True to check the rows with the bad cells counted as missing (res.errors lists them)",
        shown.join("\n"),
        cells.len()
    );
    match details {
        Ok(d) => errors::raise(py, "InputError", &msg, d),
        Err(e) => e,
    }
}

#[pymethods]
impl Plan {
    /// Compiles bundled policies and policy texts (name, text, sources or None).
    #[new]
    #[pyo3(signature = (bundled, texts, as_of, lang = "zh", min_strength = None, allow_not_in_force = false, rules = None))]
    #[allow(
        clippy::too_many_arguments,
        reason = "the options of a check, from Python keywords"
    )]
    fn new(
        py: Python<'_>,
        bundled: Vec<String>,
        texts: Vec<TextIn>,
        as_of: String,
        lang: &str,
        min_strength: Option<String>,
        allow_not_in_force: bool,
        rules: Option<Vec<String>>,
    ) -> PyResult<Plan> {
        let request = Request {
            bundled,
            texts,
            as_of,
            lang: lang.to_string(),
            min_strength,
            allow_not_in_force,
            rules,
        };
        let (plan, opts, lang, diagnostics) = load(py, &request)?;
        Ok(Plan {
            plan,
            opts,
            lang,
            request,
            diagnostics,
        })
    }

    /// What the linter found in the user's policies (warnings and lint errors such as a
    /// quote not found in the source).
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.diagnostics
            .iter()
            .map(|d| errors::diagnostic(py, d))
            .collect()
    }

    /// The policies, layers first.
    fn policy_ids(&self) -> Vec<String> {
        self.plan
            .policies()
            .iter()
            .map(|p| p.meta.id.0.clone())
            .collect()
    }

    /// The report's head (policies and the table of rules) as JSON.
    fn head_json(&self) -> PyResult<String> {
        let w = report::Writer::new(&self.plan, &self.opts, self.style(true));
        serde_json::to_string(&w.head()).map_err(arrow_err)
    }

    /// One community, given as a dict, checked: the JSON of one community of the report.
    #[pyo3(signature = (community, messages = true))]
    fn check_one(
        &self,
        py: Python<'_>,
        community: &Bound<'_, PyDict>,
        messages: bool,
    ) -> PyResult<String> {
        let list = PyList::new(py, [community])?;
        let input = crate::py_in::from_records(&list)?;
        if !input.refused.is_empty() {
            return Err(refused_error(py, &input.refused));
        }
        if !input.errors.is_empty() {
            return Err(cells_error(py, &input.errors));
        }
        let mut row = Row {
            index: 1,
            line: 1,
            ..Row::default()
        };
        input.cols.fill_record(0, &mut row.record);
        for (name, vals) in &input.extra {
            if let Some(Some(v)) = vals.first() {
                row.extra.push((Arc::from(name.as_str()), v.clone()));
            }
        }
        let res = self.plan.evaluate(&row.record, &self.opts);
        let v = report::community_json(&self.plan, &self.opts, self.style(messages), &row, &res);
        serde_json::to_string(&v).map_err(arrow_err)
    }

    /// A table with `__arrow_c_stream__` (pyarrow, polars, pandas …) checked.
    #[pyo3(signature = (data, keep_going = false, threads = 1))]
    fn check_arrow(
        slf: &Bound<'_, Plan>,
        data: &Bound<'_, PyAny>,
        keep_going: bool,
        threads: usize,
    ) -> PyResult<Checked> {
        let py = slf.py();
        let reader = crate::capsule::import_stream(data)?;
        let schema: SchemaRef = arrow_array::RecordBatchReader::schema(&reader);
        // pull the batches with the GIL held (a producer may call back into Python)
        let batches: Vec<RecordBatch> = reader.collect::<Result<_, _>>().map_err(arrow_err)?;
        let input = py.detach(|| {
            for b in &batches {
                for c in b.columns() {
                    c.to_data().validate_full()?;
                }
            }
            Ok::<_, arrow_schema::ArrowError>(crate::arrow_in::read(&schema, &batches))
        });
        let input = input.map_err(arrow_err)?;
        if !input.refused.is_empty() {
            return Err(refused_error(py, &input.refused));
        }
        if !input.errors.is_empty() && !keep_going {
            return Err(cells_error(py, &input.errors));
        }
        let bad = input.bad_rows();
        Ok(Checked::new(
            slf.clone().unbind(),
            input.cols,
            bad,
            input.errors,
            Vec::new(),
            input.fields,
            Origin::Arrow(input.extra),
            threads,
        ))
    }

    /// A list of dicts, or a dict of lists, checked.
    #[pyo3(signature = (data, keep_going = false, threads = 1))]
    fn check_python(
        slf: &Bound<'_, Plan>,
        data: &Bound<'_, PyAny>,
        keep_going: bool,
        threads: usize,
    ) -> PyResult<Checked> {
        let py = slf.py();
        let input = if let Ok(list) = data.cast::<PyList>() {
            crate::py_in::from_records(list)?
        } else if let Ok(d) = data.cast::<PyDict>() {
            crate::py_in::from_columns(d)?
        } else {
            return Err(PyTypeError::new_err(
                "expected a list of dicts or a dict of lists",
            ));
        };
        if !input.refused.is_empty() {
            return Err(refused_error(py, &input.refused));
        }
        if !input.errors.is_empty() && !keep_going {
            return Err(cells_error(py, &input.errors));
        }
        let mut bad = vec![false; input.cols.len()];
        for e in &input.errors {
            if let Some(b) = e.row.checked_sub(1).and_then(|r| bad.get_mut(r)) {
                *b = true;
            }
        }
        Ok(Checked::new(
            slf.clone().unbind(),
            input.cols,
            bad,
            input.errors,
            Vec::new(),
            input.fields,
            Origin::Py(input.extra),
            threads,
        ))
    }

    /// A roster file (CSV, TSV, JSON, JSON Lines, Excel or OpenDocument workbooks) read by
    /// the core's readers, checked. `sheet`: a sheet's name, or its position from 0;
    /// `encoding`: the text encoding (default: detected); `assume`: `FIELD=VALUE` pairs
    /// filled in where a row lacks the field.
    #[pyo3(signature = (path, format = None, keep_going = false, threads = 1, sheet = None, encoding = None, assume = Vec::new()))]
    #[allow(
        clippy::too_many_arguments,
        reason = "the keyword arguments of shequ.check"
    )]
    fn check_path(
        slf: &Bound<'_, Plan>,
        path: PathBuf,
        format: Option<&str>,
        keep_going: bool,
        threads: usize,
        sheet: Option<SheetArg>,
        encoding: Option<&str>,
        assume: Vec<(String, String)>,
    ) -> PyResult<Checked> {
        let py = slf.py();
        let name = path.display().to_string();
        let format = match format {
            Some(f) => Format::from_name(f).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "format `{f}` is not one shequ reads: csv, tsv, json, jsonl, xlsx, xlsb, xls, ods"
                ))
            })?,
            None => Format::from_path(&name).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "cannot tell the format of `{name}` from its name; pass format=\"csv\" (or tsv, json, jsonl, xlsx, xls, ods)"
                ))
            })?,
        };
        let mut read_opts = shequ::input::ReadOptions {
            encoding: match encoding {
                None => None,
                Some(e) => Some(shequ::input::TextEncoding::from_name(e).ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "encoding `{e}` is not one shequ reads: {}",
                        shequ::input::TextEncoding::NAMES
                    ))
                })?),
            },
            sheet: match sheet {
                None => shequ::input::SheetChoice::Auto,
                Some(SheetArg::Name(n)) => shequ::input::SheetChoice::Name(n),
                Some(SheetArg::Index(i)) => shequ::input::SheetChoice::Index(i),
            },
            assume: Vec::new(),
        };
        for (f, v) in &assume {
            let pair = shequ::input::ReadOptions::parse_assumption(&format!("{f}={v}"))
                .map_err(|e| PyValueError::new_err(format!("assume {f}={v}: {e}")))?;
            read_opts.assume.push(pair);
        }
        let open = || {
            std::fs::File::open(&path)
                .map(|f| std::io::BufReader::with_capacity(1 << 16, f))
                .map_err(|e| {
                    errors::core(
                        py,
                        &shequ::Error::Read {
                            file: name.clone(),
                            message: e.to_string(),
                        },
                    )
                })
        };
        let first = {
            let src = open()?;
            py.detach(|| report::stream::first_pass_with(src, format, &name, &read_opts, None))
                .map_err(|e| errors::core(py, &shequ::Error::Input(e)))?
        };
        if first.scan.error_count() > 0 && !keep_going {
            let details: PyResult<Vec<_>> = first
                .scan
                .errors
                .iter()
                .map(|d| errors::input_detail(py, d))
                .collect();
            let msg = report::stream::problems_message(&first.scan)
                .replace("pass `--keep-going`", "pass keep_going=True");
            return Err(errors::raise(py, "InputError", &msg, details?));
        }
        let src = open()?;
        let read = py.detach(|| -> Result<_, shequ::input::InputError> {
            let mut reader = shequ::input::Reader::with_options(src, format, &name, &read_opts)?;
            let mut cols = Columns::new(0);
            let mut chunk: Vec<shequ::Record> = Vec::with_capacity(CHUNK);
            let mut bad = Vec::new();
            let mut extra = Vec::new();
            let mut errs = Vec::new();
            let mut row = Row::default();
            while let Some(next) = reader.next_into(&mut row)? {
                if next != shequ::input::Next::Row {
                    continue;
                }
                bad.push(!row.errors.is_empty());
                errs.append(&mut row.errors);
                extra.push(std::mem::take(&mut row.extra));
                chunk.push(row.record.clone());
                if chunk.len() == CHUNK {
                    cols.append(Columns::from_records(&chunk));
                    chunk.clear();
                }
            }
            cols.append(Columns::from_records(&chunk));
            let names = reader
                .columns()
                .iter()
                .map(|c| c.name.to_string())
                .collect::<Vec<_>>();
            let fields = reader
                .columns()
                .iter()
                .filter_map(|c| c.field.map(|f| (c.name.to_string(), f)))
                .collect::<Vec<_>>();
            Ok((cols, bad, extra, errs, names, fields))
        });
        let (cols, bad, extra, errs, names, fields) =
            read.map_err(|e| errors::core(py, &shequ::Error::Input(e)))?;
        Ok(Checked::new(
            slf.clone().unbind(),
            cols,
            bad,
            Vec::new(),
            errs,
            fields,
            Origin::File {
                path: path.clone(),
                format,
                first: Box::new(first),
                extra,
                names,
            },
            threads,
        ))
    }
}

impl Checked {
    #[allow(
        clippy::too_many_arguments,
        reason = "made in one place, from a plan's checks"
    )]
    fn new(
        plan: Py<Plan>,
        cols: Columns,
        bad: Vec<bool>,
        cell_errors: Vec<CellError>,
        file_errors: Vec<InputErrorDetail>,
        fields: Vec<(String, FieldId)>,
        origin: Origin,
        threads: usize,
    ) -> Checked {
        Checked {
            plan,
            cols,
            bad,
            cell_errors,
            file_errors,
            fields,
            origin,
            threads: threads.max(1),
            wide: OnceLock::new(),
            full: [OnceLock::new(), OnceLock::new()],
        }
    }

    fn wide_table(&self) -> Result<&ArrowTable, String> {
        self.wide
            .get_or_init(|| {
                let p = self.plan.get();
                let n = self.cols.len();
                let mut b = TableBuilder::default();
                let mut start = 0;
                loop {
                    let end = (start + WIDE_CHUNK).min(n);
                    let sliced;
                    let part = if start == 0 && end == n {
                        &self.cols
                    } else {
                        sliced = self.cols.slice(start, end);
                        &sliced
                    };
                    let res = p.plan.evaluate_columns(part, &p.opts, self.threads);
                    b.push(frames::wide_table(&p.plan, res))
                        .map_err(|e| e.to_string())?;
                    start = end;
                    if start >= n {
                        break;
                    }
                }
                b.finish().map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn full(&self, messages: bool) -> Result<&FullOut, String> {
        let [plain, with_messages] = &self.full;
        let slot = if messages { with_messages } else { plain };
        slot.get_or_init(|| {
            let p = self.plan.get();
            let mut run = frames::FullRun::new(&p.plan, &p.opts, p.style(messages), messages);
            let (mut long, mut money) = (TableBuilder::default(), TableBuilder::default());
            let n = self.cols.len();
            let mut start = 0;
            loop {
                let end = (start + CHUNK).min(n);
                run.add(&self.cols, start, end, 0, &self.bad);
                let (l, m) = run.take();
                long.push(l).map_err(|e| e.to_string())?;
                money.push(m).map_err(|e| e.to_string())?;
                start = end;
                if start >= n {
                    break;
                }
            }
            Ok(FullOut {
                findings: long.finish().map_err(|e| e.to_string())?,
                money: money.finish().map_err(|e| e.to_string())?,
                done: run.finish(),
            })
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// The rows as the report's rows (for JSON), each with its pass-through columns.
    fn row(&self, i: usize) -> Row {
        let mut row = Row {
            index: i + 1,
            line: i + 1,
            ..Row::default()
        };
        self.cols.fill_record(i, &mut row.record);
        match &self.origin {
            Origin::Arrow(extra) => {
                for (name, chunks) in extra {
                    if let Some(v) = crate::arrow_in::cell_text(chunks, i) {
                        row.extra.push((Arc::from(name.as_str()), v));
                    }
                }
            }
            Origin::Py(extra) => {
                for (name, vals) in extra {
                    if let Some(Some(v)) = vals.get(i) {
                        row.extra.push((Arc::from(name.as_str()), v.clone()));
                    }
                }
            }
            Origin::File { extra, .. } => {
                if let Some(x) = extra.get(i) {
                    row.extra.clone_from(x);
                }
            }
        }
        for e in self.cell_errors.iter().filter(|e| e.row == i + 1) {
            row.errors.push(InputErrorDetail {
                file: String::new(),
                line: i + 1,
                column: self
                    .fields
                    .iter()
                    .position(|(n, _)| *n == e.column)
                    .map_or(0, |c| c + 1),
                field: Some(e.column.clone()),
                record: Some(i + 1),
                value: Some(e.value.clone()),
                code: "value",
                message: e.message.clone(),
                help: None,
                message_zh: e.message_zh.clone(),
                help_zh: None,
            });
        }
        row
    }
}

#[pymethods]
impl Checked {
    /// Number of rows checked.
    fn __len__(&self) -> usize {
        self.cols.len()
    }

    /// Every bad cell (with `keep_going`), as dicts.
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let mut out: Vec<Bound<'py, PyDict>> = self
            .cell_errors
            .iter()
            .map(|e| errors::cell(py, e))
            .collect::<PyResult<_>>()?;
        for e in &self.file_errors {
            out.push(errors::input_detail(py, e)?);
        }
        Ok(out)
    }

    /// The input columns read as fields, and the field each is.
    fn fields(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .map(|(n, f)| (n.clone(), f.name().to_string()))
            .collect()
    }

    /// The wide table: a status and a shortfall column per rule, money per payer.
    fn wide(&self, py: Python<'_>) -> PyResult<ArrowTable> {
        let t = py.detach(|| self.wide_table().map(clone_table));
        t.map_err(arrow_err)
    }

    /// The long table: one row per community × rule.
    #[pyo3(signature = (messages = false))]
    fn findings(&self, py: Python<'_>, messages: bool) -> PyResult<ArrowTable> {
        let t = py.detach(|| self.full(messages).map(|f| clone_table(&f.findings)));
        t.map_err(arrow_err)
    }

    /// Money per community, rule and payer.
    fn obligations(&self, py: Python<'_>) -> PyResult<ArrowTable> {
        let t = py.detach(|| self.full(false).map(|f| clone_table(&f.money)));
        t.map_err(arrow_err)
    }

    /// The roster-level findings.
    #[pyo3(signature = (messages = false))]
    fn roster(&self, py: Python<'_>, messages: bool) -> PyResult<ArrowTable> {
        let p = self.plan.get();
        let t = py.detach(|| {
            self.full(false).and_then(|f| {
                table(frames::roster_table(
                    &p.plan,
                    &f.done,
                    p.style(messages),
                    messages,
                ))
                .map_err(|e| e.to_string())
            })
        });
        t.map_err(arrow_err)
    }

    /// The money totals over the roster, per rule and payer.
    fn totals(&self, py: Python<'_>) -> PyResult<ArrowTable> {
        let p = self.plan.get();
        let t = py.detach(|| {
            self.full(false).and_then(|f| {
                table(frames::totals_table(&p.plan, &f.done, p.lang)).map_err(|e| e.to_string())
            })
        });
        t.map_err(arrow_err)
    }

    /// The summary: per rule, and per field missing somewhere.
    fn summary(&self, py: Python<'_>) -> PyResult<(ArrowTable, ArrowTable)> {
        let p = self.plan.get();
        let t = py.detach(|| {
            self.full(false).and_then(|f| {
                let (rules, missing) = frames::summary_tables(&p.plan, &p.opts, &f.done);
                Ok((
                    table(rules).map_err(|e| e.to_string())?,
                    table(missing).map_err(|e| e.to_string())?,
                ))
            })
        });
        t.map_err(arrow_err)
    }

    /// The input's own columns as a table (for inputs that are not data frames): the fields
    /// as read, the pass-through columns as text.
    fn input_table(&self, py: Python<'_>) -> PyResult<ArrowTable> {
        let mut columns = Vec::new();
        let names: Vec<String> = match &self.origin {
            Origin::File { names, .. } => names.clone(),
            Origin::Py(extra) => self
                .fields
                .iter()
                .map(|(n, _)| n.clone())
                .chain(extra.iter().map(|(n, _)| n.clone()))
                .collect(),
            Origin::Arrow(extra) => self
                .fields
                .iter()
                .map(|(n, _)| n.clone())
                .chain(extra.iter().map(|(n, _)| n.clone()))
                .collect(),
        };
        let n = self.cols.len();
        let mut rec = shequ::Record::new();
        let t = py.detach(|| {
            let mut values: Vec<Vec<Option<shequ::record::JsonVal>>> =
                vec![Vec::with_capacity(n); self.fields.len()];
            for i in 0..n {
                self.cols.fill_record(i, &mut rec);
                for ((_, f), col) in self.fields.iter().zip(values.iter_mut()) {
                    col.push(rec.get(*f).map(|v| shequ::record::JsonVal::of(*f, v)));
                }
            }
            for name in &names {
                if let Some(k) = self.fields.iter().position(|(m, _)| m == name) {
                    let col = values.get(k).cloned().unwrap_or_default();
                    columns.push((name.clone(), json_cells(col)));
                } else {
                    let texts: Vec<Option<String>> = (0..n)
                        .map(|i| {
                            self.row(i)
                                .extra
                                .iter()
                                .find(|(k, _)| k.as_ref() == name.as_str())
                                .map(|(_, v)| v.clone())
                        })
                        .collect();
                    columns.push((name.clone(), frames::Cells::Text(texts)));
                }
            }
            table(frames::Frame { columns }).map_err(|e| e.to_string())
        });
        t.map_err(arrow_err)
    }

    /// The report as the command writes it with `--format json` (for a roster file, byte
    /// for byte the same).
    #[pyo3(signature = (messages = true))]
    fn to_json(&self, py: Python<'_>, messages: bool) -> PyResult<String> {
        let p = self.plan.get();
        let w = report::Writer::new(&p.plan, &p.opts, p.style(messages));
        let out = py.detach(|| -> Result<Vec<u8>, String> {
            let mut sink = report::json::JsonSink::new(Vec::new());
            match &self.origin {
                Origin::File {
                    path,
                    format,
                    first,
                    ..
                } => {
                    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
                    let name = path.display().to_string();
                    report::stream::second_pass(
                        &w,
                        std::io::BufReader::new(f),
                        *format,
                        &name,
                        first,
                        &mut sink,
                    )
                    .map_err(|e| e.to_string())?;
                }
                _ => {
                    let rows: Vec<Row> = (0..self.cols.len()).map(|i| self.row(i)).collect();
                    report::write_rows(&p.plan, &p.opts, w.style, &rows, &[], None, &mut sink)
                        .map_err(|e| e.to_string())?;
                }
            }
            Ok(sink.into_inner())
        });
        let bytes = out.map_err(arrow_err)?;
        String::from_utf8(bytes).map_err(arrow_err)
    }

    /// The roster part of this check (roster accumulators and summary) as bytes, to be
    /// combined with the parts of the roster's other partitions.
    fn part<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let p = self.plan.get();
        let f = py
            .detach(|| self.full(false).map(|f| f.done.clone()))
            .map_err(arrow_err)?;
        let part = Part {
            shequ_part: 1,
            request: p.request.clone(),
            rows: self.cols.len(),
            acc: f.acc,
            summary: f.summary,
        };
        let bytes = serde_json::to_vec(&part).map_err(arrow_err)?;
        Ok(PyBytes::new(py, &bytes))
    }
}

fn json_cells(col: Vec<Option<shequ::record::JsonVal>>) -> frames::Cells {
    use shequ::record::JsonVal;
    if col.iter().flatten().all(|v| matches!(v, JsonVal::Num(_))) {
        frames::Cells::Num(
            col.into_iter()
                .map(|v| match v {
                    Some(JsonVal::Num(n)) => Some(n),
                    _ => None,
                })
                .collect(),
        )
    } else if col.iter().flatten().all(|v| matches!(v, JsonVal::Flag(_))) {
        frames::Cells::Bool(
            col.into_iter()
                .map(|v| match v {
                    Some(JsonVal::Flag(b)) => Some(b),
                    _ => None,
                })
                .collect(),
        )
    } else {
        frames::Cells::Text(
            col.into_iter()
                .map(|v| match v {
                    Some(JsonVal::Text(t)) => Some(t),
                    Some(JsonVal::Num(n)) => Some(n.to_exact_string()),
                    Some(JsonVal::Flag(b)) => Some(b.to_string()),
                    None => None,
                })
                .collect(),
        )
    }
}

fn clone_table(t: &ArrowTable) -> ArrowTable {
    ArrowTable {
        schema: t.schema.clone(),
        batches: t.batches.clone(),
    }
}

/// A roster part, as it travels between processes.
#[derive(Serialize, Deserialize)]
struct Part {
    shequ_part: u32,
    request: Request,
    rows: usize,
    acc: shequ::roster::RosterAcc,
    summary: shequ::report::Summary,
}

/// The roster-level results of parts combined, in the order given: (roster findings,
/// money totals, summary per rule, summary per missing field, rows).
#[pyfunction]
#[pyo3(signature = (parts, messages = false))]
pub fn combine(
    py: Python<'_>,
    parts: Vec<Vec<u8>>,
    messages: bool,
) -> PyResult<(ArrowTable, ArrowTable, ArrowTable, ArrowTable, usize)> {
    let mut parsed: Vec<Part> = Vec::with_capacity(parts.len());
    for (i, b) in parts.iter().enumerate() {
        let p: Part = serde_json::from_slice(b).map_err(|e| {
            PyValueError::new_err(format!("part {} is not a shequ roster part: {e}", i + 1))
        })?;
        parsed.push(p);
    }
    let mut it = parsed.into_iter();
    let Some(first) = it.next() else {
        return Err(PyValueError::new_err("no parts to combine"));
    };
    let (plan, opts, lang, _) = load(py, &first.request)?;
    let mut acc = first.acc;
    let mut summary = first.summary;
    let mut rows = first.rows;
    for (i, p) in it.enumerate() {
        acc.merge(&p.acc).map_err(|e| {
            errors::raise(
                py,
                "MergeError",
                &format!("part {}: {e}", i + 2),
                Vec::new(),
            )
        })?;
        summary.merge(&p.summary);
        rows += p.rows;
    }
    let done = Finished {
        roster: acc.findings(&plan, &opts),
        acc,
        summary,
    };
    let style = Style { lang, messages };
    let roster = table(frames::roster_table(&plan, &done, style, messages)).map_err(arrow_err)?;
    let totals = table(frames::totals_table(&plan, &done, lang)).map_err(arrow_err)?;
    let (r, m) = frames::summary_tables(&plan, &opts, &done);
    Ok((
        roster,
        totals,
        table(r).map_err(arrow_err)?,
        table(m).map_err(arrow_err)?,
        rows,
    ))
}
