//! How `placement sample` draws one answer: least severe answers the most
//! likely at low severity (in the question's order of severity), or the
//! rule set's `weight`s; the least severe answer those weights allow; and
//! answers kept to the options ticked in an `options_from` source.

use super::Rng;
use crate::intake::Slot;
use crate::rules::model::{Order, Question, QuestionKind};
use crate::rules::RuleSet;

/// Picks an index by weight (all 0: the first).
pub(super) fn weighted(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 || weights.len() <= 1 {
        return 0;
    }
    let mut x = rng.unit() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Default weights for `n` answers listed from least to most severe, at
/// `severity` (0 to 1): the least severe most likely at low severity, about
/// even in the middle, the most severe more likely near 1.
pub(super) fn ordered_weights(n: usize, order: Order, severity: f64) -> Vec<f64> {
    let ratio = 0.2 * 12f64.powf(severity);
    (0..n)
        .map(|k| match order {
            Order::Ascending => ratio.powi(k as i32),
            Order::Descending => ratio.powi((n - 1 - k) as i32),
            Order::None => 1.0,
        })
        .collect()
}

/// The weights the rule set gives (`weight`, 1 where one is left out), if
/// it gives any.
pub(super) fn given(weights: impl Iterator<Item = Option<f64>>) -> Option<Vec<f64>> {
    let w: Vec<Option<f64>> = weights.collect();
    w.iter()
        .any(Option::is_some)
        .then(|| w.iter().map(|x| x.unwrap_or(1.0)).collect())
}

/// One answer to `question`, drawn at `severity`.
pub(super) fn answer(rng: &mut Rng, question: &Question, severity: f64) -> Slot {
    let order = question.order;
    match &question.kind {
        QuestionKind::YesNo => {
            let yes = 0.04 + 0.7 * severity.powf(1.5);
            let yes = match order {
                Order::Ascending => yes,
                Order::Descending => 1.0 - yes,
                Order::None => 0.5,
            };
            Slot::Num(if rng.unit() < yes { 1.0 } else { 0.0 })
        }
        QuestionKind::SingleChoice(o) => {
            let w = given(o.iter().map(|x| x.weight))
                .unwrap_or_else(|| ordered_weights(o.len(), order, severity));
            Slot::Num(weighted(rng, &w) as f64)
        }
        QuestionKind::MultiChoice(o) => {
            // An exclusive option (`none`) is only ever ticked alone. With
            // weights, an option's weight over the largest is its chance.
            let exclusive = question.kind.exclusive_mask();
            let w = given(o.iter().map(|x| x.weight));
            let top = w
                .as_ref()
                .map(|w| w.iter().cloned().fold(0.0, f64::max))
                .unwrap_or(1.0);
            let mut mask = 0u64;
            for i in 0..o.len().min(64) {
                if exclusive & (1 << i) != 0 {
                    continue;
                }
                let p = match &w {
                    Some(w) if top > 0.0 => 0.6 * w[i] / top,
                    Some(_) => 0.0,
                    None => 0.06 + 0.3 * severity,
                };
                if rng.unit() < p {
                    mask |= 1 << i;
                }
            }
            if mask == 0 && exclusive != 0 {
                // Nothing ticked: the first exclusive option.
                mask = exclusive & exclusive.wrapping_neg();
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
                let w = ordered_weights(v.len(), order, severity);
                Slot::Num(v[weighted(rng, &w)] as f64)
            } else if !scale.is_empty() {
                let mut v: Vec<(i64, Option<f64>)> = scale
                    .iter()
                    .enumerate()
                    .map(|(i, (x, _))| (*x, question.scale_weights.get(i).copied().flatten()))
                    .collect();
                v.sort_by_key(|(x, _)| *x);
                let w = given(v.iter().map(|(_, w)| *w))
                    .unwrap_or_else(|| ordered_weights(v.len(), order, severity));
                Slot::Num(v[weighted(rng, &w)].0 as f64)
            } else {
                let span = (max - min) as u64 + 1;
                if span <= 1 {
                    Slot::Num(*min as f64)
                } else if span > 60 && order == Order::None {
                    // Wide ranges without an order (an age): a plausible
                    // middle part.
                    let lo = *min as f64 + (span as f64) * 0.15;
                    let hi = *min as f64 + (span as f64) * 0.6;
                    Slot::Num((lo + (hi - lo) * rng.unit()).floor().min(*max as f64))
                } else {
                    // Low values more likely at low severity.
                    let x = rng.unit().powf(0.6 + 4.0 * (1.0 - severity));
                    let x = match order {
                        Order::Descending => 1.0 - x,
                        Order::None => rng.unit(),
                        Order::Ascending => x,
                    };
                    let span = span.min(1 << 40) as f64;
                    Slot::Num((*min as f64 + (x * span).floor()).min(*max as f64))
                }
            }
        }
        QuestionKind::Number { min, max } => {
            let x = match order {
                Order::None => rng.unit(),
                Order::Ascending => rng.unit().powf(0.6 + 3.0 * (1.0 - severity)),
                Order::Descending => 1.0 - rng.unit().powf(0.6 + 3.0 * (1.0 - severity)),
            };
            Slot::Num(((min + (max - min) * x) * 10.0).round() / 10.0)
        }
        QuestionKind::Text { .. } => Slot::Text,
    }
}

/// An answer to question `q`, whose options come from the multi-choice
/// question `source`, kept to the options ticked there (`options_from`).
pub(super) fn within_source(
    rng: &mut Rng,
    rs: &RuleSet,
    slots: &[Slot],
    q: usize,
    source: usize,
    slot: Slot,
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
        Slot::Num(_) => Slot::Num(allowed[rng.below(allowed.len())] as f64),
        // What was used recently is mostly what was used in the year.
        Slot::Multi(_) => Slot::Multi(
            allowed
                .iter()
                .filter(|_| rng.unit() < 0.7)
                .fold(0, |acc, &i| acc | (1 << i)),
        ),
        other => other,
    }
}

