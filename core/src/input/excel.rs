//! Workbooks: Excel (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`) and OpenDocument (`.ods`), read
//! with calamine. A sheet is read as a table ([`super::table`]): its header row found
//! below any title rows, merged cells read for every cell they cover, numbers read as the
//! sheet shows them (15 significant digits) and dates as ISO dates.
//!
//! An `.xlsx` sheet streams: its cells are parsed on a helper thread and handed over a
//! bounded channel a batch of rows at a time, so memory does not grow with the sheet
//! (the workbook's bytes and its shared strings are held). Other workbooks are read
//! whole; `.xls` holds at most 65,536 rows.

use std::io::Cursor;
use std::sync::mpsc;

use calamine::{Data, DataRef, Dimensions, Reader as _, SheetVisible};

use super::table::{header_found, Origin, RowSource};
use super::{detail, Format, InputError, SheetChoice};
use crate::diag::{text as tx, Text};

type Bytes = Cursor<Vec<u8>>;

/// Rows handed over the channel at a time.
const BATCH: usize = 512;
/// Rows looked at in each sheet, when choosing the sheet with the roster.
const LOOK: usize = 30;

/// One cell's text and, for a number that stores more digits than it shows, the stored
/// value.
type CellText = (String, Option<String>);

/// A sheet row: its 0-based row number and its cells by 0-based column.
struct SheetRow {
    row: u32,
    cells: Vec<(u32, CellText)>,
}

/// What was opened: the sheet read and every sheet in the workbook.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetInfo {
    /// The sheet read.
    pub sheet: String,
    /// Every sheet, in workbook order.
    pub sheets: Vec<String>,
    /// The format the bytes turned out to be (an `.xls` that is really `.xlsx`).
    pub format: Option<Format>,
}

enum Book {
    Xlsx(calamine::Xlsx<Bytes>),
    Xls(calamine::Xls<Bytes>),
    Xlsb(calamine::Xlsb<Bytes>),
    Ods(calamine::Ods<Bytes>),
}

/// What the bytes of a workbook are, by their first bytes.
pub(super) fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        let head = bytes.get(..200).unwrap_or(bytes);
        let ods = head
            .windows(46)
            .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet");
        return Some(if ods { Format::Ods } else { Format::Xlsx });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Format::Xls);
    }
    None
}

fn err(file: &str, code: &'static str, message: Text, help: Option<Text>) -> InputError {
    InputError::one(detail(file, 1, 1, code, message, help))
}

fn open(bytes: Vec<u8>, format: Format, file: &str) -> Result<Book, InputError> {
    let lower: Vec<u8> = bytes.iter().take(512).map(u8::to_ascii_lowercase).collect();
    if sniff(&bytes).is_none()
        && (lower.windows(6).any(|w| w == b"<html>" || w == b"<table")
            || lower.windows(5).any(|w| w == b"<html"))
    {
        return Err(err(
            file,
            "format",
            tx(
                "the file is a web page (HTML) saved under a spreadsheet name, not a workbook",
                "该文件是以电子表格文件名保存的网页(HTML),不是工作簿",
            ),
            Some(tx(
                "open it in Excel or WPS and save it as .xlsx (or as CSV UTF-8)",
                "请用 Excel 或 WPS 打开,另存为 .xlsx(或 CSV UTF-8)",
            )),
        ));
    }
    let cursor = Cursor::new(bytes);
    let broken = |e: String| {
        err(
            file,
            "format",
            tx(
                format!("cannot open the workbook as {}: {e}", format.name()),
                format!("无法按 {} 格式打开工作簿(读取程序提示:{e})", format.name()),
            ),
            Some(tx(
                "check that the file is a spreadsheet saved by Excel, WPS or LibreOffice (and not password-protected)",
                "请确认该文件是由 Excel、WPS 或 LibreOffice 保存的电子表格(且没有设置密码)",
            )),
        )
    };
    Ok(match format {
        Format::Xls => Book::Xls(calamine::Xls::new(cursor).map_err(|e| broken(e.to_string()))?),
        Format::Xlsb => Book::Xlsb(calamine::Xlsb::new(cursor).map_err(|e| broken(e.to_string()))?),
        Format::Ods => Book::Ods(calamine::Ods::new(cursor).map_err(|e| broken(e.to_string()))?),
        _ => Book::Xlsx(calamine::Xlsx::new(cursor).map_err(|e| broken(e.to_string()))?),
    })
}

