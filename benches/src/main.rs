//! `shequ-bench`: generate the synthetic roster, evaluate it with shequ or with the
//! hand-written yardstick, and check that they agree.
//!
//! ```text
//! shequ-bench generate --n 100000 --seed 42 --out roster.csv
//! shequ-bench evaluate --input roster.csv --engine shequ|yardstick --out verdicts.csv [--threads 2]
//! shequ-bench agree --n 100000 --seed 42
//! ```
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark driver stops loudly on a broken setup"
)]

use std::time::Instant;

use shequ::{Date, Options, Status};
use shequ_bench::{gen, plan, yardstick, XIAN_RULES};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn opts() -> Options {
    Options::at(Date::new(2024, 6, 30).expect("date"))
}

fn code(s: Option<Status>) -> &'static str {
    s.map_or("", Status::name)
}

/// The verdicts of shequ's columnar batch as CSV (the comparison's common format).
fn shequ_csv(rows: &[gen::Row], threads: usize) -> (String, f64) {
    let plan = plan();
    let cols = gen::to_columns(rows);
    let t = Instant::now();
    let res = plan.evaluate_columns(&cols, &opts(), threads);
    let secs = t.elapsed().as_secs_f64();
    let mut out = verdict_header();
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&r.id.to_string());
        for k in 0..XIAN_RULES.len() {
            let st = res.status.get(k).and_then(|c| c.get(i)).copied().flatten();
            let sh = res
                .shortfall
                .get(k)
                .and_then(|c| c.get(i))
                .copied()
                .flatten();
            out.push_str(&format!(
                ",{},{}",
                code(st),
                sh.map(|x| x.to_decimal(2)).unwrap_or_default()
            ));
        }
        let fen = |p: usize| {
            res.money_shares
                .first()
                .and_then(|m| m.get(p))
                .and_then(|c| c.get(i))
                .copied()
                .flatten()
        };
        let total = res
            .money_total
            .first()
            .and_then(|c| c.get(i))
            .copied()
            .flatten();
        out.push_str(&format!(
            ",{},{},{}\n",
            total.map(|x| x.0.to_string()).unwrap_or_default(),
            fen(0).map(|x| x.0.to_string()).unwrap_or_default(),
            fen(1).map(|x| x.0.to_string()).unwrap_or_default()
        ));
    }
    (out, secs)
}

fn yardstick_csv(rows: &[gen::Row]) -> (String, f64) {
    let t = Instant::now();
    let v = yardstick::check_all(rows);
    let secs = t.elapsed().as_secs_f64();
    let names = [
        "pass",
        "fail",
        "ambiguous",
        "not_applicable",
        "missing_data",
    ];
    let mut out = verdict_header();
    for (r, x) in rows.iter().zip(v.iter()) {
        out.push_str(&r.id.to_string());
        for k in 0..XIAN_RULES.len() {
            let st = names
                .get(usize::from(x.status.get(k).copied().unwrap_or(0)))
                .copied()
                .unwrap_or("");
            let sh = x.shortfall_centi.get(k).copied().flatten().map(|c| {
                shequ::Num::ratio(i128::from(c), 100)
                    .expect("ratio")
                    .to_decimal(2)
            });
            out.push_str(&format!(",{st},{}", sh.unwrap_or_default()));
        }
        match x.funding {
            Some((t, c, k)) => out.push_str(&format!(",{t},{c},{k}\n")),
            None => out.push_str(",,,\n"),
        }
    }
    (out, secs)
}

fn verdict_header() -> String {
    let mut h = String::from("id");
    for r in XIAN_RULES {
        h.push_str(&format!(",{r}_status,{r}_shortfall"));
    }
    h.push_str(",funding_total_fen,funding_city_fen,funding_county_fen\n");
    h
}

fn read_rows(path: &str) -> Vec<gen::Row> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|rec| {
            let rec = rec.expect("row");
            let g = |i: usize| rec.get(i).unwrap_or("");
            let n = |i: usize| g(i).parse::<i64>().expect("number");
            gen::Row {
                id: g(0).parse().expect("id"),
                urban: g(1) == "urban",
                households: n(2),
                residents: n(3),
                registered: n(4),
                service_space: n(5),
                activity_space: g(6).parse().ok(),
                outdoor_plaza: n(7),
                is_new: g(8) == "true",
                committee_members: n(9),
                workers: n(10),
            }
        })
        .collect()
}