/// The least severe answer to a question that its weights allow (a
/// plausible middle part for wide ranges such as an age).
pub(super) fn least_severe(rng: &mut Rng, question: &Question) -> Slot {
    let descending = question.order == Order::Descending;
    // The first (or last) of `n` answers whose weight is not 0.
    let pick = |n: usize, weights: Option<Vec<f64>>| {
        let ok = |i: &usize| weights.as_ref().is_none_or(|w| w[*i] > 0.0);
        let found = if descending {
            (0..n).rev().find(ok)
        } else {
            (0..n).find(ok)
        };
        found.unwrap_or(0)
    };
    match &question.kind {
        QuestionKind::YesNo => Slot::Num(if descending { 1.0 } else { 0.0 }),
        QuestionKind::SingleChoice(o) => {
            Slot::Num(pick(o.len(), given(o.iter().map(|x| x.weight))) as f64)
        }
        QuestionKind::MultiChoice(_) => {
            let exclusive = question.kind.exclusive_mask();
            Slot::Multi(exclusive & exclusive.wrapping_neg())
        }
        QuestionKind::Integer {
            min,
            max,
            allowed,
            scale,
        } => {
            if (max - min) > 60
                && allowed.is_none()
                && scale.is_empty()
                && question.order == Order::None
            {
                return answer(rng, question, 0.0);
            }
            let mut v: Vec<(i64, Option<f64>)> = match (allowed, scale.is_empty()) {
                (Some(a), _) => a.iter().map(|x| (*x, None)).collect(),
                (None, false) => scale
                    .iter()
                    .enumerate()
                    .map(|(i, (x, _))| (*x, question.scale_weights.get(i).copied().flatten()))
                    .collect(),
                (None, true) => vec![(*min, None), (*max, None)],
            };
            v.sort_by_key(|(x, _)| *x);
            let i = pick(v.len(), given(v.iter().map(|(_, w)| *w)));
            Slot::Num(v[i].0 as f64)
        }
        QuestionKind::Number { min, max } => Slot::Num(match question.order {
            Order::Ascending => *min,
            Order::Descending => ((min + (max - min) * 0.4) * 10.0).round() / 10.0,
            Order::None => ((min + (max - min) * 0.5) * 10.0).round() / 10.0,
        }),
        QuestionKind::Text { .. } => Slot::Text,
    }
}
