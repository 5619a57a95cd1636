//! The public API as a user sees it: loading, linting, evaluating, reporting.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use shequ::diag::Code;
use shequ::eval::Note;
use shequ::{
    bundled, compile, field, input, lint, report, Date, Fen, Lang, Num, Options, Plan, Record,
    Status, Strength, Val,
};

fn date(s: &str) -> Date {
    Date::parse(s).expect("date")
}

const HEAD: &str = r#"[policy]
id = "test"
title = "测试"
issuer = "测试"
published = 2020-01-01
status = "in_force"
jurisdiction = "测试"
source = "src.txt"
"#;

fn diags(body: &str) -> Vec<shequ::Diagnostic> {
    compile::compile(&format!("{HEAD}{body}"), "t.toml").1
}

fn first(body: &str) -> shequ::Diagnostic {
    diags(body).into_iter().next().expect("a diagnostic")
}

const RULE: &str = r#"
[[rule]]
id = "r"
clause = "T-1"
location = "一"
strength = "strict"
word = "应"
quote = "应不少于5人"
"#;

#[test]
fn unknown_key_is_an_error_with_its_line_and_column() {
    let d = first(&format!("{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"不少于\" }}\ncolour = \"red\"\n"));
    assert_eq!(d.code, Code::UnknownKey);
    assert!(d.message.contains("colour"), "{}", d.message);
    assert_eq!(
        d.line, 20,
        "line of `colour`: 8 header lines, a blank, 7 rule lines, 3 keys"
    );
    assert_eq!(d.column, 1);
}

#[test]
fn a_key_of_another_kind_is_refused() {
    let d = first(&format!("{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"不少于\" }}\nby = \"households\"\n"));
    assert_eq!(d.code, Code::UnknownKey);
    assert!(
        d.message
            .contains("`by` does not belong to a rule of kind `minimum`"),
        "{}",
        d.message
    );
    assert_eq!(d.line, 20);
}

#[test]
fn units_must_match() {
    let d = first(&format!("{RULE}kind = \"minimum\"\nmeasure = \"service_space\"\nunit = \"households\"\nmin = {{ value = 5, word = \"不少于\" }}\n"));
    assert_eq!(d.code, Code::UnitMismatch);
    assert!(
        d.message.contains("service_space") && d.message.contains("m2"),
        "{}",
        d.message
    );
    let d = first(&format!("{RULE}kind = \"ratio\"\nmeasure = \"workers\"\nbase = \"service_space\"\nmin = {{ value = \"60%\", word = \"不少于\" }}\n"));
    assert_eq!(d.code, Code::UnitMismatch, "{d}");
    let d = first(&format!("{RULE}kind = \"minimum\"\nmeasure = \"cross_appointment_share\"\nmin = {{ value = 60, word = \"不低于\" }}\n"));
    assert_eq!(
        d.code,
        Code::UnitMismatch,
        "a share written as 60 is caught: {d}"
    );
}

#[test]
fn boundary_words_are_checked() {
    let d = first(&format!(
        "{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"以下\" }}\n"
    ));
    assert_eq!(d.code, Code::BoundaryWord);
    assert!(d.help.unwrap_or_default().contains("max"));
    let d = first(&format!(
        "{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"大概\" }}\n"
    ));
    assert_eq!(d.code, Code::BoundaryWord);
    let d = first(&format!(
        "{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"\" }}\n"
    ));
    assert_eq!(d.code, Code::BoundaryWord, "an empty word needs a reading");
}

#[test]
fn unknown_fields_get_suggestions() {
    let d = first(&format!("{RULE}kind = \"minimum\"\nmeasure = \"housholds\"\nmin = {{ value = 5, word = \"不少于\" }}\n"));
    assert_eq!(d.code, Code::UnknownField);
    assert!(d.help.unwrap_or_default().contains("`households`"));
}

#[test]
fn syntax_errors_have_positions() {
    let d = compile::compile("[policy]\nid = \"x\"\ntitle = \n", "bad.toml").1;
    let d = &d[0];
    assert_eq!(d.code, Code::Syntax);
    assert_eq!((d.file.as_str(), d.line), ("bad.toml", 3));
}

#[test]
fn quotes_must_occur_in_the_source() {
    let text = format!("{HEAD}{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nmin = {{ value = 5, word = \"不少于\" }}\n");
    let (_, d) = lint::lint(&text, "t.toml", Some(Ok("社区工作者应不少于5人。")));
    assert!(d.iter().all(|x| x.code != Code::QuoteNotFound), "{d:?}");
    let (_, d) = lint::lint(&text, "t.toml", Some(Ok("社区工作者应不少于6人。")));
    let q = d
        .iter()
        .find(|x| x.code == Code::QuoteNotFound)
        .expect("quote-not-found");
    assert_eq!(q.line, 16, "points at the quote");
    assert!(q.help.as_deref().unwrap_or("").contains("应不少于"), "{q}");
    let (_, d) = lint::lint(&text, "t.toml", Some(Err("no such file".into())));
    assert!(d.iter().any(|x| x.code == Code::SourceMissing));
}

