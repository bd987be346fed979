//! Evaluation: answers in, an [`Assessment`] out, with its whole trace.
//!
//! The engine knows questions, instruments, bands, ratings, levels and
//! conditions; everything clinical comes from the rule set. Missing answers
//! are handled in three-valued logic (see [`crate::cond`]): `level` counts
//! what holds for certain, `max_level` what could hold, and `could_raise`
//! names the missing answers that can lift the level.

pub mod missing;
mod result;
mod values;

pub use result::{
    Assessment, Contradiction, DimensionResult, InstrumentResult, QuestionState, Warning,
};
pub use values::{candidates, for_each_condition};

use crate::cond::{Env, Multi, Operand, Tri, Val};
use crate::intake::{Intake, Slot};
use crate::rules::model::{CheckSeverity, RuleSet};

/// What one evaluation pass found; the trace is only kept when asked.
struct Pass {
    level: usize,
    max_level: usize,
    /// The least intensive level any completion can give: `level` unless
    /// a minimums row gives less care to a higher rating.
    least_level: usize,
    ratings: Vec<(u8, u8)>,
    min_levels: Vec<usize>,
    rule_results: Vec<Vec<Tri>>,
    escalations: Vec<Tri>,
    applicable: Vec<Tri>,
    /// Per instrument: its total and its missing items.
    instruments: Vec<(Val, Vec<usize>)>,
}

struct State<'a> {
    rs: &'a RuleSet,
    slots: &'a [Slot],
    applicable: Vec<Tri>,
    /// Per instrument once computed: total interval (or Na).
    totals: Vec<Option<Val>>,
    ratings: Vec<Val>,
    level: Val,
}

impl State<'_> {
    fn question_value(&self, q: usize) -> Val {
        let app = self.applicable.get(q).copied().unwrap_or(Tri::Unknown);
        if app == Tri::False {
            return Val::Na;
        }
        match self.slots[q] {
            // Answered, but the skip logic may yet rule the question out.
            Slot::Num(x) if app == Tri::Unknown => Val::MaybeRange(x, x),
            Slot::Num(x) => Val::Range(x, x),
            // Missing, and perhaps not asked at all.
            _ => match self.rs.reads.ranges[q] {
                Some((lo, hi)) if app == Tri::Unknown => Val::MaybeRange(lo, hi),
                Some((lo, hi)) => Val::Range(lo, hi),
                None => Val::Na,
            },
        }
    }

    fn total(&self, i: usize) -> Val {
        if let Some(Some(v)) = self.totals.get(i) {
            return *v;
        }
        instrument_total(self.rs, i, self.slots, &self.applicable).0
    }
}

/// The interval of an instrument's total and its missing items.
fn instrument_total(
    rs: &RuleSet,
    i: usize,
    slots: &[Slot],
    applicable: &[Tri],
) -> (Val, Vec<usize>) {
    let inst = &rs.instruments[i];
    let (mut lo, mut hi) = (0i64, 0i64);
    // Whether some item is asked for certain, or may be.
    let (mut applies, mut may_apply) = (false, false);
    let mut missing = Vec::new();
    for item in &inst.items {
        let q = item.question;
        let app = applicable.get(q).copied().unwrap_or(Tri::Unknown);
        let (pmin, pmax) = item.points;
        if app == Tri::False {
            lo += pmin;
            hi += pmin;
            continue;
        }
        applies |= app == Tri::True;
        may_apply = true;
        match slots[q] {
            Slot::Num(x) if app == Tri::Unknown => {
                // Either not asked (least points) or this answer.
                let p = item.values.points(x);
                lo += p.min(pmin);
                hi += p.max(pmin);
            }
            Slot::Num(x) => {
                let p = item.values.points(x);
                lo += p;
                hi += p;
            }
            _ => {
                missing.push(q);
                lo += pmin;
                hi += pmax;
            }
        }
    }
    if applies {
        (Val::Range(lo as f64, hi as f64), missing)
    } else if may_apply {
        // No item is asked for certain: the instrument may not apply.
        (Val::MaybeRange(lo as f64, hi as f64), missing)
    } else {
        (Val::Na, missing)
    }
}

