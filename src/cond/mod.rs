//! The condition language: parsing (`parse`) and evaluation in
//! three-valued logic (this module). Type checking a condition against a
//! rule set belongs to the loader (`rules::load::conditions`), which knows the
//! questions; this layer knows no rule set.
//!
//! Every operand evaluates to an interval of numbers: an answered question
//! is a single point, a missing one spans its whole range, a partly answered
//! instrument total spans what its missing items could add. Comparisons on
//! intervals give `True`, `False` or `Unknown`, and `and`/`or`/`not` follow
//! Kleene's logic, so the engine can tell what holds for certain and what
//! could hold once missing answers are known.

pub mod parse;

pub use parse::{CmpOp, HasMode};

/// A truth value that may be unknown because an answer is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    pub fn and(self, o: Tri) -> Tri {
        self.min(o)
    }
    pub fn or(self, o: Tri) -> Tri {
        self.max(o)
    }
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
            Tri::True => Tri::False,
        }
    }
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
    /// True, or unknown: it could hold.
    pub fn possible(self) -> bool {
        self != Tri::False
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::False => "false",
            Tri::Unknown => "unknown",
            Tri::True => "true",
        }
    }
}

/// What a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operand {
    /// A question's answer as a number: integer and number answers as they
    /// are, a single choice as its option's position, yes/no as 1/0.
    Answer(u32),
    /// An instrument's total.
    Total(u32),
    /// An instrument's band, as its position.
    Band(u32),
    /// A dimension's rating.
    Rating(u32),
    /// The recommended level, as intensity: 0 for the least intensive.
    Level,
}

/// A type-checked condition, with ids resolved to indexes.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    AtLeast(u32, Vec<Cond>),
    Cmp {
        operand: Operand,
        op: CmpOp,
        value: f64,
    },
    In {
        operand: Operand,
        values: Vec<f64>,
        /// The operand takes whole numbers only (bands, options, integer
        /// answers, ratings, levels), so a range can be covered by the list.
        integral: bool,
    },
    Has {
        question: u32,
        mode: HasMode,
        mask: u64,
    },
    Answered(u32),
    Missing(u32),
}

/// The value of an operand during evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// Not applicable (a skipped question, an instrument none of whose
    /// items were asked): every comparison on it is false.
    Na,
    /// Somewhere in `lo..=hi`; a known value has `lo == hi`.
    Range(f64, f64),
    /// Either not applicable or somewhere in `lo..=hi`: an answer to a
    /// question whose skip logic depends on a missing answer. A comparison
    /// that holds on the range is only possible, never certain.
    MaybeRange(f64, f64),
}

/// A multi-choice answer during evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multi {
    Na,
    Unknown,
    Set(u64),
    /// Either not applicable or this set (see [`Val::MaybeRange`]).
    MaybeSet(u64),
}

/// What evaluation needs to know about the answers and results so far.
pub trait Env {
    fn value(&self, operand: Operand) -> Val;
    fn multi(&self, question: u32) -> Multi;
    /// Whether the question has an answer that is used.
    fn answered(&self, question: u32) -> Tri;
    /// Whether the question applies and has no answer.
    fn missing(&self, question: u32) -> Tri;
}

