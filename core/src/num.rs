//! Exact numbers.
//!
//! Every measure, bound and computed requirement is an exact rational number, so that
//! "≥ 60 % of 1000 m²" is exactly 600 m² and "18 per 10 000 residents" at 13 000
//! residents is exactly 23.4 (which a whole count rounds up to 24). Money is kept apart,
//! in integer fen (see [`crate::money`]).

use std::cmp::Ordering;
use std::fmt;

/// An exact rational number: numerator over a positive denominator, always reduced.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Num {
    n: i128,
    d: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

impl Num {
    /// Zero.
    pub const ZERO: Num = Num { n: 0, d: 1 };
    /// One.
    pub const ONE: Num = Num { n: 1, d: 1 };

    /// A whole number.
    pub const fn int(v: i64) -> Num {
        Num { n: v as i128, d: 1 }
    }

    /// `n / d`, reduced. Returns `None` when `d` is zero.
    pub fn ratio(n: i128, d: i128) -> Option<Num> {
        if d == 0 {
            return None;
        }
        let g = gcd(n, d).max(1);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = -n;
            d = -d;
        }
        Some(Num { n, d })
    }

    /// Numerator (reduced).
    pub fn numer(self) -> i128 {
        self.n
    }

    /// Denominator (reduced, positive).
    pub fn denom(self) -> i128 {
        self.d
    }

    /// True when the number is whole.
    pub fn is_integer(self) -> bool {
        self.d == 1
    }

    /// The largest whole number not above this one.
    pub fn floor(self) -> Num {
        Num {
            n: self.n.div_euclid(self.d),
            d: 1,
        }
    }

    /// The smallest whole number not below this one.
    pub fn ceil(self) -> Num {
        let f = self.n.div_euclid(self.d);
        let n = if self.n.rem_euclid(self.d) == 0 {
            f
        } else {
            f + 1
        };
        Num { n, d: 1 }
    }

    /// Sum; `None` on overflow.
    pub fn checked_add(self, o: Num) -> Option<Num> {
        let n = self
            .n
            .checked_mul(o.d)?
            .checked_add(o.n.checked_mul(self.d)?)?;
        Num::ratio(n, self.d.checked_mul(o.d)?)
    }

    /// Difference; `None` on overflow.
    pub fn checked_sub(self, o: Num) -> Option<Num> {
        self.checked_add(Num { n: -o.n, d: o.d })
    }

    /// Product; `None` on overflow.
    pub fn checked_mul(self, o: Num) -> Option<Num> {
        let g1 = gcd(self.n, o.d).max(1);
        let g2 = gcd(o.n, self.d).max(1);
        let n = (self.n / g1).checked_mul(o.n / g2)?;
        let d = (self.d / g2).checked_mul(o.d / g1)?;
        Num::ratio(n, d)
    }

    /// Quotient; `None` on overflow or division by zero.
    pub fn checked_div(self, o: Num) -> Option<Num> {
        if o.n == 0 {
            return None;
        }
        self.checked_mul(Num { n: o.d, d: o.n }.normalised())
    }

    fn normalised(self) -> Num {
        if self.d < 0 {
            Num {
                n: -self.n,
                d: -self.d,
            }
        } else {
            self
        }
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
            n: self.n.abs(),
            d: self.d,
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
        self.n as f64 / self.d as f64
    }

    /// Whole value when integral and in range.
    pub fn to_i64(self) -> Option<i64> {
        if self.d == 1 {
            i64::try_from(self.n).ok()
        } else {
            None
        }
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
        let n = self.n.abs();
        for dp in 0..=max_dp {
            let scale = 10i128.pow(dp);
            if (n * scale) % self.d == 0 {
                return (fmt_scaled(neg, n * scale / self.d, dp), true);
            }
        }
        let scale = 10i128.pow(max_dp);
        let scaled = n * scale;
        let q = scaled / self.d;
        let r = scaled % self.d;
        let q = if r * 2 >= self.d { q + 1 } else { q };
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
        (self.n.saturating_mul(o.d)).cmp(&o.n.saturating_mul(self.d))
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
        if self.d == 1 {
            write!(f, "{}", self.n)
        } else {
            write!(f, "{}/{}", self.n, self.d)
        }
    }
}

impl Num {
    fn saturate(positive: bool) -> Num {
        Num {
            n: if positive {
                i128::MAX / 2
            } else {
                i128::MIN / 2
            },
            d: 1,
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

impl serde::Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(i) = self.to_i64() {
            s.serialize_i64(i)
        } else {
            s.serialize_f64(self.to_f64())
        }
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
    fn arithmetic_is_exact() {
        let a = n("0.1") + n("0.2");
        assert_eq!(a, n("0.3"));
        assert_eq!(n("2000") * n("1.2") * n("1.2"), n("2880"));
        assert!(n("600") >= n("60%") * n("1000"));
        assert!(n("599.99") < n("60%") * n("1000"));
        assert_eq!(n("1") / Num::ZERO, Num::ZERO);
    }
}
