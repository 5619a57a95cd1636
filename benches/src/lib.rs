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

use shequ::{bundled, Plan};

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
