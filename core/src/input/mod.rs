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

#[cfg(feature = "encodings")]
mod decode;
mod delimited;
#[cfg(feature = "excel")]
mod excel;
mod json;
mod table;

use std::io::Read;
use std::sync::Arc;

use serde::Serialize;

use crate::diag::{text, Text};
use crate::field::{self, FieldId};
use crate::lang::Lang;
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
    /// What reading the row changed (see [`Row::issues`]).
    pub issues: Vec<crate::validate::DataIssue>,
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
    /// The message in Chinese.
    pub message_zh: String,
    /// The help in Chinese.
    pub help_zh: Option<String>,
}

impl InputErrorDetail {
    /// The message in a language.
    pub fn message_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message,
        }
    }

    /// The help in a language.
    pub fn help_in(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Zh => self.help_zh.as_deref(),
            Lang::En => self.help.as_deref(),
        }
    }

    /// The problem as [`std::fmt::Display`] writes it, in a language:
    /// `file:line:column: message`, then `  help: …` (in Chinese `  提示: …`) when there is
    /// something to do. In English it is exactly the `Display`.
    pub fn display_in(&self, lang: Lang) -> String {
        let mut s = format!(
            "{}:{}:{}: {}",
            self.file,
            self.line,
            self.column,
            self.message_in(lang)
        );
        if let Some(h) = self.help_in(lang) {
            s.push_str(match lang {
                Lang::Zh => "\n  提示: ",
                Lang::En => "\n  help: ",
            });
            s.push_str(h);
        }
        s
    }
}

impl std::fmt::Display for InputErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display_in(Lang::En))
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

    /// Every problem as [`std::fmt::Display`] writes them, in a language: one
    /// [`InputErrorDetail::display_in`] after another, and how many there are when there
    /// are several (`3 problems in all`, `共 3 处问题`).
    pub fn display_in(&self, lang: Lang) -> String {
        let mut s = String::new();
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&d.display_in(lang));
        }
        if self.0.len() > 1 {
            s.push_str(&match lang {
                Lang::Zh => format!("\n共 {} 处问题", self.0.len()),
                Lang::En => format!("\n{} problems in all", self.0.len()),
            });
        }
        s
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display_in(Lang::En))
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
                message_zh: "没有详细信息".into(),
                help_zh: None,
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
    /// An Excel workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// An Excel binary workbook (`.xlsb`).
    Xlsb,
    /// An Excel 97–2003 workbook (`.xls`).
    Xls,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
}

impl Format {
    /// Every format, in the order the command lists them.
    pub const ALL: [Format; 8] = [
        Format::Csv,
        Format::Tsv,
        Format::Json,
        Format::JsonLines,
        Format::Xlsx,
        Format::Xlsb,
        Format::Xls,
        Format::Ods,
    ];

    /// Guesses the format from a file name.
    pub fn from_path(path: &str) -> Option<Format> {
        let p = path.to_lowercase();
        let ext = p.rsplit_once('.').map_or("", |(_, e)| e);
        Some(match ext {
            "csv" | "txt" => Format::Csv,
            "tsv" | "tab" => Format::Tsv,
            "jsonl" | "ndjson" => Format::JsonLines,
            "json" => Format::Json,
            "xlsx" | "xlsm" => Format::Xlsx,
            "xlsb" => Format::Xlsb,
            "xls" | "et" => Format::Xls,
            "ods" => Format::Ods,
            _ => return None,
        })
    }

    /// A format by the name used in reports and on the command line.
    pub fn from_name(name: &str) -> Option<Format> {
        let n = name.trim().to_lowercase();
        match n.as_str() {
            "ndjson" | "json-lines" | "jsonlines" => Some(Format::JsonLines),
            "xlsm" | "excel" => Some(Format::Xlsx),
            _ => Format::ALL.into_iter().find(|f| f.name() == n),
        }
    }

    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }

    /// A spreadsheet workbook rather than text.
    pub fn is_workbook(self) -> bool {
        matches!(
            self,
            Format::Xlsx | Format::Xlsb | Format::Xls | Format::Ods
        )
    }

    /// Whether this build reads the format (workbooks need the `excel` feature).
    pub fn supported(self) -> bool {
        !self.is_workbook() || cfg!(feature = "excel")
    }
}

