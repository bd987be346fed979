//! Synthetic, fictional intakes drawn from a rule set's questionnaire, for
//! demos, training and load tests. Each intake is drawn for a target level
//! (the less intensive, the likelier), so a batch covers every level;
//! answers favour the least severe (or follow the rule set's `weight`s),
//! skip logic is respected, and no exclusion or contradiction is written
//! unless asked. Deterministic for a seed.

mod answers;
mod varied;

pub use varied::draw;

use crate::cond::Tri;
use crate::engine;
use crate::engine::Warning;
use crate::intake::{Intake, Placement, RulesRef, Slot, StoredRecommendation};
use crate::rules::model::{CheckSeverity, FlagSeverity};
use crate::rules::RuleSet;
use answers::{answer, least_severe, weighted, within_source};

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

/// How `placement sample` draws: the share of intakes that may carry a
/// warning-level contradiction on purpose (0 by default).
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub contradictions: f64,
}

/// Evaluations of the local search per intake, at most, and the fresh
/// starts they are shared among.
const STEPS: usize = 240;
const ROUNDS: usize = 3;

/// A draw: an answer for every question (asked or not), and which are
/// declined. The intake keeps the answers its skip logic asks.
#[derive(Clone)]
struct Draw {
    answers: Vec<Slot>,
    declined: Vec<bool>,
    /// Per question: a number that decides, with the answers before it,
    /// which of the options ticked in its `options_from` source it takes.
    seeds: Vec<u64>,
}

impl Draw {
    fn slots(&self, rs: &RuleSet) -> Vec<Slot> {
        let mut slots = vec![Slot::Absent; rs.questions.len()];
        let mut applicable = Vec::with_capacity(rs.questions.len());
        for (q, question) in rs.questions.iter().enumerate() {
            // Skip logic reads only earlier questions, all decided by now.
            let asked = engine::asked(rs, &slots, &applicable, q) == Tri::True;
            applicable.push(Tri::from_bool(asked));
            if !asked {
                continue;
            }
            let mut slot = self.answers[q].clone();
            if let Some(source) = question.options_from {
                let mut rng = Rng::new(self.seeds[q]);
                slot = within_source(&mut rng, rs, &slots, q, source, slot);
            }
            slots[q] = if self.declined[q] && slot.is_answer() {
                Slot::Declined
            } else {
                slot
            };
        }
        slots
    }
}

/// How far a scored draw is from what is wanted: 0 is a hit. An
/// exclusion that holds or may hold, or an error-level contradiction, is
/// never written; a warning-level one only when wanted; critical flags
/// only for the most intensive target.
fn distance(rs: &RuleSet, a: &engine::Assessment, target: usize, contradict: bool) -> u32 {
    let mut d = 0u32;
    if !a.excluded.is_empty() || !a.possibly_excluded.is_empty() {
        d += 10_000;
    }
    let errors = a
        .contradictions
        .iter()
        .filter(|c| rs.checks[c.check].severity == CheckSeverity::Error)
        .count();
    d += 10_000 * errors as u32;
    let warnings = a
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::Contradiction(_) | Warning::NotFromSource { .. }))
        .count();
    if contradict {
        d += if warnings == 0 { 1_000 } else { 0 };
    } else {
        d += 1_000 * warnings as u32;
    }
    if target != 0 {
        let critical = a
            .flags
            .iter()
            .filter(|&&f| rs.flags[f].severity == FlagSeverity::Critical)
            .count();
        d += 30 * critical as u32;
    }
    d + 10 * (rs.intensity(a.level) as i64 - rs.intensity(target) as i64).unsigned_abs() as u32
}

/// The questions the exclusions read.
fn exclusion_reads(rs: &RuleSet) -> Vec<usize> {
    let mut out = Vec::new();
    for e in &rs.exclusions {
        e.when.visit_operands(&mut |o| match o {
            crate::cond::Operand::Answer(q) => out.push(q as usize),
            crate::cond::Operand::Total(i) | crate::cond::Operand::Band(i) => out.extend(
                rs.instruments[i as usize]
                    .items
                    .iter()
                    .map(|it| it.question),
            ),
            _ => {}
        });
    }
    out
}

