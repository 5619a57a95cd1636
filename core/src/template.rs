//! An empty roster for a set of policies: exactly the columns their rules read, with
//! Chinese headers and units, and one sample row, so that an office fills in the right
//! sheet the first time (`shequ template --policy xian-2023`).
//!
//! The sample row is the first community of the bundled sample roster
//! (`examples/roster.csv`), for the columns it has; it is named so that it is seen and
//! deleted. Every header is written so that shequ reads it back as its field, with its
//! unit (`户数(户)`, `交叉任职比例(%)`, where `70` means 70 %).

use crate::eval::Plan;
use crate::field::{self, FieldId, Unit};
use crate::input::{Format, Next, Reader, Row};
use crate::lang::Lang;
use crate::num::Num;
use crate::record::Val;

/// The sample roster the sample row comes from.
const SAMPLE: &str = include_str!("../../examples/roster.csv");

/// One column of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub field: FieldId,
    /// The header, Chinese, with its unit in brackets.
    pub header: String,
    /// The sample row's value (empty when the sample roster has none).
    pub sample: String,
    /// What to write, in Chinese and in English.
    pub hint_zh: String,
    pub hint_en: String,
    /// The rules that read it (`policy/rule [clause]`).
    pub rules: Vec<String>,
}

/// A roster template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub columns: Vec<Column>,
    /// The policies it was made for.
    pub policies: Vec<String>,
}

/// The unit word written in a header's bracket.
fn unit_word(u: Unit) -> Option<&'static str> {
    match u {
        Unit::Households => Some("户"),
        Unit::Persons => Some("人"),
        Unit::SquareMetres => Some("㎡"),
        Unit::SquareKilometres => Some("平方公里"),
        Unit::Yuan => Some("元"),
        Unit::Percent => Some("%"),
        Unit::Count => Some("个"),
        Unit::Years => Some("年"),
        Unit::Flag | Unit::Category | Unit::Text => None,
    }
}

fn hints(f: FieldId) -> (String, String) {
    let d = f.def();
    let words: Vec<&str> = d
        .values
        .iter()
        .filter_map(|(_, w)| w.first().copied())
        .collect();
    let whole = d.whole;
    match d.unit {
        Unit::Households | Unit::Persons | Unit::Count => (
            format!("整数,单位:{}", d.unit.symbol(Lang::Zh)),
            format!("a whole number of {}", d.unit.symbol(Lang::En)),
        ),
        Unit::SquareMetres => (
            "平方米,可有小数".into(),
            "square metres, decimals allowed".into(),
        ),
        Unit::SquareKilometres => (
            "平方公里,可有小数".into(),
            "square kilometres, decimals allowed".into(),
        ),
        Unit::Yuan => ("元,最多两位小数".into(), "yuan, up to two decimals".into()),
        Unit::Percent => (
            "百分数的数值:70 表示 70%".into(),
            "a percentage: 70 means 70 %".into(),
        ),
        Unit::Years if whole => ("整数,单位:年".into(), "a whole number of years".into()),
        Unit::Years => ("年数".into(), "years".into()),
        Unit::Flag => ("是 / 否".into(), "是 (yes) / 否 (no)".into()),
        Unit::Category => (
            format!("填写其一:{}", words.join(" / ")),
            format!("one of: {}", words.join(" / ")),
        ),
        Unit::Text => ("文字".into(), "text".into()),
    }
}

/// The text of a value in a template cell (a share in percent points).
fn cell_text(f: FieldId, v: &Val) -> String {
    match v {
        Val::Num(n) if f.def().unit == Unit::Percent => n
            .checked_mul(Num::int(100))
            .map_or_else(String::new, |p| p.to_decimal(4)),
        Val::Num(n) => n.to_decimal(4),
        other => other.to_text(f),
    }
}

