//! A roster read as a stream, in two passes: the first finds every problem, every column,
//! the input's hash and size; the second evaluates and writes, row by row. The command
//! and the Python package both go through here, so their reports of a file are the same.

use std::io::Read;

use super::overview::{GroupBy, Overview, Overviewer};
use super::{InputOut, Run, Sink, Writer};
use crate::eval::{Options, Plan, Status};
use crate::input::{self, Format, InputError, Next, ReadOptions, Row, Scan, Skipped};

/// What the first pass found.
#[derive(Clone, Debug)]
pub struct FirstPass {
    pub scan: Scan,
    pub input: InputOut,
    /// How the input was read (the second pass reads it the same way).
    pub read: ReadOptions,
    /// When the first pass evaluated too: the summary, per group if asked.
    pub overview: Option<Overview>,
}

/// What a first pass should evaluate, for a report that opens with its summary.
pub struct Evaluate<'a> {
    pub plan: &'a Plan,
    pub opts: &'a Options,
    pub group_by: Option<GroupBy>,
}

/// Reads a roster through once: every bad cell, every column, its SHA-256 and size.
pub fn first_pass(src: impl Read, format: Format, name: &str) -> Result<FirstPass, InputError> {
    first_pass_with(src, format, name, &ReadOptions::default(), None)
}

/// [`first_pass`] with reading options, evaluating every row too when asked (for a
/// summary before the detail, per group with `group_by`).
pub fn first_pass_with(
    src: impl Read,
    format: Format,
    name: &str,
    read: &ReadOptions,
    eval: Option<Evaluate<'_>>,
) -> Result<FirstPass, InputError> {
    let (hashing, hash) = crate::hash::HashingReader::new(src);
    let group_by = eval.as_ref().and_then(|e| e.group_by.clone());
    let mut ov = eval.map(|e| Overviewer::new(e.plan, e.opts, e.group_by));
    let scan = input::scan_with(hashing, format, name, read, |row| {
        if let Some(o) = ov.as_mut() {
            o.add(row);
        }
    })?;
    if let Some(by) = &group_by {
        if !by.found_in(&scan.columns) {
            let names: Vec<String> = scan
                .columns
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect();
            return Err(InputError(vec![input::InputErrorDetail {
                file: name.to_string(),
                line: 1,
                column: 1,
                field: Some(by.label()),
                record: None,
                value: None,
                code: "group_by",
                message: format!("the roster has no column `{}` to group by", by.label()),
                help: Some(format!("its columns are {}", names.join(", "))),
                message_zh: format!("名册中没有可用于分组的列 `{}`", by.label()),
                help_zh: Some(format!("名册中的列为:{}", names.join(", "))),
            }]));
        }
    }
    let overview = match ov.map(Overviewer::finish) {
        Some(Ok(o)) => Some(o),
        Some(Err(max)) => {
            return Err(InputError(vec![input::InputErrorDetail {
                file: name.to_string(),
                line: 1,
                column: 1,
                field: group_by.as_ref().map(GroupBy::label),
                record: None,
                value: None,
                code: "group_by",
                message: format!(
                    "column `{}` has more than {max} different values: it names communities rather than groups of them",
                    group_by.as_ref().map(GroupBy::label).unwrap_or_default()
                ),
                help: Some("group by a column such as 所属街道 or 区县".into()),
                message_zh: format!(
                    "`{}` 列有超过 {max} 个不同的值:它标识的是社区本身,而不是社区的分组",
                    group_by.as_ref().map(GroupBy::label).unwrap_or_default()
                ),
                help_zh: Some("请按 所属街道 或 区县 这样的列分组".into()),
            }]))
        }
        None => None,
    };
    let (bytes, sha256) = {
        let h = hash.borrow();
        (h.len(), h.clone().finish())
    };
    let input = InputOut::of_scan(name, format, sha256, bytes, &scan);
    Ok(FirstPass {
        scan,
        input,
        read: read.clone(),
        overview,
    })
}