/// The text encoding of a roster file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TextEncoding {
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// UTF-16, little-endian (Excel's "Unicode text").
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// GB18030, which contains GBK and GB2312: what Chinese Excel saves as "CSV".
    #[serde(rename = "gb18030")]
    Gb18030,
}

impl TextEncoding {
    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Gb18030 => "gb18030",
        }
    }

    /// An encoding by a name people use (`gbk`, `GB2312`, `utf8`, `unicode` …).
    pub fn from_name(name: &str) -> Option<TextEncoding> {
        let n: String = name
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect();
        Some(match n.as_str() {
            "utf8" => TextEncoding::Utf8,
            "utf8bom" | "utf8sig" => TextEncoding::Utf8Bom,
            "utf16" | "utf16le" | "unicode" | "ucs2" => TextEncoding::Utf16Le,
            "utf16be" => TextEncoding::Utf16Be,
            "gb18030" | "gbk" | "gb2312" | "cp936" | "ansi" | "936" => TextEncoding::Gb18030,
            _ => return None,
        })
    }

    /// Every name [`TextEncoding::from_name`] knows, for help texts.
    pub const NAMES: &'static str = "utf-8, utf-8-bom, utf-16le, utf-16be, gb18030 (gbk, gb2312)";
}

/// Which sheet of a workbook to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SheetChoice {
    /// The first visible sheet whose first rows hold a header of known fields (or the
    /// first sheet).
    #[default]
    Auto,
    /// A sheet by name; when no sheet has that name and it is a number, the sheet at that
    /// position counting from 1 (`--sheet 2`).
    Name(String),
    /// A sheet by position, from 0.
    Index(usize),
}

/// How to read a roster beyond its format.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The text encoding; `None` to detect it (UTF-8 with or without a mark, UTF-16,
    /// else GB18030).
    pub encoding: Option<TextEncoding>,
    /// The sheet of a workbook.
    pub sheet: SheetChoice,
    /// Values to assume for rows that lack them (`--assume 社区类型=城市`): each field is
    /// set on every row where it is missing, and a data issue says so.
    pub assume: Vec<(FieldId, Val)>,
}

impl ReadOptions {
    /// Reads an assumption written `FIELD=VALUE` (`社区类型=城市`, `kind=urban`).
    pub fn parse_assumption(text: &str) -> Result<(FieldId, Val), String> {
        let Some((f, v)) = text.split_once('=').or_else(|| text.split_once('＝')) else {
            return Err(format!(
                "`{text}` is not FIELD=VALUE (for instance 社区类型=城市)"
            ));
        };
        let (f, v) = (f.trim(), v.trim());
        let field = match field::resolve_header(f) {
            field::Header::Field { field, .. } => field,
            _ => {
                let hint = field::suggest(f)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "`{f}` is not a field{hint}; `shequ fields` lists them"
                ));
            }
        };
        match Record::parse_value(field, v) {
            Ok(Some(val)) => Ok((field, val)),
            Ok(None) => Err(format!("the value to assume for `{f}` is empty")),
            Err(e) => Err(format!("`{v}` cannot be assumed for `{f}`: {e}")),
        }
    }
}

/// A value assumed for the rows that lack it, and how many rows took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Assumed {
    pub field: FieldId,
    /// The value, as written in a roster.
    pub value: String,
    /// Data rows that lacked the field and took the value.
    pub rows: usize,
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
    /// A row above the header (a title such as 新城区城市社区基本情况统计表, a note, a
    /// group heading over the header).
    Title,
    /// A sum row (合计, 总计, 小计, 全区 …): kept out of the communities, its figures
    /// checked against the rows it sums.
    Total,
}

impl SkipReason {
    /// A short explanation.
    pub fn text(self, lang: crate::Lang) -> &'static str {
        match (self, lang) {
            (SkipReason::Blank, crate::Lang::Zh) => "空行(各单元格均为空)",
            (SkipReason::Blank, crate::Lang::En) => "blank row (every cell is empty)",
            (SkipReason::Title, crate::Lang::Zh) => "表头之上的标题或说明行",
            (SkipReason::Title, crate::Lang::En) => "title or note above the header row",
            (SkipReason::Total, crate::Lang::Zh) => "合计行(不是社区;其数字已与各行之和核对)",
            (SkipReason::Total, crate::Lang::En) => {
                "sum row (not a community; its figures checked against the rows it sums)"
            }
        }
    }
}

