//! Runs the language-neutral conformance corpus in `tests/cases/*.json` (cases written
//! by hand from the policy texts) against the public API. The Python and wasm bindings
//! run the same files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::PathBuf;

use serde_json::Value as J;
use shequ::eval::{Finding, Obligation, Plan};
use shequ::{bundled, input, report, Date, Num, Options};

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/cases")
}

fn num(v: &J) -> Num {
    match v {
        J::String(s) => Num::parse(s).unwrap_or_else(|| panic!("bad number {s}")),
        J::Number(n) => Num::parse(&n.to_string()).unwrap_or_else(|| panic!("bad number {n}")),
        other => panic!("bad number {other}"),
    }
}

fn rule_name(plan: &Plan, r: shequ::eval::RuleRef) -> String {
    let (p, rule) = plan.rule(r).expect("rule");
    format!("{}/{}", p.meta.id, rule.id)
}

/// Compares one finding to an expectation; returns the mismatches.
fn check_finding(f: &Finding, e: &J, plan: &Plan) -> Vec<String> {
    let mut errs = Vec::new();
    let mut want = |what: &str, ok: bool, got: String| {
        if !ok {
            errs.push(format!("{what}: got {got}"));
        }
    };
    if let Some(s) = e.get("status").and_then(J::as_str) {
        want("status", f.status.name() == s, f.status.name().into());
    }
    if let Some(r) = e.get("reason").and_then(J::as_str) {
        let got = f.reason.as_ref().map(|x| x.code()).unwrap_or("none");
        want("reason", got == r, got.into());
    }
    if let Some(v) = e.get("shortfall") {
        want(
            "shortfall",
            f.shortfall == Some(num(v)),
            format!("{:?}", f.shortfall),
        );
    }
    if let Some(g) = e.get("grade").and_then(J::as_str) {
        let (_, rule) = plan.rule(f.rule).expect("rule");
        let got = if f.status == shequ::Status::Fail {
            rule.strength.grade().name()
        } else {
            "none"
        };
        want("grade", got == g, got.into());
    }
    if let Some(c) = e.get("counted").and_then(J::as_u64) {
        want(
            "counted",
            f.counted == Some(c as usize),
            format!("{:?}", f.counted),
        );
    }
    if let Some(m) = e.get("missing").and_then(J::as_array) {
        let mut got: Vec<&str> = f.missing.iter().map(|x| x.name()).collect();
        let mut exp: Vec<&str> = m.iter().filter_map(J::as_str).collect();
        got.sort_unstable();
        exp.sort_unstable();
        want("missing", got == exp, format!("{got:?}"));
    }
    if let Some(req) = e.get("required") {
        let r = f.required.as_ref();
        let iv = r.and_then(|r| r.interval);
        if let Some(v) = req.get("min") {
            want(
                "required.min",
                iv.and_then(|i| i.min).map(|l| l.value) == Some(num(v)),
                format!("{iv:?}"),
            );
        }
        if let Some(v) = req.get("max") {
            want(
                "required.max",
                iv.and_then(|i| i.max).map(|l| l.value) == Some(num(v)),
                format!("{iv:?}"),
            );
        }
        if let Some(v) = req.get("exact_min") {
            let ex = r
                .and_then(|r| r.exact.as_deref().copied())
                .and_then(|i| i.min)
                .map(|l| l.value);
            want("required.exact_min", ex == Some(num(v)), format!("{ex:?}"));
        }
        if let Some(o) = req.get("outcome").and_then(J::as_array) {
            let (_, rule) = plan.rule(f.rule).expect("rule");
            let m = rule.shape.measure().expect("decision measure");
            let got: Vec<&str> = r
                .and_then(|r| r.outcome.clone())
                .unwrap_or_default()
                .iter()
                .filter_map(|i| m.def().values.get(usize::from(*i)).map(|v| v.0))
                .collect();
            let exp: Vec<&str> = o.iter().filter_map(J::as_str).collect();
            want("required.outcome", got == exp, format!("{got:?}"));
        }
    }
    if let Some(rem) = e.get("remedy") {
        match &f.remedy {
            None => errs.push("remedy: got none".into()),
            Some(r) => {
                if let Some(a) = rem.get("action").and_then(J::as_str) {
                    let got = serde_json::to_value(r.action).unwrap_or(J::Null);
                    want("remedy.action", got.as_str() == Some(a), got.to_string());
                }
                if let Some(v) = rem.get("amount") {
                    want(
                        "remedy.amount",
                        r.amount == Some(num(v)),
                        format!("{:?}", r.amount),
                    );
                }
                if let Some(v) = rem.get("to") {
                    want("remedy.to", r.to == Some(num(v)), format!("{:?}", r.to));
                }
                if let Some(p) = rem.get("parts").and_then(J::as_array) {
                    let exp = (num(&p[0]), num(&p[1]));
                    want(
                        "remedy.parts",
                        r.parts == Some(exp),
                        format!("{:?}", r.parts),
                    );
                }
                if let Some(o) = rem.get("outcome").and_then(J::as_array) {
                    let got: Vec<&str> = r
                        .outcome
                        .clone()
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|i| r.field.def().values.get(usize::from(*i)).map(|v| v.0))
                        .collect();
                    let exp: Vec<&str> = o.iter().filter_map(J::as_str).collect();
                    want("remedy.outcome", got == exp, format!("{got:?}"));
                }
            }
        }
    }
    errs
}

