//! Exact numbers.
//!
//! Every measure, bound and computed requirement is an exact rational number, so that
//! "≥ 60 % of 1000 m²" is exactly 600 m² and "18 per 10 000 residents" at 13 000
//! residents is exactly 23.4 (which a whole count rounds up to 24). Money is kept apart,
//! in integer fen (see [`crate::money`]).

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroI64;

/// An exact rational number: numerator over a positive denominator, always reduced.
/// Stored in 64 bits each (inputs are capped at 10¹²); arithmetic runs in 128 bits and
/// reports overflow instead of wrapping.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Num {
    n: i64,
    /// Never zero, which also lets `Option<Num>` take no more room than `Num`.
    den: NonZeroI64,
}

const NZ1: NonZeroI64 = match NonZeroI64::new(1) {
    Some(v) => v,
    None => unreachable!(),
};

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    // 64-bit division is several times faster than 128-bit; most values fit
    if let (Ok(mut x), Ok(mut y)) = (u64::try_from(a), u64::try_from(b)) {
        while y != 0 {
            let t = x % y;
            x = y;
            y = t;
        }
        return i128::from(x);
    }
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

impl Num {
    /// Zero.
    pub const ZERO: Num = Num { n: 0, den: NZ1 };
    /// One.
    pub const ONE: Num = Num { n: 1, den: NZ1 };

    /// A whole number.
    pub const fn int(v: i64) -> Num {
        Num { n: v, den: NZ1 }
    }

