//! From the policy file as written ([`crate::raw`]) to the checked model
//! ([`crate::model`]). Every problem becomes a [`Diagnostic`] with a line and column; a
//! file with errors yields no policy.

use std::collections::HashSet;
use std::ops::Range;

use toml::Spanned;

use crate::date::Date;
use crate::diag::{Code, Diagnostic, LineIndex, Severity};
use crate::field::{self, FieldId, Subject, Unit};
use crate::model::Interval;
use crate::model::*;
use crate::money::Remainder;
use crate::num::Num;
use crate::raw::*;
use crate::words::{self, Reading, Side, Strength};

/// The rule kinds a policy file may use.
pub const KINDS: &[&str] = &[
    "range",
    "minimum",
    "maximum",
    "schedule",
    "rate",
    "ratio",
    "count",
    "preferred",
    "tier",
    "decision",
    "money",
    "share",
    "tally",
];

/// Reasons a clause may be recorded as not checkable.
pub const NOT_CHECKABLE_REASONS: &[&str] = &[
    "qualitative",
    "procedural",
    "needs_external_parameter",
    "needs_geodata",
    "frequency",
    "data",
    "covered_elsewhere",
];

/// Keys every rule may have.
pub const COMMON_KEYS: &[&str] = &[
    "id",
    "clause",
    "location",
    "kind",
    "title",
    "title_en",
    "subject",
    "strength",
    "word",
    "quote",
    "reading",
    "reading_en",
    "when",
    "overrides",
];

/// The keys a rule of a kind may have besides [`COMMON_KEYS`].
pub fn allowed_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "range" | "minimum" | "maximum" => &[
            "measure",
            "unit",
            "min",
            "max",
            "remedy",
            "aggregate",
            "over",
        ],
        "schedule" => &[
            "measure",
            "unit",
            "min",
            "max",
            "steps",
            "growth",
            "aggregate",
            "over",
        ],
        "rate" => &[
            "measure",
            "unit",
            "base",
            "per",
            "min",
            "max",
            "steps",
            "growth",
            "aggregate",
            "over",
        ],
        "ratio" => &[
            "measure",
            "base",
            "min",
            "max",
            "steps",
            "growth",
            "aggregate",
            "over",
        ],
        "count" => &["measure", "unit", "base", "min", "max"],
        "preferred" => &["options"],
        "tier" => &["by", "measure", "unit", "tiers", "overlap"],
        "decision" => &["measure", "cases"],
        "money" => &[
            "components",
            "payers",
            "remainder",
            "excess_payer",
            "period",
        ],
        "share" => &[
            "of_rule", "of_field", "group_by", "min", "max", "steps", "over",
        ],
        "tally" => &["group_by", "min", "max", "steps", "over"],
        _ => &[],
    }
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    idx: LineIndex,
    diags: Vec<Diagnostic>,
    policy: Option<String>,
    rule: Option<String>,
    reading: Reading,
    overlap: Overlap,
}

impl<'a> Ctx<'a> {
    fn pos(&self, span: &Range<usize>) -> Pos {
        self.idx.pos(self.text, span.start)
    }

    fn push(
        &mut self,
        code: Code,
        sev: Severity,
        span: &Range<usize>,
        message: String,
        help: Option<String>,
    ) {
        let p = self.pos(span);
        self.diags.push(Diagnostic {
            code,
            severity: sev,
            policy: self.policy.clone(),
            rule: self.rule.clone(),
            file: self.file.to_string(),
            line: p.line,
            column: p.column,
            message,
            help,
        });
    }

    fn err(&mut self, code: Code, span: &Range<usize>, message: String, help: Option<String>) {
        self.push(code, Severity::Error, span, message, help);
    }

    fn num(&mut self, raw: &Spanned<RawNum>, what: &str) -> Option<Num> {
        let v = match raw.get_ref() {
            RawNum::Int(i) => Some(Num::int(*i)),
            RawNum::Float(f) => Num::from_f64_decimal(*f),
            RawNum::Text(t) => parse_num_text(t),
        };
        if v.is_none() {
            self.err(
                Code::InvalidValue,
                &raw.span(),
                format!("{what} is not a number"),
                Some(
                    "write a number such as `1500`, `0.6`, `\"60%\"`, `\"3‰\"` or `\"2/3\"`".into(),
                ),
            );
        }
        v
    }

    fn date(&mut self, raw: &Spanned<RawDate>, what: &str) -> Option<Date> {
        let text = match raw.get_ref() {
            RawDate::Toml(dt) => dt.to_string(),
            RawDate::Text(t) => t.clone(),
        };
        let d = Date::parse(&text);
        if d.is_none() {
            self.err(
                Code::InvalidValue,
                &raw.span(),
                format!("{what} `{text}` is not a date"),
                Some("write a date as `2023-12-13`".into()),
            );
        }
        d
    }

    fn field(&mut self, raw: &Spanned<String>, what: &str) -> Option<FieldId> {
        let f = field::by_id(raw.get_ref());
        if f.is_none() {
            let help = match field::suggest(raw.get_ref()) {
                Some(s) => format!("did you mean `{s}`? (`shequ fields` lists every field)"),
                None => "`shequ fields` lists every field".to_string(),
            };
            self.err(
                Code::UnknownField,
                &raw.span(),
                format!("{what} `{}` is not a known field", raw.get_ref()),
                Some(help),
            );
        }
        f
    }

    fn bound(
        &mut self,
        raw: &Spanned<RawBound>,
        expected: Side,
        dated: Option<&Value>,
    ) -> Option<Bound> {
        let b = raw.get_ref();
        let word = b.word.get_ref().clone();
        let sense = if word.trim().is_empty() {
            // the text has no boundary word: the reading must say how the number bounds
            match (b.inclusive, b.reading.is_some() || b.reading_en.is_some()) {
                (Some(inclusive), true) => Some(words::WordSense {
                    side: expected,
                    inclusive,
                }),
                _ => {
                    self.err(
                        Code::BoundaryWord,
                        &b.word.span(),
                        "the bound has no source word, so its reading must be given".into(),
                        Some("add `inclusive = true/false` and `reading = \"…\"` saying how the text is read".into()),
                    );
                    return None;
                }
            }
        } else {
            words::boundary_word(&word, self.reading)
        };
        let Some(sense) = sense else {
            self.err(
                Code::BoundaryWord,
                &b.word.span(),
                format!("`{word}` is not a boundary word shequ knows"),
                Some(format!(
                    "use the source's own word; known words: {}",
                    words::BOUNDARY_WORDS.join(" ")
                )),
            );
            return None;
        };
        if sense.side != Side::Both && sense.side != expected {
            let (key, other) = if expected == Side::Lower {
                ("min", "max")
            } else {
                ("max", "min")
            };
            self.err(
                Code::BoundaryWord,
                &b.word.span(),
                format!("`{word}` bounds from the other side, but it is given as `{key}`"),
                Some(format!("move this bound to `{other}`")),
            );
            return None;
        }
        let inclusive = b.inclusive.unwrap_or(sense.inclusive);
        if !word.trim().is_empty()
            && b.inclusive.is_some_and(|i| i != sense.inclusive)
            && b.reading.is_none()
            && b.reading_en.is_none()
        {
            self.push(
                Code::BoundaryWord,
                Severity::Warning,
                &raw.span(),
                format!("`{word}` is read against the lexicon (inclusive = {inclusive}) without a recorded reason"),
                Some("add `reading = \"…\"` saying why".into()),
            );
        }
        let value = match (&b.value, dated) {
            (Some(v), None) => Value::Fixed(self.num(v, "`value`")?),
            (None, Some(d)) => d.clone(),
            (Some(v), Some(_)) => {
                self.err(
                    Code::UnknownKey,
                    &v.span(),
                    "a dated bound takes its value from `steps`, not `value`".into(),
                    Some("remove `value`".into()),
                );
                return None;
            }
            (None, None) => {
                self.err(
                    Code::MissingKey,
                    &raw.span(),
                    "the bound has no `value`".into(),
                    None,
                );
                return None;
            }
        };
        Some(Bound {
            value,
            word,
            side: expected,
            inclusive,
            reading: b.reading.clone(),
            reading_en: b.reading_en.clone(),
            pos: self.pos(&raw.span()),
        })
    }

