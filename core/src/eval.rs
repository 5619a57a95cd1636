//! Evaluation: a compiled [`Plan`] judges records and rosters and returns findings,
//! obligations and roster-level findings. Nothing here parses policies: a plan is built
//! once and evaluated as often as wanted.

use serde::Serialize;
use std::ops::{Add, Div, Sub};

use crate::date::Date;
use crate::field::{self, FieldId, Subject, Unit};
use crate::model::*;
use crate::money::{self, Fen};
use crate::num::Num;
use crate::record::Record;
use crate::words::Strength;

/// A verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Status {
    /// The rule is met.
    Pass,
    /// The rule is not met.
    Fail,
    /// The data meets one reading and not another (overlapping tiers), or the policy
    /// does not decide the case.
    Ambiguous,
    /// The rule does not apply (see `reason`).
    NotApplicable,
    /// Fields needed to decide are missing (see `missing`).
    MissingData,
}

impl Status {
    /// JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Ambiguous => "ambiguous",
            Status::NotApplicable => "not_applicable",
            Status::MissingData => "missing_data",
        }
    }

    /// All statuses.
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Ambiguous,
        Status::NotApplicable,
        Status::MissingData,
    ];
}

/// Why a finding is `not_applicable` or `ambiguous`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Reason {
    /// The document is a draft (征求意见稿).
    Draft,
    /// The document is not in force on the as-of date.
    NotInForce { as_of: Date },
    /// The document does not govern this kind of community.
    KindNotCovered { kind: &'static str },
    /// A condition of the rule does not hold.
    ConditionNotMet { field: FieldId },
    /// The rule gives no value for the as-of date.
    NoValueOnDate { as_of: Date },
    /// The value lies where two tiers overlap and they disagree.
    BoundaryOverlap,
    /// The policy does not decide this case (a gap in a table).
    Undecided,
    /// No whole number meets the requirement.
    NoWholeValue,
    /// A roster rule found no community to judge.
    NoCommunities,
    /// A money amount too large to compute exactly (check the units of the input).
    AmountTooLarge,
    /// A roster share depends on communities whose own verdict is ambiguous.
    DependsOnAmbiguous,
    /// A local rule replaces this national rule.
    Overridden { by: std::sync::Arc<str> },
}

impl Reason {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Draft => "draft",
            Reason::NotInForce { .. } => "not_in_force",
            Reason::KindNotCovered { .. } => "kind_not_covered",
            Reason::ConditionNotMet { .. } => "condition_not_met",
            Reason::NoValueOnDate { .. } => "no_value_on_date",
            Reason::BoundaryOverlap => "boundary_overlap",
            Reason::Undecided => "undecided",
            Reason::NoWholeValue => "no_whole_value",
            Reason::NoCommunities => "no_communities",
            Reason::AmountTooLarge => "amount_too_large",
            Reason::DependsOnAmbiguous => "depends_on_ambiguous",
            Reason::Overridden { .. } => "overridden",
        }
    }
}

/// How a requirement was obtained, for the explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Basis {
    /// Written in the rule.
    Fixed,
    /// A multiple of another field: `coefficient × base_value`.
    Proportional {
        base: FieldId,
        base_value: Num,
        value: Num,
        per: Num,
        percent: bool,
    },
    /// Derived from a size per unit.
    PerUnit { base: FieldId, base_value: Num },
    /// Chosen by tier(s) of a table.
    Tiers { by: FieldId, tiers: Vec<usize> },
    /// Dated: the step or stage in force.
    Dated { dated: DatedBy },
}

/// A requirement as evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Required {
    /// The interval the measure must lie in, after whole-number rounding.
    pub interval: Option<Interval>,
    /// Before rounding to whole numbers, when rounding changed it.
    /// Boxed: present only when rounding changed the requirement.
    pub exact: Option<Box<Interval>>,
    /// For decisions: the decided outcome(s) (indices into the measure's values).
    pub outcome: Option<Vec<u8>>,
    /// For preferred values: the options.
    pub options: Vec<(FieldId, Num)>,
    /// How it was obtained.
    pub basis: Basis,
}

/// What to do about a failing finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Action {
    /// Raise the field by `amount`.
    Increase,
    /// Lower the field by `amount`.
    Decrease,
    /// Split into between `parts.0` and `parts.1` parts.
    Split,
    /// Merge with neighbours to gain at least `amount`.
    Merge,
    /// Set the field to `to`.
    Set,
    /// Choose the decided outcome.
    Choose,
}

/// The smallest change that passes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Remedy {
    pub action: Action,
    pub field: FieldId,
    /// By how much (in the field's unit).
    pub amount: Option<Num>,
    /// To what value.
    pub to: Option<Num>,
    /// Into how many parts (split).
    pub parts: Option<(Num, Num)>,
    /// For splits: the size range of each part.
    pub part_size: Option<Interval>,
    /// For decisions: the outcome(s) to choose from.
    pub outcome: Option<Vec<u8>>,
    /// When the bound excludes its number, the remedy is "more than" the amount.
    pub strictly_more: bool,
}

/// Something worth saying about how a finding was reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Note {
    /// A requirement was rounded to whole units.
    Rounded,
    /// The value sits where tiers overlap.
    Overlap {
        tiers: Vec<usize>,
        passing: Vec<usize>,
    },
    /// The overlap was resolved by the policy's declared reading.
    OverlapResolved { chosen: usize, reading: Overlap },
    /// A value was derived from others.
    Derived { field: FieldId },
    /// Evaluated although the document is not in force.
    NotInForceEvaluated,
}

/// A reference to a rule in a plan; ordered as the plan lists its rules.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub struct RuleRef {
    pub policy: u16,
    pub rule: u16,
}

/// One verdict of one rule on one record (or on a roster group).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: RuleRef,
    pub status: Status,
    pub reason: Option<Reason>,
    pub measure: Option<FieldId>,
    pub actual: Option<Num>,
    /// For category measures: the value found.
    pub actual_outcome: Option<u8>,
    pub required: Option<Required>,
    pub shortfall: Option<Num>,
    pub remedy: Option<Remedy>,
    pub missing: Vec<FieldId>,
    pub notes: Vec<Note>,
    /// Roster findings: the group (e.g. county) judged, or `None` for the whole roster.
    pub group: Option<String>,
    /// Roster findings: how many communities were counted.
    pub counted: Option<usize>,
    /// The national rule (`policy/rule`) this local finding replaces, if any.
    pub replaces: Option<std::sync::Arc<str>>,
}

impl Finding {
    /// Makes this finding a fresh one for `rule` (as [`Finding::new`] would), keeping the
    /// capacity of its lists: re-evaluation into the same buffer allocates nothing for them.
    fn reset(&mut self, rule: RuleRef, status: Status) {
        self.rule = rule;
        self.status = status;
        self.reason = None;
        self.measure = None;
        self.actual = None;
        self.actual_outcome = None;
        self.required = None;
        self.shortfall = None;
        self.remedy = None;
        self.missing.clear();
        self.notes.clear();
        self.group = None;
        self.counted = None;
        self.replaces = None;
    }