/// The template of a plan: the name, then every field some rule reads, in the order of
/// [`field::FIELDS`].
pub fn template(plan: &Plan) -> Template {
    let mut used: Vec<(FieldId, Vec<String>)> = Vec::new();
    for rr in plan.rule_refs() {
        let Some((_, r)) = plan.rule(rr) else {
            continue;
        };
        for f in plan.inputs(rr) {
            let label = format!("{} [{}]", plan.rule_id(rr), r.clause);
            match used.iter_mut().find(|(g, _)| g == f) {
                Some((_, rules)) => {
                    if !rules.contains(&label) {
                        rules.push(label);
                    }
                }
                None => used.push((*f, vec![label])),
            }
        }
    }
    let name = field::by_id("name");
    let mut fields: Vec<FieldId> = used.iter().map(|(f, _)| *f).collect();
    if let Some(n) = name {
        if !fields.contains(&n) {
            fields.push(n);
        }
    }
    fields.sort_by_key(|f| f.index());
    // the sample row: the first community of the sample roster
    let mut sample = Row::default();
    let mut have_sample = false;
    if let Ok(mut r) = Reader::from_text(SAMPLE, Format::Csv, "examples/roster.csv") {
        while let Ok(Some(n)) = r.next_into(&mut sample) {
            if n == Next::Row {
                have_sample = true;
                break;
            }
        }
    }
    let columns = fields
        .into_iter()
        .map(|f| {
            let d = f.def();
            let header = match unit_word(d.unit) {
                Some(u) => format!("{}({u})", d.zh),
                None => d.zh.to_string(),
            };
            let mut value = if have_sample {
                sample
                    .record
                    .get(f)
                    .map(|v| cell_text(f, v))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            if Some(f) == name && !value.is_empty() {
                value = format!("{value}(示例,请删除本行)");
            }
            let (hint_zh, hint_en) = hints(f);
            Column {
                field: f,
                header,
                sample: value,
                hint_zh,
                hint_en,
                rules: used
                    .iter()
                    .find(|(g, _)| *g == f)
                    .map(|(_, r)| r.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Template {
        columns,
        policies: plan
            .policies()
            .iter()
            .map(|p| p.meta.id.0.clone())
            .collect(),
    }
}

fn csv_cell(t: &str) -> String {
    if t.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t.to_string()
    }
}

impl Template {
    /// The template as CSV: UTF-8 with a byte-order mark (so that Excel opens it as
    /// Chinese), the header row and the sample row.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("\u{feff}");
        let headers: Vec<String> = self.columns.iter().map(|c| csv_cell(&c.header)).collect();
        s.push_str(&headers.join(","));
        s.push_str("\r\n");
        let sample: Vec<String> = self.columns.iter().map(|c| csv_cell(&c.sample)).collect();
        s.push_str(&sample.join(","));
        s.push_str("\r\n");
        s
    }

    /// The template as an Excel workbook: the sheet 社区名单 (the header, frozen, and the
    /// sample row; a drop-down list on the yes/no and category columns) and the sheet
    /// 填写说明 (each column: its unit, what to write, the rules that read it).
    #[cfg(feature = "excel")]
    pub fn to_xlsx(&self) -> Result<Vec<u8>, String> {
        use rust_xlsxwriter::{DataValidation, Format as XFormat, Workbook};
        let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
        let mut wb = Workbook::new();
        let bold = XFormat::new().set_bold().set_background_color(0x00DD_EBF7);
        let sample = XFormat::new().set_italic().set_font_color(0x0080_8080);
        let ws = wb.add_worksheet();
        ws.set_name("社区名单").map_err(e)?;
        for (i, c) in self.columns.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| "too many columns".to_string())?;
            ws.write_string_with_format(0, col, &c.header, &bold)
                .map_err(e)?;
            let width = c.header.chars().count().max(6) * 2 + 2;
            ws.set_column_width(col, u32::try_from(width).unwrap_or(20))
                .map_err(e)?;
            if !c.sample.is_empty() {
                match Num::parse(&c.sample).filter(|_| {
                    !matches!(c.field.def().unit, Unit::Text | Unit::Category | Unit::Flag)
                }) {
                    Some(n) => {
                        ws.write_number_with_format(1, col, n.to_f64(), &sample)
                            .map_err(e)?;
                    }
                    None => {
                        ws.write_string_with_format(1, col, &c.sample, &sample)
                            .map_err(e)?;
                    }
                }
            }
            let d = c.field.def();
            let choices: Vec<&str> = match d.unit {
                Unit::Flag => vec!["是", "否"],
                Unit::Category => d
                    .values
                    .iter()
                    .filter_map(|(_, w)| w.first().copied())
                    .collect(),
                _ => Vec::new(),
            };
            if !choices.is_empty() {
                let v = DataValidation::new()
                    .allow_list_strings(&choices)
                    .map_err(e)?;
                ws.add_data_validation(1, col, 10_000, col, &v).map_err(e)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
        let help = wb.add_worksheet();
        help.set_name("填写说明").map_err(e)?;
        for (j, h) in ["列名", "字段", "填写要求", "用到此列的规则"]
            .iter()
            .enumerate()
        {
            let col = u16::try_from(j).unwrap_or(0);
            help.write_string_with_format(0, col, *h, &bold)
                .map_err(e)?;
        }
        for (width, col) in [(28u32, 0u16), (24, 1), (40, 2), (80, 3)] {
            help.set_column_width(col, width).map_err(e)?;
        }
        for (i, c) in self.columns.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|_| "too many columns".to_string())?;
            help.write_string(row, 0, &c.header).map_err(e)?;
            help.write_string(row, 1, c.field.name()).map_err(e)?;
            help.write_string(row, 2, &c.hint_zh).map_err(e)?;
            help.write_string(row, 3, c.rules.join("; ")).map_err(e)?;
        }
        let last = u32::try_from(self.columns.len() + 2).unwrap_or(0);
        help.write_string(
            last,
            0,
            format!(
                "本表按政策 {} 生成;第 2 行是示例,填写时请删除。每行填写一个社区,空着的单元格表示没有数据(不是零)。",
                self.policies.join("、")
            ),
        )
        .map_err(e)?;
        help.set_freeze_panes(1, 0).map_err(e)?;
        wb.save_to_buffer().map_err(e)
    }
}

#[cfg(test)]
#[allow(clippy::panic, reason = "test code")]
mod tests {
    use super::*;

    #[test]
    fn every_header_reads_back_as_its_field_and_the_sample_row_as_its_values() {
        let Ok(plan) = crate::bundled::plan(&["xian-2023", "bijie-2017"]) else {
            panic!("bundled plan")
        };
        let t = template(&plan);
        assert_eq!(
            t.columns.first().map(|c| c.field.name()),
            Some("name"),
            "the name comes first"
        );
        // exactly the fields the rules read, and the name
        for rr in plan.rule_refs() {
            for f in plan.inputs(rr) {
                assert!(t.columns.iter().any(|c| c.field == *f), "{}", f.name());
            }
        }
        let csv = t.to_csv();
        let r = crate::input::parse_csv(&csv, "template.csv");
        let Ok(r) = r else { panic!("{:?}", r.err()) };
        let cols: Vec<Option<FieldId>> = r.columns.iter().map(|(_, f)| *f).collect();
        let want: Vec<Option<FieldId>> = t.columns.iter().map(|c| Some(c.field)).collect();
        assert_eq!(cols, want, "every header is read as its field");
        let rec = r.records.first();
        let hh = field::by_id("households");
        let share = field::by_id("cross_appointment_share");
        assert_eq!(
            rec.and_then(|x| hh.and_then(|f| x.num(f))),
            Some(Num::int(2000))
        );
        assert_eq!(
            rec.and_then(|x| share.and_then(|f| x.num(f))),
            Num::parse("0.7"),
            "a share in a (%) column is written as percent points"
        );
        assert!(rec
            .and_then(|x| x.name())
            .is_some_and(|n| n.contains("请删除")));
    }
}
