//! Diagnostics: what the compiler and the linter say about a policy file.

use std::fmt;

use serde::Serialize;

use crate::lang::Lang;
use crate::model::Pos;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Severity {
    /// The file cannot be used.
    Error,
    /// The file can be used, but something in it needs a decision or a fix.
    Warning,
    /// Worth knowing (e.g. an overlap the document resolves explicitly).
    Note,
}

impl Severity {
    /// JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    /// The word for it in a language (`error` / `错误`, `warning` / `警告`, `note` /
    /// `说明`).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (_, Lang::En) => self.name(),
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Note, Lang::Zh) => "说明",
        }
    }
}

/// The stable codes of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Code {
    /// The TOML does not parse.
    #[serde(rename = "syntax")]
    Syntax,
    /// A key that the format does not know, or that does not belong to the rule's kind.
    #[serde(rename = "unknown-key")]
    UnknownKey,
    /// A required key is missing.
    #[serde(rename = "missing-key")]
    MissingKey,
    /// A value of the wrong form (not a number, an unknown word, a bad date …).
    #[serde(rename = "invalid-value")]
    InvalidValue,
    /// A field name that shequ does not know.
    #[serde(rename = "unknown-field")]
    UnknownField,
    /// Units mixed wrongly.
    #[serde(rename = "unit-mismatch")]
    UnitMismatch,
    /// A boundary word the lexicon does not know, or one used on the wrong side.
    #[serde(rename = "boundary-word")]
    BoundaryWord,
    /// The strength word does not fit the declared strength or is not in the quote.
    #[serde(rename = "strength-word")]
    StrengthWord,
    /// Two tiers both apply at some value.
    #[serde(rename = "tier-overlap")]
    TierOverlap,
    /// Some value falls in no tier.
    #[serde(rename = "tier-gap")]
    TierGap,
    /// Some case of a decision table is decided by no row.
    #[serde(rename = "decision-gap")]
    DecisionGap,
    /// Two rows of a decision table decide the same case differently.
    #[serde(rename = "decision-overlap")]
    DecisionOverlap,
    /// A quote that does not occur in the source text.
    #[serde(rename = "quote-not-found")]
    QuoteNotFound,
    /// The source file named by the policy cannot be read.
    #[serde(rename = "source-missing")]
    SourceMissing,
    /// An id used twice, or not of the id form.
    #[serde(rename = "duplicate-id")]
    DuplicateId,
    /// A reference to a rule that does not exist.
    #[serde(rename = "unknown-rule")]
    UnknownRule,
    /// A requirement no value can meet.
    #[serde(rename = "empty-requirement")]
    EmptyRequirement,
    /// A local rule loosens a hard national rule it builds on.
    #[serde(rename = "layer-conflict")]
    LayerConflict,
    /// A local rule replaces (or could replace) a national rule.
    #[serde(rename = "layer-override")]
    LayerOverride,
    /// A text in the wrong language: a Chinese `reading` with no Chinese in it.
    #[serde(rename = "reading-language")]
    ReadingLanguage,
}

impl Code {
    /// The stable spelling.
    pub fn name(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::UnknownKey => "unknown-key",
            Code::MissingKey => "missing-key",
            Code::InvalidValue => "invalid-value",
            Code::UnknownField => "unknown-field",
            Code::UnitMismatch => "unit-mismatch",
            Code::BoundaryWord => "boundary-word",
            Code::StrengthWord => "strength-word",
            Code::TierOverlap => "tier-overlap",
            Code::TierGap => "tier-gap",
            Code::DecisionGap => "decision-gap",
            Code::DecisionOverlap => "decision-overlap",
            Code::QuoteNotFound => "quote-not-found",
            Code::SourceMissing => "source-missing",
            Code::DuplicateId => "duplicate-id",
            Code::UnknownRule => "unknown-rule",
            Code::EmptyRequirement => "empty-requirement",
            Code::LayerConflict => "layer-conflict",
            Code::LayerOverride => "layer-override",
            Code::ReadingLanguage => "reading-language",
        }
    }
}

/// One thing the compiler or linter found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// The policy id, when known.
    pub policy: Option<String>,
    /// The rule id, when the diagnostic is about one rule.
    pub rule: Option<String>,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// One lowercase sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The message in Chinese.
    pub message_zh: String,
    /// The help in Chinese.
    pub help_zh: Option<String>,
}

/// A diagnostic's sentence in English and in Chinese, as the compiler and linter write
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Text {
    pub en: String,
    pub zh: String,
}

/// A sentence in English and in Chinese.
pub(crate) fn text(en: impl Into<String>, zh: impl Into<String>) -> Text {
    Text {
        en: en.into(),
        zh: zh.into(),
    }
}

impl Diagnostic {
    /// A diagnostic with its message and help in both languages.
    #[expect(clippy::too_many_arguments, reason = "every field of a diagnostic")]
    pub(crate) fn new(
        code: Code,
        severity: Severity,
        policy: Option<String>,
        rule: Option<String>,
        file: &str,
        pos: Pos,
        message: Text,
        help: Option<Text>,
    ) -> Diagnostic {
        let (help, help_zh) = match help {
            Some(h) => (Some(h.en), Some(h.zh)),
            None => (None, None),
        };
        Diagnostic {
            code,
            severity,
            policy,
            rule,
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.en,
            help,
            message_zh: message.zh,
            help_zh,
        }
    }

    /// The message in a language.
    pub fn message_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message,
        }
    }

    /// The help in a language.
    pub fn help_in(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Zh => self.help_zh.as_deref(),
            Lang::En => self.help.as_deref(),
        }
    }

    /// The diagnostic as [`fmt::Display`] writes it, in a language:
    /// `file:line:column: severity[code]: rule `id`: message` and a help line
    /// (`  help: …`, in Chinese `  提示: …`). In English it is exactly the `Display`.
    pub fn display_in(&self, lang: Lang) -> String {
        let mut s = format!(
            "{}:{}:{}: {}[{}]: ",
            self.file,
            self.line,
            self.column,
            self.severity.label(lang),
            self.code.name()
        );
        if let Some(r) = &self.rule {
            match lang {
                Lang::Zh => s.push_str(&format!("规则 `{r}`: ")),
                Lang::En => s.push_str(&format!("rule `{r}`: ")),
            }
        }
        s.push_str(self.message_in(lang));
        if let Some(h) = self.help_in(lang) {
            match lang {
                Lang::Zh => s.push_str(&format!("\n  提示: {h}")),
                Lang::En => s.push_str(&format!("\n  help: {h}")),
            }
        }
        s
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where it is.
    pub fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: ",
            self.file,
            self.line,
            self.column,
            self.severity.name(),
            self.code.name()
        )?;
        if let Some(r) = &self.rule {
            write!(f, "rule `{r}`: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Turns byte offsets in a text into 1-based lines and character columns.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes a text.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// The position of a byte offset.
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let end = offset.min(text.len());
        let column = text.get(start..end).map_or(1, |s| s.chars().count() + 1);
        Pos {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}
