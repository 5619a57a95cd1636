//! Compiled kernels for the columnar batch: the status and shortfall of the common rule
//! shapes (range, rate/ratio, tier) and the amounts of money rules, computed column by
//! column without building findings. They are the same semantics as [`crate::eval`] in
//! a faster form; `tests/kernels.rs` checks that both agree on every bundled rule over
//! random records. Shapes without a kernel fall back to the full evaluator, row by row.

use crate::date::Date;
use crate::eval::{bounds_interval, Options, Plan, RuleRef, Status};
use crate::field::{self, FieldId, Subject, Unit};
use crate::model::*;
use crate::money::{self, Fen};
use crate::num::Num;
use crate::record::Val;

/// A column as the kernels read it.
pub(crate) enum ColRef<'a> {
    Num(&'a [Option<Num>]),
    Flag(&'a [Option<bool>]),
    Val(&'a [Option<Val>]),
}

impl ColRef<'_> {
    #[inline]
    fn num(&self, row: usize) -> Option<Num> {
        match self {
            ColRef::Num(v) => v.get(row).copied().flatten(),
            ColRef::Val(v) => match v.get(row) {
                Some(Some(Val::Num(n))) => Some(*n),
                _ => None,
            },
            ColRef::Flag(_) => None,
        }
    }

    #[inline]
    fn flag(&self, row: usize) -> Option<bool> {
        match self {
            ColRef::Flag(v) => v.get(row).copied().flatten(),
            ColRef::Val(v) => match v.get(row) {
                Some(Some(Val::Flag(b))) => Some(*b),
                _ => None,
            },
            ColRef::Num(_) => None,
        }
    }

    #[inline]
    fn cat(&self, row: usize) -> Option<u8> {
        match self {
            ColRef::Val(v) => match v.get(row) {
                Some(Some(Val::Cat(c))) => Some(*c),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The batch's columns by field index.
pub(crate) struct View<'a> {
    pub cols: Vec<Option<ColRef<'a>>>,
}

impl View<'_> {
    #[inline]
    fn num(&self, f: FieldId, row: usize) -> Option<Num> {
        self.cols
            .get(f.index())
            .and_then(Option::as_ref)
            .and_then(|c| c.num(row))
    }
    #[inline]
    fn flag(&self, f: FieldId, row: usize) -> Option<bool> {
        self.cols
            .get(f.index())
            .and_then(Option::as_ref)
            .and_then(|c| c.flag(row))
    }
    #[inline]
    fn cat(&self, f: FieldId, row: usize) -> Option<u8> {
        self.cols
            .get(f.index())
            .and_then(Option::as_ref)
            .and_then(|c| c.cat(row))
    }
    /// Whether a field can be derived from others (the kernels do not derive).
    fn derivable(f: FieldId) -> bool {
        field::known()
            .derivable
            .get(f.index())
            .copied()
            .unwrap_or(false)
    }
}

/// A condition resolved at the as-of date.
enum KCond {
    Range(FieldId, Interval),
    Flag(FieldId, bool),
    OneOf(FieldId, Vec<u8>),
}

/// The shape part of a kernel.
enum KShape {
    /// A measure within a fixed interval (already rounded for whole measures).
    Range { measure: FieldId, iv: Interval },
    /// A measure bounded by a coefficient times a base.
    Prop {
        measure: FieldId,
        base: FieldId,
        coef: Interval,
        whole: bool,
    },
    /// A tier table on a number or a category.
    Tier {
        by: FieldId,
        by_cat: bool,
        measure: FieldId,
        tiers: Vec<(Interval, Option<Vec<u8>>, Interval)>,
        overlap: Overlap,
    },
    /// Preferred values: met when any option holds exactly.
    Preferred { options: Vec<(FieldId, Num)> },
    /// A count from a size per unit: the interval of the count, from the base.
    Count {
        measure: FieldId,
        base: FieldId,
        size: Interval,
    },
    /// No value on the as-of date: not applicable, once the fields it needs are there
    /// (a missing measure is reported first, as the full evaluator does).
    NoValue(Vec<FieldId>),
}

/// A compiled per-record rule.
pub(crate) struct Kernel {
    subject: Subject,
    /// `Some(reason)`: the document is not in force (every row of the subject is not applicable).
    not_in_force: bool,
    applies_to: Option<Vec<u8>>,
    when: Vec<KCond>,
    shape: KShape,
}

/// One money component: fixed yuan, an optional (rate per unit, base field), and the
/// field holding what is paid.
type Part = (Option<Num>, Option<(Num, FieldId)>, Option<FieldId>);

/// A compiled money rule.
pub(crate) struct MoneyKernel {
    subject: Subject,
    not_in_force: bool,
    applies_to: Option<Vec<u8>>,
    when: Vec<KCond>,
    /// Per component: fixed yuan, optional (rate/per, base), optional paid field.
    parts: Vec<Part>,
    weights: Vec<u64>,
    remainder: money::Remainder,
    excess_payer: Option<usize>,
}

fn resolve_conds(conds: &[Cond], d: Date) -> Option<Vec<KCond>> {
    conds
        .iter()
        .map(|c| match c {
            Cond::Range { field, min, max } => {
                if View::derivable(*field) {
                    return None;
                }
                Some(KCond::Range(
                    *field,
                    bounds_interval(min.as_ref(), max.as_ref(), d)?,
                ))
            }
            Cond::Flag { field, value } => Some(KCond::Flag(*field, *value)),
            Cond::OneOf { field, values } => Some(KCond::OneOf(*field, values.clone())),
        })
        .collect()
}

fn whole(iv: Interval, f: FieldId) -> Interval {
    if f.def().whole {
        iv.to_whole()
    } else {
        iv
    }
}

impl Kernel {
    /// A kernel for a rule, or `None` when its shape needs the full evaluator.
    pub(crate) fn compile(plan: &Plan, rr: RuleRef, opts: &Options) -> Option<Kernel> {
        let (p, rule) = plan.rule(rr)?;
        if rule.subject == Subject::Roster {
            return None;
        }
        let d = opts.as_of;
        let shape = match &rule.shape {
            Shape::Range {
                measure, min, max, ..
            } => {
                if View::derivable(*measure) {
                    return None;
                }
                match bounds_interval(min.as_ref(), max.as_ref(), d) {
                    Some(iv) => KShape::Range {
                        measure: *measure,
                        iv: whole(iv, *measure),
                    },
                    None => KShape::NoValue(vec![*measure]),
                }
            }
            Shape::Proportional {
                measure,
                base,
                per,
                min,
                max,
                ..
            } => {
                if View::derivable(*measure) || View::derivable(*base) {
                    return None;
                }
                match bounds_interval(min.as_ref(), max.as_ref(), d) {
                    Some(c) => {
                        let scale = |l: Limit| Limit {
                            value: l.value / *per,
                            inclusive: l.inclusive,
                        };
                        KShape::Prop {
                            measure: *measure,
                            base: *base,
                            coef: Interval {
                                min: c.min.map(scale),
                                max: c.max.map(scale),
                            },
                            whole: measure.def().whole,
                        }
                    }
                    None => KShape::NoValue(vec![*measure, *base]),
                }
            }
            Shape::Tier {
                by,
                measure,
                tiers,
                overlap,
            } => {
                if View::derivable(*measure) || View::derivable(*by) {
                    return None;
                }
                let mut ts = Vec::new();
                for t in tiers {
                    let sel = bounds_interval(t.min.as_ref(), t.max.as_ref(), d)?;
                    // a dated requirement is resolved after matching; leave it to the full evaluator
                    let req = t.require.interval(d)?;
                    ts.push((sel, t.is.clone(), whole(req, *measure)));
                }
                if ts.len() > 64 {
                    return None;
                }
                KShape::Tier {
                    by: *by,
                    by_cat: by.def().unit == Unit::Category,
                    measure: *measure,
                    tiers: ts,
                    overlap: *overlap,
                }
            }
            Shape::Preferred { options } => {
                if options.iter().any(|(f, _)| View::derivable(*f)) {
                    return None;
                }
                KShape::Preferred {
                    options: options.clone(),
                }
            }
            Shape::Count {
                measure,
                base,
                min,
                max,
            } => {
                if View::derivable(*measure) || View::derivable(*base) {
                    return None;
                }
                match bounds_interval(min.as_ref(), max.as_ref(), d) {
                    Some(size) => KShape::Count {
                        measure: *measure,
                        base: *base,
                        size,
                    },
                    None => KShape::NoValue(vec![*measure, *base]),
                }
            }
            _ => return None,
        };
        Some(Kernel {
            subject: rule.subject,
            not_in_force: !p.meta.in_force_on(d) && !opts.allow_not_in_force,
            applies_to: p.meta.applies_to.clone(),
            when: resolve_conds(&rule.when, d)?,
            shape,
        })
    }

    /// Status and shortfall of one row; `None` when the rule does not judge the row's subject.
    #[inline]
    pub(crate) fn eval(
        &self,
        v: &View<'_>,
        row: usize,
        subject: Subject,
    ) -> Option<(Status, Option<Num>)> {
        if subject != self.subject {
            return None;
        }
        if self.not_in_force {
            return Some((Status::NotApplicable, None));
        }
        if let Some(s) = gate(v, row, subject, self.applies_to.as_deref(), &self.when) {
            return Some(s);
        }
        Some(match &self.shape {
            KShape::NoValue(needs) => {
                if needs.iter().any(|f| v.num(*f, row).is_none()) {
                    (Status::MissingData, None)
                } else {
                    (Status::NotApplicable, None)
                }
            }
            KShape::Preferred { options } => {
                // the same choice as the full evaluator: an exact match passes; otherwise the
                // option nearest in relative terms (the first of equals) is the remedy
                let mut any = false;
                let mut best: Option<(Num, Num, Num)> = None;
                for (f, want) in options {
                    let Some(x) = v.num(*f, row) else { continue };
                    any = true;
                    if x == *want {
                        return Some((Status::Pass, None));
                    }
                    let rel = (x - *want).abs() / *want;
                    if best.is_none_or(|(_, _, r)| rel < r) {
                        best = Some((x, *want, rel));
                    }
                }
                match (any, best) {
                    (false, _) => (Status::MissingData, None),
                    (true, Some((x, want, _))) => (Status::Fail, Some((x - want).abs())),
                    (true, None) => (Status::MissingData, None),
                }
            }
            KShape::Count {
                measure,
                base,
                size,
            } => match (v.num(*measure, row), v.num(*base, row)) {
                (Some(x), Some(b)) => {
                    let iv = Interval {
                        min: size.max.filter(|l| !l.value.is_zero()).map(|l| Limit {
                            value: b / l.value,
                            inclusive: l.inclusive,
                        }),
                        max: size.min.filter(|l| !l.value.is_zero()).map(|l| Limit {
                            value: b / l.value,
                            inclusive: l.inclusive,
                        }),
                    };
                    let w = if measure.def().whole {
                        iv.to_whole()
                    } else {
                        iv
                    };
                    if w.is_empty() {
                        (Status::Ambiguous, None)
                    } else {
                        judge(x, &w)
                    }
                }
                _ => (Status::MissingData, None),
            },
            KShape::Range { measure, iv } => match v.num(*measure, row) {
                None => (Status::MissingData, None),
                Some(x) => judge(x, iv),
            },
            KShape::Prop {
                measure,
                base,
                coef,
                whole,
            } => match (v.num(*measure, row), v.num(*base, row)) {
                (Some(x), Some(b))
                    if *whole && x.is_integer() && b.is_integer() && coef.max.is_none() =>
                {
                    // whole numbers throughout: ⌈coef × base⌉ by integer division, no reductions
                    let Some(lo) = coef.min else {
                        return Some((Status::Pass, None));
                    };
                    let (p, q) = (lo.value.numer() * b.numer(), lo.value.denom());
                    let need = if lo.inclusive {
                        p.div_euclid(q) + i128::from(p.rem_euclid(q) != 0)
                    } else {
                        p.div_euclid(q) + 1
                    };
                    let have = x.numer();
                    if have >= need {
                        (Status::Pass, None)
                    } else {
                        (Status::Fail, i64::try_from(need - have).ok().map(Num::int))
                    }
                }
                (Some(x), Some(b)) if !*whole && coef.max.is_none() => {
                    // a floor on a measure in fractions: compare by cross-multiplication
                    let Some(lo) = coef.min else {
                        return Some((Status::Pass, None));
                    };
                    let (rn, rd) = (lo.value.numer() * b.numer(), lo.value.denom() * b.denom());
                    let (xn, xd) = (x.numer(), x.denom());
                    let ok = if lo.inclusive {
                        xn * rd >= rn * xd
                    } else {
                        xn * rd > rn * xd
                    };
                    if ok {
                        (Status::Pass, None)
                    } else {
                        (Status::Fail, Num::ratio(rn * xd - xn * rd, rd * xd))
                    }
                }
                (Some(x), Some(b)) => {
                    let scale = |l: Limit| Limit {
                        value: l.value * b,
                        inclusive: l.inclusive,
                    };
                    let iv = Interval {
                        min: coef.min.map(scale),
                        max: coef.max.map(scale),
                    };
                    judge(x, &if *whole { iv.to_whole() } else { iv })
                }
                _ => (Status::MissingData, None),
            },
            KShape::Tier {
                by,
                by_cat,
                measure,
                tiers,
                overlap,
            } => {
                // matching tiers as a bit set (tables of more than 64 tiers are left to the
                // full evaluator when compiling)
                let mut matched: u64 = 0;
                if *by_cat {
                    let Some(c) = v.cat(*by, row) else {
                        return Some((Status::MissingData, None));
                    };
                    for (i, t) in tiers.iter().enumerate() {
                        if t.1.as_ref().is_some_and(|s| s.contains(&c)) {
                            matched |= 1 << i;
                        }
                    }
                } else {
                    let Some(x) = v.num(*by, row) else {
                        return Some((Status::MissingData, None));
                    };
                    for (i, t) in tiers.iter().enumerate() {
                        if t.0.contains(x) {
                            matched |= 1 << i;
                        }
                    }
                }
                let Some(actual) = v.num(*measure, row) else {
                    return Some((Status::MissingData, None));
                };
                if matched == 0 {
                    return Some((Status::Ambiguous, None));
                }
                let chosen = match (matched.count_ones() > 1, overlap) {
                    (true, Overlap::Upper) => 1u64 << (63 - matched.leading_zeros()),
                    (true, Overlap::Lower) => matched & matched.wrapping_neg(),
                    _ => matched,
                };
                let ivs = tiers
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| chosen & (1 << i) != 0)
                    .map(|(_, t)| t.2);
                let (mut n, mut passing) = (0, 0);
                for iv in ivs.clone() {
                    n += 1;
                    if iv.contains(actual) {
                        passing += 1;
                    }
                }
                if passing == n {
                    (Status::Pass, None)
                } else if passing > 0 {
                    (Status::Ambiguous, None)
                } else {
                    let mut all = ivs.clone();
                    let first = all.next().unwrap_or_default();
                    let combined = all.fold(first, |a, b| a.intersect(&b));
                    let target = if !combined.has_no_whole()
                        || !measure.def().whole && !combined.is_empty()
                    {
                        combined
                    } else {
                        ivs.min_by_key(|iv| distance(actual, iv))
                            .unwrap_or(combined)
                    };
                    judge(actual, &target)
                }
            }
        })
    }
}

fn distance(x: Num, iv: &Interval) -> Num {
    if let Some(l) = iv.min {
        if x < l.value {
            return l.value - x;
        }
    }
    if let Some(h) = iv.max {
        if x > h.value {
            return x - h.value;
        }
    }
    Num::ZERO
}

/// The checks before a rule's shape: the kind of community the document governs, then
/// the rule's conditions. `Some` when they decide the row.
#[inline]
fn gate(
    v: &View<'_>,
    row: usize,
    subject: Subject,
    applies_to: Option<&[u8]>,
    when: &[KCond],
) -> Option<(Status, Option<Num>)> {
    if let (Some(kinds), Subject::Community) = (applies_to, subject) {
        match v.cat(field::known().kind, row) {
            None => return Some((Status::MissingData, None)),
            Some(k) if !kinds.contains(&k) => return Some((Status::NotApplicable, None)),
            Some(_) => {}
        }
    }
    let mut missing = false;
    for c in when {
        let holds = match c {
            KCond::Range(f, iv) => v.num(*f, row).map(|x| iv.contains(x)),
            KCond::Flag(f, want) => v.flag(*f, row).map(|x| x == *want),
            KCond::OneOf(f, vals) => v.cat(*f, row).map(|x| vals.contains(&x)),
        };
        match holds {
            Some(true) => {}
            Some(false) => return Some((Status::NotApplicable, None)),
            None => missing = true,
        }
    }
    missing.then_some((Status::MissingData, None))
}

/// Pass or fail against an interval, with the shortfall the full evaluator reports.
#[inline]
fn judge(x: Num, iv: &Interval) -> (Status, Option<Num>) {
    if let Some(lo) = iv.min {
        if !lo.admits_from_below(x) {
            return (Status::Fail, Some(lo.value - x));
        }
    }
    if let Some(hi) = iv.max {
        if !hi.admits_from_above(x) {
            return (Status::Fail, Some(x - hi.value));
        }
    }
    (Status::Pass, None)
}

/// What a money kernel computes for one row.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MoneyRow {
    pub status: Option<Status>,
    pub total: Option<Fen>,
    /// Each payer's share including any excess (the first `payers` entries).
    pub shares_with_excess: [i64; 8],
    pub payers: usize,
}

impl MoneyKernel {
    /// A kernel for a money rule, or `None` when it needs the full evaluator.
    pub(crate) fn compile(plan: &Plan, rr: RuleRef, opts: &Options) -> Option<MoneyKernel> {
        let (p, rule) = plan.rule(rr)?;
        let Shape::Money(m) = &rule.shape else {
            return None;
        };
        let mut parts = Vec::new();
        for c in &m.components {
            let rate = match c.rate {
                Some((rate, per, base)) => {
                    if View::derivable(base) {
                        return None;
                    }
                    Some((rate / per, base))
                }
                None => None,
            };
            parts.push((c.amount, rate, c.paid));
        }
        if m.payers.len() > 8 {
            return None;
        }
        Some(MoneyKernel {
            subject: rule.subject,
            not_in_force: !p.meta.in_force_on(opts.as_of) && !opts.allow_not_in_force,
            applies_to: p.meta.applies_to.clone(),
            when: resolve_conds(&rule.when, opts.as_of)?,
            parts,
            weights: m.payers.iter().map(|p| p.share).collect(),
            remainder: m.remainder,
            excess_payer: m.excess_payer,
        })
    }

    /// The obligation of one row (`status: None` when the rule does not judge the row).
    pub(crate) fn eval(&self, v: &View<'_>, row: usize, subject: Subject) -> MoneyRow {
        let mut out = MoneyRow::default();
        if subject != self.subject {
            return out;
        }
        if self.not_in_force {
            out.status = Some(Status::NotApplicable);
            return out;
        }
        if let Some((s, _)) = gate(v, row, subject, self.applies_to.as_deref(), &self.when) {
            out.status = Some(s);
            return out;
        }
        let (mut total, mut excess, mut underpaid) = (0i64, 0i64, false);
        for (amount, rate, paid) in &self.parts {
            let mut yuan = amount.unwrap_or(Num::ZERO);
            if let Some((r, base)) = rate {
                let Some(b) = v.num(*base, row) else {
                    out.status = Some(Status::MissingData);
                    return out;
                };
                yuan = yuan + *r * b;
            }
            let Some((fen, _)) = Fen::from_yuan_num(yuan) else {
                out.status = Some(Status::NotApplicable);
                return out;
            };
            if let Some(pf) = paid
                .and_then(|p| v.num(p, row))
                .and_then(|p| Fen::from_yuan_num(p).map(|x| x.0))
            {
                excess += (pf.0 - fen.0).max(0);
                underpaid |= pf.0 < fen.0;
            }
            total += fen.0;
        }
        if !money::split_into(
            Fen(total),
            &self.weights,
            self.remainder,
            &mut out.shares_with_excess,
        ) {
            out.status = Some(Status::NotApplicable);
            return out;
        }
        if let Some(s) = self
            .excess_payer
            .and_then(|i| out.shares_with_excess.get_mut(i))
        {
            *s += excess;
        }
        out.payers = self.weights.len();
        out.status = Some(if underpaid {
            Status::Fail
        } else {
            Status::Pass
        });
        out.total = Some(Fen(total));
        out
    }
}

impl View<'_> {
    /// A plain numeric column, when the field has one.
    fn num_slice(&self, f: FieldId) -> Option<&[Option<Num>]> {
        match self.cols.get(f.index()).and_then(Option::as_ref) {
            Some(ColRef::Num(v)) => Some(v),
            _ => None,
        }
    }
}

