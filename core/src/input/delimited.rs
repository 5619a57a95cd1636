//! CSV and TSV, streamed record by record.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;
use std::sync::Arc;

use super::{detail, map_header, put_cell, Column, InputError, InputErrorDetail, Next, Row};
use super::{SkipReason, Skipped};

pub(super) struct Delimited<'a> {
    rdr: csv::Reader<Counting<'a>>,
    rec: csv::ByteRecord,
    delimiter: u8,
    lines: Rc<RefCell<Breaks>>,
}

/// The line breaks read but not yet passed by the parser: `\r\n`, `\n` and a lone `\r`
/// each end a line. Kept as a window, so memory stays bounded however long the input.
#[derive(Default)]
struct Breaks {
    /// Byte offsets of line breaks not yet passed.
    pending: VecDeque<u64>,
    /// Breaks already passed.
    passed: usize,
    /// Bytes read so far.
    offset: u64,
    /// The previous byte read was `\r` (its break is recorded once the next byte shows
    /// whether it is `\r\n`).
    cr: bool,
}

impl Breaks {
    fn feed(&mut self, chunk: &[u8]) {
        for (i, &b) in chunk.iter().enumerate() {
            let at = self.offset + i as u64;
            if self.cr {
                self.cr = false;
                self.pending.push_back(at - 1);
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' => self.pending.push_back(at),
                b'\r' => self.cr = true,
                _ => {}
            }
        }
        self.offset += chunk.len() as u64;
    }

    fn end(&mut self) {
        if self.cr {
            self.cr = false;
            self.pending.push_back(self.offset.saturating_sub(1));
        }
    }