impl Env for State<'_> {
    fn value(&self, operand: Operand) -> Val {
        match operand {
            Operand::Answer(q) => self.question_value(q as usize),
            Operand::Total(i) => self.total(i as usize),
            Operand::Band(i) => {
                let inst = &self.rs.instruments[i as usize];
                let b = |t: f64| inst.band_of(t as i64).unwrap_or(0) as f64;
                match self.total(i as usize) {
                    Val::Na => Val::Na,
                    Val::Range(lo, hi) => Val::Range(b(lo), b(hi)),
                    Val::MaybeRange(lo, hi) => Val::MaybeRange(b(lo), b(hi)),
                }
            }
            Operand::Rating(d) => self
                .ratings
                .get(d as usize)
                .copied()
                .unwrap_or(Val::Range(0.0, self.rs.max_rating as f64)),
            Operand::Level => self.level,
        }
    }

    fn multi(&self, q: u32) -> Multi {
        let q = q as usize;
        if self.applicable.get(q).copied() == Some(Tri::False) {
            return Multi::Na;
        }
        match self.slots[q] {
            Slot::Multi(m) if self.applicable.get(q).copied() == Some(Tri::Unknown) => {
                Multi::MaybeSet(m)
            }
            Slot::Multi(m) => Multi::Set(m),
            _ => Multi::Unknown,
        }
    }

    fn answered(&self, q: u32) -> Tri {
        let q = q as usize;
        match self.applicable.get(q).copied().unwrap_or(Tri::Unknown) {
            Tri::False => Tri::False,
            app => Tri::from_bool(self.slots[q].is_answer()).and(app),
        }
    }

    fn missing(&self, q: u32) -> Tri {
        let q = q as usize;
        let app = self.applicable.get(q).copied().unwrap_or(Tri::Unknown);
        if app == Tri::False || self.slots[q].is_answer() {
            Tri::False
        } else {
            app
        }
    }
}

/// Applicability of every question, in order (skip logic reads only
/// earlier questions).
fn applicability(rs: &RuleSet, slots: &[Slot]) -> Vec<Tri> {
    let mut st = State {
        rs,
        slots,
        applicable: Vec::with_capacity(rs.questions.len()),
        totals: Vec::new(),
        ratings: Vec::new(),
        level: Val::Na,
    };
    for q in &rs.questions {
        let t = match &q.ask_when {
            None => Tri::True,
            Some(c) => c.eval(&st),
        };
        st.applicable.push(t);
    }
    st.applicable
}

/// Whether question `q` is asked, given the answers so far and whether each
/// earlier question is asked (`applicable`, one per question before `q`).
pub fn asked(rs: &RuleSet, slots: &[Slot], applicable: &[Tri], q: usize) -> Tri {
    match &rs.questions[q].ask_when {
        None => Tri::True,
        Some(c) => c.eval(&State {
            rs,
            slots,
            applicable: applicable.to_vec(),
            totals: Vec::new(),
            ratings: Vec::new(),
            level: Val::Na,
        }),
    }
}

fn most_intensive(a: usize, b: usize) -> usize {
    a.min(b)
}

fn pass(rs: &RuleSet, slots: &[Slot], trace: bool) -> Pass {
    let applicable = applicability(rs, slots);
    let instruments: Vec<(Val, Vec<usize>)> = (0..rs.instruments.len())
        .map(|i| instrument_total(rs, i, slots, &applicable))
        .collect();
    let mut st = State {
        rs,
        slots,
        applicable,
        totals: instruments.iter().map(|(v, _)| Some(*v)).collect(),
        ratings: vec![Val::Range(0.0, rs.max_rating as f64); rs.dimensions.len()],
        level: Val::Na,
    };
    let n = rs.dimensions.len();
    let mut ratings = vec![(0u8, 0u8); n];
    let mut min_levels = vec![rs.levels.len() - 1; n];
    let mut max_min_levels = vec![rs.levels.len() - 1; n];
    // The least intensive minimum each dimension could still give: its
    // certain rating's unless a minimums row is out of order.
    let mut least_min_levels = vec![rs.levels.len() - 1; n];
    let mut rule_results = vec![Vec::new(); n];
    for &d in &rs.dimension_order {
        let dim = &rs.dimensions[d];
        let (mut def, mut max) = (0u8, 0u8);
        let mut results = Vec::with_capacity(if trace { dim.rules.len() } else { 0 });
        for r in &dim.rules {
            let t = r.when.eval(&st);
            if t == Tri::True {
                def = def.max(r.rating);
            }
            if t.possible() {
                max = max.max(r.rating);
            }
            if trace {
                results.push(t);
            }
        }
        ratings[d] = (def, max);
        st.ratings[d] = Val::Range(def as f64, max as f64);
        min_levels[d] = dim.minimums[def as usize];
        max_min_levels[d] = (def..=max)
            .map(|r| dim.minimums[r as usize])
            .min()
            .unwrap_or(min_levels[d]);
        least_min_levels[d] = (def..=max)
            .map(|r| dim.minimums[r as usize])
            .max()
            .unwrap_or(min_levels[d]);
        rule_results[d] = results;
    }
    let mut level = rs.levels.len() - 1;
    let mut max_level = level;
    let mut least_level = level;
    for d in 0..n {
        level = most_intensive(level, min_levels[d]);
        max_level = most_intensive(max_level, max_min_levels[d]);
        least_level = most_intensive(least_level, least_min_levels[d]);
    }
    let mut escalations = Vec::with_capacity(rs.escalations.len());
    for e in &rs.escalations {
        let t = e.when.eval(&st);
        if t == Tri::True {
            level = most_intensive(level, e.level);
            least_level = most_intensive(least_level, e.level);
        }
        if t.possible() {
            max_level = most_intensive(max_level, e.level);
        }
        escalations.push(t);
    }
    Pass {
        level,
        max_level,
        least_level,
        ratings,
        min_levels,
        rule_results,
        escalations,
        applicable: st.applicable,
        instruments,
    }
}

