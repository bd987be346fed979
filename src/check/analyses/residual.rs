//! Residual conditions: what is left of a condition once some of its atoms
//! (the rating comparisons, or any atoms) are fixed, and the truth of a
//! condition under a truth value for each of its atoms.

use crate::cond::{Cond, Env, Multi, Operand, Tri, Val};

/// What is left of a condition once some of its atoms are fixed.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Res {
    True,
    False,
    Cond(Cond),
}

/// Fixes the rating comparisons of `c` at `r` and simplifies.
pub(super) fn fix(c: &Cond, r: &[u8]) -> Res {
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
pub(super) fn junction(
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
pub(super) struct RatingEnv<'a>(&'a [u8]);

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

pub(super) fn res_holds(r: &Res, atoms: &[Cond], bits: u32) -> bool {
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