/// The roster with Chinese headers (户数 for households …) and names (东关1社区 for 1), as
/// an office writes them.
fn chinese_headers(csv_text: &str) -> String {
    let mut out = String::with_capacity(csv_text.len() * 2);
    for (i, line) in csv_text.lines().enumerate() {
        if i == 0 {
            let hs: Vec<String> = line
                .split(',')
                .map(|h| {
                    if h == "id" {
                        return "社区名称".to_string();
                    }
                    shequ::field::by_id(h).map_or(h.to_string(), |f| f.def().zh.to_string())
                })
                .collect();
            out.push_str(&hs.join(","));
        } else {
            let (id, rest) = line.split_once(',').unwrap_or((line, ""));
            out.push_str(&format!("第{id}社区,{rest}"));
        }
        out.push('\n');
    }
    out
}

/// Writes a CSV roster as an office's workbook: a title row, the header, the rows (numbers
/// as numbers), a 合计 row summing 户数 and 常住人口. Streams (constant memory mode).
fn office_xlsx(csv_text: &str, out: &str) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb
        .add_worksheet_with_constant_memory()
        .expect("a constant-memory sheet");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    let _ = ws.write_string(0, 0, "城市社区基本情况统计表(生成的样例)");
    let mut sums = [0i64; 2];
    let mut cols = [usize::MAX; 2];
    let mut row: u32 = 1;
    for rec in rdr.records() {
        let rec = rec.expect("csv");
        for (c, cell) in rec.iter().enumerate() {
            let col = u16::try_from(c).expect("columns");
            if row == 1 {
                if cell == "户数" {
                    cols[0] = c;
                }
                if cell == "常住人口" {
                    cols[1] = c;
                }
                let _ = ws.write_string(row, col, cell);
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if !cell.is_empty() => {
                    let _ = ws.write_number(row, col, v);
                    for (sum, sc) in sums.iter_mut().zip(cols.iter()) {
                        if *sc == c {
                            *sum += cell.parse::<i64>().unwrap_or(0);
                        }
                    }
                }
                _ if !cell.is_empty() => {
                    let _ = ws.write_string(row, col, cell);
                }
                _ => {}
            }
        }
        row += 1;
    }
    let _ = ws.write_string(row, 0, "合计");
    for (sum, c) in sums.iter().zip(cols.iter()) {
        if let Ok(col) = u16::try_from(*c) {
            let _ = ws.write_number(row, col, *sum as f64);
        }
    }
    wb.save(out).expect("save");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = arg(&args, "--n").map_or(100_000, |x| x.parse().expect("--n"));
    let seed: u64 = arg(&args, "--seed").map_or(42, |x| x.parse().expect("--seed"));
    let threads: usize = arg(&args, "--threads").map_or(1, |x| x.parse().expect("--threads"));
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            let out = arg(&args, "--out").expect("--out FILE");
            std::fs::write(&out, gen::to_csv(&gen::generate(n, seed))).expect("write");
        }
        Some("office") => {
            // a generated roster as an office has it: an .xlsx sheet with a title row and a
            // 合计 row, or CSV in GB18030 as Chinese Excel saves it
            let input = arg(&args, "--input").expect("--input FILE.csv");
            let out = arg(&args, "--out").expect("--out FILE.xlsx|FILE.csv");
            let text = chinese_headers(&std::fs::read_to_string(&input).expect("read"));
            if out.ends_with(".xlsx") {
                office_xlsx(&text, &out);
            } else {
                let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
                std::fs::write(&out, bytes).expect("write");
            }
        }
        Some("evaluate") => {
            let input = arg(&args, "--input").expect("--input FILE");
            let rows = read_rows(&input);
            let (csv, secs) = match arg(&args, "--engine").as_deref() {
                Some("yardstick") => yardstick_csv(&rows),
                _ => shequ_csv(&rows, threads),
            };
            if let Some(out) = arg(&args, "--out") {
                std::fs::write(out, csv).expect("write");
            }
            eprintln!(
                "{:.1} ns per community ({} communities)",
                secs * 1e9 / rows.len().max(1) as f64,
                rows.len()
            );
        }
        Some("agree") => {
            let rows = gen::generate(n, seed);
            let (a, ta) = shequ_csv(&rows, threads);
            let (b, tb) = yardstick_csv(&rows);
            let diff: Vec<(&str, &str)> = a
                .lines()
                .zip(b.lines())
                .filter(|(x, y)| x != y)
                .take(5)
                .collect();
            if !diff.is_empty() {
                for (x, y) in &diff {
                    eprintln!("shequ:     {x}\nyardstick: {y}");
                }
                std::process::exit(1);
            }
            println!(
                "{n} communities agree on every verdict; shequ {:.1} ns, yardstick {:.1} ns per community",
                ta * 1e9 / n as f64,
                tb * 1e9 / n as f64
            );
        }
        _ => {
            eprintln!("usage: shequ-bench generate|office|evaluate|agree [--n N] [--seed S] [--input F] [--out F] [--engine shequ|yardstick] [--threads T]");
            std::process::exit(2);
        }
    }
}