/// A row that is not a record, with why it was left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    /// 1-based line in the input (the row number, in a workbook).
    pub line: usize,
    pub reason: SkipReason,
    /// What the row says it is: the title's text, or a sum row's label (`合计`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For a sum row: each figure it states against the sum of the rows it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<TotalCheck>,
}

impl Skipped {
    pub(crate) fn new(line: usize, reason: SkipReason) -> Skipped {
        Skipped {
            line,
            reason,
            text: None,
            checks: Vec::new(),
        }
    }

    /// The figures of a sum row that disagree with the rows it sums.
    pub fn mismatches(&self) -> impl Iterator<Item = &TotalCheck> {
        self.checks.iter().filter(|c| !c.agrees)
    }
}

/// One figure of a sum row against the sum of the rows it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TotalCheck {
    pub field: FieldId,
    /// The figure the sum row states.
    pub stated: crate::num::Num,
    /// The sum of that field over the rows covered (rows without it count as nothing).
    pub summed: crate::num::Num,
    /// Data rows covered: every row for 合计/总计/全区, those since the previous 小计 for 小计.
    pub rows: usize,
    /// Rows covered that give the field.
    pub rows_with_value: usize,
    pub agrees: bool,
}

impl TotalCheck {
    /// What disagrees, in a language.
    pub fn message(&self, lang: crate::Lang) -> String {
        let f = crate::lang::field_label(self.field, lang);
        let diff = self
            .stated
            .checked_sub(self.summed)
            .unwrap_or(crate::num::Num::ZERO);
        match lang {
            crate::Lang::Zh => format!(
                "{f}:合计行为 {},其上 {} 行之和为 {}(相差 {})",
                self.stated, self.rows, self.summed, diff
            ),
            crate::Lang::En => format!(
                "{f}: the sum row says {}, the {} rows it covers add up to {} (a difference of {})",
                self.stated, self.rows, self.summed, diff
            ),
        }
    }
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
    /// What reading the row changed, to report with its data issues (a spreadsheet
    /// number read as the sheet shows it, a merged cell read for each row it spans, a
    /// value assumed with `--assume`).
    pub issues: Vec<crate::validate::DataIssue>,
}

impl Row {
    fn clear(&mut self) {
        self.index = 0;
        self.line = 0;
        self.record.reset();
        self.extra.clear();
        self.errors.clear();
        self.issues.clear();
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
    Table(Box<table::Table<'a>>),
    Json(json::JsonRecords),
    Lines(json::JsonLines<'a>),
}

/// Reads a roster row by row.
pub struct Reader<'a> {
    inner: Inner<'a>,
    file: String,
    format: Format,
    encoding: Option<TextEncoding>,
    sheet: Option<SheetRead>,
    columns: Vec<Column>,
    rows: usize,
    skipped: usize,
    assume: Vec<(FieldId, Val, usize)>,
}

/// The sheet of a workbook that was read, and the others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SheetRead {
    /// The sheet read.
    pub name: String,
    /// Every sheet in the workbook, in order.
    pub sheets: Vec<String>,
}

/// The most bytes a workbook may have (a workbook is read into memory to be opened).
pub const MAX_WORKBOOK_BYTES: u64 = 1 << 30;

impl<'a> Reader<'a> {
    /// Starts reading from a byte stream (a file, standard input, a buffer). For a table
    /// the header row is found at once, and every problem in it is reported together.
    pub fn new(src: impl Read + 'a, format: Format, file: &str) -> Result<Reader<'a>, InputError> {
        Reader::with_options(src, format, file, &ReadOptions::default())
    }

    /// Starts reading with options: the encoding, the sheet, values to assume.
    pub fn with_options(
        src: impl Read + 'a,
        format: Format,
        file: &str,
        opts: &ReadOptions,
    ) -> Result<Reader<'a>, InputError> {
        let mut r = Reader {
            inner: Inner::Json(json::JsonRecords::empty()),
            file: file.to_string(),
            format,
            encoding: None,
            sheet: None,
            columns: Vec::new(),
            rows: 0,
            skipped: 0,
            assume: opts
                .assume
                .iter()
                .map(|(f, v)| (*f, v.clone(), 0))
                .collect(),
        };
        let src: Box<dyn Read + 'a> = Box::new(src);
        if format.is_workbook() {
            r.inner = Inner::Table(Box::new(r.open_workbook(src, opts)?));
            return Ok(r);
        }
        let src = r.text_stream(src, opts.encoding)?;
        r.inner = match format {
            Format::Csv | Format::Tsv => {
                let sep = if format == Format::Tsv { b'\t' } else { b',' };
                let rows = Box::new(delimited::CsvSource::new(src, sep, file));
                Inner::Table(Box::new(table::Table::new(rows, file, &mut r.columns)?))
            }
            Format::Json => Inner::Json(json::JsonRecords::new(src, file)?),
            _ => Inner::Lines(json::JsonLines::new(src)),
        };
        Ok(r)
    }

