//! The rating space: totality, monotonicity, level reachability and
//! escalation reachability and shadowing (`docs/ci.md`, "What each
//! analysis proves").
//!
//! The model. A rating vector gives each dimension a rating from 0 to
//! `max_rating`. The level at a vector is the most intensive of the
//! dimensions' minimums and of the escalations that hold. An escalation's
//! condition may read answers, totals and bands as well as ratings; with
//! the ratings fixed, what is left of it (its *residual*) is a condition on
//! answers alone. Ratings are treated as independent of each other and of
//! the answers (every combination is considered, even ones no intake
//! gives), so a property proved over this model holds for every intake;
//! the answers, though, are the *same* on both sides of a comparison of
//! two rating vectors, so an answer-reading escalation can never hide a
//! violation by holding on one side and not on the other.
//!
//! How the analyses scale. Totality is read off the minimums table.
//! Monotonicity is first proved from structure: every minimums row is
//! non-decreasing in intensity and every escalation keeps holding when a
//! rating it reads rises (read from its form, or checked on the ratings it
//! reads). Only the steps where that fails are searched, and only over the
//! dimensions escalations read: a dimension no escalation reads is set to
//! its least intensive rating, which is the worst case for a violation, so
//! the search is exact. Reachability and shadowing use the same reduction.
//! Each question about answers goes to the condition solver; when it cannot
//! decide, or a search is larger than its budget, the analysis is reported
//! as not proved with the reason, never as proved.

use super::analyses::{plural, unconfirmed_detail, vector_json, vector_text};
use super::locate;
use super::observe::{exact, Observer};
use super::sat::Solver;
use super::{Analysis, Counterexample, Finding, Status};
use crate::cond::{CmpOp, Cond, Env, Multi, Operand, Tri, Val};
use crate::diag::{Diagnostic, Span};
use crate::rules::model::{QuestionKind, RuleSet};
use serde_json::{json, Value};
use std::rc::Rc;

/// Largest number of rating vectors (after the reduction) a search visits.
pub const MAX_VECTORS: u64 = 1_000_000;

/// Work budget of the searches that ask the solver about answers: the sum,
/// over solver questions, of the atoms in the question. Past it, what is
/// left is reported as not proved (`analysis-budget`). About a second of
/// work on one core.
pub const SPACE_WORK: u64 = 5_000_000;

/// Most answer conditions a counterexample's witness is searched over
/// (every combination of their truth values is tried).
const MAX_WITNESS_ATOMS: usize = 12;

/// What is left of a condition once some of its atoms are fixed.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Res {
    True,
    False,
    Cond(Cond),
}

/// Fixes the rating comparisons of `c` at `r` and simplifies.
fn fix(c: &Cond, r: &[u8]) -> Res {
    fix_atoms(c, &|atom| match atom {
        Cond::Cmp {
            operand: Operand::Rating(_),
            ..
        }
        | Cond::In {
            operand: Operand::Rating(_),
            ..
        } => Some(atom.eval(&RatingEnv(r)) == Tri::True),
        _ => None,
    })
}

/// Replaces every atom `known` gives a truth value for with that value,
/// and simplifies.
pub(super) fn fix_atoms(c: &Cond, known: &dyn Fn(&Cond) -> Option<bool>) -> Res {
    match c {
        Cond::And(items) => junction(items, known, false, Cond::And),
        Cond::Or(items) => junction(items, known, true, Cond::Or),
        Cond::Not(inner) => match fix_atoms(inner, known) {
            Res::True => Res::False,
            Res::False => Res::True,
            Res::Cond(x) => Res::Cond(Cond::Not(Box::new(x))),
        },
        Cond::AtLeast(n, items) => {
            let mut yes = 0u32;
            let mut rest = Vec::new();
            for i in items {
                match fix_atoms(i, known) {
                    Res::True => yes += 1,
                    Res::False => {}
                    Res::Cond(x) => rest.push(x),
                }
            }
            let need = n.saturating_sub(yes);
            if need == 0 {
                Res::True
            } else if need as usize > rest.len() {
                Res::False
            } else {
                Res::Cond(Cond::AtLeast(need, rest))
            }
        }
        atom => match known(atom) {
            Some(true) => Res::True,
            Some(false) => Res::False,
            None => Res::Cond(atom.clone()),
        },
    }
}

/// [`fix_atoms`] for `and` (`absorbing` false: one false part makes it
/// false) and `or` (`absorbing` true): parts equal to the other value drop
/// out; none left is that value, one left stands alone.
fn junction(
    items: &[Cond],
    known: &dyn Fn(&Cond) -> Option<bool>,
    absorbing: bool,
    make: fn(Vec<Cond>) -> Cond,
) -> Res {
    let constant = |b: bool| if b { Res::True } else { Res::False };
    let mut rest = Vec::new();
    for i in items {
        match fix_atoms(i, known) {
            Res::Cond(x) => rest.push(x),
            r if r == constant(absorbing) => return r,
            _ => {}
        }
    }
    match rest.len() {
        0 => constant(!absorbing),
        1 => Res::Cond(rest.pop().expect("one")),
        _ => Res::Cond(make(rest)),
    }
}

/// Ratings only: evaluates a comparison of a rating.
struct RatingEnv<'a>(&'a [u8]);

impl Env for RatingEnv<'_> {
    fn value(&self, operand: Operand) -> Val {
        match operand {
            Operand::Rating(d) => {
                let r = self.0.get(d as usize).copied().unwrap_or(0) as f64;
                Val::Range(r, r)
            }
            _ => Val::Na,
        }
    }
    fn multi(&self, _: u32) -> Multi {
        Multi::Unknown
    }
    fn answered(&self, _: u32) -> Tri {
        Tri::Unknown
    }
    fn missing(&self, _: u32) -> Tri {
        Tri::Unknown
    }
}

/// Whether every rating comparison in `c` can only turn true as the rating
/// rises (`>=`, `>`, or `<`, `<=` under a negation): then the condition
/// keeps holding when any rating rises, whatever the answers.
fn upward(c: &Cond, positive: bool) -> bool {
    match c {
        Cond::And(items) | Cond::Or(items) | Cond::AtLeast(_, items) => {
            items.iter().all(|i| upward(i, positive))
        }
        Cond::Not(inner) => upward(inner, !positive),
        Cond::Cmp {
            operand: Operand::Rating(_),
            op,
            ..
        } => match op {
            CmpOp::Ge | CmpOp::Gt => positive,
            CmpOp::Le | CmpOp::Lt => !positive,
            CmpOp::Eq | CmpOp::Ne => false,
        },
        Cond::In {
            operand: Operand::Rating(_),
            ..
        } => false,
        _ => true,
    }
}