    /// `n / d`, reduced. Returns `None` when `d` is zero.
    pub fn ratio(n: i128, d: i128) -> Option<Num> {
        if d == 0 {
            return None;
        }
        // 64-bit arithmetic when both fit (several times faster than 128-bit division)
        if let (Ok(n), Ok(d)) = (i64::try_from(n), i64::try_from(d)) {
            if n != i64::MIN && d != i64::MIN {
                let (mut a, mut b) = (n.unsigned_abs(), d.unsigned_abs());
                while b != 0 {
                    let t = a % b;
                    a = b;
                    b = t;
                }
                let g = i64::try_from(a.max(1)).ok()?;
                let (n, d) = if d < 0 {
                    (-(n / g), -(d / g))
                } else {
                    (n / g, d / g)
                };
                return Some(Num {
                    n,
                    den: NonZeroI64::new(d)?,
                });
            }
        }
        let g = gcd(n, d).max(1);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = -n;
            d = -d;
        }
        Some(Num {
            n: i64::try_from(n).ok()?,
            den: NonZeroI64::new(i64::try_from(d).ok()?)?,
        })
    }

    #[inline]
    fn d(self) -> i64 {
        self.den.get()
    }

    /// Numerator (reduced).
    pub fn numer(self) -> i128 {
        i128::from(self.n)
    }

    /// Denominator (reduced, positive).
    pub fn denom(self) -> i128 {
        i128::from(self.d())
    }

    /// True when the number is whole.
    pub fn is_integer(self) -> bool {
        self.d() == 1
    }

    /// The largest whole number not above this one.
    pub fn floor(self) -> Num {
        if self.d() == 1 {
            return self;
        }
        Num {
            n: self.n.div_euclid(self.d()),
            den: NZ1,
        }
    }

    /// The smallest whole number not below this one.
    pub fn ceil(self) -> Num {
        if self.d() == 1 {
            return self;
        }
        let f = self.n.div_euclid(self.d());
        let n = if self.n.rem_euclid(self.d()) == 0 {
            f
        } else {
            f + 1
        };
        Num { n, den: NZ1 }
    }

    /// Sum; `None` on overflow.
    pub fn checked_add(self, o: Num) -> Option<Num> {
        if self.d() == 1 && o.d() == 1 {
            return self.n.checked_add(o.n).map(Num::int);
        }
        let (a, b, c, d) = (
            i128::from(self.n),
            i128::from(self.d()),
            i128::from(o.n),
            i128::from(o.d()),
        );
        Num::ratio(
            a.checked_mul(d)?.checked_add(c.checked_mul(b)?)?,
            b.checked_mul(d)?,
        )
    }

    /// Difference; `None` on overflow.
    pub fn checked_sub(self, o: Num) -> Option<Num> {
        self.checked_add(Num {
            n: o.n.checked_neg()?,
            den: o.den,
        })
    }

    /// Product; `None` on overflow.
    pub fn checked_mul(self, o: Num) -> Option<Num> {
        if self.d() == 1 && o.d() == 1 {
            return self.n.checked_mul(o.n).map(Num::int);
        }
        Num::ratio(
            i128::from(self.n) * i128::from(o.n),
            i128::from(self.d()) * i128::from(o.d()),
        )
    }

    /// Quotient; `None` on overflow or division by zero.
    pub fn checked_div(self, o: Num) -> Option<Num> {
        if o.n == 0 {
            return None;
        }
        if self.d() == 1 && o.d() == 1 {
            return Num::ratio(i128::from(self.n), i128::from(o.n));
        }
        let inv = if o.n < 0 {
            Num::ratio(-i128::from(o.d()), -i128::from(o.n))?
        } else {
            Num::ratio(i128::from(o.d()), i128::from(o.n))?
        };
        self.checked_mul(inv)
    }

    /// True when negative.
    pub fn is_negative(self) -> bool {
        self.n < 0
    }

    /// True when zero.
    pub fn is_zero(self) -> bool {
        self.n == 0
    }

    /// Absolute value.
    pub fn abs(self) -> Num {
        Num {
            n: self.n.checked_abs().unwrap_or(i64::MAX),
            den: self.den,
        }
    }

    /// Raise to a small non-negative power.
    pub fn pow(self, e: u32) -> Num {
        let mut r = Num::ONE;
        for _ in 0..e {
            r = r * self;
        }
        r
    }

    /// A lossy floating-point view, for JSON output and plotting only.
    pub fn to_f64(self) -> f64 {
        self.n as f64 / self.d() as f64
    }

    /// Whole value when integral and in range.
    pub fn to_i64(self) -> Option<i64> {
        (self.d() == 1).then_some(self.n)
    }

    /// Parses a decimal number written as `1234`, `-12.5`, `1,234.5` (thousands
    /// separators), `60%`, `3‰`. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Num> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let (body, scale) = if let Some(b) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) {
            (b.trim_end(), 100)
        } else if let Some(b) = t.strip_suffix('‰') {
            (b.trim_end(), 1000)
        } else {
            (t, 1)
        };
        let (neg, body) = match body.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, body.strip_prefix('+').unwrap_or(body)),
        };
        // an exponent, as JSON and spreadsheets write large or small numbers (`1.5e-05`)
        let (body, exp) = match body.find(['e', 'E']) {
            Some(i) => {
                let e: i32 = body.get(i + 1..)?.parse().ok()?;
                if !(-30..=30).contains(&e) {
                    return None;
                }
                (body.get(..i)?, e)
            }
            None => (body, 0),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        // thousands separators only in groups of three
        let int_digits: String = if int_part.contains(',') {
            let groups: Vec<&str> = int_part.split(',').collect();
            let first_ok = groups
                .first()
                .is_some_and(|g| !g.is_empty() && g.len() <= 3);
            let rest_ok = groups.iter().skip(1).all(|g| g.len() == 3);
            if !(first_ok && rest_ok) {
                return None;
            }
            groups.concat()
        } else {
            int_part.to_string()
        };
        if !int_digits.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        if int_digits.len() + frac_part.len() > 30 {
            return None;
        }
        let mut n: i128 = 0;
        for c in int_digits.chars().chain(frac_part.chars()) {
            n = n * 10 + i128::from(c as u8 - b'0');
        }
        let mut d: i128 = 10i128.pow(frac_part.len() as u32);
        d *= scale;
        let p = 10i128.checked_pow(exp.unsigned_abs())?;
        if exp > 0 {
            n = n.checked_mul(p)?;
        } else {
            d = d.checked_mul(p)?;
        }
        if neg {
            n = -n;
        }
        Num::ratio(n, d)
    }

    /// From a floating-point number as written in a file: uses its shortest decimal
    /// representation, so `0.6` becomes exactly 3/5.
    pub fn from_f64_decimal(v: f64) -> Option<Num> {
        if !v.is_finite() {
            return None;
        }
        let s = format!("{v}");
        if s.contains('e') || s.contains('E') {
            return None;
        }
        Num::parse(&s)
    }

    /// Decimal text: exact when the value has at most `max_dp` decimals, otherwise
    /// rounded half away from zero to `max_dp` places and prefixed with `≈`.
    pub fn to_decimal(self, max_dp: u32) -> String {
        let (text, exact) = self.decimal_parts(max_dp);
        if exact {
            text
        } else {
            format!("≈{text}")
        }
    }

    /// The decimal text without the `≈` marker, and whether it is exact.
    pub fn decimal_parts(self, max_dp: u32) -> (String, bool) {
        let neg = self.n < 0;
        let n = i128::from(self.n).abs();
        let d = i128::from(self.d());
        for dp in 0..=max_dp {
            let scale = 10i128.pow(dp);
            if (n * scale) % d == 0 {
                return (fmt_scaled(neg, n * scale / d, dp), true);
            }
        }
        let scale = 10i128.pow(max_dp);
        let scaled = n * scale;
        let q = scaled / d;
        let r = scaled % d;
        let q = if r * 2 >= d { q + 1 } else { q };
        (fmt_scaled(neg, q, max_dp), false)
    }
}

