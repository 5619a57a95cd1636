//! # shequ-wasm
//!
//! shequ for browsers and Node, built as two WebAssembly modules from this crate: the
//! *form* module (default features: the bundled policies, [`Plan::compile`] and
//! [`Plan::check`]) and the *editor* module (`--features editor`, which adds `lint`).
//! `scripts/build-wasm.sh` builds both and assembles the npm package `shequ`
//! (`bindings-wasm/pkg/`), with `shequ` and `shequ/editor` as its entry points.
//!
//! This crate only converts: every rule, message and JSON shape comes from the core
//! crate (`shequ::report::finding_json` is the same JSON as `shequ check --format json`).
//!
//! Errors follow one convention:
//! * expected failures (an unknown policy id, a date or a value that does not parse, a
//!   field shequ does not know) are *returned* as `{ok: false, errors: [...]}`;
//! * misuse (arguments of the wrong type) *throws* a JavaScript `TypeError`;
//! * a bug that panics prints its message with `console.error` (the panic hook) before
//!   the module traps.
//!
//! The placeholder API here proves the build pipeline; the report API replaces it.

use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// Serializes to plain JavaScript values (objects, not `Map`s; numbers, not `BigInt`s).
fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            js_sys::Error::new(&format!("cannot convert a result for JavaScript: {e}")).into()
        })
}

/// A `TypeError`, the exception for misuse.
fn type_error(msg: &str) -> JsValue {
    js_sys::TypeError::new(msg).into()
}

/// Installs the panic hook (once): a panic's message goes to `console.error` before the
/// module traps. Every entry point calls it first (a `start` function would be exported
/// to JavaScript as `start`).
fn hook() {
    console_error_panic_hook::set_once();
}

/// One bundled policy document.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct PolicyInfo {
    /// The policy id, e.g. `xian-2023` (what `Plan.compile` takes).
    pub id: String,
    /// The document's title, as published.
    pub title: String,
    /// Who issued it.
    pub issuer: String,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Whether the document is in force.
    #[tsify(type = "\"draft\" | \"in_force\" | \"repealed\" | \"expired\"")]
    pub status: String,
    /// The ids of its rules, in file order.
    pub rules: Vec<String>,
}

impl PolicyInfo {
    fn of(p: &shequ::Policy) -> PolicyInfo {
        PolicyInfo {
            id: p.meta.id.0.clone(),
            title: p.meta.title.clone(),
            issuer: p.meta.issuer.clone(),
            published: p.meta.published.to_string(),
            status: p.meta.status.name().to_string(),
            rules: p.rules.iter().map(|r| r.id.0.clone()).collect(),
        }
    }
}

/// Every policy bundled with shequ, sorted by id.
#[wasm_bindgen]
pub fn policies() -> Result<Vec<Ts<PolicyInfo>>, JsValue> {
    hook();
    let all = shequ::bundled::all().map_err(|e| js_sys::Error::new(&e.to_string()))?;
    all.iter()
        .map(|p| to_js(&PolicyInfo::of(p)).map(Ts::new_unchecked))
        .collect()
}

/// Options of `Plan.compile`.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CompileOptions {
    /// The date at which dated values and the force of documents are judged,
    /// `YYYY-MM-DD`.
    pub as_of: String,
}

