//! Rosters as offices have them: Excel workbooks with a title row, merged header cells and
//! a 合计 row; CSV saved by Chinese Excel in GB18030; UTF-16 text; headers with spaces,
//! full-width characters, synonyms and ambiguous names.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
use shequ::field::{self, FieldId};
use shequ::input::{
    self, Format, Next, ReadOptions, Reader, Row, SheetChoice, SkipReason, TextEncoding,
};
use shequ::num::Num;

fn fid(id: &str) -> FieldId {
    field::by_id(id).unwrap_or(FieldId(0))
}

struct Read {
    rows: Vec<Row>,
    skipped: Vec<input::Skipped>,
    columns: Vec<(String, Option<FieldId>)>,
    encoding: Option<TextEncoding>,
    sheet: Option<String>,
    format: Format,
}

fn read(bytes: &[u8], format: Format, opts: &ReadOptions) -> Result<Read, input::InputError> {
    let mut r = Reader::with_options(bytes, format, "roster", opts)?;
    let mut out = Read {
        rows: Vec::new(),
        skipped: Vec::new(),
        columns: Vec::new(),
        encoding: None,
        sheet: None,
        format,
    };
    let mut row = Row::default();
    while let Some(n) = r.next_into(&mut row)? {
        match n {
            Next::Row => out.rows.push(row.clone()),
            Next::Skipped(s) => out.skipped.push(s),
        }
    }
    out.columns = r
        .columns()
        .iter()
        .map(|c| (c.name.to_string(), c.field))
        .collect();
    out.encoding = r.encoding();
    out.sheet = r.sheet().map(|s| s.name.clone());
    out.format = r.format();
    Ok(out)
}

fn num(r: &Row, id: &str) -> Option<Num> {
    r.record.num(fid(id))
}

/// A sheet as a street office keeps it: a title over merged cells, a two-row header with
/// a merged group heading, a street column merged down its communities, a computed share,
/// a date, and a 合计 row.
fn office_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    let _ = cover.set_name("说明");
    let _ = cover.write_string(0, 0, "本表由各街道填报");
    let ws = wb.add_worksheet();
    let _ = ws.set_name("社区基本情况");
    let plain = XFormat::new();
    let _ = ws.merge_range(0, 0, 0, 6, "新城区城市社区基本情况统计表", &plain);
    let _ = ws.merge_range(1, 2, 1, 3, "人口情况", &plain);
    for (c, h) in [
        "序号",
        "社区名称",
        "户  数",
        "常住人口",
        "所属街道",
        "交叉任职比例",
        "填报日期",
    ]
    .iter()
    .enumerate()
    {
        let _ = ws.write_string(2, c as u16, *h);
    }
    let date = ExcelDateTime::from_ymd(2024, 6, 30).ok();
    let datef = XFormat::new().set_num_format("yyyy-mm-dd");
    let rows: [(&str, f64, f64, f64); 3] = [
        ("东关社区", 2000.0, 6000.0, 0.1 + 0.2),
        ("西城社区", 6200.0, 17800.0, 0.55),
        ("南郊社区", 1500.0, 4200.0, 0.7),
    ];
    for (i, (name, hh, res, share)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        let _ = ws.write_number(r, 0, (i + 1) as f64);
        let _ = ws.write_string(r, 1, *name);
        let _ = ws.write_number(r, 2, *hh);
        let _ = ws.write_number(r, 3, *res);
        let _ = ws.write_number(r, 5, *share);
        if let Some(d) = &date {
            let _ = ws.write_datetime_with_format(r, 6, d, &datef);
        }
    }
    // the street, merged down the first two communities
    let _ = ws.merge_range(3, 4, 4, 4, "长乐西路街道", &plain);
    let _ = ws.write_string(5, 4, "韩森寨街道");
    // a sum row whose 户数 is wrong by 100
    let _ = ws.write_string(6, 0, "合计");
    let _ = ws.write_number(6, 2, 9800.0);
    let _ = ws.write_number(6, 3, 28000.0);
    wb.save_to_buffer().unwrap_or_default()
}

