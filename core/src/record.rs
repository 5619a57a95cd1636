//! One input record (a community, a new residential area or a meeting): a value or
//! nothing for every known field. Missing is never zero.

use serde::Serialize;

use crate::field::{self, FieldId, Subject, Unit};
use crate::lang::Lang;
use crate::num::Num;

/// The largest number a field takes (10¹²): far above any real community, and small
/// enough that money computed from it stays exact in 64-bit fen.
pub const MAX_VALUE: i64 = 1_000_000_000_000;

/// A field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// A number (households, m², yuan, a share …).
    Num(Num),
    /// Yes or no.
    Flag(bool),
    /// A category, as an index into the field's values.
    Cat(u8),
    /// Free text.
    Text(String),
}

impl Val {
    /// The value as it would be written in a roster: a number, 是/否, a category's
    /// Chinese word, the text.
    pub fn to_text(&self, f: FieldId) -> String {
        match self {
            Val::Num(n) => n.to_string(),
            Val::Flag(true) => "是".into(),
            Val::Flag(false) => "否".into(),
            Val::Cat(i) => {
                f.def()
                    .values
                    .get(usize::from(*i))
                    .map_or_else(String::new, |(id, words)| {
                        words
                            .first()
                            .map_or_else(|| (*id).to_string(), |w| (*w).to_string())
                    })
            }
            Val::Text(t) => t.clone(),
        }
    }
}

/// A record: one optional value per field in [`field::FIELDS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    vals: Vec<Option<Val>>,
}

impl Default for Record {
    fn default() -> Self {
        Record::new()
    }
}

/// Why a value cannot be stored in a field: the text as written (trimmed) and what is
/// wrong with it. [`fmt::Display`](std::fmt::Display) says it in English,
/// [`ValueError::message_in`] in either language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// A yes/no field holds something else.
    NotYesNo { text: String },
    /// A category field holds a word that is none of its values.
    UnknownValue { text: String, field: FieldId },
    /// A share that does not parse.
    NotAShare { text: String },
    /// A share of 1 or more without a sign, in a column not headed `(%)`: 60 % or 6000 %?
    AmbiguousShare { text: String },
    /// A share below zero.
    NegativeShare { text: String },
    /// A share above 100 %.
    ShareAbove100 { text: String, field: FieldId },
    /// A number below zero.
    Negative { text: String, field: FieldId },
    /// A number above [`MAX_VALUE`].
    TooLarge { text: String, field: FieldId },
    /// A fraction where only whole numbers make sense.
    NotWhole { text: String, field: FieldId },
    /// Not a number; `grouping` when it looks like one with badly grouped thousands.
    NotANumber { text: String, grouping: bool },
    /// More decimal places than shequ keeps exactly.
    TooManyDecimals { text: String },
}

impl ValueError {
    /// The text at fault, as written (trimmed).
    pub fn text(&self) -> &str {
        match self {
            ValueError::NotYesNo { text }
            | ValueError::UnknownValue { text, .. }
            | ValueError::NotAShare { text }
            | ValueError::AmbiguousShare { text }
            | ValueError::NegativeShare { text }
            | ValueError::ShareAbove100 { text, .. }
            | ValueError::Negative { text, .. }
            | ValueError::TooLarge { text, .. }
            | ValueError::NotWhole { text, .. }
            | ValueError::NotANumber { text, .. }
            | ValueError::TooManyDecimals { text } => text,
        }
    }

