//! Tables as offices keep them (CSV, TSV, Excel): the header is the first row whose cells
//! are mostly known headers, so a title row above it (新城区城市社区基本情况统计表) is
//! skipped and reported rather than read as a header; rows of empty cells are skipped;
//! each data row's cells are read into a record.

use std::collections::VecDeque;
use std::sync::Arc;

use super::{detail, map_header, put_cell, Column, InputError, InputErrorDetail, Next, Row};
use super::{SkipReason, Skipped, TotalCheck};
use crate::diag::text as tx;
use crate::field::FieldId;
use crate::num::Num;
use crate::record::Record;

/// Rows looked at, at most, to find the header.
const HEADER_SEARCH: usize = 30;

/// Where a table's rows come from.
pub(super) trait RowSource {
    /// Moves to the next row; its 1-based line (or sheet row), `None` at the end.
    fn advance(&mut self) -> Result<Option<usize>, InputError>;
    /// Cells in the current row.
    fn width(&self) -> usize;
    /// A cell of the current row (`Err` holds the column of text that is not UTF-8).
    fn cell(&self, i: usize) -> Result<&str, usize>;
    /// Where the cell's text came from, when it is not simply what the cell holds.
    fn origin(&self, _i: usize) -> Origin {
        Origin::Cell
    }
    /// The separator, for a delimited file (to tell a cell that swallowed rows).
    fn delimiter(&self) -> Option<char> {
        None
    }
}

/// Where a cell's text came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    not(feature = "excel"),
    allow(
        dead_code,
        reason = "only workbooks have stored numbers and merged cells"
    )
)]
pub(super) enum Origin {
    /// The cell, as written.
    #[default]
    Cell,
    /// A spreadsheet number that stores more digits than the sheet shows (a computed
    /// `0.30000000000000004`): read as shown; the stored value.
    Shown(String),
    /// A merged cell: the value of the region's first cell, at this (1-based) row and
    /// column.
    Merged { row: usize, column: usize },
}

/// A row kept while the header is looked for.
struct Held {
    line: usize,
    cells: Vec<String>,
    from: Vec<Origin>,
}

pub(super) struct Table<'a> {
    src: Box<dyn RowSource + 'a>,
    /// Rows read past while looking for the header, to give out first.
    held: VecDeque<Held>,
    /// Rows above the header, to report as skipped.
    above: VecDeque<Skipped>,
    /// Running sums of the additive columns, to check sum rows against.
    sums: Sums,
    /// Sum rows met before any row they could sum (a 合计 right under the header): checked
    /// against every row at the end.
    deferred: Vec<(Skipped, Vec<Option<Num>>)>,
}

/// Running sums of each additive column (counts, areas, money), over every data row and
/// over the rows since the last 小计.
#[derive(Default)]
struct Sums {
    all: Vec<Part>,
    since_subtotal: Vec<Part>,
    rows: usize,
    rows_since_subtotal: usize,
}

#[derive(Clone, Copy)]
struct Part {
    sum: Num,
    with_value: usize,
    /// An addition overflowed: no check for this column.
    overflow: bool,
}

impl Default for Part {
    fn default() -> Part {
        Part {
            sum: Num::ZERO,
            with_value: 0,
            overflow: false,
        }
    }
}

impl Part {
    fn add(&mut self, v: Num) {
        match self.sum.checked_add(v) {
            Some(s) => self.sum = s,
            None => self.overflow = true,
        }
        self.with_value += 1;
    }
}

fn additive(f: FieldId) -> bool {
    use crate::field::Unit;
    matches!(
        f.def().unit,
        Unit::Households
            | Unit::Persons
            | Unit::SquareMetres
            | Unit::SquareKilometres
            | Unit::Yuan
            | Unit::Count
    )
}