/// The distinct answer conditions (leaves) of `c`, added to `out`.
pub(super) fn atoms(c: &Cond, out: &mut Vec<Cond>) {
    match c {
        Cond::And(items) | Cond::Or(items) | Cond::AtLeast(_, items) => {
            items.iter().for_each(|i| atoms(i, out))
        }
        Cond::Not(inner) => atoms(inner, out),
        leaf => {
            if !out.contains(leaf) {
                out.push(leaf.clone());
            }
        }
    }
}

/// `c` under a truth value for each atom (bit `i` of `bits` for `atoms[i]`).
pub(super) fn holds(c: &Cond, atoms: &[Cond], bits: u32) -> bool {
    match c {
        Cond::And(items) => items.iter().all(|i| holds(i, atoms, bits)),
        Cond::Or(items) => items.iter().any(|i| holds(i, atoms, bits)),
        Cond::Not(inner) => !holds(inner, atoms, bits),
        Cond::AtLeast(n, items) => {
            items.iter().filter(|i| holds(i, atoms, bits)).count() >= *n as usize
        }
        leaf => atoms
            .iter()
            .position(|a| a == leaf)
            .is_some_and(|i| bits & (1 << i) != 0),
    }
}

fn res_holds(r: &Res, atoms: &[Cond], bits: u32) -> bool {
    match r {
        Res::True => true,
        Res::False => false,
        Res::Cond(c) => holds(c, atoms, bits),
    }
}

/// The atoms of `c`, at least 1: the cost of asking the solver about it.
pub(super) fn count_atoms(c: &Cond) -> u64 {
    let mut n = 0u64;
    c.visit_operands(&mut |_| n += 1);
    n.max(1)
}

/// One answer condition of a witness, and whether it holds.
#[derive(Debug, Clone)]
struct Literal {
    text: String,
    holds: bool,
}

/// Answers (as conditions on them) under which something happens.
#[derive(Debug, Clone, Default)]
struct Witness {
    literals: Vec<Literal>,
}

impl Witness {
    fn text(&self) -> String {
        if self.literals.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .literals
            .iter()
            .map(|l| {
                if l.holds {
                    format!("`{}`", l.text)
                } else {
                    format!("not `{}`", l.text)
                }
            })
            .collect();
        format!(" (answers: {})", parts.join(", "))
    }
    fn json(&self) -> Value {
        Value::Array(
            self.literals
                .iter()
                .map(|l| json!({"condition": l.text, "holds": l.holds}))
                .collect(),
        )
    }
}

/// A monotonicity violation: raising `dim` at `low` gives a less intensive
/// level, for the answers of `witness`.
#[derive(Debug, Clone)]
struct Violation {
    dim: usize,
    cause: Cause,
    low: Vec<u8>,
    high: Vec<u8>,
    low_level: usize,
    high_level: usize,
    witness: Witness,
}

/// Why a monotonicity violation happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// The dimension's own minimums row goes down.
    Cell,
    /// An escalation that held stops holding.
    Escalation(usize),
}

/// What a search over pairs or vectors found.
enum Hit<T> {
    None,
    Found(T),
    /// The solver could not rule it out, nor could a witness be found.
    Undecided(String),
}

/// The searches over the rating space, with the residuals of the
/// escalations memoised by the ratings they read.
pub(super) struct Space<'a> {
    rs: &'a RuleSet,
    solver: Solver<'a>,
    base: usize,
    /// Per escalation: the dimensions its condition reads.
    reads: Vec<Vec<usize>>,
    memo: Vec<rustc_hash::FxHashMap<u64, Rc<Res>>>,
    /// Atoms in solver questions so far.
    work: u64,
}

impl<'a> Space<'a> {
    pub(super) fn new(rs: &'a RuleSet, solver: Solver<'a>) -> Self {
        let reads = rs
            .escalations
            .iter()
            .map(|e| {
                let mut ds = Vec::new();
                e.when.visit_operands(&mut |o| {
                    if let Operand::Rating(d) = o {
                        ds.push(d as usize)
                    }
                });
                ds.sort_unstable();
                ds.dedup();
                ds
            })
            .collect();
        Space {
            rs,
            solver,
            base: rs.max_rating as usize + 1,
            reads,
            memo: vec![Default::default(); rs.escalations.len()],
            work: 0,
        }
    }

    fn over_budget(&self) -> bool {
        self.work > SPACE_WORK
    }

    fn res(&mut self, e: usize, r: &[u8]) -> Rc<Res> {
        let key = self.reads[e]
            .iter()
            .fold(0u64, |k, &d| k * self.base as u64 + r[d] as u64);
        if let Some(x) = self.memo[e].get(&key) {
            return x.clone();
        }
        let x = Rc::new(fix(&self.rs.escalations[e].when, r));
        if let Res::Cond(c) = &*x {
            self.work += count_atoms(c);
        }
        self.memo[e].insert(key, x.clone());
        x
    }

    fn minimums_level(&self, r: &[u8]) -> usize {
        let mut l = self.rs.levels.len().saturating_sub(1);
        for (d, dim) in self.rs.dimensions.iter().enumerate() {
            if let Some(m) = dim.minimums.get(r[d] as usize) {
                l = l.min(*m);
            }
        }
        l
    }

    /// Whether the goals (each a condition and whether it must be false)
    /// can hold together.
    fn sat(&mut self, goals: &[(&Cond, bool)]) -> bool {
        self.work += goals.iter().map(|(c, _)| count_atoms(c)).sum::<u64>();
        self.solver.satisfiable_all(goals)
    }

    /// The level at `r` under the atoms' truth values.
    fn level_under(&self, m: usize, res: &[Rc<Res>], atoms: &[Cond], bits: u32) -> usize {
        let mut l = m;
        for (e, x) in res.iter().enumerate() {
            if res_holds(x, atoms, bits) {
                l = l.min(self.rs.escalations[e].level);
            }
        }
        l
    }