    pub(crate) fn new(rule: RuleRef, status: Status) -> Finding {
        Finding {
            rule,
            status,
            reason: None,
            measure: None,
            actual: None,
            actual_outcome: None,
            required: None,
            shortfall: None,
            remedy: None,
            missing: Vec::new(),
            notes: Vec::new(),
            group: None,
            counted: None,
            replaces: None,
        }
    }
}

/// One line of an obligation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObligationLine {
    /// Index of the component in the rule.
    pub component: usize,
    /// The standard amount.
    pub amount: Fen,
    /// The base quantity, for per-unit components.
    pub base_value: Option<Num>,
    /// Whether the amount was rounded to the fen.
    pub rounded: bool,
    /// The amount actually paid, when the data gives it.
    pub paid: Option<Fen>,
    /// Amount paid above the standard (borne by the rule's excess payer).
    pub excess: Option<Fen>,
    /// Amount paid below the standard: the obligation then fails.
    pub shortfall: Option<Fen>,
}

/// Money owed under a money rule, with each payer's share. `shares` always add up to
/// `total` (the standard); `shares_with_excess` add up to the standard plus whatever was
/// paid above it, which the rule's excess payer bears. The status is `fail` when a
/// component is paid below its standard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Obligation {
    pub rule: RuleRef,
    pub status: Status,
    pub reason: Option<Reason>,
    pub lines: Vec<ObligationLine>,
    /// The standard total.
    pub total: Option<Fen>,
    /// Each payer's share of the standard total (same order as the rule's payers).
    pub shares: Vec<Fen>,
    /// Each payer's share including any excess they bear.
    pub shares_with_excess: Vec<Fen>,
    pub missing: Vec<FieldId>,
}

/// Evaluation options.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date at which dated values and the force of documents are judged.
    pub as_of: Date,
    /// Evaluate documents even when they are drafts or not in force on `as_of`
    /// (findings then carry a note saying so).
    pub allow_not_in_force: bool,
    /// Keep only findings of rules at least this binding.
    pub min_strength: Option<Strength>,
}

impl Options {
    /// Options at a date.
    pub fn at(as_of: Date) -> Options {
        Options {
            as_of,
            allow_not_in_force: false,
            min_strength: None,
        }
    }
}

/// The result for one record. `RecordResult::default()` is an empty one to pass to
/// [`Plan::evaluate_into`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RecordResult {
    pub findings: Vec<Finding>,
    pub obligations: Vec<Obligation>,
}

/// A compiled evaluation plan over one or more policies.
#[derive(Clone, Debug)]
pub struct Plan {
    policies: Vec<Policy>,
    /// Honoured overrides: (national rule, local rule replacing it).
    overrides: Vec<(RuleRef, RuleRef)>,
    /// `policy/rule` names of the rules in `overrides`, made once.
    override_names: Vec<(std::sync::Arc<str>, std::sync::Arc<str>)>,
    /// The overrides grouped by national rule, in order of first appearance, with the
    /// names made once: applying them to a record's findings then allocates nothing.
    override_groups: Vec<OverrideGroup>,
    /// For each rule (in plan order, all policies), its slot among the rules taking part
    /// in overrides, or `u8::MAX`; empty when they are more than [`OVERRIDE_SLOTS`].
    override_slot: Vec<u8>,
    /// Number of rules that judge single records (to size result vectors once).
    record_rules: usize,
    /// Index of each policy's first rule among all rules (plan order).
    offsets: Vec<usize>,
    /// `policy/rule` of every rule, in plan order.
    ids: Vec<std::sync::Arc<str>>,
    /// The input fields every rule reads, in plan order.
    inputs: Vec<Vec<FieldId>>,
}

/// One national rule and the local rules that replace it, each with its slot (see
/// [`Plan::override_slot`]).
#[derive(Clone, Debug)]
struct OverrideGroup {
    national: RuleRef,
    national_slot: u8,
    name: std::sync::Arc<str>,
    locals: Vec<(RuleRef, u8, std::sync::Arc<str>)>,
}

/// How many rules taking part in overrides a record's evaluation tracks by slot (where
/// each one's finding landed); beyond that, findings are found by binary search.
const OVERRIDE_SLOTS: usize = 32;

/// Where the findings of the rules taking part in overrides are, by slot.
pub(crate) type Slots = [u32; OVERRIDE_SLOTS];

pub(crate) enum Force {
    Yes,
    Evaluated,
    No(Reason),
}

