//! Reports: the stable JSON document of `shequ check --format json` (reused by the Python
//! and wasm bindings), a long CSV table (one row per finding), and a readable text table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Map, Value as J};

use crate::date::Date;
use crate::eval::{Finding, Obligation, Options, Plan, RecordResult, Status};
use crate::field::{self, FIELDS};
use crate::input::Roster;
use crate::lang::{self, Lang};
use crate::model::{Interval, Policy, Rule, Shape};
use crate::money::Fen;
use crate::record::JsonVal;

/// Version of the JSON report layout; bumped on any incompatible change.
pub const REPORT_VERSION: u32 = 1;

/// The outcome of evaluating a roster.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub as_of: Date,
    pub allow_not_in_force: bool,
    /// One result per record, in input order.
    pub results: Vec<RecordResult>,
    /// Roster-level findings.
    pub roster: Vec<Finding>,
    /// Figures that look wrong in themselves (see [`crate::validate`]).
    pub data_issues: Vec<crate::validate::DataIssue>,
}

/// Evaluates every record and the roster rules.
pub fn evaluate(plan: &Plan, roster: &Roster, opts: &Options) -> Evaluation {
    let results: Vec<RecordResult> = roster
        .records
        .iter()
        .map(|r| plan.evaluate(r, opts))
        .collect();
    let rf = plan.evaluate_roster(&roster.records, &results, opts);
    let data_issues = crate::validate::check_records(roster);
    Evaluation {
        as_of: opts.as_of,
        allow_not_in_force: opts.allow_not_in_force,
        results,
        roster: rf,
        data_issues,
    }
}

fn interval_json(iv: &Interval) -> J {
    json!({
        "min": iv.min.map(|l| l.value),
        "min_inclusive": iv.min.map(|l| l.inclusive),
        "max": iv.max.map(|l| l.value),
        "max_inclusive": iv.max.map(|l| l.inclusive),
    })
}

fn citation(p: &Policy, r: &Rule) -> J {
    json!({
        "document": p.meta.id,
        "title": p.meta.title,
        "issuer": p.meta.issuer,
        "document_number": p.meta.document_number,
        "published": p.meta.published,
        "location": r.location,
        "clause": r.clause,
        "quote": r.quote,
        "source": p.meta.source,
    })
}

/// The JSON form of one finding.
pub fn finding_json(plan: &Plan, f: &Finding, lang: Lang) -> J {
    let Some((p, r)) = plan.rule(f.rule) else {
        return J::Null;
    };
    let unit = match &r.shape {
        Shape::Share { .. } => Some(field::Unit::Percent),
        Shape::Tally { .. } => Some(field::Unit::Count),
        _ => f.measure.map(|m| m.def().unit),
    };
    let required = f.required.as_ref().map(|req| {
        let mut o = Map::new();
        if let Some(iv) = &req.interval {
            if let J::Object(m) = interval_json(iv) {
                o.extend(m);
            }
        }
        if let Some(e) = &req.exact {
            o.insert("exact".into(), interval_json(e));
        }
        if let (Some(oc), Some(m)) = (&req.outcome, r.shape.measure()) {
            o.insert(
                "outcome".into(),
                json!(oc
                    .iter()
                    .filter_map(|x| m.def().values.get(usize::from(*x)).map(|v| v.0))
                    .collect::<Vec<_>>()),
            );
        }
        if !req.options.is_empty() {
            o.insert(
                "options".into(),
                json!(req
                    .options
                    .iter()
                    .map(|(f, v)| json!({"field": f, "value": v}))
                    .collect::<Vec<_>>()),
            );
        }
        o.insert(
            "basis".into(),
            serde_json::to_value(&req.basis).unwrap_or(J::Null),
        );
        o.insert("text".into(), json!(lang::requirement_text(plan, f, lang)));
        J::Object(o)
    });
    let remedy = f.remedy.as_ref().map(|rm| {
        json!({
            "action": rm.action,
            "field": rm.field,
            "amount": rm.amount,
            "to": rm.to,
            "unit": rm.field.def().unit,
            "parts": rm.parts.map(|(a, b)| [a, b]),
            "outcome": rm.outcome.as_ref().map(|o| o.iter().filter_map(|x| rm.field.def().values.get(usize::from(*x)).map(|v| v.0)).collect::<Vec<_>>()),
            "strictly_more": rm.strictly_more,
            "text": lang::remedy_text(rm, lang),
        })
    });
    let actual = match (f.actual_outcome, r.shape.measure()) {
        (Some(o), Some(m)) => json!(m.def().values.get(usize::from(o)).map(|v| v.0)),
        _ => json!(f.actual),
    };
    let grade = (f.status == Status::Fail).then(|| r.strength.grade().name());
    let mut o = json!({
        "policy": p.meta.id,
        "rule": r.id,
        "clause": r.clause,
        "title": match lang { Lang::Zh => r.title.clone(), Lang::En => r.title_en.clone().or_else(|| r.title.clone()) },
        "kind": r.kind,
        "status": f.status,
        "reason": f.reason.as_ref().map(|x| json!({"code": x.code(), "text": lang::reason_text(x, lang)})),
        "strength": r.strength,
        "word": r.word,
        "grade": grade,
        "measure": f.measure,
        "unit": unit,
        "actual": actual,
        "required": required,
        "shortfall": f.shortfall,
        "remedy": remedy,
        "missing": f.missing,
        "notes": f.notes,
        "replaces": f.replaces.as_deref(),
        "message": lang::message(plan, f, lang),
        "citation": citation(p, r),
    });
    if let (Some(g), J::Object(m)) = (&f.group, &mut o) {
        m.insert("group".into(), json!(g));
    }
    if let (Some(c), J::Object(m)) = (f.counted, &mut o) {
        m.insert("counted".into(), json!(c));
    }
    o
}

