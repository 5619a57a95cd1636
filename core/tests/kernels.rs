//! The batch's compiled kernels and the full evaluator are one semantics: on random
//! records, with random fields missing, every bundled rule gives the same status and
//! shortfall both ways, and every money rule the same amounts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use proptest::prelude::*;
use shequ::batch::Columns;
use shequ::field::{self, FieldId, Unit, FIELDS};
use shequ::input::Roster;
use shequ::{bundled, Date, Num, Options, Plan, Record, Val};

fn plan() -> Plan {
    let ids = bundled::ids();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    bundled::plan(&refs).expect("every bundled policy")
}

/// A random value for a field, or nothing.
fn value(f: FieldId, r: u64, present: bool) -> Option<Val> {
    if !present {
        return None;
    }
    let def = f.def();
    Some(match def.unit {
        Unit::Flag => Val::Flag(r % 2 == 0),
        Unit::Category => Val::Cat((r % def.values.len().max(1) as u64) as u8),
        Unit::Text => Val::Text(format!("g{}", r % 3)),
        Unit::Percent => Val::Num(Num::ratio(i128::from((r % 101) as i64), 100).expect("share")),
        _ => {
            // around the interesting boundaries: 0–16000, sometimes exactly on a round number
            let v = if r % 7 == 0 {
                [1000, 1500, 2000, 3000, 4000, 5000, 6000, 10000][(r / 7 % 8) as usize]
            } else {
                (r % 16_000) as i64
            };
            if def.whole || r % 3 != 0 {
                Val::Num(Num::int(v))
            } else {
                Val::Num(Num::ratio(i128::from(v) * 10 + 5, 10).expect("decimal"))
            }
        }
    })
}

fn records(seeds: &[(u64, u64)]) -> Vec<Record> {
    seeds
        .iter()
        .map(|(a, b)| {
            let mut rec = Record::new();
            for (i, _) in FIELDS.iter().enumerate() {
                let f = FieldId(i as u16);
                let mix = a
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add((i as u64).wrapping_mul(1442695040888963407))
                    ^ b;
                let present = (mix >> 7) % 10 < 7;
                if let Some(v) = value(f, mix >> 11, present) {
                    rec.set(f, v);
                }
            }
            rec
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn kernels_agree_with_the_full_evaluator(seeds in prop::collection::vec((any::<u64>(), any::<u64>()), 1..40), year in 2016i32..2032) {
        let plan = plan();
        let recs = records(&seeds);
        let roster = Roster { records: recs.clone(), ..Roster::default() };
        let cols = Columns::from_roster(&roster);
        let opts = Options::at(Date::new(year, 6, 30).expect("date"));
        let batch = plan.evaluate_columns(&cols, &opts, 1);
        let two = plan.evaluate_columns(&cols, &opts, 2);
        prop_assert_eq!(&batch, &two);
        for (row, rec) in recs.iter().enumerate() {
            let full = plan.evaluate(rec, &opts);
            for (k, rr) in batch.rules.iter().enumerate() {
                let f = full.findings.iter().find(|f| f.rule == *rr);
                let got = batch.status[k][row];
                let name = plan.rule(*rr).map(|(p, r)| format!("{}/{}", p.meta.id, r.id)).unwrap_or_default();
                prop_assert_eq!(got, f.map(|f| f.status), "{} row {} ({:?})", name, row, rec);
                prop_assert_eq!(batch.shortfall[k][row], f.and_then(|f| f.shortfall), "{} row {} shortfall", name, row);
            }
            for (j, rr) in batch.money_rules.iter().enumerate() {
                let o = full.obligations.iter().find(|o| o.rule == *rr);
                prop_assert_eq!(batch.money_total[j][row], o.and_then(|o| o.total), "money total row {}", row);
                for (p, col) in batch.money_shares[j].iter().enumerate() {
                    let want = o.filter(|o| o.total.is_some()).and_then(|o| o.shares_with_excess.get(p).copied());
                    prop_assert_eq!(col[row], want, "money share {} row {}", p, row);
                }
            }
        }
        let _ = field::known();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// `Plan::evaluate_into` reuses the findings of the previous record in place: whatever
    /// that record was, and whatever the options, the result equals a fresh evaluation.
    #[test]
    fn evaluating_into_a_reused_result_equals_a_fresh_one(
        seeds in prop::collection::vec((any::<u64>(), any::<u64>()), 1..30),
        years in prop::collection::vec(2016i32..2032, 1..30),
        allow in any::<bool>(),
        which in 0usize..3,
    ) {
        let plan = match which {
            0 => plan(),
            1 => bundled::plan(&["xian-2023"]).expect("xian"),
            _ => bundled::plan(&["chengyang-2018", "bijie-2017"]).expect("chengyang, bijie"),
        };
        let recs = records(&seeds);
        let mut out = shequ::RecordResult::default();
        for (i, rec) in recs.iter().enumerate() {
            let mut opts = Options::at(Date::new(years[i % years.len()], 6, 30).expect("date"));
            opts.allow_not_in_force = allow && i % 2 == 0;
            plan.evaluate_into(rec, &opts, &mut out);
            prop_assert_eq!(&out, &plan.evaluate(rec, &opts), "record {}", i);
        }
    }
}
