//! A plain loop over the single-community case of `benches/evaluate.rs`, for profilers:
//!
//! ```sh
//! CARGO_PROFILE_RELEASE_DEBUG=1 cargo build --release -p shequ-bench --example single_loop
//! perf record --call-graph dwarf target/release/examples/single_loop 300000 into
//! perf report --no-children
//! ```
//!
//! The second argument is `fresh` (`Plan::evaluate`, the default) or `into`
//! (`Plan::evaluate_into`, reusing one result).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a profiling aid stops loudly on a broken setup"
)]

use std::hint::black_box;

use shequ::{Date, Options};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args
        .get(1)
        .map_or(1_000_000, |x| x.parse().expect("a count"));
    let into = match args.get(2).map(String::as_str) {
        None | Some("fresh") => false,
        Some("into") => true,
        Some(other) => panic!("unknown mode {other:?}: fresh or into"),
    };
    let plan = shequ::bundled::plan(&["xian-2023"]).expect("plan");
    let rec = shequ_bench::xian_full_record();
    let o = Options::at(Date::new(2024, 6, 30).expect("date"));
    let mut out = plan.evaluate(&rec, &o);
    let t = std::time::Instant::now();
    for _ in 0..n {
        if into {
            plan.evaluate_into(black_box(&rec), &o, &mut out);
            black_box(&out);
        } else {
            black_box(plan.evaluate(black_box(&rec), &o));
        }
    }
    let ns = t.elapsed().as_nanos() as f64 / f64::from(n.max(1));
    eprintln!(
        "{ns:.0} ns per evaluation ({} findings)",
        out.findings.len()
    );
}