fn fmt_scaled(neg: bool, v: i128, dp: u32) -> String {
    let s = v.to_string();
    let body = if dp == 0 {
        s
    } else {
        let dp = dp as usize;
        let padded = format!("{s:0>width$}", width = dp + 1);
        let (i, f) = padded.split_at(padded.len() - dp);
        let f = f.trim_end_matches('0');
        if f.is_empty() {
            i.to_string()
        } else {
            format!("{i}.{f}")
        }
    };
    if neg && body.chars().any(|c| c != '0' && c != '.') {
        format!("-{body}")
    } else {
        body
    }
}

impl Ord for Num {
    fn cmp(&self, o: &Self) -> Ordering {
        // cross multiplication; values here are far from i128 limits
        if self.d() == o.d() {
            return self.n.cmp(&o.n);
        }
        (i128::from(self.n) * i128::from(o.d())).cmp(&(i128::from(o.n) * i128::from(self.d())))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal(2))
    }
}

impl fmt::Debug for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.d() == 1 {
            write!(f, "{}", self.n)
        } else {
            write!(f, "{}/{}", self.n, self.d())
        }
    }
}

impl Num {
    fn saturate(positive: bool) -> Num {
        Num {
            n: if positive { i64::MAX / 2 } else { i64::MIN / 2 },
            den: NZ1,
        }
    }
}

/// Sums saturate instead of overflowing (values in this domain never come close).
impl std::ops::Add for Num {
    type Output = Num;
    fn add(self, o: Num) -> Num {
        self.checked_add(o)
            .unwrap_or_else(|| Num::saturate(self.n >= 0))
    }
}

impl std::ops::Sub for Num {
    type Output = Num;
    fn sub(self, o: Num) -> Num {
        self.checked_sub(o)
            .unwrap_or_else(|| Num::saturate(self.n >= 0))
    }
}

/// Products saturate instead of overflowing.
impl std::ops::Mul for Num {
    type Output = Num;
    fn mul(self, o: Num) -> Num {
        self.checked_mul(o)
            .unwrap_or_else(|| Num::saturate((self.n >= 0) == (o.n >= 0)))
    }
}

/// Division by zero gives zero; callers check divisors first.
impl std::ops::Div for Num {
    type Output = Num;
    fn div(self, o: Num) -> Num {
        self.checked_div(o).unwrap_or(Num::ZERO)
    }
}

impl From<i64> for Num {
    fn from(v: i64) -> Self {
        Num::int(v)
    }
}

/// JSON form: a whole number is a JSON integer; a value with a finite decimal form of at
/// most 15 significant digits is a JSON number (which reads back exactly: `23.4`); any
/// other value is a string holding it exactly, as a decimal (`"0.1234567890123456789"`)
/// or a fraction (`"2/3"`). No figure is ever rounded on its way out.
impl serde::Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(i) = self.to_i64() {
            return s.serialize_i64(i);
        }
        match self.exact_text() {
            ExactText::Short(t) => match t.parse::<f64>() {
                Ok(f) => s.serialize_f64(f),
                Err(_) => s.serialize_str(&t),
            },
            ExactText::Long(t) => s.serialize_str(&t),
        }
    }
}

/// How a value is written exactly.
enum ExactText {
    /// A decimal of at most 15 significant digits.
    Short(String),
    /// A longer decimal, or a fraction.
    Long(String),
}

impl Num {
    fn exact_text(self) -> ExactText {
        // a finite decimal exists when the denominator has no prime factors but 2 and 5
        let mut d = self.d();
        let mut places = 0u32;
        while d % 10 == 0 {
            d /= 10;
            places += 1;
        }
        while d % 2 == 0 {
            d /= 2;
            places += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            places += 1;
        }
        if d != 1 || places > 30 {
            return ExactText::Long(format!("{}/{}", self.n, self.d()));
        }
        let (text, _) = self.decimal_parts(places);
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let leading = text
            .trim_start_matches('-')
            .chars()
            .take_while(|c| *c == '0' || *c == '.')
            .filter(|c| *c == '0')
            .count();
        if digits - leading <= 15 {
            ExactText::Short(text)
        } else {
            ExactText::Long(text)
        }
    }

