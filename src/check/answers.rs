//! Answer monotonicity: for each question whose answers have an order of
//! severity (`order`), a more severe answer, every other answer the same,
//! never gives a less intensive level (`docs/ci.md`).
//!
//! The proof is from structure. For one question, every condition a
//! rating rule or escalation uses is given a direction: whether a more
//! severe answer can turn it on, turn it off, both, or neither. A
//! comparison of the question itself is read off its truth at each answer;
//! a total follows its item's points; a band follows the total; a rating
//! follows the rules that give it (the highest rule that holds sets it); a
//! question behind skip logic that reads the question follows its
//! `ask_when` (a skipped answer makes every comparison on it false). When
//! no rating and no escalation can turn off, and the level is monotone in
//! the ratings (the monotonicity analysis), the question is proved.
//!
//! Otherwise the scorer itself looks for a counterexample: pairs of
//! neighbouring answers on a least-severe intake and on synthetic intakes
//! (`placement sample`), every other answer the same. A counterexample is
//! shrunk to the other answers that matter and reported with the rule or
//! escalation that stops holding. When none is found the question is
//! reported as *not proved*, never as proved.

use super::sat::{Facts, Solver};
use super::space::{atoms, count_atoms, fix_atoms, holds, Res};
use super::{Analysis, Counterexample, Finding, Status};
use crate::cond::{CmpOp, Cond, Env, Multi, Operand, Tri, Val};
use crate::diag::{Diagnostic, Span};
use crate::engine::{self, Assessment};
use crate::intake::Slot;
use crate::rules::model::{Order, QuestionKind, RuleSet};
use serde_json::{json, Map, Value};
use std::cell::Cell;

/// Synthetic intakes a question is tried on when structure does not prove
/// it (besides the least-severe intake).
const SAMPLES: u64 = 60;

/// Whether something can turn on (`up`) or off (`down`) as the answer
/// becomes more severe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Dir {
    up: bool,
    down: bool,
}

impl Dir {
    const BOTH: Dir = Dir {
        up: true,
        down: true,
    };
    fn union(self, o: Dir) -> Dir {
        Dir {
            up: self.up || o.up,
            down: self.down || o.down,
        }
    }
    fn flip(self) -> Dir {
        Dir {
            up: self.down,
            down: self.up,
        }
    }
    fn changes(self) -> bool {
        self.up || self.down
    }
    /// A comparison of something that moves in direction `self`.
    fn through(self, op: Option<CmpOp>) -> Dir {
        if !self.changes() {
            return self;
        }
        match op {
            Some(CmpOp::Ge | CmpOp::Gt) => self,
            Some(CmpOp::Le | CmpOp::Lt) => self.flip(),
            _ => Dir::BOTH,
        }
    }
}

/// One value of one operand.
struct Point(Operand, f64);

impl Env for Point {
    fn value(&self, operand: Operand) -> Val {
        if operand == self.0 {
            Val::Range(self.1, self.1)
        } else {
            Val::Na
        }
    }
    fn multi(&self, _: u32) -> Multi {
        Multi::Unknown
    }
    fn answered(&self, _: u32) -> Tri {
        Tri::True
    }
    fn missing(&self, _: u32) -> Tri {
        Tri::False
    }
}

/// Directions of everything a condition reads, for one question, from its
/// least to its most severe answer.
struct Dirs<'a> {
    rs: &'a RuleSet,
    solver: Solver<'a>,
    /// Solver steps left for [`Dirs::covered`], over all questions.
    work: &'a Cell<u64>,
    q: usize,
    /// The question's answers, least severe first.
    values: &'a [f64],
    applies: Vec<Option<Dir>>,
    totals: Vec<Option<Dir>>,
    ratings: Vec<Option<Dir>>,
    /// The first step [`Dirs::covered`] could not show: what holds for the
    /// less severe answer, and what does not for the more severe one (the
    /// parts left once the question's comparisons are fixed).
    failure: Option<Failure>,
}

#[derive(Debug, Clone)]
struct Failure {
    step: usize,
    holds: Option<Cond>,
}