fn check_obligation(o: &Obligation, e: &J) -> Vec<String> {
    let mut errs = Vec::new();
    if let Some(s) = e.get("status").and_then(J::as_str) {
        if o.status.name() != s {
            errs.push(format!("obligation status: got {}", o.status.name()));
        }
    }
    if let Some(t) = e.get("total_fen").and_then(J::as_i64) {
        if o.total.map(|x| x.0) != Some(t) {
            errs.push(format!("total_fen: got {:?}", o.total));
        }
    }
    for (key, got) in [
        ("shares_fen", &o.shares),
        ("shares_with_excess_fen", &o.shares_with_excess),
    ] {
        if let Some(a) = e.get(key).and_then(J::as_array) {
            let exp: Vec<i64> = a.iter().filter_map(J::as_i64).collect();
            let g: Vec<i64> = got.iter().map(|x| x.0).collect();
            if g != exp {
                errs.push(format!("{key}: got {g:?}"));
            }
        }
    }
    if let Some(m) = e.get("missing").and_then(J::as_array) {
        let got: Vec<&str> = o.missing.iter().map(|x| x.name()).collect();
        let exp: Vec<&str> = m.iter().filter_map(J::as_str).collect();
        if got != exp {
            errs.push(format!("obligation missing: got {got:?}"));
        }
    }
    // every split adds back up to the total
    if let Some(t) = o.total {
        let sum: i64 = o.shares.iter().map(|x| x.0).sum();
        if sum != t.0 {
            errs.push(format!("shares add to {sum}, not {}", t.0));
        }
    }
    errs
}

fn run_file(path: &PathBuf) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(path).expect("read case file");
    let doc: J = serde_json::from_str(&text).expect("case file is JSON");
    let ids: Vec<&str> = doc["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .filter_map(J::as_str)
        .collect();
    let plan = bundled::plan(&ids).expect("bundled policies");
    let mut failures = Vec::new();
    let mut count = 0;
    for c in doc["cases"].as_array().into_iter().flatten() {
        count += 1;
        let name = c["name"].as_str().unwrap_or("?");
        let as_of = Date::parse(c["as_of"].as_str().expect("as_of")).expect("date");
        let roster = input::parse_json(&J::Array(vec![c["input"].clone()]).to_string(), "case")
            .expect("case input parses");
        let res = plan.evaluate(&roster.records[0], &Options::at(as_of));
        for e in c["expect"].as_array().into_iter().flatten() {
            let rule = e["rule"].as_str().expect("rule");
            if let Some(ob) = e.get("obligation") {
                match res
                    .obligations
                    .iter()
                    .find(|o| rule_name(&plan, o.rule) == rule)
                {
                    Some(o) => failures.extend(
                        check_obligation(o, ob)
                            .into_iter()
                            .map(|m| format!("{name} [{rule}]: {m}")),
                    ),
                    None => failures.push(format!("{name}: no obligation for {rule}")),
                }
                continue;
            }
            match res
                .findings
                .iter()
                .find(|f| rule_name(&plan, f.rule) == rule)
            {
                Some(f) => failures.extend(
                    check_finding(f, e, &plan)
                        .into_iter()
                        .map(|m| format!("{name} [{rule}]: {m}")),
                ),
                None => failures.push(format!("{name}: no finding for {rule}")),
            }
        }
    }
    for c in doc["roster_cases"].as_array().into_iter().flatten() {
        count += 1;
        let name = c["name"].as_str().unwrap_or("?");
        let as_of = Date::parse(c["as_of"].as_str().expect("as_of")).expect("date");
        let roster = input::parse_json(&c["records"].to_string(), "case").expect("records parse");
        let ev = report::evaluate(&plan, &roster, &Options::at(as_of));
        for e in c["expect"].as_array().into_iter().flatten() {
            let rule = e["rule"].as_str().expect("rule");
            let group = e.get("group").and_then(J::as_str);
            match ev
                .roster
                .iter()
                .find(|f| rule_name(&plan, f.rule) == rule && f.group.as_deref() == group)
            {
                Some(f) => failures.extend(
                    check_finding(f, e, &plan)
                        .into_iter()
                        .map(|m| format!("{name} [{rule} {group:?}]: {m}")),
                ),
                None => failures.push(format!("{name}: no roster finding for {rule} {group:?}")),
            }
        }
    }
    (count, failures)
}

#[test]
fn conformance_corpus() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cases exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "expected case files for every bundled policy"
    );
    let mut total = 0;
    let mut failures = Vec::new();
    for f in &files {
        let (n, fails) = run_file(f);
        total += n;
        failures.extend(fails.into_iter().map(|m| {
            format!(
                "{}: {m}",
                f.file_name().unwrap_or_default().to_string_lossy()
            )
        }));
    }
    assert!(total > 100, "the corpus shrank to {total} cases");
    assert!(
        failures.is_empty(),
        "{} mismatches in {total} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every bundled policy has a case file, and every case file names bundled policies.
#[test]
fn every_bundled_policy_has_cases() {
    for id in bundled::ids() {
        assert!(
            cases_dir().join(format!("{id}.json")).exists(),
            "no tests/cases/{id}.json"
        );
    }
}