/// A sum row's label: 合计, 总计, 小计, 共计, 全区 …, or a name ending in one of them
/// (东关街道小计, 全区合计). `Some(true)` for a subtotal.
pub(crate) fn total_label(text: &str) -> Option<bool> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != ':' && *c != '：')
        .collect();
    let lower = t.to_lowercase();
    if matches!(lower.as_str(), "subtotal" | "sub-total") || t.ends_with("小计") {
        return Some(true);
    }
    const WHOLE: &[&str] = &[
        "合计",
        "总计",
        "共计",
        "总数",
        "汇总",
        "全区",
        "全市",
        "全县",
        "全镇",
        "全街道",
        "全乡",
        "全旗",
    ];
    if WHOLE.contains(&t.as_str())
        || ["合计", "总计", "共计"].iter().any(|w| t.ends_with(w))
        || matches!(lower.as_str(), "total" | "sum" | "grandtotal" | "totals")
    {
        return Some(false);
    }
    None
}

fn encoding_error(file: &str, line: usize, column: usize) -> InputError {
    InputError::one(detail(
        file,
        line,
        column,
        "encoding",
        tx("the file is not UTF-8 text", "文件不是 UTF-8 文本"),
        Some(tx(
            "save it as UTF-8 (in Excel: 另存为 \"CSV UTF-8\"), or let shequ detect GB18030/GBK and UTF-16 (the default build does)",
            "请另存为 UTF-8(在 Excel 中:另存为 \"CSV UTF-8\"),或让 shequ 自动识别 GB18030/GBK 和 UTF-16(默认版本即可)",
        )),
    ))
}

fn read_cells(src: &dyn RowSource, file: &str, line: usize) -> Result<Held, InputError> {
    let mut cells = Vec::with_capacity(src.width());
    let mut from = Vec::with_capacity(src.width());
    for i in 0..src.width() {
        let t = src.cell(i).map_err(|c| encoding_error(file, line, c + 1))?;
        cells.push(t.to_string());
        from.push(src.origin(i));
    }
    Ok(Held { line, cells, from })
}

fn blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// How many of a row's cells name fields, and how many are not empty.
fn header_score(cells: &[String]) -> (usize, usize) {
    let mut fields = 0;
    let mut nonempty = 0;
    for c in cells {
        let t = c.trim();
        if t.is_empty() {
            continue;
        }
        nonempty += 1;
        if matches!(map_header(t, "header"), Ok(Some(_))) {
            fields += 1;
        }
    }
    (fields, nonempty)
}

/// Whether a row is a header: at least two cells name fields, and they are at least a
/// third of the cells that are not empty.
pub(super) fn header_found(cells: &[String]) -> bool {
    let (fields, nonempty) = header_score(cells);
    fields >= 2 && fields * 3 >= nonempty
}

