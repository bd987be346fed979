//! Incomplete intakes of the default rule set, for measuring missing-answer
//! reasoning (issue 15): intakes of `placement sample` with answers removed
//! in the ways records arrive incomplete. Used by `tests/missing_default.rs`
//! and `benches/missing_answers.rs`.

use placement::intake::Slot;
use placement::rules::RuleSet;
use placement::sample::{self, Rng};

/// The removal patterns, in the order [`intake`] takes them in turn.
pub const PATTERNS: [&str; 7] = [
    "10 % of answers removed",
    "30 % of answers removed",
    "1 to 3 whole sections removed",
    "screening only (instrument items kept)",
    "`age`, `substances` and 10 % removed",
    "1 to 6 answers removed",
    "60 % of answers removed",
];

/// How many patterns each sampled intake is used for.
const PER_BASE: u64 = 20;

/// Incomplete intake `n` (from 0) of `seed`: a sampled intake, the same
/// one for 20 consecutive `n`, with answers removed by pattern
/// `n % PATTERNS.len()` (its index is returned). A removed answer is absent,
/// or declined one time in five.
pub fn intake(rs: &RuleSet, seed: u64, n: u64) -> (usize, Vec<Slot>) {
    let base = sample::intake(rs, seed, n / PER_BASE + 1);
    let mut slots = base.slots;
    let pattern = (n % PATTERNS.len() as u64) as usize;
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x15);
    let answered: Vec<usize> = (0..slots.len()).filter(|&q| slots[q].is_answer()).collect();
    let remove = |q: usize, rng: &mut Rng, slots: &mut Vec<Slot>| {
        slots[q] = if rng.below(5) == 0 {
            Slot::Declined
        } else {
            Slot::Absent
        };
    };
    let share = |p: f64, rng: &mut Rng, slots: &mut Vec<Slot>| {
        for &q in &answered {
            if rng.unit() < p {
                remove(q, rng, slots);
            }
        }
    };
    match pattern {
        0 => share(0.10, &mut rng, &mut slots),
        1 => share(0.30, &mut rng, &mut slots),
        2 => {
            for _ in 0..1 + rng.below(3) {
                let s = &rs.sections[rng.below(rs.sections.len())];
                for q in s.questions.clone() {
                    remove(q, &mut rng, &mut slots);
                }
            }
        }
        3 => {
            let items: Vec<usize> = rs
                .instruments
                .iter()
                .flat_map(|i| i.items.iter().map(|it| it.question))
                .collect();
            for (q, slot) in slots.iter_mut().enumerate() {
                if !items.contains(&q) {
                    *slot = Slot::Absent;
                }
            }
        }
        4 => {
            for id in ["age", "substances"] {
                let q = rs.questions.iter().position(|x| x.id == id).expect(id);
                remove(q, &mut rng, &mut slots);
            }
            share(0.10, &mut rng, &mut slots);
        }
        5 => {
            for _ in 0..1 + rng.below(6) {
                let q = answered[rng.below(answered.len())];
                remove(q, &mut rng, &mut slots);
            }
        }
        _ => share(0.60, &mut rng, &mut slots),
    }
    (pattern, slots)
}
