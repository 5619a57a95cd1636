//! Shared pieces of the benchmarks: a seeded synthetic roster, the rule set measured (eight
//! 西安 2023 community rules and the 毕节 2017 funding split), and a hand-written
//! yardstick that checks the same rules with no engine: the practical speed limit.
#![allow(
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark tooling: fixed-size arrays, and a broken setup stops loudly"
)]

pub mod gen;
pub mod yardstick;

use shequ::{bundled, field, Num, Plan, Record, Val};

/// The 西安 2023 rules measured, in column order.
pub const XIAN_RULES: [&str; 8] = [
    "size-households",
    "size-residents",
    "service-space",
    "outdoor-plaza",
    "new-community-space",
    "activity-share",
    "committee-by-households",
    "workers-per-residents",
];

/// The plan measured: 西安 2023 restricted to [`XIAN_RULES`], and 毕节 2017 restricted to its
/// funding rule. The national layer is left out so that exactly these rules run.
pub fn plan() -> Plan {
    let base = bundled::plan(&["xian-2023", "bijie-2017"]).expect("bundled policies compile");
    let mut policies: Vec<shequ::Policy> = base
        .policies()
        .iter()
        .filter(|p| p.meta.id.0 == "xian-2023" || p.meta.id.0 == "bijie-2017")
        .cloned()
        .collect();
    for p in &mut policies {
        if p.meta.id.0 == "xian-2023" {
            p.rules.retain(|r| XIAN_RULES.contains(&r.id.0.as_str()));
            // keep the column order of XIAN_RULES
            p.rules
                .sort_by_key(|r| XIAN_RULES.iter().position(|x| *x == r.id.0));
        } else {
            p.rules.retain(|r| r.id.0 == "funding");
        }
    }
    Plan::new(policies)
}

/// The community of the single-community case: every field the 西安 2023 policy and its
/// national layer read, filled (some rules fail, most pass).
pub fn xian_full_record() -> Record {
    let mut rec = Record::new();
    let set = |rec: &mut Record, name: &str, v: Val| rec.set(field::by_id(name).expect("field"), v);
    for (f, v) in [
        ("households", 2345),
        ("residents", 7600),
        ("registered_residents", 6100),
        ("service_space", 690),
        ("activity_space", 430),
        ("outdoor_plaza", 1200),
        ("workers", 13),
        ("committee_members", 7),
        ("party_committee_members", 5),
        ("two_committees_members", 10),
        ("commercial_service_space", 900),
        ("total_floor_area", 80_000),
    ] {
        set(&mut rec, f, Val::Num(Num::int(v)));
    }
    set(
        &mut rec,
        "cross_appointment_share",
        Val::Num(Num::parse("65%").expect("share")),
    );
    set(&mut rec, "is_new", Val::Flag(false));
    set(&mut rec, "kind", Val::Cat(0));
    set(&mut rec, "party_org_form", Val::Cat(1));
    rec
}
