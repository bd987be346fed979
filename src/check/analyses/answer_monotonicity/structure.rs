//! The proof of answer monotonicity from structure: the direction in which
//! each condition, total, band and rating can move as one question's answer
//! becomes more severe.
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

use crate::check::analyses::residual::{atoms, count_atoms, fix_atoms, Res};
use crate::check::sat::{Facts, Solver};
use crate::cond::{CmpOp, Cond, Env, Multi, Operand, Tri, Val};
use crate::rules::model::RuleSet;
use std::cell::Cell;

/// Whether something can turn on (`up`) or off (`down`) as the answer
/// becomes more severe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Dir {
    pub(super) up: bool,
    pub(super) down: bool,
}

impl Dir {
    const BOTH: Dir = Dir {
        up: true,
        down: true,
    };
    pub(super) fn union(self, o: Dir) -> Dir {
        Dir {
            up: self.up || o.up,
            down: self.down || o.down,
        }
    }
    pub(super) fn flip(self) -> Dir {
        Dir {
            up: self.down,
            down: self.up,
        }
    }
    pub(super) fn changes(self) -> bool {
        self.up || self.down
    }
    /// A comparison of something that moves in direction `self`.
    pub(super) fn through(self, op: Option<CmpOp>) -> Dir {
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
pub(super) struct Point(pub(super) Operand, pub(super) f64);

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
pub(super) struct Dirs<'a> {
    pub(super) rs: &'a RuleSet,
    pub(super) solver: Solver<'a>,
    /// Solver steps left for [`Dirs::covered`], over all questions.
    pub(super) work: &'a Cell<u64>,
    pub(super) q: usize,
    /// The question's answers, least severe first.
    pub(super) values: &'a [f64],
    pub(super) applies: Vec<Option<Dir>>,
    pub(super) totals: Vec<Option<Dir>>,
    pub(super) ratings: Vec<Option<Dir>>,
    /// The first step [`Dirs::covered`] could not show: what holds for the
    /// less severe answer, and what does not for the more severe one (the
    /// parts left once the question's comparisons are fixed).
    pub(super) failure: Option<Failure>,
}

#[derive(Debug, Clone)]
pub(super) struct Failure {
    pub(super) step: usize,
    pub(super) holds: Option<Cond>,
}

impl<'a> Dirs<'a> {
    pub(super) fn new(
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

    pub(super) fn sequence(&self, mut f: impl FnMut(f64) -> f64) -> Dir {
        let mut d = Dir::default();
        for w in self.values.windows(2) {
            let (a, b) = (f(w[0]), f(w[1]));
            d.up |= b > a;
            d.down |= b < a;
        }
        d
    }

    /// Whether question `p` is asked, as the answer changes.
    pub(super) fn applies(&mut self, p: usize) -> Dir {
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

    pub(super) fn total(&mut self, i: usize) -> Dir {
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
    pub(super) fn instrument_applies(&mut self, i: usize) -> Dir {
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

    pub(super) fn rating(&mut self, dim: usize) -> Dir {
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
    pub(super) fn rating_floor(&self, dim: usize) -> Vec<u32> {
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
    pub(super) fn covered(&mut self, conds: &[(&Cond, u32, u32)]) -> bool {
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

    pub(super) fn cond(&mut self, c: &Cond) -> Dir {
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

    pub(super) fn atom(&mut self, c: &Cond, operand: Operand, op: Option<CmpOp>) -> Dir {
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
pub(super) fn through(
    d: Dir,
    c: &Cond,
    operand: Operand,
    op: Option<CmpOp>,
    lo: i64,
    hi: i64,
) -> Dir {
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
