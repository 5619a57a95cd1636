//! Reading rosters from text: CSV (UTF-8, with or without BOM, English or Chinese
//! headers), JSON (an array of objects, or `{"communities": [...]}`) and JSON Lines.
//! Unknown columns pass through; a column that looks like a misspelt field is an error
//! with a suggestion; a bad value is an error with its line, column and field.

use crate::field::{self, FieldId};
use crate::record::{Record, Val};

/// Where a record came from and what else it carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowMeta {
    /// 1-based line in the input where the record starts.
    pub line: usize,
    /// Columns or keys that are not fields, in input order.
    pub extra: Vec<(String, String)>,
}

/// A parsed roster.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    pub records: Vec<Record>,
    pub rows: Vec<RowMeta>,
    /// For CSV: each header and the field it maps to.
    pub columns: Vec<(String, Option<FieldId>)>,
}

/// A problem in a roster, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputErrorDetail {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The field or header involved, if any.
    pub field: Option<String>,
    /// 1-based record number, if the problem is in a record.
    pub record: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// A problem in a roster: `file:line:column: message`, with a help line when there is
/// something to do. The details are boxed to keep `Result`s small; read them through
/// the fields (`e.line`, `e.help` …).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}:{}: {}{}", .0.file, .0.line, .0.column, .0.message, .0.help.as_ref().map(|h| format!("\n  help: {h}")).unwrap_or_default())]
pub struct InputError(pub Box<InputErrorDetail>);

impl std::ops::Deref for InputError {
    type Target = InputErrorDetail;
    fn deref(&self) -> &InputErrorDetail {
        &self.0
    }
}

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// A JSON array of objects, or an object with a `communities` array.
    Json,
    /// One JSON object per line.
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
}

/// Parses a roster.
pub fn parse(text: &str, format: Format, file: &str) -> Result<Roster, InputError> {
    match format {
        Format::Csv => parse_csv(text, file),
        Format::Tsv => parse_tsv(text, file),
        Format::Json => parse_json(text, file),
        Format::JsonLines => parse_jsonl(text, file),
    }
}

fn err(
    file: &str,
    line: usize,
    column: usize,
    field: Option<String>,
    record: Option<usize>,
    message: String,
    help: Option<String>,
) -> InputError {
    InputError(Box::new(InputErrorDetail {
        file: file.to_string(),
        line,
        column,
        field,
        record,
        message,
        help,
    }))
}

/// What a header or key maps to: a field (and whether its shares are in percent points),
/// or `None` for a pass-through column. `what` is "header" or "key", for messages.
/// A header's field and whether its shares are written in percent points.
type Mapped = Option<(FieldId, bool)>;

/// A message and its help line.
type Problem = (String, Option<String>);