    /// The stream as UTF-8 text: decoded from the encoding given or detected.
    fn text_stream(
        &mut self,
        src: Box<dyn Read + 'a>,
        given: Option<TextEncoding>,
    ) -> Result<Box<dyn Read + 'a>, InputError> {
        let mut src = std::io::BufReader::with_capacity(64 * 1024, src);
        let head = std::io::BufRead::fill_buf(&mut src).map_err(|e| self.io_error(&e))?;
        if let Some((wb, wb_zh, ext)) = workbook_magic(head) {
            let format = self.format.name().to_uppercase();
            return Err(InputError::one(detail(
                &self.file,
                1,
                1,
                "format",
                text(
                    format!("the file is {wb}, not {format} text"),
                    format!("该文件是{wb_zh},不是 {format} 文本"),
                ),
                Some(text(
                    format!("name it `.{ext}` or pass `--input-format {ext}`"),
                    format!("请把文件名改为 `.{ext}`,或使用 `--input-format {ext}`"),
                )),
            )));
        }
        #[cfg(feature = "encodings")]
        {
            let (stream, enc) =
                decode::utf8_reader(Box::new(src), given).map_err(|e| self.io_error(&e))?;
            self.encoding = Some(enc);
            Ok(stream)
        }
        #[cfg(not(feature = "encodings"))]
        {
            match given {
                None | Some(TextEncoding::Utf8) | Some(TextEncoding::Utf8Bom) => {}
                Some(e) => return Err(InputError::one(detail(
                    &self.file,
                    1,
                    1,
                    "encoding",
                    text(
                        format!("this build of shequ reads UTF-8 only, not {}", e.name()),
                        format!("此版本的 shequ 只读取 UTF-8,不读取 {}", e.name()),
                    ),
                    Some(text(
                        "convert the file to UTF-8, or use a build with the `encodings` feature",
                        "请把文件转换为 UTF-8,或使用带 `encodings` 功能的版本",
                    )),
                ))),
            }
            self.encoding = Some(if head.starts_with(b"\xEF\xBB\xBF") {
                TextEncoding::Utf8Bom
            } else {
                TextEncoding::Utf8
            });
            Ok(Box::new(src))
        }
    }

    fn io_error(&self, e: &std::io::Error) -> InputError {
        InputError::one(detail(
            &self.file,
            1,
            1,
            "io",
            text(
                format!("cannot read the input: {e}"),
                format!("无法读取输入:{}", io_zh(e)),
            ),
            None,
        ))
    }