impl<'a> Dirs<'a> {
    fn new(
        rs: &'a RuleSet,
        facts: &'a Facts,
        work: &'a Cell<u64>,
        q: usize,
        values: &'a [f64],
    ) -> Self {
        Dirs {
            rs,
            solver: Solver::new(rs, facts),
            work,
            q,
            values,
            applies: vec![None; rs.questions.len()],
            totals: vec![None; rs.instruments.len()],
            ratings: vec![None; rs.dimensions.len()],
            failure: None,
        }
    }

    fn sequence(&self, mut f: impl FnMut(f64) -> f64) -> Dir {
        let mut d = Dir::default();
        for w in self.values.windows(2) {
            let (a, b) = (f(w[0]), f(w[1]));
            d.up |= b > a;
            d.down |= b < a;
        }
        d
    }

    /// Whether question `p` is asked, as the answer changes.
    fn applies(&mut self, p: usize) -> Dir {
        if p == self.q {
            return Dir::default();
        }
        if let Some(d) = self.applies[p] {
            return d;
        }
        let d = match &self.rs.questions[p].ask_when {
            Some(c) => self.cond(c),
            None => Dir::default(),
        };
        self.applies[p] = Some(d);
        d
    }

    fn total(&mut self, i: usize) -> Dir {
        if let Some(d) = self.totals[i] {
            return d;
        }
        let inst = &self.rs.instruments[i];
        let mut d = Dir::default();
        for item in &inst.items {
            if item.question == self.q {
                d = d.union(self.sequence(|v| item.values.points(v) as f64));
            } else {
                // A skipped item adds nothing: an item that is asked for
                // more severe answers only, and gives no negative points,
                // only adds.
                let a = self.applies(item.question);
                if a.changes() {
                    d = d.union(if item.points.0 >= 0 { a } else { Dir::BOTH });
                }
            }
        }
        self.totals[i] = Some(d);
        d
    }

    /// An instrument none of whose items is asked does not apply, and
    /// every comparison on it is false: whether it comes to apply (any
    /// comparison may turn on) or stops applying (any may turn off).
    fn instrument_applies(&mut self, i: usize) -> Dir {
        let inst = &self.rs.instruments[i];
        let mut d = Dir::default();
        for it in &inst.items {
            if it.question == self.q || self.rs.questions[it.question].ask_when.is_none() {
                return Dir::default();
            }
            d = d.union(self.applies(it.question));
        }
        Dir {
            up: d.up || d.down,
            down: d.down,
        }
    }

    fn rating(&mut self, dim: usize) -> Dir {
        if let Some(d) = self.ratings[dim] {
            return d;
        }
        let rules = &self.rs.dimensions[dim].rules;
        let mut d = Dir::default();
        for r in rules {
            d = d.union(self.cond(&r.when));
        }
        if d.down {
            let floor = self.rating_floor(dim);
            let conds: Vec<(&Cond, u32, u32)> = rules
                .iter()
                .map(|r| (&r.when, r.rating as u32, floor[r.rating as usize]))
                .collect();
            if self.covered(&conds) {
                d.down = false;
            }
        }
        self.ratings[dim] = Some(d);
        d
    }

    /// Per rating of a dimension, the lowest rating from which every
    /// rating up to it has the same effect: the same minimum level, and
    /// the same truth for every comparison of this rating in a rule or an
    /// escalation. A drop within that range changes nothing.
    fn rating_floor(&self, dim: usize) -> Vec<u32> {
        let rs = self.rs;
        let mut atoms_on: Vec<Cond> = Vec::new();
        let mut collect = |c: &Cond| {
            let mut all = Vec::new();
            atoms(c, &mut all);
            for a in all {
                let reads = matches!(
                    a,
                    Cond::Cmp { operand: Operand::Rating(d), .. }
                        | Cond::In { operand: Operand::Rating(d), .. } if d as usize == dim
                );
                if reads && !atoms_on.contains(&a) {
                    atoms_on.push(a);
                }
            }
        };
        for d in &rs.dimensions {
            for r in &d.rules {
                collect(&r.when);
            }
        }
        for e in &rs.escalations {
            collect(&e.when);
        }
        let row = &rs.dimensions[dim].minimums;
        let same = |a: usize, b: usize| {
            row.get(a) == row.get(b)
                && atoms_on.iter().all(|c| {
                    let op = Operand::Rating(dim as u32);
                    c.eval(&Point(op, a as f64)) == c.eval(&Point(op, b as f64))
                })
        };
        let mut floor = vec![0u32; rs.max_rating as usize + 1];
        for r in 1..floor.len() {
            floor[r] = if same(r - 1, r) {
                floor[r - 1]
            } else {
                r as u32
            };
        }
        floor
    }