    /// What is wrong and what to write instead, in a language.
    pub fn message_in(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            ValueError::NotYesNo { text: t } if zh => {
                format!("`{t}` 不是“是/否”;请写 是/否、yes/no、true/false 或 1/0")
            }
            ValueError::NotYesNo { text: t } => {
                format!("`{t}` is not yes or no; write 是/否, yes/no, true/false or 1/0")
            }
            ValueError::UnknownValue { text: t, field } => {
                let values = field.def().values.iter();
                if zh {
                    let known: Vec<String> = values
                        .map(|(id, words)| format!("{} ({id})", words.join("/")))
                        .collect();
                    format!("`{t}` 不是可识别的取值;请使用以下之一:{}", known.join(", "))
                } else {
                    let known: Vec<String> = values
                        .map(|(id, words)| format!("{id} ({})", words.join("/")))
                        .collect();
                    format!("`{t}` is not a known value; use one of: {}", known.join(", "))
                }
            }
            ValueError::NotAShare { text: t } if zh => {
                format!("`{t}` 不是比例;请写成 60% 或 0.6")
            }
            ValueError::NotAShare { text: t } => format!("`{t}` is not a share; write 60% or 0.6"),
            ValueError::AmbiguousShare { text: t } if zh => format!(
                "`{t}` 作为比例有歧义;请写成 `{t}%`、小于 1 的小数(如 0.6),或在列名中注明 `(%)`"
            ),
            ValueError::AmbiguousShare { text: t } => format!(
                "`{t}` is ambiguous as a share; write `{t}%`, a fraction below 1 such as 0.6, or head the column `(%)`"
            ),
            ValueError::NegativeShare { text: t } if zh => format!("`{t}` 是负数;比例不能为负"),
            ValueError::NegativeShare { text: t } => {
                format!("`{t}` is negative; a share cannot be negative")
            }
            ValueError::ShareAbove100 { text: t, field } if zh => {
                format!("`{t}` 超过了 100 %;{}不可能超过 100 %", field.def().zh)
            }
            ValueError::ShareAbove100 { text: t, field } => {
                format!("`{t}` is more than 100 %; {} cannot be", field.def().en)
            }
            ValueError::Negative { text: t, field } if zh => {
                format!("`{t}` 是负数;{}不能为负", field.def().zh)
            }
            ValueError::Negative { text: t, field } => {
                format!("`{t}` is negative; {} cannot be negative", field.def().en)
            }
            ValueError::TooLarge { text: t, field } if zh => format!(
                "`{t}` 对{}而言过大(超过 10¹²);请检查单位",
                field.def().zh
            ),
            ValueError::TooLarge { text: t, field } => format!(
                "`{t}` is too large for {} (more than 10¹²); check the unit",
                field.def().en
            ),
            ValueError::NotWhole { text: t, field } if zh => {
                format!("`{t}` 不是整数;{}须为整数", field.def().zh)
            }
            ValueError::NotWhole { text: t, field } => format!(
                "`{t}` is not a whole number; {} are counted in whole units",
                field.def().en
            ),
            ValueError::NotANumber { text: t, grouping: false } if zh => {
                format!("`{t}` 不是数字(请写阿拉伯数字,如 1234 或 1234.5)")
            }
            ValueError::NotANumber { text: t, grouping: false } => {
                format!("`{t}` is not a number (write digits, e.g. 1234 or 1234.5)")
            }
            ValueError::NotANumber { text: t, grouping: true } if zh => format!(
                "`{t}` 不是数字(请写阿拉伯数字,如 1234 或 1234.5;千位分隔符只能每三位一组)"
            ),
            ValueError::NotANumber { text: t, grouping: true } => format!(
                "`{t}` is not a number (write digits, e.g. 1234 or 1234.5; thousands separators only in groups of three)"
            ),
            ValueError::TooManyDecimals { text: t } if zh => format!(
                "`{t}` 的小数位数超过 shequ 能精确保留的位数(最多 12 位);请四舍五入"
            ),
            ValueError::TooManyDecimals { text: t } => format!(
                "`{t}` has more decimal places than shequ keeps exactly (at most 12); round it"
            ),
        }
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message_in(Lang::En))
    }
}

impl std::error::Error for ValueError {}

impl Record {
    /// An empty record: every field missing.
    pub fn new() -> Record {
        Record {
            vals: vec![None; field::field_count()],
        }
    }

    /// Sets a field.
    pub fn set(&mut self, f: FieldId, v: Val) {
        if let Some(slot) = self.vals.get_mut(f.index()) {
            *slot = Some(v);
        }
    }

    /// Clears a field.
    pub fn clear(&mut self, f: FieldId) {
        if let Some(slot) = self.vals.get_mut(f.index()) {
            *slot = None;
        }
    }

    /// Clears every field, keeping the allocation.
    pub fn reset(&mut self) {
        for v in &mut self.vals {
            *v = None;
        }
    }