/// What the second pass wrote.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// Data rows written.
    pub rows: usize,
    pub skipped: Vec<Skipped>,
    /// Whether any finding failed (a community's or a roster-level one).
    pub failed: bool,
}

/// Why the second pass stopped.
#[derive(Debug)]
pub enum PassError {
    /// The input could not be read.
    Input(InputError),
    /// The report could not be written (a closed pipe is one).
    Write(std::io::Error),
    /// The input was not the same as in the first pass.
    Changed { first: usize, second: usize },
}

impl std::fmt::Display for PassError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PassError::Input(e) => write!(f, "{e}"),
            PassError::Write(e) => write!(f, "cannot write the report: {e}"),
            PassError::Changed { first, second } => write!(
                f,
                "the input changed while it was read: {first} data rows the first time, {second} the second; the report is incomplete"
            ),
        }
    }
}

/// Evaluates a roster row by row into a sink: every data row once, in order, the skipped
/// rows listed, and the first pass's provenance in the tail. Rows must come out as many
/// as the first pass counted, or the pass fails.
pub fn second_pass(
    w: &Writer<'_>,
    src: impl Read,
    format: Format,
    name: &str,
    first: &FirstPass,
    sink: &mut dyn Sink,
) -> Result<Written, PassError> {
    let mut reader =
        input::Reader::with_options(src, format, name, &first.read).map_err(PassError::Input)?;
    let mut run = Run::new(w.plan, w.opts);
    let mut row = Row::default();
    let mut out = Written::default();
    sink.head(w).map_err(PassError::Write)?;
    if let Some(ov) = &first.overview {
        sink.overview(w, ov, &first.input, &first.scan.skipped)
            .map_err(PassError::Write)?;
    }
    while let Some(next) = reader.next_into(&mut row).map_err(PassError::Input)? {
        match next {
            Next::Row => {
                let (res, issues) = run.row(&row);
                out.failed |= res.findings.iter().any(|f| f.status == Status::Fail);
                sink.community(w, &row, res, issues)
                    .map_err(PassError::Write)?;
                out.rows += 1;
            }
            Next::Skipped(s) => out.skipped.push(s),
        }
    }
    let done = run.finish();
    out.failed |= done.roster.iter().any(|f| f.status == Status::Fail);
    sink.tail(w, &done, &out.skipped, Some(&first.input))
        .map_err(PassError::Write)?;
    if out.rows != first.scan.rows || out.skipped.len() != first.scan.skipped.len() {
        return Err(PassError::Changed {
            first: first.scan.rows,
            second: out.rows,
        });
    }
    Ok(out)
}

/// [`problems_message`] in a language.
pub fn problems_message_in(scan: &Scan, lang: crate::Lang) -> String {
    if lang == crate::Lang::En {
        return problems_message(scan);
    }
    let mut msg = String::new();
    for e in &scan.errors {
        msg.push_str(&e.display_in(lang));
        msg.push('\n');
    }
    if scan.more_errors > 0 {
        msg.push_str(&format!("……另有 {} 处问题\n", scan.more_errors));
    }
    msg.push_str(&format!(
        "共 {} 处问题,涉及 {} 行中的 {} 行;请更正,或加 `--keep-going` 先核查其余数据(有问题的单元格按缺失处理)",
        scan.error_count(),
        scan.rows,
        scan.rows_with_errors
    ));
    msg
}

/// The message listing every problem a first pass found (the first ones in full), and
/// what to do.
pub fn problems_message(scan: &Scan) -> String {
    let mut msg = String::new();
    for e in &scan.errors {
        msg.push_str(&e.to_string());
        msg.push('\n');
    }
    if scan.more_errors > 0 {
        msg.push_str(&format!("… and {} more problems\n", scan.more_errors));
    }
    msg.push_str(&format!(
        "{} problem(s) in {} of {} rows; fix them, or pass `--keep-going` to evaluate the rows with the bad cells counted as missing",
        scan.error_count(),
        scan.rows_with_errors,
        scan.rows
    ));
    msg
}