    /// Whether, at each step to a more severe answer, whatever holds
    /// before is matched after by a condition whose rank (second) is at
    /// least its need (third): a rule of at least its rating, or of a
    /// rating with the same effect ([`Dirs::rating_floor`]); an escalation
    /// of at least its level. For the same other answers. Worked out on what is left of each
    /// condition once its comparisons of the question are fixed; `false`
    /// when what is left reads anything else that moves with the answer.
    fn covered(&mut self, conds: &[(&Cond, u32, u32)]) -> bool {
        let q = self.q as u32;
        let values = self.values.to_vec();
        let at = |c: &Cond, v: f64| {
            fix_atoms(c, &|atom| match atom {
                Cond::Cmp {
                    operand: Operand::Answer(x),
                    ..
                }
                | Cond::In {
                    operand: Operand::Answer(x),
                    ..
                } if *x == q => Some(atom.eval(&Point(Operand::Answer(q), v)) == Tri::True),
                _ => None,
            })
        };
        let res: Vec<Vec<Res>> = conds
            .iter()
            .map(|(c, _, _)| values.iter().map(|&v| at(c, v)).collect())
            .collect();
        for row in &res {
            for x in row {
                if let Res::Cond(c) = x {
                    if self.cond(c).changes() {
                        return false;
                    }
                }
            }
        }
        for step in 0..values.len().saturating_sub(1) {
            for (i, (_, _, need)) in conds.iter().enumerate() {
                let before = &res[i][step];
                // Rating 0 needs no rule: it is what nothing gives. A
                // condition that does not read the answer covers itself.
                if *before == Res::False || *need == 0 || res[i][step + 1] == *before {
                    continue;
                }
                let cover: Vec<usize> = (0..conds.len()).filter(|&j| conds[j].1 >= *need).collect();
                if cover.iter().any(|&j| res[j][step + 1] == Res::True) {
                    continue;
                }
                let mut goals: Vec<(&Cond, bool)> = Vec::new();
                if let Res::Cond(c) = before {
                    goals.push((c, false));
                }
                for &j in &cover {
                    if let Res::Cond(c) = &res[j][step + 1] {
                        goals.push((c, true));
                    }
                }
                let cost: u64 = goals.iter().map(|(c, _)| count_atoms(c)).sum();
                if cost > self.work.get() {
                    // Out of budget: not shown, so not proved.
                    return false;
                }
                self.work.set(self.work.get() - cost);
                if self.solver.satisfiable_all(&goals) {
                    if self.failure.is_none() {
                        self.failure = Some(Failure {
                            step,
                            holds: match before {
                                Res::Cond(c) => Some(c.clone()),
                                _ => None,
                            },
                        });
                    }
                    return false;
                }
            }
        }
        true
    }

    fn cond(&mut self, c: &Cond) -> Dir {
        match c {
            Cond::And(items) | Cond::Or(items) | Cond::AtLeast(_, items) => items
                .iter()
                .fold(Dir::default(), |d, i| d.union(self.cond(i))),
            Cond::Not(inner) => self.cond(inner).flip(),
            Cond::Cmp { operand, op, .. } => self.atom(c, *operand, Some(*op)),
            Cond::In { operand, .. } => self.atom(c, *operand, None),
            Cond::Has { question, .. } => {
                if *question as usize == self.q {
                    Dir::BOTH
                } else {
                    self.applies(*question as usize)
                }
            }
            Cond::Answered(p) | Cond::Missing(p) => self.applies(*p as usize),
        }
    }