    /// The 1-based line of a byte offset; offsets asked for never decrease. An offset on
    /// a line break belongs to the next line (the parser reports a record as starting at
    /// the break that ends the previous one).
    fn line(&mut self, byte: u64) -> usize {
        while self.pending.front().is_some_and(|b| *b <= byte) {
            self.pending.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

/// A reader that notes line breaks as the parser pulls bytes through it.
struct Counting<'a> {
    inner: Box<dyn Read + 'a>,
    breaks: Rc<RefCell<Breaks>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut b = self.breaks.borrow_mut();
        match buf.get(..n) {
            Some(chunk) if n > 0 => b.feed(chunk),
            _ => b.end(),
        }
        Ok(n)
    }
}

fn utf8_error(file: &str, line: usize, column: usize) -> InputError {
    InputError::one(detail(
        file,
        line,
        column,
        "encoding",
        "the file is not UTF-8 text".into(),
        Some(
            "save it as UTF-8 (in Excel: 另存为 \"CSV UTF-8\"; from GBK: `iconv -f GBK -t UTF-8`)"
                .into(),
        ),
    ))
}

impl<'a> Delimited<'a> {
    /// Reads the header row and maps each header to a field, collecting every problem.
    pub(super) fn new(
        src: Box<dyn Read + 'a>,
        delimiter: u8,
        file: &str,
        columns: &mut Vec<Column>,
    ) -> Result<Delimited<'a>, InputError> {
        let lines = Rc::new(RefCell::new(Breaks::default()));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Counting {
                inner: src,
                breaks: lines.clone(),
            });
        let mut header = csv::ByteRecord::new();
        let empty = || {
            InputError::one(detail(
                file,
                1,
                1,
                "empty",
                "the file is empty".into(),
                Some("the first row names the columns (户数, 常住人口 …); each further row is one community".into()),
            ))
        };
        // the header is the first row that is not blank
        loop {
            match rdr.read_byte_record(&mut header) {
                Ok(true) => {
                    if header
                        .iter()
                        .any(|c| !c.iter().all(u8::is_ascii_whitespace))
                    {
                        break;
                    }
                }
                Ok(false) => return Err(empty()),
                Err(e) => {
                    return Err(InputError::one(detail(
                        file,
                        1,
                        1,
                        "io",
                        format!("cannot read the header row: {e}"),
                        None,
                    )))
                }
            }
        }
        let line = header
            .position()
            .map_or(1, |p| lines.borrow_mut().line(p.byte()));
        let mut names: Vec<String> = Vec::with_capacity(header.len());
        for (i, cell) in header.iter().enumerate() {
            let Ok(text) = std::str::from_utf8(cell) else {
                return Err(utf8_error(file, line, i + 1));
            };
            let text = if i == 0 {
                text.strip_prefix('\u{feff}').unwrap_or(text)
            } else {
                text
            };
            names.push(text.trim().to_string());
        }
        if names.iter().all(String::is_empty) {
            return Err(empty());
        }
        if let [only] = names.as_slice() {
            for (sep, name) in [
                ('\t', "tabs"),
                (';', "semicolons"),
                (',', "commas"),
                ('|', "bars"),
            ] {
                if sep != char::from(delimiter) && only.contains(sep) {
                    let help = if sep == '\t' {
                        "name the file `.tsv` or pass `--input-format tsv`"
                    } else {
                        "save the file as comma-separated CSV (UTF-8)"
                    };
                    return Err(InputError::one(detail(
                        file,
                        line,
                        1,
                        "header",
                        format!("the header row is one column separated by {name}, so no field can be read"),
                        Some(help.into()),
                    )));
                }
            }
        }
        let mut problems: Vec<InputErrorDetail> = Vec::new();
        let mut seen: Vec<(crate::field::FieldId, usize)> = Vec::new();
        for (i, h) in names.iter().enumerate() {
            let mut col = Column {
                name: Arc::from(h.as_str()),
                field: None,
                percent_points: false,
            };
            match map_header(h, "header") {
                Ok(Some((f, pp))) => {
                    if let Some((_, prev)) = seen.iter().find(|(g, _)| *g == f) {
                        let mut d = detail(
                            file,
                            line,
                            i + 1,
                            "duplicate_column",
                            format!(
                                "column {} (`{h}`) and column {} both give `{}`",
                                i + 1,
                                prev + 1,
                                f.name()
                            ),
                            Some("keep one of them".into()),
                        );
                        d.field = Some(h.clone());
                        problems.push(d);
                    } else {
                        seen.push((f, i));
                        col.field = Some(f);
                        col.percent_points = pp;
                    }
                }
                Ok(None) => {}
                Err((code, m, help)) => {
                    let mut d = detail(file, line, i + 1, code, m, help);
                    d.field = Some(h.clone());
                    problems.push(d);
                }
            }
            columns.push(col);
        }
        if !problems.is_empty() {
            return Err(InputError(problems));
        }
        Ok(Delimited {
            rdr,
            rec: csv::ByteRecord::new(),
            delimiter,
            lines,
        })
    }

    pub(super) fn next_into(
        &mut self,
        row: &mut Row,
        file: &str,
        columns: &[Column],
    ) -> Result<Option<Next>, InputError> {
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| self.lines.borrow_mut().line(p.byte()));
                return Err(InputError::one(detail(
                    file,
                    line,
                    1,
                    "io",
                    format!("cannot read the row: {e}"),
                    None,
                )));
            }
        }
        let line = self
            .rec
            .position()
            .map_or(0, |p| self.lines.borrow_mut().line(p.byte()));
        row.line = line;
        if self
            .rec
            .iter()
            .all(|c| c.iter().all(u8::is_ascii_whitespace))
        {
            return Ok(Some(Next::Skipped(Skipped {
                line,
                reason: SkipReason::Blank,
            })));
        }
        if self.rec.len() != columns.len() {
            let mut d = detail(
                file,
                line,
                columns.len().min(self.rec.len()) + 1,
                "ragged_row",
                format!(
                    "row has {} cells but the header has {}",
                    self.rec.len(),
                    columns.len()
                ),
                Some("check for a stray or missing separator, or an unclosed quote".into()),
            );
            if self.rec.len() > columns.len() {
                let extra: Vec<String> = self
                    .rec
                    .iter()
                    .skip(columns.len())
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect();
                d.value = Some(extra.join(","));
            }
            row.errors.push(d);
        }
        for (i, (cell, col)) in self.rec.iter().zip(columns.iter()).enumerate() {
            let Ok(text) = std::str::from_utf8(cell) else {
                return Err(utf8_error(file, line, i + 1));
            };
            if text.contains(['\n', '\r']) {
                let breaks = text.matches('\n').count().max(text.matches('\r').count());
                let swallowed = text
                    .split(['\n', '\r'])
                    .skip(1)
                    .any(|l| l.contains(char::from(self.delimiter)));
                if swallowed || col.field.is_some() {
                    let mut d = detail(
                        file,
                        line,
                        i + 1,
                        "unclosed_quote",
                        format!(
                            "the cell in column `{}` opens a quote on line {line} that runs over {} line(s), to line {}{}",
                            col.name,
                            breaks,
                            line + breaks,
                            if swallowed { ", and holds what look like further rows: the quote is probably not closed" } else { "" }
                        ),
                        Some("close the quote (or remove the stray `\"`) so that every row is read as a row".into()),
                    );
                    d.field = Some(col.name.to_string());
                    d.value = Some(text.chars().take(60).collect());
                    row.errors.push(d);
                    continue;
                }
            }
            put_cell(row, col, text, file, i + 1);
        }
        Ok(Some(Next::Row))
    }
}
