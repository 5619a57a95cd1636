//! JSON rosters (an array of objects, or `{"communities": [...]}`) and JSON Lines.
//!
//! A JSON array is checked as a whole first (so a syntax error is reported with its line
//! and column), then its records are read one at a time from the text. Values are read
//! from their text as written, so `0.1` is exactly one tenth and a 22-digit number is
//! reported as too large rather than rounded. A key given twice in one record is an error.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{
    detail, io_zh, map_header, put_cell, put_flag, Column, HeaderProblem, InputError, Next, Row,
    MAX_JSON_BYTES,
};
use crate::diag::{text as tx, Text};

/// serde_json's messages end with " at line L column C"; the reader says where itself.
fn bare_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s.get(..i).unwrap_or(&s).to_string(),
        None => s,
    }
}

/// serde_json's message (as [`bare_message`] gives it) in Chinese.
fn json_zh(bare: &str) -> String {
    let zh = match bare {
        "EOF while parsing a list" => "解析数组时文件意外结束",
        "EOF while parsing an object" => "解析对象时文件意外结束",
        "EOF while parsing a string" => "解析字符串时文件意外结束",
        "EOF while parsing a value" => "解析值时文件意外结束",
        "expected `:`" => "此处应为 `:`",
        "expected `,` or `]`" => "此处应为 `,` 或 `]`",
        "expected `,` or `}`" => "此处应为 `,` 或 `}`",
        "expected ident" => "此处应为 true、false 或 null",
        "expected value" => "此处应为一个值",
        "expected `\"`" => "此处应为 `\"`",
        "invalid escape" => "无效的转义序列",
        "invalid number" => "无效的数字",
        "number out of range" => "数字超出范围",
        "invalid unicode code point" => "无效的 Unicode 码位",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "字符串中有控制字符(\\u0000-\\u001F)"
        }
        "key must be a string" => "键必须是字符串",
        "lone leading surrogate in hex escape" => "十六进制转义中有孤立的代理项",
        "trailing comma" => "多余的结尾逗号",
        "trailing characters" => "JSON 值之后还有多余的字符",
        "unexpected end of hex escape" => "十六进制转义意外结束",
        "recursion limit exceeded" => "嵌套层数超过上限",
        _ => return format!("JSON 解析错误(读取程序提示:{bare})"),
    };
    zh.to_string()
}

/// Not valid JSON, in both languages.
fn not_json(e: &serde_json::Error) -> Text {
    let bare = bare_message(e);
    tx(
        format!("not valid JSON: {bare}"),
        format!("不是有效的 JSON:{}", json_zh(&bare)),
    )
}

/// The keys of one record, in order, with their values as written.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Entries<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The columns seen so far, by key.
#[derive(Default)]
struct Keys {
    index: HashMap<String, usize>,
    /// Keys that cannot be used, with the problem (reported on every record that has them).
    bad: HashMap<String, HeaderProblem>,
}

impl Keys {
    /// The column of a key, registering it on first sight.
    fn column(&mut self, key: &str, columns: &mut Vec<Column>) -> Result<usize, HeaderProblem> {
        if let Some(i) = self.index.get(key) {
            return Ok(*i);
        }
        if let Some(p) = self.bad.get(key) {
            return Err(p.clone());
        }
        match map_header(key, "key") {
            Ok(mapped) => {
                let i = columns.len();
                columns.push(Column {
                    name: Arc::from(key.trim()),
                    field: mapped.map(|m| m.0),
                    percent_points: mapped.is_some_and(|m| m.1),
                });
                self.index.insert(key.to_string(), i);
                Ok(i)
            }
            Err(p) => {
                self.bad.insert(key.to_string(), p.clone());
                Err(p)
            }
        }
    }
}

fn row_error(row: &mut Row, file: &str, code: &'static str, message: Text, help: Option<Text>) {
    row.errors
        .push(detail(file, row.line, 1, code, message, help));
}

