//! Where the time of a streamed report goes, phase by phase, on a roster file:
//! `cargo run --release -p shequ-bench --example stream_phases -- roster.csv`.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a measuring tool")]

use std::time::Instant;

use shequ::input::{self, Format, Next, Row};
use shequ::report::{self, Run, Sink, Style, Writer};
use shequ::{Date, Options};

fn main() {
    let path = std::env::args().nth(1).expect("a roster CSV");
    let bytes = std::fs::read(&path).expect("read");
    let plan = shequ::bundled::plan(&["xian-2023", "bijie-2017"]).expect("plan");
    let opts = Options::at(Date::new(2024, 6, 30).expect("date"));
    let t = Instant::now();
    let scan = input::scan(bytes.as_slice(), Format::Csv, &path).expect("scan");
    let n = scan.rows as f64;
    let per = |t: Instant| t.elapsed().as_secs_f64() / n * 1e6;
    println!("scan                 {:7.2} µs/row", per(t));
    let t = Instant::now();
    let mut r = input::Reader::new(bytes.as_slice(), Format::Csv, &path).expect("reader");
    let mut row = Row::default();
    while let Some(Next::Row) = r.next_into(&mut row).expect("row") {}
    println!("read                 {:7.2} µs/row", per(t));
    let t = Instant::now();
    let mut r = input::Reader::new(bytes.as_slice(), Format::Csv, &path).expect("reader");
    let mut res = shequ::RecordResult::default();
    while let Some(Next::Row) = r.next_into(&mut row).expect("row") {
        plan.evaluate_into(&row.record, &opts, &mut res);
    }
    println!("read+evaluate        {:7.2} µs/row", per(t));
    let t = Instant::now();
    let mut r = input::Reader::new(bytes.as_slice(), Format::Csv, &path).expect("reader");
    let mut run = Run::new(&plan, &opts);
    while let Some(Next::Row) = r.next_into(&mut row).expect("row") {
        run.row(&row);
    }
    let _ = run.finish();
    println!("read+run             {:7.2} µs/row", per(t));
    for messages in [false, true] {
        let style = Style {
            lang: shequ::Lang::Zh,
            messages,
        };
        let w = Writer::new(&plan, &opts, style);
        let t = Instant::now();
        let mut r = input::Reader::new(bytes.as_slice(), Format::Csv, &path).expect("reader");
        let mut run = Run::new(&plan, &opts);
        let mut built = 0usize;
        while let Some(Next::Row) = r.next_into(&mut row).expect("row") {
            let (res, issues) = run.row(&row);
            built += w.community(&row, res, issues).findings.len();
        }
        println!(
            "read+run+build  m={} {:7.2} µs/row ({built})",
            u8::from(messages),
            per(t)
        );
        let t = Instant::now();
        let mut r = input::Reader::new(bytes.as_slice(), Format::Csv, &path).expect("reader");
        let mut sink = report::json::JsonLinesSink::new(std::io::sink());
        let mut run = Run::new(&plan, &opts);
        sink.head(&w).expect("head");
        while let Some(Next::Row) = r.next_into(&mut row).expect("row") {
            let (res, issues) = run.row(&row);
            sink.community(&w, &row, res, issues).expect("write");
        }
        println!(
            "read+run+jsonl  m={} {:7.2} µs/row",
            u8::from(messages),
            per(t)
        );
    }
}