/// Scores an intake.
pub fn score(rs: &RuleSet, intake: &Intake) -> Assessment {
    let mut a = score_slots(rs, &intake.slots);
    if !intake.history.is_empty() {
        let applicable = |q: usize| a.questions[q].applicable != Tri::False;
        let mismatches = intake.history_mismatches(applicable);
        a.warnings
            .extend(mismatches.into_iter().map(Warning::HistoryMismatch));
    }
    a.stored_level = intake
        .recommendation
        .as_ref()
        .and_then(|r| r.level.as_deref())
        .and_then(|l| rs.level_index(l));
    a
}

/// Scores answers given as slots (one per question).
pub fn score_slots(rs: &RuleSet, slots: &[Slot]) -> Assessment {
    let p = pass(rs, slots, true);
    let mut st = State {
        rs,
        slots,
        applicable: p.applicable.clone(),
        totals: p.instruments.iter().map(|(v, _)| Some(*v)).collect(),
        ratings: p
            .ratings
            .iter()
            .map(|(a, b)| Val::Range(*a as f64, *b as f64))
            .collect(),
        level: Val::Na,
    };
    st.level = Val::Range(
        rs.intensity(p.least_level) as f64,
        rs.intensity(p.max_level) as f64,
    );

    let mut supports = Vec::new();
    let mut possible_supports = Vec::new();
    for (i, s) in rs.supports.iter().enumerate() {
        match s.when.eval(&st) {
            Tri::True => supports.push(i),
            Tri::Unknown => possible_supports.push(i),
            Tri::False => {}
        }
    }
    let mut flags = Vec::new();
    let mut possible_flags = Vec::new();
    for (i, f) in rs.flags.iter().enumerate() {
        match f.when.eval(&st) {
            Tri::True => flags.push(i),
            Tri::Unknown => possible_flags.push(i),
            Tri::False => {}
        }
    }
    flags.sort_by_key(|&i| rs.flags[i].severity);
    possible_flags.sort_by_key(|&i| rs.flags[i].severity);
    let mut excluded = Vec::new();
    let mut possibly_excluded = Vec::new();
    for (i, e) in rs.exclusions.iter().enumerate() {
        match e.when.eval(&st) {
            Tri::True => excluded.push(i),
            Tri::Unknown => possibly_excluded.push(i),
            Tri::False => {}
        }
    }

    let mut questions = Vec::with_capacity(rs.questions.len());
    let mut missing = Vec::new();
    let mut warnings = Vec::new();
    for (q, app) in p.applicable.iter().enumerate() {
        let answered = slots[q].is_answer();
        if *app == Tri::False && answered {
            warnings.push(if rs.questions[q].retired {
                Warning::Retired(q)
            } else {
                Warning::NotAsked(q)
            });
        }
        if *app != Tri::False && !answered {
            missing.push(q);
        }
        questions.push(QuestionState {
            applicable: *app,
            used: answered && *app != Tri::False,
        });
    }
    for (q, question) in rs.questions.iter().enumerate() {
        if let Some(source) = question.options_from {
            if !drawn_from_source(rs, slots, q, source) {
                warnings.push(Warning::NotFromSource {
                    question: q,
                    source,
                });
            }
        }
    }
    let (checks, contradictions) = if rs.checks.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        consistency_with(rs, slots, &p.applicable)
    };
    warnings.extend(
        contradictions
            .iter()
            .filter(|c| rs.checks[c.check].severity == CheckSeverity::Warning)
            .map(|c| Warning::Contradiction(c.clone())),
    );
    warnings.extend(
        possible_flags
            .iter()
            .filter(|&&i| rs.flags[i].severity != crate::rules::model::FlagSeverity::Info)
            .map(|&i| Warning::FlagUndecided(i)),
    );
    warnings.extend(
        possibly_excluded
            .iter()
            .map(|&i| Warning::ExclusionUndecided(i)),
    );

    let could_raise = missing::could_raise(rs, &p, &missing);
    let exclusion_missing = possibly_excluded
        .iter()
        .map(|&i| missing::undecided_by(rs, &rs.exclusions[i].when, &p.applicable, &missing))
        .collect();

    let instruments = rs
        .instruments
        .iter()
        .zip(p.instruments)
        .map(|(inst, (val, item_missing))| match val {
            Val::Na => InstrumentResult {
                total: None,
                band: None,
                range: None,
                missing: Vec::new(),
                applicable: false,
            },
            Val::Range(lo, hi) | Val::MaybeRange(lo, hi) => {
                let complete = item_missing.is_empty() && lo == hi;
                let total = complete.then_some(lo as i64);
                InstrumentResult {
                    total,
                    band: total.and_then(|t| inst.band_of(t)),
                    range: Some((lo as i64, hi as i64)),
                    missing: item_missing,
                    applicable: true,
                }
            }
        })
        .collect();

    Assessment {
        level: p.level,
        max_level: p.max_level,
        could_raise,
        dimensions: p
            .rule_results
            .into_iter()
            .enumerate()
            .map(|(d, rules)| DimensionResult {
                rating: p.ratings[d].0,
                max_rating: p.ratings[d].1,
                min_level: p.min_levels[d],
                rules,
            })
            .collect(),
        escalations: p.escalations,
        supports,
        possible_supports,
        flags,
        possible_flags,
        instruments,
        questions,
        missing,
        excluded,
        possibly_excluded,
        exclusion_missing,
        checks,
        contradictions,
        warnings,
        stored_level: None,
    }
}