impl Cond {
    pub fn eval<E: Env + ?Sized>(&self, env: &E) -> Tri {
        match self {
            Cond::And(items) => {
                let mut acc = Tri::True;
                for c in items {
                    acc = acc.and(c.eval(env));
                    if acc == Tri::False {
                        break;
                    }
                }
                acc
            }
            Cond::Or(items) => {
                let mut acc = Tri::False;
                for c in items {
                    acc = acc.or(c.eval(env));
                    if acc == Tri::True {
                        break;
                    }
                }
                acc
            }
            Cond::Not(c) => c.eval(env).not(),
            Cond::AtLeast(n, items) => {
                let (mut yes, mut maybe) = (0u32, 0u32);
                for c in items {
                    match c.eval(env) {
                        Tri::True => yes += 1,
                        Tri::Unknown => maybe += 1,
                        Tri::False => {}
                    }
                }
                if yes >= *n {
                    Tri::True
                } else if yes + maybe >= *n {
                    Tri::Unknown
                } else {
                    Tri::False
                }
            }
            Cond::Cmp { operand, op, value } => match env.value(*operand) {
                Val::Na => Tri::False,
                Val::Range(lo, hi) => compare(lo, hi, *op, *value),
                Val::MaybeRange(lo, hi) => compare(lo, hi, *op, *value).and(Tri::Unknown),
            },
            Cond::In {
                operand,
                values,
                integral,
            } => match env.value(*operand) {
                Val::Na => Tri::False,
                Val::Range(lo, hi) => member(lo, hi, values, *integral),
                Val::MaybeRange(lo, hi) => member(lo, hi, values, *integral).and(Tri::Unknown),
            },
            Cond::Has {
                question,
                mode,
                mask,
            } => match env.multi(*question) {
                Multi::Na => Tri::False,
                Multi::Unknown => Tri::Unknown,
                Multi::Set(set) => has(set, *mode, *mask),
                Multi::MaybeSet(set) => has(set, *mode, *mask).and(Tri::Unknown),
            },
            Cond::Answered(q) => env.answered(*q),
            Cond::Missing(q) => env.missing(*q),
        }
    }

    /// Calls `f` with every operand the condition reads.
    pub fn visit_operands(&self, f: &mut impl FnMut(Operand)) {
        match self {
            Cond::And(items) | Cond::Or(items) | Cond::AtLeast(_, items) => {
                items.iter().for_each(|c| c.visit_operands(f))
            }
            Cond::Not(c) => c.visit_operands(f),
            Cond::Cmp { operand, .. } | Cond::In { operand, .. } => f(*operand),
            Cond::Has { question, .. } | Cond::Answered(question) | Cond::Missing(question) => {
                f(Operand::Answer(*question))
            }
        }
    }
}

fn has(set: u64, mode: HasMode, mask: u64) -> Tri {
    Tri::from_bool(match mode {
        HasMode::One | HasMode::Any => set & mask != 0,
        HasMode::All => set & mask == mask,
    })
}

/// Whether a value in `lo..=hi` is among `values`.
fn member(lo: f64, hi: f64, values: &[f64], integral: bool) -> Tri {
    if lo == hi {
        return Tri::from_bool(values.contains(&lo));
    }
    if !values.iter().any(|v| *v >= lo && *v <= hi) {
        return Tri::False;
    }
    // Every whole number of the range listed: it holds whatever the value.
    if integral && hi - lo <= 10_000.0 {
        let (a, b) = (lo.ceil() as i64, hi.floor() as i64);
        if (a..=b).all(|x| values.contains(&(x as f64))) {
            return Tri::True;
        }
    }
    Tri::Unknown
}

fn compare(lo: f64, hi: f64, op: CmpOp, v: f64) -> Tri {
    // For each operator: (holds for every value in range, holds for none).
    let (all, none) = match op {
        CmpOp::Eq => (lo == v && hi == v, v < lo || v > hi),
        CmpOp::Ne => (v < lo || v > hi, lo == v && hi == v),
        CmpOp::Lt => (hi < v, lo >= v),
        CmpOp::Le => (hi <= v, lo > v),
        CmpOp::Gt => (lo > v, hi <= v),
        CmpOp::Ge => (lo >= v, hi < v),
    };
    if all {
        Tri::True
    } else if none {
        Tri::False
    } else {
        Tri::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_comparisons() {
        assert_eq!(compare(22.0, 25.0, CmpOp::Ge, 20.0), Tri::True);
        assert_eq!(compare(18.0, 21.0, CmpOp::Ge, 20.0), Tri::Unknown);
        assert_eq!(compare(3.0, 3.0, CmpOp::Gt, 3.0), Tri::False);
        assert_eq!(compare(0.0, 3.0, CmpOp::Ne, 5.0), Tri::True);
        assert_eq!(compare(2.0, 2.0, CmpOp::Eq, 2.0), Tri::True);
        assert_eq!(compare(0.0, 3.0, CmpOp::Lt, 0.0), Tri::False);
    }

    #[test]
    fn kleene_logic() {
        assert_eq!(Tri::Unknown.and(Tri::False), Tri::False);
        assert_eq!(Tri::Unknown.or(Tri::True), Tri::True);
        assert_eq!(Tri::Unknown.not(), Tri::Unknown);
    }
}