    /// A rule's `min` and `max`, their values taken from `dated` when the rule is dated.
    fn rule_bounds(
        &mut self,
        r: &RawRule,
        dated: Option<&Value>,
    ) -> (Option<Bound>, Option<Bound>) {
        let min = r
            .min
            .as_ref()
            .and_then(|b| self.bound(b, Side::Lower, dated));
        let max = r
            .max
            .as_ref()
            .and_then(|b| self.bound(b, Side::Upper, dated));
        (min, max)
    }

    fn conds(&mut self, table: &Spanned<toml::Table>) -> Vec<Cond> {
        let span = table.span();
        let mut out = Vec::new();
        for (name, spec) in table.get_ref() {
            let Some(fid) = field::by_id(name) else {
                let help = field::suggest(name).map(|s| format!("did you mean `{s}`?"));
                self.err(
                    Code::UnknownField,
                    &span,
                    format!("condition on `{name}`, which is not a known field"),
                    help,
                );
                continue;
            };
            let unit = fid.def().unit;
            match (spec, unit) {
                (toml::Value::Boolean(b), Unit::Flag) => out.push(Cond::Flag { field: fid, value: *b }),
                (toml::Value::Array(vals), Unit::Category) => {
                    let mut idx = Vec::new();
                    for v in vals {
                        match v.as_str().and_then(|s| field::category_index(fid, s)) {
                            Some(i) => idx.push(i),
                            None => {
                                let known: Vec<&str> = fid.def().values.iter().map(|(id, _)| *id).collect();
                                self.err(
                                    Code::InvalidValue,
                                    &span,
                                    format!("`{}` is not a value of `{name}`", v.as_str().unwrap_or("(not text)")),
                                    Some(format!("use one of: {}", known.join(", "))),
                                );
                            }
                        }
                    }
                    out.push(Cond::OneOf { field: fid, values: idx });
                }
                (toml::Value::Table(t), u) if u.is_numeric() => {
                    let mut min = None;
                    let mut max = None;
                    for (k, v) in t {
                        let side = match k.as_str() {
                            "min" => Side::Lower,
                            "max" => Side::Upper,
                            other => {
                                self.err(
                                    Code::UnknownKey,
                                    &span,
                                    format!("unknown key `{other}` in the condition on `{name}`"),
                                    Some("a numeric condition takes `min` and `max`".into()),
                                );
                                continue;
                            }
                        };
                        let raw = plain_bound(v, &span);
                        match raw {
                            Ok(rb) => {
                                let sp = Spanned::new(span.clone(), rb);
                                let b = self.bound(&sp, side, None);
                                if side == Side::Lower {
                                    min = b;
                                } else {
                                    max = b;
                                }
                            }
                            Err(e) => self.err(
                                Code::InvalidValue,
                                &span,
                                format!("the condition on `{name}` is not a bound: {e}"),
                                Some("write `{ value = 3000, word = \"达到\" }`".into()),
                            ),
                        }
                    }
                    if unit == Unit::Percent {
                        self.check_percent_bounds(&[&min, &max], &span);
                    }
                    out.push(Cond::Range { field: fid, min, max });
                }
                _ => self.err(
                    Code::InvalidValue,
                    &span,
                    format!("the condition on `{name}` ({}) has the wrong form", unit.name()),
                    Some("a yes/no field takes `true`/`false`, a category a list of values, a number `{ min = …, max = … }`".into()),
                ),
            }
        }
        out
    }

    fn check_percent_bounds(&mut self, bounds: &[&Option<Bound>], span: &Range<usize>) {
        for b in bounds.iter().copied().flatten() {
            if let Value::Fixed(v) = b.value {
                if v > Num::int(1) {
                    self.err(
                        Code::UnitMismatch,
                        span,
                        format!("a share of {} is more than 100 %", v.to_decimal(4)),
                        Some(format!(
                            "write shares as `\"{}%\"` or as a fraction such as `0.6`",
                            v.to_decimal(2)
                        )),
                    );
                }
            }
        }
    }

    /// Reports a field that does not hold numbers where a number is needed.
    fn numeric(&mut self, raw: &Spanned<String>, f: FieldId, role: &str) -> bool {
        let ok = f.def().unit.is_numeric();
        if !ok {
            self.err(
                Code::UnitMismatch,
                &raw.span(),
                format!(
                    "the rule's {role} `{}` is a {}, not a number",
                    f.name(),
                    f.def().unit.name()
                ),
                Some("`shequ fields` lists each field's unit".into()),
            );
        }
        ok
    }

    fn unit_matches(
        &mut self,
        declared: Option<&Spanned<String>>,
        field: FieldId,
        role: &str,
    ) -> Option<Unit> {
        let fu = field.def().unit;
        let Some(d) = declared else { return Some(fu) };
        let Some(u) = Unit::parse(d.get_ref()) else {
            self.err(
                Code::InvalidValue,
                &d.span(),
                format!("`{}` is not a unit", d.get_ref()),
                Some(format!("use one of: {}", Unit::NUMERIC.join(", "))),
            );
            return None;
        };
        if u != fu {
            self.err(
                Code::UnitMismatch,
                &d.span(),
                format!(
                    "the rule's values are in {} but its {role} `{}` is measured in {}",
                    u.name(),
                    field.name(),
                    fu.name()
                ),
                Some(format!("measure a field in {} or fix `unit`", u.name())),
            );
            return None;
        }
        Some(u)
    }
}

