//! Criterion benchmarks (run with `cargo bench -p shequ-bench`; `benches/README.md` has the
//! results and the machine). Each case says what it measures.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "benchmarks stop loudly on a broken setup"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shequ::{bundled, lint, Date, Options};
use shequ_bench::{gen, plan, yardstick};

fn opts() -> Options {
    Options::at(Date::new(2024, 6, 30).expect("date"))
}

/// The columnar batch against the hand-written yardstick, 10³ … 10⁶ communities, one core.
fn batch(c: &mut Criterion) {
    let plan = plan();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(2));
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let rows = gen::generate(n, 42);
        let cols = gen::to_columns(&rows);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("shequ", n), &n, |b, _| {
            b.iter(|| black_box(plan.evaluate_columns(&cols, &opts(), 1)))
        });
        g.bench_with_input(BenchmarkId::new("yardstick", n), &n, |b, _| {
            b.iter(|| black_box(yardstick::check_all(&rows)))
        });
    }
    g.finish();
}

/// The batch on 1 and 2 threads (10⁶ communities).
fn threads(c: &mut Criterion) {
    let plan = plan();
    let rows = gen::generate(1_000_000, 42);
    let cols = gen::to_columns(&rows);
    let mut g = c.benchmark_group("threads");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(rows.len() as u64));
    for t in [1usize, 2] {
        g.bench_with_input(BenchmarkId::new("shequ", t), &t, |b, t| {
            b.iter(|| black_box(plan.evaluate_columns(&cols, &opts(), *t)))
        });
    }
    g.finish();
}

/// The tidy long table (one row per community × rule) for the same batch, 10⁵ communities:
/// the batch itself and the batch plus the table.
fn long_table(c: &mut Criterion) {
    let plan = plan();
    let rows = gen::generate(100_000, 42);
    let cols = gen::to_columns(&rows);
    let mut g = c.benchmark_group("long-table");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Elements(rows.len() as u64));
    g.bench_function("columns", |b| {
        b.iter(|| black_box(plan.evaluate_columns(&cols, &opts(), 1)))
    });
    g.bench_function("columns+long", |b| {
        b.iter(|| black_box(plan.evaluate_columns(&cols, &opts(), 1).to_long()))
    });
    g.finish();
}

/// One fully filled community against the whole 西安 2023 policy (with the national layer
/// it builds on), findings built, messages not rendered: into a fresh result, and into the
/// previous keystroke's result (`Plan::evaluate_into`).
fn single(c: &mut Criterion) {
    let plan = bundled::plan(&["xian-2023"]).expect("plan");
    let rec = shequ_bench::xian_full_record();
    let o = opts();
    let n = plan.evaluate(&rec, &o).findings.len();
    assert!(n >= 18, "{n} findings");
    c.bench_function("single/xian-2023-full", |b| {
        b.iter(|| black_box(plan.evaluate(black_box(&rec), &o)))
    });
    // the per-keystroke path: a form keeps one result and re-evaluates into it
    let mut out = plan.evaluate(&rec, &o);
    c.bench_function("single/xian-2023-full-into", |b| {
        b.iter(|| {
            plan.evaluate_into(black_box(&rec), &o, &mut out);
            black_box(&out);
        })
    });
    assert_eq!(out, plan.evaluate(&rec, &o));
    // what a form gets back: evaluate, then the community of the report serialised (the
    // typed report, version 2), without and with the sentences
    let row = shequ::input::Row {
        index: 1,
        line: 1,
        record: rec.clone(),
        ..shequ::input::Row::default()
    };
    for (name, messages) in [
        ("single/xian-2023-json", false),
        ("single/xian-2023-json-messages", true),
    ] {
        let w = shequ::report::Writer::new(
            &plan,
            &o,
            shequ::report::Style {
                lang: shequ::Lang::Zh,
                messages,
            },
        );
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 14);
        c.bench_function(name, |b| {
            b.iter(|| {
                plan.evaluate_into(black_box(&rec), &o, &mut out);
                buf.clear();
                serde_json::to_writer(&mut buf, &w.community(&row, &out, &[])).expect("JSON");
                black_box(&buf);
            })
        });
    }
}

/// Loading, compiling and linting every bundled policy (quotes checked against their
/// sources, which are read before timing).
fn load(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let files: Vec<(&str, &str, String)> = bundled::FILES
        .iter()
        .map(|(f, t)| {
            let p = shequ::load_policy(t, f).expect("compiles");
            let src = std::fs::read_to_string(root.join(&p.meta.source)).expect("source text");
            (*f, *t, src)
        })
        .collect();
    c.bench_function("load/compile+lint-all", |b| {
        b.iter(|| {
            let mut compiled = Vec::new();
            for (f, t, src) in &files {
                let (p, d) = lint::lint(t, f, Some(Ok(src.as_str())));
                black_box(d);
                compiled.extend(p);
            }
            black_box(shequ::layer::check(&compiled));
            black_box(shequ::Plan::new(compiled))
        })
    });
}

/// Cost against the number of policies in the plan (10⁵ communities).
fn policies(c: &mut Criterion) {
    let rows = gen::generate(100_000, 42);
    let cols = gen::to_columns(&rows);
    let all = [
        "xian-2023",
        "bijie-2017",
        "huining-2020",
        "chengyang-2018",
        "xinbei-2017",
    ];
    let mut g = c.benchmark_group("policies");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Elements(rows.len() as u64));
    for k in 1..=all.len() {
        let plan = bundled::plan(all.get(..k).expect("slice")).expect("plan");
        let rules = plan.policies().iter().map(|p| p.rules.len()).sum::<usize>();
        g.bench_with_input(
            BenchmarkId::new(format!("{k}-policies-{rules}-rules"), k),
            &k,
            |b, _| b.iter(|| black_box(plan.evaluate_columns(&cols, &opts(), 1))),
        );
    }
    g.finish();
}

criterion_group!(benches, batch, threads, long_table, single, load, policies);
criterion_main!(benches);