    /// A field's value as given.
    pub fn get(&self, f: FieldId) -> Option<&Val> {
        self.vals.get(f.index()).and_then(Option::as_ref)
    }

    /// A number, including values derived from others (occupancy from occupied and
    /// designed households).
    pub fn num(&self, f: FieldId) -> Option<Num> {
        match self.get(f) {
            Some(Val::Num(n)) => Some(*n),
            Some(_) => None,
            None => self.derived(f),
        }
    }

    /// Whether a number was derived rather than given.
    pub fn is_derived(&self, f: FieldId) -> bool {
        self.get(f).is_none() && self.derived(f).is_some()
    }

    fn derived(&self, f: FieldId) -> Option<Num> {
        let k = field::known();
        if !k.derivable.get(f.index()).copied().unwrap_or(false) {
            return None;
        }
        let (_, how) = k.derivations.iter().find(|(g, _)| *g == f)?;
        match *how {
            field::Derivation::Sum(a, b) => self.num(a)?.checked_add(self.num(b)?),
            field::Derivation::Ratio(a, b) => {
                let den = self.num(b)?;
                if den.is_zero() {
                    None
                } else {
                    self.num(a)?.checked_div(den)
                }
            }
        }
    }

    /// A yes/no value.
    pub fn flag(&self, f: FieldId) -> Option<bool> {
        match self.get(f) {
            Some(Val::Flag(b)) => Some(*b),
            _ => None,
        }
    }

    /// A category index.
    pub fn cat(&self, f: FieldId) -> Option<u8> {
        match self.get(f) {
            Some(Val::Cat(c)) => Some(*c),
            _ => None,
        }
    }

    /// Free text.
    pub fn text(&self, f: FieldId) -> Option<&str> {
        match self.get(f) {
            Some(Val::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// What the record describes (a community unless it says otherwise).
    pub fn subject(&self) -> Subject {
        let Some(f) = Some(field::known().subject) else {
            return Subject::Community;
        };
        match self.cat(f) {
            Some(i) => f
                .def()
                .values
                .get(usize::from(i))
                .and_then(|(id, _)| Subject::parse(id))
                .unwrap_or(Subject::Community),
            None => Subject::Community,
        }
    }

    /// The record's name, if given.
    pub fn name(&self) -> Option<&str> {
        self.text(field::known().name)
    }

    /// Parses text into a field's value. Empty text is `Ok(None)` (missing).
    pub fn parse_value(f: FieldId, text: &str) -> Result<Option<Val>, ValueError> {
        Record::parse_value_in(f, text, false)
    }

    /// Parses text into a field's value; with `percent_points`, a share written without a
    /// sign (`70`) is read as 70 % (the column is headed `(%)`).
    pub fn parse_value_in(
        f: FieldId,
        text: &str,
        percent_points: bool,
    ) -> Result<Option<Val>, ValueError> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        let def = f.def();
        let text = || t.to_string();
        match def.unit {
            Unit::Text => Ok(Some(Val::Text(t.to_string()))),
            Unit::Flag => match t.to_lowercase().as_str() {
                "是" | "yes" | "y" | "true" | "1" | "新建" => Ok(Some(Val::Flag(true))),
                "否" | "no" | "n" | "false" | "0" => Ok(Some(Val::Flag(false))),
                _ => Err(ValueError::NotYesNo { text: text() }),
            },
            Unit::Category => match field::category_index(f, t) {
                Some(i) => Ok(Some(Val::Cat(i))),
                None => Err(ValueError::UnknownValue {
                    text: text(),
                    field: f,
                }),
            },
            Unit::Percent => {
                let has_sign = t.ends_with('%') || t.ends_with('％') || t.ends_with('‰');
                let n = Num::parse(t).ok_or_else(|| ValueError::NotAShare { text: text() })?;
                let n = if percent_points && !has_sign {
                    n / Num::int(100)
                } else {
                    n
                };
                if !has_sign && !percent_points && n >= Num::int(1) {
                    return Err(ValueError::AmbiguousShare { text: text() });
                }
                if n.is_negative() {
                    return Err(ValueError::NegativeShare { text: text() });
                }
                if n > Num::int(1) {
                    return Err(ValueError::ShareAbove100 {
                        text: text(),
                        field: f,
                    });
                }
                Ok(Some(Val::Num(n)))
            }
            _ => {
                let n = Num::parse(t).ok_or_else(|| not_a_number(t, f))?;
                if n.is_negative() {
                    return Err(ValueError::Negative {
                        text: text(),
                        field: f,
                    });
                }
                if n > Num::int(MAX_VALUE) {
                    return Err(ValueError::TooLarge {
                        text: text(),
                        field: f,
                    });
                }
                if def.whole && !n.is_integer() {
                    return Err(ValueError::NotWhole {
                        text: text(),
                        field: f,
                    });
                }
                Ok(Some(Val::Num(n)))
            }
        }
    }
}

/// Why a text that does not parse as a number is refused, in the user's terms: a number
/// too large or with too many decimals for exact arithmetic is said to be so.
fn not_a_number(t: &str, field: FieldId) -> ValueError {
    let text = t.to_string();
    let body = t.trim_start_matches(['-', '+']);
    let numeric = !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | 'e' | 'E' | '-' | '+'))
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.');
    if !numeric {
        return ValueError::NotANumber {
            text,
            grouping: false,
        };
    }
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let int_digits = int.chars().filter(char::is_ascii_digit).count();
    let exp_large = body
        .split_once(['e', 'E'])
        .and_then(|(_, e)| e.parse::<i32>().ok())
        .is_some_and(|e| e > 0);
    if int_digits > 12 || exp_large {
        ValueError::TooLarge { text, field }
    } else if frac.chars().filter(char::is_ascii_digit).count() > 12 || body.contains(['e', 'E']) {
        ValueError::TooManyDecimals { text }
    } else {
        ValueError::NotANumber {
            text,
            grouping: true,
        }
    }
}