    fn atom(&mut self, c: &Cond, operand: Operand, op: Option<CmpOp>) -> Dir {
        match operand {
            Operand::Answer(p) if p as usize == self.q => self.sequence(|v| {
                if c.eval(&Point(operand, v)) == Tri::True {
                    1.0
                } else {
                    0.0
                }
            }),
            Operand::Answer(p) => self.applies(p as usize),
            Operand::Total(i) => {
                let inst = &self.rs.instruments[i as usize];
                let t = self.total(i as usize);
                through(t, c, operand, op, inst.min_total, inst.max_total)
                    .union(self.instrument_applies(i as usize))
            }
            Operand::Band(i) => {
                let inst = &self.rs.instruments[i as usize];
                let ascending = inst.bands.windows(2).all(|w| w[0].max < w[1].min);
                let t = self.total(i as usize);
                let d = if ascending {
                    through(t, c, operand, op, 0, inst.bands.len() as i64 - 1)
                } else if t.changes() {
                    Dir::BOTH
                } else {
                    t
                };
                d.union(self.instrument_applies(i as usize))
            }
            Operand::Rating(d) => {
                let r = self.rating(d as usize);
                through(r, c, operand, op, 0, self.rs.max_rating as i64)
            }
            Operand::Level => Dir::BOTH,
        }
    }
}

/// The direction of a comparison `c` of an operand that moves in direction
/// `d` over the whole numbers `lo..=hi`: read off the comparison's truth at
/// each of them when there are few, else off its operator.
fn through(d: Dir, c: &Cond, operand: Operand, op: Option<CmpOp>, lo: i64, hi: i64) -> Dir {
    if !d.changes() {
        return d;
    }
    if hi < lo || hi - lo > 10_000 {
        return d.through(op);
    }
    let mut seq = Dir::default();
    let mut last: Option<bool> = None;
    for v in lo..=hi {
        let t = c.eval(&Point(operand, v as f64)) == Tri::True;
        if let Some(p) = last {
            seq.up |= t && !p;
            seq.down |= p && !t;
        }
        last = Some(t);
    }
    match (seq.up, seq.down) {
        (false, false) => Dir::default(),
        (true, false) => d,
        (false, true) => d.flip(),
        (true, true) => Dir::BOTH,
    }
}