#[test]
fn the_linter_finds_the_overlaps_and_gaps_of_the_two_documents() {
    let mut all = Vec::new();
    for (f, t) in bundled::FILES {
        all.extend(lint::lint(t, f, None).1);
    }
    let overlaps: Vec<_> = all.iter().filter(|d| d.code == Code::TierOverlap).collect();
    // 毕节 B-1 at exactly 6000 residents
    assert!(overlaps
        .iter()
        .any(|d| d.rule.as_deref() == Some("service-station-space")
            && d.message.contains("exactly 6000")));
    // 西安 Y-8 at 2000 and at 4000 households, both contradictions
    for n in ["2000", "4000"] {
        assert!(
            overlaps
                .iter()
                .any(|d| d.rule.as_deref() == Some("committee-by-households")
                    && d.message.contains(&format!("exactly {n} households"))
                    && d.message.contains("no value meets both")),
            "{overlaps:?}"
        );
    }
    // B-1's overlap is not a contradiction: 800 m² meets both
    assert!(overlaps
        .iter()
        .any(|d| d.rule.as_deref() == Some("service-station-space")
            && d.message.contains("only from 800 m² meets both")));
    // B-14: under 3000 households with occupancy of 50 % or more
    let gap = all
        .iter()
        .find(|d| d.code == Code::DecisionGap && d.rule.as_deref() == Some("new-area"))
        .expect("B-14 gap");
    assert!(
        gap.message.contains("`designed_households` < 3000")
            && gap.message.contains("`occupancy` ≥ 50%"),
        "{}",
        gap.message
    );
    // no errors in the bundled files
    assert!(all.iter().all(|d| !d.is_error()), "{all:?}");
}

fn xian() -> Plan {
    bundled::plan(&["xian-2023"]).expect("plan")
}

fn rec(pairs: &[(&str, &str)]) -> Record {
    let mut r = Record::new();
    for (k, v) in pairs {
        let f = field::lookup(k).expect("field");
        if let Some(v) = Record::parse_value(f, v).expect("value") {
            r.set(f, v);
        }
    }
    r
}

fn find<'a>(plan: &Plan, res: &'a shequ::RecordResult, rule: &str) -> &'a shequ::Finding {
    res.findings
        .iter()
        .find(|f| plan.rule(f.rule).is_some_and(|(_, r)| r.id.0 == rule))
        .expect("finding")
}

#[test]
fn nothing_missing_is_treated_as_zero() {
    let plan = xian();
    let res = plan.evaluate(&Record::new(), &Options::at(date("2024-01-01")));
    for f in &res.findings {
        assert!(
            matches!(f.status, Status::MissingData | Status::NotApplicable),
            "{f:?}"
        );
        assert!(f.actual.is_none());
    }
}

#[test]
fn strength_filter_keeps_only_binding_rules() {
    let plan = xian();
    let mut o = Options::at(date("2024-01-01"));
    o.min_strength = Some(Strength::Strict);
    let res = plan.evaluate(&rec(&[("households", "6000")]), &o);
    assert!(!res.findings.is_empty());
    for f in &res.findings {
        let (_, r) = plan.rule(f.rule).expect("rule");
        assert!(r.strength <= Strength::Strict, "{}", r.id);
    }
    assert!(res.findings.iter().all(|f| plan
        .rule(f.rule)
        .is_some_and(|(_, r)| r.id.0 != "size-households")));
}

#[test]
fn documents_not_in_force_are_not_applicable_unless_asked_for() {
    let plan = xian();
    let r = rec(&[("households", "6000")]);
    let res = plan.evaluate(&r, &Options::at(date("2023-12-12")));
    let f = find(&plan, &res, "size-households");
    assert_eq!(f.status, Status::NotApplicable);
    assert_eq!(f.reason.as_ref().map(|x| x.code()), Some("not_in_force"));
    let mut o = Options::at(date("2023-12-12"));
    o.allow_not_in_force = true;
    let res = plan.evaluate(&r, &o);
    let f = find(&plan, &res, "size-households");
    assert_eq!(f.status, Status::Fail);
    assert!(f.notes.contains(&Note::NotInForceEvaluated));
}