impl Plan {
    /// A plan over compiled policies.
    pub fn new(policies: Vec<Policy>) -> Plan {
        let overrides = crate::layer::overrides(&policies);
        let name = |r: RuleRef| -> std::sync::Arc<str> {
            let p = policies.get(usize::from(r.policy));
            let x = p.and_then(|p| p.rules.get(usize::from(r.rule)));
            match (p, x) {
                (Some(p), Some(x)) => format!("{}/{}", p.meta.id, x.id).into(),
                _ => "".into(),
            }
        };
        let override_names = overrides
            .iter()
            .map(|(n, l)| (name(*n), name(*l)))
            .collect();
        let mut taking_part: Vec<RuleRef> = Vec::new();
        for (n, l) in &overrides {
            for r in [n, l] {
                if !taking_part.contains(r) {
                    taking_part.push(*r);
                }
            }
        }
        let slot_of = |r: RuleRef| -> u8 {
            taking_part
                .iter()
                .position(|x| *x == r)
                .filter(|i| *i < OVERRIDE_SLOTS)
                .and_then(|i| u8::try_from(i).ok())
                .unwrap_or(u8::MAX)
        };
        let override_slot: Vec<u8> = if taking_part.len() <= OVERRIDE_SLOTS {
            policies
                .iter()
                .enumerate()
                .flat_map(|(pi, p)| (0..p.rules.len()).map(move |ri| (pi, ri)))
                .map(|(pi, ri)| match (u16::try_from(pi), u16::try_from(ri)) {
                    (Ok(policy), Ok(rule)) => slot_of(RuleRef { policy, rule }),
                    _ => u8::MAX,
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut override_groups: Vec<OverrideGroup> = Vec::new();
        for (n, l) in &overrides {
            let local = (*l, slot_of(*l), name(*l));
            match override_groups.iter_mut().find(|g| g.national == *n) {
                Some(g) => g.locals.push(local),
                None => override_groups.push(OverrideGroup {
                    national: *n,
                    national_slot: slot_of(*n),
                    name: name(*n),
                    locals: vec![local],
                }),
            }
        }
        let record_rules = policies
            .iter()
            .flat_map(|p| p.rules.iter())
            .filter(|r| r.subject != Subject::Roster)
            .count();
        let mut offsets = Vec::with_capacity(policies.len());
        let mut ids = Vec::new();
        let mut inputs = Vec::new();
        for p in &policies {
            offsets.push(ids.len());
            for r in &p.rules {
                ids.push(std::sync::Arc::from(format!("{}/{}", p.meta.id, r.id)));
                inputs.push(rule_inputs(p, r));
            }
        }
        Plan {
            policies,
            overrides,
            override_names,
            override_groups,
            override_slot,
            record_rules,
            offsets,
            ids,
            inputs,
        }
    }

    /// The same plan with only the rules named (`policy/rule` ids); a policy left with no
    /// rule is dropped. `Err` lists the ids that name no rule of the plan.
    pub fn restrict(&self, ids: &[String]) -> Result<Plan, Vec<String>> {
        let unknown: Vec<String> = ids
            .iter()
            .filter(|id| self.rule_by_id(id).is_none())
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let policies = self
            .policies
            .iter()
            .filter_map(|p| {
                let mut p = p.clone();
                p.rules.retain(|r| {
                    ids.iter()
                        .any(|id| *id == format!("{}/{}", p.meta.id, r.id))
                });
                (!p.rules.is_empty()).then_some(p)
            })
            .collect();
        Ok(Plan::new(policies))
    }

    /// A rule's position among all the plan's rules.
    pub fn flat(&self, r: RuleRef) -> Option<usize> {
        let o = self.offsets.get(usize::from(r.policy))?;
        let n = self.policies.get(usize::from(r.policy))?.rules.len();
        (usize::from(r.rule) < n).then_some(o + usize::from(r.rule))
    }

    /// Number of rules in the plan.
    pub fn rule_count(&self) -> usize {
        self.ids.len()
    }

    /// A rule's id, `policy/rule` (e.g. `xian-2023/size-households`).
    pub fn rule_id(&self, r: RuleRef) -> &str {
        self.flat(r)
            .and_then(|i| self.ids.get(i))
            .map_or("", |s| s.as_ref())
    }

    /// The rule with this id (`policy/rule`).
    pub fn rule_by_id(&self, id: &str) -> Option<RuleRef> {
        let i = self.ids.iter().position(|x| x.as_ref() == id)?;
        self.rule_refs().nth(i)
    }

    /// The input fields a rule reads (its measure, bases, conditions, the community kind
    /// when its document governs only some kinds, and what derived fields are made of):
    /// the boxes a form marks for the rule.
    pub fn inputs(&self, r: RuleRef) -> &[FieldId] {
        self.flat(r)
            .and_then(|i| self.inputs.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// The honoured overrides: (national rule, local rule replacing it).
    pub fn overrides(&self) -> &[(RuleRef, RuleRef)] {
        &self.overrides
    }

    fn rule_name(&self, r: RuleRef) -> std::sync::Arc<str> {
        for (i, (n, l)) in self.overrides.iter().enumerate() {
            if let Some((nn, ln)) = self.override_names.get(i) {
                if *n == r {
                    return nn.clone();
                }
                if *l == r {
                    return ln.clone();
                }
            }
        }
        self.rule(r)
            .map(|(p, x)| format!("{}/{}", p.meta.id, x.id).into())
            .unwrap_or_else(|| "".into())
    }

    /// Marks national findings replaced by a local rule that judged the same record (or
    /// group), and notes the replacement on the local finding.
    /// Applies the overrides to findings; `slots`, when given, says where each rule
    /// taking part has its finding (one per rule, per-record findings).
    pub(crate) fn apply_overrides(&self, findings: &mut [Finding], slots: Option<&Slots>) {
        if self.overrides.is_empty() {
            return;
        }
        if findings.iter().any(|f| f.group.is_some()) {
            return self.apply_overrides_grouped(findings);
        }
        // findings without groups come in plan order: each rule's findings are found by
        // slot or by binary search, and nothing is allocated unless several local rules
        // replace the same national rule
        debug_assert!(findings.windows(2).all(|w| match w {
            [a, b] => a.rule <= b.rule,
            _ => true,
        }));
        let at = |findings: &[Finding], r: RuleRef, slot: u8| -> Option<usize> {
            if let Some(pos) = slots {
                return pos
                    .get(usize::from(slot))
                    .and_then(|i| usize::try_from(*i).ok())
                    .filter(|i| findings.get(*i).is_some_and(|f| f.rule == r));
            }
            let i = findings.partition_point(|f| f.rule < r);
            findings.get(i).filter(|f| f.rule == r).map(|_| i)
        };
        for g in &self.override_groups {
            let Some(ni) = at(findings, g.national, g.national_slot) else {
                continue;
            };
            let applies = |findings: &[Finding], l: RuleRef, slot: u8| {
                at(findings, l, slot).is_some_and(|i| {
                    findings
                        .get(i..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|f| f.rule == l)
                        .any(|f| f.status != Status::NotApplicable)
                })
            };
            let mut count = 0;
            let mut first = None;
            for (l, slot, name) in &g.locals {
                if applies(findings, *l, *slot) {
                    count += 1;
                    first = first.or(Some(name));
                }
            }
            let Some(first) = first else { continue };
            let by: std::sync::Arc<str> = if count == 1 {
                first.clone()
            } else {
                g.locals
                    .iter()
                    .filter(|(l, slot, _)| applies(findings, *l, *slot))
                    .map(|(_, _, name)| name.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into()
            };
            // the name moves into the last finding (each clone is an atomic operation)
            let run = findings
                .get(ni..)
                .unwrap_or_default()
                .iter()
                .take_while(|f| f.rule == g.national)
                .count();
            let mut by = Some(by);
            for (k, f) in findings.iter_mut().skip(ni).take(run).enumerate() {
                let name = if k + 1 == run { by.take() } else { by.clone() };
                f.status = Status::NotApplicable;
                f.reason = name.map(|by| Reason::Overridden { by });
                f.remedy = None;
                f.shortfall = None;
            }
            for (l, slot, _) in &g.locals {
                let Some(i) = at(findings, *l, *slot) else {
                    continue;
                };
                for f in findings
                    .iter_mut()
                    .skip(i)
                    .take_while(|f| f.rule == *l)
                    .filter(|f| f.status != Status::NotApplicable)
                {
                    f.replaces = Some(g.name.clone());
                }
            }
        }
    }

    fn apply_overrides_grouped(&self, findings: &mut [Finding]) {
        // each national finding replaced by every local rule that judged the same record or group
        let mut by: Vec<(RuleRef, Option<String>, Vec<RuleRef>)> = Vec::new();
        for (national, local) in &self.overrides {
            let groups: Vec<Option<String>> = findings
                .iter()
                .filter(|f| f.rule == *local && f.status != Status::NotApplicable)
                .map(|f| f.group.clone())
                .collect();
            for g in groups {
                match by.iter_mut().find(|(n, gg, _)| n == national && *gg == g) {
                    Some((_, _, locals)) => locals.push(*local),
                    None => by.push((*national, g, vec![*local])),
                }
            }
        }
        for (national, g, locals) in by {
            let by: std::sync::Arc<str> = match locals.as_slice() {
                [one] => self.rule_name(*one),
                many => many
                    .iter()
                    .map(|l| self.rule_name(*l).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
            };
            let mut replaced = false;
            for f in findings
                .iter_mut()
                .filter(|f| f.rule == national && f.group == g)
            {
                f.status = Status::NotApplicable;
                f.reason = Some(Reason::Overridden { by: by.clone() });
                f.remedy = None;
                f.shortfall = None;
                replaced = true;
            }
            if replaced {
                let name = self.rule_name(national);
                for f in findings
                    .iter_mut()
                    .filter(|f| locals.contains(&f.rule) && f.group == g)
                {
                    f.replaces = Some(name.clone());
                }
            }
        }
    }

    /// The policies, in evaluation order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The rule a reference points to.
    pub fn rule(&self, r: RuleRef) -> Option<(&Policy, &Rule)> {
        let p = self.policies.get(usize::from(r.policy))?;
        Some((p, p.rules.get(usize::from(r.rule))?))
    }

    /// Every rule reference, in order.
    pub fn rule_refs(&self) -> impl Iterator<Item = RuleRef> + '_ {
        self.policies.iter().enumerate().flat_map(|(pi, p)| {
            (0..p.rules.len()).map(move |ri| RuleRef {
                policy: pi as u16,
                rule: ri as u16,
            })
        })
    }

    pub(crate) fn force(&self, p: &Policy, opts: &Options) -> Force {
        if p.meta.in_force_on(opts.as_of) {
            return Force::Yes;
        }
        if opts.allow_not_in_force {
            return Force::Evaluated;
        }
        if p.meta.status == DocStatus::Draft {
            Force::No(Reason::Draft)
        } else {
            Force::No(Reason::NotInForce { as_of: opts.as_of })
        }
    }

    pub(crate) fn keep(rule: &Rule, opts: &Options) -> bool {
        opts.min_strength.is_none_or(|m| rule.strength <= m)
    }

    /// Evaluates one record against every per-record rule.
    pub fn evaluate(&self, rec: &Record, opts: &Options) -> RecordResult {
        self.evaluate_some(rec, opts, None)
    }

    /// Evaluates one record into `out`, replacing what it held: the same result as
    /// [`Plan::evaluate`], but the findings already in `out` are reused in place. A form
    /// that re-evaluates on every keystroke keeps one `RecordResult` and calls this.
    pub fn evaluate_into(&self, rec: &Record, opts: &Options, out: &mut RecordResult) {
        self.evaluate_some_into(rec, opts, None, out);
    }

    /// Evaluates only the rules `include` admits (all when `None`): the batch uses it for
    /// the rules its kernels do not cover.
    pub(crate) fn evaluate_some(
        &self,
        rec: &Record,
        opts: &Options,
        include: Option<&[bool]>,
    ) -> RecordResult {
        let mut out = RecordResult {
            findings: Vec::with_capacity(self.record_rules),
            obligations: Vec::new(),
        };
        self.evaluate_some_into(rec, opts, include, &mut out);
        out
    }

    /// [`Plan::evaluate_some`] into a result whose findings are reused in place.
    pub(crate) fn evaluate_some_into(
        &self,
        rec: &Record,
        opts: &Options,
        include: Option<&[bool]>,
        out: &mut RecordResult,
    ) {
        out.obligations.clear();
        // findings [..made] are this evaluation's; the rest are old ones to reuse
        let mut made = 0usize;
        // where the findings of rules taking part in overrides land
        let mut slots: Slots = [u32::MAX; OVERRIDE_SLOTS];
        let subject = rec.subject();
        let mut flat = 0usize;
        for (pi, p) in self.policies.iter().enumerate() {
            let force = self.force(p, opts);
            let kind_block = kind_not_covered(p, rec);
            for (ri, rule) in p.rules.iter().enumerate() {
                let admitted = include.is_none_or(|inc| inc.get(flat).copied().unwrap_or(true));
                flat += 1;
                if !admitted || rule.subject != subject || !Self::keep(rule, opts) {
                    continue;
                }
                let rr = RuleRef {
                    policy: pi as u16,
                    rule: ri as u16,
                };
                let pre = match (&force, &kind_block) {
                    (Force::No(reason), _) => {
                        Some((Status::NotApplicable, Some(reason.clone()), vec![]))
                    }
                    (_, Some(Err(missing))) => Some((Status::MissingData, None, vec![*missing])),
                    (_, Some(Ok(kind))) => Some((
                        Status::NotApplicable,
                        Some(Reason::KindNotCovered { kind }),
                        vec![],
                    )),
                    _ => None,
                };
                if let Shape::Money(m) = &rule.shape {
                    let mut ob = match pre {
                        Some((status, reason, missing)) => Obligation {
                            rule: rr,
                            status,
                            reason,
                            lines: vec![],
                            total: None,
                            shares: vec![],
                            shares_with_excess: vec![],
                            missing,
                        },
                        None => match conditions(rule, rec) {
                            Ok(()) => obligation(rr, m, rec),
                            Err((status, reason, missing)) => Obligation {
                                rule: rr,
                                status,
                                reason,
                                lines: vec![],
                                total: None,
                                shares: vec![],
                                shares_with_excess: vec![],
                                missing,
                            },
                        },
                    };
                    if ob.missing.is_empty() && ob.status == Status::MissingData {
                        ob.status = Status::Pass;
                    }
                    out.obligations.push(ob);
                    continue;
                }
                // the finding is made in place and judged there (it is large to move)
                let f = match out.findings.get_mut(made) {
                    Some(old) => {
                        old.reset(rr, Status::Pass);
                        old
                    }
                    None => {
                        // room is made before the finding is, so it is built in place
                        out.findings
                            .resize_with(made + 1, || Finding::new(rr, Status::Pass));
                        let Some(f) = out.findings.last_mut() else {
                            continue;
                        };
                        f
                    }
                };
                if let Some(&slot) = self.override_slot.get(flat - 1) {
                    if let (Some(p), Ok(i)) =
                        (slots.get_mut(usize::from(slot)), u32::try_from(made))
                    {
                        *p = i;
                    }
                }
                made += 1;
                match pre {
                    Some((status, reason, missing)) => {
                        f.status = status;
                        f.reason = reason;
                        f.missing = missing;
                        f.measure = rule.shape.measure();
                    }
                    None => match conditions(rule, rec) {
                        Ok(()) => judge(rule, rec, opts.as_of, f),
                        Err((status, reason, missing)) => {
                            f.status = status;
                            f.reason = reason;
                            f.missing = missing;
                            f.measure = rule.shape.measure();
                        }
                    },
                }
                if matches!(force, Force::Evaluated) {
                    f.notes.push(Note::NotInForceEvaluated);
                }
            }
        }
        out.findings.truncate(made);
        let slots = (!self.override_slot.is_empty()).then_some(&slots);
        self.apply_overrides(&mut out.findings, slots);
    }
}

/// The input fields a rule reads, in a stable order, without repeats.
fn rule_inputs(p: &Policy, r: &Rule) -> Vec<FieldId> {
    let mut v: Vec<FieldId> = Vec::new();
    let add = |v: &mut Vec<FieldId>, f: FieldId| {
        if !v.contains(&f) {
            v.push(f);
        }
        // a derived field is made of others: those are boxes to fill too
        for (d, how) in &field::known().derivations {
            if *d == f {
                let (a, b) = match *how {
                    field::Derivation::Ratio(a, b) | field::Derivation::Sum(a, b) => (a, b),
                };
                for g in [a, b] {
                    if !v.contains(&g) {
                        v.push(g);
                    }
                }
            }
        }
    };
    match &r.shape {
        Shape::Range { measure, .. } => add(&mut v, *measure),
        Shape::Proportional { measure, base, .. } | Shape::Count { measure, base, .. } => {
            add(&mut v, *measure);
            add(&mut v, *base);
        }
        Shape::Preferred { options } => {
            for (f, _) in options {
                add(&mut v, *f);
            }
        }
        Shape::Tier { by, measure, .. } => {
            add(&mut v, *by);
            add(&mut v, *measure);
        }
        Shape::Decision { measure, cases } => {
            add(&mut v, *measure);
            for c in cases {
                for cond in &c.when {
                    add(&mut v, cond.field());
                }
            }
        }
        Shape::Money(m) => {
            for c in &m.components {
                if let Some((_, _, base)) = c.rate {
                    add(&mut v, base);
                }
                if let Some(paid) = c.paid {
                    add(&mut v, paid);
                }
            }
        }
        Shape::Share { of, group_by, .. } => {
            if let ShareOf::Flag(f) = of {
                add(&mut v, *f);
            }
            if let Some(g) = group_by {
                add(&mut v, *g);
            }
        }
        Shape::Tally { group_by, .. } => {
            if let Some(g) = group_by {
                add(&mut v, *g);
            }
        }
    }
    for c in &r.when {
        add(&mut v, c.field());
    }
    if p.meta.applies_to.is_some() && r.subject == Subject::Community {
        add(&mut v, field::known().kind);
    }
    v
}

/// `None`: the policy governs the record's kind. `Some(Ok(kind))`: it does not.
/// `Some(Err(field))`: the kind is missing and the policy is limited to some kinds.
pub(crate) fn kind_not_covered(p: &Policy, rec: &Record) -> Option<Result<&'static str, FieldId>> {
    let allowed = p.meta.applies_to.as_ref()?;
    let kf = field::known().kind;
    if rec.subject() != Subject::Community {
        return None;
    }
    match rec.cat(kf) {
        Some(k) if allowed.contains(&k) => None,
        Some(k) => Some(Ok(kf.def().values.get(usize::from(k)).map_or("?", |v| v.0))),
        None => Some(Err(kf)),
    }
}

type Pre = (Status, Option<Reason>, Vec<FieldId>);

/// Checks a rule's applicability conditions.
fn conditions(rule: &Rule, rec: &Record) -> Result<(), Pre> {
    let mut missing = Vec::new();
    for c in &rule.when {
        match cond_holds(c, rec, None) {
            Some(true) => {}
            Some(false) => {
                return Err((
                    Status::NotApplicable,
                    Some(Reason::ConditionNotMet { field: c.field() }),
                    vec![],
                ));
            }
            None => missing.push(c.field()),
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err((Status::MissingData, None, missing))
    }
}

/// Whether a condition holds; `None` when its field is missing.
pub fn cond_holds(c: &Cond, rec: &Record, as_of: Option<Date>) -> Option<bool> {
    let d = as_of.unwrap_or(Date::year_start(2000));
    match c {
        Cond::Flag { field, value } => rec.flag(*field).map(|v| v == *value),
        Cond::OneOf { field, values } => rec.cat(*field).map(|v| values.contains(&v)),
        Cond::Range { field, min, max } => {
            let x = rec.num(*field)?;
            let iv = bounds_interval(min.as_ref(), max.as_ref(), d)?;
            Some(iv.contains(x))
        }
    }
}

/// The interval two optional bounds make on a date; `None` if a dated bound has no value.
pub fn bounds_interval(min: Option<&Bound>, max: Option<&Bound>, d: Date) -> Option<Interval> {
    Some(Interval {
        min: match min {
            Some(b) => Some(Limit {
                value: b.value_at(d)?,
                inclusive: b.inclusive,
            }),
            None => None,
        },
        max: match max {
            Some(b) => Some(Limit {
                value: b.value_at(d)?,
                inclusive: b.inclusive,
            }),
            None => None,
        },
    })
}

fn dated_label(min: Option<&Bound>, max: Option<&Bound>, d: Date) -> Option<DatedBy> {
    for b in [min, max].into_iter().flatten() {
        if let Value::Dated(s) = &b.value {
            return s.at(d).map(|(_, l)| l);
        }
    }
    None
}

fn set_missing(f: &mut Finding, measure: Option<FieldId>, missing: Vec<FieldId>) {
    f.status = Status::MissingData;
    f.measure = measure;
    f.missing = missing;
}

#[allow(dead_code, reason = "kept for tests that build findings directly")]
fn missing_finding(rr: RuleRef, measure: Option<FieldId>, missing: Vec<FieldId>) -> Finding {
    let mut f = Finding::new(rr, Status::MissingData);
    f.measure = measure;
    f.missing = missing;
    f
}

/// Judges an actual value against an interval; fills status, shortfall and remedy.
pub(crate) fn judge_interval(
    f: &mut Finding,
    measure: FieldId,
    actual: Num,
    iv: &Interval,
    hint: RemedyHint,
) {
    f.actual = Some(actual);
    if iv.contains(actual) {
        f.status = Status::Pass;
        return;
    }
    f.status = Status::Fail;
    if let Some(lo) = iv.min.filter(|l| !l.admits_from_below(actual)) {
        let short = lo.value.sub(actual);
        f.shortfall = Some(short);
        f.remedy = Some(Remedy {
            action: if hint == RemedyHint::SplitMerge {
                Action::Merge
            } else {
                Action::Increase
            },
            field: measure,
            amount: Some(short),
            to: Some(lo.value),
            parts: None,
            part_size: None,
            outcome: None,
            strictly_more: !lo.inclusive,
        });
    } else if let Some(hi) = iv.max.filter(|l| !l.admits_from_above(actual)) {
        let over = actual.sub(hi.value);
        f.shortfall = Some(over);
        if hint == RemedyHint::SplitMerge {
            // k parts of at most `hi` each: k ≥ actual/hi; of at least `lo`: k ≤ actual/lo
            let kmin = if hi.inclusive {
                actual.div(hi.value).ceil()
            } else {
                actual.div(hi.value).floor().add(Num::ONE)
            };
            let kmax = match iv.min {
                Some(lo) if !lo.value.is_zero() => {
                    let q = actual.div(lo.value);
                    let k = if lo.inclusive {
                        q.floor()
                    } else {
                        q.ceil().sub(Num::ONE)
                    };
                    Some(k)
                }
                _ => None,
            };
            let kmin = kmin.max(Num::int(2));
            let kmax = kmax.filter(|k| *k >= kmin).unwrap_or(kmin);
            f.remedy = Some(Remedy {
                action: Action::Split,
                field: measure,
                amount: Some(over),
                to: None,
                parts: Some((kmin, kmax)),
                part_size: Some(*iv),
                outcome: None,
                strictly_more: false,
            });
        } else {
            f.remedy = Some(Remedy {
                action: Action::Decrease,
                field: measure,
                amount: Some(over),
                to: Some(hi.value),
                parts: None,
                part_size: None,
                outcome: None,
                strictly_more: !hi.inclusive,
            });
        }
    }
}

/// Rounds an interval to whole numbers for a whole measure, recording the exact one.
pub(crate) fn whole_if_needed(measure: FieldId, iv: Interval, req: &mut Required) -> Interval {
    if !measure.def().whole {
        req.interval = Some(iv);
        return iv;
    }
    let w = iv.to_whole();
    if w != iv {
        req.exact = Some(Box::new(iv));
    }
    req.interval = Some(w);
    w
}

/// Judges a record against a rule into `f` (freshly made by the caller, status pass), in
/// place: findings are large, and moving them costs more than judging.
fn judge(rule: &Rule, rec: &Record, as_of: Date, f: &mut Finding) {
    f.measure = rule.shape.measure();
    match &rule.shape {
        Shape::Range {
            measure,
            min,
            max,
            remedy,
            ..
        } => {
            let Some(actual) = rec.num(*measure) else {
                {
                    set_missing(f, Some(*measure), vec![*measure]);
                    return;
                }
            };
            let Some(iv) = bounds_interval(min.as_ref(), max.as_ref(), as_of) else {
                f.status = Status::NotApplicable;
                f.reason = Some(Reason::NoValueOnDate { as_of });
                return;
            };
            let basis = match dated_label(min.as_ref(), max.as_ref(), as_of) {
                Some(dated) => Basis::Dated { dated },
                None => Basis::Fixed,
            };
            let mut req = Required {
                interval: None,
                exact: None,
                outcome: None,
                options: vec![],
                basis,
            };
            let iv = whole_if_needed(*measure, iv, &mut req);
            f.required = Some(req);
            judge_interval(f, *measure, actual, &iv, *remedy);
        }
        Shape::Proportional {
            measure,
            base,
            per,
            min,
            max,
            percent,
            ..
        } => {
            let a = rec.num(*measure);
            let b = rec.num(*base);
            let mut missing = vec![];
            if a.is_none() {
                missing.push(*measure);
            }
            if b.is_none() {
                missing.push(*base);
            }
            let (Some(actual), Some(bv)) = (a, b) else {
                {
                    set_missing(f, Some(*measure), missing);
                    return;
                }
            };
            if rec.is_derived(*base) {
                f.notes.push(Note::Derived { field: *base });
            }
            let Some(coef) = bounds_interval(min.as_ref(), max.as_ref(), as_of) else {
                f.status = Status::NotApplicable;
                f.reason = Some(Reason::NoValueOnDate { as_of });
                return;
            };
            let scale = |l: Limit| Limit {
                value: (l.value * bv) / *per,
                inclusive: l.inclusive,
            };
            let iv = Interval {
                min: coef.min.map(scale),
                max: coef.max.map(scale),
            };
            let shown = coef.min.or(coef.max).map_or(Num::ZERO, |l| l.value);
            let mut req = Required {
                interval: None,
                exact: None,
                outcome: None,
                options: vec![],
                basis: Basis::Proportional {
                    base: *base,
                    base_value: bv,
                    value: shown,
                    per: *per,
                    percent: *percent,
                },
            };
            let iv = whole_if_needed(*measure, iv, &mut req);
            f.required = Some(req);
            judge_interval(f, *measure, actual, &iv, RemedyHint::Adjust);
        }
        Shape::Count {
            measure,
            base,
            min,
            max,
        } => {
            let a = rec.num(*measure);
            let b = rec.num(*base);
            let mut missing = vec![];
            if a.is_none() {
                missing.push(*measure);
            }
            if b.is_none() {
                missing.push(*base);
            }
            let (Some(actual), Some(bv)) = (a, b) else {
                {
                    set_missing(f, Some(*measure), missing);
                    return;
                }
            };
            let Some(size) = bounds_interval(min.as_ref(), max.as_ref(), as_of) else {
                f.status = Status::NotApplicable;
                f.reason = Some(Reason::NoValueOnDate { as_of });
                return;
            };
            // units of size s: count = base / s; a larger size gives fewer units
            let iv = Interval {
                min: size.max.filter(|l| !l.value.is_zero()).map(|l| Limit {
                    value: bv.div(l.value),
                    inclusive: l.inclusive,
                }),
                max: size.min.filter(|l| !l.value.is_zero()).map(|l| Limit {
                    value: bv.div(l.value),
                    inclusive: l.inclusive,
                }),
            };
            let mut req = Required {
                interval: None,
                exact: None,
                outcome: None,
                options: vec![],
                basis: Basis::PerUnit {
                    base: *base,
                    base_value: bv,
                },
            };
            let w = whole_if_needed(*measure, iv, &mut req);
            f.required = Some(req);
            if w.is_empty() {
                f.actual = Some(actual);
                f.status = Status::Ambiguous;
                f.reason = Some(Reason::NoWholeValue);
                return;
            }
            judge_interval(f, *measure, actual, &w, RemedyHint::Adjust);
        }
        Shape::Preferred { options } => {
            let mut any_known = false;
            let mut best: Option<(FieldId, Num, Num)> = None;
            for (fid, v) in options {
                if let Some(x) = rec.num(*fid) {
                    any_known = true;
                    if x == *v {
                        f.status = Status::Pass;
                        f.measure = Some(*fid);
                        f.actual = Some(x);
                        f.required = Some(Required {
                            interval: None,
                            exact: None,
                            outcome: None,
                            options: options.clone(),
                            basis: Basis::Fixed,
                        });
                        return;
                    }
                    let rel = x.sub(*v).abs().div(*v);
                    if best.is_none_or(|(_, _, r)| rel < r) {
                        best = Some((*fid, x, rel));
                    }
                }
            }
            if !any_known {
                {
                    set_missing(f, f.measure, options.iter().map(|o| o.0).collect());
                    return;
                }
            }
            f.required = Some(Required {
                interval: None,
                exact: None,
                outcome: None,
                options: options.clone(),
                basis: Basis::Fixed,
            });
            if let Some((fid, x, _)) = best {
                let target = options
                    .iter()
                    .find(|o| o.0 == fid)
                    .map_or(Num::ZERO, |o| o.1);
                f.status = Status::Fail;
                f.measure = Some(fid);
                f.actual = Some(x);
                f.shortfall = Some(x.sub(target).abs());
                f.remedy = Some(Remedy {
                    action: if x < target {
                        Action::Increase
                    } else {
                        Action::Decrease
                    },
                    field: fid,
                    amount: Some(x.sub(target).abs()),
                    to: Some(target),
                    parts: None,
                    part_size: None,
                    outcome: None,
                    strictly_more: false,
                });
            }
        }
        Shape::Tier {
            by,
            measure,
            tiers,
            overlap,
        } => judge_tier(f, rec, *by, *measure, tiers, *overlap, as_of),
        Shape::Decision { measure, cases } => judge_decision(f, rec, *measure, cases, as_of),
        Shape::Money(_) | Shape::Share { .. } | Shape::Tally { .. } => {}
    }
}

/// Which tiers a record's `by` value falls in; `Err` with the field when it is missing.
pub fn matching_tiers(
    rec: &Record,
    by: FieldId,
    tiers: &[Tier],
    as_of: Date,
) -> Result<Vec<usize>, FieldId> {
    let is_cat = by.def().unit == Unit::Category;
    let mut matched = Vec::new();
    if is_cat {
        let Some(c) = rec.cat(by) else { return Err(by) };
        for (i, t) in tiers.iter().enumerate() {
            if t.is.as_ref().is_some_and(|v| v.contains(&c)) {
                matched.push(i);
            }
        }
    } else {
        let Some(x) = rec.num(by) else { return Err(by) };
        for (i, t) in tiers.iter().enumerate() {
            if bounds_interval(t.min.as_ref(), t.max.as_ref(), as_of)
                .is_some_and(|iv| iv.contains(x))
            {
                matched.push(i);
            }
        }
    }
    Ok(matched)
}

fn judge_tier(
    f: &mut Finding,
    rec: &Record,
    by: FieldId,
    measure: FieldId,
    tiers: &[Tier],
    overlap: Overlap,
    as_of: Date,
) {
    let matched = match matching_tiers(rec, by, tiers, as_of) {
        Ok(m) => m,
        Err(missing) => {
            f.status = Status::MissingData;
            f.missing.push(missing);
            if rec.num(measure).is_none() && rec.get(measure).is_none() {
                f.missing.push(measure);
            }
            return;
        }
    };
    let Some(actual) = rec.num(measure) else {
        f.status = Status::MissingData;
        f.missing.push(measure);
        return;
    };
    f.actual = Some(actual);
    if matched.is_empty() {
        f.status = Status::Ambiguous;
        f.reason = Some(Reason::Undecided);
        return;
    }
    let n_matched = matched.len();
    let chosen: Vec<usize> = if n_matched > 1 {
        match overlap {
            Overlap::Report => matched,
            Overlap::Upper => matched.last().copied().into_iter().collect(),
            Overlap::Lower => matched.first().copied().into_iter().collect(),
        }
    } else {
        matched
    };
    if n_matched > 1 && overlap != Overlap::Report {
        if let Some(c) = chosen.first() {
            f.notes.push(Note::OverlapResolved {
                chosen: *c,
                reading: overlap,
            });
        }
    }
    let mut ivs = Vec::with_capacity(chosen.len());
    for &i in &chosen {
        let Some(iv) = tiers.get(i).and_then(|t| t.require.interval(as_of)) else {
            f.status = Status::NotApplicable;
            f.reason = Some(Reason::NoValueOnDate { as_of });
            return;
        };
        ivs.push((
            i,
            if measure.def().whole {
                iv.to_whole()
            } else {
                iv
            },
        ));
    }
    let passing = ivs.iter().filter(|(_, iv)| iv.contains(actual)).count();
    let combined = ivs.iter().skip(1).fold(
        ivs.first().map(|x| x.1).unwrap_or_default(),
        |acc, (_, iv)| acc.intersect(iv),
    );
    let n_chosen = chosen.len();
    if n_chosen > 1 {
        f.notes.push(Note::Overlap {
            tiers: chosen.clone(),
            passing: ivs
                .iter()
                .filter(|(_, iv)| iv.contains(actual))
                .map(|(i, _)| *i)
                .collect(),
        });
    }
    let basis = Basis::Tiers { by, tiers: chosen };
    f.required = Some(Required {
        interval: Some(combined),
        exact: None,
        outcome: None,
        options: vec![],
        basis,
    });
    if passing == n_chosen {
        f.status = Status::Pass;
    } else if passing > 0 {
        f.status = Status::Ambiguous;
        f.reason = Some(Reason::BoundaryOverlap);
    } else {
        // fail: aim for the combined requirement if some value meets every tier,
        // otherwise for the nearest tier
        let target = if !combined.has_no_whole() || !measure.def().whole && !combined.is_empty() {
            combined
        } else {
            ivs.iter()
                .map(|x| x.1)
                .min_by_key(|iv| distance(actual, iv))
                .unwrap_or(combined)
        };
        judge_interval(f, measure, actual, &target, RemedyHint::Adjust);
        f.status = Status::Fail;
        if target != combined {
            // the tiers contradict each other: the requirement shown is the nearest tier's
            f.reason = Some(Reason::BoundaryOverlap);
            if let Some(req) = &mut f.required {
                req.interval = Some(target);
            }
        }
        if let Some(r) = &mut f.remedy {
            if let (Some(lo), Some(hi)) = (target.min, target.max) {
                if lo.value == hi.value {
                    r.action = Action::Set;
                    r.to = Some(lo.value);
                }
            }
        }
    }
}

fn distance(x: Num, iv: &Interval) -> Num {
    if let Some(l) = iv.min {
        if x < l.value {
            return l.value.sub(x);
        }
    }
    if let Some(h) = iv.max {
        if x > h.value {
            return x.sub(h.value);
        }
    }
    Num::ZERO
}

fn judge_decision(f: &mut Finding, rec: &Record, measure: FieldId, cases: &[Case], as_of: Date) {
    let mut decided: Vec<usize> = Vec::new();
    let mut unknown_fields: Vec<FieldId> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let mut holds = Some(true);
        for cond in &c.when {
            match cond_holds(cond, rec, Some(as_of)) {
                Some(true) => {}
                Some(false) => {
                    holds = Some(false);
                    break;
                }
                None => {
                    holds = None;
                    if !unknown_fields.contains(&cond.field()) {
                        unknown_fields.push(cond.field());
                    }
                }
            }
        }
        if holds == Some(true) {
            decided.push(i);
        }
    }
    for c in [field::known().occupancy] {
        if rec.is_derived(c) {
            f.notes.push(Note::Derived { field: c });
        }
    }
    let sets: Vec<Vec<u8>> = decided
        .iter()
        .filter_map(|i| cases.get(*i).map(|c| c.outcomes.clone()))
        .collect();
    f.actual_outcome = rec.cat(measure);
    if decided.is_empty() {
        if !unknown_fields.is_empty() {
            f.status = Status::MissingData;
            f.missing = unknown_fields;
        } else {
            f.status = Status::Ambiguous;
            f.reason = Some(Reason::Undecided);
        }
        return;
    }
    if sets.iter().any(|o| Some(o) != sets.first()) {
        f.status = Status::Ambiguous;
        f.reason = Some(Reason::BoundaryOverlap);
        return;
    }
    let outcome = sets.first().cloned().unwrap_or_default();
    f.required = Some(Required {
        interval: None,
        exact: None,
        outcome: Some(outcome.clone()),
        options: vec![],
        basis: Basis::Fixed,
    });
    match rec.cat(measure) {
        Some(actual) => {
            f.actual_outcome = Some(actual);
            if outcome.contains(&actual) {
                f.status = Status::Pass;
            } else {
                f.status = Status::Fail;
                f.remedy = Some(Remedy {
                    action: Action::Choose,
                    field: measure,
                    amount: None,
                    to: None,
                    parts: None,
                    part_size: None,
                    outcome: Some(outcome),
                    strictly_more: false,
                });
            }
        }
        None => {
            f.status = Status::MissingData;
            f.missing = vec![measure];
        }
    }
}

fn obligation(rr: RuleRef, m: &Money, rec: &Record) -> Obligation {
    let mut ob = Obligation {
        rule: rr,
        status: Status::Pass,
        reason: None,
        lines: Vec::new(),
        total: None,
        shares: Vec::new(),
        shares_with_excess: Vec::new(),
        missing: Vec::new(),
    };
    let too_large = |mut ob: Obligation| {
        ob.status = Status::NotApplicable;
        ob.reason = Some(Reason::AmountTooLarge);
        ob.lines.clear();
        ob
    };
    let mut total: i64 = 0;
    let mut excess_total: i64 = 0;
    let mut underpaid = false;
    for (ci, c) in m.components.iter().enumerate() {
        let mut yuan = c.amount.unwrap_or(Num::ZERO);
        let mut base_value = None;
        if let Some((rate, per, base)) = c.rate {
            match rec.num(base) {
                Some(b) => {
                    base_value = Some(b);
                    let Some(y) = rate
                        .checked_div(per)
                        .and_then(|r| r.checked_mul(b))
                        .and_then(|x| yuan.checked_add(x))
                    else {
                        return too_large(ob);
                    };
                    yuan = y;
                }
                None => {
                    ob.missing.push(base);
                    continue;
                }
            }
        }
        let Some((amount, rounded)) = Fen::from_yuan_num(yuan) else {
            return too_large(ob);
        };
        let paid = match c.paid.and_then(|p| rec.num(p)) {
            Some(p) => match Fen::from_yuan_num(p) {
                Some((pf, _)) => Some(pf),
                None => return too_large(ob),
            },
            None => None,
        };
        let excess = paid.map(|p| Fen((p.0 - amount.0).max(0)));
        let shortfall = paid
            .map(|p| Fen((amount.0 - p.0).max(0)))
            .filter(|s| s.0 > 0);
        underpaid |= shortfall.is_some();
        let Some(t) = total.checked_add(amount.0) else {
            return too_large(ob);
        };
        total = t;
        let Some(e) = excess_total.checked_add(excess.map_or(0, |x| x.0)) else {
            return too_large(ob);
        };
        excess_total = e;
        ob.lines.push(ObligationLine {
            component: ci,
            amount,
            base_value,
            rounded,
            paid,
            excess,
            shortfall,
        });
    }
    if !ob.missing.is_empty() {
        ob.status = Status::MissingData;
        return ob;
    }
    let weights: Vec<u64> = m.payers.iter().map(|p| p.share).collect();
    ob.total = Some(Fen(total));
    ob.shares = money::split(Fen(total), &weights, m.remainder).unwrap_or_default();
    ob.shares_with_excess = ob.shares.clone();
    if let Some(ep) = m.excess_payer {
        if let Some(s) = ob.shares_with_excess.get_mut(ep) {
            match s.0.checked_add(excess_total) {
                Some(v) => s.0 = v,
                None => return too_large(ob),
            }
        }
    }
    if underpaid {
        ob.status = Status::Fail;
    }
    ob
}

/// Resolves a roster rule's (possibly dated) bounds on the as-of date into the finding's
/// requirement; `None`, with the finding marked not applicable, when no value is set then.
pub(crate) fn dated_requirement(
    f: &mut Finding,
    min: Option<&Bound>,
    max: Option<&Bound>,
    as_of: Date,
) -> Option<Interval> {
    let Some(iv) = bounds_interval(min, max, as_of) else {
        f.status = Status::NotApplicable;
        f.reason = Some(Reason::NoValueOnDate { as_of });
        return None;
    };
    let basis = match dated_label(min, max, as_of) {
        Some(dated) => Basis::Dated { dated },
        None => Basis::Fixed,
    };
    f.required = Some(Required {
        interval: Some(iv),
        exact: None,
        outcome: None,
        options: vec![],
        basis,
    });
    Some(iv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(v: i64, inc: bool) -> Limit {
        Limit {
            value: Num::int(v),
            inclusive: inc,
        }
    }

    #[test]
    fn split_remedy_counts_parts() {
        let mut f = Finding::new(RuleRef { policy: 0, rule: 0 }, Status::Pass);
        let hh = field::by_id("households").unwrap_or(FieldId(0));
        let iv = Interval {
            min: Some(lim(1000, true)),
            max: Some(lim(5000, true)),
        };
        judge_interval(&mut f, hh, Num::int(12_000), &iv, RemedyHint::SplitMerge);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.remedy.as_ref().map(|r| r.action), Some(Action::Split));
        assert_eq!(
            f.remedy.as_ref().and_then(|r| r.parts),
            Some((Num::int(3), Num::int(12)))
        );
        assert_eq!(f.shortfall, Some(Num::int(7000)));
    }

    #[test]
    fn merge_remedy_for_small() {
        let mut f = Finding::new(RuleRef { policy: 0, rule: 0 }, Status::Pass);
        let hh = field::by_id("households").unwrap_or(FieldId(0));
        let iv = Interval {
            min: Some(lim(1000, true)),
            max: Some(lim(5000, true)),
        };
        judge_interval(&mut f, hh, Num::int(688), &iv, RemedyHint::SplitMerge);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.shortfall, Some(Num::int(312)));
        assert_eq!(f.remedy.map(|r| r.action), Some(Action::Merge));
    }

    #[test]
    fn exclusive_bounds() {
        let iv = Interval {
            min: Some(lim(50, false)),
            max: None,
        };
        assert!(!iv.contains(Num::int(50)));
        assert!(iv.contains(Num::int(51)));
        assert_eq!(iv.to_whole().min, Some(lim(51, true)));
    }
}