fn fen_json(f: Fen) -> J {
    json!({"fen": f.0, "yuan": f.to_string().replace(',', "")})
}

/// The JSON form of one obligation.
pub fn obligation_json(plan: &Plan, ob: &Obligation, lang: Lang) -> J {
    let Some((p, r)) = plan.rule(ob.rule) else {
        return J::Null;
    };
    let Shape::Money(m) = &r.shape else {
        return J::Null;
    };
    let lines: Vec<J> = ob
        .lines
        .iter()
        .map(|l| {
            let c = m.components.get(l.component);
            json!({
                "component": c.map(|c| c.id.clone()),
                "name": c.map(|c| match lang { Lang::Zh => c.name.clone(), Lang::En => c.name_en.clone().unwrap_or_else(|| c.name.clone()) }),
                "amount": fen_json(l.amount),
                "base": c.and_then(|c| c.rate.map(|x| x.2)),
                "base_value": l.base_value,
                "rounded": l.rounded,
                "paid": l.paid.map(fen_json),
                "excess": l.excess.map(fen_json),
                "shortfall": l.shortfall.map(fen_json),
            })
        })
        .collect();
    let shares: Vec<J> = m
        .payers
        .iter()
        .enumerate()
        .map(|(i, py)| {
            json!({
                "payer": py.id,
                "name": match lang { Lang::Zh => py.name.clone(), Lang::En => py.name_en.clone().unwrap_or_else(|| py.name.clone()) },
                "share": py.share,
                "amount": ob.shares.get(i).copied().map(fen_json),
                "amount_with_excess": ob.shares_with_excess.get(i).copied().map(fen_json),
            })
        })
        .collect();
    json!({
        "policy": p.meta.id,
        "rule": r.id,
        "clause": r.clause,
        "title": match lang { Lang::Zh => r.title.clone(), Lang::En => r.title_en.clone().or_else(|| r.title.clone()) },
        "status": ob.status,
        "reason": ob.reason.as_ref().map(|x| json!({"code": x.code(), "text": lang::reason_text(x, lang)})),
        "period": m.period,
        "total": ob.total.map(fen_json),
        "lines": lines,
        "shares": shares,
        "remainder": m.remainder,
        "missing": ob.missing,
        "message": lang::obligation_text(plan, ob, lang),
        "citation": citation(p, r),
    })
}

fn policy_json(p: &Policy, as_of: Date) -> J {
    json!({
        "id": p.meta.id,
        "title": p.meta.title,
        "title_en": p.meta.title_en,
        "issuer": p.meta.issuer,
        "document_number": p.meta.document_number,
        "published": p.meta.published,
        "status": p.meta.status,
        "in_force": p.meta.in_force_on(as_of),
        "as_of": as_of,
        "jurisdiction": p.meta.jurisdiction,
        "source": p.meta.source,
    })
}