impl<'a> Table<'a> {
    /// Finds the header row and maps each header to a field, collecting every problem.
    pub(super) fn new(
        mut src: Box<dyn RowSource + 'a>,
        file: &str,
        columns: &mut Vec<Column>,
    ) -> Result<Table<'a>, InputError> {
        let mut seen: Vec<Held> = Vec::new();
        let mut header: Option<usize> = None;
        while seen.len() < HEADER_SEARCH {
            let Some(line) = src.advance()? else { break };
            let mut row = read_cells(src.as_ref(), file, line)?;
            if seen.is_empty() && header.is_none() {
                if let Some(first) = row.cells.first_mut() {
                    if let Some(t) = first.strip_prefix('\u{feff}') {
                        *first = t.to_string();
                    }
                }
            }
            let found = header_found(&row.cells);
            seen.push(row);
            if found {
                header = Some(seen.len() - 1);
                break;
            }
        }
        // no row looks like a header: the first row that is not blank is the header
        let header = match header.or_else(|| seen.iter().position(|r| !blank(&r.cells))) {
            Some(h) => h,
            None => {
                return Err(InputError::one(detail(
                    file,
                    1,
                    1,
                    "empty",
                    tx("the file is empty", "文件是空的"),
                    Some(tx(
                        "the first row names the columns (户数, 常住人口 …); each further row is one community",
                        "第一行写列名(户数、常住人口……);此后每行一个社区",
                    )),
                )))
            }
        };
        let mut above = VecDeque::new();
        let mut held = VecDeque::new();
        let mut header_row = None;
        for (i, r) in seen.into_iter().enumerate() {
            match i.cmp(&header) {
                std::cmp::Ordering::Less => above.push_back(if blank(&r.cells) {
                    Skipped::new(r.line, SkipReason::Blank)
                } else {
                    let mut s = Skipped::new(r.line, SkipReason::Title);
                    // each cell once (a merged title fills every cell it covers)
                    let text: Vec<&str> = r
                        .cells
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !matches!(r.from.get(*i), Some(Origin::Merged { .. })))
                        .map(|(_, c)| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect();
                    s.text = Some(text.join(" ").chars().take(120).collect());
                    s
                }),
                std::cmp::Ordering::Equal => header_row = Some(r),
                std::cmp::Ordering::Greater => held.push_back(r),
            }
        }
        let Some(header_row) = header_row else {
            return Err(InputError::one(detail(
                file,
                1,
                1,
                "empty",
                tx("the file is empty", "文件是空的"),
                None,
            )));
        };
        let line = header_row.line;
        let names: Vec<String> = header_row
            .cells
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        if let [only] = names.as_slice() {
            for (sep, name, name_zh) in [
                ('\t', "tabs", "制表符"),
                (';', "semicolons", "分号"),
                (',', "commas", "逗号"),
                ('|', "bars", "竖线"),
            ] {
                if Some(sep) != src.delimiter() && only.contains(sep) {
                    let help = if sep == '\t' {
                        tx(
                            "name the file `.tsv` or pass `--input-format tsv`",
                            "请把文件名改为 `.tsv`,或使用 `--input-format tsv`",
                        )
                    } else {
                        tx(
                            "save the file as comma-separated CSV (UTF-8)",
                            "请把文件另存为逗号分隔的 CSV(UTF-8)",
                        )
                    };
                    return Err(InputError::one(detail(
                        file,
                        line,
                        1,
                        "header",
                        tx(
                            format!("the header row is one column separated by {name}, so no field can be read"),
                            format!("表头行只有一列,其中以{name_zh}分隔,因此读不出任何字段"),
                        ),
                        Some(help),
                    )));
                }
            }
        }
        let mut problems: Vec<InputErrorDetail> = Vec::new();
        let mut seen_fields: Vec<(crate::field::FieldId, usize)> = Vec::new();
        for (i, h) in names.iter().enumerate() {
            let mut col = Column {
                name: Arc::from(h.as_str()),
                field: None,
                percent_points: false,
            };
            match map_header(h, "header") {
                Ok(Some((f, pp))) => {
                    if let Some((_, prev)) = seen_fields.iter().find(|(g, _)| *g == f) {
                        let mut d = detail(
                            file,
                            line,
                            i + 1,
                            "duplicate_column",
                            tx(
                                format!(
                                    "column {} (`{h}`) and column {} both give `{}`",
                                    i + 1,
                                    prev + 1,
                                    f.name()
                                ),
                                format!(
                                    "第 {} 列(`{h}`)和第 {} 列都对应 `{}`",
                                    i + 1,
                                    prev + 1,
                                    f.name()
                                ),
                            ),
                            Some(tx("keep one of them", "请只保留其中一列")),
                        );
                        d.field = Some(h.clone());
                        problems.push(d);
                    } else {
                        seen_fields.push((f, i));
                        col.field = Some(f);
                        col.percent_points = pp;
                    }
                }
                Ok(None) => {}
                Err(p) => problems.push(p.at(file, line, i + 1, h)),
            }
            columns.push(col);
        }
        if !problems.is_empty() {
            return Err(InputError(problems));
        }
        Ok(Table {
            src,
            held,
            above,
            sums: Sums::default(),
            deferred: Vec::new(),
        })
    }

    pub(super) fn next_into(
        &mut self,
        row: &mut Row,
        file: &str,
        columns: &[Column],
    ) -> Result<Option<Next>, InputError> {
        if let Some(s) = self.above.pop_front() {
            return Ok(Some(Next::Skipped(s)));
        }
        loop {
            let read = if let Some(h) = self.held.pop_front() {
                row.line = h.line;
                let cells: Vec<&str> = h.cells.iter().map(String::as_str).collect();
                let next = fill_row(row, file, columns, &cells, &h.from, self.src.delimiter());
                self.after(row, columns, next, &cells)
            } else if let Some(line) = self.src.advance()? {
                row.line = line;
                let src = self.src.as_ref();
                let mut cells: Vec<&str> = Vec::with_capacity(src.width());
                let mut from: Vec<Origin> = Vec::new();
                for i in 0..src.width() {
                    cells.push(src.cell(i).map_err(|c| encoding_error(file, line, c + 1))?);
                    let o = src.origin(i);
                    if o != Origin::Cell {
                        from.resize(i, Origin::Cell);
                        from.push(o);
                    }
                }
                let next = fill_row(row, file, columns, &cells, &from, src.delimiter());
                let (sums, deferred) = (&mut self.sums, &mut self.deferred);
                after(sums, deferred, row, columns, next, &cells)
            } else {
                // the end: sum rows that came before the rows they sum are checked now
                return Ok(self.deferred.pop().map(|(mut s, stated)| {
                    s.checks = self.sums.check(columns, &stated, false);
                    Next::Skipped(s)
                }));
            };
            if let Some(next) = read {
                return Ok(Some(next));
            }
            // a sum row held back to the end: read on
            row.clear();
        }
    }

    fn after(
        &mut self,
        row: &mut Row,
        columns: &[Column],
        next: Next,
        cells: &[&str],
    ) -> Option<Next> {
        after(
            &mut self.sums,
            &mut self.deferred,
            row,
            columns,
            next,
            cells,
        )
    }
}

