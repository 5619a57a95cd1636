//! The wording of Chinese normative text: how binding a sentence is (必须 / 应 / 一般 /
//! 宜 / 力争 / 鼓励 / 可) and what a boundary word means (以上 includes the number,
//! 超过 excludes it, per 《民法典》第一千二百五十九条).

use std::fmt;

use serde::Serialize;

/// How binding a rule's wording is, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Strength {
    /// 必须, 严禁, 禁止, 不得, 确保: a violation when not met.
    Mandatory,
    /// 应, 应当, 须: a violation when not met.
    Strict,
    /// 一般, 原则上: a deviation that needs a recorded reason.
    AsARule,
    /// 宜, 以…为宜: advice.
    Preferred,
    /// 力争, 达到 (by a year), 逐步: progress towards a goal.
    Target,
    /// 鼓励, 支持, 提倡: information.
    Encouraged,
    /// 可, 可以: cannot be violated.
    Permitted,
}

impl Strength {
    /// All levels, strongest first.
    pub const ALL: [Strength; 7] = [
        Strength::Mandatory,
        Strength::Strict,
        Strength::AsARule,
        Strength::Preferred,
        Strength::Target,
        Strength::Encouraged,
        Strength::Permitted,
    ];

    /// Policy-file and JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            Strength::Mandatory => "mandatory",
            Strength::Strict => "strict",
            Strength::AsARule => "as_a_rule",
            Strength::Preferred => "preferred",
            Strength::Target => "target",
            Strength::Encouraged => "encouraged",
            Strength::Permitted => "permitted",
        }
    }

    /// Parses the policy-file spelling.
    pub fn parse(s: &str) -> Option<Strength> {
        Strength::ALL.into_iter().find(|x| x.name() == s)
    }

    /// Reads a strength as a person writes it: its English name (`strict`) or one of its
    /// source words in simplified or traditional characters (`应当`, `應`, `一般`, `必须`).
    pub fn from_user(s: &str) -> Option<Strength> {
        let t = s.trim();
        if let Some(x) = Strength::parse(&t.to_lowercase()) {
            return Some(x);
        }
        let simple = simplify(t);
        Strength::ALL
            .into_iter()
            .find(|x| x.words().iter().any(|w| *w == simple))
    }

    /// The source words that signal this level (simplified characters).
    pub fn words(self) -> &'static [&'static str] {
        match self {
            Strength::Mandatory => &["必须", "严禁", "禁止", "不得", "确保"],
            Strength::Strict => &["应当", "应", "须", "要"],
            Strength::AsARule => &["一般情况下", "一般", "原则上"],
            Strength::Preferred => &["为宜", "宜"],
            Strength::Target => &["力争", "达到", "逐步"],
            Strength::Encouraged => &["鼓励", "支持", "提倡"],
            Strength::Permitted => &["可以", "可"],
        }
    }

    /// What failing a rule of this strength amounts to.
    pub fn grade(self) -> Grade {
        match self {
            Strength::Mandatory | Strength::Strict => Grade::Violation,
            Strength::AsARule => Grade::Deviation,
            Strength::Preferred => Grade::Advice,
            Strength::Target => Grade::BehindTarget,
            Strength::Encouraged | Strength::Permitted => Grade::Information,
        }
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a failed finding means, given the rule's strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Grade {
    /// A mandatory or strict rule is not met.
    Violation,
    /// An as-a-rule norm is not met: needs a recorded reason.
    Deviation,
    /// A preferred value is not met.
    Advice,
    /// A target is not yet reached.
    BehindTarget,
    /// Encouraged or permitted: for information only.
    Information,
}

impl Grade {
    /// JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            Grade::Violation => "violation",
            Grade::Deviation => "deviation",
            Grade::Advice => "advice",
            Grade::BehindTarget => "behind_target",
            Grade::Information => "information",
        }
    }
}

/// Maps the traditional characters that occur in the boundary and strength words to
/// simplified ones, so that one lexicon serves both scripts.
pub fn simplify(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '過' => '过',
            '達' => '达',
            '內' => '内',
            '滿' => '满',
            '於' => '于',
            '應' => '应',
            '須' => '须',
            '為' => '为',
            '則' => '则',
            '況' => '况',
            '勵' => '励',
            '確' => '确',
            '許' => '许',
            '劃' => '划',
            '戶' => '户',
            '數' => '数',
            '區' => '区',
            '設' => '设',
            '層' => '层',
            '爭' => '争',
            '漸' => '渐',
            '嚴' => '严',
            '當' => '当',
            '規' => '规',
            '務' => '务',
            '組' => '组',
            '員' => '员',
            '黨' => '党',
            '總' => '总',
            '萬' => '万',
            '擁' => '拥',
            '備' => '备',
            '積' => '积',
            '廣' => '广',
            '場' => '场',
            '動' => '动',
            '級' => '级',
            '會' => '会',
            '與' => '与',
            '擔' => '担',
            '財' => '财',
            '準' => '准',
            '標' => '标',
            other => other,
        })
        .collect()
}

/// Which side of a number a bound stands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A lower bound (以上, 不少于, 超过 …).
    Lower,
    /// An upper bound (以下, 不超过, 不满 …).
    Upper,
    /// Either end of a written range (A至B, A-B, A~B).
    Both,
}