    /// A consistent truth assignment of `atoms` for which `want` holds.
    fn witness(&mut self, atoms: &[Cond], want: impl Fn(u32) -> bool) -> Hit<(u32, Witness)> {
        if atoms.len() > MAX_WITNESS_ATOMS {
            return Hit::Undecided(format!(
                "{} answer conditions are involved, more than the {MAX_WITNESS_ATOMS} a witness is searched over",
                atoms.len()
            ));
        }
        for bits in 0..(1u32 << atoms.len()) {
            if !want(bits) {
                continue;
            }
            let goals: Vec<(&Cond, bool)> = atoms
                .iter()
                .enumerate()
                .map(|(i, a)| (a, bits & (1 << i) == 0))
                .collect();
            if self.sat(&goals) {
                let literals = atoms
                    .iter()
                    .enumerate()
                    .map(|(i, a)| Literal {
                        text: atom_text(self.rs, a),
                        holds: bits & (1 << i) != 0,
                    })
                    .collect();
                return Hit::Found((bits, Witness { literals }));
            }
        }
        Hit::None
    }

    /// Whether some answers make the level at `hi` less intensive than at
    /// `lo`.
    fn pair(&mut self, lo: &[u8], hi: &[u8], d: usize) -> Hit<Violation> {
        let ne = self.rs.escalations.len();
        let (m, m2) = (self.minimums_level(lo), self.minimums_level(hi));
        let rl: Vec<Rc<Res>> = (0..ne).map(|e| self.res(e, lo)).collect();
        let rh: Vec<Rc<Res>> = (0..ne).map(|e| self.res(e, hi)).collect();
        // Is there a level L with level(lo) <= L < level(hi)?
        let mut possible = false;
        for l in 0..m2 {
            let upto: Vec<usize> = (0..ne)
                .filter(|&e| self.rs.escalations[e].level <= l)
                .collect();
            if upto.iter().any(|&e| *rh[e] == Res::True) {
                break;
            }
            let mut goals: Vec<(&Cond, bool)> = upto
                .iter()
                .filter_map(|&e| match &*rh[e] {
                    Res::Cond(c) => Some((c, true)),
                    _ => None,
                })
                .collect();
            let either;
            if m > l {
                if upto.iter().any(|&e| *rl[e] == Res::True) {
                    // Holds at `lo` whatever the answers.
                } else {
                    let cs: Vec<Cond> = upto
                        .iter()
                        .filter_map(|&e| match &*rl[e] {
                            Res::Cond(c) => Some(c.clone()),
                            _ => None,
                        })
                        .collect();
                    if cs.is_empty() {
                        continue;
                    }
                    either = Cond::Or(cs);
                    goals.push((&either, false));
                }
            }
            if goals.is_empty() || self.sat(&goals) {
                possible = true;
                break;
            }
        }
        if !possible {
            return Hit::None;
        }
        let mut ats = Vec::new();
        for x in rl.iter().chain(&rh) {
            if let Res::Cond(c) = &**x {
                atoms(c, &mut ats);
            }
        }
        let found = {
            let (rl2, rh2) = (rl.clone(), rh.clone());
            let atoms_ref = ats.clone();
            let this = &*self;
            let lv = |bits: u32| {
                (
                    this.level_under(m, &rl2, &atoms_ref, bits),
                    this.level_under(m2, &rh2, &atoms_ref, bits),
                )
            };
            let pairs: Vec<(usize, usize)> = (0..(1u32 << ats.len().min(MAX_WITNESS_ATOMS)))
                .map(lv)
                .collect();
            self.witness(&ats, |bits| {
                let (a, b) = pairs[bits as usize];
                a < b
            })
        };
        match found {
            Hit::Found((bits, witness)) => {
                let low_level = self.level_under(m, &rl, &ats, bits);
                let high_level = self.level_under(m2, &rh, &ats, bits);
                let row = &self.rs.dimensions[d].minimums;
                let cause = if row[lo[d] as usize] == low_level
                    && row[hi[d] as usize] > row[lo[d] as usize]
                {
                    Cause::Cell
                } else {
                    let e = (0..ne)
                        .find(|&e| {
                            self.rs.escalations[e].level == low_level
                                && res_holds(&rl[e], &ats, bits)
                                && !res_holds(&rh[e], &ats, bits)
                        })
                        .or_else(|| {
                            (0..ne).find(|&e| {
                                self.rs.escalations[e].level == low_level
                                    && res_holds(&rl[e], &ats, bits)
                            })
                        });
                    match e {
                        Some(e) => Cause::Escalation(e),
                        None => Cause::Cell,
                    }
                };
                Hit::Found(Violation {
                    dim: d,
                    cause,
                    low: lo.to_vec(),
                    high: hi.to_vec(),
                    low_level,
                    high_level,
                    witness,
                })
            }
            Hit::None => Hit::Undecided(format!(
                "at ratings {} and {} the solver could not rule out a lower level, and no answers that give one were found",
                vector_text(self.rs, lo),
                vector_text(self.rs, hi)
            )),
            Hit::Undecided(why) => Hit::Undecided(format!(
                "at ratings {} and {} the solver could not rule out a lower level: {why}",
                vector_text(self.rs, lo),
                vector_text(self.rs, hi)
            )),
        }
    }
}

/// Every rating vector that gives the dimensions of `free` each of their
/// `values` and every other dimension its rating in `fixed`, in order;
/// `f` returns false to stop. Returns false when stopped.
fn each_vector(
    fixed: &[u8],
    free: &[usize],
    values: &[Vec<u8>],
    mut f: impl FnMut(&[u8]) -> bool,
) -> bool {
    if values.iter().any(|v| v.is_empty()) {
        return true;
    }
    let mut r = fixed.to_vec();
    for (i, &d) in free.iter().enumerate() {
        r[d] = values[i][0];
    }
    let mut idx = vec![0usize; free.len()];
    loop {
        if !f(&r) {
            return false;
        }
        let mut i = 0;
        loop {
            if i == free.len() {
                return true;
            }
            idx[i] += 1;
            if idx[i] < values[i].len() {
                r[free[i]] = values[i][idx[i]];
                break;
            }
            idx[i] = 0;
            r[free[i]] = values[i][0];
            i += 1;
        }
    }
}

/// How many vectors [`each_vector`] visits.
fn count(values: &[Vec<u8>]) -> u64 {
    values
        .iter()
        .try_fold(1u64, |a, v| a.checked_mul(v.len() as u64))
        .unwrap_or(u64::MAX)
}

/// Steps where an escalation may stop holding: the ratings it reads, and
/// the position (among those) of the rating that rises.
type BadSteps = rustc_hash::FxHashSet<(Vec<u8>, usize)>;

/// Findings and analyses of the rating space.
pub(super) struct Run<'a> {
    rs: &'a RuleSet,
    space: Space<'a>,
    observed: &'a Observer<'a>,
    /// Per dimension, the ratings it is certainly given.
    certain: &'a [u16],
    pub findings: Vec<Finding>,
    pub analyses: Vec<Analysis>,
}

