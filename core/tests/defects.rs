//! Defects found in use, each with the case that showed it (issue 14's list).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use shequ::{bundled, field, lang, Date, Lang, Num, Options, Record, Status, Val};

fn community(values: &[(&str, i64)]) -> Record {
    let mut r = Record::new();
    for (id, v) in values {
        r.set(field::by_id(id).unwrap(), Val::Num(Num::int(*v)));
    }
    r
}

/// Y-8 requires exactly 5 members below 2000 households: 3 members are 2 short, not
/// "2 over" (the `set` remedy's direction decides the word).
#[test]
fn below_an_exact_tier_value_is_short_not_over() {
    let plan = bundled::plan(&["xian-2023"]).unwrap();
    let opts = Options::at(Date::new(2024, 6, 30).unwrap());
    for (members, zh, en) in [
        (3, "差2人", "2 persons short"),
        (8, "超出3人", "3 persons over"),
    ] {
        let rec = community(&[("households", 1500), ("committee_members", members)]);
        let res = plan.evaluate(&rec, &opts);
        let f = res
            .findings
            .iter()
            .find(|f| plan.rule_id(f.rule) == "xian-2023/committee-by-households")
            .unwrap();
        assert_eq!(f.status, Status::Fail);
        let m_zh = lang::message(&plan, f, Lang::Zh);
        let m_en = lang::message(&plan, f, Lang::En);
        assert!(m_zh.contains(zh), "{m_zh}");
        assert!(m_en.contains(en), "{m_en}");
    }
}
