//! The JSON report (one document) and its JSON Lines form (one object per line), both
//! written as a stream.
//!
//! The document is `{ …head, "communities": [ … ], …tail }`: the head and the tail are
//! indented, each community is one line, so a report of a million communities is written
//! (and can be read back, or grepped) one community at a time. The JSON Lines form has a
//! `type` on every line: `header`, `community` (one per data row, in order), `skipped`,
//! `roster` and `summary`.

use std::io::Write;

use super::{tail, Finished, InputOut, Sink, Writer};
use crate::eval::RecordResult;
use crate::input::{Row, Skipped};
use crate::validate::DataIssue;

fn io(e: serde_json::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// Writes the JSON document.
pub struct JsonSink<W: Write> {
    out: W,
    first: bool,
    buf: Vec<u8>,
}

impl<W: Write> JsonSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> JsonSink<W> {
        JsonSink {
            out,
            first: true,
            buf: Vec::with_capacity(16 << 10),
        }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Strips the braces of a serialised object (`{…}` → `…`), keeping its inside.
fn inside(v: &[u8]) -> &[u8] {
    let s = v.strip_prefix(b"{").unwrap_or(v);
    let s = s.strip_suffix(b"}").unwrap_or(s);
    s.trim_ascii()
}

impl<W: Write> Sink for JsonSink<W> {
    fn head(&mut self, w: &Writer<'_>) -> std::io::Result<()> {
        let h = serde_json::to_vec_pretty(&w.head()).map_err(io)?;
        self.out.write_all(b"{\n  ")?;
        self.out.write_all(inside(&h))?;
        self.out.write_all(b",\n  \"communities\": [")?;
        Ok(())
    }

    fn community(
        &mut self,
        w: &Writer<'_>,
        row: &Row,
        res: &RecordResult,
        issues: &[DataIssue],
    ) -> std::io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, &w.community(row, res, issues)).map_err(io)?;
        self.out
            .write_all(if self.first { b"\n    " } else { b",\n    " })?;
        self.first = false;
        self.out.write_all(&self.buf)
    }

    fn tail(
        &mut self,
        w: &Writer<'_>,
        done: &Finished,
        skipped: &[Skipped],
        input: Option<&InputOut>,
    ) -> std::io::Result<()> {
        let t = serde_json::to_vec_pretty(&tail(w, done, skipped, input)).map_err(io)?;
        self.out
            .write_all(if self.first { b"],\n  " } else { b"\n  ],\n  " })?;
        self.out.write_all(inside(&t))?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}

/// Writes JSON Lines: one object per line, each with a `type`.
pub struct JsonLinesSink<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> JsonLinesSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> JsonLinesSink<W> {
        JsonLinesSink {
            out,
            buf: Vec::with_capacity(16 << 10),
        }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn line(&mut self, kind: &str, v: &impl serde::Serialize) -> std::io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, v).map_err(io)?;
        write!(self.out, "{{\"type\":\"{kind}\"")?;
        let body = inside(&self.buf);
        if !body.is_empty() {
            self.out.write_all(b",")?;
            self.out.write_all(body)?;
        }
        self.out.write_all(b"}\n")
    }
}

impl<W: Write> Sink for JsonLinesSink<W> {
    fn head(&mut self, w: &Writer<'_>) -> std::io::Result<()> {
        self.line("header", &w.head())
    }

    fn community(
        &mut self,
        w: &Writer<'_>,
        row: &Row,
        res: &RecordResult,
        issues: &[DataIssue],
    ) -> std::io::Result<()> {
        self.line("community", &w.community(row, res, issues))
    }

    fn tail(
        &mut self,
        w: &Writer<'_>,
        done: &Finished,
        skipped: &[Skipped],
        input: Option<&InputOut>,
    ) -> std::io::Result<()> {
        let t = tail(w, done, skipped, input);
        for s in skipped {
            self.line("skipped", s)?;
        }
        if let Some(i) = input {
            self.line("input", i)?;
        }
        self.line("roster", &t.roster)?;
        self.line("summary", &t.summary)?;
        self.out.flush()
    }
}
