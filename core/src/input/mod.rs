//! Reading rosters: CSV and TSV (UTF-8, with or without BOM, English or Chinese headers),
//! JSON (an array of objects, or `{"communities": [...]}`) and JSON Lines.
//!
//! A [`Reader`] streams a roster row by row, so a roster of any size is read in bounded
//! memory (a JSON array is held as text, but its records are read one at a time). Every
//! problem in a cell is collected on its row ([`Row::errors`]) and the row is still
//! returned, with that cell missing: the caller decides whether to stop or to evaluate the
//! good rows. Problems that make the whole file unreadable (an empty file, a header that
//! misnames a field, broken JSON) end the reading with an [`InputError`] that lists every
//! such problem found.
//!
//! Unknown columns pass through ([`Row::extra`]); a column that looks like a misspelt
//! field is an error with a suggestion; rows of empty cells are skipped and reported
//! ([`Skipped`]), never turned into communities.

mod delimited;
mod json;

use std::io::Read;
use std::sync::Arc;

use serde::Serialize;

use crate::field::{self, FieldId};
use crate::record::{Record, Val};

/// The largest input text a JSON roster may be (JSON is held as text while its records
/// are read; CSV and JSON Lines stream and have no such limit).
pub const MAX_JSON_BYTES: usize = 1 << 30;

/// Where a record came from and what else it carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowMeta {
    /// 1-based line in the input where the record starts.
    pub line: usize,
    /// Columns or keys that are not fields, in input order.
    pub extra: Vec<(String, String)>,
}

/// A whole roster read into memory (see [`read_all`]); for large inputs, stream with a
/// [`Reader`] instead.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    pub records: Vec<Record>,
    pub rows: Vec<RowMeta>,
    /// Each column (or JSON key) and the field it maps to.
    pub columns: Vec<(String, Option<FieldId>)>,
    /// Rows that are not data, with the reason.
    pub skipped: Vec<Skipped>,
    /// Every bad cell, when the roster was read with [`read_all_lenient`].
    pub errors: Vec<InputErrorDetail>,
}

/// A problem in a roster, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InputErrorDetail {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The field or header involved, if any.
    pub field: Option<String>,
    /// 1-based data row number, if the problem is in a row.
    pub record: Option<usize>,
    /// The value as written, when one cell is at fault.
    pub value: Option<String>,
    /// A stable code: `empty`, `header`, `unknown_header`, `wrong_unit`, `duplicate_column`,
    /// `duplicate_key`, `value`, `ragged_row`, `unclosed_quote`, `syntax`, `encoding`,
    /// `not_an_object`, `no_rows`, `io`.
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for InputErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Problems in a roster: every one found, each `file:line:column: message` with a help
/// line when there is something to do. Dereferences to the first problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError(pub Vec<InputErrorDetail>);

impl InputError {
    fn one(d: InputErrorDetail) -> InputError {
        InputError(vec![d])
    }

    /// Every problem found.
    pub fn details(&self) -> &[InputErrorDetail] {
        &self.0
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > 1 {
            write!(f, "\n{} problems in all", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

static NO_DETAIL: std::sync::OnceLock<InputErrorDetail> = std::sync::OnceLock::new();

impl std::ops::Deref for InputError {
    type Target = InputErrorDetail;
    fn deref(&self) -> &InputErrorDetail {
        match self.0.first() {
            Some(d) => d,
            None => NO_DETAIL.get_or_init(|| InputErrorDetail {
                file: String::new(),
                line: 0,
                column: 0,
                field: None,
                record: None,
                value: None,
                code: "io",
                message: "no detail".into(),
                help: None,
            }),
        }
    }
}

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// A JSON array of objects, or an object with a `communities` array.
    Json,
    /// One JSON object per line.
    #[serde(rename = "jsonl")]
    JsonLines,
}

impl Format {
    /// Guesses the format from a file name.
    pub fn from_path(path: &str) -> Option<Format> {
        let p = path.to_lowercase();
        if p.ends_with(".csv") {
            Some(Format::Csv)
        } else if p.ends_with(".tsv") || p.ends_with(".tab") {
            Some(Format::Tsv)
        } else if p.ends_with(".jsonl") || p.ends_with(".ndjson") {
            Some(Format::JsonLines)
        } else if p.ends_with(".json") {
            Some(Format::Json)
        } else {
            None
        }
    }

    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
        }
    }
}

/// A column of the input (a CSV header, or a JSON key in order of first appearance).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The header as written (trimmed).
    pub name: Arc<str>,
    /// The field it names, if any.
    pub field: Option<FieldId>,
    /// A share column headed `(%)`: `70` means 70 %.
    pub percent_points: bool,
}

