//! Varied answers for the analyses of `rules check` (witnesses of ratings,
//! levels and bands; bases for the answer-monotonicity search). They want
//! variety, not a realistic spread of levels: each draw has a severity
//! between 0 and 1 that biases every answer around it, so the most severe
//! answers come up often. This is the generator `placement sample` used
//! before it drew for target levels, kept as it was so that the analyses
//! find what they found.

use super::Rng;
use crate::cond::Tri;
use crate::engine;
use crate::intake::Slot;
use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;

/// Picks an index in 0..n biased towards `severity` (0 least, 1 most).
fn biased(rng: &mut Rng, n: usize, severity: f64) -> usize {
    if n <= 1 {
        return 0;
    }
    let x = severity + (rng.unit() - 0.5) * 0.4;
    ((x.clamp(0.0, 0.999_999)) * n as f64) as usize
}

fn answer(rng: &mut Rng, kind: &QuestionKind, severity: f64) -> Slot {
    match kind {
        QuestionKind::YesNo => Slot::Num(if rng.unit() < severity * severity * 0.6 {
            1.0
        } else {
            0.0
        }),
        QuestionKind::SingleChoice(o) => Slot::Num(biased(rng, o.len(), severity) as f64),
        QuestionKind::MultiChoice(o) => {
            // An exclusive option (`none`) is only ever ticked alone.
            let exclusive = kind.exclusive_mask();
            let mut mask = 0u64;
            for i in 1..o.len().min(64) {
                if rng.unit() < 0.05 + severity * 0.35 && exclusive & (1 << i) == 0 {
                    mask |= 1 << i;
                }
            }
            if mask == 0 && !o.is_empty() {
                // Nothing ticked: the first exclusive option, or the first.
                mask = if exclusive != 0 {
                    exclusive & exclusive.wrapping_neg()
                } else {
                    1
                };
            }
            Slot::Multi(mask)
        }
        QuestionKind::Integer {
            min,
            max,
            allowed,
            scale,
        } => {
            if let Some(a) = allowed {
                let mut v = a.clone();
                v.sort();
                Slot::Num(v[biased(rng, v.len(), severity)] as f64)
            } else if !scale.is_empty() {
                let mut v: Vec<i64> = scale.iter().map(|(x, _)| *x).collect();
                v.sort();
                Slot::Num(v[biased(rng, v.len(), severity)] as f64)
            } else {
                let span = (max - min) as u64 + 1;
                if span <= 1 {
                    Slot::Num(*min as f64)
                } else if span > 60 {
                    // Wide ranges (an age, a count): a plausible middle part.
                    let lo = *min as f64 + (span as f64) * 0.15;
                    let hi = *min as f64 + (span as f64) * 0.6;
                    Slot::Num((lo + (hi - lo) * rng.unit()).floor().min(*max as f64))
                } else {
                    let idx = biased(rng, span.min(1 << 20) as usize, severity) as i64;
                    Slot::Num((*min + idx).min(*max) as f64)
                }
            }
        }
        QuestionKind::Number { min, max } => {
            Slot::Num(((min + (max - min) * rng.unit()) * 10.0).round() / 10.0)
        }
        QuestionKind::Text { .. } => Slot::Text,
    }
}

/// An answer to question `q`, whose options come from the multi-choice
/// question `source`, kept to the options ticked there (`options_from`).
fn within_source(
    rng: &mut Rng,
    rs: &RuleSet,
    slots: &[Slot],
    q: usize,
    source: usize,
    slot: Slot,
    severity: f64,
) -> Slot {
    let (Slot::Multi(ticked), Some(from), Some(options)) = (
        &slots[source],
        rs.questions[source].kind.options(),
        rs.questions[q].kind.options(),
    ) else {
        return slot;
    };
    let allowed: Vec<usize> = (0..options.len().min(64))
        .filter(|&i| {
            from.iter()
                .position(|f| f.id == options[i].id)
                .is_some_and(|j| j < 64 && ticked & (1 << j) != 0)
        })
        .collect();
    match slot {
        Slot::Num(x) if allowed.contains(&(x as usize)) => slot,
        Slot::Num(_) if allowed.is_empty() => Slot::Declined,
        Slot::Num(_) => Slot::Num(allowed[biased(rng, allowed.len(), severity)] as f64),
        Slot::Multi(m) => Slot::Multi(allowed.iter().fold(0, |acc, &i| acc | (m & (1 << i)))),
        other => other,
    }
}

/// Answers numbered `n` for the analyses: the first of up to 50 draws
/// that no exclusion rules out (one it may rule out, or one it does, when
/// none is left). Skip logic is followed; a few answers are declined.
/// Deterministic for a seed.
pub fn draw(rs: &RuleSet, seed: u64, n: u64) -> Vec<Slot> {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
    let mut excluded_attempt = None;
    let mut undecided_attempt = None;
    for _attempt in 0..50 {
        let severity = rng.unit().powf(2.2);
        let mut slots = vec![Slot::Absent; rs.questions.len()];
        let mut applicable = Vec::with_capacity(rs.questions.len());
        for (q, question) in rs.questions.iter().enumerate() {
            // Skip logic reads only earlier questions, all decided by now.
            let asked = engine::asked(rs, &slots, &applicable, q) == Tri::True;
            applicable.push(Tri::from_bool(asked));
            if !asked {
                continue;
            }
            let mut slot = answer(&mut rng, &question.kind, severity);
            if let Some(source) = question.options_from {
                slot = within_source(&mut rng, rs, &slots, q, source, slot, severity);
            }
            if slot == Slot::Text {
                // The text itself is not drawn here, but the draw is
                // kept in step with the generator this was.
                rng.below(5);
            }
            slots[q] = slot;
        }
        // A few draws leave some answers declined.
        if rng.unit() < 0.05 {
            for _ in 0..1 + rng.below(3) {
                let q = rng.below(rs.questions.len());
                if slots[q].is_answer() {
                    slots[q] = Slot::Declined;
                }
            }
        }
        let assessment = engine::score_slots(rs, &slots);
        let excluded = !assessment.excluded.is_empty();
        let undecided = !assessment.possibly_excluded.is_empty();
        // The generator this was drew a placement here: the same numbers
        // are drawn, so that every later draw is as it was.
        let reasons = rs
            .override_reasons
            .iter()
            .filter(|r| !r.no_override)
            .count();
        if rng.unit() < 0.08 && reasons > 0 && rs.levels.len() > 1 {
            rng.below(rs.levels.len());
            rng.below(reasons);
        }
        match (excluded, undecided) {
            (false, false) => return slots,
            (false, true) => undecided_attempt = Some(slots),
            (true, _) => excluded_attempt = Some(slots),
        }
    }
    undecided_attempt.or(excluded_attempt).unwrap_or_default()
}