#[test]
fn verdicts_are_explained_with_their_source() {
    let plan = xian();
    let res = plan.evaluate(
        &rec(&[("kind", "urban"), ("residents", "13000"), ("workers", "22")]),
        &Options::at(date("2024-01-01")),
    );
    let f = find(&plan, &res, "workers-per-residents");
    let zh = shequ::lang::message(&plan, f, Lang::Zh);
    let en = shequ::lang::message(&plan, f, Lang::En);
    assert!(
        zh.contains("23.4") && zh.contains("≥ 24人") && zh.contains("增加2人"),
        "{zh}"
    );
    assert!(en.contains("add 2 persons"), "{en}");
    let j = report::finding_json(
        &plan,
        f,
        report::Style {
            lang: Lang::En,
            messages: true,
        },
    );
    assert_eq!(j["rule"], "xian-2023/workers-per-residents");
    assert_eq!(j["remedy"]["action"], "increase");
    assert_eq!(j["remedy"]["amount"], 2);
    assert_eq!(j["remedy"]["field"], "workers");
    assert_eq!(j["required"]["min"], 24);
    assert_eq!(j["required"]["exact"]["min"], 23.4);
    assert_eq!(
        j["inputs"],
        serde_json::json!(["workers", "residents", "kind"])
    );
    // the citation is stated once, in the report's table of rules
    let opts = Options::at(date("2024-01-01"));
    let head = report::Writer::new(&plan, &opts, report::Style::default()).head();
    let rule = head
        .rules
        .iter()
        .find(|r| r.id == "xian-2023/workers-per-residents")
        .expect("rule in the table");
    assert!(rule
        .citation
        .quote
        .contains("每萬名城鎮常住人口擁有社區工作者18人"));
    assert_eq!(rule.citation.clause, "Y-10");
}

#[test]
fn json_report_has_the_documented_fields() {
    let plan = bundled::plan(&["xian-2023", "bijie-2017"]).expect("plan");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/roster.csv"
    ))
    .expect("example");
    let roster = input::parse_csv(&text, "roster.csv").expect("parses");
    let opts = Options::at(date("2024-06-30"));
    let ev = report::evaluate(&plan, &roster, &opts);
    let text = report::to_json(&plan, &roster, &opts, report::Style::default());
    let j: serde_json::Value = serde_json::from_str(&text).expect("the report is JSON");
    for k in [
        "shequ",
        "report_version",
        "as_of",
        "lang",
        "options",
        "policies",
        "rules",
        "communities",
        "skipped",
        "roster",
        "summary",
    ] {
        assert!(j.get(k).is_some(), "missing `{k}`");
    }
    assert_eq!(j["report_version"], 2);
    for p in j["policies"].as_array().expect("policies") {
        assert_eq!(p["sha256"].as_str().map(str::len), Some(64), "{p}");
    }
    let rules: Vec<&str> = j["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for r in j["rules"].as_array().expect("rules") {
        assert!(r["citation"]["quote"].is_string(), "{r}");
        assert!(r["inputs"].is_array(), "{r}");
    }
    let communities = j["communities"].as_array().expect("communities");
    assert_eq!(communities.len(), roster.records.len(), "every row, once");
    let c = &communities[0];
    for k in [
        "index",
        "line",
        "name",
        "subject",
        "input",
        "extra",
        "findings",
        "obligations",
        "summary",
    ] {
        assert!(c.get(k).is_some(), "community lacks `{k}`");
    }
    for f in c["findings"].as_array().expect("findings") {
        for k in ["rule", "status", "inputs", "message"] {
            assert!(f.get(k).is_some(), "finding lacks `{k}`: {f}");
        }
        // absent means none: a judged finding has its actual value, a failing one its
        // shortfall, a finding lacking data its missing fields
        match f["status"].as_str() {
            Some("fail") => assert!(
                f.get("shortfall").is_some() && f.get("grade").is_some(),
                "{f}"
            ),
            Some("missing_data") => assert!(f.get("missing").is_some(), "{f}"),
            Some("pass") => assert!(f.get("actual").is_some(), "{f}"),
            _ => {}
        }
        let id = f["rule"].as_str().unwrap_or("");
        assert!(
            rules.contains(&id),
            "finding refers to an unknown rule: {f}"
        );
        assert!(
            f.get("citation").is_none(),
            "citations are stated once, in `rules`"
        );
    }
    let ob = &c["obligations"][0];
    assert_eq!(ob["rule"], "bijie-2017/funding");
    assert_eq!(ob["total"]["fen"], 9_800_000);
    assert_eq!(ob["total"]["yuan"], "98000.00");
    assert_eq!(ob["shares"][0]["amount"]["fen"], 3_920_000);
    assert_eq!(ob["shares"][1]["amount"]["fen"], 5_880_000);
    assert_eq!(c["extra"]["备注"], "户数与人口恰在分档边界上");
    assert!(j["roster"]["findings"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    // the long CSV table: its documented columns, then the pass-through ones
    let csv = report::to_csv(&plan, &roster, &opts, Lang::En);
    let header = csv.lines().next().unwrap_or("");
    assert_eq!(
        header,
        format!("{},备注", report::csv::LONG_COLUMNS.join(","))
    );
    // one row per finding, obligation and data issue, per roster finding, per money total
    let rows = ev
        .results
        .iter()
        .map(|r| r.findings.len() + r.obligations.len())
        .sum::<usize>()
        + ev.data_issues.len()
        + ev.roster.len()
        + ev.acc.totals().iter().filter(|t| t.seen()).count();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rdr.records().count(), rows);
}

