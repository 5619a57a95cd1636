//! The hand-written yardstick: the measured rules checked directly on a row, in exact
//! integer arithmetic, with no engine. Semantics follow the policy texts as shequ reads
//! them (`~` includes both ends; 以下/以上 include the number, so the Y-8 tiers overlap at
//! 2000 and 4000 households; whole counts round up), so every verdict must agree.

use crate::gen::Row;

/// Status codes, in the order of `shequ::Status::ALL`.
pub const PASS: u8 = 0;
pub const FAIL: u8 = 1;
pub const AMBIGUOUS: u8 = 2;
pub const NOT_APPLICABLE: u8 = 3;
pub const MISSING: u8 = 4;

/// The verdicts of one row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdicts {
    /// One status per rule of [`crate::XIAN_RULES`].
    pub status: [u8; 8],
    /// The shortfall in hundredths of the rule's unit, when failing.
    pub shortfall_centi: [Option<i64>; 8],
    /// 毕节 funding in fen: (total, city, county), for urban communities.
    pub funding: Option<(i64, i64, i64)>,
}

#[inline]
fn range(x: i64, lo: i64, hi: i64) -> (u8, Option<i64>) {
    if x < lo {
        (FAIL, Some((lo - x) * 100))
    } else if x > hi {
        (FAIL, Some((x - hi) * 100))
    } else {
        (PASS, None)
    }
}

#[inline]
fn at_least(x: i64, need: i64) -> (u8, Option<i64>) {
    if x >= need {
        (PASS, None)
    } else {
        (FAIL, Some((need - x) * 100))
    }
}

/// Checks one row.
#[inline]
pub fn check(r: &Row) -> Verdicts {
    let mut v = Verdicts::default();
    let mut set = |i: usize, (s, short): (u8, Option<i64>)| {
        v.status[i] = s;
        v.shortfall_centi[i] = short;
    };
    // Y-1: 1000~5000 households, 5000~15000 residents
    set(0, range(r.households, 1000, 5000));
    set(1, range(r.residents, 5000, 15_000));
    // Y-3: service space ≥ 30 m² per 100 households (in hundredths of m²: 30 × households)
    let need = 30 * r.households;
    let have = 100 * r.service_space;
    set(
        2,
        if have >= need {
            (PASS, None)
        } else {
            (FAIL, Some(need - have))
        },
    );
    // Y-4: outdoor plaza ≥ 1000 m²
    set(3, at_least(r.outdoor_plaza, 1000));
    // Y-5: new communities of 2000 households or fewer: ≥ 600 m²
    set(
        4,
        if !r.is_new || r.households > 2000 {
            (NOT_APPLICABLE, None)
        } else {
            at_least(r.service_space, 600)
        },
    );
    // Y-6: activity ≥ 60 % of the service space (hundredths: 60 × service)
    set(
        5,
        match r.activity_space {
            None => (MISSING, None),
            Some(a) => {
                let need = 60 * r.service_space;
                if 100 * a >= need {
                    (PASS, None)
                } else {
                    (FAIL, Some(need - 100 * a))
                }
            }
        },
    );
    // Y-8: ≤2000 → 5, 2000~4000 → 7, ≥4000 → 9; at 2000 and 4000 two tiers apply
    let h = r.households;
    let m = r.committee_members;
    let mut applies = [false; 3];
    applies[0] = h <= 2000;
    applies[1] = (2000..=4000).contains(&h);
    applies[2] = h >= 4000;
    let wants = [5, 7, 9];
    let (mut n, mut met) = (0, 0);
    let mut only = 0;
    for t in 0..3 {
        if applies[t] {
            n += 1;
            only = wants[t];
            if m == wants[t] {
                met += 1;
            }
        }
    }
    set(
        6,
        if met == n {
            (PASS, None)
        } else if met > 0 {
            (AMBIGUOUS, None)
        } else if n == 1 {
            (FAIL, Some((m - only).abs() * 100))
        } else {
            // two tiers, met by neither: the nearest tier's value is the target
            let near = wants
                .iter()
                .zip(applies)
                .filter(|(_, a)| *a)
                .map(|(w, _)| (*w - m).abs())
                .min()
                .unwrap_or(0);
            (FAIL, Some(near * 100))
        },
    );
    // Y-10: urban communities: workers ≥ ⌈18 × residents / 10000⌉
    set(
        7,
        if r.urban {
            at_least(r.workers, (18 * r.residents + 9_999) / 10_000)
        } else {
            (NOT_APPLICABLE, None)
        },
    );
    // B-5: 10 yuan per registered resident + 50,000 yuan, city 4 : county 6 (urban only)
    if r.urban {
        let total = 1000 * r.registered + 5_000_000;
        let city = total * 4 / 10;
        v.funding = Some((total, city, total - city));
    }
    v
}

/// Checks a slice of rows into a vector.
pub fn check_all(rows: &[Row]) -> Vec<Verdicts> {
    rows.iter().map(check).collect()
}
