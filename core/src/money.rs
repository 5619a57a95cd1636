//! Money in exact integer fen (分, 1/100 yuan), and splits between payers that always
//! add back up to the total.

use std::fmt;

use serde::Serialize;

use crate::num::Num;

/// An amount of money in fen (1 yuan = 100 fen).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Whole yuan.
    pub const fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    /// Converts an exact yuan amount to fen, rounding half away from zero when the amount
    /// has fractions of a fen. Returns the fen amount and whether rounding happened.
    pub fn from_yuan_num(y: Num) -> Option<(Fen, bool)> {
        let f = y.checked_mul(Num::int(100))?;
        if f.is_integer() {
            return Some((Fen(f.to_i64()?), false));
        }
        // half away from zero
        let (n, d) = (f.numer(), f.denom());
        let q = (2 * n.abs() + d) / (2 * d);
        let v = if n < 0 { -q } else { q };
        Some((Fen(i64::try_from(v).ok()?), true))
    }

    /// The amount in yuan as an exact number.
    pub fn to_yuan_num(self) -> Num {
        Num::ratio(i128::from(self.0), 100).unwrap_or(Num::ZERO)
    }

    /// Checked sum.
    pub fn checked_add(self, o: Fen) -> Option<Fen> {
        self.0.checked_add(o.0).map(Fen)
    }
}

impl fmt::Display for Fen {
    /// `12,345.60` style, in yuan with two decimals and thousands separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let v = self.0.unsigned_abs();
        let yuan = v / 100;
        let fen = v % 100;
        let digits = yuan.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{}{grouped}.{fen:02}", if neg { "-" } else { "" })
    }
}

/// How the fen left over after dividing by a ratio are placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Remainder {
    /// Largest remainder (Hamilton): leftover fen go one each to the payers whose exact
    /// shares lost the most in truncation; ties go to the payer listed first.
    LargestRemainder,
    /// All leftover fen go to the first payer listed.
    First,
    /// All leftover fen go to the last payer listed.
    Last,
}

impl Remainder {
    /// Parses the policy-file spelling.
    pub fn parse(s: &str) -> Option<Remainder> {
        match s {
            "largest_remainder" => Some(Remainder::LargestRemainder),
            "first" => Some(Remainder::First),
            "last" => Some(Remainder::Last),
            _ => None,
        }
    }

    /// The spellings accepted by [`Remainder::parse`].
    pub const NAMES: &'static [&'static str] = &["largest_remainder", "first", "last"];
}

/// Splits `total` into `out` (one slot per weight) without allocating; `false` when the
/// weights are unusable or more than eight. The parts always sum exactly to `total`.
pub fn split_into(total: Fen, weights: &[u64], rule: Remainder, out: &mut [i64]) -> bool {
    let k = weights.len();
    if k == 0 || k > 8 || out.len() < k {
        return false;
    }
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 {
        return false;
    }
    let neg = total.0 < 0;
    let t = u128::from(total.0.unsigned_abs());
    let mut parts = [0u128; 8];
    let mut rems = [(0u128, 0usize); 8];
    let mut assigned = 0u128;
    for (i, w) in weights.iter().enumerate() {
        let exact = t * u128::from(*w);
        let (Some(p), Some(r)) = (parts.get_mut(i), rems.get_mut(i)) else {
            return false;
        };
        *p = exact / sum;
        *r = (exact % sum, i);
        assigned += *p;
    }
    let mut left = t - assigned;
    match rule {
        Remainder::LargestRemainder => {
            if let Some(rs) = rems.get_mut(..k) {
                rs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                for (_, i) in rs.iter() {
                    if left == 0 {
                        break;
                    }
                    if let Some(p) = parts.get_mut(*i) {
                        *p += 1;
                        left -= 1;
                    }
                }
            }
        }
        Remainder::First => {
            if let Some(p) = parts.first_mut() {
                *p += left;
            }
        }
        Remainder::Last => {
            if let Some(p) = parts.get_mut(k - 1) {
                *p += left;
            }
        }
    }
    for (o, p) in out.iter_mut().zip(parts.iter()).take(k) {
        let Ok(v) = i64::try_from(*p) else {
            return false;
        };
        *o = if neg { -v } else { v };
    }
    true
}

/// Splits `total` between payers in proportion to `weights` (all non-negative, not all
/// zero). The parts always sum exactly to `total`. Returns `None` when the weights are
/// unusable.
pub fn split(total: Fen, weights: &[u64], rule: Remainder) -> Option<Vec<Fen>> {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 || weights.is_empty() {
        return None;
    }
    let neg = total.0 < 0;
    let t = u128::from(total.0.unsigned_abs());
    let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = t * u128::from(*w);
        parts.push(exact / sum);
        rems.push((exact % sum, i));
    }
    let assigned: u128 = parts.iter().sum();
    let mut left = t - assigned;
    match rule {
        Remainder::LargestRemainder => {
            // larger remainder first; among equals, earlier payer first
            rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, i) in rems {
                if left == 0 {
                    break;
                }
                if let Some(p) = parts.get_mut(i) {
                    *p += 1;
                    left -= 1;
                }
            }
        }
        Remainder::First => {
            if let Some(p) = parts.first_mut() {
                *p += left;
            }
        }
        Remainder::Last => {
            if let Some(p) = parts.last_mut() {
                *p += left;
            }
        }
    }
    parts
        .into_iter()
        .map(|p| {
            let v = i64::try_from(p).ok()?;
            Some(Fen(if neg { -v } else { v }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_six_split_of_a_round_sum() {
        let parts = split(Fen::yuan(60_000), &[4, 6], Remainder::LargestRemainder);
        assert_eq!(parts, Some(vec![Fen::yuan(24_000), Fen::yuan(36_000)]));
    }

    #[test]
    fn odd_fen_go_by_the_declared_rule() {
        // 1 fen cannot be split 4:6; the larger exact share (0.6) takes it
        assert_eq!(
            split(Fen(1), &[4, 6], Remainder::LargestRemainder),
            Some(vec![Fen(0), Fen(1)])
        );
        assert_eq!(
            split(Fen(1), &[4, 6], Remainder::First),
            Some(vec![Fen(1), Fen(0)])
        );
        // three equal payers, 100 fen: 34/33/33 with ties to the first listed
        assert_eq!(
            split(Fen(100), &[1, 1, 1], Remainder::LargestRemainder),
            Some(vec![Fen(34), Fen(33), Fen(33)])
        );
    }

    #[test]
    fn unusable_weights() {
        assert_eq!(split(Fen(100), &[0, 0], Remainder::Last), None);
        assert_eq!(split(Fen(100), &[], Remainder::Last), None);
    }

    #[test]
    fn display_in_yuan() {
        assert_eq!(Fen(123_456_789).to_string(), "1,234,567.89");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen(0).to_string(), "0.00");
    }

    #[test]
    fn yuan_to_fen_rounds_half_up() {
        let y = Num::parse("10.005").unwrap_or(Num::ZERO);
        assert_eq!(Fen::from_yuan_num(y), Some((Fen(1001), true)));
        let y = Num::parse("10.25").unwrap_or(Num::ZERO);
        assert_eq!(Fen::from_yuan_num(y), Some((Fen(1025), false)));
    }
}