fn all_ratings(max: u8) -> Vec<u8> {
    (0..=max).collect()
}

impl<'a> Run<'a> {
    pub(super) fn new(
        rs: &'a RuleSet,
        solver: Solver<'a>,
        observed: &'a Observer<'a>,
        certain: &'a [u16],
    ) -> Self {
        Run {
            rs,
            space: Space::new(rs, solver),
            observed,
            certain,
            findings: Vec::new(),
            analyses: Vec::new(),
        }
    }

    /// Every rating of `r` is one its dimension is certainly given.
    fn certain_ratings(&self, r: &[u8]) -> bool {
        r.iter().zip(self.certain).all(|(k, m)| m & (1 << k) != 0)
    }

    fn push(&mut self, d: Diagnostic, cx: Option<Counterexample>) {
        self.findings.push(Finding {
            diag: d,
            counterexample: cx,
        });
    }

    fn analysis(&mut self, name: &'static str, status: Status, detail: String) {
        self.analyses.push(Analysis {
            name,
            status,
            detail,
        });
    }

    fn budget_warning(&mut self, what: &str) {
        if self
            .findings
            .iter()
            .any(|f| f.diag.code == "analysis-budget")
        {
            return;
        }
        let span = self
            .rs
            .escalations
            .first()
            .map(|e| e.span)
            .unwrap_or(Span::UNKNOWN);
        let work = self.space.work;
        self.push(
            Diagnostic::warning(
                "analysis-budget",
                span,
                format!(
                    "the escalations that read answers need more than the budget of {SPACE_WORK} solver steps ({work} used when {what} stopped): what was left is not proved"
                ),
            )
            .with_help("escalations that read fewer dimensions' ratings, or shorter conditions, fit the budget; scoring is not affected"),
            None,
        );
    }

    fn too_large(&mut self, what: &str, size: u64, note: &str) {
        let span = self
            .rs
            .dimensions
            .first()
            .map(|d| d.span)
            .unwrap_or(Span::UNKNOWN);
        self.push(
            Diagnostic::warning(
                "space-too-large",
                span,
                format!(
                    "{what} would visit {size} rating vectors{note}, more than {MAX_VECTORS}: it is not proved"
                ),
            )
            .with_help("escalations that read fewer dimensions' ratings make the search smaller; dimensions no escalation reads cost nothing"),
            None,
        );
    }

    /// The dimensions any escalation reads.
    fn escalation_dims(&self) -> Vec<usize> {
        let mut r: Vec<usize> = self.space.reads.iter().flatten().copied().collect();
        r.sort_unstable();
        r.dedup();
        r
    }

    /// Per dimension, among `allowed` ratings, the one with the least
    /// intensive minimum (the lowest such rating).
    fn least(&self, allowed: &[Vec<u8>]) -> Vec<u8> {
        self.rs
            .dimensions
            .iter()
            .zip(allowed)
            .map(|(dim, vals)| {
                let mut best = vals.first().copied().unwrap_or(0);
                for &k in vals {
                    if dim.minimums.get(k as usize) > dim.minimums.get(best as usize) {
                        best = k;
                    }
                }
                best
            })
            .collect()
    }

    /// Every analysis of the rating space, given the ratings each
    /// dimension can be given (`reach`) and the escalations that can never
    /// hold (`never`).
    pub(super) fn all(&mut self, reach: &[u16], never: &[bool]) {
        if !self.totality() {
            return;
        }
        self.monotonicity();
        let real: Vec<Vec<u8>> = reach
            .iter()
            .map(|m| {
                (0..=self.rs.max_rating)
                    .filter(|r| m & (1 << r) != 0)
                    .collect()
            })
            .collect();
        self.levels(&real);
        self.escalations(&real, never);
    }

    /// Every dimension names a level for every rating.
    fn totality(&mut self) -> bool {
        let rs = self.rs;
        let base = rs.max_rating as usize + 1;
        let dims = rs.dimensions.len();
        let mut bad = None;
        for (d, dim) in rs.dimensions.iter().enumerate() {
            if dim.minimums.len() < base {
                let mut r = vec![0u8; dims];
                r[d] = dim.minimums.len() as u8;
                bad = Some((d, r));
                break;
            }
        }
        let size = format!("{base}^{dims}");
        if let Some((d, r)) = bad {
            let dim = &rs.dimensions[d];
            self.push(
                Diagnostic::error(
                    "not-total",
                    dim.minimums_span,
                    format!("`{}` has no minimum level for rating {}", dim.id, r[d]),
                ),
                Some(Counterexample {
                    text: format!("ratings {} give no level", vector_text(rs, &r)),
                    data: json!({"ratings": vector_json(rs, &r)}),
                }),
            );
            self.analysis("totality", Status::Failed, format!("{size} rating vectors"));
            return false;
        }
        if rs.levels.is_empty() {
            self.analysis("totality", Status::Failed, "no levels".into());
            return false;
        }
        self.analysis(
            "totality",
            Status::Proved,
            format!("{size} rating vectors: every dimension names a level for every rating"),
        );
        true
    }