fn map_header(h: &str, what: &str) -> Result<Mapped, Problem> {
    match field::resolve_header(h) {
        field::Header::Field {
            field,
            percent_points,
        } => return Ok(Some((field, percent_points))),
        field::Header::WrongUnit { field, unit } => {
            let units = field::unit_words(field.def().unit);
            return Err((
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
            format!("{what} `{h}` is not a known field, but looks like `{s}` ({})", field::by_id(s).map_or("", |f| f.def().zh)),
            Some(format!("{rename} to `{s}`, or to something that does not resemble a field if it is your own {thing}")),
        )),
        None => Ok(None),
    }
}

/// Line numbers of byte offsets, counting `\r\n`, `\n` and a lone `\r` as one line break.
struct Lines {
    starts: Vec<usize>,
    bytes: Vec<u8>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
            i += 1;
        }
        Lines {
            starts,
            bytes: b.to_vec(),
        }
    }

    /// The line of a record that starts at `byte`. The CSV reader may report a record as
    /// starting at the line break before it (`\n` of a `\r\n`), so breaks are skipped.
    fn line(&self, mut byte: usize) -> usize {
        while matches!(self.bytes.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        match self.starts.binary_search(&byte) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// Parses CSV text (comma-separated).
pub fn parse_csv(text: &str, file: &str) -> Result<Roster, InputError> {
    parse_delimited(text, file, b',')
}

/// Parses tab-separated text.
pub fn parse_tsv(text: &str, file: &str) -> Result<Roster, InputError> {
    parse_delimited(text, file, b'\t')
}

fn parse_delimited(text: &str, file: &str, delimiter: u8) -> Result<Roster, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(err(file, 1, 1, None, None, "the file is empty".into(), Some("the first row names the columns (户数, 常住人口 …); each further row is one community".into())));
    }
    let lines = Lines::new(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| {
            err(
                file,
                1,
                1,
                None,
                None,
                format!("cannot read the header row: {e}"),
                None,
            )
        })?
        .clone();
    if headers.len() == 1 {
        let h = headers.get(0).unwrap_or("");
        for (sep, name) in [
            ('\t', "tabs"),
            (';', "semicolons"),
            (',', "commas"),
            ('|', "bars"),
        ] {
            if sep != char::from(delimiter) && h.contains(sep) {
                let help = if sep == '\t' {
                    "name the file `.tsv` or pass `--input-format tsv`"
                } else {
                    "save the file as comma-separated CSV (UTF-8)"
                };
                return Err(err(
                    file,
                    1,
                    1,
                    None,
                    None,
                    format!(
                        "the header row is one column separated by {name}, so no field can be read"
                    ),
                    Some(help.into()),
                ));
            }
        }
    }
    let mut columns = Vec::new();
    let mut mapped: Vec<Option<(FieldId, bool)>> = Vec::new();
    let mut seen: Vec<(FieldId, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        match map_header(h, "header") {
            Ok(Some((f, pp))) => {
                if let Some((_, prev)) = seen.iter().find(|(g, _)| *g == f) {
                    return Err(err(
                        file,
                        1,
                        i + 1,
                        Some(h.to_string()),
                        None,
                        format!(
                            "column {} (`{h}`) and column {} both give `{}`",
                            i + 1,
                            prev + 1,
                            f.name()
                        ),
                        Some("keep one of them".into()),
                    ));
                }
                seen.push((f, i));
                columns.push((h.to_string(), Some(f)));
                mapped.push(Some((f, pp)));
            }
            Ok(None) => {
                columns.push((h.to_string(), None));
                mapped.push(None);
            }
            Err((m, help)) => return Err(err(file, 1, i + 1, Some(h.to_string()), None, m, help)),
        }
    }
    let mut roster = Roster {
        records: Vec::new(),
        rows: Vec::new(),
        columns,
    };
    for (n, row) in rdr.records().enumerate() {
        let row = row.map_err(|e| {
            let line = e.position().map_or(n + 2, |p| {
                lines.line(usize::try_from(p.byte()).unwrap_or(0))
            });
            let msg = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("row has {len} cells but the header has {expected_len}"),
                _ => format!("cannot read the row: {e}"),
            };
            err(
                file,
                line,
                1,
                None,
                Some(n + 1),
                msg,
                Some("check for a stray or missing separator, or an unclosed quote".into()),
            )
        })?;
        let line = row.position().map_or(n + 2, |p| {
            lines.line(usize::try_from(p.byte()).unwrap_or(0))
        });
        let mut rec = Record::new();
        let mut extra = Vec::new();
        for (i, cell) in row.iter().enumerate() {
            let Some((h, _)) = roster.columns.get(i) else {
                continue;
            };
            match mapped.get(i).copied().flatten() {
                Some((f, pp)) => match Record::parse_value_in(f, cell, pp) {
                    Ok(Some(v)) => rec.set(f, v),
                    Ok(None) => {}
                    Err(e) => {
                        return Err(err(
                            file,
                            line,
                            i + 1,
                            Some(h.clone()),
                            Some(n + 1),
                            format!("column `{h}` ({}): {e}", f.name()),
                            None,
                        ))
                    }
                },
                None => extra.push((h.clone(), cell.to_string())),
            }
        }
        roster.records.push(rec);
        roster.rows.push(RowMeta { line, extra });
    }
    if roster.records.is_empty() {
        return Err(err(
            file,
            1,
            1,
            None,
            None,
            "the file has a header row but no data rows".into(),
            Some("add one row per community".into()),
        ));
    }
    Ok(roster)
}