/// A question's answers as numbers, least severe first.
fn severity_order(rs: &RuleSet, q: usize) -> Vec<f64> {
    let mut v: Vec<f64> = engine::candidates(rs, q)
        .into_iter()
        .filter_map(|s| match s {
            Slot::Num(x) => Some(x),
            _ => None,
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    if rs.questions[q].order == Order::Descending {
        v.reverse();
    }
    v
}

/// An answer as it is written in an intake.
fn answer_text(rs: &RuleSet, q: usize, s: &Slot) -> String {
    match (s, &rs.questions[q].kind) {
        (Slot::Num(x), QuestionKind::SingleChoice(o)) => o
            .get(*x as usize)
            .map(|o| o.id.clone())
            .unwrap_or_else(|| x.to_string()),
        (Slot::Num(x), QuestionKind::YesNo) => (if *x == 1.0 { "yes" } else { "no" }).into(),
        (Slot::Num(x), _) => x.to_string(),
        (Slot::Multi(m), k) => {
            let names: Vec<&str> = k
                .options()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && m & (1 << i) != 0)
                .map(|(_, o)| o.id.as_str())
                .collect();
            format!("[{}]", names.join(", "))
        }
        (Slot::Text, _) => "(text)".into(),
        (Slot::Absent | Slot::Declined, _) => "(no answer)".into(),
    }
}

/// Every answer at its least severe: the first option, `no`, the lowest
/// number (the reverse for `descending`), nothing ticked, no text.
pub(super) fn least_severe(rs: &RuleSet) -> Vec<Slot> {
    (0..rs.questions.len())
        .map(|q| match &rs.questions[q].kind {
            QuestionKind::MultiChoice(_) => Slot::Multi(0),
            QuestionKind::Text { .. } => Slot::Absent,
            _ => severity_order(rs, q)
                .first()
                .map(|x| Slot::Num(*x))
                .unwrap_or(Slot::Absent),
        })
        .collect()
}

/// A pair of neighbouring answers where the more severe one gives less
/// care.
struct Hit {
    slots: Vec<Slot>,
    lower: Slot,
    higher: Slot,
    a: Assessment,
    b: Assessment,
}

/// Ticks, in each question others draw their options from, the options
/// those others chose (`options_from`), so that the answers could be
/// saved together.
fn draw_options(rs: &RuleSet, slots: &mut [Slot]) {
    for (p, question) in rs.questions.iter().enumerate() {
        let Some(src) = question.options_from else {
            continue;
        };
        let (Some(own), Some(from)) = (question.kind.options(), rs.questions[src].kind.options())
        else {
            continue;
        };
        let chosen: Vec<usize> = match &slots[p] {
            Slot::Num(x) => vec![*x as usize],
            Slot::Multi(m) => (0..own.len().min(64))
                .filter(|i| m & (1 << i) != 0)
                .collect(),
            _ => Vec::new(),
        };
        let mut add = 0u64;
        for i in chosen {
            if let Some(pos) = own
                .get(i)
                .and_then(|o| from.iter().position(|f| f.id == o.id))
                .filter(|pos| *pos < 64)
            {
                add |= 1 << pos;
            }
        }
        if add != 0 {
            slots[src] = match &slots[src] {
                Slot::Multi(m) => Slot::Multi(m | add),
                _ => Slot::Multi(add),
            };
        }
    }
}

/// Scorings the counterexample searches of one `rules check` may use, over
/// all questions (about a second on one core); past it, what is left is
/// not proved (`analysis-budget`).
pub const SEARCH_SCORINGS: u64 = 100_000;

/// Solver steps (atoms in the conditions asked about) the proofs that a
/// rule that turns off is taken over may use, over all questions; past
/// it, such a step is not shown, and the question is searched or not
/// proved.
const COVER_WORK: u64 = 5_000_000;

/// The same budget counted in questions scored (scorings times the rule
/// set's questions), so that a large rule set gets fewer scorings.
const SEARCH_WORK: u64 = 10_000_000;

fn try_pair(
    rs: &RuleSet,
    budget: &Cell<u64>,
    slots: &mut [Slot],
    q: usize,
    lo: f64,
    hi: f64,
) -> Option<Hit> {
    if budget.get() < 2 {
        return None;
    }
    budget.set(budget.get() - 2);
    draw_options(rs, slots);
    slots[q] = Slot::Num(lo);
    let a = engine::score_slots(rs, slots);
    slots[q] = Slot::Num(hi);
    let b = engine::score_slots(rs, slots);
    let asked = a.questions[q].applicable == Tri::True;
    if !asked || !a.excluded.is_empty() || !b.excluded.is_empty() || a.level >= b.level {
        return None;
    }
    Some(Hit {
        slots: slots.to_vec(),
        lower: Slot::Num(lo),
        higher: Slot::Num(hi),
        a,
        b,
    })
}

fn search(
    rs: &RuleSet,
    budget: &Cell<u64>,
    q: usize,
    values: &[f64],
    least: &[Slot],
    failure: Option<&Failure>,
) -> Option<Hit> {
    // Complete intakes only: a synthetic intake's declined answers take
    // their least severe value.
    let mut bases: Vec<Vec<Slot>> = vec![least.to_vec()];
    bases.extend((0..SAMPLES).map(|n| {
        let mut slots = crate::sample::intake(rs, 1, n).slots;
        for (s, l) in slots.iter_mut().zip(least) {
            if !s.is_answer() {
                *s = l.clone();
            }
        }
        slots
    }));
    // First the answers that make the step structure could not show
    // happen, on each base; then every step on the bases as they are.
    if let Some(f) = failure {
        for overlay in overlays(rs, q, f) {
            for base in &bases {
                let mut b = base.clone();
                for (p, slot) in &overlay {
                    b[*p] = slot.clone();
                }
                if let Some(hit) =
                    try_pair(rs, budget, &mut b, q, values[f.step], values[f.step + 1])
                {
                    return Some(shrink(rs, budget, q, hit, least));
                }
            }
        }
    }
    for mut base in bases {
        for w in values.windows(2) {
            if let Some(hit) = try_pair(rs, budget, &mut base, q, w[0], w[1]) {
                return Some(shrink(rs, budget, q, hit, least));
            }
        }
    }
    None
}

/// Most answer conditions an overlay is searched over.
const MAX_OVERLAY_ATOMS: usize = 12;

/// Answers that make `failure` happen: the part that holds for the less
/// severe answer, and the skip logic of the question and of every question
/// it reads. Each overlay gives some questions an answer; at most eight.
fn overlays(rs: &RuleSet, q: usize, f: &Failure) -> Vec<Vec<(usize, Slot)>> {
    // What holds; what should cover it is left to the bases (on the
    // least-severe intake, most of it is false anyway).
    let mut parts: Vec<Cond> = Vec::new();
    if let Some(c) = &f.holds {
        parts.push(c.clone());
    }
    // Skip logic, two questions deep.
    let mut asked: Vec<usize> = vec![q];
    for _ in 0..2 {
        let mut ats = Vec::new();
        for c in &parts {
            atoms(c, &mut ats);
        }
        for a in &ats {
            if let Some(p) = answer_of(a) {
                if !asked.contains(&p) {
                    asked.push(p);
                }
            }
        }
        for &p in &asked {
            if let Some(c) = &rs.questions[p].ask_when {
                if !parts.contains(c) {
                    parts.push(c.clone());
                }
            }
        }
    }
    let all = Cond::And(parts);
    let mut ats = Vec::new();
    atoms(&all, &mut ats);
    if ats.len() > MAX_OVERLAY_ATOMS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for bits in 0..(1u32 << ats.len()) {
        if out.len() >= 8 {
            break;
        }
        if !holds(&all, &ats, bits) {
            continue;
        }
        let lits: Vec<(&Cond, bool)> = ats
            .iter()
            .enumerate()
            .map(|(i, a)| (a, bits & (1 << i) != 0))
            .collect();
        if let Some(o) = realize(rs, q, &lits) {
            if !out.contains(&o) {
                out.push(o);
            }
        }
    }
    out
}

fn answer_of(atom: &Cond) -> Option<usize> {
    match atom {
        Cond::Cmp {
            operand: Operand::Answer(p),
            ..
        }
        | Cond::In {
            operand: Operand::Answer(p),
            ..
        }
        | Cond::Has { question: p, .. } => Some(*p as usize),
        _ => None,
    }
}

/// A multi-choice answer for [`realize`].
struct Ticked(u32, u64);

impl Env for Ticked {
    fn value(&self, _: Operand) -> Val {
        Val::Na
    }
    fn multi(&self, q: u32) -> Multi {
        if q == self.0 {
            Multi::Set(self.1)
        } else {
            Multi::Na
        }
    }
    fn answered(&self, _: u32) -> Tri {
        Tri::True
    }
    fn missing(&self, _: u32) -> Tri {
        Tri::False
    }
}

/// An answer for each question the literals read (other than `q`) that
/// makes every literal on it true or false as asked; `None` when some
/// question has none. Literals on totals, bands and ratings are left to
/// the scorer to confirm.
fn realize(rs: &RuleSet, q: usize, lits: &[(&Cond, bool)]) -> Option<Vec<(usize, Slot)>> {
    let mut questions: Vec<usize> = lits.iter().filter_map(|(a, _)| answer_of(a)).collect();
    questions.sort_unstable();
    questions.dedup();
    let mut out = Vec::new();
    for p in questions.into_iter().filter(|&p| p != q) {
        let mine: Vec<&(&Cond, bool)> = lits
            .iter()
            .filter(|(a, _)| answer_of(a) == Some(p))
            .collect();
        let fits = |slot: &Slot| {
            mine.iter().all(|(a, want)| {
                let t = match slot {
                    Slot::Num(v) => a.eval(&Point(Operand::Answer(p as u32), *v)),
                    Slot::Multi(m) => a.eval(&Ticked(p as u32, *m)),
                    _ => Tri::False,
                };
                (t == Tri::True) == *want
            })
        };
        let found = match &rs.questions[p].kind {
            QuestionKind::MultiChoice(_) => {
                // The options every literal asks for, then single options.
                let mut want = 0u64;
                for (a, pos) in &mine {
                    if let (Cond::Has { mask, .. }, true) = (a, pos) {
                        want |= mask;
                    }
                }
                let mut tries = vec![Slot::Multi(want)];
                tries.extend(engine::candidates(rs, p));
                tries.into_iter().find(|s| fits(s))
            }
            QuestionKind::Text { .. } => None,
            _ => severity_order(rs, p)
                .into_iter()
                .map(Slot::Num)
                .find(|s| fits(s)),
        };
        out.push((p, found?));
    }
    Some(out)
}

/// Sets every other answer that does not matter to its least severe.
fn shrink(rs: &RuleSet, budget: &Cell<u64>, q: usize, hit: Hit, least: &[Slot]) -> Hit {
    let (lo, hi) = match (&hit.lower, &hit.higher) {
        (Slot::Num(a), Slot::Num(b)) => (*a, *b),
        _ => return hit,
    };
    let mut best = hit;
    for p in 0..rs.questions.len() {
        if p == q || best.slots[p] == least[p] {
            continue;
        }
        let mut s = best.slots.clone();
        s[p] = least[p].clone();
        if let Some(h) = try_pair(rs, budget, &mut s, q, lo, hi) {
            best = h;
        }
    }
    best
}

/// The rule or escalation that holds for the less severe answer and not
/// for the more severe one, at the level it gives.
fn responsible(rs: &RuleSet, h: &Hit) -> (String, Span) {
    // A rating that goes down is the cause; an escalation that stops
    // holding because of it only passes it on.
    for (d, dim) in rs.dimensions.iter().enumerate() {
        let (ra, rb) = (&h.a.dimensions[d], &h.b.dimensions[d]);
        if ra.rating <= rb.rating {
            continue;
        }
        if let Some(i) = ra.deciding(dim).find(|&i| rb.rules[i] != Tri::True) {
            let rule = &dim.rules[i];
            return (
                format!(
                    "rule `{}` of `{}` (rating {})",
                    rule.id, dim.id, rule.rating
                ),
                rule.span,
            );
        }
    }
    for (e, esc) in rs.escalations.iter().enumerate() {
        if esc.level == h.a.level
            && h.a.escalations[e] == Tri::True
            && h.b.escalations[e] != Tri::True
        {
            return (format!("escalation `{}`", esc.id), esc.span);
        }
    }
    (String::new(), Span::UNKNOWN)
}

/// Answer monotonicity of every ordered question. `ratings_monotone`:
/// the level is proved monotone in the ratings.
pub(super) fn analyze(
    rs: &RuleSet,
    facts: &Facts,
    ratings_monotone: bool,
) -> (Vec<Finding>, Analysis) {
    let mut findings = Vec::new();
    let least = least_severe(rs);
    let work = Cell::new(COVER_WORK);
    let budget = Cell::new(SEARCH_SCORINGS.min(SEARCH_WORK / rs.questions.len().max(1) as u64));
    let mut unsearched = 0;
    let mut unsearched_at = Span::UNKNOWN;
    let (mut ordered, mut proved, mut failed, mut open) = (0, 0, 0, 0);
    for (q, question) in rs.questions.iter().enumerate() {
        if question.order == Order::None || question.retired {
            continue;
        }
        let values = severity_order(rs, q);
        if values.len() < 2 {
            continue;
        }
        ordered += 1;
        let mut dirs = Dirs::new(rs, facts, &work, q, &values);
        // The first rating, or else escalation, that can go down: named by
        // the first of its rules (or the escalation) that can turn off.
        let mut culprit: Option<(String, Span, &str)> = None;
        for (d, dim) in rs.dimensions.iter().enumerate() {
            if culprit.is_some() || !dirs.rating(d).down {
                continue;
            }
            for r in &dim.rules {
                if culprit.is_none() && dirs.cond(&r.when).down {
                    culprit = Some((
                        format!("rule `{}` of `{}`", r.id, dim.id),
                        r.span,
                        r.when_text.as_str(),
                    ));
                }
            }
        }
        if culprit.is_none() {
            let nl = rs.levels.len() as u32;
            let escalations: Vec<(&Cond, u32, u32)> = rs
                .escalations
                .iter()
                .map(|e| (&e.when, nl - e.level as u32, nl - e.level as u32))
                .collect();
            let down = rs.escalations.iter().find(|e| dirs.cond(&e.when).down);
            if let Some(e) = down {
                if !dirs.covered(&escalations) {
                    culprit = Some((
                        format!("escalation `{}`", e.id),
                        e.span,
                        e.when_text.as_str(),
                    ));
                }
            }
        }
        if culprit.is_none() && ratings_monotone {
            proved += 1;
            continue;
        }
        if culprit.is_none() {
            // Nothing turns off: only the ratings' own monotonicity, which
            // that analysis reports, is missing.
            open += 1;
            continue;
        }
        if let Some(hit) = search(rs, &budget, q, &values, &least, dirs.failure.as_ref()) {
            failed += 1;
            findings.push(finding(rs, q, &hit, &least));
            continue;
        }
        open += 1;
        if budget.get() < 2 {
            if unsearched == 0 {
                unsearched_at = question.span;
            }
            unsearched += 1;
            continue;
        }
        let why = match &culprit {
            Some((what, _, when)) => format!(
                "{what} (`{}`) may stop holding for a more severe answer, and no counterexample was found",
                when.trim()
            ),
            None => "the level is not proved monotone in the ratings".to_string(),
        };
        findings.push(Finding::plain(
            Diagnostic::warning(
                "not-proved",
                question.span,
                format!("answer monotonicity of `{}` is not proved: {why}", question.id),
            )
            .with_help("give the question `order: none` if its answers have no order of severity, or `order: descending` if a higher answer is less severe; otherwise compare it so that a more severe answer keeps each rule (`>=`, or a list of every answer from some point up)"),
        ));
    }
    if unsearched > 0 {
        findings.push(Finding::plain(
            Diagnostic::warning(
                "analysis-budget",
                unsearched_at,
                format!(
                    "the answer-monotonicity search used up its budget of {} scorings: {unsearched} {} not proved",
                    SEARCH_SCORINGS.min(SEARCH_WORK / rs.questions.len().max(1) as u64),
                    if unsearched == 1 { "question is" } else { "questions are" }
                ),
            )
            .with_help("questions whose rules compare the answer with `>=` (or a list of every answer from some point up) are proved without a search; scoring is not affected"),
        ));
    }
    let status = if failed > 0 {
        Status::Failed
    } else if open > 0 {
        Status::NotProved
    } else {
        Status::Proved
    };
    let mut detail = format!(
        "{ordered} questions with an order of severity: {proved} proved, {failed} with a counterexample, {open} not proved"
    );
    if !ratings_monotone && open > 0 {
        detail.push_str("; the level is not proved monotone in the ratings");
    }
    (
        findings,
        Analysis {
            name: "answer monotonicity",
            status,
            detail,
        },
    )
}

fn finding(rs: &RuleSet, q: usize, h: &Hit, least: &[Slot]) -> Finding {
    let question = &rs.questions[q];
    let (lo, hi) = (answer_text(rs, q, &h.lower), answer_text(rs, q, &h.higher));
    let (la, lb) = (&rs.levels[h.a.level].id, &rs.levels[h.b.level].id);
    let (who, span) = responsible(rs, h);
    let span = if span.is_known() { span } else { question.span };
    let mut others = Map::new();
    let mut shown = Vec::new();
    for (p, l) in least.iter().enumerate() {
        if p == q || h.slots[p] == *l || !h.a.questions[p].used {
            continue;
        }
        let t = answer_text(rs, p, &h.slots[p]);
        shown.push(format!("{} = {t}", rs.questions[p].id));
        others.insert(rs.questions[p].id.clone(), Value::String(t));
    }
    let rest = if shown.is_empty() {
        "every other answer at its least severe".to_string()
    } else {
        format!(
            "with {}, every other answer at its least severe",
            shown.join(", ")
        )
    };
    let because = if who.is_empty() {
        String::new()
    } else {
        format!(": {who} holds for `{lo}` but not for `{hi}`")
    };
    Finding {
        diag: Diagnostic::error(
            "answer-non-monotone",
            span,
            format!(
                "not monotone in `{}`: the more severe answer `{hi}` gives `{lb}`, less care than `{lo}` (`{la}`){because}",
                question.id
            ),
        )
        .with_help(format!(
            "a more severe answer must never give less care: rate `{hi}` at least as high as `{lo}`, or give `{}` `order: none` if its answers have no order of severity (`descending` if a higher answer is less severe)",
            question.id
        )),
        counterexample: Some(Counterexample {
            text: format!(
                "`{}` = {lo} gives `{la}`; `{}` = {hi} gives `{lb}` ({rest})",
                question.id, question.id
            ),
            data: json!({
                "question": question.id,
                "lower": {"answer": lo, "level": la},
                "higher": {"answer": hi, "level": lb},
                "answers": others,
                "responsible": who,
            }),
        }),
    }
}
