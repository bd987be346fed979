//! The solver's domains: the values an operand may still take, the
//! constraints on a multi-choice answer, and how a comparison narrows them.

use crate::cond::{CmpOp, Operand};
use std::collections::HashMap;

/// Largest finite domain kept as a set of values; larger ones are intervals.
pub(super) const MAX_SET: usize = 4096;

/// The values a numeric operand may take.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Values {
    Set(Vec<f64>),
    /// `lo..hi`, each end open or closed.
    Interval {
        lo: f64,
        lo_open: bool,
        hi: f64,
        hi_open: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct NumDom {
    pub(super) values: Values,
    /// It may be not applicable.
    pub(super) na: bool,
}

impl NumDom {
    pub(super) fn empty(&self) -> bool {
        !self.na
            && match &self.values {
                Values::Set(v) => v.is_empty(),
                Values::Interval {
                    lo,
                    lo_open,
                    hi,
                    hi_open,
                } => lo > hi || (lo == hi && (*lo_open || *hi_open)),
            }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct MultiDom {
    pub(super) must: u64,
    pub(super) must_not: u64,
    /// Each: at least one of these options.
    pub(super) any_of: Vec<u64>,
    /// Each: not all of these options.
    pub(super) not_all: Vec<u64>,
    pub(super) positive: bool,
}

impl MultiDom {
    /// No answer satisfies every constraint; `exclusive` are the options
    /// that can only be ticked alone.
    pub(super) fn contradictory(&self, exclusive: u64) -> bool {
        if self.must & self.must_not != 0
            || self.any_of.iter().any(|m| m & !self.must_not == 0)
            || self.not_all.iter().any(|m| m & !self.must == 0)
        {
            return true;
        }
        if self.must & exclusive != 0 {
            // The answer is that exclusive option alone.
            return self.must.count_ones() > 1 || self.any_of.iter().any(|m| m & self.must == 0);
        }
        if self.must != 0 {
            // Some option is ticked, so no exclusive option can be.
            let can = !self.must_not & !exclusive;
            return self.any_of.iter().any(|m| m & can == 0);
        }
        false
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Store {
    pub(super) num: HashMap<Operand, NumDom>,
    pub(super) multi: HashMap<u32, MultiDom>,
    /// Per question: must be answered (and applicable) / must not be.
    pub(super) answered: HashMap<u32, (bool, bool)>,
    /// Questions whose skip condition is already a goal.
    pub(super) gated: std::collections::HashSet<u32>,
}

pub(super) fn answered_ok(store: &Store, q: u32) -> bool {
    store
        .answered
        .get(&q)
        .is_none_or(|(yes, no)| !(*yes && *no))
}

pub(super) fn interval(lo: f64, hi: f64) -> Values {
    Values::Interval {
        lo,
        lo_open: false,
        hi,
        hi_open: false,
    }
}

/// Narrows by `x op v`. `negated` means the comparison came from a `not`,
/// so a not-applicable operand still satisfies it.
pub(super) fn narrow_cmp(dom: &mut NumDom, op: CmpOp, v: f64, negated: bool) {
    if !negated {
        dom.na = false;
    }
    match &mut dom.values {
        Values::Set(vals) => vals.retain(|x| op.holds(*x, v)),
        Values::Interval {
            lo,
            lo_open,
            hi,
            hi_open,
        } => match op {
            CmpOp::Eq => {
                let inside =
                    (v > *lo || (v == *lo && !*lo_open)) && (v < *hi || (v == *hi && !*hi_open));
                dom.values = if inside {
                    interval(v, v)
                } else {
                    Values::Set(Vec::new())
                };
            }
            CmpOp::Ne => {
                if *lo == *hi && *lo == v {
                    dom.values = Values::Set(Vec::new());
                }
            }
            CmpOp::Lt | CmpOp::Le => {
                if v < *hi || (v == *hi && op == CmpOp::Lt) {
                    *hi = v;
                    *hi_open = op == CmpOp::Lt;
                }
            }
            CmpOp::Gt | CmpOp::Ge => {
                if v > *lo || (v == *lo && op == CmpOp::Gt) {
                    *lo = v;
                    *lo_open = op == CmpOp::Gt;
                }
            }
        },
    }
}

pub(super) fn narrow_in(dom: &mut NumDom, values: &[f64], negated: bool) {
    if !negated {
        dom.na = false;
    }
    match &mut dom.values {
        Values::Set(vals) => vals.retain(|x| values.contains(x) != negated),
        Values::Interval {
            lo,
            lo_open,
            hi,
            hi_open,
        } => {
            if !negated {
                let inside: Vec<f64> = values
                    .iter()
                    .copied()
                    .filter(|v| {
                        (*v > *lo || (*v == *lo && !*lo_open))
                            && (*v < *hi || (*v == *hi && !*hi_open))
                    })
                    .collect();
                dom.values = Values::Set(inside);
            } else if *lo == *hi && values.contains(lo) {
                dom.values = Values::Set(Vec::new());
            }
        }
    }
}