fn json_value_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn record_from_object(
    obj: &serde_json::Map<String, serde_json::Value>,
    file: &str,
    line: usize,
    index: usize,
) -> Result<(Record, Vec<(String, String)>), InputError> {
    let mut rec = Record::new();
    let mut extra = Vec::new();
    let mut seen: Vec<(FieldId, String)> = Vec::new();
    for (k, v) in obj {
        match map_header(k, "key") {
            Ok(Some((f, _))) => {
                if let Some((_, prev)) = seen.iter().find(|(g, _)| *g == f) {
                    return Err(err(
                        file,
                        line,
                        1,
                        Some(k.clone()),
                        Some(index),
                        format!("keys `{prev}` and `{k}` both give `{}`", f.name()),
                        Some("keep one of them".into()),
                    ));
                }
                seen.push((f, k.clone()));
                if matches!(
                    v,
                    serde_json::Value::Array(_) | serde_json::Value::Object(_)
                ) {
                    return Err(err(
                        file,
                        line,
                        1,
                        Some(k.clone()),
                        Some(index),
                        format!("`{k}` must be a number, text, true/false or null, not {v}"),
                        None,
                    ));
                }
                if let serde_json::Value::Bool(b) = v {
                    if f.def().unit == field::Unit::Flag {
                        rec.set(f, Val::Flag(*b));
                        continue;
                    }
                }
                let Some(t) = json_value_text(v) else {
                    continue;
                };
                match Record::parse_value(f, &t) {
                    Ok(Some(val)) => rec.set(f, val),
                    Ok(None) => {}
                    Err(e) => {
                        return Err(err(
                            file,
                            line,
                            1,
                            Some(k.clone()),
                            Some(index),
                            format!("record {index}, `{k}` ({}): {e}", f.name()),
                            None,
                        ))
                    }
                }
            }
            Ok(None) => extra.push((k.clone(), json_value_text(v).unwrap_or_default())),
            Err((m, help)) => {
                return Err(err(
                    file,
                    line,
                    1,
                    Some(k.clone()),
                    Some(index),
                    format!("record {index}: {m}"),
                    help,
                ))
            }
        }
    }
    Ok((rec, extra))
}

/// Parses a JSON array of objects, or an object with a `communities` array.
pub fn parse_json(text: &str, file: &str) -> Result<Roster, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        err(
            file,
            e.line(),
            e.column(),
            None,
            None,
            format!("not valid JSON: {e}"),
            None,
        )
    })?;
    let arr = match &v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => {
            match o.get("communities") {
                Some(serde_json::Value::Array(a)) => a,
                _ => {
                    return Err(err(file, 1, 1, None, None, "a JSON roster is an array of objects, or an object with a `communities` array".into(), None));
                }
            }
        }
        _ => {
            return Err(err(
                file,
                1,
                1,
                None,
                None,
                "a JSON roster is an array of objects".into(),
                None,
            ))
        }
    };
    let lines = object_start_lines(text);
    let mut roster = Roster::default();
    for (i, item) in arr.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let serde_json::Value::Object(obj) = item else {
            return Err(err(
                file,
                line,
                1,
                None,
                Some(i + 1),
                format!("record {} is not an object", i + 1),
                None,
            ));
        };
        let (rec, extra) = record_from_object(obj, file, line, i + 1)?;
        roster.records.push(rec);
        roster.rows.push(RowMeta { line, extra });
    }
    if roster.records.is_empty() {
        return Err(err(
            file,
            1,
            1,
            None,
            None,
            "the JSON roster has no records".into(),
            Some("give an array of objects, one per community".into()),
        ));
    }
    Ok(roster)
}

/// The lines on which the records of a JSON array start (objects at nesting depth 1 or,
/// under `communities`, depth 2).
fn object_start_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut line = 1usize;
    let mut in_str = false;
    let mut esc = false;
    let top_is_array = text.trim_start().starts_with('[');
    let target = if top_is_array { 1 } else { 2 };
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' => {
                if c == '{' && depth == target {
                    out.push(line);
                }
                depth += 1;
            }
            '}' | ']' => depth -= 1,
            _ => {}
        }
    }
    out
}

/// Parses JSON Lines: one object per non-blank line.
pub fn parse_jsonl(text: &str, file: &str) -> Result<Roster, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut roster = Roster::default();
    for (n, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(l).map_err(|e| {
            err(
                file,
                n + 1,
                e.column(),
                None,
                None,
                format!("not valid JSON: {e}"),
                None,
            )
        })?;
        let serde_json::Value::Object(obj) = v else {
            return Err(err(
                file,
                n + 1,
                1,
                None,
                None,
                "each line must be a JSON object".into(),
                None,
            ));
        };
        let idx = roster.records.len() + 1;
        let (rec, extra) = record_from_object(&obj, file, n + 1, idx)?;
        roster.records.push(rec);
        roster.rows.push(RowMeta { line: n + 1, extra });
    }
    if roster.records.is_empty() {
        return Err(err(
            file,
            1,
            1,
            None,
            None,
            "the JSON Lines file has no records".into(),
            Some("write one JSON object per line".into()),
        ));
    }
    Ok(roster)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::Num;

    #[test]
    fn csv_with_bom_and_chinese_headers() {
        let text = "\u{feff}社区名称,户数,常住人口,备注\n东关社区,2345,7600,老城区\n";
        let r = parse_csv(text, "r.csv");
        let r = r.unwrap_or_default();
        assert_eq!(r.records.len(), 1);
        let hh = field::by_id("households").unwrap_or(FieldId(0));
        assert_eq!(
            r.records.first().and_then(|x| x.num(hh)),
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
}