const MONEY: &str = r#"
[[rule]]
id = "m"
clause = "T-2"
location = "二"
kind = "money"
strength = "strict"
word = ""
reading = "test"
quote = "每个社区5分"
remainder = "REM"

[[rule.components]]
id = "a"
name = "五分"
amount = "0.05"

[[rule.payers]]
id = "p1"
name = "甲"
share = 1

[[rule.payers]]
id = "p2"
name = "乙"
share = 1

[[rule.payers]]
id = "p3"
name = "丙"
share = 1
"#;

#[test]
fn money_remainders_follow_the_declared_rule() {
    for (rem, want) in [
        ("largest_remainder", [2, 2, 1]),
        ("first", [3, 1, 1]),
        ("last", [1, 1, 3]),
    ] {
        let text = format!("{HEAD}{}", MONEY.replace("REM", rem));
        let p = shequ::load_policy(&text, "t.toml").expect("compiles");
        let plan = Plan::new(vec![p]);
        let res = plan.evaluate(&Record::new(), &Options::at(date("2021-01-01")));
        let ob = &res.obligations[0];
        assert_eq!(ob.total, Some(Fen(5)));
        assert_eq!(
            ob.shares.iter().map(|f| f.0).collect::<Vec<_>>(),
            want.to_vec(),
            "{rem}"
        );
    }
    let text = format!("{HEAD}{}", MONEY.replace("remainder = \"REM\"\n", ""));
    let d = compile::compile(&text, "t.toml").1;
    assert!(
        d.iter()
            .any(|x| x.code == Code::MissingKey && x.message.contains("remainder")),
        "the remainder rule must be declared"
    );
}

#[test]
fn whole_counts_round_soundly() {
    let plan = xian();
    for (residents, need) in [
        (13_000, 24),
        (10_000, 18),
        (10_001, 19),
        (5_556, 11),
        (5_555, 10),
    ] {
        let res = plan.evaluate(
            &rec(&[
                ("kind", "城市"),
                ("residents", &residents.to_string()),
                ("workers", "0"),
            ]),
            &Options::at(date("2024-01-01")),
        );
        let f = find(&plan, &res, "workers-per-residents");
        let min = f
            .required
            .as_ref()
            .and_then(|r| r.interval)
            .and_then(|i| i.min)
            .map(|l| l.value);
        assert_eq!(min, Some(Num::int(need)), "{residents} residents");
    }
}

#[test]
fn a_decision_reports_its_outcome_even_without_the_actual_arrangement() {
    let plan = bundled::plan(&["bijie-2017"]).expect("plan");
    let mut r = rec(&[
        ("designed_households", "3200"),
        ("occupied_households", "1700"),
    ]);
    r.set(field::by_id("subject").expect("f"), Val::Cat(1));
    let res = plan.evaluate(&r, &Options::at(date("2020-01-01")));
    let f = find(&plan, &res, "new-area");
    assert_eq!(f.status, Status::MissingData);
    assert!(shequ::lang::message(&plan, f, Lang::Zh).contains("成立社区居民委员会"));
    // community rules do not judge a new area
    assert!(res.findings.iter().all(|f| plan
        .rule(f.rule)
        .is_some_and(|(_, r)| r.subject == field::Subject::NewArea)));
}

#[test]
fn a_documents_overlap_reading_applies_to_its_tier_tables() {
    let tier = r#"
[[rule]]
id = "t"
clause = "T-3"
location = "三"
kind = "tier"
strength = "strict"
word = "应"
quote = "应"
by = "households"
measure = "committee_members"

[[rule.tiers]]
max = { value = 2000, word = "以下" }
require = { equal = 5 }

[[rule.tiers]]
min = { value = 2000, word = "以上" }
require = { equal = 7 }
"#;
    let r = rec(&[("households", "2000"), ("committee_members", "7")]);
    for (reading, want) in [
        ("report", Status::Ambiguous),
        ("upper", Status::Pass),
        ("lower", Status::Fail),
    ] {
        let head = HEAD.replace(
            "source = \"src.txt\"",
            &format!("source = \"src.txt\"\noverlap = \"{reading}\""),
        );
        let p = shequ::load_policy(&format!("{head}{tier}"), "t.toml").expect("compiles");
        let res = Plan::new(vec![p]).evaluate(&r, &Options::at(date("2021-01-01")));
        assert_eq!(res.findings[0].status, want, "policy overlap = {reading}");
    }
}