fn status_counts<'a>(it: impl Iterator<Item = &'a Finding>) -> J {
    let mut m: BTreeMap<&'static str, usize> = Status::ALL.iter().map(|s| (s.name(), 0)).collect();
    for f in it {
        *m.entry(f.status.name()).or_insert(0) += 1;
    }
    json!(m)
}

/// The whole JSON report.
pub fn to_json(plan: &Plan, roster: &Roster, ev: &Evaluation, lang: Lang) -> J {
    let mut communities = Vec::new();
    for (i, (rec, res)) in roster.records.iter().zip(ev.results.iter()).enumerate() {
        let meta = roster.rows.get(i);
        let mut input = Map::new();
        for (fi, _) in FIELDS.iter().enumerate() {
            let f = field::FieldId(fi as u16);
            if let Some(v) = rec.get(f) {
                input.insert(
                    f.name().to_string(),
                    serde_json::to_value(JsonVal::of(f, v)).unwrap_or(J::Null),
                );
            }
        }
        let extra: Map<String, J> = meta
            .map(|m| m.extra.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
            .unwrap_or_default();
        communities.push(json!({
            "index": i + 1,
            "line": meta.map(|m| m.line),
            "name": rec.name(),
            "subject": rec.subject(),
            "input": input,
            "extra": extra,
            "summary": status_counts(res.findings.iter()),
            "data_issues": ev.data_issues.iter().filter(|d| d.record == i + 1).map(|d| json!({
                "code": d.code,
                "fields": d.fields,
                "message": d.message(lang),
            })).collect::<Vec<_>>(),
            "findings": res.findings.iter().map(|f| finding_json(plan, f, lang)).collect::<Vec<_>>(),
            "obligations": res.obligations.iter().map(|o| obligation_json(plan, o, lang)).collect::<Vec<_>>(),
        }));
    }
    json!({
        "shequ": env!("CARGO_PKG_VERSION"),
        "report_version": REPORT_VERSION,
        "as_of": ev.as_of,
        "lang": lang,
        "allow_not_in_force": ev.allow_not_in_force,
        "policies": plan.policies().iter().map(|p| policy_json(p, ev.as_of)).collect::<Vec<_>>(),
        "communities": communities,
        "roster": {
            "findings": ev.roster.iter().map(|f| finding_json(plan, f, lang)).collect::<Vec<_>>(),
            "obligations": obligation_totals(plan, ev, lang),
        },
        "summary": {
            "records": roster.records.len(),
            "findings": status_counts(ev.results.iter().flat_map(|r| r.findings.iter())),
            "roster_findings": status_counts(ev.roster.iter()),
        },
    })
}

/// Totals of every money rule over the roster, per payer; records with missing data are
/// counted apart, never as zero.
pub fn obligation_totals(plan: &Plan, ev: &Evaluation, lang: Lang) -> Vec<J> {
    let mut out = Vec::new();
    for rr in plan.rule_refs() {
        let Some((p, r)) = plan.rule(rr) else {
            continue;
        };
        let Shape::Money(m) = &r.shape else { continue };
        // 128-bit sums: a roster of a million communities cannot overflow them
        let mut total = 0i128;
        let mut shares = vec![0i128; m.payers.len()];
        let mut with_excess = vec![0i128; m.payers.len()];
        let (mut counted, mut underpaid, mut missing, mut not_applicable) =
            (0usize, 0usize, 0usize, 0usize);
        for res in &ev.results {
            for ob in res.obligations.iter().filter(|o| o.rule == rr) {
                match (ob.status, ob.total) {
                    (Status::Pass | Status::Fail, Some(t)) => {
                        counted += 1;
                        if ob.status == Status::Fail {
                            underpaid += 1;
                        }
                        total += i128::from(t.0);
                        for (x, s) in shares.iter_mut().zip(ob.shares.iter()) {
                            *x += i128::from(s.0);
                        }
                        for (x, s) in with_excess.iter_mut().zip(ob.shares_with_excess.iter()) {
                            *x += i128::from(s.0);
                        }
                    }
                    (Status::MissingData, _) => missing += 1,
                    _ => not_applicable += 1,
                }
            }
        }
        if counted + missing + not_applicable == 0 {
            continue;
        }
        out.push(json!({
            "policy": p.meta.id,
            "rule": r.id,
            "clause": r.clause,
            "title": match lang { Lang::Zh => r.title.clone(), Lang::En => r.title_en.clone().or_else(|| r.title.clone()) },
            "communities_counted": counted,
            "communities_underpaid": underpaid,
            "communities_missing_data": missing,
            "communities_not_applicable": not_applicable,
            "total": big_fen_json(total),
            "shares": m.payers.iter().zip(shares.iter().zip(with_excess.iter())).map(|(py, (s, e))| json!({
                "payer": py.id,
                "name": match lang { Lang::Zh => py.name.clone(), Lang::En => py.name_en.clone().unwrap_or_else(|| py.name.clone()) },
                "amount": big_fen_json(*s),
                "amount_with_excess": big_fen_json(*e),
            })).collect::<Vec<_>>(),
        }));
    }
    out
}

/// A sum of fen as JSON: the fen as a number when it fits in 64 bits (else as a string),
/// and the yuan as an exact decimal string.
fn big_fen_json(f: i128) -> J {
    let fen = i64::try_from(f).map_or_else(|_| json!(f.to_string()), |v| json!(v));
    json!({"fen": fen, "yuan": big_yuan(f, false)})
}

/// Fen as yuan with two decimals, optionally with thousands separators.
pub fn big_yuan(f: i128, grouped: bool) -> String {
    let neg = f < 0;
    let v = f.unsigned_abs();
    let digits = (v / 100).to_string();
    let mut int = String::new();
    for (i, c) in digits.chars().enumerate() {
        if grouped && i > 0 && (digits.len() - i) % 3 == 0 {
            int.push(',');
        }
        int.push(c);
    }
    format!("{}{int}.{:02}", if neg { "-" } else { "" }, v % 100)
}

/// Column names of the long CSV table.
pub const CSV_COLUMNS: &[&str] = &[
    "record",
    "line",
    "name",
    "kind",
    "policy",
    "rule",
    "clause",
    "status",
    "reason",
    "strength",
    "grade",
    "measure",
    "actual",
    "required",
    "shortfall",
    "remedy",
    "message",
    "quote",
];

/// The long CSV table: one row per finding and per obligation, then the roster findings.
pub fn to_csv(plan: &Plan, roster: &Roster, ev: &Evaluation, lang: Lang) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(CSV_COLUMNS);
    let mut row = |rec: &str,
                   line: &str,
                   name: &str,
                   kind: &str,
                   f: Option<&Finding>,
                   ob: Option<&Obligation>| {
        let (rr, status) = match (f, ob) {
            (Some(f), _) => (f.rule, f.status),
            (_, Some(o)) => (o.rule, o.status),
            _ => return,
        };
        let Some((p, r)) = plan.rule(rr) else { return };
        let (reason, grade, measure, actual, required, shortfall, remedy, message) = match (f, ob) {
            (Some(f), _) => (
                f.reason
                    .as_ref()
                    .map(|x| x.code().to_string())
                    .unwrap_or_default(),
                if f.status == Status::Fail {
                    r.strength.grade().name().to_string()
                } else {
                    String::new()
                },
                f.measure.map(|m| m.name().to_string()).unwrap_or_default(),
                match (f.actual_outcome, r.shape.measure()) {
                    (Some(o), Some(m)) => m
                        .def()
                        .values
                        .get(usize::from(o))
                        .map_or(String::new(), |v| v.0.to_string()),
                    _ => f.actual.map(|a| a.to_decimal(4)).unwrap_or_default(),
                },
                lang::requirement_text(plan, f, lang),
                f.shortfall.map(|a| a.to_decimal(4)).unwrap_or_default(),
                f.remedy
                    .as_ref()
                    .map(|x| lang::remedy_text(x, lang))
                    .unwrap_or_default(),
                lang::message(plan, f, lang),
            ),
            (_, Some(o)) => (
                o.reason
                    .as_ref()
                    .map(|x| x.code().to_string())
                    .unwrap_or_default(),
                String::new(),
                "money".to_string(),
                o.total
                    .map(|t| t.to_string().replace(',', ""))
                    .unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
                lang::obligation_text(plan, o, lang),
            ),
            _ => return,
        };
        let _ = w.write_record([
            rec,
            line,
            name,
            kind,
            &p.meta.id.0,
            &r.id.0,
            &r.clause,
            status.name(),
            &reason,
            r.strength.name(),
            &grade,
            &measure,
            &actual,
            &required,
            &shortfall,
            &remedy,
            &message,
            &r.quote,
        ]);
    };
    for (i, res) in ev.results.iter().enumerate() {
        let rec = roster.records.get(i);
        let name = rec.and_then(|r| r.name()).unwrap_or("");
        let line = roster
            .rows
            .get(i)
            .map(|m| m.line.to_string())
            .unwrap_or_default();
        let idx = (i + 1).to_string();
        for f in &res.findings {
            row(&idx, &line, name, "finding", Some(f), None);
        }
        for o in &res.obligations {
            row(&idx, &line, name, "obligation", None, Some(o));
        }
    }
    for f in &ev.roster {
        let name = f.group.clone().unwrap_or_default();
        row("roster", "", &name, "roster", Some(f), None);
    }
    for d in &ev.data_issues {
        let fields: Vec<&str> = d.fields.iter().map(|f| f.name()).collect();
        let _ = w.write_record([
            &d.record.to_string(),
            &d.line.to_string(),
            d.name.as_deref().unwrap_or(""),
            "data_issue",
            "",
            d.code,
            "",
            "",
            "",
            "",
            "",
            &fields.join(" "),
            "",
            "",
            "",
            "",
            d.message(lang),
            "",
        ]);
    }
    // money totals over the roster, one row per money rule
    for t in obligation_totals(plan, ev, lang) {
        let text = |path: &str| {
            t.pointer(path)
                .and_then(J::as_str)
                .unwrap_or("")
                .to_string()
        };
        let shares: Vec<String> = t
            .get("shares")
            .and_then(J::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| {
                        format!(
                            "{} {}",
                            x.pointer("/name").and_then(J::as_str).unwrap_or(""),
                            x.pointer("/amount_with_excess/yuan")
                                .and_then(J::as_str)
                                .unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (clause, quote) = plan
            .rule_refs()
            .filter_map(|rr| plan.rule(rr))
            .find(|(p, r)| p.meta.id.0 == text("/policy") && r.id.0 == text("/rule"))
            .map(|(_, r)| (r.clause.clone(), r.quote.clone()))
            .unwrap_or_default();
        let _ = w.write_record([
            "roster",
            "",
            "",
            "obligation_total",
            &text("/policy"),
            &text("/rule"),
            &clause,
            "",
            "",
            "",
            "",
            "money",
            &text("/total/yuan"),
            "",
            "",
            "",
            &shares.join("; "),
            &quote,
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Ambiguous => "?",
        Status::NotApplicable => "–",
        Status::MissingData => "…",
    }
}

/// The readable text report.
pub fn to_table(plan: &Plan, roster: &Roster, ev: &Evaluation, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let _ = writeln!(s, "{} {}", if zh { "评估日期" } else { "as of" }, ev.as_of);
    for p in plan.policies() {
        let force = if p.meta.in_force_on(ev.as_of) {
            if zh {
                "有效"
            } else {
                "in force"
            }
        } else if zh {
            "未生效/失效"
        } else {
            "not in force"
        };
        let (title, issuer) = match lang {
            Lang::Zh => (p.meta.title.as_str(), p.meta.issuer.as_str()),
            Lang::En => (
                p.meta.title_en.as_deref().unwrap_or(&p.meta.title),
                p.meta.issuer_en.as_deref().unwrap_or(&p.meta.issuer),
            ),
        };
        let _ = writeln!(
            s,
            "  {} · {title} · {issuer} {} · {force}",
            p.meta.id, p.meta.published
        );
    }
    let _ = writeln!(s);
    for (i, res) in ev.results.iter().enumerate() {
        let rec = roster.records.get(i);
        let name =
            rec.and_then(|r| r.name())
                .unwrap_or(if zh { "(未命名)" } else { "(unnamed)" });
        let line = roster.rows.get(i).map(|m| m.line).unwrap_or(0);
        let counts = |st: Status| res.findings.iter().filter(|f| f.status == st).count();
        let _ = writeln!(
            s,
            "== {}. {name} ({} {line}) — {} {} · {} {} · {} {} · {} {} ==",
            i + 1,
            if zh { "行" } else { "line" },
            icon(Status::Pass),
            counts(Status::Pass),
            icon(Status::Fail),
            counts(Status::Fail),
            icon(Status::Ambiguous),
            counts(Status::Ambiguous),
            icon(Status::MissingData),
            counts(Status::MissingData),
        );
        for f in &res.findings {
            write_finding(&mut s, plan, f, lang);
        }
        for d in ev.data_issues.iter().filter(|d| d.record == i + 1) {
            let _ = writeln!(
                s,
                "  ⚠ {}: {}",
                if zh { "数据疑点" } else { "data issue" },
                d.message(lang)
            );
        }
        for o in &res.obligations {
            let Some((p, r)) = plan.rule(o.rule) else {
                continue;
            };
            let title = if zh {
                r.title.clone()
            } else {
                r.title_en.clone().or_else(|| r.title.clone())
            };
            let _ = writeln!(
                s,
                "  ¥ {}/{} [{}] {}: {}",
                p.meta.id,
                r.id,
                r.clause,
                title.unwrap_or_default(),
                lang::obligation_text(plan, o, lang)
            );
        }
        let _ = writeln!(s);
    }
    if !ev.roster.is_empty() {
        let _ = writeln!(
            s,
            "== {} ==",
            if zh {
                "全域指标(按整个名单计算)"
            } else {
                "roster-level rules (over the whole input)"
            }
        );
        for f in &ev.roster {
            write_finding(&mut s, plan, f, lang);
        }
        for t in obligation_totals(plan, ev, lang) {
            let text = |v: &J, path: &str| {
                v.pointer(path)
                    .and_then(J::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let count = |v: &J, path: &str| v.pointer(path).and_then(J::as_u64).unwrap_or(0);
            let shares: Vec<String> = t
                .get("shares")
                .and_then(J::as_array)
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            format!(
                                "{} {}",
                                text(x, "/name"),
                                grouped(&text(x, "/amount_with_excess/yuan"))
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  ¥ {}/{} {}: {} {} ({} {}, {} {}) — {}",
                text(&t, "/policy"),
                text(&t, "/rule"),
                if zh { "合计" } else { "total" },
                grouped(&text(&t, "/total/yuan")),
                if zh { "元" } else { "yuan" },
                count(&t, "/communities_counted"),
                if zh {
                    "个社区计入"
                } else {
                    "communities counted"
                },
                count(&t, "/communities_missing_data"),
                if zh { "个缺数据" } else { "missing data" },
                shares.join(", "),
            );
        }
    }
    s
}

/// `515000.00` → `515,000.00`.
fn grouped(yuan: &str) -> String {
    let (int, frac) = yuan.split_once('.').unwrap_or((yuan, "00"));
    let (neg, int) = int.strip_prefix('-').map_or((false, int), |x| (true, x));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}.{frac}", if neg { "-" } else { "" })
}

fn write_finding(s: &mut String, plan: &Plan, f: &Finding, lang: Lang) {
    let Some((p, r)) = plan.rule(f.rule) else {
        return;
    };
    let grade = if f.status == Status::Fail {
        format!(" {}", lang::grade_label(r.strength.grade(), lang))
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "  {} {}/{} [{}] {}{}{}: {}",
        icon(f.status),
        p.meta.id,
        r.id,
        r.clause,
        lang::strength_label(r.strength, lang),
        lang::word_mark(&r.word),
        grade,
        lang::message(plan, f, lang)
    );
    if matches!(f.status, Status::Fail | Status::Ambiguous) {
        let q: String = r.quote.chars().take(90).collect();
        let more = if r.quote.chars().count() > 90 {
            "…"
        } else {
            ""
        };
        let _ = writeln!(s, "      「{q}{more}」 — {} {}", p.meta.title, r.location);
        if let Some(rd) = r.reading.as_ref().filter(|_| f.status == Status::Ambiguous) {
            let _ = writeln!(
                s,
                "      {}: {rd}",
                if lang == Lang::Zh {
                    "解读"
                } else {
                    "reading"
                }
            );
        }
    }
}
