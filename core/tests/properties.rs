//! Property tests: money splits conserve the total, requirements never decrease when a
//! community grows, verdicts are deterministic, numbers round-trip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use proptest::prelude::*;
use shequ::money::{split, Remainder};
use shequ::{bundled, field, report, Date, Fen, Lang, Num, Options, Plan, Record, Val};

fn plan() -> Plan {
    bundled::plan(&["xian-2023", "bijie-2017"]).expect("plan")
}

fn opts() -> Options {
    Options::at(Date::new(2024, 6, 30).expect("date"))
}

fn set(r: &mut Record, name: &str, v: i64) {
    r.set(field::by_id(name).expect("field"), Val::Num(Num::int(v)));
}

fn required_min(plan: &Plan, r: &Record, rule: &str) -> Option<Num> {
    let res = plan.evaluate(r, &opts());
    let f = res
        .findings
        .iter()
        .find(|f| plan.rule(f.rule).is_some_and(|(_, x)| x.id.0 == rule))?;
    f.required.as_ref()?.interval?.min.map(|l| l.value)
}

fn rule_strategy() -> impl Strategy<Value = Remainder> {
    prop_oneof![
        Just(Remainder::LargestRemainder),
        Just(Remainder::First),
        Just(Remainder::Last)
    ]
}

proptest! {
    #[test]
    fn splits_add_back_to_the_total(total in -1_000_000_000_000i64..1_000_000_000_000i64,
                                    weights in prop::collection::vec(0u64..20, 1..7),
                                    rule in rule_strategy()) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let parts = split(Fen(total), &weights, rule).expect("usable weights");
        prop_assert_eq!(parts.len(), weights.len());
        prop_assert_eq!(parts.iter().map(|p| p.0).sum::<i64>(), total);
        if rule == Remainder::LargestRemainder {
            // each part is within one fen of its exact share
            let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
            for (p, w) in parts.iter().zip(weights.iter()) {
                let exact_num = i128::from(total) * i128::from(*w);
                let lo = exact_num.div_euclid(sum) - 1;
                let hi = exact_num.div_euclid(sum) + 1;
                prop_assert!(i128::from(p.0) >= lo && i128::from(p.0) <= hi);
            }
        }
    }

    #[test]
    fn requirements_never_decrease_as_households_grow(a in 0i64..20_000, b in 0i64..20_000) {
        let (lo, hi) = (a.min(b), a.max(b));
        let plan = plan();
        for rule in ["service-space", "committee-by-households", "residents-groups", "building-heads"] {
            let mut r1 = Record::new();
            let mut r2 = Record::new();
            for (r, h) in [(&mut r1, lo), (&mut r2, hi)] {
                r.set(field::by_id("kind").expect("f"), Val::Cat(0));
                set(r, "households", h);
                set(r, "service_space", 0);
                set(r, "committee_members", 0);
                set(r, "resident_groups", 0);
                set(r, "building_heads", 0);
            }
            if let (Some(x), Some(y)) = (required_min(&plan, &r1, rule), required_min(&plan, &r2, rule)) {
                prop_assert!(x <= y, "{rule}: {lo} households need {x:?}, {hi} need {y:?}");
            }
        }
    }

    #[test]
    fn requirements_never_decrease_as_residents_grow(a in 0i64..40_000, b in 0i64..40_000) {
        let (lo, hi) = (a.min(b), a.max(b));
        let plan = plan();
        for rule in ["workers-per-residents", "service-station-space", "volunteers"] {
            let mut r1 = Record::new();
            let mut r2 = Record::new();
            for (r, n) in [(&mut r1, lo), (&mut r2, hi)] {
                r.set(field::by_id("kind").expect("f"), Val::Cat(0));
                set(r, "residents", n);
                set(r, "workers", 0);
                set(r, "service_space", 0);
                set(r, "volunteers", 0);
            }
            if let (Some(x), Some(y)) = (required_min(&plan, &r1, rule), required_min(&plan, &r2, rule)) {
                prop_assert!(x <= y, "{rule}: {lo} residents need {x:?}, {hi} need {y:?}");
            }
        }
    }

    #[test]
    fn verdicts_are_deterministic(h in prop::option::of(0i64..20_000), res in prop::option::of(0i64..50_000),
                                  space in prop::option::of(0i64..3_000), members in prop::option::of(0i64..15),
                                  kind in 0u8..4) {
        let plan = plan();
        let mut r = Record::new();
        r.set(field::by_id("kind").expect("f"), Val::Cat(kind));
        if let Some(h) = h { set(&mut r, "households", h); }
        if let Some(x) = res { set(&mut r, "residents", x); set(&mut r, "registered_residents", x / 2); }
        if let Some(x) = space { set(&mut r, "service_space", x); }
        if let Some(x) = members { set(&mut r, "committee_members", x); }
        let a = plan.evaluate(&r, &opts());
        let b = plan.evaluate(&r.clone(), &opts());
        prop_assert_eq!(&a, &b);
        let roster = shequ::input::Roster { records: vec![r], ..Default::default() };
        let ev1 = report::evaluate(&plan, &roster, &opts());
        let ev2 = report::evaluate(&plan, &roster, &opts());
        prop_assert_eq!(report::to_json(&plan, &roster, &ev1, Lang::En), report::to_json(&plan, &roster, &ev2, Lang::En));
        // a finding that fails always says by how much and what to do
        for f in &a.findings {
            if f.status == shequ::Status::Fail {
                prop_assert!(f.remedy.is_some(), "{:?}", f);
            }
        }
        // every computed obligation's shares add to its total
        for o in &a.obligations {
            if let Some(t) = o.total {
                prop_assert_eq!(o.shares.iter().map(|s| s.0).sum::<i64>(), t.0);
            }
        }
    }

    #[test]
    fn decimals_round_trip(int in 0u64..10_000_000, frac in 0u32..10_000) {
        let text = if frac == 0 { int.to_string() } else { format!("{int}.{frac:04}").trim_end_matches('0').to_string() };
        let n = Num::parse(&text).expect("parses");
        prop_assert_eq!(n.to_decimal(4), text);
    }
}
