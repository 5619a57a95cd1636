//! From the policy file as written ([`crate::raw`]) to the checked model
//! ([`crate::model`]). Every problem becomes a [`Diagnostic`] with a line and column; a
//! file with errors yields no policy.

use std::collections::HashSet;
use std::ops::Range;

use toml::Spanned;

use crate::date::Date;
use crate::diag::{text, Code, Diagnostic, LineIndex, Severity, Text};
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
        message: Text,
        help: Option<Text>,
    ) {
        let p = self.pos(span);
        self.diags.push(Diagnostic::new(
            code,
            sev,
            self.policy.clone(),
            self.rule.clone(),
            self.file,
            p,
            message,
            help,
        ));
    }

    fn err(&mut self, code: Code, span: &Range<usize>, message: Text, help: Option<Text>) {
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
                text(
                    format!("{what} is not a number"),
                    format!("{what} 不是数字"),
                ),
                Some(text(
                    "write a number such as `1500`, `0.6`, `\"60%\"`, `\"3‰\"` or `\"2/3\"`",
                    "请写成数字,如 `1500`、`0.6`、`\"60%\"`、`\"3‰\"` 或 `\"2/3\"`",
                )),
            );
        }
        v
    }

    fn date(&mut self, raw: &Spanned<RawDate>, what: &str) -> Option<Date> {
        let shown = match raw.get_ref() {
            RawDate::Toml(dt) => dt.to_string(),
            RawDate::Text(t) => t.clone(),
        };
        let d = Date::parse(&shown);
        if d.is_none() {
            self.err(
                Code::InvalidValue,
                &raw.span(),
                text(
                    format!("{what} `{shown}` is not a date"),
                    format!("{what} `{shown}` 不是日期"),
                ),
                Some(text(
                    "write a date as `2023-12-13`",
                    "日期请写成 `2023-12-13` 的形式",
                )),
            );
        }
        d
    }

    fn field(&mut self, raw: &Spanned<String>, what: &str) -> Option<FieldId> {
        let f = field::by_id(raw.get_ref());
        if f.is_none() {
            let help = match field::suggest(raw.get_ref()) {
                Some(s) => text(
                    format!("did you mean `{s}`? (`shequ fields` lists every field)"),
                    format!("是不是 `{s}`?(`shequ fields` 列出全部字段)"),
                ),
                None => text(
                    "`shequ fields` lists every field",
                    "`shequ fields` 列出全部字段",
                ),
            };
            self.err(
                Code::UnknownField,
                &raw.span(),
                text(
                    format!("{what} `{}` is not a known field", raw.get_ref()),
                    format!("{what} `{}` 不是已知字段", raw.get_ref()),
                ),
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
                        text(
                            "the bound has no source word, so its reading must be given",
                            "该界限在原文中没有界限用词,因此必须写明解读",
                        ),
                        Some(text(
                            "add `inclusive = true/false` and `reading = \"…\"` saying how the text is read",
                            "请加上 `inclusive = true/false` 和 `reading = \"…\"`,说明原文如何解读",
                        )),
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
                text(
                    format!("`{word}` is not a boundary word shequ knows"),
                    format!("`{word}` 不是 shequ 认识的界限用词"),
                ),
                Some(text(
                    format!(
                        "use the source's own word; known words: {}",
                        words::BOUNDARY_WORDS.join(" ")
                    ),
                    format!(
                        "请使用原文自己的用词;已知用词:{}",
                        words::BOUNDARY_WORDS.join(" ")
                    ),
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
                text(
                    format!("`{word}` bounds from the other side, but it is given as `{key}`"),
                    format!("`{word}` 限定的是另一侧,却写在了 `{key}` 中"),
                ),
                Some(text(
                    format!("move this bound to `{other}`"),
                    format!("请把这个界限移到 `{other}`"),
                )),
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
                text(
                    format!("`{word}` is read against the lexicon (inclusive = {inclusive}) without a recorded reason"),
                    format!("`{word}` 的解读与词表不同(inclusive = {inclusive}),却没有记录理由"),
                ),
                Some(text(
                    "add `reading = \"…\"` saying why",
                    "请加上 `reading = \"…\"` 说明理由",
                )),
            );
        }
        let value = match (&b.value, dated) {
            (Some(v), None) => Value::Fixed(self.num(v, "`value`")?),
            (None, Some(d)) => d.clone(),
            (Some(v), Some(_)) => {
                self.err(
                    Code::UnknownKey,
                    &v.span(),
                    text(
                        "a dated bound takes its value from `steps`, not `value`",
                        "按日期变化的界限从 `steps` 取值,不用 `value`",
                    ),
                    Some(text("remove `value`", "请删去 `value`")),
                );
                return None;
            }
            (None, None) => {
                self.err(
                    Code::MissingKey,
                    &raw.span(),
                    text("the bound has no `value`", "该界限没有 `value`"),
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
                let help = field::suggest(name)
                    .map(|s| text(format!("did you mean `{s}`?"), format!("是不是 `{s}`?")));
                self.err(
                    Code::UnknownField,
                    &span,
                    text(
                        format!("condition on `{name}`, which is not a known field"),
                        format!("条件针对 `{name}`,但它不是已知字段"),
                    ),
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
                                    text(
                                        format!("`{}` is not a value of `{name}`", v.as_str().unwrap_or("(not text)")),
                                        format!("`{}` 不是 `{name}` 的取值", v.as_str().unwrap_or("(不是文本)")),
                                    ),
                                    Some(text(
                                        format!("use one of: {}", known.join(", ")),
                                        format!("请使用以下之一:{}", known.join(", ")),
                                    )),
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
                                    text(
                                        format!("unknown key `{other}` in the condition on `{name}`"),
                                        format!("`{name}` 的条件中有未知的键 `{other}`"),
                                    ),
                                    Some(text(
                                        "a numeric condition takes `min` and `max`",
                                        "数值条件只能用 `min` 和 `max`",
                                    )),
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
                                text(
                                    format!("the condition on `{name}` is not a bound: {}", e.en),
                                    format!("`{name}` 的条件不是一个界限:{}", e.zh),
                                ),
                                Some(text(
                                    "write `{ value = 3000, word = \"达到\" }`",
                                    "请写成 `{ value = 3000, word = \"达到\" }`",
                                )),
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
                    text(
                        format!("the condition on `{name}` ({}) has the wrong form", unit.name()),
                        format!("`{name}`({})的条件形式不对", uz(unit)),
                    ),
                    Some(text(
                        "a yes/no field takes `true`/`false`, a category a list of values, a number `{ min = …, max = … }`",
                        "“是/否”字段写 `true`/`false`,类别字段写一组取值,数值字段写 `{ min = …, max = … }`",
                    )),
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
                        text(
                            format!("a share of {} is more than 100 %", v.to_decimal(4)),
                            format!("比例 {} 超过了 100 %", v.to_decimal(4)),
                        ),
                        Some(text(
                            format!(
                                "write shares as `\"{}%\"` or as a fraction such as `0.6`",
                                v.to_decimal(2)
                            ),
                            format!(
                                "比例请写成 `\"{}%\"`,或写成 `0.6` 这样的小数",
                                v.to_decimal(2)
                            ),
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
                text(
                    format!(
                        "the rule's {role} `{}` is a {}, not a number",
                        f.name(),
                        f.def().unit.name()
                    ),
                    format!(
                        "规则的 {role} `{}` 是{}字段,不是数值",
                        f.name(),
                        uz(f.def().unit)
                    ),
                ),
                Some(text(
                    "`shequ fields` lists each field's unit",
                    "`shequ fields` 列出每个字段的单位",
                )),
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
                text(
                    format!("`{}` is not a unit", d.get_ref()),
                    format!("`{}` 不是单位", d.get_ref()),
                ),
                Some(text(
                    format!("use one of: {}", Unit::NUMERIC.join(", ")),
                    format!("请使用以下之一:{}", Unit::NUMERIC.join(", ")),
                )),
            );
            return None;
        };
        if u != fu {
            self.err(
                Code::UnitMismatch,
                &d.span(),
                text(
                    format!(
                        "the rule's values are in {} but its {role} `{}` is measured in {}",
                        u.name(),
                        field.name(),
                        fu.name()
                    ),
                    format!(
                        "规则的数值以{}计,但其 {role} `{}` 以{}计",
                        uz(u),
                        field.name(),
                        uz(fu)
                    ),
                ),
                Some(text(
                    format!("measure a field in {} or fix `unit`", u.name()),
                    format!("请改用以{}计的字段,或更正 `unit`", uz(u)),
                )),
            );
            return None;
        }
        Some(u)
    }
}

/// A unit in Chinese messages: its Chinese name and its policy-file spelling
/// (`人(persons)`).
fn uz(u: Unit) -> String {
    format!("{}({})", u.label_zh(), u.name())
}

/// A bound written inside a condition table (where TOML spans are not kept).
fn plain_bound(v: &toml::Value, span: &Range<usize>) -> Result<RawBound, Text> {
    let toml::Value::Table(t) = v else {
        return Err(text("expected a table", "应为一个表"));
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
                return Err(text(
                    format!("`{k}` has the wrong type"),
                    format!("`{k}` 的类型不对"),
                ))
            }
            (other, _) => {
                return Err(text(
                    format!("unknown key `{other}`"),
                    format!("未知的键 `{other}`"),
                ))
            }
        }
    }
    let word = word.ok_or_else(|| text("missing `word`", "缺少 `word`"))?;
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

/// The TOML reader's message (its own English words) in Chinese: the checks the policy
/// format makes through serde (unknown and missing keys, values of the wrong type) are
/// said in full; a syntax error gets the parser's description in Chinese where it is one
/// the parser is known to give, and what it expected.
fn toml_message_zh(en: &str) -> String {
    if let Some(rest) = en.strip_prefix("unknown field ") {
        return match rest.split_once(", expected ") {
            Some((key, known)) => {
                let known = known.strip_prefix("one of ").unwrap_or(known);
                format!("未知的键 {key};可用的键:{known}")
            }
            None => format!("未知的键 {rest}"),
        };
    }
    if let Some(key) = en.strip_prefix("missing field ") {
        return format!("缺少键 {key}");
    }
    if let Some(rest) = en.strip_prefix("invalid type: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let got = toml_kind_zh(got);
        return if want.is_empty() {
            format!("值的类型不对:{got}")
        } else {
            format!("值的类型不对:{got},应为{}", toml_kind_zh(want))
        };
    }
    if let Some(what) = en.strip_prefix("data did not match any variant of untagged enum ") {
        let shape = match what.trim() {
            "RawNum" => "数字(整数、小数,或 `\"60%\"`、`\"3‰\"`、`\"2/3\"` 这样的字符串)",
            "RawDate" => "日期(`2023-12-13`)",
            "RawOutcome" => "一个结果或一组结果",
            _ => "所需的形式",
        };
        return format!("值的形式不对:应为{shape}");
    }
    if en == "duplicate key" || en.starts_with("duplicate key ") {
        return format!("重复的键{}", en.strip_prefix("duplicate key").unwrap_or(""));
    }
    let (what, expected) = en.split_once(", expected ").unwrap_or((en, ""));
    let what_zh = match what {
        "`_` may only go between digits" => "`_` 只能写在数字之间",
        "cannot recurse further; max recursion depth met" => "嵌套过深,超过了最大深度",
        "carriage return must be followed by newline" => "回车符后面必须紧跟换行符",
        "extra `=`" => "多余的 `=`",
        "extra assignment between key-value pairs" => "键值对之间有多余的赋值",
        "extra comma in array" => "数组中有多余的逗号",
        "extra comma in inline table" => "内联表中有多余的逗号",
        "integers with a radix cannot be signed" => "带进制前缀的整数不能有正负号",
        "invalid comment character" => "注释中有无效字符",
        "invalid inline table element" => "内联表中有无效的元素",
        "invalid key-value pair" => "无效的键值对",
        "invalid unquoted key" => "无效的不带引号的键",
        "invalid value" => "无效的值",
        "key with no value" => "键没有值",
        "keys cannot be multi-line basic strings" | "keys cannot be multi-line literal strings" => {
            "键不能是多行字符串"
        }
        "missing array opening" => "缺少数组的开头",
        "missing assignment between key-value pairs" => "键值对之间缺少赋值",
        "missing comma between array elements" => "数组元素之间缺少逗号",
        "missing comma between key-value pairs" => "键值对之间缺少逗号",
        "missing comment start" => "缺少注释的开头",
        "missing escaped value" => "转义符后缺少字符",
        "missing inline table opening" => "缺少内联表的开头",
        "missing key for inline table element" => "内联表元素缺少键",
        "missing opening quote" => "缺少开头的引号",
        "missing table open" => "缺少表的开头",
        "missing value for key" | "missing value" => "缺少值",
        "radix must be lowercase" => "进制前缀必须小写",
        "redundant integer number prefix" => "多余的整数前缀",
        "redundant numeric sign" => "多余的正负号",
        "string values must be quoted" => "字符串值必须加引号",
        "too few unicode value digits" => "Unicode 转义的位数不够",
        "unclosed array table" => "数组表没有闭合",
        "unclosed array" => "数组没有闭合",
        "unclosed inline table" => "内联表没有闭合",
        "unclosed table" => "表头没有闭合",
        "unexpected `=` in array" => "数组中出现了意外的 `=`",
        "unexpected content between comment and newline" => "注释与换行之间有意外的内容",
        "unexpected content" => "意外的内容",
        "unexpected key or value" => "意外的键或值",
        "unexpected leading zero" => "意外的前导零",
        "unexpected sign" => "意外的正负号",
        "unquoted keys cannot be empty" => "不带引号的键不能为空",
        "invalid basic string" => "无效的字符串",
        "invalid literal string" => "无效的原样字符串",
        "invalid multi-line basic string" | "invalid multi-line literal string" => {
            "无效的多行字符串"
        }
        _ => "",
    };
    let expected_zh = toml_expected_zh(expected);
    match (what_zh, expected_zh.is_empty()) {
        ("", _) => format!("TOML 语法错误:{en}"),
        (w, true) => format!("TOML 语法错误:{w}"),
        (w, false) => format!("TOML 语法错误:{w},应为{expected_zh}"),
    }
}

/// What the TOML reader expected, in Chinese (`` `]` ``, `newline`, `key` …).
fn toml_expected_zh(expected: &str) -> String {
    if expected.is_empty() {
        return String::new();
    }
    let items: Vec<String> = expected
        .split(", ")
        .map(|x| {
            let x = x.trim().trim_start_matches("or ");
            match x {
                "newline" => "换行".to_string(),
                "key" => "键".to_string(),
                "value" => "值".to_string(),
                "letters" => "字母".to_string(),
                "numbers" => "数字".to_string(),
                "digits" => "数字".to_string(),
                "characters" => "字符".to_string(),
                "printable characters" => "可打印字符".to_string(),
                "basic string" => "字符串".to_string(),
                "literal string" => "原样字符串".to_string(),
                "multi-line basic string" => "多行字符串".to_string(),
                "non-double-quote visible characters" => "双引号以外的可见字符".to_string(),
                "non-single-quote visible characters" => "单引号以外的可见字符".to_string(),
                "non-single-quote characters" => "单引号以外的字符".to_string(),
                "unicode hexadecimal value" => "Unicode 十六进制值".to_string(),
                other => other.to_string(),
            }
        })
        .collect();
    items.join("、")
}

/// A kind of value as serde names it (`integer `1``, `a string`, `i64`), in Chinese.
fn toml_kind_zh(kind: &str) -> String {
    let k = kind.trim();
    let (head, tail) = match k.split_once(' ') {
        Some((h, t)) if t.starts_with('`') || t.starts_with('"') => (h, format!(" {t}")),
        _ => (k, String::new()),
    };
    let word = match head {
        "integer" => "整数",
        "string" | "a string" => "字符串",
        "boolean" | "a boolean" => "“是/否”值(true/false)",
        "floating" => "小数",
        "sequence" | "a sequence" => "数组",
        "map" | "a map" => "表",
        "i64" | "i32" | "an integer" => "整数",
        "u64" | "u32" | "u16" | "u8" => "非负整数",
        "f64" => "数字",
        _ => "",
    };
    if word.is_empty() {
        return match k {
            "floating point" => "小数".to_string(),
            _ if k.starts_with("floating point ") => {
                format!("小数 {}", k.trim_start_matches("floating point "))
            }
            _ => format!("`{k}`"),
        };
    }
    format!("{word}{tail}")
}

/// Compiles a policy file. Returns the policy when there are no errors, and every
/// diagnostic found (errors and warnings) either way.
pub fn compile(policy_text: &str, file: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    let mut cx = Ctx {
        file,
        text: policy_text,
        idx: LineIndex::new(policy_text),
        diags: Vec::new(),
        policy: None,
        rule: None,
        reading: Reading::Statutory,
        overlap: Overlap::Report,
    };
    let raw: RawFile = match toml::from_str(policy_text) {
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
                Code::UnknownKey => Some(text(
                    "remove the key or fix its spelling; the JSON Schema (`shequ schema`) lists every key",
                    "请删去该键或更正拼写;JSON Schema(`shequ schema`)列出全部键",
                )),
                Code::MissingKey => Some(text(
                    "add the key; the JSON Schema (`shequ schema`) lists what each table needs",
                    "请补上该键;JSON Schema(`shequ schema`)列出每个表需要的键",
                )),
                _ => None,
            };
            let en = msg.replace('\n', " ").trim().to_string();
            let zh = toml_message_zh(&en);
            cx.err(code, &span, text(en, zh), help);
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
                text(
                    format!("`{id}` is not a valid rule id"),
                    format!("`{id}` 不是有效的规则 id"),
                ),
                Some(text(
                    "use lowercase letters, digits and `-`",
                    "请只用小写字母、数字和 `-`",
                )),
            );
        } else if !seen.insert(id.clone()) {
            cx.err(
                Code::DuplicateId,
                &r.get_ref().id.span(),
                text(
                    format!("rule id `{id}` is used twice"),
                    format!("规则 id `{id}` 用了两次"),
                ),
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
                    text(
                        format!(
                            "`of_rule` names `{}`, which is not a rule of this policy",
                            of_rule.0
                        ),
                        format!("`of_rule` 指向 `{}`,但本政策中没有这条规则", of_rule.0),
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
                text(
                    format!("`{}` is not a reason", n.reason.get_ref()),
                    format!("`{}` 不是可用的理由", n.reason.get_ref()),
                ),
                Some(text(
                    format!("use one of: {}", NOT_CHECKABLE_REASONS.join(", ")),
                    format!("请使用以下之一:{}", NOT_CHECKABLE_REASONS.join(", ")),
                )),
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
            sha256: crate::hash::sha256_hex(policy_text.as_bytes()),
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
            text(
                format!("`{id}` is not a valid policy id"),
                format!("`{id}` 不是有效的政策 id"),
            ),
            Some(text(
                "use lowercase letters, digits and `-`",
                "请只用小写字母、数字和 `-`",
            )),
        );
    }
    if let Some(r) = &m.boundary_reading {
        match Reading::parse(r.get_ref()) {
            Some(rd) => cx.reading = rd,
            None => cx.err(
                Code::InvalidValue,
                &r.span(),
                text(
                    format!("`{}` is not a boundary reading", r.get_ref()),
                    format!("`{}` 不是界限解读方式", r.get_ref()),
                ),
                Some(text(
                    "use `statutory` (民法典 art. 1259) or `colloquial`",
                    "请使用 `statutory`(《民法典》第1259条)或 `colloquial`",
                )),
            ),
        }
    }
    let status = DocStatus::parse(m.status.get_ref());
    if status.is_none() {
        cx.err(
            Code::InvalidValue,
            &m.status.span(),
            text(
                format!("`{}` is not a document status", m.status.get_ref()),
                format!("`{}` 不是文件状态", m.status.get_ref()),
            ),
            Some(text(
                "use one of: draft, in_force, repealed, expired",
                "请使用以下之一:draft, in_force, repealed, expired",
            )),
        );
    }
    let overlap = match &m.overlap {
        Some(o) => Overlap::parse(o.get_ref()).or_else(|| {
            cx.err(
                Code::InvalidValue,
                &o.span(),
                text(
                    format!("`{}` is not an overlap reading", o.get_ref()),
                    format!("`{}` 不是重叠边界的读法", o.get_ref()),
                ),
                Some(text(
                    "use report, upper or lower",
                    "请使用 report、upper 或 lower",
                )),
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
                        text(
                            format!("`{k}` is not a community kind"),
                            format!("`{k}` 不是社区类型"),
                        ),
                        Some(text(
                            "use urban, rural, village_converted or non_urban",
                            "请使用 urban、rural、village_converted 或 non_urban",
                        )),
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
                    text(
                        format!("`builds_on` names this policy itself (`{b}`)"),
                        format!("`builds_on` 指向了本政策自身(`{b}`)"),
                    ),
                    Some(text(
                        "name the policies this one builds on (for instance `national-rcl-2018`), not its own id",
                        "请写本政策所依据的政策(例如 `national-rcl-2018`),而不是它自己的 id",
                    )),
                );
            } else if is_valid_id(b) {
                builds_on.push(PolicyId(b.clone()));
            } else {
                cx.err(
                    Code::InvalidValue,
                    &list.span(),
                    text(
                        format!("`{b}` in `builds_on` is not a policy id"),
                        format!("`builds_on` 中的 `{b}` 不是政策 id"),
                    ),
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
        reading_note: m.reading_note.as_ref().map(|r| r.get_ref().clone()),
        reading_note_pos: m
            .reading_note
            .as_ref()
            .map_or_else(|| cx.pos(&raw.span()), |r| cx.pos(&r.span())),
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
            text(
                format!("a rule of kind `{kind}` needs `{key}`"),
                format!("`{kind}` 类规则需要 `{key}`"),
            ),
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
            text(
                format!("`{kind}` is not a rule kind"),
                format!("`{kind}` 不是规则类型"),
            ),
            Some(text(
                format!("use one of: {}", KINDS.join(", ")),
                format!("请使用以下之一:{}", KINDS.join(", ")),
            )),
        );
        return None;
    }
    let allowed = allowed_keys(kind);
    let mut bad = false;
    for (k, sp) in present_keys(r, &span) {
        if !allowed.contains(&k) {
            let keys = COMMON_KEYS
                .iter()
                .chain(allowed.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            cx.err(
                Code::UnknownKey,
                &sp,
                text(
                    format!("`{k}` does not belong to a rule of kind `{kind}`"),
                    format!("`{k}` 不属于 `{kind}` 类规则"),
                ),
                Some(text(
                    format!("a `{kind}` rule takes: {keys}"),
                    format!("`{kind}` 类规则可用的键:{keys}"),
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
            text(
                format!("`{}` is not a strength", r.strength.get_ref()),
                format!("`{}` 不是约束力等级", r.strength.get_ref()),
            ),
            Some(text(
                format!("use one of: {}", names.join(", ")),
                format!("请使用以下之一:{}", names.join(", ")),
            )),
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
                    text(
                        format!("`{}` is not a subject", s.get_ref()),
                        format!("`{}` 不是规则对象", s.get_ref()),
                    ),
                    Some(text(
                        "use community, new_area, meeting or roster",
                        "请使用 community、new_area、meeting 或 roster",
                    )),
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
                    text(
                        format!("`{o}` in `overrides` is not a `policy/rule` reference"),
                        format!("`overrides` 中的 `{o}` 不是 `政策/规则` 形式的引用"),
                    ),
                    Some(text(
                        "write e.g. `national-rcl-2018/households`",
                        "请写成例如 `national-rcl-2018/households`",
                    )),
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
                    text(
                        format!("`{other}` is not an aggregate"),
                        format!("`{other}` 不是汇总方式"),
                    ),
                    Some(text("use sum or mean", "请使用 sum 或 mean")),
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
                text(
                    "`aggregate` belongs only to rules with `subject = \"roster\"`",
                    "`aggregate` 只用于 `subject = \"roster\"` 的规则",
                ),
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
                    text(
                        "`over` belongs only to rules with `subject = \"roster\"`",
                        "`over` 只用于 `subject = \"roster\"` 的规则",
                    ),
                    None,
                );
            }
            match Subject::parse(o.get_ref()) {
                Some(Subject::Roster) | None => {
                    cx.err(
                        Code::InvalidValue,
                        &o.span(),
                        text(
                            format!(
                                "`{}` is not a kind of record a roster rule can count",
                                o.get_ref()
                            ),
                            format!("`{}` 不是名册规则可以统计的记录类型", o.get_ref()),
                        ),
                        Some(text(
                            "use community, town, new_area or meeting",
                            "请使用 community、town、new_area 或 meeting",
                        )),
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
                        text(
                            "a `minimum` rule takes `min` and no `max`",
                            "`minimum` 类规则只有 `min`,没有 `max`",
                        ),
                        Some(text(
                            "use kind `range` for both",
                            "两者都有时请用 `range` 类",
                        )),
                    );
                }
                "maximum" if r.max.is_none() || r.min.is_some() => {
                    cx.err(
                        Code::MissingKey,
                        &span,
                        text(
                            "a `maximum` rule takes `max` and no `min`",
                            "`maximum` 类规则只有 `max`,没有 `min`",
                        ),
                        Some(text(
                            "use kind `range` for both",
                            "两者都有时请用 `range` 类",
                        )),
                    );
                }
                "range" | "schedule" if r.min.is_none() && r.max.is_none() => {
                    cx.err(
                        Code::MissingKey,
                        &span,
                        text(
                            format!("a `{kind}` rule needs `min`, `max` or both"),
                            format!("`{kind}` 类规则需要 `min`、`max` 或两者"),
                        ),
                        None,
                    );
                }
                "schedule" if r.min.is_some() && r.max.is_some() => {
                    cx.err(
                        Code::InvalidValue,
                        &span,
                        text(
                            "a `schedule` rule dates one bound: give `min` or `max`",
                            "`schedule` 类规则只给一个界限按日期取值:请给 `min` 或 `max`",
                        ),
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
                            text(
                                format!("`{other}` is not a remedy"),
                                format!("`{other}` 不是整改方式"),
                            ),
                            Some(text(
                                "use adjust or split_merge",
                                "请使用 adjust 或 split_merge",
                            )),
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
                    text(
                        format!(
                            "`{}` is not a number, so it cannot be bounded",
                            measure.name()
                        ),
                        format!("`{}` 不是数值,因此不能设界限", measure.name()),
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
                        text("`per` must be more than zero", "`per` 必须大于零"),
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
                        text(
                            format!(
                                "a ratio compares like with like, but `{}` is in {} and `{}` in {}",
                                measure.name(),
                                measure.def().unit.name(),
                                base.name(),
                                base.def().unit.name()
                            ),
                            format!(
                                "比率须同类相比,但 `{}` 以{}计,`{}` 以{}计",
                                measure.name(),
                                uz(measure.def().unit),
                                base.name(),
                                uz(base.def().unit)
                            ),
                        ),
                        Some(text(
                            "use kind `rate` for a quantity per unit of another",
                            "一个量按另一个量的单位计时,请用 `rate` 类",
                        )),
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
                    text(
                        format!("`base` `{}` is not a number", base.name()),
                        format!("`base` `{}` 不是数值", base.name()),
                    ),
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
                    text(
                        format!("a `{kind}` rule needs `min`, `max` or both"),
                        format!("`{kind}` 类规则需要 `min`、`max` 或两者"),
                    ),
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
                                text(
                                    format!("a ratio of {} looks like a percentage written as a plain number", v.to_decimal(2)),
                                    format!("比率 {} 看来是把百分数写成了普通数字", v.to_decimal(2)),
                                ),
                                Some(text(
                                    format!("write `\"{}%\"`", v.to_decimal(2)),
                                    format!("请写成 `\"{}%\"`", v.to_decimal(2)),
                                )),
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
                    text(
                        format!(
                            "a derived count needs a whole-number measure, and `{}` is not one",
                            measure.name()
                        ),
                        format!(
                            "推算的个数需要整数的 measure,而 `{}` 不是整数",
                            measure.name()
                        ),
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
                    text(
                        "a `count` rule needs the size of one unit: `min`, `max` or both",
                        "`count` 类规则需要一个单位的大小:`min`、`max` 或两者",
                    ),
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
                                text(
                                    format!(
                                        "`of_field` counts yes/no answers, and `{}` is a {}",
                                        f.name(),
                                        f.def().unit.name()
                                    ),
                                    format!(
                                        "`of_field` 统计的是“是/否”回答,而 `{}` 是{}字段",
                                        f.name(),
                                        uz(f.def().unit)
                                    ),
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
                            text(
                                "a `share` rule needs either `of_rule` or `of_field`",
                                "`share` 类规则需要 `of_rule` 或 `of_field` 之一",
                            ),
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
                    text(
                        format!("a `{kind}` rule needs `min`, `max` or both"),
                        format!("`{kind}` 类规则需要 `min`、`max` 或两者"),
                    ),
                    None,
                );
            }
            if subject != Some(Subject::Roster) {
                if let Some(s) = &r.subject {
                    cx.err(
                        Code::InvalidValue,
                        &s.span(),
                        text(
                            format!("a `{kind}` rule judges a roster: `subject` must be `roster`"),
                            format!("`{kind}` 类规则评判的是整个名册:`subject` 必须是 `roster`"),
                        ),
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
                text(
                    "the sentence has no strength word, and no `reading` says how it was graded",
                    "该句没有表示约束力的词,也没有 `reading` 说明如何定级",
                ),
                Some(text(
                    "add `reading = \"…\"` explaining the strength chosen",
                    "请加上 `reading = \"…\"`,说明所定的约束力等级",
                )),
            );
        }
        return;
    }
    if !s.words().iter().any(|w| word.contains(w)) {
        let found = Strength::ALL
            .into_iter()
            .find(|x| x.words().iter().any(|w| word.contains(w)));
        let help = match found {
            Some(f) => text(
                format!(
                    "`{}` usually signals `{}`; if the reading differs, say why in `reading`",
                    r.word.get_ref(),
                    f.name()
                ),
                format!(
                    "`{}` 通常表示 `{}`;如果解读不同,请在 `reading` 中说明理由",
                    r.word.get_ref(),
                    f.name()
                ),
            ),
            None => text(
                format!("words for `{}`: {}", s.name(), s.words().join(" ")),
                format!("表示 `{}` 的用词:{}", s.name(), s.words().join(" ")),
            ),
        };
        if (r.reading.is_none() && r.reading_en.is_none()) || found.is_none() {
            cx.push(
                Code::StrengthWord,
                Severity::Warning,
                &r.word.span(),
                text(
                    format!(
                        "`{}` is not a word of strength `{}`",
                        r.word.get_ref(),
                        s.name()
                    ),
                    format!(
                        "`{}` 不是表示约束力 `{}` 的用词",
                        r.word.get_ref(),
                        s.name()
                    ),
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
            text(
                format!(
                    "the strength word `{}` does not occur in the quote",
                    r.word.get_ref()
                ),
                format!("表示约束力的词 `{}` 不在引文中", r.word.get_ref()),
            ),
            Some(text(
                "quote the sentence that carries the word",
                "请引用含有该词的句子",
            )),
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
                    text(
                        "a step takes either `year` or `from` (with an optional `until`)",
                        "每个年度值要么写 `year`,要么写 `from`(可再加 `until`)",
                    ),
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
                    text("`every_years` must be at least 1", "`every_years` 至少为 1"),
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
            text(
                "a dated rule needs `steps`, `growth` or both",
                "按日期取值的规则需要 `steps`、`growth` 或两者",
            ),
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
            text(
                format!(
                    "tiers are chosen by a number or a category, and `{}` is a {}",
                    by.name(),
                    by.def().unit.name()
                ),
                format!(
                    "分档须依据数值或类别,而 `{}` 是{}字段",
                    by.name(),
                    uz(by.def().unit)
                ),
            ),
            Some(text(
                "for a yes/no condition use `when`",
                "“是/否”条件请用 `when`",
            )),
        );
    }
    *unit = cx.unit_matches(r.unit.as_ref(), measure, "measure");
    let by_cat = by.def().unit == Unit::Category;
    let overlap = match &r.overlap {
        Some(o) => Overlap::parse(o.get_ref()).or_else(|| {
            cx.err(
                Code::InvalidValue,
                &o.span(),
                text(
                    format!("`{}` is not an overlap reading", o.get_ref()),
                    format!("`{}` 不是重叠边界的读法", o.get_ref()),
                ),
                Some(text(
                    "use report, upper or lower",
                    "请使用 report、upper 或 lower",
                )),
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
                            text(
                                format!("`{v}` is not a value of `{}`", by.name()),
                                format!("`{v}` 不是 `{}` 的取值", by.name()),
                            ),
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
                    text(
                        format!(
                            "`is` selects categories, but `{}` is a number: use `min`/`max`",
                            by.name()
                        ),
                        format!(
                            "`is` 用于选择类别,而 `{}` 是数值:请用 `min`/`max`",
                            by.name()
                        ),
                    ),
                    None,
                );
                None
            }
            (None, true) => {
                cx.err(
                    Code::MissingKey,
                    &t.span(),
                    text(
                        format!(
                            "`{}` is a category: give the tier's values in `is`",
                            by.name()
                        ),
                        format!("`{}` 是类别字段:请在 `is` 中给出该档的取值", by.name()),
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
                text(
                    "a tier on a category takes `is`, not `min`/`max`",
                    "按类别分档用 `is`,不用 `min`/`max`",
                ),
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
                text(
                    "`require` needs `min`, `max` or `equal`",
                    "`require` 需要 `min`、`max` 或 `equal`",
                ),
                None,
            );
        }
        if req.equal.is_some() && (req.min.is_some() || req.max.is_some()) {
            cx.err(
                Code::InvalidValue,
                &tr.require.span(),
                text(
                    "`require` takes `equal` or bounds, not both",
                    "`require` 要么写 `equal`,要么写界限,不能两者都写",
                ),
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
            text(
                format!(
                    "a decision's `measure` names the outcome field, a category; `{}` is not one",
                    measure.name()
                ),
                format!(
                    "决策表的 `measure` 应为结果字段(类别字段);`{}` 不是类别字段",
                    measure.name()
                ),
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
                        text(
                            format!("`{name}` is not a value of `{}`", measure.name()),
                            format!("`{name}` 不是 `{}` 的取值", measure.name()),
                        ),
                        Some(text(
                            format!("use one of: {}", known.join(", ")),
                            format!("请使用以下之一:{}", known.join(", ")),
                        )),
                    );
                }
            }
        }
        if outcomes.is_empty() {
            if names.is_empty() {
                cx.err(
                    Code::MissingKey,
                    &cr.outcome.span(),
                    text(
                        "a case needs at least one outcome",
                        "每种情形至少需要一个结果",
                    ),
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
                            text(
                                format!(
                                    "money is paid per person, household or thing, but `{}` is in {}",
                                    f.name(),
                                    f.def().unit.name()
                                ),
                                format!(
                                    "经费按人、户或件计付,但 `{}` 以{}计",
                                    f.name(),
                                    uz(f.def().unit)
                                ),
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
                            text("`per` must be more than zero", "`per` 必须大于零"),
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
                    text(
                        "a per-unit component needs `rate`, `per` and `base` together",
                        "按单位计算的组成部分需要同时给出 `rate`、`per` 和 `base`",
                    ),
                    None,
                );
                None
            }
        };
        if amount.is_none() && rate.is_none() {
            cx.err(
                Code::MissingKey,
                &c.span(),
                text(
                    "a component needs a fixed `amount` or a `rate` per `base`",
                    "组成部分需要固定的 `amount`,或按 `base` 计的 `rate`",
                ),
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
                            text(
                                format!(
                                    "`paid` must be a money field, and `{}` is in {}",
                                    f.name(),
                                    f.def().unit.name()
                                ),
                                format!(
                                    "`paid` 必须是金额字段,而 `{}` 以{}计",
                                    f.name(),
                                    uz(f.def().unit)
                                ),
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
            text(
                "the payers' shares add up to zero",
                "各承担方的份额合计为零",
            ),
            None,
        );
    }
    let rem = need(cx, &r.remainder, "remainder", "money", span)?;
    let remainder = Remainder::parse(rem.get_ref()).or_else(|| {
        cx.err(
            Code::InvalidValue,
            &rem.span(),
            text(
                format!("`{}` is not a remainder rule", rem.get_ref()),
                format!("`{}` 不是尾差规则", rem.get_ref()),
            ),
            Some(text(
                format!("use one of: {}", Remainder::NAMES.join(", ")),
                format!("请使用以下之一:{}", Remainder::NAMES.join(", ")),
            )),
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
                    text(
                        format!("`{}` is not one of this rule's payers", e.get_ref()),
                        format!("`{}` 不是本规则的承担方", e.get_ref()),
                    ),
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
    let report = |cx: &mut Ctx<'_>, pos: Pos, what: Text| {
        cx.diags.push(Diagnostic::new(
            Code::EmptyRequirement,
            Severity::Error,
            cx.policy.clone(),
            cx.rule.clone(),
            cx.file,
            pos,
            what,
            Some(text(
                "check the numbers and their words against the source",
                "请对照原文核对数字及其用词",
            )),
        ));
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
                        text(
                            format!("no value of `{}` meets both bounds", measure.name()),
                            format!("`{}` 没有任何数值能同时满足两个界限", measure.name()),
                        ),
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
                        text("the lower bound is above the upper bound", "下限高于上限"),
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
                            text(
                                format!("tier {} covers no value of `{}`", i + 1, by.name()),
                                format!("第{}档不覆盖 `{}` 的任何数值", i + 1, by.name()),
                            ),
                        );
                    }
                }
                if let Some(iv) = t.require.interval(d) {
                    if empty(&iv, measure.def().whole) {
                        let fraction = t.require.equal.is_some() && measure.def().whole;
                        let (why, why_zh) = if fraction {
                            (
                                " (a whole count cannot equal a fraction)",
                                "(整数个数不可能等于小数)",
                            )
                        } else {
                            ("", "")
                        };
                        report(
                            cx,
                            t.pos,
                            text(
                                format!(
                                    "tier {} requires a value of `{}` that cannot exist{why}",
                                    i + 1,
                                    measure.name()
                                ),
                                format!(
                                    "第{}档要求的 `{}` 数值不可能存在{why_zh}",
                                    i + 1,
                                    measure.name()
                                ),
                            ),
                        );
                    }
                }
            }
        }
        _ => {}
    }
}