/// How a policy document's 以上/以下 are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// 《民法典》第一千二百五十九条: 以上, 以下, 以内, 届满 include the number; 不满, 超过,
    /// 以外 exclude it. The default.
    Statutory,
    /// The colloquial reading some readers use: 以上 includes the number, 以下 excludes it.
    Colloquial,
}

impl Reading {
    /// Policy-file spelling.
    pub fn name(self) -> &'static str {
        match self {
            Reading::Statutory => "statutory",
            Reading::Colloquial => "colloquial",
        }
    }

    /// Parses the policy-file spelling.
    pub fn parse(s: &str) -> Option<Reading> {
        match s {
            "statutory" => Some(Reading::Statutory),
            "colloquial" => Some(Reading::Colloquial),
            _ => None,
        }
    }
}

/// The meaning of one boundary word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordSense {
    /// Which side of the number the word puts the allowed values.
    pub side: Side,
    /// Whether the number itself is allowed.
    pub inclusive: bool,
}

/// Looks a boundary word up. Traditional characters are accepted.
pub fn boundary_word(word: &str, reading: Reading) -> Option<WordSense> {
    let w = simplify(word.trim());
    let lower = |inclusive| {
        Some(WordSense {
            side: Side::Lower,
            inclusive,
        })
    };
    let upper = |inclusive| {
        Some(WordSense {
            side: Side::Upper,
            inclusive,
        })
    };
    match w.as_str() {
        "以上" => lower(true),
        "不少于" | "不低于" | "至少" | "达到" | "不小于" | "最少不低于" | "最低" | "起"
        | "不得少于" | "不得低于" => lower(true),
        "超过" | "大于" | "多于" | "高于" | "过半数" => lower(false),
        // provision standards ("每万人拥有…18人", "配备…") state a floor
        "拥有" | "配备" => lower(true),
        "以下" => upper(reading == Reading::Statutory),
        "以内" | "不超过" | "不高于" | "最多" | "至多" | "最多不得超过" | "最高不得超过"
        | "不得超过" | "不得高于" | "不大于" | "控制在" => upper(true),
        "不满" | "不足" | "少于" | "低于" | "小于" | "未达到" | "不到" | "未满" => {
            upper(false)
        }
        "至" | "-" | "—" | "–" | "~" | "～" | "到" => Some(WordSense {
            side: Side::Both,
            inclusive: true,
        }),
        _ => None,
    }
}

/// Every boundary word the lexicon knows (simplified spelling), for documentation and the
/// JSON Schema.
pub const BOUNDARY_WORDS: &[&str] = &[
    "以上",
    "不少于",
    "不低于",
    "至少",
    "达到",
    "不小于",
    "最少不低于",
    "最低",
    "起",
    "拥有",
    "配备",
    "超过",
    "大于",
    "多于",
    "高于",
    "过半数",
    "以下",
    "以内",
    "不超过",
    "不高于",
    "最多",
    "至多",
    "最多不得超过",
    "最高不得超过",
    "不得超过",
    "不得高于",
    "不得少于",
    "不得低于",
    "不大于",
    "控制在",
    "不满",
    "不足",
    "少于",
    "低于",
    "小于",
    "未达到",
    "不到",
    "未满",
    "至",
    "-",
    "—",
    "–",
    "~",
    "～",
    "到",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statutory_reading_of_the_four_words() {
        let r = Reading::Statutory;
        assert_eq!(
            boundary_word("以上", r),
            Some(WordSense {
                side: Side::Lower,
                inclusive: true
            })
        );
        assert_eq!(
            boundary_word("以下", r),
            Some(WordSense {
                side: Side::Upper,
                inclusive: true
            })
        );
        assert_eq!(
            boundary_word("超过", r),
            Some(WordSense {
                side: Side::Lower,
                inclusive: false
            })
        );
        assert_eq!(
            boundary_word("不满", r),
            Some(WordSense {
                side: Side::Upper,
                inclusive: false
            })
        );
    }

    #[test]
    fn colloquial_reading_excludes_yixia() {
        let s = boundary_word("以下", Reading::Colloquial);
        assert_eq!(
            s,
            Some(WordSense {
                side: Side::Upper,
                inclusive: false
            })
        );
        assert_eq!(
            boundary_word("以上", Reading::Colloquial).map(|s| s.inclusive),
            Some(true)
        );
    }

    #[test]
    fn traditional_characters() {
        let r = Reading::Statutory;
        assert_eq!(boundary_word("超過", r), boundary_word("超过", r));
        assert_eq!(boundary_word("不超過", r), boundary_word("不超过", r));
        assert_eq!(boundary_word("以內", r), boundary_word("以内", r));
        assert!(boundary_word("大概", r).is_none());
    }

    #[test]
    fn grades_follow_strength() {
        assert_eq!(Strength::Mandatory.grade(), Grade::Violation);
        assert_eq!(Strength::AsARule.grade(), Grade::Deviation);
        assert_eq!(Strength::Permitted.grade(), Grade::Information);
        assert!(Strength::Mandatory < Strength::Permitted);
    }
}