/// A bound written inside a condition table (where TOML spans are not kept).
fn plain_bound(v: &toml::Value, span: &Range<usize>) -> Result<RawBound, String> {
    let toml::Value::Table(t) = v else {
        return Err("expected a table".into());
    };
    let mut value = None;
    let mut word = None;
    let mut inclusive = None;
    let mut reading = None;
    let mut reading_en = None;
    for (k, x) in t {
        match (k.as_str(), x) {
            ("value", toml::Value::Integer(i)) => value = Some(RawNum::Int(*i)),
            ("value", toml::Value::Float(f)) => value = Some(RawNum::Float(*f)),
            ("value", toml::Value::String(s)) => value = Some(RawNum::Text(s.clone())),
            ("word", toml::Value::String(s)) => word = Some(s.clone()),
            ("inclusive", toml::Value::Boolean(b)) => inclusive = Some(*b),
            ("reading", toml::Value::String(s)) => reading = Some(s.clone()),
            ("reading_en", toml::Value::String(s)) => reading_en = Some(s.clone()),
            ("value" | "word" | "inclusive" | "reading" | "reading_en", _) => {
                return Err(format!("`{k}` has the wrong type"))
            }
            (other, _) => return Err(format!("unknown key `{other}`")),
        }
    }
    let word = word.ok_or_else(|| "missing `word`".to_string())?;
    Ok(RawBound {
        value: value.map(|v| Spanned::new(span.clone(), v)),
        word: Spanned::new(span.clone(), word),
        inclusive,
        reading,
        reading_en,
    })
}

/// Parses the text form of a number in a policy file: decimals, `60%`, `3‰`, `2/3`.
pub fn parse_num_text(t: &str) -> Option<Num> {
    if let Some((a, b)) = t.split_once('/') {
        let a = Num::parse(a)?;
        let b = Num::parse(b)?;
        return a.checked_div(b);
    }
    Num::parse(t)
}

/// Compiles a policy file. Returns the policy when there are no errors, and every
/// diagnostic found (errors and warnings) either way.
pub fn compile(text: &str, file: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    let mut cx = Ctx {
        file,
        text,
        idx: LineIndex::new(text),
        diags: Vec::new(),
        policy: None,
        rule: None,
        reading: Reading::Statutory,
        overlap: Overlap::Report,
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().to_string();
            let code = if msg.contains("unknown field") {
                Code::UnknownKey
            } else if msg.contains("missing field") {
                Code::MissingKey
            } else if msg.contains("invalid type") || msg.contains("did not match any variant") {
                Code::InvalidValue
            } else {
                Code::Syntax
            };
            let help = match code {
                Code::UnknownKey => Some("remove the key or fix its spelling; the JSON Schema (`shequ schema`) lists every key".into()),
                Code::MissingKey => Some("add the key; the JSON Schema (`shequ schema`) lists what each table needs".into()),
                _ => None,
            };
            cx.err(code, &span, msg.replace('\n', " ").trim().to_string(), help);
            return (None, cx.diags);
        }
    };
    let meta = compile_meta(&mut cx, &raw.policy);
    let mut rules = Vec::new();
    let mut seen = HashSet::new();
    for r in &raw.rule {
        cx.rule = Some(r.get_ref().id.get_ref().clone());
        let id = r.get_ref().id.get_ref();
        if !is_valid_id(id) {
            cx.err(
                Code::InvalidValue,
                &r.get_ref().id.span(),
                format!("`{id}` is not a valid rule id"),
                Some("use lowercase letters, digits and `-`".into()),
            );
        } else if !seen.insert(id.clone()) {
            cx.err(
                Code::DuplicateId,
                &r.get_ref().id.span(),
                format!("rule id `{id}` is used twice"),
                None,
            );
        }
        if let Some(rule) = compile_rule(&mut cx, r) {
            rules.push(rule);
        }
        cx.rule = None;
    }
    // cross-rule references
    for (raw_rule, rule) in raw.rule.iter().zip(rules.iter()) {
        if let Shape::Share {
            of: ShareOf::Rule(of_rule),
            ..
        } = &rule.shape
        {
            if !seen.contains(&of_rule.0) {
                cx.rule = Some(rule.id.0.clone());
                let span = raw_rule
                    .get_ref()
                    .of_rule
                    .as_ref()
                    .map_or(raw_rule.span(), |s| s.span());
                cx.err(
                    Code::UnknownRule,
                    &span,
                    format!(
                        "`of_rule` names `{}`, which is not a rule of this policy",
                        of_rule.0
                    ),
                    None,
                );
                cx.rule = None;
            }
        }
    }
    for rule in &rules {
        cx.rule = Some(rule.id.0.clone());
        check_requirements(&mut cx, rule);
        cx.rule = None;
    }
    let mut not_checkable = Vec::new();
    for nc in &raw.not_checkable {
        let n = nc.get_ref();
        if !NOT_CHECKABLE_REASONS.contains(&n.reason.get_ref().as_str()) {
            cx.err(
                Code::InvalidValue,
                &n.reason.span(),
                format!("`{}` is not a reason", n.reason.get_ref()),
                Some(format!("use one of: {}", NOT_CHECKABLE_REASONS.join(", "))),
            );
        }
        not_checkable.push(NotCheckable {
            clause: n.clause.get_ref().clone(),
            location: n.location.clone(),
            reason: n.reason.get_ref().clone(),
            note: n.note.clone(),
            quote: n.quote.get_ref().clone(),
            pos: cx.pos(&nc.span()),
            quote_pos: cx.pos(&n.quote.span()),
        });
    }
    let has_errors = cx.diags.iter().any(Diagnostic::is_error);
    let policy = match (meta, has_errors) {
        (Some(meta), false) => Some(Policy {
            meta,
            rules,
            not_checkable,
            file: file.to_string(),
            sha256: crate::hash::sha256_hex(text.as_bytes()),
            source_sha256: None,
        }),
        _ => None,
    };
    (policy, cx.diags)
}