    /// The exact text of the value: a decimal when it has a finite one (`23.4`), else a
    /// fraction (`2/3`). [`Num::parse_exact`] reads it back.
    pub fn to_exact_string(self) -> String {
        if let Some(i) = self.to_i64() {
            return i.to_string();
        }
        match self.exact_text() {
            ExactText::Short(t) | ExactText::Long(t) => t,
        }
    }

    /// Parses a decimal (as [`Num::parse`]) or a fraction `a/b`.
    pub fn parse_exact(text: &str) -> Option<Num> {
        match text.split_once('/') {
            Some((a, b)) => Num::parse(a)?.checked_div(Num::parse(b)?),
            None => Num::parse(text),
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact number: a JSON number when it is whole or a decimal of at most 15 significant digits, otherwise a string holding it exactly (a decimal such as \"0.1234567890123456789\" or a fraction such as \"2/3\")",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?(/[0-9]+)?$" }
            ]
        })
    }
}

impl<'de> serde::Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or a string holding a decimal or a fraction")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Num, E> {
                i64::try_from(v)
                    .map(Num::int)
                    .map_err(|_| E::custom("the number is too large"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Num, E> {
                Num::from_f64_decimal(v)
                    .ok_or_else(|| E::custom("the number cannot be read exactly"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Num, E> {
                Num::parse_exact(v).ok_or_else(|| E::custom(format!("`{v}` is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Num {
        Num::parse(s).unwrap_or_else(|| Num::int(-999_999))
    }

    #[test]
    fn parses_decimals_percent_and_permille() {
        assert_eq!(n("60%"), Num::ratio(3, 5).unwrap_or(Num::ZERO));
        assert_eq!(n("3‰"), Num::ratio(3, 1000).unwrap_or(Num::ZERO));
        assert_eq!(n("1,234.50"), Num::ratio(2469, 2).unwrap_or(Num::ZERO));
        assert_eq!(n("-0.25"), Num::ratio(-1, 4).unwrap_or(Num::ZERO));
        assert!(Num::parse("12,34").is_none());
        assert!(Num::parse("abc").is_none());
        assert!(Num::parse("1.2.3").is_none());
        assert!(Num::parse("").is_none());
        assert!(Num::parse(".").is_none());
    }

    #[test]
    fn float_literals_become_their_decimal() {
        assert_eq!(Num::from_f64_decimal(0.6), Num::ratio(3, 5));
    }

    #[test]
    fn rounding_is_sound() {
        let v = Num::ratio(234, 10).unwrap_or(Num::ZERO);
        assert_eq!(v.ceil(), Num::int(24));
        assert_eq!(v.floor(), Num::int(23));
        let neg = Num::ratio(-234, 10).unwrap_or(Num::ZERO);
        assert_eq!(neg.ceil(), Num::int(-23));
        assert_eq!(neg.floor(), Num::int(-24));
        assert_eq!(Num::int(5).ceil(), Num::int(5));
    }

    #[test]
    fn decimal_display() {
        assert_eq!(n("703.5").to_decimal(2), "703.5");
        assert_eq!(Num::ratio(1, 3).unwrap_or(Num::ZERO).to_decimal(2), "≈0.33");
        assert_eq!(Num::ratio(2, 3).unwrap_or(Num::ZERO).to_decimal(2), "≈0.67");
        assert_eq!(Num::int(-5).to_decimal(2), "-5");
        assert_eq!(n("0.05").to_decimal(2), "0.05");
    }

    #[test]
    fn an_absent_number_takes_no_extra_room() {
        // batch shortfall columns are `Option<Num>`: the non-zero denominator is the niche
        assert_eq!(
            std::mem::size_of::<Option<Num>>(),
            std::mem::size_of::<Num>()
        );
        assert_eq!(std::mem::size_of::<Num>(), 16);
    }

    #[test]
    fn arithmetic_is_exact() {
        let a = n("0.1") + n("0.2");
        assert_eq!(a, n("0.3"));
        assert_eq!(n("2000") * n("1.2") * n("1.2"), n("2880"));
        assert!(n("600") >= n("60%") * n("1000"));
        assert!(n("599.99") < n("60%") * n("1000"));
        assert_eq!(n("1") / Num::ZERO, Num::ZERO);
    }
}
