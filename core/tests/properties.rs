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
        let style = report::Style { lang: Lang::En, messages: true };
        let j1 = report::to_json(&plan, &roster, &opts(), style);
        prop_assert_eq!(&j1, &report::to_json(&plan, &roster, &opts(), style), "byte-identical output");
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

    /// Roster parts merge into exactly one pass: split a random roster anywhere, add each
    /// part to its own accumulator (roster rules and summary), merge, and compare.
    #[test]
    fn roster_parts_merge_into_one_pass(
        rows in prop::collection::vec((prop::option::of(0i64..8_000), prop::option::of(0i64..30_000),
                                       prop::option::of(0i64..2_000), 0u8..4, 0u8..3, prop::option::of(0i64..15)), 0..40),
        cut in 0usize..40,
    ) {
        let plan = shequ::bundled::plan(&["bijie-2017", "xian-2023", "xinbei-2017"]).expect("plan");
        let opts = Options::at(Date::new(2017, 6, 30).expect("date"));
        let counties = ["七星关区", "大方县", "黔西县"];
        let records: Vec<Record> = rows.iter().map(|(h, res, space, kind, county, members)| {
            let mut r = Record::new();
            r.set(field::by_id("kind").expect("f"), Val::Cat(*kind));
            r.set(field::by_id("county").expect("f"), Val::Text(counties[usize::from(*county)].to_string()));
            if let Some(h) = h { set(&mut r, "households", *h); }
            if let Some(x) = res { set(&mut r, "residents", *x); set(&mut r, "registered_residents", *x / 2); }
            if let Some(x) = space { set(&mut r, "service_space", *x); }
            if let Some(x) = members { set(&mut r, "committee_members", *x); }
            r
        }).collect();
        let results: Vec<_> = records.iter().map(|r| plan.evaluate(r, &opts)).collect();
        let cut = cut.min(records.len());
        let whole = {
            let mut a = shequ::roster::RosterAcc::new(&plan, &opts);
            for (r, x) in records.iter().zip(results.iter()) { a.add(&plan, &opts, r, x); }
            a
        };
        let mut first = shequ::roster::RosterAcc::new(&plan, &opts);
        let mut second = shequ::roster::RosterAcc::new(&plan, &opts);
        for (i, (r, x)) in records.iter().zip(results.iter()).enumerate() {
            if i < cut { first.add(&plan, &opts, r, x) } else { second.add(&plan, &opts, r, x) }
        }
        // parts travel between processes as data
        let second: shequ::roster::RosterAcc = serde_json::from_str(&serde_json::to_string(&second).expect("ser")).expect("de");
        first.merge(&second).expect("same plan");
        prop_assert_eq!(&first, &whole);
        prop_assert_eq!(first.findings(&plan, &opts), whole.findings(&plan, &opts));
        prop_assert_eq!(first.totals(), whole.totals());
        // money totals equal the sum of the communities' own totals
        for t in whole.totals() {
            let sum: i128 = results.iter().flat_map(|r| r.obligations.iter()).filter(|o| o.rule == t.rule).filter_map(|o| o.total).map(|f| i128::from(f.0)).sum();
            prop_assert_eq!(t.total, sum);
            prop_assert_eq!(t.shares.iter().sum::<i128>(), t.total);
        }
        // a different plan's part is refused
        let other = shequ::roster::RosterAcc::new(&shequ::bundled::plan(&["xian-2023"]).expect("plan"), &opts);
        prop_assert!(first.clone().merge(&other).is_err());
    }
}