/// Tells a sum row from a data row once its cells are read, and keeps the sums; `None`
/// for a sum row held back to be checked at the end.
fn after(
    sums: &mut Sums,
    deferred: &mut Vec<(Skipped, Vec<Option<Num>>)>,
    row: &mut Row,
    columns: &[Column],
    next: Next,
    cells: &[&str],
) -> Option<Next> {
    if next != Next::Row {
        return Some(next);
    }
    let label = cells.iter().map(|c| c.trim()).find(|c| !c.is_empty());
    let Some((label, sub)) = label.and_then(|l| total_label(l).map(|s| (l, s))) else {
        sums.add(columns, &row.record);
        return Some(next);
    };
    // a sum row: its stated figures, read leniently (a bad cell is not checked)
    let stated: Vec<Option<Num>> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let f = c.field.filter(|f| additive(*f))?;
            let t = cells.get(i)?;
            match Record::parse_value_in(f, t, c.percent_points) {
                Ok(Some(crate::record::Val::Num(n))) => Some(n),
                _ => None,
            }
        })
        .collect();
    let mut s = Skipped::new(row.line, SkipReason::Total);
    s.text = Some(label.to_string());
    let rows = if sub {
        sums.rows_since_subtotal
    } else {
        sums.rows
    };
    if rows == 0 {
        deferred.insert(0, (s, stated));
        return None;
    }
    s.checks = sums.check(columns, &stated, sub);
    if sub {
        sums.since_subtotal
            .iter_mut()
            .for_each(|p| *p = Part::default());
        sums.rows_since_subtotal = 0;
    }
    Some(Next::Skipped(s))
}

impl Sums {
    fn add(&mut self, columns: &[Column], rec: &Record) {
        if self.all.len() != columns.len() {
            self.all.resize(columns.len(), Part::default());
            self.since_subtotal.resize(columns.len(), Part::default());
        }
        self.rows += 1;
        self.rows_since_subtotal += 1;
        for (i, c) in columns.iter().enumerate() {
            let Some(f) = c.field.filter(|f| additive(*f)) else {
                continue;
            };
            if let Some(v) = rec.num(f) {
                if let Some(p) = self.all.get_mut(i) {
                    p.add(v);
                }
                if let Some(p) = self.since_subtotal.get_mut(i) {
                    p.add(v);
                }
            }
        }
    }

    fn check(&self, columns: &[Column], stated: &[Option<Num>], sub: bool) -> Vec<TotalCheck> {
        let (parts, rows) = if sub {
            (&self.since_subtotal, self.rows_since_subtotal)
        } else {
            (&self.all, self.rows)
        };
        let mut out = Vec::new();
        for (i, c) in columns.iter().enumerate() {
            let (Some(f), Some(Some(v))) = (c.field, stated.get(i)) else {
                continue;
            };
            let p = parts.get(i).copied().unwrap_or_default();
            if p.overflow {
                continue;
            }
            out.push(TotalCheck {
                field: f,
                stated: *v,
                summed: p.sum,
                rows,
                rows_with_value: p.with_value,
                agrees: *v == p.sum,
            });
        }
        out
    }
}