    fn monotonicity(&mut self) {
        let rs = self.rs;
        let dims = rs.dimensions.len();
        let max = rs.max_rating;
        let size = format!("{}^{dims}", max as usize + 1);
        // Steps where a minimums row goes down.
        let row_bad: Vec<Vec<bool>> = rs
            .dimensions
            .iter()
            .map(|dim| {
                (0..max as usize)
                    .map(|k| dim.minimums[k + 1] > dim.minimums[k])
                    .collect()
            })
            .collect();
        // Steps where an escalation may stop holding: per escalation, the
        // (ratings it reads, position of the rising dimension) pairs, or
        // `None` when that was not worked out.
        let mut esc_bad: Vec<Option<BadSteps>> = Vec::new();
        for e in 0..rs.escalations.len() {
            let reads = self.space.reads[e].clone();
            let mut bad = rustc_hash::FxHashSet::default();
            if reads.is_empty() || upward(&rs.escalations[e].when, true) {
                esc_bad.push(Some(bad));
                continue;
            }
            let values = vec![all_ratings(max); reads.len()];
            if count(&values).saturating_mul(reads.len() as u64) > MAX_VECTORS {
                esc_bad.push(None);
                continue;
            }
            let space = &mut self.space;
            let done = each_vector(&vec![0u8; dims], &reads, &values, |r| {
                for (j, &d) in reads.iter().enumerate() {
                    if r[d] == max {
                        continue;
                    }
                    let lo = space.res(e, r);
                    let mut up = r.to_vec();
                    up[d] += 1;
                    let hi = space.res(e, &up);
                    let stops = match (&*lo, &*hi) {
                        (Res::False, _) | (_, Res::True) => false,
                        (Res::True, Res::False) => true,
                        (Res::True, Res::Cond(h)) => space.sat(&[(h, true)]),
                        (Res::Cond(l), Res::False) => space.sat(&[(l, false)]),
                        (Res::Cond(l), Res::Cond(h)) => space.sat(&[(l, false), (h, true)]),
                    };
                    if stops {
                        let key: Vec<u8> = reads.iter().map(|&x| r[x]).collect();
                        bad.insert((key, j));
                    }
                }
                !space.over_budget()
            });
            esc_bad.push(if done { Some(bad) } else { None });
        }
        let structural = row_bad.iter().flatten().all(|b| !b)
            && esc_bad
                .iter()
                .all(|b| b.as_ref().is_some_and(|s| s.is_empty()));
        if structural {
            self.analysis(
                "monotonicity",
                Status::Proved,
                format!("{size} rating vectors, from structure: every minimums row is non-decreasing, and every escalation keeps holding when a rating it reads rises, whatever the answers"),
            );
            return;
        }
        // Search the steps structure did not settle.
        let esc_dims = self.escalation_dims();
        let least = self.least(&vec![all_ratings(max); dims]);
        let suspect = |d: usize| {
            row_bad[d].iter().any(|b| *b)
                || esc_bad.iter().enumerate().any(|(e, b)| {
                    self.space.reads[e].contains(&d) && b.as_ref().is_none_or(|s| !s.is_empty())
                })
        };
        let searched: Vec<usize> = (0..dims).filter(|&d| suspect(d)).collect();
        let mut plan = Vec::new();
        let mut total = 0u64;
        for &d in &searched {
            let mut free = esc_dims.clone();
            if !free.contains(&d) {
                free.push(d);
                free.sort_unstable();
            }
            let values = vec![all_ratings(max); free.len()];
            total = total.saturating_add(count(&values));
            plan.push((d, free, values));
        }
        if total > MAX_VECTORS {
            // Too many to search: try the likeliest places first, each
            // minimums step that goes down with every other dimension at
            // 0 or at its least intensive rating. A violation found there
            // is real; none found proves nothing.
            let mut found: Vec<Violation> = Vec::new();
            for d in 0..dims {
                for k in 0..max {
                    if !row_bad[d][k as usize] || found.iter().any(|v| v.dim == d) {
                        continue;
                    }
                    for start in [vec![0u8; dims], least.clone()] {
                        let mut lo = start;
                        lo[d] = k;
                        let mut hi = lo.clone();
                        hi[d] += 1;
                        if let Hit::Found(v) = self.space.pair(&lo, &hi, d) {
                            found.push(v);
                            break;
                        }
                    }
                }
            }
            if !found.is_empty() {
                for v in &found {
                    self.monotonicity_finding(v);
                }
                self.analysis(
                    "monotonicity",
                    Status::Failed,
                    format!("{size} rating vectors; the likeliest steps searched"),
                );
                return;
            }
            let note = format!(
                " (the steps of {})",
                plural(searched.len(), "dimension", "dimensions")
            );
            self.too_large("the monotonicity search", total, &note);
            self.analysis(
                "monotonicity",
                Status::NotProved,
                format!("rating space too large: the search would visit {total} vectors"),
            );
            return;
        }
        let mut found: Vec<Violation> = Vec::new();
        let mut undecided: Option<String> = None;
        let mut pairs = 0u64;
        for (d, free, values) in &plan {
            let d = *d;
            let reads = &self.space.reads;
            let step_bad = |r: &[u8]| -> bool {
                if row_bad[d][r[d] as usize] {
                    return true;
                }
                esc_bad.iter().enumerate().any(|(e, b)| {
                    let Some(j) = reads[e].iter().position(|&x| x == d) else {
                        return false;
                    };
                    match b {
                        None => true,
                        Some(s) => {
                            let key: Vec<u8> = reads[e].iter().map(|&x| r[x]).collect();
                            s.contains(&(key, j))
                        }
                    }
                })
            };
            let mut todo: Vec<Vec<u8>> = Vec::new();
            each_vector(&least, free, values, |r| {
                if r[d] < max && step_bad(r) {
                    todo.push(r.to_vec());
                }
                true
            });
            for lo in todo {
                pairs += 1;
                let mut hi = lo.clone();
                hi[d] += 1;
                match self.space.pair(&lo, &hi, d) {
                    Hit::None => {}
                    Hit::Found(v) => {
                        let seen = found.iter().any(|x| {
                            x.dim == v.dim
                                && x.cause == v.cause
                                && (v.cause != Cause::Cell || x.low[d] == v.low[d])
                        });
                        if !seen && found.len() < 50 {
                            found.push(v);
                        }
                    }
                    Hit::Undecided(why) => {
                        undecided.get_or_insert(why);
                    }
                }
                if self.space.over_budget() {
                    break;
                }
            }
            if self.space.over_budget() {
                break;
            }
        }
        let over = self.space.over_budget();
        for v in &found {
            self.monotonicity_finding(v);
        }
        if !found.is_empty() {
            self.analysis(
                "monotonicity",
                Status::Failed,
                format!(
                    "{size} rating vectors; {} searched",
                    plural(pairs as usize, "step", "steps")
                ),
            );
        } else if over {
            self.budget_warning("the monotonicity search");
            self.analysis(
                "monotonicity",
                Status::NotProved,
                format!(
                    "work budget exceeded ({} solver steps, budget {SPACE_WORK})",
                    self.space.work
                ),
            );
        } else if let Some(why) = undecided {
            self.push(
                Diagnostic::warning(
                    "not-proved",
                    rs.escalations
                        .first()
                        .map(|e| e.span)
                        .unwrap_or(Span::UNKNOWN),
                    format!("monotonicity is not proved: {why}"),
                )
                .with_help("simpler answer conditions in the escalations let the checker decide"),
                None,
            );
            self.analysis("monotonicity", Status::NotProved, why);
        } else {
            self.analysis(
                "monotonicity",
                Status::Proved,
                format!("{size} rating vectors: {} that structure did not settle searched, whatever the answers", plural(pairs as usize, "step", "steps")),
            );
        }
    }

