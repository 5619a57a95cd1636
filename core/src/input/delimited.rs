//! CSV and TSV, streamed record by record.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use super::table::RowSource;
use super::{detail, io_zh, InputError};
use crate::diag::text as tx;

pub(super) struct CsvSource<'a> {
    rdr: csv::Reader<Counting<'a>>,
    rec: csv::ByteRecord,
    delimiter: u8,
    lines: Rc<RefCell<Breaks>>,
    file: String,
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

impl<'a> CsvSource<'a> {
    pub(super) fn new(src: Box<dyn Read + 'a>, delimiter: u8, file: &str) -> CsvSource<'a> {
        let lines = Rc::new(RefCell::new(Breaks::default()));
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Counting {
                inner: src,
                breaks: lines.clone(),
            });
        CsvSource {
            rdr,
            rec: csv::ByteRecord::new(),
            delimiter,
            lines,
            file: file.to_string(),
        }
    }
}

/// Why the CSV reader stopped, in Chinese: a read error as [`io_zh`] says it, anything
/// else with the reader's own words.
fn csv_zh(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io_zh(io),
        _ => format!("CSV 解析错误(读取程序提示:{e})"),
    }
}

impl RowSource for CsvSource<'_> {
    fn advance(&mut self) -> Result<Option<usize>, InputError> {
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(true) => Ok(Some(
                self.rec
                    .position()
                    .map_or(0, |p| self.lines.borrow_mut().line(p.byte())),
            )),
            Ok(false) => Ok(None),
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| self.lines.borrow_mut().line(p.byte()));
                Err(InputError::one(detail(
                    &self.file,
                    line,
                    1,
                    "io",
                    tx(
                        format!("cannot read the row: {e}"),
                        format!("无法读取该行:{}", csv_zh(&e)),
                    ),
                    None,
                )))
            }
        }
    }

    fn width(&self) -> usize {
        self.rec.len()
    }

    fn cell(&self, i: usize) -> Result<&str, usize> {
        std::str::from_utf8(self.rec.get(i).unwrap_or_default()).map_err(|_| i)
    }

    fn delimiter(&self) -> Option<char> {
        Some(char::from(self.delimiter))
    }
}