/// Reads one data row's cells (its line already set).
fn fill_row(
    row: &mut Row,
    file: &str,
    columns: &[Column],
    cells: &[&str],
    from: &[Origin],
    delimiter: Option<char>,
) -> Next {
    let line = row.line;
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Next::Skipped(Skipped::new(line, SkipReason::Blank));
    }
    if cells.len() != columns.len() {
        // a spreadsheet row may simply end early: only extra cells are a problem there
        if delimiter.is_some() || cells.len() > columns.len() {
            let mut d = detail(
                file,
                line,
                columns.len().min(cells.len()) + 1,
                "ragged_row",
                tx(
                    format!(
                        "row has {} cells but the header has {}",
                        cells.len(),
                        columns.len()
                    ),
                    format!(
                        "该行有 {} 个单元格,但表头有 {} 列",
                        cells.len(),
                        columns.len()
                    ),
                ),
                Some(tx(
                    "check for a stray or missing separator, or an unclosed quote",
                    "请检查是否多了或少了分隔符,或有未闭合的引号",
                )),
            );
            if cells.len() > columns.len() {
                d.value = Some(
                    cells
                        .iter()
                        .skip(columns.len())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
            row.errors.push(d);
        }
    }
    for (i, (text, col)) in cells.iter().zip(columns.iter()).enumerate() {
        if text.contains(['\n', '\r']) {
            let breaks = text.matches('\n').count().max(text.matches('\r').count());
            let swallowed =
                delimiter.is_some_and(|d| text.split(['\n', '\r']).skip(1).any(|l| l.contains(d)));
            if swallowed || (delimiter.is_some() && col.field.is_some()) {
                let mut d = detail(
                    file,
                    line,
                    i + 1,
                    "unclosed_quote",
                    tx(
                        format!(
                            "the cell in column `{}` opens a quote on line {line} that runs over {} line(s), to line {}{}",
                            col.name,
                            breaks,
                            line + breaks,
                            if swallowed { ", and holds what look like further rows: the quote is probably not closed" } else { "" }
                        ),
                        format!(
                            "`{}` 列的单元格在第 {line} 行开始一个引号,向下延续了 {} 行,一直到第 {} 行{}",
                            col.name,
                            breaks,
                            line + breaks,
                            if swallowed { ",其中还有看似后续各行的内容:引号很可能没有闭合" } else { "" }
                        ),
                    ),
                    Some(tx(
                        "close the quote (or remove the stray `\"`) so that every row is read as a row",
                        "请闭合引号(或删去多余的 `\"`),使每一行都按一行读取",
                    )),
                );
                d.field = Some(col.name.to_string());
                d.value = Some(text.chars().take(60).collect());
                row.errors.push(d);
                continue;
            }
        }
        let errors = row.errors.len();
        put_cell(row, col, text, file, i + 1);
        // say how the value was read when it is not simply the cell's text
        let (Some(f), Some(origin)) = (col.field, from.get(i)) else {
            continue;
        };
        if row.errors.len() != errors || row.record.get(f).is_none() {
            continue;
        }
        let label_zh = crate::lang::field_label(f, crate::Lang::Zh);
        let label_en = crate::lang::field_label(f, crate::Lang::En);
        let (code, zh, en) = match origin {
            Origin::Cell => continue,
            Origin::Shown(stored) => (
                "read_as_shown",
                format!("{label_zh}单元格存储的是二进制浮点数 {stored},按表格显示的15位有效数字读作 {text}"),
                format!("the {label_en} cell stores the binary floating-point number {stored}; read as the sheet shows it (15 significant digits): {text}"),
            ),
            Origin::Merged { row: r, column: c } => (
                "merged_cell",
                format!("{label_zh}是合并单元格(始于第{r}行第{c}列),其值 {text} 按每一行各读一次"),
                format!("the {label_en} cell is part of a merged cell (from row {r}, column {c}); its value {text} is read for each row it spans"),
            ),
        };
        row.issues.push(crate::validate::DataIssue {
            record: 0,
            line,
            name: None,
            code,
            fields: vec![f],
            message_zh: zh,
            message_en: en,
        });
    }
    Next::Row
}
