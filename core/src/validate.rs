//! Data checks: figures that are inconsistent in themselves (fewer residents than
//! households, more occupied than designed households) and re-division ledgers that do
//! not add up (before − moved out + moved in ≠ after). Published data keeps its typos;
//! these checks flag them instead of fixing them silently.

use serde::Serialize;

use crate::field::{self, FieldId};
use crate::input::Roster;
use crate::lang::{field_label, num_unit, Lang};
use crate::num::Num;
use crate::record::Record;

/// A figure that looks wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataIssue {
    /// 1-based record number.
    pub record: usize,
    /// Line in the input.
    pub line: usize,
    /// The record's name, when given.
    pub name: Option<String>,
    /// Stable code.
    pub code: &'static str,
    /// The fields involved.
    pub fields: Vec<FieldId>,
    /// What is wrong, in Chinese and English.
    pub message_zh: String,
    pub message_en: String,
}

impl DataIssue {
    /// The message in a language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }
}

fn f(name: &str) -> Option<FieldId> {
    field::by_id(name)
}

/// Household size below this is impossible (a household has at least one person).
const MIN_HOUSEHOLD_SIZE: i64 = 1;
/// Household size above this is implausible for a whole community (China's average is
/// about 2.6; the sample documents range from 1.9 to 4.2).
const MAX_HOUSEHOLD_SIZE: i64 = 10;

/// Checks each record's figures against each other.
pub fn check_records(roster: &Roster) -> Vec<DataIssue> {
    let mut out = Vec::new();
    for (i, rec) in roster.records.iter().enumerate() {
        let meta = roster.rows.get(i);
        let line = meta.map_or(0, |m| m.line);
        if let Some(m) = meta {
            out.extend(m.issues.iter().cloned());
        }
        out.extend(check_record(rec, i + 1, line));
    }
    out
}

/// Checks one record.
pub fn check_record(rec: &Record, index: usize, line: usize) -> Vec<DataIssue> {
    let mut out = Vec::new();
    let name = rec.name().map(str::to_string);
    let mut push = |code: &'static str, fields: Vec<FieldId>, zh: String, en: String| {
        out.push(DataIssue {
            record: index,
            line,
            name: name.clone(),
            code,
            fields,
            message_zh: zh,
            message_en: en,
        });
    };
    // household size: residents against households, and the floating population likewise
    for (pf, hf) in [
        ("residents", "households"),
        ("floating_residents", "floating_households"),
    ] {
        let (Some(p), Some(h)) = (f(pf), f(hf)) else {
            continue;
        };
        let (Some(pv), Some(hv)) = (rec.num(p), rec.num(h)) else {
            continue;
        };
        if hv.is_zero() {
            continue;
        }
        let size = pv / hv;
        if size < Num::int(MIN_HOUSEHOLD_SIZE) {
            push(
                "fewer_persons_than_households",
                vec![p, h],
                format!(
                    "{} {}少于{} {}:每户不足1人,疑为笔误",
                    field_label(p, Lang::Zh),
                    num_unit(pv, p.def().unit, Lang::Zh),
                    field_label(h, Lang::Zh),
                    num_unit(hv, h.def().unit, Lang::Zh)
                ),
                format!(
                    "{} {} is fewer than {} {}: under one person a household, probably a typo",
                    field_label(p, Lang::En),
                    pv.to_decimal(2),
                    field_label(h, Lang::En),
                    hv.to_decimal(2)
                ),
            );
        } else if size > Num::int(MAX_HOUSEHOLD_SIZE) {
            push(
                "implausible_household_size",
                vec![p, h],
                format!("{} {} 与 {} {}:每户约{}人,不合常理,疑为笔误或单位错误", field_label(p, Lang::Zh), num_unit(pv, p.def().unit, Lang::Zh), field_label(h, Lang::Zh), num_unit(hv, h.def().unit, Lang::Zh), size.decimal_parts(1).0),
                format!("{} {} for {} {}: about {} persons a household, implausible (a typo or a unit error?)", field_label(p, Lang::En), pv.to_decimal(2), field_label(h, Lang::En), hv.to_decimal(2), size.decimal_parts(1).0),
            );
        }
    }
    // parts larger than their whole
    for (part, whole) in [
        ("occupied_households", "designed_households"),
        ("young_certified", "young_workers"),
        ("activity_space", "service_space"),
        ("office_space", "service_space"),
        ("party_affairs_workers", "full_time_workers"),
        ("proposing_adults", "adult_residents"),
        ("proposing_households", "households"),
        ("proposing_groups", "resident_groups"),
        ("in_favour", "present"),
        ("present", "entitled"),
    ] {
        let (Some(a), Some(b)) = (f(part), f(whole)) else {
            continue;
        };
        let (Some(av), Some(bv)) = (rec.num(a), rec.num(b)) else {
            continue;
        };
        if av > bv {
            push(
                "part_exceeds_whole",
                vec![a, b],
                format!(
                    "{} {}多于{} {}",
                    field_label(a, Lang::Zh),
                    num_unit(av, a.def().unit, Lang::Zh),
                    field_label(b, Lang::Zh),
                    num_unit(bv, b.def().unit, Lang::Zh)
                ),
                format!(
                    "{} {} exceeds {} {}",
                    field_label(a, Lang::En),
                    av.to_decimal(2),
                    field_label(b, Lang::En),
                    bv.to_decimal(2)
                ),
            );
        }
    }
    out
}