fn compile_meta(cx: &mut Ctx<'_>, raw: &Spanned<RawMeta>) -> Option<Meta> {
    let m = raw.get_ref();
    let id = m.id.get_ref().clone();
    cx.policy = Some(id.clone());
    if !is_valid_id(&id) {
        cx.err(
            Code::InvalidValue,
            &m.id.span(),
            format!("`{id}` is not a valid policy id"),
            Some("use lowercase letters, digits and `-`".into()),
        );
    }
    if let Some(r) = &m.boundary_reading {
        match Reading::parse(r.get_ref()) {
            Some(rd) => cx.reading = rd,
            None => cx.err(
                Code::InvalidValue,
                &r.span(),
                format!("`{}` is not a boundary reading", r.get_ref()),
                Some("use `statutory` (民法典 art. 1259) or `colloquial`".into()),
            ),
        }
    }
    let status = DocStatus::parse(m.status.get_ref());
    if status.is_none() {
        cx.err(
            Code::InvalidValue,
            &m.status.span(),
            format!("`{}` is not a document status", m.status.get_ref()),
            Some("use one of: draft, in_force, repealed, expired".into()),
        );
    }
    let overlap = match &m.overlap {
        Some(o) => Overlap::parse(o.get_ref()).or_else(|| {
            cx.err(
                Code::InvalidValue,
                &o.span(),
                format!("`{}` is not an overlap reading", o.get_ref()),
                Some("use report, upper or lower".into()),
            );
            None
        }),
        None => Some(Overlap::Report),
    };
    if let Some(o) = overlap {
        cx.overlap = o;
    }
    let applies_to = match &m.applies_to {
        Some(list) => {
            let kind = field::by_id("kind")?;
            let mut out = Vec::new();
            for k in list.get_ref() {
                match field::category_index(kind, k) {
                    Some(i) => out.push(i),
                    None => cx.err(
                        Code::InvalidValue,
                        &list.span(),
                        format!("`{k}` is not a community kind"),
                        Some("use urban, rural, village_converted or non_urban".into()),
                    ),
                }
            }
            Some(out)
        }
        None => None,
    };
    let mut builds_on = Vec::new();
    let mut builds_on_pos = Pos::default();
    if let Some(list) = &m.builds_on {
        builds_on_pos = cx.pos(&list.span());
        for b in list.get_ref() {
            if *b == id {
                cx.err(
                    Code::InvalidValue,
                    &list.span(),
                    format!("`builds_on` names this policy itself (`{b}`)"),
                    Some("name the policies this one builds on (for instance `national-rcl-2018`), not its own id".into()),
                );
            } else if is_valid_id(b) {
                builds_on.push(PolicyId(b.clone()));
            } else {
                cx.err(
                    Code::InvalidValue,
                    &list.span(),
                    format!("`{b}` in `builds_on` is not a policy id"),
                    None,
                );
            }
        }
    }
    let published = cx.date(&m.published, "`published`");
    let from = m
        .in_force_from
        .as_ref()
        .and_then(|d| cx.date(d, "`in_force_from`"));
    let until = m
        .in_force_until
        .as_ref()
        .and_then(|d| cx.date(d, "`in_force_until`"));
    Some(Meta {
        id: PolicyId(id),
        title: m.title.clone(),
        title_en: m.title_en.clone(),
        issuer: m.issuer.clone(),
        issuer_en: m.issuer_en.clone(),
        document_number: m.document_number.clone(),
        published: published?,
        in_force_from: from,
        in_force_until: until,
        status: status?,
        jurisdiction: m.jurisdiction.clone(),
        source: m.source.get_ref().clone(),
        source_lines: m.source_lines.clone(),
        source_note: m.source_note.clone(),
        boundary_reading: cx.reading,
        reading_note: m.reading_note.clone(),
        reading_note_en: m.reading_note_en.clone(),
        overlap: overlap?,
        applies_to,
        builds_on,
        builds_on_pos,
        notes: m.notes.clone(),
    })
}

fn present_keys(r: &RawRule, rule_span: &Range<usize>) -> Vec<(&'static str, Range<usize>)> {
    let mut v: Vec<(&'static str, Range<usize>)> = Vec::new();
    macro_rules! k {
        ($name:ident) => {
            if let Some(x) = &r.$name {
                v.push((stringify!($name), x.span()));
            }
        };
    }
    macro_rules! kv {
        ($name:ident) => {
            if let Some(x) = &r.$name {
                v.push((
                    stringify!($name),
                    x.first().map_or(rule_span.clone(), |f| f.span()),
                ));
            }
        };
    }
    k!(measure);
    k!(unit);
    k!(aggregate);
    k!(min);
    k!(max);
    k!(base);
    k!(per);
    k!(remedy);
    kv!(options);
    k!(by);
    kv!(tiers);
    k!(overlap);
    kv!(cases);
    kv!(steps);
    k!(growth);
    kv!(components);
    kv!(payers);
    k!(remainder);
    k!(excess_payer);
    k!(period);
    k!(of_rule);
    k!(of_field);
    k!(over);
    k!(group_by);
    v
}

fn need<'r, T>(
    cx: &mut Ctx<'_>,
    v: &'r Option<T>,
    key: &str,
    kind: &str,
    span: &Range<usize>,
) -> Option<&'r T> {
    if v.is_none() {
        cx.err(
            Code::MissingKey,
            span,
            format!("a rule of kind `{kind}` needs `{key}`"),
            None,
        );
    }
    v.as_ref()
}