    fn monotonicity_finding(&mut self, v: &Violation) {
        let rs = self.rs;
        let dim = &rs.dimensions[v.dim];
        let from = v.low[v.dim];
        let to = from + 1;
        let lvl = |l: usize| rs.levels[l].id.as_str();
        let (span, msg, help) = match v.cause {
            Cause::Cell => (
                locate::minimums_cell(rs, v.dim, to as usize),
                format!(
                    "not monotone: raising `{}` from {from} to {to} lowers its minimum level from `{}` to `{}`",
                    dim.id,
                    lvl(dim.minimums[from as usize]),
                    lvl(dim.minimums[to as usize])
                ),
                "a higher rating must never give a less intensive level; list each dimension's minimums from the least to the most intensive".to_string(),
            ),
            Cause::Escalation(e) => {
                let esc = &rs.escalations[e];
                (
                    esc.span,
                    format!(
                        "not monotone: escalation `{}` stops holding when `{}` rises from {from} to {to}, which lowers the level",
                        esc.id, dim.id
                    ),
                    "compare ratings with `>=` (not `==`, `<` or `<=`) so that a higher rating keeps the escalation".to_string(),
                )
            }
        };
        let text = format!(
            "ratings {} give `{}`; raising `{}` to {to}, ratings {} give `{}`{}",
            vector_text(rs, &v.low),
            lvl(v.low_level),
            dim.id,
            vector_text(rs, &v.high),
            lvl(v.high_level),
            v.witness.text()
        );
        self.push(
            Diagnostic::error("non-monotone", span, msg).with_help(help),
            Some(Counterexample {
                text,
                data: json!({
                    "dimension": dim.id,
                    "lower": {"ratings": vector_json(rs, &v.low), "level": lvl(v.low_level)},
                    "higher": {"ratings": vector_json(rs, &v.high), "level": lvl(v.high_level)},
                    "answers": v.witness.json(),
                }),
            }),
        );
    }
}