/// One community whose figures do not add up across a re-division.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerIssue {
    pub community: String,
    pub measure: FieldId,
    /// Before the re-division (zero for a new community).
    pub before: Option<Num>,
    pub moved_out: Num,
    pub moved_in: Num,
    /// before − moved out + moved in.
    pub expected: Num,
    /// As published after the re-division.
    pub after: Num,
    /// Line of the community in the `after` file.
    pub line: usize,
}

impl LedgerIssue {
    /// The issue in words.
    pub fn message(&self, lang: Lang) -> String {
        let u = self.measure.def().unit;
        let n = |x: Num| num_unit(x, u, lang);
        let before = self.before.map_or_else(
            || {
                if lang == Lang::Zh {
                    "新设(0)".to_string()
                } else {
                    "new (0)".to_string()
                }
            },
            n,
        );
        match lang {
            Lang::Zh => format!(
                "{} {}:调整前 {before} − 划出 {} + 划入 {} = {},但调整后为 {}(差 {})",
                self.community,
                field_label(self.measure, lang),
                n(self.moved_out),
                n(self.moved_in),
                n(self.expected),
                n(self.after),
                n((self.after - self.expected).abs())
            ),
            Lang::En => format!(
                "{} {}: before {before} − moved out {} + moved in {} = {}, but after it is {} (off by {})",
                self.community,
                field_label(self.measure, lang),
                n(self.moved_out),
                n(self.moved_in),
                n(self.expected),
                n(self.after),
                n((self.after - self.expected).abs())
            ),
        }
    }
}

/// Why a ledger cannot be checked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// A file lacks a column the check needs.
    #[error("the {file} file has no `{column}` column")]
    MissingColumn {
        file: &'static str,
        column: &'static str,
    },
}