/// Evaluates the consistency checks on the answers as recorded: every
/// answer counts, whether or not skip logic asks its question, since a
/// contradiction is between what was written down; a question with no
/// answer that skip logic rules out has no value. Returns each check's
/// value and the checks that hold, each with the answers it needs.
pub fn consistency(rs: &RuleSet, slots: &[Slot]) -> (Vec<Tri>, Vec<Contradiction>) {
    if rs.checks.is_empty() {
        return (Vec::new(), Vec::new());
    }
    consistency_with(rs, slots, &applicability(rs, slots))
}

fn consistency_with(
    rs: &RuleSet,
    slots: &[Slot],
    applicable: &[Tri],
) -> (Vec<Tri>, Vec<Contradiction>) {
    // Every answer counts as asked; an unanswered question keeps what the
    // skip logic says.
    fn recorded<'a>(rs: &'a RuleSet, slots: &'a [Slot], applicable: &[Tri]) -> State<'a> {
        State {
            rs,
            slots,
            applicable: slots
                .iter()
                .zip(applicable)
                .map(|(s, &a)| if s.is_answer() { Tri::True } else { a })
                .collect(),
            totals: Vec::new(),
            ratings: Vec::new(),
            level: Val::Na,
        }
    }
    let st = recorded(rs, slots, applicable);
    let mut values = Vec::with_capacity(rs.checks.len());
    let mut holds = Vec::new();
    for (i, check) in rs.checks.iter().enumerate() {
        let t = check.when.eval(&st);
        values.push(t);
        if t != Tri::True {
            continue;
        }
        // Leave out, one by one from the last, the answers it still holds
        // without: what remains (the earliest such answers) is what
        // contradicts what.
        let mut kept = slots.to_vec();
        let mut questions = Vec::new();
        for &q in check.questions.iter().rev() {
            if !kept[q].is_answer() {
                continue;
            }
            let answer = std::mem::replace(&mut kept[q], Slot::Absent);
            if check.when.eval(&recorded(rs, &kept, applicable)) != Tri::True {
                kept[q] = answer;
                questions.push(q);
            }
        }
        questions.reverse();
        holds.push(Contradiction {
            check: i,
            questions,
        });
    }
    (values, holds)
}

/// Whether the answer to `q` (whose options come from the multi-choice
/// question `source`) names only options ticked in the answer to
/// `source`. True when either is not answered.
fn drawn_from_source(rs: &RuleSet, slots: &[Slot], q: usize, source: usize) -> bool {
    let (Slot::Multi(ticked), Some(from)) = (&slots[source], rs.questions[source].kind.options())
    else {
        return true;
    };
    let Some(options) = rs.questions[q].kind.options() else {
        return true;
    };
    let ticked_in_source = |i: usize| {
        options.get(i).is_some_and(|o| {
            from.iter()
                .position(|f| f.id == o.id)
                .is_some_and(|j| j < 64 && ticked & (1 << j) != 0)
        })
    };
    match &slots[q] {
        Slot::Num(x) => ticked_in_source(*x as usize),
        Slot::Multi(m) => (0..options.len().min(64))
            .filter(|i| m & (1 << i) != 0)
            .all(ticked_in_source),
        _ => true,
    }
}