impl Book {
    fn sheets(&self) -> Vec<(String, bool)> {
        let meta = match self {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
        };
        meta.iter()
            .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
            .collect()
    }

    fn merges(&mut self, sheet: &str) -> Vec<Dimensions> {
        match self {
            Book::Xlsx(b) => b
                .worksheet_merge_cells(sheet)
                .and_then(Result::ok)
                .unwrap_or_default(),
            Book::Xls(b) => b.worksheet_merge_cells(sheet).unwrap_or_default(),
            Book::Xlsb(_) | Book::Ods(_) => Vec::new(),
        }
    }

    /// The first rows of a sheet, as text.
    fn first_rows(&mut self, sheet: &str, n: usize) -> Result<Vec<Vec<String>>, String> {
        let mut out: Vec<Vec<String>> = Vec::new();
        let push = |out: &mut Vec<Vec<String>>, r: SheetRow| {
            let width = r
                .cells
                .iter()
                .map(|(c, _)| *c as usize + 1)
                .max()
                .unwrap_or(0);
            let mut cells = vec![String::new(); width];
            for (c, (t, _)) in r.cells {
                if let Some(slot) = cells.get_mut(c as usize) {
                    *slot = t;
                }
            }
            out.push(cells);
        };
        match self {
            Book::Xlsx(b) => {
                let mut cells = b.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
                let mut cur: Option<SheetRow> = None;
                loop {
                    match cells.next_cell() {
                        Ok(Some(c)) => {
                            let (r, col) = c.get_position();
                            if cur.as_ref().is_some_and(|x| x.row != r) {
                                if let Some(done) = cur.take() {
                                    push(&mut out, done);
                                }
                                if out.len() >= n {
                                    break;
                                }
                            }
                            let row = cur.get_or_insert_with(|| SheetRow {
                                row: r,
                                cells: Vec::new(),
                            });
                            row.cells.push((col, text_ref(c.get_value())));
                        }
                        Ok(None) => break,
                        Err(e) => return Err(e.to_string()),
                    }
                }
                if let Some(done) = cur.take() {
                    if out.len() < n {
                        push(&mut out, done);
                    }
                }
            }
            _ => {
                for r in self.range_rows(sheet)?.into_iter().take(n) {
                    push(&mut out, r);
                }
            }
        }
        Ok(out)
    }