#[test]
fn type_errors_the_schema_also_refuses() {
    let d = first(&format!("{RULE}kind = \"rate\"\nmeasure = \"kind\"\nbase = \"households\"\nper = 100\nmin = {{ value = 1, word = \"以上\" }}\n"));
    assert_eq!(d.code, Code::UnitMismatch, "{d}");
    let d = first(&format!("{RULE}kind = \"tier\"\nby = \"is_new\"\nmeasure = \"workers\"\n\n[[rule.tiers]]\nis = [\"x\"]\nrequire = {{ equal = 1 }}\n"));
    assert_eq!(d.code, Code::UnitMismatch, "{d}");
    let d = first(&format!("{RULE}kind = \"share\"\nof_rule = \"r\"\n"));
    assert_eq!(d.code, Code::MissingKey, "{d}");
    let money = MONEY
        .replace(
            "amount = \"0.05\"",
            "rate = 1\nper = 0\nbase = \"households\"",
        )
        .replace("REM", "first");
    let d = first(&money);
    assert_eq!(d.code, Code::InvalidValue, "{d}");
    assert!(d.message.contains("`per` must be more than zero"), "{d}");
}

#[test]
fn tier_gaps_are_found() {
    let tier = r#"
[[rule]]
id = "t"
clause = "T-4"
location = "四"
kind = "tier"
strength = "strict"
word = "应"
quote = "应"
by = "residents"
measure = "workers"

[[rule.tiers]]
max = { value = 5000, word = "不满" }
require = { min = { value = 5, word = "不少于" } }

[[rule.tiers]]
min = { value = 5000, word = "超过" }
require = { min = { value = 8, word = "不少于" } }
"#;
    let (_, d) = lint::lint(&format!("{HEAD}{tier}"), "t.toml", None);
    let gaps: Vec<_> = d.iter().filter(|x| x.code == Code::TierGap).collect();
    assert_eq!(gaps.len(), 1, "{d:?}");
    assert!(
        gaps[0].message.contains("= 5000 persons"),
        "{}",
        gaps[0].message
    );
    // and evaluation there is undecided, not guessed
    let p = shequ::load_policy(&format!("{HEAD}{tier}"), "t.toml").expect("compiles");
    let res = Plan::new(vec![p]).evaluate(
        &rec(&[("residents", "5000"), ("workers", "9")]),
        &Options::at(date("2021-01-01")),
    );
    assert_eq!(res.findings[0].status, Status::Ambiguous);
    assert_eq!(
        res.findings[0].reason.as_ref().map(|r| r.code()),
        Some("undecided")
    );
}

#[test]
fn every_bundled_file_compiles_and_is_named_after_its_id() {
    for (file, text) in bundled::FILES {
        let p = shequ::load_policy(text, file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            *file,
            format!("policies/{}.toml", p.meta.id),
            "file name and id differ"
        );
    }
    assert!(bundled::ids().len() >= 2);
}

// Regression tests for the first new-user review.

#[test]
fn review_values_too_large_or_in_other_units_are_refused() {
    let e = input::parse_csv(
        "社区名称,社区类型,户籍人口\nA,城市,9223372036854775\n",
        "r.csv",
    )
    .expect_err("too large");
    assert!(e.message.contains("too large"), "{e}");
    let e = input::parse_csv("社区名称,户数(万户)\nA,1\n", "r.csv").expect_err("wrong unit");
    assert_eq!((e.line, e.column), (1, 2));
    assert!(
        e.message.contains("万户") && e.message.contains("households"),
        "{e}"
    );
    let r = input::parse_csv("社区名称,户数(户),交叉任职比例(%)\nA,2000,70\n", "r.csv")
        .expect("units that fit");
    let share = r.records[0].num(field::by_id("cross_appointment_share").expect("f"));
    assert_eq!(share, Num::parse("70%"));
    for bad in ["1", "150%"] {
        assert!(
            input::parse_csv(&format!("name,交叉任职比例\nA,{bad}\n"), "r.csv").is_err(),
            "{bad}"
        );
    }
}