/// Why a row of the input is not a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SkipReason {
    /// Every cell is empty.
    Blank,
}

impl SkipReason {
    /// A short explanation.
    pub fn text(self, lang: crate::Lang) -> &'static str {
        match (self, lang) {
            (SkipReason::Blank, crate::Lang::Zh) => "空行(各单元格均为空)",
            (SkipReason::Blank, crate::Lang::En) => "blank row (every cell is empty)",
        }
    }
}

/// A row that is not a record, with why it was left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    /// 1-based line in the input.
    pub line: usize,
    pub reason: SkipReason,
}

/// One data row: its record, pass-through cells and every problem in its cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// 1-based number among the data rows (skipped rows are not counted).
    pub index: usize,
    /// 1-based line where the row starts.
    pub line: usize,
    /// The recognised fields (a bad cell is left missing and listed in `errors`).
    pub record: Record,
    /// Cells of columns that are not fields, as written (empty cells left out).
    pub extra: Vec<(Arc<str>, String)>,
    /// Problems in this row's cells.
    pub errors: Vec<InputErrorDetail>,
}

impl Row {
    fn clear(&mut self) {
        self.index = 0;
        self.line = 0;
        self.record.reset();
        self.extra.clear();
        self.errors.clear();
    }
}

/// What [`Reader::next_into`] read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// A data row (in the row passed in).
    Row,
    /// A row that is not data.
    Skipped(Skipped),
}

