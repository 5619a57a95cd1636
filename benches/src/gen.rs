//! A seeded synthetic roster with realistic distributions: households mostly 1000–5000,
//! a long tail to 15,000 and down to 50, and some communities exactly at the tier
//! boundaries; 2.4–3.6 residents per household; registered residents 60–100 % of
//! residents; facility areas that sometimes fail. The same seed gives the same roster,
//! and `to_csv` writes it for tools in other languages.

use std::fmt::Write as _;

/// SplitMix64: small, fast and the same everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in [lo, hi].
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }
}

/// One synthetic community (all areas in whole m²).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: u64,
    pub urban: bool,
    pub households: i64,
    pub residents: i64,
    pub registered: i64,
    pub service_space: i64,
    /// Missing in about 2 % of rows, to exercise missing data.
    pub activity_space: Option<i64>,
    pub outdoor_plaza: i64,
    pub is_new: bool,
    pub committee_members: i64,
    pub workers: i64,
}

/// `n` communities from a seed.
pub fn generate(n: usize, seed: u64) -> Vec<Row> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|i| {
            let u = r.unit();
            let households = if u < 0.03 {
                // exactly at a boundary of Y-1 or of the Y-8 tiers
                [1000, 2000, 4000, 5000][r.range(0, 3) as usize]
            } else if u < 0.80 {
                r.range(1000, 5000)
            } else if u < 0.92 {
                let t = r.unit();
                5000 + (t * t * 10_000.0) as i64
            } else {
                r.range(50, 999)
            };
            let residents = (households as f64 * (2.4 + 1.2 * r.unit())).round() as i64;
            let registered = (residents as f64 * (0.6 + 0.4 * r.unit())).round() as i64;
            let service_space = (households as f64 * 0.3 * (0.7 + 0.8 * r.unit())).round() as i64;
            let activity_space = if r.unit() < 0.02 {
                None
            } else {
                Some((service_space as f64 * (0.45 + 0.35 * r.unit())).round() as i64)
            };
            let outdoor_plaza = r.range(300, 2500);
            let is_new = r.unit() < 0.10;
            let expected = if households < 2000 {
                5
            } else if households <= 4000 {
                7
            } else {
                9
            };
            let committee_members = if r.unit() < 0.85 {
                expected
            } else {
                r.range(4, 10)
            };
            let need = (18 * residents + 9_999) / 10_000;
            let workers = (need + r.range(-3, 4)).max(0);
            Row {
                id: i as u64 + 1,
                urban: r.unit() < 0.90,
                households,
                residents,
                registered,
                service_space,
                activity_space,
                outdoor_plaza,
                is_new,
                committee_members,
                workers,
            }
        })
        .collect()
}

/// The CSV header, in shequ's English field ids (plus `id`).
pub const CSV_HEADER: &str =
    "id,kind,households,residents,registered_residents,service_space,activity_space,outdoor_plaza,is_new,committee_members,workers";

/// The roster as CSV text that shequ, pandas and the other tools read alike.
pub fn to_csv(rows: &[Row]) -> String {
    let mut s = String::with_capacity(rows.len() * 64);
    s.push_str(CSV_HEADER);
    s.push('\n');
    for x in rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{}",
            x.id,
            if x.urban { "urban" } else { "rural" },
            x.households,
            x.residents,
            x.registered,
            x.service_space,
            x.activity_space.map(|v| v.to_string()).unwrap_or_default(),
            x.outdoor_plaza,
            x.is_new,
            x.committee_members,
            x.workers
        );
    }
    s
}

/// The roster as shequ columns.
pub fn to_columns(rows: &[Row]) -> shequ::batch::Columns {
    use shequ::batch::Column;
    use shequ::Num;
    let n = rows.len();
    let mut c = shequ::batch::Columns::new(n);
    let num = |f: &dyn Fn(&Row) -> Option<i64>| {
        Column::Num(rows.iter().map(|r| f(r).map(Num::int)).collect())
    };
    let ok = [
        c.add(
            "kind",
            Column::Text(
                rows.iter()
                    .map(|r| Some(if r.urban { "urban" } else { "rural" }.to_string()))
                    .collect(),
            ),
        ),
        c.add("households", num(&|r| Some(r.households))),
        c.add("residents", num(&|r| Some(r.residents))),
        c.add("registered_residents", num(&|r| Some(r.registered))),
        c.add("service_space", num(&|r| Some(r.service_space))),
        c.add("activity_space", num(&|r| r.activity_space)),
        c.add("outdoor_plaza", num(&|r| Some(r.outdoor_plaza))),
        c.add(
            "is_new",
            Column::Flag(rows.iter().map(|r| Some(r.is_new)).collect()),
        ),
        c.add("committee_members", num(&|r| Some(r.committee_members))),
        c.add("workers", num(&|r| Some(r.workers))),
    ];
    for o in ok {
        if let Err(e) = o {
            panic!("generated columns are valid: {e}");
        }
    }
    c
}