/// Fills a row from one record's text (an object). Problems become errors of the row.
fn fill_row(
    row: &mut Row,
    text: &str,
    file: &str,
    keys: &mut Keys,
    columns: &mut Vec<Column>,
    offset_line: usize,
) {
    let mut de = serde_json::Deserializer::from_str(text);
    let entries = match serde::Deserialize::deserialize(&mut de).and_then(|e: Entries<'_>| {
        de.end()?;
        Ok(e)
    }) {
        Ok(e) => e,
        Err(e) => {
            let msg = if e.is_data() {
                tx("the record is not a JSON object", "该记录不是 JSON 对象")
            } else {
                not_json(&e)
            };
            row.errors.push(detail(
                file,
                offset_line + e.line().saturating_sub(1),
                e.column().max(1),
                if e.is_data() {
                    "not_an_object"
                } else {
                    "syntax"
                },
                msg,
                None,
            ));
            return;
        }
    };
    let mut seen: Vec<(crate::field::FieldId, usize)> = Vec::new();
    for (n, (k, v)) in entries.0.iter().enumerate() {
        if entries.0.iter().take(n).any(|(p, _)| p == k) {
            let mut d = detail(
                file,
                row.line,
                1,
                "duplicate_key",
                tx(
                    format!("key `{k}` is given twice in this record"),
                    format!("该记录中键 `{k}` 出现了两次"),
                ),
                Some(tx(
                    "keep one of them; JSON readers silently keep only one",
                    "请只保留一个;JSON 读取程序会悄悄只保留其中一个",
                )),
            );
            d.field = Some(k.clone());
            row.errors.push(d);
            continue;
        }
        let ci = match keys.column(k, columns) {
            Ok(i) => i,
            Err(p) => {
                row.errors.push(p.at(file, row.line, 1, k));
                continue;
            }
        };
        let Some(col) = columns.get(ci) else { continue };
        if let Some(f) = col.field {
            if let Some((_, prev)) = seen.iter().find(|(g, _)| *g == f) {
                let prev = entries.0.get(*prev).map_or("", |x| x.0.as_str());
                let mut d = detail(
                    file,
                    row.line,
                    1,
                    "duplicate_key",
                    tx(
                        format!("keys `{prev}` and `{k}` both give `{}`", f.name()),
                        format!("键 `{prev}` 和 `{k}` 都对应 `{}`", f.name()),
                    ),
                    Some(tx("keep one of them", "请只保留其中一个")),
                );
                d.field = Some(k.clone());
                row.errors.push(d);
                continue;
            }
            seen.push((f, n));
        }
        let raw = v.get();
        match raw.as_bytes().first() {
            Some(b'"') => match serde_json::from_str::<String>(raw) {
                Ok(s) => put_cell(row, col, &s, file, 1),
                Err(e) => {
                    let bare = bare_message(&e);
                    let zh = format!("JSON 字符串无效:{}", json_zh(&bare));
                    row_error(row, file, "syntax", tx(bare, zh), None);
                }
            },
            Some(b'n') => {}
            Some(b't' | b'f') => {
                let b = raw == "true";
                if !put_flag(row, col, b) {
                    put_cell(row, col, raw, file, 1);
                }
            }
            Some(b'[' | b'{') => {
                let mut d = detail(
                    file,
                    row.line,
                    1,
                    "value",
                    tx(
                        format!(
                            "`{k}` must be a number, text, true/false or null, not {}",
                            raw.chars().take(40).collect::<String>()
                        ),
                        format!(
                            "`{k}` 必须是数字、文本、true/false 或 null,而不是 {}",
                            raw.chars().take(40).collect::<String>()
                        ),
                    ),
                    None,
                );
                d.field = Some(k.clone());
                row.errors.push(d);
            }
            _ => put_cell(row, col, raw, file, 1),
        }
    }
}