#[test]
fn an_office_workbook_is_read_as_the_sheet_shows_it() {
    let bytes = office_workbook();
    let r = read(&bytes, Format::Xlsx, &ReadOptions::default()).map_err(|e| e.to_string());
    let r = match r {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    // the sheet with the roster is chosen over the cover sheet
    assert_eq!(r.sheet.as_deref(), Some("社区基本情况"));
    assert_eq!(r.rows.len(), 3, "three communities, the sum row kept out");
    let names: Vec<&str> = r.rows.iter().filter_map(|x| x.record.name()).collect();
    assert_eq!(names, ["东关社区", "西城社区", "南郊社区"]);
    assert_eq!(
        r.rows.first().map(|x| x.line),
        Some(4),
        "the sheet's row number"
    );
    assert_eq!(num(&r.rows[0], "households"), Some(Num::int(2000)));
    // the computed 0.30000000000000004 is read as the sheet shows it, and said so
    assert_eq!(
        num(&r.rows[0], "cross_appointment_share"),
        Num::parse("0.3")
    );
    let shown: Vec<&str> = r.rows[0].issues.iter().map(|i| i.code).collect();
    assert_eq!(shown, ["read_as_shown"]);
    assert!(r.rows[0].issues[0]
        .message_en
        .contains("0.30000000000000004"));
    // the merged street is read for both of its rows; a date as an ISO date
    let street = |x: &Row| {
        x.extra
            .iter()
            .find(|(k, _)| &**k == "所属街道")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(street(&r.rows[0]).as_deref(), Some("长乐西路街道"));
    assert_eq!(street(&r.rows[1]).as_deref(), Some("长乐西路街道"));
    assert_eq!(street(&r.rows[2]).as_deref(), Some("韩森寨街道"));
    let date = r.rows[0]
        .extra
        .iter()
        .find(|(k, _)| &**k == "填报日期")
        .map(|(_, v)| v.as_str());
    assert_eq!(date, Some("2024-06-30"));
    // the header with spaces inside is 户数
    assert!(r
        .columns
        .iter()
        .any(|(n, f)| n == "户  数" && *f == Some(fid("households"))));
    // title rows above the header, then the sum row with its check
    let reasons: Vec<(usize, SkipReason)> = r.skipped.iter().map(|s| (s.line, s.reason)).collect();
    assert_eq!(
        reasons,
        [
            (1, SkipReason::Title),
            (2, SkipReason::Title),
            (7, SkipReason::Total)
        ]
    );
    assert_eq!(
        r.skipped[0].text.as_deref(),
        Some("新城区城市社区基本情况统计表")
    );
    let total = &r.skipped[2];
    let bad: Vec<(FieldId, Num, Num)> = total
        .mismatches()
        .map(|c| (c.field, c.stated, c.summed))
        .collect();
    assert_eq!(
        bad,
        [(fid("households"), Num::int(9800), Num::int(9700))],
        "户数 is off by 100; 常住人口 adds up"
    );
    assert_eq!(total.checks.len(), 2);
}

#[test]
fn a_sheet_is_chosen_by_name_or_number_and_a_wrong_one_lists_the_sheets() {
    let bytes = office_workbook();
    let by_name = ReadOptions {
        sheet: SheetChoice::Name("说明".into()),
        ..ReadOptions::default()
    };
    let e = read(&bytes, Format::Xlsx, &by_name).err();
    assert!(
        e.is_some(),
        "the cover sheet has no roster: no rows is an error"
    );
    let by_index = ReadOptions {
        sheet: SheetChoice::Index(1),
        ..ReadOptions::default()
    };
    assert_eq!(
        read(&bytes, Format::Xlsx, &by_index)
            .map(|r| r.rows.len())
            .ok(),
        Some(3)
    );
    let missing = ReadOptions {
        sheet: SheetChoice::Name("Sheet9".into()),
        ..ReadOptions::default()
    };
    let e = read(&bytes, Format::Xlsx, &missing).err();
    let e = e.map(|e| (e.code, e.help.clone().unwrap_or_default()));
    assert_eq!(e.as_ref().map(|x| x.0), Some("sheet"));
    assert!(e.is_some_and(|x| x.1.contains("社区基本情况")));
}

#[test]
fn a_workbook_named_csv_is_recognised_not_misread() {
    let bytes = office_workbook();
    let e = read(&bytes, Format::Csv, &ReadOptions::default()).err();
    let e = e.map(|e| (e.code, e.message.clone()));
    assert_eq!(e.as_ref().map(|x| x.0), Some("format"));
    assert!(e.is_some_and(|x| x.1.contains("Excel workbook")));
    // and an .xls name on .xlsx bytes is read as what the bytes are
    let r = read(&bytes, Format::Xls, &ReadOptions::default()).ok();
    assert_eq!(r.map(|r| (r.rows.len(), r.format)), Some((3, Format::Xlsx)));
}

#[test]
fn gb18030_csv_from_chinese_excel_is_decoded() {
    let text = "新城区城市社区基本情况统计表,,\n社区名称,户数,常住人口\n东关社区,2000,6000\n西城社区,6200,17800\n,,\n合计,8200,23800\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let r = read(&gbk, Format::Csv, &ReadOptions::default()).ok();
    let r = r.map(|r| {
        (
            r.encoding,
            r.rows.len(),
            r.rows
                .first()
                .and_then(|x| x.record.name().map(str::to_string)),
            r.skipped
                .iter()
                .map(|s| (s.line, s.reason, s.mismatches().count()))
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(
        r,
        Some((
            Some(TextEncoding::Gb18030),
            2,
            Some("东关社区".to_string()),
            vec![
                (1, SkipReason::Title, 0),
                (5, SkipReason::Blank, 0),
                (6, SkipReason::Total, 0)
            ]
        ))
    );
}

#[test]
fn utf16_text_from_excel_unicode_export_is_decoded() {
    let text = "社区名称\t户数\t常住人口\n东关社区\t2000\t6000\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let r = read(&bytes, Format::Tsv, &ReadOptions::default()).ok();
    assert_eq!(
        r.map(|r| (r.encoding, r.rows.len())),
        Some((Some(TextEncoding::Utf16Le), 1))
    );
}

#[test]
fn subtotals_cover_their_group_and_a_total_on_top_is_checked_at_the_end() {
    let text = "社区名称,户数\n合计,60\nA,10\nB,20\n长乐街道小计,30\nC,30\n韩森寨街道小计,31\n";
    let r = read(text.as_bytes(), Format::Csv, &ReadOptions::default()).ok();
    let r = r.map(|r| {
        let checks: Vec<(usize, String, usize, bool)> = r
            .skipped
            .iter()
            .flat_map(|s| {
                s.checks
                    .iter()
                    .map(move |c| (s.line, s.text.clone().unwrap_or_default(), c.rows, c.agrees))
            })
            .collect();
        (r.rows.len(), checks)
    });
    assert_eq!(
        r,
        Some((
            3,
            vec![
                (5, "长乐街道小计".to_string(), 2, true),
                (7, "韩森寨街道小计".to_string(), 1, false),
                (2, "合计".to_string(), 3, true),
            ]
        ))
    );
}

#[test]
fn a_title_row_no_longer_turns_every_row_into_an_empty_community() {
    let text = "新城区城市社区基本情况统计表\n社区名称,户数,常住人口\n东关社区,2000,6000\n";
    let r = read(text.as_bytes(), Format::Csv, &ReadOptions::default()).ok();
    assert_eq!(
        r.map(|r| (r.rows.len(), num(&r.rows[0], "households"))),
        Some((1, Some(Num::int(2000))))
    );
}

#[test]
fn ambiguous_headers_are_refused_with_the_candidates() {
    let text = "社区名称,户数,工作人员\n东关社区,2000,12\n";
    let e = read(text.as_bytes(), Format::Csv, &ReadOptions::default()).err();
    let e = e.map(|e| (e.code, e.column, e.help.clone().unwrap_or_default()));
    assert_eq!(
        e.as_ref().map(|x| (x.0, x.1)),
        Some(("ambiguous_header", 3))
    );
    assert!(e.is_some_and(|x| x.2.contains("社区工作者人数") && x.2.contains("专职工作者人数")));
    // a synonym is read; a full-width header too
    let ok = "社区名称,户数,社工人数,交叉任职比例（％）\n东关社区,2000,12,70\n";
    let r = read(ok.as_bytes(), Format::Csv, &ReadOptions::default()).ok();
    assert_eq!(
        r.map(|r| (
            num(&r.rows[0], "workers"),
            num(&r.rows[0], "cross_appointment_share")
        )),
        Some((Some(Num::int(12)), Num::parse("0.7")))
    );
}

#[test]
fn an_assumed_value_fills_only_rows_without_it_and_says_so() {
    let text = "社区名称,户数,社区类型\nA,10,\nB,20,农村\n";
    let kind = ReadOptions::parse_assumption("社区类型=城市");
    let Ok(kind) = kind else { panic!("{kind:?}") };
    let opts = ReadOptions {
        assume: vec![kind],
        ..ReadOptions::default()
    };
    let mut r = Reader::with_options(text.as_bytes(), Format::Csv, "r.csv", &opts).ok();
    let mut row = Row::default();
    let mut seen = Vec::new();
    while let Some(Ok(Some(Next::Row))) = r.as_mut().map(|r| r.next_into(&mut row)) {
        seen.push((
            row.record.cat(fid("kind")),
            row.issues.iter().map(|i| i.code).collect::<Vec<_>>(),
        ));
    }
    assert_eq!(seen, [(Some(0), vec!["assumed"]), (Some(1), vec![])]);
    let assumed = r.map(|r| r.assumed()).unwrap_or_default();
    assert_eq!(
        assumed
            .iter()
            .map(|a| (a.value.as_str(), a.rows))
            .collect::<Vec<_>>(),
        [("城市", 1)]
    );
    assert!(ReadOptions::parse_assumption("社区类形=城市").is_err());
    assert!(ReadOptions::parse_assumption("户数=很多").is_err());
}