    /// A whole sheet held in memory (the formats that are not streamed).
    fn range_rows(&mut self, sheet: &str) -> Result<Vec<SheetRow>, String> {
        let range = match self {
            Book::Xlsx(b) => b.worksheet_range(sheet).map_err(|e| e.to_string())?,
            Book::Xls(b) => b.worksheet_range(sheet).map_err(|e| e.to_string())?,
            Book::Xlsb(b) => b.worksheet_range(sheet).map_err(|e| e.to_string())?,
            Book::Ods(b) => b.worksheet_range(sheet).map_err(|e| e.to_string())?,
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut out = Vec::with_capacity(range.height());
        for (i, row) in range.rows().enumerate() {
            let cells: Vec<(u32, CellText)> = row
                .iter()
                .enumerate()
                .filter(|(_, d)| !matches!(d, Data::Empty))
                .map(|(j, d)| (c0 + j as u32, text(d)))
                .collect();
            if !cells.is_empty() {
                out.push(SheetRow {
                    row: r0 + i as u32,
                    cells,
                });
            }
        }
        Ok(out)
    }
}

/// A number as the sheet shows it in the General format: 15 significant digits. The
/// stored value too, when it has more.
pub(crate) fn shown(v: f64) -> CellText {
    if !v.is_finite() {
        return (v.to_string(), None);
    }
    let shortest = if v == 0.0 {
        "0".to_string()
    } else {
        format!("{v}")
    };
    let sci = format!("{v:.14e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut s = String::new();
    if exp >= 0 {
        let point = (exp + 1) as usize;
        if point >= digits.len() {
            s.push_str(&digits);
            s.extend(std::iter::repeat_n('0', point - digits.len()));
        } else {
            s.push_str(digits.get(..point).unwrap_or_default());
            s.push('.');
            s.push_str(digits.get(point..).unwrap_or_default());
        }
    } else {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        s.push_str(&digits);
    }
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(t);
    }
    if negative && s != "0" {
        s.insert(0, '-');
    }
    if s == shortest {
        (s, None)
    } else {
        (s, Some(shortest))
    }
}

fn date(d: &calamine::ExcelDateTime) -> String {
    if !d.is_datetime() {
        return shown(d.as_f64()).0;
    }
    let (y, m, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02}T{h:02}:{mi:02}:{s:02}")
    }
}

fn text(d: &Data) -> CellText {
    match d {
        Data::Int(i) => (i.to_string(), None),
        Data::Float(f) => shown(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), None),
        Data::Bool(b) => (b.to_string(), None),
        Data::DateTime(d) => (date(d), None),
        Data::Error(e) => (e.to_string(), None),
        Data::Empty => (String::new(), None),
    }
}