/// Changes one answer of `draw` towards what is wanted: first away from
/// what may not be written (an exclusion, a contradiction not asked for),
/// then towards less care (or no critical flag) or more, as the scored
/// intake needs.
fn mutate(
    rng: &mut Rng,
    rs: &RuleSet,
    draw: &mut Draw,
    slots: &[Slot],
    a: &engine::Assessment,
    target: usize,
    contradict: bool,
) {
    let nq = rs.questions.len();
    // The answers behind what may not be written.
    let mut culprits: Vec<usize> = Vec::new();
    if !a.excluded.is_empty() || !a.possibly_excluded.is_empty() {
        culprits.extend(exclusion_reads(rs));
    }
    for c in &a.contradictions {
        if !contradict || rs.checks[c.check].severity == CheckSeverity::Error {
            culprits.extend(&c.questions);
        }
    }
    if !contradict {
        for w in &a.warnings {
            if let Warning::NotFromSource { question, source } = w {
                culprits.extend([*question, *source]);
            }
        }
    }
    let q;
    if !culprits.is_empty() {
        q = culprits[rng.below(culprits.len())];
        draw.declined[q] = false;
        draw.answers[q] = if rng.unit() < 0.5 {
            least_severe(rng, &rs.questions[q])
        } else {
            let severity = rng.unit();
            answer(rng, &rs.questions[q], severity)
        };
    } else {
        let critical = target != 0
            && a.flags
                .iter()
                .any(|&f| rs.flags[f].severity == FlagSeverity::Critical);
        let down = critical || rs.intensity(a.level) > rs.intensity(target);
        if down {
            // A more severe answer than the least, made the least.
            let draw_least: Vec<Slot> = rs.questions.iter().map(|q| least_severe(rng, q)).collect();
            let raised: Vec<usize> = (0..nq)
                .filter(|&q| slots[q].is_answer() && slots[q] != draw_least[q])
                .collect();
            if raised.is_empty() {
                return;
            }
            q = raised[rng.below(raised.len())];
            draw.answers[q] = least_severe(rng, &rs.questions[q]);
        } else {
            q = rng.below(nq);
            let severity = 0.6 + 0.4 * rng.unit();
            draw.answers[q] = answer(rng, &rs.questions[q], severity);
        }
    }
    draw.seeds[q] = rng.next_u64();
}

/// The level an intake is drawn for: each level about as likely as the
/// next more intensive one and a half times (the least intensive the most
/// likely).
fn target_level(rng: &mut Rng, rs: &RuleSet) -> usize {
    let n = rs.levels.len();
    let w: Vec<f64> = (0..n)
        .map(|i| {
            if n > 1 {
                1.0 + 1.5 * i as f64 / (n - 1) as f64
            } else {
                1.0
            }
        })
        .collect();
    weighted(rng, &w)
}

/// One synthetic intake, numbered `n` (see [`intake_with`]).
pub fn intake(rs: &RuleSet, seed: u64, n: u64) -> Intake {
    intake_with(rs, seed, n, &Options::default())
}

/// One synthetic intake, numbered `n`: drawn for a target level, its
/// answers first drawn at a random severity (least severe answers more
/// likely, or the rule set's `weight`s), then redrawn one question at a
/// time towards the target, keeping each change that brings the intake no
/// further from it. No exclusion holds or may hold, no error-level check
/// holds, and warning-level contradictions appear only in the share of
/// intakes `options` asks for. Deterministic for a seed.
pub fn intake_with(rs: &RuleSet, seed: u64, n: u64, options: &Options) -> Intake {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
    let target = target_level(&mut rng, rs);
    let contradict = rng.unit() < options.contradictions;
    let nq = rs.questions.len();
    let read_by_exclusions = exclusion_reads(rs);
    let mut kept: Option<(Draw, Vec<Slot>, engine::Assessment, u32)> = None;
    for round in 0..ROUNDS {
        // Answers start about as severe as the target needs; each round
        // starts afresh, further from that guess.
        let want = rs.intensity(target) as f64 / (rs.levels.len().max(2) - 1) as f64;
        let spread = 0.3 * (1 + round) as f64;
        let severity = (want * (1.0 - spread) + spread * rng.unit()).clamp(0.0, 1.0);
        let mut draw = Draw {
            answers: rs
                .questions
                .iter()
                .map(|q| answer(&mut rng, q, severity))
                .collect(),
            declined: vec![false; nq],
            seeds: (0..nq).map(|_| rng.next_u64()).collect(),
        };
        // A few intakes leave some answers declined, never one an
        // exclusion reads (the person's eligibility would not be
        // established).
        if rng.unit() < 0.05 {
            for _ in 0..1 + rng.below(3) {
                let q = rng.below(nq);
                draw.declined[q] = !read_by_exclusions.contains(&q);
            }
        }
        let mut slots = draw.slots(rs);
        let mut assessment = engine::score_slots(rs, &slots);
        let mut best = distance(rs, &assessment, target, contradict);
        for _ in 0..STEPS / ROUNDS {
            if best == 0 || nq == 0 {
                break;
            }
            let mut next = draw.clone();
            for _ in 0..1 + rng.below(2) {
                mutate(
                    &mut rng,
                    rs,
                    &mut next,
                    &slots,
                    &assessment,
                    target,
                    contradict,
                );
            }
            let next_slots = next.slots(rs);
            let a = engine::score_slots(rs, &next_slots);
            let d = distance(rs, &a, target, contradict);
            if d <= best {
                (draw, slots, assessment, best) = (next, next_slots, a, d);
            }
        }
        if kept.as_ref().is_none_or(|k| best < k.3) {
            kept = Some((draw, slots, assessment, best));
        }
        if best == 0 {
            break;
        }
    }
    let (draw, slots, assessment, _) = kept.expect("at least one round");
    let texts = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| **s == Slot::Text)
        .map(|(q, _)| {
            (
                q,
                TEXTS[(draw.seeds[q] % TEXTS.len() as u64) as usize].to_string(),
            )
        })
        .collect();
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
    intake
}
