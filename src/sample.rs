//! Synthetic, fictional intakes drawn from a rule set's questionnaire, for
//! demos, training and load tests. Each intake gets a severity between 0
//! and 1 that biases every answer, so a batch covers every level; skip
//! logic is respected and exclusions are avoided. Deterministic for a seed.

use crate::cond::Tri;
use crate::engine;
use crate::intake::{Intake, Placement, RulesRef, Slot, StoredRecommendation};
use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;

/// SplitMix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
}

const TEXTS: &[&str] = &[
    "Prefers morning appointments.",
    "Works evening shifts.",
    "Asked for information about family sessions.",
    "Would like a counselor who speaks Spanish.",
    "Has a dog that needs care during any stay.",
];

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

/// One synthetic intake, numbered `n`.
pub fn intake(rs: &RuleSet, seed: u64, n: u64) -> Intake {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
    // Attempts that an exclusion rejects for certain, and attempts whose
    // eligibility declined answers leave undecided: the latter are kept
    // in preference when no attempt is eligible for certain.
    let mut excluded_attempt = None;
    let mut undecided_attempt = None;
    for _attempt in 0..50 {
        let severity = rng.unit().powf(2.2);
        let mut slots = vec![Slot::Absent; rs.questions.len()];
        let mut texts = Vec::new();
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
                texts.push((q, TEXTS[rng.below(TEXTS.len())].to_string()));
            }
            slots[q] = slot;
        }
        // A few intakes leave some answers declined.
        if rng.unit() < 0.05 {
            for _ in 0..1 + rng.below(3) {
                let q = rng.below(rs.questions.len());
                if slots[q].is_answer() {
                    slots[q] = Slot::Declined;
                    texts.retain(|(i, _)| *i != q);
                }
            }
        }
        let assessment = engine::score_slots(rs, &slots);
        let excluded = !assessment.excluded.is_empty();
        let undecided = !assessment.possibly_excluded.is_empty();
        let mut intake = Intake {
            id: Some(format!("sample-{n:07}")),
            status: Some("complete".into()),
            assessed_at: Some(format!(
                "2026-01-{:02}T{:02}:{:02}:00Z",
                1 + n % 28,
                8 + n % 10,
                n % 60
            )),
            assessor: Some(format!("staff-{:02}", n % 17)),
            rules: Some(RulesRef {
                name: Some(rs.name.clone()),
                version: Some(rs.version.clone()),
                sha256: Some(rs.sha256.clone()),
            }),
            slots,
            texts,
            recommendation: Some(StoredRecommendation {
                level: Some(rs.levels[assessment.level].id.clone()),
                supports: assessment
                    .supports
                    .iter()
                    .map(|&i| rs.supports[i].id.clone())
                    .collect(),
            }),
            ..Intake::default()
        };
        // Most placements follow the recommendation; some are overrides,
        // with a reason that is one (not `no_override`).
        let reasons: Vec<usize> = (0..rs.override_reasons.len())
            .filter(|&r| !rs.override_reasons[r].no_override)
            .collect();
        let roll = rng.unit();
        if roll < 0.08 && !reasons.is_empty() && rs.levels.len() > 1 {
            let mut level = rng.below(rs.levels.len());
            if level == assessment.level {
                level = (level + 1) % rs.levels.len();
            }
            let reason = reasons[rng.below(reasons.len())];
            let note = rs.override_reasons[reason]
                .note_required
                .then(|| "Fictional note for a synthetic intake.".to_string());
            intake.placement = Some(Placement {
                level,
                reason: Some(reason),
                note,
            });
        } else if roll < 0.5 {
            intake.placement = Some(Placement {
                level: assessment.level,
                reason: None,
                note: None,
            });
        }
        match (excluded, undecided) {
            (false, false) => return intake,
            (false, true) => undecided_attempt = Some(intake),
            (true, _) => excluded_attempt = Some(intake),
        }
    }
    // An intake that an exclusion rejects is returned only when every
    // attempt was rejected; `placement sample` refuses to write it.
    undecided_attempt
        .or(excluded_attempt)
        .expect("at least one attempt")
}