fn text_ref(d: &DataRef<'_>) -> CellText {
    match d {
        DataRef::Int(i) => (i.to_string(), None),
        DataRef::Float(f) => shown(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => (s.clone(), None),
        DataRef::SharedString(s) => ((*s).to_string(), None),
        DataRef::Bool(b) => (b.to_string(), None),
        DataRef::DateTime(d) => (date(d), None),
        DataRef::Error(e) => (e.to_string(), None),
        DataRef::Empty => (String::new(), None),
    }
}

/// The rows of one sheet, as a table's rows.
pub(super) struct SheetSource {
    rows: Box<dyn Iterator<Item = Result<SheetRow, String>>>,
    /// Merged regions not yet reached, by first row (last first).
    pending: Vec<Dimensions>,
    /// Merged regions covering the current row, with their first cell's text.
    active: Vec<(Dimensions, String)>,
    cells: Vec<String>,
    from: Vec<Origin>,
    file: String,
}

impl SheetSource {
    /// Opens a workbook's sheet (the one chosen, or else the first visible sheet whose
    /// first rows hold a header of known fields, or else the first sheet).
    pub(super) fn open(
        bytes: Vec<u8>,
        format: Format,
        file: &str,
        choice: &SheetChoice,
    ) -> Result<(SheetSource, SheetInfo), InputError> {
        let actual = sniff(&bytes).unwrap_or(format);
        let mut book = open(bytes, actual, file)?;
        let sheets = book.sheets();
        let names: Vec<String> = sheets.iter().map(|(n, _)| n.clone()).collect();
        let listed = || {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{} `{n}`", i + 1))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sheet = match choice {
            SheetChoice::Name(n) => match names.iter().find(|s| *s == n).or_else(|| {
                // no sheet of that name: a number counts sheets from 1
                n.trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| names.get(i))
            }) {
                Some(s) => s.clone(),
                None => {
                    return Err(err(
                        file,
                        "sheet",
                        tx(
                            format!("the workbook has no sheet named `{n}`"),
                            format!("工作簿中没有名为 `{n}` 的工作表"),
                        ),
                        Some(tx(
                            format!("its sheets are {}", listed()),
                            format!("其中的工作表为:{}", listed()),
                        )),
                    ))
                }
            },
            SheetChoice::Index(i) => match names.get(*i) {
                Some(s) => s.clone(),
                None => {
                    return Err(err(
                        file,
                        "sheet",
                        tx(
                            format!(
                                "the workbook has {} sheet(s), so there is no sheet {}",
                                names.len(),
                                i + 1
                            ),
                            format!("工作簿只有 {} 张工作表,没有第 {} 张", names.len(), i + 1),
                        ),
                        Some(tx(
                            format!("its sheets are {}", listed()),
                            format!("其中的工作表为:{}", listed()),
                        )),
                    ))
                }
            },
            SheetChoice::Auto => {
                let mut chosen = None;
                for (name, visible) in &sheets {
                    if !visible {
                        continue;
                    }
                    let rows = book.first_rows(name, LOOK).unwrap_or_default();
                    if rows.iter().any(|r| header_found(r)) {
                        chosen = Some(name.clone());
                        break;
                    }
                }
                match chosen
                    .or_else(|| sheets.iter().find(|(_, v)| *v).map(|(n, _)| n.clone()))
                    .or_else(|| names.first().cloned())
                {
                    Some(s) => s,
                    None => {
                        return Err(err(
                            file,
                            "empty",
                            tx("the workbook has no sheets", "工作簿中没有工作表"),
                            None,
                        ))
                    }
                }
            }
        };
        let mut pending = book.merges(&sheet);
        pending.sort_by_key(|d| std::cmp::Reverse(d.start));
        let rows: Box<dyn Iterator<Item = Result<SheetRow, String>>> = match book {
            Book::Xlsx(b) => Box::new(stream_xlsx(b, sheet.clone())),
            mut other => match other.range_rows(&sheet) {
                Ok(rows) => Box::new(rows.into_iter().map(Ok)),
                Err(e) => {
                    return Err(err(
                        file,
                        "format",
                        tx(
                            format!("cannot read sheet `{sheet}`: {e}"),
                            format!("无法读取工作表 `{sheet}`(读取程序提示:{e})"),
                        ),
                        None,
                    ))
                }
            },
        };
        Ok((
            SheetSource {
                rows,
                pending,
                active: Vec::new(),
                cells: Vec::new(),
                from: Vec::new(),
                file: file.to_string(),
            },
            SheetInfo {
                sheet,
                sheets: names,
                format: (actual != format).then_some(actual),
            },
        ))
    }
}

