//! Satisfiability of conditions: can a condition ever hold?
//!
//! A small, sound, incomplete solver. It walks the condition as a search:
//! `and` adds constraints, `or` and `at_least` branch, `not` is pushed down
//! to the comparisons. Each operand has a domain (the values it can take,
//! and whether it can be *not applicable*, which makes every comparison on
//! it false and every negated one true); a comparison narrows the domain,
//! and an empty domain closes the branch. A condition is reported as
//! unsatisfiable only when every branch closes, so "unsatisfiable" is a
//! proof; "satisfiable" may be wrong when the contradiction spans things
//! this model does not relate (two instrument totals that share items, a
//! total and its own items, a multi-choice hitting-set puzzle). The search
//! is bounded; past the bound a condition counts as satisfiable.

mod domain;
mod facts;
mod solver;
#[cfg(test)]
mod tests;

pub use facts::{achievable_totals, item_runs, Facts};
pub use solver::{mask_of, Solver};