#[test]
fn review_crlf_line_numbers_and_unusable_files() {
    let e = input::parse_csv("社区名称,户数\r\nA,2000\r\nB,-3\r\n", "r.csv").expect_err("negative");
    assert_eq!(e.line, 3);
    let r = input::parse_csv("社区名称,户数\r\nA,2000\r\nB,3\r\n", "r.csv").expect("parses");
    assert_eq!(
        r.rows.iter().map(|m| m.line).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert!(input::parse_csv("", "r.csv").is_err());
    assert!(
        input::parse_csv("社区名称,户数\n", "r.csv").is_err(),
        "header only"
    );
    let e = input::parse_csv("社区名称\t户数\nA\t2000\n", "r.tsv").expect_err("tabs in a CSV");
    assert!(e.help.clone().unwrap_or_default().contains("tsv"), "{e}");
    let r = input::parse_tsv("社区名称\t户数\nA\t2000\n", "r.tsv").expect("TSV");
    assert_eq!(
        r.records[0].num(field::by_id("households").expect("f")),
        Some(Num::int(2000))
    );
    assert!(input::parse_json("[]", "r.json").is_err());
}

#[test]
fn review_underpaid_funding_fails_and_splits_still_add_up() {
    let plan = bundled::plan(&["bijie-2017"]).expect("plan");
    let opts = Options::at(date("2024-01-01"));
    let res = plan.evaluate(
        &rec(&[
            ("kind", "urban"),
            ("registered_residents", "4800"),
            ("work_funding", "30000"),
        ]),
        &opts,
    );
    let ob = &res.obligations[0];
    assert_eq!(ob.status, Status::Fail, "48,000 due, 30,000 paid");
    assert_eq!(ob.lines[0].shortfall, Some(Fen(1_800_000)));
    assert_eq!(
        ob.shares.iter().map(|f| f.0).sum::<i64>(),
        ob.total.expect("total").0
    );
    let res = plan.evaluate(
        &rec(&[
            ("kind", "urban"),
            ("registered_residents", "4800"),
            ("work_funding", "60000"),
            ("service_funding", "50000"),
        ]),
        &opts,
    );
    let ob = &res.obligations[0];
    assert_eq!(ob.status, Status::Pass);
    assert_eq!(
        ob.shares.iter().map(|f| f.0).sum::<i64>(),
        9_800_000,
        "the standard split adds up to the standard"
    );
    assert_eq!(
        ob.shares_with_excess.iter().map(|f| f.0).sum::<i64>(),
        9_800_000 + 1_200_000,
        "plus the excess"
    );
    let text = shequ::lang::obligation_text(&plan, ob, Lang::Zh);
    assert!(
        text.contains("实付超出标准 12,000.00元,由县(区)财政承担"),
        "{text}"
    );
}

#[test]
fn review_impossible_requirements_are_errors() {
    let d = first(&format!("{RULE}kind = \"range\"\nmeasure = \"households\"\nmin = {{ value = 6000, word = \"以上\" }}\nmax = {{ value = 5000, word = \"以下\" }}\n"));
    assert_eq!(d.code, Code::EmptyRequirement, "{d}");
    let d = first(&format!(
        "{RULE}kind = \"tier\"\nby = \"households\"\nmeasure = \"committee_members\"\n\n[[rule.tiers]]\nmin = {{ value = 0, word = \"以上\" }}\nrequire = {{ equal = 5.5 }}\n"
    ));
    assert_eq!(d.code, Code::EmptyRequirement, "{d}");
}

#[test]
fn review_a_share_undecidable_because_of_an_overlap_is_ambiguous() {
    let plan = bundled::plan(&["bijie-2017"]).expect("plan");
    let text = "社区名称,区县,社区类型,常住人口,社区服务用房面积\nA,甲,城市,6000,700\nB,甲,城市,5000,600\nC,甲,城市,5000,100\n";
    let roster = input::parse_csv(text, "r.csv").expect("parses");
    let ev = report::evaluate(&plan, &roster, &Options::at(date("2017-06-30")));
    let f = ev
        .roster
        .iter()
        .find(|f| {
            plan.rule(f.rule)
                .is_some_and(|(_, r)| r.id.0 == "service-station-rate")
        })
        .expect("B-11");
    assert_eq!(
        f.status,
        Status::Ambiguous,
        "A is ambiguous at 6000 and decides whether 60% is met: {f:?}"
    );
    assert_eq!(
        f.reason.as_ref().map(|r| r.code()),
        Some("depends_on_ambiguous")
    );
}

#[test]
fn layers_local_rules_that_tighten_or_depart_from_a_norm_speak() {
    // 西安 builds on the national layer: its plan includes the national policies first
    let plan = bundled::plan(&["xian-2023"]).expect("plan");
    let ids: Vec<&str> = plan
        .policies()
        .iter()
        .map(|p| p.meta.id.0.as_str())
        .collect();
    assert_eq!(
        ids,
        vec!["national-rcl-2018", "national-plan-2021", "xian-2023"]
    );
    let res = plan.evaluate(
        &rec(&[("households", "3500"), ("committee_members", "7")]),
        &Options::at(date("2024-06-30")),
    );
    let find2 = |pol: &str, rule: &str| {
        res.findings
            .iter()
            .find(|f| {
                plan.rule(f.rule)
                    .is_some_and(|(p, r)| p.meta.id.0 == pol && r.id.0 == rule)
            })
            .expect("finding")
    };
    // art. 6 (100–700, 一般) would fail 3500 households; 西安's 1000–5000 replaces it
    let national = find2("national-rcl-2018", "households");
    assert_eq!(national.status, Status::NotApplicable);
    assert_eq!(
        national.reason,
        Some(shequ::eval::Reason::Overridden {
            by: "xian-2023/size-households".into()
        })
    );
    let local = find2("xian-2023", "size-households");
    assert_eq!(local.status, Status::Pass);
    assert_eq!(
        local.replaces.as_deref(),
        Some("national-rcl-2018/households")
    );
    assert!(shequ::lang::message(&plan, local, Lang::Zh)
        .contains("本条取代上位规定 national-rcl-2018/households"));
}

#[test]
fn layers_a_local_rule_that_loosens_a_hard_national_rule_shows_both_findings() {
    // 城阳 C-5: a committee of 3–5 against the law's 5–9
    let plan = bundled::plan(&["chengyang-2018"]).expect("plan");
    let res = plan.evaluate(
        &rec(&[("kind", "urban"), ("committee_members", "4")]),
        &Options::at(date("2024-06-30")),
    );
    let statuses: Vec<(String, Status)> = res
        .findings
        .iter()
        .filter(|f| f.measure == field::by_id("committee_members"))
        .filter_map(|f| {
            plan.rule(f.rule)
                .map(|(p, r)| (format!("{}/{}", p.meta.id, r.id), f.status))
        })
        .collect();
    assert!(
        statuses.contains(&("chengyang-2018/committee-size".to_string(), Status::Pass)),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("national-rcl-2018/committee-size".to_string(), Status::Fail)),
        "{statuses:?}"
    );
    let all: Vec<shequ::Policy> = bundled::all().expect("all");
    let d = shequ::layer::check(&all);
    assert!(
        d.iter().any(|x| x.code == Code::LayerConflict
            && x.policy.as_deref() == Some("chengyang-2018")
            && x.rule.as_deref() == Some("committee-size")),
        "{d:?}"
    );
    // an override cannot loosen a hard rule, even when declared
    let loosening = d.iter().filter(|x| x.code == Code::LayerConflict).count();
    assert!(
        loosening >= 2,
        "毕节 B-13 (一般 5–9) softens the law too: {d:?}"
    );
}