/// An expected failure: something in the data, not in the calling code.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Problem {
    /// A stable code: `unknown-policy`, `policy`, `invalid-date`, `unknown-field`,
    /// `invalid-value`.
    pub code: String,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The input key it is about (`check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub field: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub help: Option<String>,
}

impl Problem {
    fn new(code: &str, message: String) -> Problem {
        Problem {
            code: code.to_string(),
            message,
            field: None,
            help: None,
        }
    }
}

/// The failure half of every result: `{ok: false, errors}`.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Failure {
    #[tsify(type = "false")]
    pub ok: bool,
    pub errors: Vec<Problem>,
}

impl Failure {
    fn js(errors: Vec<Problem>) -> Result<JsValue, JsValue> {
        to_js(&Failure { ok: false, errors })
    }
}

/// A successful `plan.check`: `{ok: true, findings}`.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Checked {
    #[tsify(type = "true")]
    pub ok: bool,
    /// One finding per rule, in plan order.
    #[tsify(type = "Finding[]")]
    pub findings: Vec<serde_json::Value>,
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** The result of `Plan.compile`. */
export type CompileResult = { ok: true; plan: Plan } | Failure;

/** The result of `plan.check`. */
export type CheckResult = Checked | Failure;

/**
 * A community (or other record) to check: English field ids (or the Chinese headers of a
 * roster) mapped to values. Numbers are read as written, strings are parsed as a roster
 * cell is (`"6200"`, `"60%"`, `"是"`), `null`/`undefined` mean missing.
 */
export type Community = { [field: string]: number | string | boolean | null | undefined };

/** A verdict. */
export type Status = "pass" | "fail" | "ambiguous" | "not_applicable" | "missing_data";

/**
 * One finding: the JSON form of a finding in `shequ check --format json` (report
 * version 1), messages in Chinese. Only the most used keys are typed here.
 */
export interface Finding {
    policy: string;
    rule: string;
    clause: string | null;
    title: string | null;
    kind: string;
    status: Status;
    strength: string;
    grade: string | null;
    measure: string | null;
    unit: string | null;
    actual: number | string | boolean | null;
    shortfall: number | null;
    missing: string[];
    message: string;
    [key: string]: unknown;
}
"#;

/// A compiled plan over some bundled policies, judged at one date.
#[wasm_bindgen]
pub struct Plan {
    plan: shequ::Plan,
    opts: shequ::Options,
    /// Reused by every `check`, so that a form re-checked on each keystroke allocates
    /// little.
    record: shequ::Record,
    result: shequ::RecordResult,
}

#[wasm_bindgen]
impl Plan {
    /// Compiles the bundled policies with these ids (each preceded by the policies it
    /// builds on) into a plan judged at `opts.asOf`. An unknown id or a bad date is
    /// returned as `{ok: false, errors}`; arguments of the wrong type throw a `TypeError`.
    #[wasm_bindgen(unchecked_return_type = "CompileResult")]
    pub fn compile(
        #[wasm_bindgen(unchecked_param_type = "string[]")] ids: JsValue,
        opts: Ts<CompileOptions>,
    ) -> Result<JsValue, JsValue> {
        hook();
        let ids = string_array(&ids)?;
        let opts = opts.to_rust().map_err(|e| {
            let why =
                std::error::Error::source(&e).map_or_else(|| e.to_string(), |s| s.to_string());
            type_error(&format!(
                "Plan.compile expects options such as `{{asOf: \"2024-06-30\"}}`: {why}"
            ))
        })?;
        let Some(as_of) = shequ::Date::parse(&opts.as_of) else {
            let mut p = Problem::new("invalid-date", format!("`{}` is not a date", opts.as_of));
            p.help = Some("write the date as YYYY-MM-DD, e.g. 2024-06-30".into());
            return Failure::js(vec![p]);
        };
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        match shequ::bundled::plan(&refs) {
            Ok(plan) => {
                let plan = Plan {
                    plan,
                    opts: shequ::Options::at(as_of),
                    record: shequ::Record::new(),
                    result: shequ::RecordResult::default(),
                };
                let out = js_sys::Object::new();
                js_sys::Reflect::set(&out, &"ok".into(), &JsValue::TRUE)?;
                js_sys::Reflect::set(&out, &"plan".into(), &JsValue::from(plan))?;
                Ok(out.into())
            }
            Err(shequ::Error::UnknownPolicy { id, known }) => {
                let mut p = Problem::new(
                    "unknown-policy",
                    format!("no bundled policy has the id `{id}`"),
                );
                p.help = Some(format!("bundled: {}", known.join(", ")));
                Failure::js(vec![p])
            }
            Err(shequ::Error::Policy(diags)) => Failure::js(
                diags
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| {
                        let mut p = Problem::new("policy", d.to_string());
                        p.help.clone_from(&d.help);
                        p
                    })
                    .collect(),
            ),
            Err(e) => Failure::js(vec![Problem::new("policy", e.to_string())]),
        }
    }

    /// Checks one community against the plan. Keys are English field ids (or Chinese
    /// headers); a key or value shequ cannot read is returned as `{ok: false, errors}`
    /// (all of them at once); a `community` that is not an object, or a value that is not a
    /// number, string, boolean or null, throws a `TypeError`.
    #[wasm_bindgen(unchecked_return_type = "CheckResult")]
    pub fn check(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Community")] community: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !community.is_object() || js_sys::Array::is_array(&community) {
            return Err(type_error(
                "check expects an object of field values, such as `{households: 6200}`",
            ));
        }
        self.record.reset();
        let mut errors = Vec::new();
        for entry in js_sys::Object::entries(community.unchecked_ref()).iter() {
            let key = js_sys::Reflect::get_u32(&entry, 0)?
                .as_string()
                .unwrap_or_default();
            let value = js_sys::Reflect::get_u32(&entry, 1)?;
            let Some(text) = cell_text(&key, &value)? else {
                continue;
            };
            let Some(field) = shequ::field::lookup(&key) else {
                let mut p = Problem::new(
                    "unknown-field",
                    format!("`{key}` is not a field shequ knows"),
                );
                p.field = Some(key.clone());
                p.help = shequ::field::suggest(&key).map(|s| format!("did you mean `{s}`?"));
                errors.push(p);
                continue;
            };
            match shequ::Record::parse_value(field, &text) {
                Ok(Some(v)) => self.record.set(field, v),
                Ok(None) => {}
                Err(e) => {
                    let mut p = Problem::new("invalid-value", e.to_string());
                    p.field = Some(key);
                    errors.push(p);
                }
            }
        }
        if !errors.is_empty() {
            return Failure::js(errors);
        }
        self.plan
            .evaluate_into(&self.record, &self.opts, &mut self.result);
        let findings = self
            .result
            .findings
            .iter()
            .map(|f| shequ::report::finding_json(&self.plan, f, shequ::report::Style::default()))
            .collect();
        to_js(&Checked { ok: true, findings })
    }

    /// The ids of the policies in the plan, in evaluation order (the policies asked for
    /// and those they build on).
    #[wasm_bindgen(getter)]
    pub fn policies(&self) -> Vec<String> {
        self.plan
            .policies()
            .iter()
            .map(|p| p.meta.id.0.clone())
            .collect()
    }

    /// The date the plan judges at, `YYYY-MM-DD`.
    #[wasm_bindgen(getter, js_name = asOf)]
    pub fn as_of(&self) -> String {
        self.opts.as_of.to_string()
    }
}