/// A value for JSON output.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum JsonVal {
    /// A number.
    Num(Num),
    /// A flag.
    Flag(bool),
    /// A category id or text.
    Text(String),
}

impl JsonVal {
    /// The JSON form of a field's value.
    pub fn of(f: FieldId, v: &Val) -> JsonVal {
        match v {
            Val::Num(n) => JsonVal::Num(*n),
            Val::Flag(b) => JsonVal::Flag(*b),
            Val::Cat(i) => JsonVal::Text(
                f.def()
                    .values
                    .get(usize::from(*i))
                    .map_or_else(String::new, |(id, _)| (*id).to_string()),
            ),
            Val::Text(t) => JsonVal::Text(t.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fid(n: &str) -> FieldId {
        field::by_id(n).unwrap_or(FieldId(0))
    }

    #[test]
    fn missing_is_not_zero() {
        let r = Record::new();
        assert_eq!(r.num(fid("households")), None);
    }

    #[test]
    fn parses_by_unit() {
        assert_eq!(
            Record::parse_value(fid("households"), "2,345"),
            Ok(Some(Val::Num(Num::int(2345))))
        );
        assert!(Record::parse_value(fid("households"), "12.5").is_err());
        assert!(Record::parse_value(fid("households"), "-3").is_err());
        assert_eq!(Record::parse_value(fid("households"), "  "), Ok(None));
        assert_eq!(
            Record::parse_value(fid("occupancy"), "55%"),
            Ok(Num::parse("0.55").map(Val::Num))
        );
        assert!(Record::parse_value(fid("occupancy"), "55").is_err());
        assert_eq!(
            Record::parse_value(fid("is_new"), "是"),
            Ok(Some(Val::Flag(true)))
        );
        assert_eq!(
            Record::parse_value(fid("kind"), "城市"),
            Ok(Some(Val::Cat(0)))
        );
        assert!(Record::parse_value(fid("kind"), "suburb").is_err());
    }

    #[test]
    fn occupancy_is_derived() {
        let mut r = Record::new();
        r.set(fid("designed_households"), Val::Num(Num::int(2000)));
        r.set(fid("occupied_households"), Val::Num(Num::int(1100)));
        assert_eq!(r.num(fid("occupancy")), Num::parse("55%"));
        assert!(r.is_derived(fid("occupancy")));
    }
}
