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