    #[cfg(feature = "excel")]
    fn open_workbook(
        &mut self,
        src: Box<dyn Read + 'a>,
        opts: &ReadOptions,
    ) -> Result<table::Table<'a>, InputError> {
        let mut bytes = Vec::new();
        src.take(MAX_WORKBOOK_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.io_error(&e))?;
        if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
            return Err(InputError::one(detail(
                &self.file,
                1,
                1,
                "too_large",
                text(
                    format!(
                        "the workbook is larger than {} MiB",
                        MAX_WORKBOOK_BYTES >> 20
                    ),
                    format!("工作簿大于 {} MiB", MAX_WORKBOOK_BYTES >> 20),
                ),
                Some(text(
                    "save the sheet as CSV, which is read as a stream",
                    "请把工作表另存为 CSV(CSV 可以流式读取)",
                )),
            )));
        }
        if bytes.is_empty() {
            return Err(InputError::one(detail(
                &self.file,
                1,
                1,
                "empty",
                text("the file is empty", "文件是空的"),
                None,
            )));
        }
        let (source, info) = excel::SheetSource::open(bytes, self.format, &self.file, &opts.sheet)?;
        if let Some(f) = info.format {
            self.format = f;
        }
        self.sheet = Some(SheetRead {
            name: info.sheet,
            sheets: info.sheets,
        });
        table::Table::new(Box::new(source), &self.file, &mut self.columns)
    }

    #[cfg(not(feature = "excel"))]
    fn open_workbook(
        &mut self,
        _src: Box<dyn Read + 'a>,
        _opts: &ReadOptions,
    ) -> Result<table::Table<'a>, InputError> {
        Err(InputError::one(detail(
            &self.file,
            1,
            1,
            "format",
            text(
                format!("this build of shequ does not read {} workbooks", self.format.name()),
                format!("此版本的 shequ 不读取 {} 工作簿", self.format.name()),
            ),
            Some(text(
                "save the sheet as CSV UTF-8, or use a build with the `excel` feature (the command and the Python package have it)",
                "请把工作表另存为 CSV UTF-8,或使用带 `excel` 功能的版本(命令行程序和 Python 包都带有该功能)",
            )),
        )))
    }

    /// Starts reading a text.
    pub fn from_text(text: &'a str, format: Format, file: &str) -> Result<Reader<'a>, InputError> {
        Reader::new(text.as_bytes(), format, file)
    }

    /// The columns seen so far (all of them for a table; JSON keys as they appear).
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The format being read (for a workbook, what its bytes turned out to be).
    pub fn format(&self) -> Format {
        self.format
    }

    /// The text encoding read (`None` for a workbook).
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.encoding
    }

    /// The sheet read, for a workbook.
    pub fn sheet(&self) -> Option<&SheetRead> {
        self.sheet.as_ref()
    }

    /// The values assumed so far, with how many rows took each.
    pub fn assumed(&self) -> Vec<Assumed> {
        self.assume
            .iter()
            .map(|(f, v, n)| Assumed {
                field: *f,
                value: v.to_text(*f),
                rows: *n,
            })
            .collect()
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
            Inner::Table(d) => d.next_into(row, &self.file, &self.columns)?,
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
                for (f, v, n) in &mut self.assume {
                    if row.record.get(*f).is_none() {
                        row.record.set(*f, v.clone());
                        *n += 1;
                        let zh = crate::lang::field_label(*f, crate::Lang::Zh);
                        let en = crate::lang::field_label(*f, crate::Lang::En);
                        let text = v.to_text(*f);
                        row.issues.push(crate::validate::DataIssue {
                            record: 0,
                            line: row.line,
                            name: None,
                            code: "assumed",
                            fields: vec![*f],
                            message_zh: format!("{zh}未填写,按 --assume 假定为 {text}"),
                            message_en: format!("{en} not given; assumed to be {text} (--assume)"),
                        });
                    }
                }
                if !row.issues.is_empty() {
                    let name = row.record.name().map(str::to_string);
                    for i in &mut row.issues {
                        i.record = self.rows;
                        i.name.clone_from(&name);
                    }
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

/// What a workbook's first bytes say it is, if they do: in English, in Chinese, and the
/// extension it should have.
fn workbook_magic(head: &[u8]) -> Option<(&'static str, &'static str, &'static str)> {
    if head.starts_with(b"PK\x03\x04") {
        let ods = head
            .get(..200)
            .unwrap_or(head)
            .windows(11)
            .any(|w| w == b"opendocumen");
        return Some(if ods {
            (
                "an OpenDocument spreadsheet (.ods)",
                " OpenDocument 电子表格(.ods)",
                "ods",
            )
        } else {
            ("an Excel workbook (.xlsx)", " Excel 工作簿(.xlsx)", "xlsx")
        });
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some((
            "an Excel 97-2003 workbook (.xls)",
            " Excel 97-2003 工作簿(.xls)",
            "xls",
        ));
    }
    None
}

/// Why reading failed, in Chinese: what the decoder found (bytes not valid in the
/// encoding), or the kind of failure with what the system said about it.
pub(crate) fn io_zh(e: &std::io::Error) -> String {
    #[cfg(feature = "encodings")]
    if let Some(m) = e
        .get_ref()
        .and_then(|x| x.downcast_ref::<decode::Malformed>())
    {
        return m.message_zh();
    }
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "文件不存在",
        K::PermissionDenied => "没有读取权限",
        K::InvalidData => "数据无效",
        K::UnexpectedEof => "文件意外结束",
        K::Interrupted => "读取被中断",
        K::IsADirectory => "这是一个文件夹",
        K::OutOfMemory => "内存不足",
        _ => "读取失败",
    };
    format!("{what}(系统提示:{e})")
}

fn no_rows(file: &str, format: Format) -> InputErrorDetail {
    let (message, help) = match format {
        Format::Csv | Format::Tsv | Format::Xlsx | Format::Xlsb | Format::Xls | Format::Ods => (
            text(
                "the file has a header row but no data rows",
                "文件有表头行,但没有数据行",
            ),
            text("add one row per community", "请每个社区填写一行"),
        ),
        Format::Json => (
            text("the JSON roster has no records", "JSON 名册中没有记录"),
            text(
                "give an array of objects, one per community",
                "请给出对象数组,每个社区一个对象",
            ),
        ),
        Format::JsonLines => (
            text(
                "the JSON Lines file has no records",
                "JSON Lines 文件中没有记录",
            ),
            text("write one JSON object per line", "请每行写一个 JSON 对象"),
        ),
    };
    detail(file, 1, 1, "no_rows", message, Some(help))
}

/// A problem in a roster, its message and help in English and in Chinese.
fn detail(
    file: &str,
    line: usize,
    column: usize,
    code: &'static str,
    message: Text,
    help: Option<Text>,
) -> InputErrorDetail {
    let (help, help_zh) = match help {
        Some(h) => (Some(h.en), Some(h.zh)),
        None => (None, None),
    };
    InputErrorDetail {
        file: file.to_string(),
        line,
        column,
        field: None,
        record: None,
        value: None,
        code,
        message: message.en,
        help,
        message_zh: message.zh,
        help_zh,
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
    read_all_with(src, format, file, &ReadOptions::default())
}

/// [`read_all_lenient`] with reading options (encoding, sheet, assumed values).
pub fn read_all_with(
    src: impl Read,
    format: Format,
    file: &str,
    opts: &ReadOptions,
) -> Result<Roster, InputError> {
    let mut reader = Reader::with_options(src, format, file, opts)?;
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
                    issues: std::mem::take(&mut row.issues),
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
    /// The format read (a workbook's bytes may say otherwise than its name).
    pub format: Option<Format>,
    /// The text encoding read (`None` for a workbook).
    pub encoding: Option<TextEncoding>,
    /// The sheet read, for a workbook.
    pub sheet: Option<SheetRead>,
    /// Values assumed for rows that lacked them.
    pub assumed: Vec<Assumed>,
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
    scan_with(src, format, file, &ReadOptions::default(), |_| {})
}

/// [`scan`] with reading options, handing each data row to `each` as it goes (a first
/// pass that also evaluates, for a summary before the detail).
pub fn scan_with(
    src: impl Read,
    format: Format,
    file: &str,
    opts: &ReadOptions,
    mut each: impl FnMut(&mut Row),
) -> Result<Scan, InputError> {
    let mut reader = Reader::with_options(src, format, file, opts)?;
    let mut out = Scan::default();
    let mut row = Row::default();
    while let Some(next) = reader.next_into(&mut row)? {
        match next {
            Next::Row => {
                out.rows += 1;
                each(&mut row);
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
    out.format = Some(reader.format());
    out.encoding = reader.encoding();
    out.sheet = reader.sheet().cloned();
    out.assumed = reader.assumed();
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

/// Why a header cannot be used: a code, and a message and help in both languages.
#[derive(Clone, Debug)]
pub(crate) struct HeaderProblem {
    pub code: &'static str,
    pub message: Text,
    pub help: Option<Text>,
}

impl HeaderProblem {
    /// The problem at a place in the input, naming the header.
    fn at(self, file: &str, line: usize, column: usize, header: &str) -> InputErrorDetail {
        let mut d = detail(file, line, column, self.code, self.message, self.help);
        d.field = Some(header.to_string());
        d
    }
}

/// What a column's header means: a field (and whether its shares are in percent
/// points), `None` for a pass-through column, or why it cannot be used (a code, a message
/// and a help line): the reading every surface shares.
pub fn classify_header(h: &str) -> Result<Mapped, Problem> {
    map_header(h.trim(), "column").map_err(|p| (p.code, p.message.en, p.help.map(|x| x.en)))
}

/// Maps a header (`what` is "header", "key" or "column", for messages).
fn map_header(h: &str, what: &str) -> Result<Mapped, HeaderProblem> {
    let what_zh = match what {
        "key" => "键",
        "header" => "表头",
        _ => "列",
    };
    match field::resolve_header(h) {
        field::Header::Field {
            field,
            percent_points,
        } => return Ok(Some((field, percent_points))),
        field::Header::WrongUnit { field, unit } => {
            let units = field::unit_words(field.def().unit);
            let first = units.first().copied();
            let zh = field.def().zh;
            return Err(HeaderProblem {
                code: "wrong_unit",
                message: text(
                    format!("{what} `{h}` names `{}` in `{unit}`, but it is measured in {}", field.name(), first.unwrap_or("its own unit")),
                    format!("{what_zh} `{h}` 以 `{unit}` 为单位表示 `{}`,但该字段以 {} 计", field.name(), first.unwrap_or("其自身的单位")),
                ),
                help: Some(text(
                    format!("convert the values to {} and write the {what} as `{zh}`, or give it a name that is not a field", first.unwrap_or("the field's unit")),
                    format!("请把数值换算为 {},并把{what_zh}写成 `{zh}`;或改成不是字段名的名称", first.unwrap_or("该字段的单位")),
                )),
            });
        }
        field::Header::Ambiguous(a) => {
            let names: Vec<String> = a
                .candidates
                .iter()
                .filter_map(|c| field::by_id(c))
                .map(|f| format!("`{}` ({})", f.def().zh, f.name()))
                .collect();
            let names_zh: Vec<String> = a
                .candidates
                .iter()
                .filter_map(|c| field::by_id(c))
                .map(|f| format!("`{}`({})", f.def().zh, f.name()))
                .collect();
            return Err(HeaderProblem {
                code: "ambiguous_header",
                message: text(
                    format!("{what} `{h}` could mean {}: {}", names.join(" or "), a.note),
                    format!("{what_zh} `{h}` 可能指 {}:{}", names_zh.join(" 或 "), a.note_zh),
                ),
                help: Some(text(
                    format!(
                        "rename the {what} to the field it holds ({}), or to something that is not a field's name if it is none of them",
                        names.join(", ")
                    ),
                    format!(
                        "请把{what_zh}改名为它实际对应的字段({});如果都不是,请改成不是字段名的名称",
                        names_zh.join("、")
                    ),
                )),
            });
        }
        field::Header::Other => {}
    }
    let (rename, thing, thing_zh) = if what == "key" {
        ("rename the key", "key", "键")
    } else {
        ("rename the column", "column", "列")
    };
    match field::suggest(h) {
        Some(s) => {
            let zh = field::by_id(s).map_or("", |f| f.def().zh);
            Err(HeaderProblem {
                code: "unknown_header",
                message: text(
                    format!("{what} `{h}` is not a known field, but looks like `{s}` ({zh})"),
                    format!("{what_zh} `{h}` 不是已知字段,但与 `{s}`({zh})相近"),
                ),
                help: Some(text(
                    format!("{rename} to `{s}`, or to something that does not resemble a field if it is your own {thing}"),
                    format!("请把{thing_zh}改名为 `{s}`;如果这是你自己的{thing_zh},请改成不像字段名的名称"),
                )),
            })
        }
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
                message_zh: format!("列 `{}`({}):{}", col.name, f.name(), e.message_in(Lang::Zh)),
                help_zh: None,
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