/// Streams an `.xlsx` sheet's rows from a helper thread.
fn stream_xlsx(
    mut book: calamine::Xlsx<Bytes>,
    sheet: String,
) -> impl Iterator<Item = Result<SheetRow, String>> {
    let (tx, rx) = mpsc::sync_channel::<Result<Vec<SheetRow>, String>>(4);
    std::thread::spawn(move || {
        let mut cells = match book.worksheet_cells_reader(&sheet) {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        let mut batch: Vec<SheetRow> = Vec::with_capacity(BATCH);
        let mut cur: Option<SheetRow> = None;
        loop {
            match cells.next_cell() {
                Ok(Some(c)) => {
                    let (r, col) = c.get_position();
                    if cur.as_ref().is_some_and(|x| x.row != r) {
                        if let Some(done) = cur.take() {
                            batch.push(done);
                        }
                        if batch.len() >= BATCH && tx.send(Ok(std::mem::take(&mut batch))).is_err()
                        {
                            return; // the reader was dropped
                        }
                    }
                    let value = c.get_value();
                    if matches!(value, DataRef::Empty) {
                        continue;
                    }
                    cur.get_or_insert_with(|| SheetRow {
                        row: r,
                        cells: Vec::new(),
                    })
                    .cells
                    .push((col, text_ref(value)));
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            }
        }
        if let Some(done) = cur.take() {
            batch.push(done);
        }
        if !batch.is_empty() {
            let _ = tx.send(Ok(batch));
        }
    });
    rx.into_iter().flat_map(
        |b: Result<Vec<SheetRow>, String>| -> Box<dyn Iterator<Item = Result<SheetRow, String>>> {
            match b {
                Ok(rows) => Box::new(rows.into_iter().map(Ok)),
                Err(e) => Box::new(std::iter::once(Err(e))),
            }
        },
    )
}

impl RowSource for SheetSource {
    fn advance(&mut self) -> Result<Option<usize>, InputError> {
        let r = match self.rows.next() {
            None => return Ok(None),
            Some(Err(e)) => {
                return Err(err(
                    &self.file,
                    "format",
                    tx(
                        format!("cannot read the sheet: {e}"),
                        format!("无法读取工作表(读取程序提示:{e})"),
                    ),
                    None,
                ))
            }
            Some(Ok(r)) => r,
        };
        let width = r
            .cells
            .iter()
            .map(|(c, _)| *c as usize + 1)
            .max()
            .unwrap_or(0);
        self.cells.clear();
        self.cells.resize(width, String::new());
        self.from.clear();
        self.from.resize(width, Origin::Cell);
        for (c, (t, stored)) in r.cells {
            let c = c as usize;
            if let Some(slot) = self.cells.get_mut(c) {
                *slot = t;
            }
            if let (Some(s), Some(slot)) = (stored, self.from.get_mut(c)) {
                *slot = Origin::Shown(s);
            }
        }
        // merged regions: the first cell's value fills every cell of the region
        self.active.retain(|(d, _)| d.end.0 >= r.row);
        while self.pending.last().is_some_and(|d| d.start.0 <= r.row) {
            let Some(d) = self.pending.pop() else { break };
            if d.end.0 < r.row {
                continue; // its rows were all absent
            }
            let first = if d.start.0 == r.row {
                self.cells
                    .get(d.start.1 as usize)
                    .cloned()
                    .unwrap_or_default()
            } else {
                String::new()
            };
            self.active.push((d, first));
        }
        for (d, value) in &self.active {
            if value.is_empty() {
                continue;
            }
            let end = d.end.1 as usize + 1;
            if self.cells.len() < end {
                self.cells.resize(end, String::new());
                self.from.resize(end, Origin::Cell);
            }
            for c in d.start.1..=d.end.1 {
                if (r.row, c) == d.start {
                    continue;
                }
                let c = c as usize;
                if let (Some(slot), Some(o)) = (self.cells.get_mut(c), self.from.get_mut(c)) {
                    if slot.is_empty() {
                        slot.clone_from(value);
                        *o = Origin::Merged {
                            row: d.start.0 as usize + 1,
                            column: d.start.1 as usize + 1,
                        };
                    }
                }
            }
        }
        Ok(Some(r.row as usize + 1))
    }

    fn width(&self) -> usize {
        self.cells.len()
    }

    fn cell(&self, i: usize) -> Result<&str, usize> {
        Ok(self.cells.get(i).map_or("", String::as_str))
    }

    fn origin(&self, i: usize) -> Origin {
        self.from.get(i).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_the_sheet_shows_them() {
        assert_eq!(
            shown(0.1 + 0.2),
            ("0.3".to_string(), Some("0.30000000000000004".to_string()))
        );
        assert_eq!(shown(2345.0), ("2345".to_string(), None));
        assert_eq!(shown(0.65), ("0.65".to_string(), None));
        assert_eq!(shown(-12.5), ("-12.5".to_string(), None));
        assert_eq!(shown(1e20), ("100000000000000000000".to_string(), None));
        assert_eq!(shown(0.000123), ("0.000123".to_string(), None));
        assert_eq!(shown(0.0), ("0".to_string(), None));
        assert_eq!(
            shown(123456789012345678.0).0,
            "123456789012346000",
            "beyond 15 digits, as Excel shows it"
        );
        assert_eq!(shown(1.0 / 3.0).0, "0.333333333333333");
    }
}