/// The strings of a JavaScript array of strings, or a `TypeError`.
fn string_array(v: &JsValue) -> Result<Vec<String>, JsValue> {
    let misuse =
        || type_error("Plan.compile expects an array of policy ids, such as `[\"xian-2023\"]`");
    if !js_sys::Array::is_array(v) {
        return Err(misuse());
    }
    js_sys::Array::from(v)
        .iter()
        .map(|x| x.as_string().ok_or_else(misuse))
        .collect()
}

/// The text of one input value as a roster cell would hold it; `None` for missing.
fn cell_text(key: &str, v: &JsValue) -> Result<Option<String>, JsValue> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(s));
    }
    if let Some(b) = v.as_bool() {
        return Ok(Some(b.to_string()));
    }
    if let Some(n) = v.as_f64() {
        // `f64`'s `Display` never uses an exponent, so every finite number reads back
        // exactly as the core parses roster cells; NaN and ±∞ are refused there.
        return Ok(Some(n.to_string()));
    }
    Err(type_error(&format!(
        "the value of `{key}` must be a number, a string, a boolean or null"
    )))
}

#[cfg(feature = "editor")]
mod editor {
    use super::to_js;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(typescript_custom_section)]
    const TS_DIAGNOSTIC: &'static str = r#"
/** One thing the compiler or linter found in a policy file (as `shequ lint --format json`). */
export interface Diagnostic {
    code: string;
    severity: "error" | "warning" | "note";
    policy: string | null;
    rule: string | null;
    file: string;
    line: number;
    column: number;
    message: string;
    help: string | null;
}
"#;

    /// Lints the text of one policy file (TOML) as `policy.toml`; quotes are not checked
    /// against a source text. Always returns the diagnostics, errors among them.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn lint(text: &str) -> Result<JsValue, JsValue> {
        super::hook();
        let (_, diags) = shequ::lint::lint(text, "policy.toml", None);
        to_js(&diags)
    }
}
