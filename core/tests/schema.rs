//! The published JSON Schema describes the format the compiler accepts: the same keys
//! per rule kind, the same field ids and the same enums.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::collections::BTreeSet;

use serde_json::Value as J;
use shequ::compile::{allowed_keys, COMMON_KEYS, KINDS, NOT_CHECKABLE_REASONS};
use shequ::{field, Strength};

fn schema() -> J {
    serde_json::from_str(shequ::POLICY_SCHEMA).expect("the schema is JSON")
}

fn keys(v: &J) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn each_kind_allows_exactly_the_compilers_keys() {
    let s = schema();
    let rule = &s["$defs"]["rule"];
    let all: BTreeSet<String> = keys(&rule["properties"]);
    for kind in KINDS {
        let branch = rule["allOf"]
            .as_array()
            .expect("allOf")
            .iter()
            .find(|b| b["if"]["properties"]["kind"]["const"] == *kind)
            .unwrap_or_else(|| panic!("no schema branch for kind `{kind}`"));
        let got = keys(&branch["then"]["properties"]);
        let want: BTreeSet<String> = COMMON_KEYS
            .iter()
            .chain(allowed_keys(kind))
            .map(|k| (*k).to_string())
            .collect();
        assert_eq!(got, want, "kind `{kind}`");
        assert!(
            got.is_subset(&all),
            "kind `{kind}` names keys the rule table lacks"
        );
    }
}

#[test]
fn enums_match_the_code() {
    let s = schema();
    let text = s.to_string();
    for f in field::FIELDS {
        assert!(
            text.contains(&format!("\"{}\"", f.id)),
            "field `{}` missing from the schema",
            f.id
        );
    }
    for st in Strength::ALL {
        assert!(
            s["$defs"]["strength"]["enum"]
                .as_array()
                .expect("enum")
                .iter()
                .any(|x| x == st.name()),
            "{}",
            st.name()
        );
    }
    let reasons: BTreeSet<String> = s["$defs"]["notCheckable"]["properties"]["reason"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect();
    let want: BTreeSet<String> = NOT_CHECKABLE_REASONS
        .iter()
        .map(|x| (*x).to_string())
        .collect();
    assert_eq!(reasons, want);
}

/// The published JSON Schema of the report is the one derived from the report's types,
/// and a real report validates against its shape: every key of a community, finding and
/// rule is one the schema names.
#[test]
fn report_schema_is_derived_from_the_types() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/report.schema.json");
    let derived = shequ::report::schema();
    if std::env::var_os("SHEQU_WRITE_SCHEMA").is_some() {
        std::fs::write(path, &derived).expect("write the schema");
    }
    let published = std::fs::read_to_string(path).expect("core/schema/report.schema.json");
    assert!(
        published == derived,
        "core/schema/report.schema.json is stale: run `SHEQU_WRITE_SCHEMA=1 cargo test -p shequ --test schema` and commit it"
    );
    assert_eq!(shequ::REPORT_SCHEMA, derived);
    let s: J = serde_json::from_str(&published).expect("JSON");
    let defs = &s["$defs"];
    let props = |name: &str| keys(&defs[name]["properties"]);
    let plan = shequ::bundled::plan(&["xian-2023", "bijie-2017"]).expect("plan");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/roster.csv"
    ))
    .expect("example");
    let roster = shequ::input::parse_csv(&text, "roster.csv").expect("parses");
    let opts = shequ::Options::at(shequ::Date::new(2024, 6, 30).expect("date"));
    let j: J = serde_json::from_str(&shequ::report::to_json(
        &plan,
        &roster,
        &opts,
        shequ::report::Style::default(),
    ))
    .expect("JSON");
    let top = keys(&s["properties"]);
    for k in keys(&j) {
        assert!(top.contains(&k), "report key `{k}` is not in the schema");
    }
    for c in j["communities"].as_array().expect("communities") {
        for k in keys(c) {
            assert!(props("CommunityOut").contains(&k), "community key `{k}`");
        }
        for f in c["findings"].as_array().expect("findings") {
            for k in keys(f) {
                assert!(props("FindingOut").contains(&k), "finding key `{k}`");
            }
        }
    }
    for r in j["rules"].as_array().expect("rules") {
        for k in keys(r) {
            assert!(props("RuleOut").contains(&k), "rule key `{k}`");
        }
    }
}