/// Checks a re-division: for every community after it, `before − moved out + moved in`
/// must equal the published figure, for households and for residents, wherever all the
/// figures are known. A community absent before is new (starts from zero); `before`
/// figures that are missing leave that community unchecked.
pub fn check_ledger(
    before: &Roster,
    after: &Roster,
    moves: &Roster,
) -> Result<Vec<LedgerIssue>, LedgerError> {
    let name = f("name").ok_or(LedgerError::MissingColumn {
        file: "before",
        column: "name",
    })?;
    let from = f("from_community").ok_or(LedgerError::MissingColumn {
        file: "moves",
        column: "from_community",
    })?;
    let to = f("to_community").ok_or(LedgerError::MissingColumn {
        file: "moves",
        column: "to_community",
    })?;
    if moves
        .records
        .iter()
        .any(|r| r.text(from).is_none() || r.text(to).is_none())
    {
        return Err(LedgerError::MissingColumn {
            file: "moves",
            column: "迁出社区/迁入社区 (from_community/to_community)",
        });
    }
    let mut out = Vec::new();
    for measure in ["households", "residents"].iter().filter_map(|m| f(m)) {
        for (i, a) in after.records.iter().enumerate() {
            let Some(c) = a.text(name) else { continue };
            let Some(after_v) = a.num(measure) else {
                continue;
            };
            let before_rec = before.records.iter().find(|b| b.text(name) == Some(c));
            let before_v = match before_rec {
                Some(b) => match b.num(measure) {
                    Some(v) => Some(v),
                    None => continue,
                },
                None => None,
            };
            let mut moved_out = Num::ZERO;
            let mut moved_in = Num::ZERO;
            let mut unknown = false;
            for m in &moves.records {
                let v = m.num(measure);
                if m.text(from) == Some(c) {
                    match v {
                        Some(x) => moved_out = moved_out + x,
                        None => unknown = true,
                    }
                }
                if m.text(to) == Some(c) {
                    match v {
                        Some(x) => moved_in = moved_in + x,
                        None => unknown = true,
                    }
                }
            }
            // a new community built only from moves would be checked by them; one built
            // from a split without listed moves cannot be, so only check when some move
            // or a `before` figure anchors it
            if unknown || (before_v.is_none() && moved_in.is_zero()) {
                continue;
            }
            let expected = before_v.unwrap_or(Num::ZERO) - moved_out + moved_in;
            if before_v.is_none() {
                // a new community made of moved areas plus parts not listed as moves
                continue;
            }
            if expected != after_v {
                out.push(LedgerIssue {
                    community: c.to_string(),
                    measure,
                    before: before_v,
                    moved_out,
                    moved_in,
                    expected,
                    after: after_v,
                    line: after.rows.get(i).map_or(0, |r| r.line),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_csv;

    #[test]
    fn fewer_residents_than_households_is_flagged() {
        let r = parse_csv(
            "社区名称,户数,常住人口\n会师门社区,805,669\n枝阳社区,2323,8824\n",
            "b.csv",
        )
        .unwrap_or_default();
        let issues = check_records(&r);
        assert_eq!(issues.len(), 1);
        assert_eq!(
            issues.first().map(|i| (i.code, i.line)),
            Some(("fewer_persons_than_households", 2))
        );
    }

    #[test]
    fn implausible_household_sizes_are_flagged() {
        let r =
            parse_csv("名称,户数,常住人口\n柴家门镇,3605,141410000\n", "t.csv").unwrap_or_default();
        assert_eq!(
            check_records(&r).first().map(|i| i.code),
            Some("implausible_household_size")
        );
    }

    #[test]
    fn a_ledger_that_does_not_add_up() {
        let before = parse_csv(
            "社区名称,户数,常住人口\n甲,2323,8824\n乙,805,669\n",
            "b.csv",
        )
        .unwrap_or_default();
        let after = parse_csv(
            "社区名称,户数,常住人口\n甲,1804,6234\n乙,1324,5259\n",
            "a.csv",
        )
        .unwrap_or_default();
        let moves = parse_csv("迁出社区,迁入社区,户数,常住人口\n甲,乙,519,2590\n", "m.csv")
            .unwrap_or_default();
        let issues = check_ledger(&before, &after, &moves).unwrap_or_default();
        // households add up everywhere; residents of 乙 do not: 669 + 2590 = 3259, not 5259
        assert_eq!(issues.len(), 1, "{issues:?}");
        let i = issues.first();
        assert_eq!(
            i.map(|x| (x.community.as_str(), x.expected, x.after)),
            Some(("乙", Num::int(3259), Num::int(5259)))
        );
    }
}