/// The tables for data frames come from the same evaluation as the report: the long table
/// has one row per finding, with the report's statuses, and the run's roster findings and
/// summary are the report's.
#[test]
fn frames_are_the_reports_findings_as_columns() {
    use shequ::report::frames::{self, Cells};
    let plan = bundled::plan(&["xian-2023", "bijie-2017"]).expect("plan");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/roster.csv"
    ))
    .expect("example");
    let roster = input::parse_csv(&text, "roster.csv").expect("parses");
    let opts = Options::at(date("2024-06-30"));
    let ev = report::evaluate(&plan, &roster, &opts);
    let cols = shequ::batch::Columns::from_roster(&roster);
    let full = frames::full_tables(&plan, &opts, &cols, &[], report::Style::default(), true);
    let findings: usize = ev.results.iter().map(|r| r.findings.len()).sum();
    assert_eq!(full.long.rows(), findings);
    let Some(Cells::Cat { values, codes }) = full.long.column("status") else {
        panic!("status is a categorical");
    };
    assert_eq!(values, &frames::STATUSES.map(String::from).to_vec());
    let statuses: Vec<&str> = codes
        .iter()
        .map(|c| values[c.expect("status") as usize].as_str())
        .collect();
    let want: Vec<&str> = ev
        .results
        .iter()
        .flat_map(|r| r.findings.iter().map(|f| f.status.name()))
        .collect();
    assert_eq!(statuses, want);
    assert_eq!(full.done.roster, ev.roster);
    assert!(full.long.column("message").is_some());
    // the money table: one row per community, money rule and payer, in fen
    let payers: usize = ev
        .results
        .iter()
        .flat_map(|r| r.obligations.iter())
        .map(|o| o.shares.len().max(2))
        .sum();
    assert_eq!(full.money.rows(), payers);
    // the wide table has a status column per rule, named by its id
    let b = plan.evaluate_columns(&cols, &opts, 1);
    let wide = frames::wide_table(&plan, b);
    assert!(wide.column("xian-2023/size-households").is_some());
    assert!(wide.column("xian-2023/size-households:shortfall").is_some());
    assert!(wide.column("bijie-2017/funding:city_fen").is_some());
    assert_eq!(wide.rows(), roster.records.len());
    // exact numbers keep their layout: whole numbers as integers
    assert_eq!(
        frames::num_layout(&[Num::parse("12"), None]),
        frames::NumLayout::Int
    );
    assert_eq!(
        frames::num_layout(&[Num::parse("23.4"), Num::parse("0.05")]),
        frames::NumLayout::Decimal { scale: 2 }
    );
    assert_eq!(
        frames::num_layout(&[Num::parse_exact("2/3")]),
        frames::NumLayout::Text
    );
}