enum Inner<'a> {
    Delimited(Box<delimited::Delimited<'a>>),
    Json(json::JsonRecords),
    Lines(json::JsonLines<'a>),
}

/// Reads a roster row by row.
pub struct Reader<'a> {
    inner: Inner<'a>,
    file: String,
    format: Format,
    columns: Vec<Column>,
    rows: usize,
    skipped: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading from a byte stream (a file, standard input, a buffer). For CSV and
    /// TSV the header row is read at once, and every problem in it is reported together.
    pub fn new(src: impl Read + 'a, format: Format, file: &str) -> Result<Reader<'a>, InputError> {
        let mut r = Reader {
            inner: Inner::Json(json::JsonRecords::empty()),
            file: file.to_string(),
            format,
            columns: Vec::new(),
            rows: 0,
            skipped: 0,
        };
        r.inner = match format {
            Format::Csv => Inner::Delimited(Box::new(delimited::Delimited::new(
                Box::new(src),
                b',',
                file,
                &mut r.columns,
            )?)),
            Format::Tsv => Inner::Delimited(Box::new(delimited::Delimited::new(
                Box::new(src),
                b'\t',
                file,
                &mut r.columns,
            )?)),
            Format::Json => Inner::Json(json::JsonRecords::new(src, file)?),
            Format::JsonLines => Inner::Lines(json::JsonLines::new(Box::new(src))),
        };
        Ok(r)
    }

    /// Starts reading a text.
    pub fn from_text(text: &'a str, format: Format, file: &str) -> Result<Reader<'a>, InputError> {
        Reader::new(text.as_bytes(), format, file)
    }

    /// The columns seen so far (all of them for CSV; JSON keys as they appear).
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Data rows read so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Rows skipped so far.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// Reads the next row into `row` (reusing its allocations). `Ok(None)` at the end;
    /// `Err` when the rest of the input cannot be read.
    pub fn next_into(&mut self, row: &mut Row) -> Result<Option<Next>, InputError> {
        row.clear();
        let next = match &mut self.inner {
            Inner::Delimited(d) => d.next_into(row, &self.file, &self.columns)?,
            Inner::Json(j) => j.next_into(row, &self.file, &mut self.columns)?,
            Inner::Lines(l) => l.next_into(row, &self.file, &mut self.columns)?,
        };
        match &next {
            Some(Next::Row) => {
                self.rows += 1;
                row.index = self.rows;
                for e in &mut row.errors {
                    e.record = Some(self.rows);
                }
            }
            Some(Next::Skipped(_)) => self.skipped += 1,
            None => {
                if self.rows == 0 {
                    return Err(InputError::one(no_rows(&self.file, self.format)));
                }
            }
        }
        Ok(next)
    }
}

fn no_rows(file: &str, format: Format) -> InputErrorDetail {
    let (message, help) = match format {
        Format::Csv | Format::Tsv => (
            "the file has a header row but no data rows",
            "add one row per community",
        ),
        Format::Json => (
            "the JSON roster has no records",
            "give an array of objects, one per community",
        ),
        Format::JsonLines => (
            "the JSON Lines file has no records",
            "write one JSON object per line",
        ),
    };
    detail(file, 1, 1, "no_rows", message.into(), Some(help.into()))
}

fn detail(
    file: &str,
    line: usize,
    column: usize,
    code: &'static str,
    message: String,
    help: Option<String>,
) -> InputErrorDetail {
    InputErrorDetail {
        file: file.to_string(),
        line,
        column,
        field: None,
        record: None,
        value: None,
        code,
        message,
        help,
    }
}

/// Reads a whole roster; `Err` lists every problem when any cell or the file is bad.
pub fn read_all(src: impl Read, format: Format, file: &str) -> Result<Roster, InputError> {
    let r = read_all_lenient(src, format, file)?;
    if r.errors.is_empty() {
        Ok(r)
    } else {
        Err(InputError(r.errors))
    }
}

/// Reads a whole roster, keeping rows with bad cells (those cells missing) and listing
/// every problem in [`Roster::errors`]; `Err` only when the file as a whole is unreadable.
pub fn read_all_lenient(src: impl Read, format: Format, file: &str) -> Result<Roster, InputError> {
    let mut reader = Reader::new(src, format, file)?;
    let mut roster = Roster::default();
    let mut row = Row::default();
    while let Some(next) = reader.next_into(&mut row)? {
        match next {
            Next::Row => {
                roster.errors.append(&mut row.errors);
                roster.records.push(row.record.clone());
                roster.rows.push(RowMeta {
                    line: row.line,
                    extra: row
                        .extra
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                });
            }
            Next::Skipped(s) => roster.skipped.push(s),
        }
    }
    roster.columns = reader
        .columns()
        .iter()
        .map(|c| (c.name.to_string(), c.field))
        .collect();
    Ok(roster)
}

/// What a first pass over a roster found: how many rows, which were skipped, every
/// column, and the problems in its cells (the first [`Scan::KEPT`] kept in full, the rest
/// counted).
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub rows: usize,
    pub skipped: Vec<Skipped>,
    pub columns: Vec<Column>,
    pub errors: Vec<InputErrorDetail>,
    /// Problems found beyond those kept.
    pub more_errors: usize,
    /// Data rows with at least one problem.
    pub rows_with_errors: usize,
}

impl Scan {
    /// How many problems a scan keeps in full.
    pub const KEPT: usize = 10_000;

    /// Every problem found, kept or not.
    pub fn error_count(&self) -> usize {
        self.errors.len() + self.more_errors
    }
}

/// Reads a roster through without keeping its rows: the first pass of a run that wants
/// to know every problem before it evaluates anything.
pub fn scan(src: impl Read, format: Format, file: &str) -> Result<Scan, InputError> {
    let mut reader = Reader::new(src, format, file)?;
    let mut out = Scan::default();
    let mut row = Row::default();
    while let Some(next) = reader.next_into(&mut row)? {
        match next {
            Next::Row => {
                out.rows += 1;
                if !row.errors.is_empty() {
                    out.rows_with_errors += 1;
                }
                for e in row.errors.drain(..) {
                    if out.errors.len() < Scan::KEPT {
                        out.errors.push(e);
                    } else {
                        out.more_errors += 1;
                    }
                }
            }
            Next::Skipped(s) => out.skipped.push(s),
        }
    }
    out.columns = reader.columns().to_vec();
    Ok(out)
}

/// Parses a roster text; `Err` lists every problem when any is found.
pub fn parse(text: &str, format: Format, file: &str) -> Result<Roster, InputError> {
    read_all(text.as_bytes(), format, file)
}

/// Parses CSV text (comma-separated).
pub fn parse_csv(text: &str, file: &str) -> Result<Roster, InputError> {
    parse(text, Format::Csv, file)
}

/// Parses tab-separated text.
pub fn parse_tsv(text: &str, file: &str) -> Result<Roster, InputError> {
    parse(text, Format::Tsv, file)
}

/// Parses a JSON array of objects, or an object with a `communities` array.
pub fn parse_json(text: &str, file: &str) -> Result<Roster, InputError> {
    parse(text, Format::Json, file)
}

/// Parses JSON Lines: one object per non-blank line.
pub fn parse_jsonl(text: &str, file: &str) -> Result<Roster, InputError> {
    parse(text, Format::JsonLines, file)
}

/// What a header or key maps to: a field and whether its shares are in percent points,
/// or `None` for a pass-through column.
pub type Mapped = Option<(FieldId, bool)>;

/// A code, a message and its help line.
pub type Problem = (&'static str, String, Option<String>);

/// What a column's header means: a field (and whether its shares are in percent
/// points), `None` for a pass-through column, or why it cannot be used (a code, a message
/// and a help line): the reading every surface shares.
pub fn classify_header(h: &str) -> Result<Mapped, Problem> {
    map_header(h.trim(), "column")
}

/// Maps a header (`what` is "header" or "key", for messages).
fn map_header(h: &str, what: &str) -> Result<Mapped, Problem> {
    match field::resolve_header(h) {
        field::Header::Field {
            field,
            percent_points,
        } => return Ok(Some((field, percent_points))),
        field::Header::WrongUnit { field, unit } => {
            let units = field::unit_words(field.def().unit);
            return Err((
                "wrong_unit",
                format!("{what} `{h}` names `{}` in `{unit}`, but it is measured in {}", field.name(), units.first().copied().unwrap_or("its own unit")),
                Some(format!("convert the values to {} and write the {what} as `{}`, or give it a name that is not a field", units.first().copied().unwrap_or("the field's unit"), field.def().zh)),
            ));
        }
        field::Header::Other => {}
    }
    let (rename, thing) = if what == "key" {
        ("rename the key", "key")
    } else {
        ("rename the column", "column")
    };
    match field::suggest(h) {
        Some(s) => Err((
            "unknown_header",
            format!("{what} `{h}` is not a known field, but looks like `{s}` ({})", field::by_id(s).map_or("", |f| f.def().zh)),
            Some(format!("{rename} to `{s}`, or to something that does not resemble a field if it is your own {thing}")),
        )),
        None => Ok(None),
    }
}

/// Puts one cell into a row: a field's value into the record (a bad value becomes an
/// error of the row, the field left missing), anything else into the pass-through cells.
fn put_cell(row: &mut Row, col: &Column, text: &str, file: &str, column: usize) {
    match col.field {
        Some(f) => match Record::parse_value_in(f, text, col.percent_points) {
            Ok(Some(v)) => row.record.set(f, v),
            Ok(None) => {}
            Err(e) => row.errors.push(InputErrorDetail {
                file: file.to_string(),
                line: row.line,
                column,
                field: Some(col.name.to_string()),
                record: None,
                value: Some(text.trim().to_string()),
                code: "value",
                message: format!("column `{}` ({}): {e}", col.name, f.name()),
                help: None,
            }),
        },
        None => {
            if !text.is_empty() {
                row.extra.push((col.name.clone(), text.to_string()));
            }
        }
    }
}

/// Sets a yes/no field from a JSON `true`/`false` directly.
fn put_flag(row: &mut Row, col: &Column, b: bool) -> bool {
    match col.field {
        Some(f) if f.def().unit == field::Unit::Flag => {
            row.record.set(f, Val::Flag(b));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::Num;

    fn hh() -> FieldId {
        field::by_id("households").unwrap_or(FieldId(0))
    }

    #[test]
    fn csv_with_bom_and_chinese_headers() {
        let text = "\u{feff}社区名称,户数,常住人口,备注\n东关社区,2345,7600,老城区\n";
        let r = parse_csv(text, "r.csv").unwrap_or_default();
        assert_eq!(r.records.len(), 1);
        assert_eq!(
            r.records.first().and_then(|x| x.num(hh())),
            Some(Num::int(2345))
        );
        assert_eq!(
            r.rows.first().map(|m| m.extra.clone()),
            Some(vec![("备注".to_string(), "老城区".to_string())])
        );
        assert_eq!(r.rows.first().map(|m| m.line), Some(2));
    }

    #[test]
    fn misspelt_header_is_an_error_with_a_suggestion() {
        let e = parse_csv("name,housholds\nA,10\n", "r.csv").err();
        let e = e.map(|e| (e.line, e.column, e.help.clone().unwrap_or_default()));
        assert_eq!(e.as_ref().map(|x| (x.0, x.1)), Some((1, 2)));
        assert!(e.is_some_and(|x| x.2.contains("households")));
    }

    #[test]
    fn bad_value_points_at_line_and_column() {
        let e = parse_csv("name,households\nA,10\nB,12.5\n", "r.csv").err();
        let e = e.map(|e| (e.line, e.column, e.field.clone().unwrap_or_default()));
        assert_eq!(e, Some((3, 2, "households".to_string())));
    }

    #[test]
    fn every_bad_cell_is_reported_and_rows_are_kept() {
        let text = "name,households,residents\nA,x,10\nB,12.5,-3\nC,100,200\n";
        let r = read_all_lenient(text.as_bytes(), Format::Csv, "r.csv");
        let r = r.unwrap_or_default();
        assert_eq!(r.records.len(), 3, "no row is dropped");
        let cells: Vec<(usize, usize, Option<usize>)> = r
            .errors
            .iter()
            .map(|e| (e.line, e.column, e.record))
            .collect();
        assert_eq!(
            cells,
            vec![(2, 2, Some(1)), (3, 2, Some(2)), (3, 3, Some(2))]
        );
        assert_eq!(r.records.first().and_then(|x| x.num(hh())), None);
        let strict = parse_csv(text, "r.csv").err().map(|e| e.details().len());
        assert_eq!(strict, Some(3));
    }

    #[test]
    fn json_forms() {
        let a = parse_json(
            r#"[{"name":"A","户数":100},{"name":"B","households":200}]"#,
            "r.json",
        );
        assert_eq!(a.map(|r| r.records.len()).ok(), Some(2));
        let b = parse_json(
            "{\"communities\": [\n{\"name\":\"A\"},\n{\"name\":\"B\",\"residents\":\"x\"}]}",
            "r.json",
        );
        assert_eq!(b.err().map(|e| (e.line, e.record)), Some((3, Some(2))));
        let c = parse_jsonl("{\"name\":\"A\"}\n\n{\"households\": 5}\n", "r.jsonl");
        assert_eq!(
            c.map(|r| r.rows.iter().map(|m| m.line).collect::<Vec<_>>())
                .ok(),
            Some(vec![1, 3])
        );
    }

    #[test]
    fn blank_rows_are_skipped_and_reported() {
        let r = parse_csv("name,households\nA,10\n,\n , \nB,20\n", "r.csv").unwrap_or_default();
        assert_eq!(r.records.len(), 2);
        assert_eq!(
            r.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert_eq!(r.rows.get(1).map(|m| m.line), Some(5));
    }

    #[test]
    fn unclosed_quote_swallowing_rows_is_an_error_not_a_lost_row() {
        let text = "name,households,备注\nA,10,\"ok\nB,20,x\nC,30,y\n";
        let r = read_all_lenient(text.as_bytes(), Format::Csv, "r.csv").unwrap_or_default();
        let e = r.errors.first();
        assert_eq!(
            e.map(|e| (e.code, e.line, e.column)),
            Some(("unclosed_quote", 2, 3))
        );
        assert!(
            parse_csv(text, "r.csv").is_err(),
            "the strict reader refuses it"
        );
        // a note that really spans lines (no separators in it) is kept
        let ok = parse_csv(
            "name,households,备注\nA,10,\"line one\nline two\"\nB,20,x\n",
            "r.csv",
        )
        .unwrap_or_default();
        assert_eq!(ok.records.len(), 2);
        assert_eq!(ok.rows.get(1).map(|m| m.line), Some(4));
    }

    #[test]
    fn crlf_and_lone_cr_line_numbers() {
        let r = parse_csv("name,households\r\nA,1\r\nB,2\rC,3\n", "r.csv").unwrap_or_default();
        assert_eq!(
            r.rows.iter().map(|m| m.line).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
    }
}