fn compile_rule(cx: &mut Ctx<'_>, raw: &Spanned<RawRule>) -> Option<Rule> {
    let r = raw.get_ref();
    let span = raw.span();
    let kind = r.kind.get_ref().as_str();
    if !KINDS.contains(&kind) {
        cx.err(
            Code::InvalidValue,
            &r.kind.span(),
            format!("`{kind}` is not a rule kind"),
            Some(format!("use one of: {}", KINDS.join(", "))),
        );
        return None;
    }
    let allowed = allowed_keys(kind);
    let mut bad = false;
    for (k, sp) in present_keys(r, &span) {
        if !allowed.contains(&k) {
            cx.err(
                Code::UnknownKey,
                &sp,
                format!("`{k}` does not belong to a rule of kind `{kind}`"),
                Some(format!(
                    "a `{kind}` rule takes: {}",
                    COMMON_KEYS
                        .iter()
                        .chain(allowed.iter())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            bad = true;
        }
    }
    let strength = Strength::parse(r.strength.get_ref());
    if strength.is_none() {
        let names: Vec<&str> = Strength::ALL.iter().map(|s| s.name()).collect();
        cx.err(
            Code::InvalidValue,
            &r.strength.span(),
            format!("`{}` is not a strength", r.strength.get_ref()),
            Some(format!("use one of: {}", names.join(", "))),
        );
    }
    if let Some(s) = strength {
        check_strength_word(cx, r, s);
    }
    let subject = match &r.subject {
        Some(s) => match Subject::parse(s.get_ref()) {
            Some(x) => Some(x),
            None => {
                cx.err(
                    Code::InvalidValue,
                    &s.span(),
                    format!("`{}` is not a subject", s.get_ref()),
                    Some("use community, new_area, meeting or roster".into()),
                );
                None
            }
        },
        None => Some(if kind == "share" || kind == "tally" {
            Subject::Roster
        } else {
            Subject::Community
        }),
    };
    let mut overrides = Vec::new();
    if let Some(list) = &r.overrides {
        for o in list.get_ref() {
            match o.split_once('/') {
                Some((p, q)) if is_valid_id(p) && is_valid_id(q) => {
                    overrides.push((PolicyId(p.to_string()), RuleId(q.to_string())))
                }
                _ => cx.err(
                    Code::InvalidValue,
                    &list.span(),
                    format!("`{o}` in `overrides` is not a `policy/rule` reference"),
                    Some("write e.g. `national-rcl-2018/households`".into()),
                ),
            }
        }
    }
    let when = r.when.as_ref().map(|w| cx.conds(w)).unwrap_or_default();
    let aggregate = match &r.aggregate {
        Some(a) => match a.get_ref().as_str() {
            "sum" => Aggregate::Sum,
            "mean" => Aggregate::Mean,
            other => {
                cx.err(
                    Code::InvalidValue,
                    &a.span(),
                    format!("`{other}` is not an aggregate"),
                    Some("use sum or mean".into()),
                );
                Aggregate::Sum
            }
        },
        None => Aggregate::Sum,
    };
    if r.aggregate.is_some() && subject != Some(Subject::Roster) {
        if let Some(a) = &r.aggregate {
            cx.err(
                Code::UnknownKey,
                &a.span(),
                "`aggregate` belongs only to rules with `subject = \"roster\"`".into(),
                None,
            );
        }
    }
    let over = match &r.over {
        Some(o) => {
            if subject != Some(Subject::Roster) {
                cx.err(
                    Code::UnknownKey,
                    &o.span(),
                    "`over` belongs only to rules with `subject = \"roster\"`".into(),
                    None,
                );
            }
            match Subject::parse(o.get_ref()) {
                Some(Subject::Roster) | None => {
                    cx.err(
                        Code::InvalidValue,
                        &o.span(),
                        format!(
                            "`{}` is not a kind of record a roster rule can count",
                            o.get_ref()
                        ),
                        Some("use community, town, new_area or meeting".into()),
                    );
                    Subject::Community
                }
                Some(x) => x,
            }
        }
        None => Subject::Community,
    };
    let mut unit = None;
    let shape = match kind {
        "range" | "minimum" | "maximum" | "schedule" => {
            let m = need(cx, &r.measure, "measure", kind, &span)?;
            let measure = cx.field(m, "`measure`")?;
            unit = cx.unit_matches(r.unit.as_ref(), measure, "measure");
            let dated = if kind == "schedule" {
                Some(compile_schedule(cx, r, &span)?)
            } else {
                None
            };
            let (min, max) = cx.rule_bounds(r, dated.as_ref());
            match kind {
                "minimum" if r.min.is_none() || r.max.is_some() => {
                    cx.err(
                        Code::MissingKey,
                        &span,
                        "a `minimum` rule takes `min` and no `max`".into(),
                        Some("use kind `range` for both".into()),
                    );
                }
                "maximum" if r.max.is_none() || r.min.is_some() => {
                    cx.err(
                        Code::MissingKey,
                        &span,
                        "a `maximum` rule takes `max` and no `min`".into(),
                        Some("use kind `range` for both".into()),
                    );
                }
                "range" | "schedule" if r.min.is_none() && r.max.is_none() => {
                    cx.err(
                        Code::MissingKey,
                        &span,
                        format!("a `{kind}` rule needs `min`, `max` or both"),
                        None,
                    );
                }
                "schedule" if r.min.is_some() && r.max.is_some() => {
                    cx.err(
                        Code::InvalidValue,
                        &span,
                        "a `schedule` rule dates one bound: give `min` or `max`".into(),
                        None,
                    );
                }
                _ => {}
            }
            if measure.def().unit == Unit::Percent {
                cx.check_percent_bounds(&[&min, &max], &span);
            }
            let remedy = match &r.remedy {
                Some(s) => match s.get_ref().as_str() {
                    "adjust" => RemedyHint::Adjust,
                    "split_merge" => RemedyHint::SplitMerge,
                    other => {
                        cx.err(
                            Code::InvalidValue,
                            &s.span(),
                            format!("`{other}` is not a remedy"),
                            Some("use adjust or split_merge".into()),
                        );
                        RemedyHint::Adjust
                    }
                },
                None => RemedyHint::Adjust,
            };
            if !measure.def().unit.is_numeric() {
                cx.err(
                    Code::UnitMismatch,
                    &m.span(),
                    format!(
                        "`{}` is not a number, so it cannot be bounded",
                        measure.name()
                    ),
                    None,
                );
            }
            Shape::Range {
                measure,
                min,
                max,
                remedy,
                aggregate,
            }
        }
        "rate" | "ratio" => {
            let m = need(cx, &r.measure, "measure", kind, &span)?;
            let b = need(cx, &r.base, "base", kind, &span)?;
            let measure = cx.field(m, "`measure`")?;
            let base = cx.field(b, "`base`")?;
            cx.numeric(m, measure, "measure");
            let percent = kind == "ratio";
            let per = if percent {
                Num::ONE
            } else {
                let p = need(cx, &r.per, "per", kind, &span)?;
                let v = cx.num(p, "`per`")?;
                if v <= Num::ZERO {
                    cx.err(
                        Code::InvalidValue,
                        &p.span(),
                        "`per` must be more than zero".into(),
                        None,
                    );
                }
                v
            };
            if percent {
                if measure.def().unit != base.def().unit {
                    cx.err(
                        Code::UnitMismatch,
                        &b.span(),
                        format!(
                            "a ratio compares like with like, but `{}` is in {} and `{}` in {}",
                            measure.name(),
                            measure.def().unit.name(),
                            base.name(),
                            base.def().unit.name()
                        ),
                        Some("use kind `rate` for a quantity per unit of another".into()),
                    );
                }
                unit = Some(measure.def().unit);
            } else {
                unit = cx.unit_matches(r.unit.as_ref(), measure, "measure");
            }
            if !base.def().unit.is_numeric() {
                cx.err(
                    Code::UnitMismatch,
                    &b.span(),
                    format!("`base` `{}` is not a number", base.name()),
                    None,
                );
            }
            let dated = if r.steps.is_some() || r.growth.is_some() {
                Some(compile_schedule(cx, r, &span)?)
            } else {
                None
            };
            let (min, max) = cx.rule_bounds(r, dated.as_ref());
            if min.is_none() && max.is_none() && r.min.is_none() && r.max.is_none() {
                cx.err(
                    Code::MissingKey,
                    &span,
                    format!("a `{kind}` rule needs `min`, `max` or both"),
                    None,
                );
            }
            if percent {
                let s = span.clone();
                let (a, b2) = (min.clone(), max.clone());
                let _ = (&a, &b2);
                for bnd in [&min, &max].into_iter().flatten() {
                    if let Value::Fixed(v) = bnd.value {
                        if v > Num::int(10) {
                            cx.err(
                                Code::UnitMismatch,
                                &s,
                                format!("a ratio of {} looks like a percentage written as a plain number", v.to_decimal(2)),
                                Some(format!("write `\"{}%\"`", v.to_decimal(2))),
                            );
                        }
                    }
                }
            }
            Shape::Proportional {
                measure,
                base,
                per,
                min,
                max,
                percent,
                aggregate,
            }
        }
        "count" => {
            let m = need(cx, &r.measure, "measure", kind, &span)?;
            let b = need(cx, &r.base, "base", kind, &span)?;
            let measure = cx.field(m, "`measure`")?;
            let base = cx.field(b, "`base`")?;
            if !measure.def().whole {
                cx.err(
                    Code::UnitMismatch,
                    &m.span(),
                    format!(
                        "a derived count needs a whole-number measure, and `{}` is not one",
                        measure.name()
                    ),
                    None,
                );
            }
            cx.numeric(b, base, "base");
            unit = cx.unit_matches(r.unit.as_ref(), base, "base");
            let (min, max) = cx.rule_bounds(r, None);
            if r.min.is_none() && r.max.is_none() {
                cx.err(
                    Code::MissingKey,
                    &span,
                    "a `count` rule needs the size of one unit: `min`, `max` or both".into(),
                    None,
                );
            }
            Shape::Count {
                measure,
                base,
                min,
                max,
            }
        }
        "preferred" => {
            let opts = need(cx, &r.options, "options", kind, &span)?;
            let mut options = Vec::new();
            for o in opts {
                let f = cx.field(&o.get_ref().measure, "`measure`");
                let v = cx.num(&o.get_ref().value, "`value`");
                if let (Some(f), Some(v)) = (f, v) {
                    options.push((f, v));
                }
            }
            Shape::Preferred { options }
        }
        "tier" => compile_tier(cx, r, &span, &mut unit)?,
        "decision" => compile_decision(cx, r, &span)?,
        "money" => Shape::Money(Box::new(compile_money(cx, r, &span)?)),
        "share" | "tally" => {
            let of = if kind == "tally" {
                None
            } else {
                match (&r.of_rule, &r.of_field) {
                    (Some(rl), None) => Some(ShareOf::Rule(RuleId(rl.get_ref().clone()))),
                    (None, Some(fl)) => {
                        let f = cx.field(fl, "`of_field`")?;
                        if f.def().unit != Unit::Flag {
                            cx.err(
                                Code::UnitMismatch,
                                &fl.span(),
                                format!(
                                    "`of_field` counts yes/no answers, and `{}` is a {}",
                                    f.name(),
                                    f.def().unit.name()
                                ),
                                None,
                            );
                        }
                        Some(ShareOf::Flag(f))
                    }
                    _ => {
                        cx.err(
                            Code::MissingKey,
                            &span,
                            "a `share` rule needs either `of_rule` or `of_field`".into(),
                            None,
                        );
                        return None;
                    }
                }
            };
            let group_by = match &r.group_by {
                Some(g) => Some(cx.field(g, "`group_by`")?),
                None => None,
            };
            let dated = if r.steps.is_some() {
                Some(compile_schedule(cx, r, &span)?)
            } else {
                None
            };
            let (min, max) = cx.rule_bounds(r, dated.as_ref());
            if r.min.is_none() && r.max.is_none() {
                cx.err(
                    Code::MissingKey,
                    &span,
                    format!("a `{kind}` rule needs `min`, `max` or both"),
                    None,
                );
            }
            if subject != Some(Subject::Roster) {
                if let Some(s) = &r.subject {
                    cx.err(
                        Code::InvalidValue,
                        &s.span(),
                        format!("a `{kind}` rule judges a roster: `subject` must be `roster`"),
                        None,
                    );
                }
            }
            match of {
                Some(of) => {
                    cx.check_percent_bounds(&[&min, &max], &span);
                    unit = Some(Unit::Percent);
                    Shape::Share {
                        of,
                        group_by,
                        min,
                        max,
                    }
                }
                None => {
                    unit = Some(Unit::Count);
                    Shape::Tally { group_by, min, max }
                }
            }
        }
        _ => return None,
    };
    if bad {
        return None;
    }
    Some(Rule {
        id: RuleId(r.id.get_ref().clone()),
        clause: r.clause.get_ref().clone(),
        location: r.location.clone(),
        kind: kind.to_string(),
        title: r.title.clone(),
        title_en: r.title_en.clone(),
        subject: subject?,
        over,
        strength: strength?,
        word: r.word.get_ref().clone(),
        quote: r.quote.get_ref().clone(),
        reading: r.reading.clone(),
        reading_en: r.reading_en.clone(),
        when,
        overrides,
        unit,
        shape,
        pos: cx.pos(&span),
        quote_pos: cx.pos(&r.quote.span()),
    })
}

fn check_strength_word(cx: &mut Ctx<'_>, r: &RawRule, s: Strength) {
    let word = words::simplify(r.word.get_ref());
    if word.is_empty() {
        if r.reading.is_none() && r.reading_en.is_none() {
            cx.push(
                Code::StrengthWord,
                Severity::Warning,
                &r.word.span(),
                "the sentence has no strength word, and no `reading` says how it was graded".into(),
                Some("add `reading = \"…\"` explaining the strength chosen".into()),
            );
        }
        return;
    }
    if !s.words().iter().any(|w| word.contains(w)) {
        let found = Strength::ALL
            .into_iter()
            .find(|x| x.words().iter().any(|w| word.contains(w)));
        let help = match found {
            Some(f) => format!(
                "`{}` usually signals `{}`; if the reading differs, say why in `reading`",
                r.word.get_ref(),
                f.name()
            ),
            None => format!("words for `{}`: {}", s.name(), s.words().join(" ")),
        };
        if (r.reading.is_none() && r.reading_en.is_none()) || found.is_none() {
            cx.push(
                Code::StrengthWord,
                Severity::Warning,
                &r.word.span(),
                format!(
                    "`{}` is not a word of strength `{}`",
                    r.word.get_ref(),
                    s.name()
                ),
                Some(help),
            );
        }
    }
    let quote = words::simplify(r.quote.get_ref());
    if !quote.contains(&word) {
        cx.push(
            Code::StrengthWord,
            Severity::Warning,
            &r.word.span(),
            format!(
                "the strength word `{}` does not occur in the quote",
                r.word.get_ref()
            ),
            Some("quote the sentence that carries the word".into()),
        );
    }
}

fn compile_schedule(cx: &mut Ctx<'_>, r: &RawRule, span: &Range<usize>) -> Option<Value> {
    let mut steps = Vec::new();
    for s in r.steps.iter().flatten() {
        let st = s.get_ref();
        let (from, until) = match (st.year, &st.from, &st.until) {
            (Some(y), None, None) => (Some(Date::year_start(y)), Some(Date::year_end(y))),
            (None, Some(f), u) => (
                cx.date(f, "`from`"),
                u.as_ref().and_then(|u| cx.date(u, "`until`")),
            ),
            _ => {
                cx.err(
                    Code::InvalidValue,
                    &s.span(),
                    "a step takes either `year` or `from` (with an optional `until`)".into(),
                    None,
                );
                (None, None)
            }
        };
        let value = cx.num(&st.value, "`value`");
        if let (Some(from), Some(value)) = (from, value) {
            steps.push(Step {
                from,
                until,
                value,
                quote: st.quote.as_ref().map(|q| q.get_ref().clone()),
            });
        }
    }
    let growth = match &r.growth {
        Some(g) => {
            let gr = g.get_ref();
            let factor = cx.num(&gr.factor, "`factor`")?;
            let base = cx.num(&gr.base, "`base`")?;
            if gr.every_years == 0 {
                cx.err(
                    Code::InvalidValue,
                    &g.span(),
                    "`every_years` must be at least 1".into(),
                    None,
                );
            }
            Some(Growth {
                from_year: gr.from_year,
                every_years: gr.every_years,
                factor,
                base,
            })
        }
        None => None,
    };
    if steps.is_empty() && growth.is_none() {
        cx.err(
            Code::MissingKey,
            span,
            "a dated rule needs `steps`, `growth` or both".into(),
            None,
        );
        return None;
    }
    Some(Value::Dated(Box::new(Schedule { steps, growth })))
}

fn compile_tier(
    cx: &mut Ctx<'_>,
    r: &RawRule,
    span: &Range<usize>,
    unit: &mut Option<Unit>,
) -> Option<Shape> {
    let b = need(cx, &r.by, "by", "tier", span)?;
    let m = need(cx, &r.measure, "measure", "tier", span)?;
    let by = cx.field(b, "`by`")?;
    let measure = cx.field(m, "`measure`")?;
    cx.numeric(m, measure, "measure");
    if !(by.def().unit.is_numeric() || by.def().unit == Unit::Category) {
        cx.err(
            Code::UnitMismatch,
            &b.span(),
            format!(
                "tiers are chosen by a number or a category, and `{}` is a {}",
                by.name(),
                by.def().unit.name()
            ),
            Some("for a yes/no condition use `when`".into()),
        );
    }
    *unit = cx.unit_matches(r.unit.as_ref(), measure, "measure");
    let by_cat = by.def().unit == Unit::Category;
    let overlap = match &r.overlap {
        Some(o) => Overlap::parse(o.get_ref()).or_else(|| {
            cx.err(
                Code::InvalidValue,
                &o.span(),
                format!("`{}` is not an overlap reading", o.get_ref()),
                Some("use report, upper or lower".into()),
            );
            None
        })?,
        // the document's own reading of overlapping tiers, unless the rule says otherwise
        None => cx.overlap,
    };
    let mut tiers = Vec::new();
    for t in need(cx, &r.tiers, "tiers", "tier", span)? {
        let tr = t.get_ref();
        let is = match (&tr.is, by_cat) {
            (Some(vals), true) => {
                let mut out = Vec::new();
                for v in vals {
                    match field::category_index(by, v) {
                        Some(i) => out.push(i),
                        None => cx.err(
                            Code::InvalidValue,
                            &t.span(),
                            format!("`{v}` is not a value of `{}`", by.name()),
                            None,
                        ),
                    }
                }
                Some(out)
            }
            (None, false) => None,
            (Some(_), false) => {
                cx.err(
                    Code::UnknownKey,
                    &t.span(),
                    format!(
                        "`is` selects categories, but `{}` is a number: use `min`/`max`",
                        by.name()
                    ),
                    None,
                );
                None
            }
            (None, true) => {
                cx.err(
                    Code::MissingKey,
                    &t.span(),
                    format!(
                        "`{}` is a category: give the tier's values in `is`",
                        by.name()
                    ),
                    None,
                );
                None
            }
        };
        if by_cat && (tr.min.is_some() || tr.max.is_some()) {
            cx.err(
                Code::UnknownKey,
                &t.span(),
                "a tier on a category takes `is`, not `min`/`max`".into(),
                None,
            );
        }
        let min = tr.min.as_ref().and_then(|x| cx.bound(x, Side::Lower, None));
        let max = tr.max.as_ref().and_then(|x| cx.bound(x, Side::Upper, None));
        let req = tr.require.get_ref();
        let rmin = req
            .min
            .as_ref()
            .and_then(|x| cx.bound(x, Side::Lower, None));
        let rmax = req
            .max
            .as_ref()
            .and_then(|x| cx.bound(x, Side::Upper, None));
        let equal = req.equal.as_ref().and_then(|e| cx.num(e, "`equal`"));
        if req.min.is_none() && req.max.is_none() && req.equal.is_none() {
            cx.err(
                Code::MissingKey,
                &tr.require.span(),
                "`require` needs `min`, `max` or `equal`".into(),
                None,
            );
        }
        if req.equal.is_some() && (req.min.is_some() || req.max.is_some()) {
            cx.err(
                Code::InvalidValue,
                &tr.require.span(),
                "`require` takes `equal` or bounds, not both".into(),
                None,
            );
        }
        tiers.push(Tier {
            min,
            max,
            is,
            require: Requirement {
                min: rmin,
                max: rmax,
                equal,
            },
            quote: tr.quote.as_ref().map(|q| q.get_ref().clone()),
            pos: cx.pos(&t.span()),
        });
    }
    Some(Shape::Tier {
        by,
        measure,
        tiers,
        overlap,
    })
}

fn compile_decision(cx: &mut Ctx<'_>, r: &RawRule, span: &Range<usize>) -> Option<Shape> {
    let m = need(cx, &r.measure, "measure", "decision", span)?;
    let measure = cx.field(m, "`measure`")?;
    if measure.def().unit != Unit::Category {
        cx.err(
            Code::UnitMismatch,
            &m.span(),
            format!(
                "a decision's `measure` names the outcome field, a category; `{}` is not one",
                measure.name()
            ),
            None,
        );
        return None;
    }
    let mut cases = Vec::new();
    for c in need(cx, &r.cases, "cases", "decision", span)? {
        let cr = c.get_ref();
        let when = cx.conds(&cr.when);
        let names: Vec<String> = match cr.outcome.get_ref() {
            RawOutcome::One(s) => vec![s.clone()],
            RawOutcome::Many(v) => v.clone(),
        };
        let mut outcomes = Vec::new();
        for name in &names {
            match field::category_index(measure, name) {
                Some(o) => outcomes.push(o),
                None => {
                    let known: Vec<&str> = measure.def().values.iter().map(|(id, _)| *id).collect();
                    cx.err(
                        Code::InvalidValue,
                        &cr.outcome.span(),
                        format!("`{name}` is not a value of `{}`", measure.name()),
                        Some(format!("use one of: {}", known.join(", "))),
                    );
                }
            }
        }
        if outcomes.is_empty() {
            if names.is_empty() {
                cx.err(
                    Code::MissingKey,
                    &cr.outcome.span(),
                    "a case needs at least one outcome".into(),
                    None,
                );
            }
            continue;
        }
        cases.push(Case {
            when,
            outcomes,
            quote: cr.quote.as_ref().map(|q| q.get_ref().clone()),
            pos: cx.pos(&c.span()),
        });
    }
    Some(Shape::Decision { measure, cases })
}

fn compile_money(cx: &mut Ctx<'_>, r: &RawRule, span: &Range<usize>) -> Option<Money> {
    let mut components = Vec::new();
    for c in need(cx, &r.components, "components", "money", span)? {
        let cr = c.get_ref();
        let amount = cr.amount.as_ref().and_then(|a| cx.num(a, "`amount`"));
        let rate = match (&cr.rate, &cr.per, &cr.base) {
            (Some(rt), Some(p), Some(b)) => {
                let rv = cx.num(rt, "`rate`");
                let pv = cx.num(p, "`per`");
                let bf = cx.field(b, "`base`");
                if let Some(f) = bf {
                    if !matches!(
                        f.def().unit,
                        Unit::Persons | Unit::Households | Unit::Count | Unit::SquareMetres
                    ) {
                        cx.err(
                            Code::UnitMismatch,
                            &b.span(),
                            format!(
                                "money is paid per person, household or thing, but `{}` is in {}",
                                f.name(),
                                f.def().unit.name()
                            ),
                            None,
                        );
                    }
                }
                match (rv, pv, bf) {
                    (Some(a), Some(b2), Some(c2)) if b2 > Num::ZERO => Some((a, b2, c2)),
                    (_, Some(_), _) => {
                        cx.err(
                            Code::InvalidValue,
                            &p.span(),
                            "`per` must be more than zero".into(),
                            None,
                        );
                        None
                    }
                    _ => None,
                }
            }
            (None, None, None) => None,
            _ => {
                cx.err(
                    Code::MissingKey,
                    &c.span(),
                    "a per-unit component needs `rate`, `per` and `base` together".into(),
                    None,
                );
                None
            }
        };
        if amount.is_none() && rate.is_none() {
            cx.err(
                Code::MissingKey,
                &c.span(),
                "a component needs a fixed `amount` or a `rate` per `base`".into(),
                None,
            );
        }
        let paid = match &cr.paid {
            Some(p) => {
                let f = cx.field(p, "`paid`");
                if let Some(f) = f {
                    if f.def().unit != Unit::Yuan {
                        cx.err(
                            Code::UnitMismatch,
                            &p.span(),
                            format!(
                                "`paid` must be a money field, and `{}` is in {}",
                                f.name(),
                                f.def().unit.name()
                            ),
                            None,
                        );
                    }
                }
                f
            }
            None => None,
        };
        components.push(Component {
            id: cr.id.get_ref().clone(),
            name: cr.name.clone(),
            name_en: cr.name_en.clone(),
            amount,
            rate,
            paid,
            quote: cr.quote.as_ref().map(|q| q.get_ref().clone()),
        });
    }
    let mut payers = Vec::new();
    for p in need(cx, &r.payers, "payers", "money", span)? {
        let pr = p.get_ref();
        payers.push(Payer {
            id: pr.id.get_ref().clone(),
            name: pr.name.clone(),
            name_en: pr.name_en.clone(),
            share: *pr.share.get_ref(),
        });
    }
    if payers.iter().map(|p| p.share).sum::<u64>() == 0 {
        cx.err(
            Code::InvalidValue,
            span,
            "the payers' shares add up to zero".into(),
            None,
        );
    }
    let rem = need(cx, &r.remainder, "remainder", "money", span)?;
    let remainder = Remainder::parse(rem.get_ref()).or_else(|| {
        cx.err(
            Code::InvalidValue,
            &rem.span(),
            format!("`{}` is not a remainder rule", rem.get_ref()),
            Some(format!("use one of: {}", Remainder::NAMES.join(", "))),
        );
        None
    })?;
    let excess_payer = match &r.excess_payer {
        Some(e) => {
            let i = payers.iter().position(|p| &p.id == e.get_ref());
            if i.is_none() {
                cx.err(
                    Code::InvalidValue,
                    &e.span(),
                    format!("`{}` is not one of this rule's payers", e.get_ref()),
                    None,
                );
            }
            i
        }
        None => None,
    };
    let period = r
        .period
        .as_ref()
        .map_or_else(|| "year".to_string(), |p| p.get_ref().clone());
    Some(Money {
        components,
        payers,
        remainder,
        excess_payer,
        period,
    })
}

/// Requirements that no value can meet: a minimum above the maximum, or a whole count
/// required to be a fraction. They are errors: a rule that always fails checks nothing.
fn check_requirements(cx: &mut Ctx<'_>, rule: &Rule) {
    use crate::eval::bounds_interval;
    let d = Date::year_start(2000);
    let report = |cx: &mut Ctx<'_>, pos: Pos, what: String| {
        cx.diags.push(Diagnostic {
            code: Code::EmptyRequirement,
            severity: Severity::Error,
            policy: cx.policy.clone(),
            rule: cx.rule.clone(),
            file: cx.file.to_string(),
            line: pos.line,
            column: pos.column,
            message: what,
            help: Some("check the numbers and their words against the source".into()),
        });
    };
    let empty = |iv: &Interval, whole: bool| {
        if whole {
            iv.has_no_whole()
        } else {
            iv.is_empty()
        }
    };
    match &rule.shape {
        Shape::Range {
            measure, min, max, ..
        } => {
            if let Some(iv) = bounds_interval(min.as_ref(), max.as_ref(), d) {
                if empty(&iv, measure.def().whole) {
                    report(
                        cx,
                        rule.pos,
                        format!("no value of `{}` meets both bounds", measure.name()),
                    );
                }
            }
        }
        Shape::Proportional { min, max, .. } | Shape::Count { min, max, .. } => {
            if let Some(iv) = bounds_interval(min.as_ref(), max.as_ref(), d) {
                if iv.is_empty() {
                    report(
                        cx,
                        rule.pos,
                        "the lower bound is above the upper bound".into(),
                    );
                }
            }
        }
        Shape::Tier {
            by, measure, tiers, ..
        } => {
            for (i, t) in tiers.iter().enumerate() {
                if let Some(iv) = bounds_interval(t.min.as_ref(), t.max.as_ref(), d) {
                    if empty(&iv, by.def().whole) {
                        report(
                            cx,
                            t.pos,
                            format!("tier {} covers no value of `{}`", i + 1, by.name()),
                        );
                    }
                }
                if let Some(iv) = t.require.interval(d) {
                    if empty(&iv, measure.def().whole) {
                        let why = if t.require.equal.is_some() && measure.def().whole {
                            " (a whole count cannot equal a fraction)"
                        } else {
                            ""
                        };
                        report(
                            cx,
                            t.pos,
                            format!(
                                "tier {} requires a value of `{}` that cannot exist{why}",
                                i + 1,
                                measure.name()
                            ),
                        );
                    }
                }
            }
        }
        _ => {}
    }
}