/// Readings are written like titles: `reading` in Chinese, `reading_en` in English, each
/// shown in its language and standing in for the other when that one is missing.
#[test]
fn readings_come_in_chinese_and_english_like_titles() {
    let text = format!(
        "{HEAD}reading_note = \"按民法典第一千二百五十九条解读\"\nreading_note_en = \"read per 民法典 art. 1259\"\n{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nreading = \"“不少于”包括本数\"\nreading_en = \"不少于 includes the number\"\nmin = {{ value = 5, word = \"\", inclusive = true, reading_en = \"at least 5\" }}\n"
    );
    let (p, d) = compile::compile(&text, "t.toml");
    assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
    let p = p.expect("compiles");
    let r = p.rule("r").expect("rule");
    assert_eq!(r.reading_in(Lang::Zh), Some("“不少于”包括本数"));
    assert_eq!(r.reading_in(Lang::En), Some("不少于 includes the number"));
    let shequ::model::Shape::Range { min: Some(b), .. } = &r.shape else {
        panic!("a minimum");
    };
    // a bound with no word may give its reading in English only
    assert_eq!(b.reading_in(Lang::En), Some("at least 5"));
    assert_eq!(b.reading_in(Lang::Zh), Some("at least 5"));
    assert_eq!(
        p.meta.reading_note_in(Lang::Zh),
        Some("按民法典第一千二百五十九条解读")
    );
    assert_eq!(
        p.meta.reading_note_in(Lang::En),
        Some("read per 民法典 art. 1259")
    );
    let zh = shequ::lang::explain_target(std::slice::from_ref(&p), "test/r", Lang::Zh)
        .expect("explained");
    let en = shequ::lang::explain_target(std::slice::from_ref(&p), "test/r", Lang::En)
        .expect("explained");
    assert!(zh.contains("解读: “不少于”包括本数"), "{zh}");
    assert!(en.contains("reading: 不少于 includes the number"), "{en}");
    // only one language given: it is shown in both
    let only_en = text.replace("reading = \"“不少于”包括本数\"\n", "");
    let p = compile::compile(&only_en, "t.toml").0.expect("compiles");
    let r = p.rule("r").expect("rule");
    assert_eq!(r.reading_in(Lang::Zh), Some("不少于 includes the number"));
    // `reading_en` is a key of every kind, and the schema says so
    assert!(compile::COMMON_KEYS.contains(&"reading_en"));
}

/// A Chinese `reading` (of a rule, of a bound, or `reading_note`) with no Chinese
/// characters in it is a warning: it is probably an English reading left in the Chinese
/// key. English in `reading_en` is what that key is for.
#[test]
fn a_chinese_reading_without_chinese_is_linted() {
    let body = format!(
        "reading_note = \"read per art. 1259\"\n{RULE}kind = \"minimum\"\nmeasure = \"workers\"\nreading = \"the floor only\"\nmin = {{ value = 5, word = \"\", inclusive = true, reading = \"at least 5\" }}\n"
    );
    let (p, d) = lint::lint(&format!("{HEAD}{body}"), "t.toml", None);
    assert!(p.is_some());
    let found: Vec<(u32, &str)> = d
        .iter()
        .filter(|x| x.code == Code::ReadingLanguage)
        .map(|x| (x.line, x.message.as_str()))
        .collect();
    assert_eq!(found.len(), 3, "{d:?}");
    assert!(d
        .iter()
        .filter(|x| x.code == Code::ReadingLanguage)
        .all(|x| x.severity == shequ::Severity::Warning && !x.is_error()));
    assert_eq!(found[0].0, 9, "reading_note is where it is written");
    assert!(found[1].1.starts_with("`reading` is the Chinese reading"));
    assert!(found[2].1.contains("`min` bound"));
    // moved to the English keys, or written in Chinese, nothing is said
    let fixed = body
        .replace("reading_note = ", "reading_note_en = ")
        .replace(
            "reading = \"the floor only\"",
            "reading_en = \"the floor only\"",
        )
        .replace("reading = \"at least 5\"", "reading = \"至少5人\"");
    let (_, d) = lint::lint(&format!("{HEAD}{fixed}"), "t.toml", None);
    assert!(d.iter().all(|x| x.code != Code::ReadingLanguage), "{d:?}");
    // the bundled policies have their readings in Chinese
    for (f, t) in bundled::FILES {
        let (_, d) = lint::lint(t, f, None);
        assert!(d.iter().all(|x| x.code != Code::ReadingLanguage), "{f}");
    }
}
