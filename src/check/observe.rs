//! What synthetic intakes actually give: the levels, ratings, bands and
//! escalations seen when the scorer itself scores complete intakes from
//! `placement sample`. A reachability analysis calls something reachable
//! ("proved") only when a witness is exact: found from ratings and simple
//! answer comparisons alone, which the solver decides exactly, or seen
//! here. What the solver finds possible only through conditions it does
//! not relate exactly (totals and bands, multi-choice answers) and no
//! intake here shows is *not proved*.

use crate::cond::{Cond, Operand, Tri};
use crate::engine;
use crate::intake::Slot;
use crate::rules::model::{QuestionKind, RuleSet};

/// Synthetic intakes scored, at most.
pub const INTAKES: u64 = 2000;

/// Synthetic intakes scored for `rs`: [`INTAKES`], fewer for a rule set
/// of more than 10,000 questions (20 million questions scored at most).
pub fn intakes(rs: &RuleSet) -> u64 {
    INTAKES.min(20_000_000 / rs.questions.len().max(1) as u64)
}

/// What the scored intakes showed.
pub struct Observed {
    pub levels: Vec<bool>,
    /// Per dimension, per rating.
    pub ratings: Vec<Vec<bool>>,
    /// Per instrument, per band.
    pub bands: Vec<Vec<bool>>,
    /// Per escalation: it held.
    pub holds: Vec<bool>,
    /// Per escalation: it held and nothing else gave as much.
    pub changes: Vec<bool>,
}

/// [`Observed`], worked out the first time it is asked for (only when a
/// witness is not exact).
pub struct Observer<'a> {
    rs: &'a RuleSet,
    cell: std::cell::OnceCell<Observed>,
}

impl<'a> Observer<'a> {
    pub fn new(rs: &'a RuleSet) -> Self {
        Observer {
            rs,
            cell: std::cell::OnceCell::new(),
        }
    }
    pub fn get(&self) -> &Observed {
        self.cell.get_or_init(|| {
            observe(
                self.rs,
                &super::analyses::answer_monotonicity::least_severe(self.rs),
            )
        })
    }
}

/// Scores [`INTAKES`] complete synthetic intakes (a declined answer takes
/// its least severe value).
pub fn observe(rs: &RuleSet, least: &[Slot]) -> Observed {
    let mut o = Observed {
        levels: vec![false; rs.levels.len()],
        ratings: vec![vec![false; rs.max_rating as usize + 1]; rs.dimensions.len()],
        bands: rs
            .instruments
            .iter()
            .map(|i| vec![false; i.bands.len()])
            .collect(),
        holds: vec![false; rs.escalations.len()],
        changes: vec![false; rs.escalations.len()],
    };
    if rs.levels.is_empty() {
        return o;
    }
    for n in 0..intakes(rs) {
        let mut slots = crate::sample::draw(rs, 3, n);
        for (s, l) in slots.iter_mut().zip(least) {
            if !s.is_answer() {
                *s = l.clone();
            }
        }
        let a = engine::score_slots(rs, &slots);
        if !a.excluded.is_empty() {
            continue;
        }
        o.levels[a.level] = true;
        for (d, r) in a.dimensions.iter().enumerate() {
            if let Some(x) = o.ratings[d].get_mut(r.rating as usize) {
                *x = true;
            }
        }
        for (i, r) in a.instruments.iter().enumerate() {
            if let Some(b) = r.band {
                if let Some(x) = o.bands[i].get_mut(b) {
                    *x = true;
                }
            }
        }
        let mins = a.dimensions.iter().map(|d| d.min_level).min();
        for (e, esc) in rs.escalations.iter().enumerate() {
            if a.escalations[e] != Tri::True {
                continue;
            }
            o.holds[e] = true;
            let others = rs
                .escalations
                .iter()
                .enumerate()
                .filter(|(x, _)| *x != e && a.escalations[*x] == Tri::True)
                .map(|(_, x)| x.level)
                .min();
            let without = [mins, others].into_iter().flatten().min();
            if without.is_none_or(|w| esc.level < w) {
                o.changes[e] = true;
            }
        }
    }
    o
}

/// Whether the solver decides `c` exactly: it reads only ratings and
/// answers to yes/no, single-choice and numeric questions (no totals or
/// bands, which it does not relate to their items, and no multi-choice
/// answers).
/// The skip logic of every question read must be exact too, as the solver
/// follows it. With `ratings_free`, rating comparisons count as exact (the
/// rating-space analyses, where ratings range freely); otherwise they do
/// not (a rating is given by answers the solver does not relate to it).
pub fn exact(rs: &RuleSet, c: &Cond, ratings_free: bool) -> bool {
    exact_depth(rs, c, ratings_free, 0)
}

fn exact_depth(rs: &RuleSet, c: &Cond, ratings_free: bool, depth: u32) -> bool {
    if depth > 16 {
        return false;
    }
    let mut ok = true;
    let mut read = Vec::new();
    c.visit_operands(&mut |o| match o {
        Operand::Rating(_) => ok &= ratings_free,
        // `has` reads a multi-choice answer, as an answer.
        Operand::Answer(q) => {
            if matches!(
                rs.questions[q as usize].kind,
                QuestionKind::MultiChoice(_) | QuestionKind::Text { .. }
            ) {
                ok = false;
            }
            read.push(q as usize);
        }
        _ => ok = false,
    });
    ok && read.into_iter().all(|q| {
        rs.questions[q]
            .ask_when
            .as_ref()
            .is_none_or(|a| exact_depth(rs, a, ratings_free, depth + 1))
    })
}