impl Kernel {
    /// Evaluates rows `start..end` into `st`/`sh` (indexed from 0). Columns are resolved
    /// once; rows whose subject the rule does not judge are left `None`.
    pub(crate) fn eval_column(
        &self,
        v: &View<'_>,
        subjects: Option<&[Subject]>,
        start: usize,
        end: usize,
        st: &mut Vec<Option<Status>>,
        sh: &mut Vec<Option<Num>>,
    ) {
        let plain = !self.not_in_force && self.applies_to.is_none() && self.when.is_empty();
        // the fast loops: a plain rule over a numeric column, every row a community
        if plain && subjects.is_none() && self.subject == Subject::Community {
            match &self.shape {
                KShape::Range { measure, iv } => {
                    if let Some(m) = v.num_slice(*measure) {
                        for x in m.get(start..end).unwrap_or_default() {
                            let (a, b) = match x {
                                None => (Status::MissingData, None),
                                Some(x) => judge(*x, iv),
                            };
                            st.push(Some(a));
                            sh.push(b);
                        }
                        return;
                    }
                }
                KShape::Prop {
                    measure,
                    base,
                    coef,
                    whole: true,
                } if coef.max.is_none() => {
                    if let (Some(m), Some(bs), Some(lo)) =
                        (v.num_slice(*measure), v.num_slice(*base), coef.min)
                    {
                        let (cn, cd) = (lo.value.numer(), lo.value.denom());
                        let mark = st.len();
                        let rows = m
                            .get(start..end)
                            .unwrap_or_default()
                            .iter()
                            .zip(bs.get(start..end).unwrap_or_default());
                        for (x, b) in rows {
                            let (a, c) = match (x, b) {
                                (Some(x), Some(b)) if x.is_integer() && b.is_integer() => {
                                    let p = cn * b.numer();
                                    let need = if lo.inclusive {
                                        p.div_euclid(cd) + i128::from(p.rem_euclid(cd) != 0)
                                    } else {
                                        p.div_euclid(cd) + 1
                                    };
                                    if x.numer() >= need {
                                        (Status::Pass, None)
                                    } else {
                                        (
                                            Status::Fail,
                                            i64::try_from(need - x.numer()).ok().map(Num::int),
                                        )
                                    }
                                }
                                (Some(_), Some(_)) => {
                                    // fractions: start again on the general path
                                    st.truncate(mark);
                                    sh.truncate(mark);
                                    return self.eval_rows(v, subjects, start, end, st, sh);
                                }
                                _ => (Status::MissingData, None),
                            };
                            st.push(Some(a));
                            sh.push(c);
                        }
                        return;
                    }
                }
                _ => {}
            }
        }
        self.eval_rows(v, subjects, start, end, st, sh);
    }

    fn eval_rows(
        &self,
        v: &View<'_>,
        subjects: Option<&[Subject]>,
        start: usize,
        end: usize,
        st: &mut Vec<Option<Status>>,
        sh: &mut Vec<Option<Num>>,
    ) {
        for row in start..end {
            let subject = subjects
                .and_then(|s| s.get(row).copied())
                .unwrap_or(Subject::Community);
            let (s, h) = match self.eval(v, row, subject) {
                Some((s, h)) => (Some(s), h),
                None => (None, None),
            };
            st.push(s);
            sh.push(h);
        }
    }
}