/// A JSON array of records, held as text and read record by record.
pub(super) struct JsonRecords {
    text: String,
    /// Byte position of the next thing to read in the records' array.
    pos: usize,
    /// Line at `pos`.
    line: usize,
    /// Position counted up to (for line numbers).
    counted: usize,
    done: bool,
    keys: Keys,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end (exclusive) of the JSON value starting at `i` in text already known to be
/// valid JSON.
fn skip_value(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    let mut in_str = false;
    let mut esc = false;
    while let Some(&c) = b.get(j) {
        j += 1;
        if in_str {
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
                if depth == 0 {
                    return j;
                }
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return j - 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return j - 1,
            _ => {}
        }
    }
    j
}

impl JsonRecords {
    pub(super) fn empty() -> JsonRecords {
        JsonRecords {
            text: String::new(),
            pos: 0,
            line: 1,
            counted: 0,
            done: true,
            keys: Keys::default(),
        }
    }

    pub(super) fn new(src: impl Read, file: &str) -> Result<JsonRecords, InputError> {
        let mut bytes = Vec::new();
        src.take(u64::try_from(MAX_JSON_BYTES).unwrap_or(u64::MAX) + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                InputError::one(detail(
                    file,
                    1,
                    1,
                    "io",
                    tx(
                        format!("cannot read: {e}"),
                        format!("无法读取:{}", io_zh(&e)),
                    ),
                    None,
                ))
            })?;
        if bytes.len() > MAX_JSON_BYTES {
            return Err(InputError::one(detail(
                file,
                1,
                1,
                "io",
                tx(
                    format!(
                        "the JSON roster is larger than {} MiB",
                        MAX_JSON_BYTES >> 20
                    ),
                    format!("JSON 名册大于 {} MiB", MAX_JSON_BYTES >> 20),
                ),
                Some(tx(
                    "write it as JSON Lines (one object per line), which is read as a stream",
                    "请改写为 JSON Lines(每行一个对象),它可以流式读取",
                )),
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let upto = e
                .as_bytes()
                .get(..e.utf8_error().valid_up_to())
                .unwrap_or_default();
            let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
            InputError::one(detail(
                file,
                line,
                1,
                "encoding",
                tx("the file is not UTF-8 text", "文件不是 UTF-8 文本"),
                Some(tx(
                    "JSON is UTF-8; save it as UTF-8",
                    "JSON 须为 UTF-8;请另存为 UTF-8",
                )),
            ))
        })?;
        let text = match text.strip_prefix('\u{feff}') {
            Some(t) => t.to_string(),
            None => text,
        };
        if text.trim().is_empty() {
            return Err(InputError::one(detail(
                file,
                1,
                1,
                "empty",
                tx("the file is empty", "文件是空的"),
                Some(tx(
                    "give an array of objects, one per community",
                    "请给出对象数组,每个社区一个对象",
                )),
            )));
        }
        // the whole text must be JSON: a syntax error is reported where it is
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
            return Err(InputError::one(detail(
                file,
                e.line(),
                e.column(),
                "syntax",
                not_json(&e),
                None,
            )));
        }
        let b = text.as_bytes();
        let start = skip_ws(b, 0);
        let mut r = JsonRecords {
            pos: 0,
            line: 1,
            counted: 0,
            done: false,
            keys: Keys::default(),
            text: String::new(),
        };
        match b.get(start) {
            Some(b'[') => r.pos = start + 1,
            Some(b'{') => {
                // an object: its only key is `communities`, an array
                let mut i = start + 1;
                let mut found = None;
                let mut problems = Vec::new();
                loop {
                    i = skip_ws(b, i);
                    match b.get(i) {
                        Some(b'}') | None => break,
                        Some(b',') => {
                            i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let kend = skip_value(b, i);
                    let key: String = text
                        .get(i..kend)
                        .and_then(|k| serde_json::from_str(k).ok())
                        .unwrap_or_default();
                    let line = 1 + b
                        .get(..i)
                        .map_or(0, |s| s.iter().filter(|c| **c == b'\n').count());
                    i = skip_ws(b, kend);
                    i = skip_ws(b, i + 1); // the colon
                    let vend = skip_value(b, i);
                    if key == "communities" && b.get(i) == Some(&b'[') {
                        found = Some(i + 1);
                    } else if key == "communities" {
                        problems.push(detail(
                            file,
                            line,
                            1,
                            "syntax",
                            tx(
                                "`communities` must be an array of objects",
                                "`communities` 必须是对象数组",
                            ),
                            None,
                        ));
                    } else {
                        problems.push(detail(
                            file,
                            line,
                            1,
                            "unknown_header",
                            tx(
                                format!("the roster object has a key `{key}`; only `communities` is read"),
                                format!("名册对象中有键 `{key}`;只读取 `communities`"),
                            ),
                            Some(tx(
                                "put the records in `communities` and remove other keys (or write a plain array)",
                                "请把记录放在 `communities` 中并删去其他键(或直接写成数组)",
                            )),
                        ));
                    }
                    i = vend;
                }
                if !problems.is_empty() {
                    return Err(InputError(problems));
                }
                match found {
                    Some(p) => r.pos = p,
                    None => {
                        return Err(InputError::one(detail(
                            file,
                            1,
                            1,
                            "syntax",
                            tx(
                                "a JSON roster is an array of objects, or an object with a `communities` array",
                                "JSON 名册应为对象数组,或带有 `communities` 数组的对象",
                            ),
                            None,
                        )))
                    }
                }
            }
            _ => {
                return Err(InputError::one(detail(
                    file,
                    1,
                    1,
                    "syntax",
                    tx(
                        "a JSON roster is an array of objects",
                        "JSON 名册应为对象数组",
                    ),
                    None,
                )))
            }
        }
        r.text = text;
        Ok(r)
    }

    fn advance_lines(&mut self, to: usize) {
        let b = self.text.as_bytes();
        if let Some(s) = b.get(self.counted..to) {
            self.line += s.iter().filter(|c| **c == b'\n').count();
        }
        self.counted = to;
    }

    pub(super) fn next_into(
        &mut self,
        row: &mut Row,
        file: &str,
        columns: &mut Vec<Column>,
    ) -> Result<Option<Next>, InputError> {
        if self.done {
            return Ok(None);
        }
        let (i, end) = {
            let b = self.text.as_bytes();
            let mut i = skip_ws(b, self.pos);
            if b.get(i) == Some(&b',') {
                i = skip_ws(b, i + 1);
            }
            match b.get(i) {
                Some(b']') | None => {
                    self.done = true;
                    return Ok(None);
                }
                _ => {}
            }
            (i, skip_value(b, i))
        };
        self.pos = end;
        self.advance_lines(i);
        row.line = self.line;
        let text = std::mem::take(&mut self.text);
        match text.get(i..end) {
            Some(slice) if slice.starts_with('{') => {
                fill_row(row, slice, file, &mut self.keys, columns, self.line);
            }
            Some(slice) => row.errors.push(detail(
                file,
                self.line,
                1,
                "not_an_object",
                tx(
                    format!(
                        "the record is not an object but `{}`",
                        slice.chars().take(40).collect::<String>()
                    ),
                    format!(
                        "该记录不是对象,而是 `{}`",
                        slice.chars().take(40).collect::<String>()
                    ),
                ),
                Some(tx(
                    "give one object per community: {\"社区名称\": \"…\", \"户数\": 2000}",
                    "请每个社区给出一个对象:{\"社区名称\": \"…\", \"户数\": 2000}",
                )),
            )),
            None => {}
        }
        self.text = text;
        Ok(Some(Next::Row))
    }
}

/// JSON Lines, streamed line by line.
pub(super) struct JsonLines<'a> {
    src: BufReader<Box<dyn Read + 'a>>,
    buf: String,
    line: usize,
    keys: Keys,
}

impl<'a> JsonLines<'a> {
    pub(super) fn new(src: Box<dyn Read + 'a>) -> JsonLines<'a> {
        JsonLines {
            src: BufReader::new(src),
            buf: String::new(),
            line: 0,
            keys: Keys::default(),
        }
    }

    pub(super) fn next_into(
        &mut self,
        row: &mut Row,
        file: &str,
        columns: &mut Vec<Column>,
    ) -> Result<Option<Next>, InputError> {
        loop {
            self.buf.clear();
            let n = self.src.read_line(&mut self.buf).map_err(|e| {
                let (code, msg) = if e.kind() == std::io::ErrorKind::InvalidData {
                    (
                        "encoding",
                        tx("the file is not UTF-8 text", "文件不是 UTF-8 文本"),
                    )
                } else {
                    (
                        "io",
                        tx(
                            format!("cannot read: {e}"),
                            format!("无法读取:{}", io_zh(&e)),
                        ),
                    )
                };
                InputError::one(detail(file, self.line + 1, 1, code, msg, None))
            })?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            let text = if self.line == 1 {
                self.buf.strip_prefix('\u{feff}').unwrap_or(&self.buf)
            } else {
                &self.buf
            };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            row.line = self.line;
            if !text.starts_with('{') {
                row.errors.push(detail(
                    file,
                    self.line,
                    1,
                    "not_an_object",
                    tx(
                        "each line must be a JSON object",
                        "每一行都必须是 JSON 对象",
                    ),
                    None,
                ));
                return Ok(Some(Next::Row));
            }
            let text = text.to_string();
            fill_row(row, &text, file, &mut self.keys, columns, self.line);
            return Ok(Some(Next::Row));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn duplicate_keys_are_refused() {
        let e = parse_json(r#"[{"households": 1, "households": 2000}]"#, "r.json").err();
        assert_eq!(e.map(|e| e.code), Some("duplicate_key"));
        let e = parse_jsonl("{\"户数\": 1, \"households\": 2}\n", "r.jsonl").err();
        assert_eq!(e.map(|e| e.code), Some("duplicate_key"));
    }

    #[test]
    fn lines_inside_communities_are_right() {
        let text = "{\"communities\": [\n  {\"name\": \"A\", \"meta\": null},\n  {\"name\": \"B\"},\n  {\"name\": \"C\", \"households\": \"x\"}\n]}";
        let e = parse_json(text, "r.json").err();
        assert_eq!(e.map(|e| (e.line, e.record)), Some((4, Some(3))));
    }

    #[test]
    fn jsonl_errors_name_their_own_line_only() {
        let e = parse_jsonl("{\"name\": \"A\"}\n{\"name\": }\n", "r.jsonl").err();
        let e = e.map(|e| (e.line, e.message.clone()));
        assert_eq!(e.as_ref().map(|x| x.0), Some(2));
        assert!(e.is_some_and(|x| !x.1.contains("at line")));
    }

    #[test]
    fn numbers_are_read_as_written() {
        let r = parse_json(r#"[{"occupancy": 0.1, "households": 3200.0}]"#, "r.json");
        let r = r.unwrap_or_default();
        let occ = crate::field::by_id("occupancy").unwrap_or(crate::field::FieldId(0));
        assert_eq!(
            r.records.first().and_then(|x| x.num(occ)),
            crate::num::Num::parse("0.1")
        );
        let big = parse_json(r#"[{"households": 9999999999999999999999}]"#, "r.json").err();
        assert!(big.is_some_and(|e| e.message.contains("too large")));
    }

    #[test]
    fn other_top_level_keys_are_not_ignored() {
        let e = parse_json(
            r#"{"communities": [{"name": "A"}], "year": 2024}"#,
            "r.json",
        )
        .err();
        assert!(e.is_some_and(|e| e.message.contains("`year`")));
    }
}
