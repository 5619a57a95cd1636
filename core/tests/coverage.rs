//! Every clause of the inventory is accounted for by the bundled policy data: a rule that
//! encodes it or a recorded reason it is not checked.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use shequ::{bundled, coverage};

#[test]
fn every_clause_id_is_accounted_for() {
    let ids = coverage::clause_ids(shequ::CLAUSES);
    // H 8 + A 2 + B 32 + C 9 + Z 4 + X 11 + Y 11
    assert_eq!(ids.len(), 77, "the inventory has {} ids", ids.len());
    let rows = coverage::coverage(&bundled::all().expect("bundled policies compile"), &ids);
    let missing: Vec<&str> = rows
        .iter()
        .filter(|r| r.in_inventory && !r.accounted())
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "clauses with neither a rule nor a recorded reason: {missing:?}"
    );
    // an ID in the policy data but not in the inventory is a typo unless it is the
    // national layer's own numbering
    let strays: Vec<&str> = rows
        .iter()
        .filter(|r| !r.in_inventory && !r.id.starts_with("N-"))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        strays.is_empty(),
        "clause IDs not in the inventory: {strays:?}"
    );
}

#[test]
fn the_inventory_in_the_repository_matches_the_shared_one_when_present() {
    // the project copies ../shared/clauses.md; when the shared folder is beside the
    // checkout (as on CI), the copy must not have drifted
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/clauses.md");
    if let Ok(text) = std::fs::read_to_string(&shared) {
        assert_eq!(
            coverage::clause_ids(&text),
            coverage::clause_ids(shequ::CLAUSES)
        );
    }
}