impl Run<'_> {
    /// Whether some answers give exactly level `l` at `r`.
    /// Whether some answers give exactly level `l` at `r`, and whether
    /// that is certain: decided from ratings and conditions the solver
    /// decides exactly (`observe::exact`).
    fn gives(&mut self, r: &[u8], l: usize) -> (bool, bool) {
        let ne = self.rs.escalations.len();
        let m = self.space.minimums_level(r);
        if m < l {
            return (false, true);
        }
        let res: Vec<Rc<Res>> = (0..ne).map(|e| self.space.res(e, r)).collect();
        let lv = |e: usize| self.rs.escalations[e].level;
        if (0..ne).any(|e| lv(e) < l && *res[e] == Res::True) {
            return (false, true);
        }
        let mut goals: Vec<(&Cond, bool)> = (0..ne)
            .filter(|&e| lv(e) < l)
            .filter_map(|e| match &*res[e] {
                Res::Cond(c) => Some((c, true)),
                _ => None,
            })
            .collect();
        let either;
        if m != l && !(0..ne).any(|e| lv(e) == l && *res[e] == Res::True) {
            let cs: Vec<Cond> = (0..ne)
                .filter(|&e| lv(e) == l)
                .filter_map(|e| match &*res[e] {
                    Res::Cond(c) => Some(c.clone()),
                    _ => None,
                })
                .collect();
            if cs.is_empty() {
                return (false, true);
            }
            either = Cond::Or(cs);
            goals.push((&either, false));
        }
        if goals.is_empty() {
            return (true, true);
        }
        let certain = goals.iter().all(|(c, _)| exact(self.rs, c, true));
        (self.space.sat(&goals), certain)
    }

    /// The level at `r` counting only what holds whatever the answers.
    fn must_level(&mut self, r: &[u8], skip: Option<usize>) -> usize {
        let mut l = self.space.minimums_level(r);
        for e in 0..self.rs.escalations.len() {
            if Some(e) != skip && *self.space.res(e, r) == Res::True {
                l = l.min(self.rs.escalations[e].level);
            }
        }
        l
    }

    /// Which levels some realizable rating vector and some answers give.
    fn levels(&mut self, real: &[Vec<u8>]) {
        let rs = self.rs;
        let dims = rs.dimensions.len();
        let free = self.escalation_dims();
        let least = self.least(real);
        let values: Vec<Vec<u8>> = free.iter().map(|&d| real[d].clone()).collect();
        // Dimensions no escalation reads: each at its least intensive
        // rating, or one of them at any other rating it can be given.
        let mut configs = vec![least.clone()];
        for d in (0..dims).filter(|d| !free.contains(d)) {
            for &k in &real[d] {
                if k != least[d] {
                    let mut c = least.clone();
                    c[d] = k;
                    configs.push(c);
                }
            }
        }
        let size = count(&values).saturating_mul(configs.len() as u64);
        let realizable: u64 = real
            .iter()
            .map(|v| v.len() as u64)
            .fold(1u64, u64::saturating_mul);
        // Every level is usually found within the first vectors; the
        // search stops there, or at MAX_VECTORS. A level is settled when a
        // witness is certain, or possible and seen in a synthetic intake.
        let nl = rs.levels.len();
        let mut found = vec![false; nl];
        let mut certain = vec![false; nl];
        let observer = self.observed;
        let seen = |l: usize| observer.get().levels[l];
        let settled =
            |found: &[bool], certain: &[bool]| (0..nl).all(|l| certain[l] || (found[l] && seen(l)));
        let mut visited = 0u64;
        for c in &configs {
            each_vector(c, &free, &values, |r| {
                visited += 1;
                for l in 0..nl {
                    if certain[l] || (found[l] && seen(l)) {
                        continue;
                    }
                    let (f, exact) = self.gives(r, l);
                    let sure = self.certain_ratings(r);
                    found[l] |= f;
                    certain[l] |= f && exact && sure;
                }
                !(settled(&found, &certain) || self.space.over_budget() || visited >= MAX_VECTORS)
            });
            if settled(&found, &certain) || self.space.over_budget() || visited >= MAX_VECTORS {
                break;
            }
        }
        if !found.iter().all(|f| *f) && visited >= MAX_VECTORS && size > visited {
            self.too_large("the level reachability search", size, "");
            self.analysis(
                "level reachability",
                Status::NotProved,
                format!("rating space too large: {visited} of {size} vectors searched"),
            );
            return;
        }
        if !found.iter().all(|f| *f) && self.space.over_budget() {
            self.budget_warning("level reachability");
            self.analysis(
                "level reachability",
                Status::NotProved,
                format!(
                    "work budget exceeded ({} solver steps, budget {SPACE_WORK})",
                    self.space.work
                ),
            );
            return;
        }
        for (l, f) in found.iter().enumerate() {
            if !f {
                self.unreachable_level(real, l);
            }
        }
        let unconfirmed: Vec<String> = (0..nl)
            .filter(|&l| found[l] && !certain[l] && !seen(l))
            .map(|l| format!("`{}`", rs.levels[l].id))
            .collect();
        self.analysis(
            "level reachability",
            if !found.iter().all(|f| *f) {
                Status::Failed
            } else if !unconfirmed.is_empty() {
                Status::NotProved
            } else {
                Status::Proved
            },
            unconfirmed_detail(
                rs,
                format!("{realizable} rating vectors whose every rating can be given"),
                "levels",
                &unconfirmed,
            ),
        );
    }

    fn unreachable_level(&mut self, real: &[Vec<u8>], l: usize) {
        let rs = self.rs;
        let level = &rs.levels[l];
        let mut cells = Vec::new();
        for (d, dim) in rs.dimensions.iter().enumerate() {
            for (k, &m) in dim.minimums.iter().enumerate() {
                if m == l {
                    cells.push((d, k));
                }
            }
        }
        let escs: Vec<&str> = rs
            .escalations
            .iter()
            .filter(|e| e.level == l)
            .map(|e| e.id.as_str())
            .collect();
        let (text, data) = if cells.is_empty() && escs.is_empty() {
            (
                format!(
                    "no dimension's minimums and no escalation name `{}`",
                    level.id
                ),
                json!({"level": level.id, "named_by": []}),
            )
        } else if let Some(&(d, k)) = cells.iter().find(|(d, k)| real[*d].contains(&(*k as u8))) {
            let mut r = vec![0u8; rs.dimensions.len()];
            r[d] = k as u8;
            let got = self.must_level(&r, None);
            (
                format!(
                    "ratings {} put `{}` at {k} (minimum `{}`), yet the level is `{}`",
                    vector_text(rs, &r),
                    rs.dimensions[d].id,
                    level.id,
                    rs.levels[got].id
                ),
                json!({"level": level.id, "ratings": vector_json(rs, &r), "gives": rs.levels[got].id}),
            )
        } else if !cells.is_empty() {
            let named: Vec<String> = cells
                .iter()
                .map(|(d, k)| format!("`{}` rating {k}", rs.dimensions[*d].id))
                .collect();
            (
                format!(
                    "named only at ratings no rule can give: {}",
                    named.join(", ")
                ),
                json!({"level": level.id, "named_by": named}),
            )
        } else {
            (
                format!(
                    "named only by escalations that never hold: {}",
                    escs.join(", ")
                ),
                json!({"level": level.id, "named_by": escs}),
            )
        };
        self.push(
            Diagnostic::warning(
                "unreachable-level",
                level.span,
                format!("level `{}` is never recommended: no rating vector and no escalation gives it", level.id),
            )
            .with_help("name it in a dimension's minimums at a rating that can be given, or remove it (an assessor can still place someone there with an override)"),
            Some(Counterexample { text, data }),
        );
    }

    /// Escalations that can never hold, and escalations that never change
    /// the level.
    fn escalations(&mut self, real: &[Vec<u8>], never: &[bool]) {
        let rs = self.rs;
        let ne = rs.escalations.len();
        let free = self.escalation_dims();
        let least = self.least(real);
        let values: Vec<Vec<u8>> = free.iter().map(|&d| real[d].clone()).collect();
        let size = count(&values);
        let lv = |e: usize| rs.escalations[e].level;
        // Per escalation: a vector where it can hold, whether it ever
        // changes the level, and what covers it wherever it can hold.
        let mut example: Vec<Option<Vec<u8>>> = vec![None; ne];
        let mut changes = vec![false; ne];
        // It changes the level for certain (exact conditions), or an
        // intake showed it.
        let mut certain = vec![false; ne];
        let observer = self.observed;
        let seen = |e: usize| observer.get().changes[e];
        let mut cover: Vec<Vec<bool>> = vec![vec![true; ne]; ne];
        let mut min_cover = vec![true; ne];
        let mut stopped = false;
        let mut visited = 0u64;
        // Stops once every escalation is known to change the level
        // somewhere (nothing is left to report), at the budget, or at
        // MAX_VECTORS.
        each_vector(&least, &free, &values, |r| {
            visited += 1;
            let m = self.space.minimums_level(r);
            let res: Vec<Rc<Res>> = (0..ne).map(|e| self.space.res(e, r)).collect();
            for e in 0..ne {
                let may = match &*res[e] {
                    Res::False => false,
                    Res::True => true,
                    Res::Cond(c) => {
                        never[e] || example[e].is_some() || self.space.sat(&[(c, false)])
                    }
                };
                if !may || never[e] {
                    continue;
                }
                example[e].get_or_insert_with(|| r.to_vec());
                for o in 0..ne {
                    if o != e && !(*res[o] == Res::True && lv(o) <= lv(e)) {
                        cover[e][o] = false;
                    }
                }
                if m > lv(e) {
                    min_cover[e] = false;
                }
                if certain[e] || (changes[e] && seen(e)) || m <= lv(e) {
                    continue;
                }
                // Does it hold while nothing else gives as much?
                if (0..ne).any(|o| o != e && lv(o) <= lv(e) && *res[o] == Res::True) {
                    continue;
                }
                let mut goals: Vec<(&Cond, bool)> = (0..ne)
                    .filter(|&o| o != e && lv(o) <= lv(e))
                    .filter_map(|o| match &*res[o] {
                        Res::Cond(c) => Some((c, true)),
                        _ => None,
                    })
                    .collect();
                if let Res::Cond(c) = &*res[e] {
                    goals.push((c, false));
                }
                if goals.is_empty() || self.space.sat(&goals) {
                    changes[e] = true;
                    let sure = self.certain_ratings(r);
                    certain[e] |= sure && goals.iter().all(|(c, _)| exact(rs, c, true));
                }
            }
            if self.space.over_budget() {
                stopped = true;
                return false;
            }
            let settled = (0..ne).all(|e| never[e] || certain[e] || (changes[e] && seen(e)));
            !settled && visited < MAX_VECTORS
        });
        let settled = (0..ne).all(|e| never[e] || certain[e] || (changes[e] && seen(e)));
        if !settled && !stopped && visited < size {
            self.too_large("the escalation reachability search", size, "");
            self.analysis(
                "escalation reachability",
                Status::NotProved,
                format!("rating space too large: {visited} of {size} vectors searched"),
            );
            self.unreachable_escalations(never);
            return;
        }
        if stopped {
            self.budget_warning("escalation reachability");
            self.analysis(
                "escalation reachability",
                Status::NotProved,
                format!(
                    "work budget exceeded ({} solver steps, budget {SPACE_WORK})",
                    self.space.work
                ),
            );
            self.unreachable_escalations(never);
            return;
        }
        let unreachable: Vec<bool> = (0..ne).map(|e| never[e] || example[e].is_none()).collect();
        self.unreachable_escalations(&unreachable);
        let mut ok = !unreachable.iter().any(|x| *x);
        for e in 0..ne {
            if unreachable[e] || changes[e] {
                continue;
            }
            ok = false;
            let Some(r) = example[e].clone() else {
                continue;
            };
            let covered_by = if min_cover[e] {
                None
            } else {
                (0..ne).find(|&o| o != e && cover[e][o])
            };
            self.shadowed(e, &r, covered_by, min_cover[e]);
        }
        let unconfirmed: Vec<String> = (0..ne)
            .filter(|&e| !unreachable[e] && changes[e] && !certain[e] && !seen(e))
            .map(|e| format!("`{}`", rs.escalations[e].id))
            .collect();
        self.analysis(
            "escalation reachability",
            if !ok {
                Status::Failed
            } else if !unconfirmed.is_empty() {
                Status::NotProved
            } else {
                Status::Proved
            },
            unconfirmed_detail(
                rs,
                format!(
                    "{}, whatever the answers",
                    plural(ne, "escalation", "escalations")
                ),
                "escalations that change the level",
                &unconfirmed,
            ),
        );
    }

    fn unreachable_escalations(&mut self, unreachable: &[bool]) {
        let rs = self.rs;
        for (e, bad) in unreachable.iter().enumerate() {
            if !bad {
                continue;
            }
            let esc = &rs.escalations[e];
            self.push(
                Diagnostic::warning(
                    "unreachable-escalation",
                    esc.span,
                    format!(
                        "escalation `{}` can never hold: its condition `{}` is false for every rating each dimension can be given",
                        esc.id,
                        esc.when_text.trim()
                    ),
                )
                .with_help("check the ratings it compares against the ratings the dimensions' rules can give"),
                None,
            );
        }
    }

    fn shadowed(&mut self, e: usize, r: &[u8], covered_by: Option<usize>, minimums_cover: bool) {
        let rs = self.rs;
        let esc = &rs.escalations[e];
        let by = match covered_by {
            Some(o) => format!("escalation `{}`", rs.escalations[o].id),
            None if minimums_cover => "the dimensions' minimums".to_string(),
            None => "the minimums and other escalations".to_string(),
        };
        let without = self.must_level(r, Some(e));
        self.push(
            Diagnostic::warning(
                "shadowed-escalation",
                esc.span,
                format!(
                    "escalation `{}` never changes the result: whenever it can hold, the level is already `{}` or more through {by}",
                    esc.id, rs.levels[esc.level].id
                ),
            )
            .with_help("remove it, or narrow what shadows it"),
            Some(Counterexample {
                text: format!(
                    "ratings {} make it hold, and without it the level is already `{}`",
                    vector_text(rs, r),
                    rs.levels[without].id
                ),
                data: json!({
                    "ratings": vector_json(rs, r),
                    "level_without": rs.levels[without].id,
                    "shadowed_by": covered_by.map(|o| rs.escalations[o].id.clone()),
                }),
            }),
        );
    }
}

/// A condition on answers as text, for counterexamples: the operand by
/// its id, the operator, and the value (an option or band by its id).
pub fn atom_text(rs: &RuleSet, c: &Cond) -> String {
    let operand_name = |o: &Operand| match o {
        Operand::Answer(q) => rs.questions[*q as usize].id.clone(),
        Operand::Total(i) => format!("{}.total", rs.instruments[*i as usize].id),
        Operand::Band(i) => format!("{}.band", rs.instruments[*i as usize].id),
        Operand::Rating(d) => format!("{}.rating", rs.dimensions[*d as usize].id),
        Operand::Level => "level".to_string(),
    };
    let value_name = |o: &Operand, v: f64| -> String {
        match o {
            Operand::Answer(q) => match &rs.questions[*q as usize].kind {
                QuestionKind::SingleChoice(opts) => opts
                    .get(v as usize)
                    .map(|x| x.id.clone())
                    .unwrap_or_else(|| v.to_string()),
                QuestionKind::YesNo => (if v == 1.0 { "yes" } else { "no" }).to_string(),
                _ => v.to_string(),
            },
            Operand::Band(i) => rs.instruments[*i as usize]
                .bands
                .get(v as usize)
                .map(|b| b.id.clone())
                .unwrap_or_else(|| v.to_string()),
            Operand::Level => rs
                .levels
                .len()
                .checked_sub(1 + v as usize)
                .and_then(|i| rs.levels.get(i))
                .map(|l| l.id.clone())
                .unwrap_or_else(|| v.to_string()),
            _ => v.to_string(),
        }
    };
    let options = |q: u32, mask: u64| -> String {
        let opts = rs.questions[q as usize].kind.options().unwrap_or(&[]);
        let names: Vec<&str> = opts
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
            .map(|(_, o)| o.id.as_str())
            .collect();
        names.join(", ")
    };
    match c {
        Cond::Cmp { operand, op, value } => {
            if let Operand::Answer(q) = operand {
                if matches!(rs.questions[*q as usize].kind, QuestionKind::YesNo) && *op == CmpOp::Eq
                {
                    let id = &rs.questions[*q as usize].id;
                    return if *value == 1.0 {
                        id.clone()
                    } else {
                        format!("{id} == no")
                    };
                }
            }
            format!(
                "{} {} {}",
                operand_name(operand),
                op.as_str(),
                value_name(operand, *value)
            )
        }
        Cond::In {
            operand, values, ..
        } => format!(
            "{} in [{}]",
            operand_name(operand),
            values
                .iter()
                .map(|v| value_name(operand, *v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Cond::Has {
            question,
            mode,
            mask,
        } => {
            let id = &rs.questions[*question as usize].id;
            let m = match mode {
                crate::cond::HasMode::One => "has",
                crate::cond::HasMode::Any => "has_any",
                crate::cond::HasMode::All => "has_all",
            };
            format!("{id} {m} [{}]", options(*question, *mask))
        }
        Cond::Answered(q) => format!("answered({})", rs.questions[*q as usize].id),
        Cond::Missing(q) => format!("missing({})", rs.questions[*q as usize].id),
        _ => "(condition)".to_string(),
    }
}
