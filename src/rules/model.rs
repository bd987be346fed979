//! The compiled rule set: ids resolved to indexes, conditions type-checked.
//! Everything here has passed every check; the engine trusts it.

use crate::cond::Cond;
use crate::diag::{Sources, Span};

/// A compiled, valid rule set.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    /// The rule set's canonical URL (`url`), an absolute URI; the FHIR
    /// export names the rule set and its own code systems by it.
    pub url: Option<String>,
    /// SHA-256 over the rule files (see `docs/rules.md`), lower-case hex.
    pub sha256: String,
    pub max_rating: u8,
    /// Most intensive first.
    pub levels: Vec<Level>,
    pub sections: Vec<Section>,
    /// In interview order.
    pub questions: Vec<Question>,
    pub instruments: Vec<Instrument>,
    pub dimensions: Vec<Dimension>,
    /// Dimension indexes in an order where every dimension comes after the
    /// dimensions whose ratings its rules read.
    pub dimension_order: Vec<usize>,
    pub escalations: Vec<Escalation>,
    pub supports: Vec<Support>,
    pub flags: Vec<Flag>,
    pub exclusions: Vec<Exclusion>,
    /// Consistency checks: answers that contradict each other (`checks`).
    pub checks: Vec<Check>,
    pub override_reasons: Vec<OverrideReason>,
    /// What an assessor may record as done about a critical flag when
    /// acknowledging it (`flag_actions` in the rule files).
    pub flag_actions: Vec<FlagAction>,
    /// Where an answer may come from (the person, family, records ...),
    /// recorded per answer in an intake (`answer_sources`).
    pub answer_sources: Vec<AnswerSource>,
    pub sources: Sources,
    pub question_index: rustc_hash::FxHashMap<String, usize>,
    /// What the conditions that ask questions and set the level read,
    /// flattened once at load.
    pub reads: ReadIndex,
}

/// What one condition reads: the questions whose answers it compares
/// (directly, or as an instrument's items) and the dimensions whose ratings
/// it compares, each once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reads {
    pub questions: Box<[u32]>,
    /// Per dimension read: the least rating at which one of its
    /// comparisons can change (`d.rating >= 2` cannot tell 0 from 1, so
    /// only ratings of 2 and more matter to it).
    pub ratings: Box<[(u32, u8)]>,
}

/// The least rating at which a comparison of a rating can hold for it and
/// not for some lower rating, or the other way round.
fn rating_threshold(c: &Cond, d: u32) -> Option<u8> {
    use crate::cond::{CmpOp, Operand};
    let at = |x: f64| Some(x.max(0.0).ceil().min(255.0) as u8);
    match c {
        Cond::And(v) | Cond::Or(v) | Cond::AtLeast(_, v) => {
            v.iter().filter_map(|c| rating_threshold(c, d)).min()
        }
        Cond::Not(c) => rating_threshold(c, d),
        Cond::Cmp {
            operand: Operand::Rating(x),
            op,
            value,
        } if *x == d => match op {
            // Holds from `value` up (or stops holding there).
            CmpOp::Ge | CmpOp::Lt | CmpOp::Eq | CmpOp::Ne => at(*value),
            // Changes just above `value`.
            CmpOp::Gt | CmpOp::Le => at(value.floor() + 1.0),
        },
        Cond::In {
            operand: Operand::Rating(x),
            values,
            ..
        } if *x == d => values.iter().copied().reduce(f64::min).and_then(at),
        _ => None,
    }
}

/// [`Reads`] of every skip condition, rating rule and escalation, so that
/// the engine's missing-answer reasoning follows what a condition reads
/// without walking it for every intake.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadIndex {
    /// Per question: what its `ask_when` reads (nothing without one).
    pub ask_when: Vec<Reads>,
    /// Per dimension, per rating rule.
    pub rules: Vec<Vec<Reads>>,
    pub escalations: Vec<Reads>,
    /// Per question: [`QuestionKind::range`].
    pub ranges: Vec<Option<(f64, f64)>>,
}

impl ReadIndex {
    pub fn new(rs: &RuleSet) -> Self {
        let reads = |c: Option<&Cond>| {
            let (mut questions, mut ratings) = (Vec::new(), Vec::new());
            if let Some(c) = c {
                c.visit_operands(&mut |o| match o {
                    crate::cond::Operand::Answer(q) => questions.push(q),
                    crate::cond::Operand::Total(i) | crate::cond::Operand::Band(i) => questions
                        .extend(
                            rs.instruments[i as usize]
                                .items
                                .iter()
                                .map(|it| it.question as u32),
                        ),
                    crate::cond::Operand::Rating(d) => ratings.push(d),
                    crate::cond::Operand::Level => {}
                });
            }
            questions.sort_unstable();
            questions.dedup();
            ratings.sort_unstable();
            ratings.dedup();
            let ratings: Vec<(u32, u8)> = ratings
                .into_iter()
                .map(|d| (d, c.and_then(|c| rating_threshold(c, d)).unwrap_or(0)))
                .collect();
            Reads {
                questions: questions.into(),
                ratings: ratings.into(),
            }
        };
        ReadIndex {
            ask_when: rs
                .questions
                .iter()
                .map(|q| reads(q.ask_when.as_ref()))
                .collect(),
            rules: rs
                .dimensions
                .iter()
                .map(|d| d.rules.iter().map(|r| reads(Some(&r.when))).collect())
                .collect(),
            escalations: rs
                .escalations
                .iter()
                .map(|e| reads(Some(&e.when)))
                .collect(),
            ranges: rs.questions.iter().map(|q| q.kind.range()).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Level {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub dimension: Option<usize>,
    /// Indexes into `RuleSet::questions`.
    pub questions: std::ops::Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub help: Option<String>,
    pub kind: QuestionKind,
    pub section: usize,
    pub ask_when: Option<Cond>,
    pub ask_when_text: Option<String>,
    /// Collected for the record, not read by any rule by design (no
    /// `unused-question` warning).
    pub informational: bool,
    /// Kept only so that intakes saved under an earlier version still read
    /// (`retired: true`): never asked, its skip condition is constant false,
    /// and no condition may read it. Implies `informational`.
    pub retired: bool,
    /// The multi-choice question whose ticked options limit this
    /// question's options (`options_from`): only options ticked there are
    /// offered.
    pub options_from: Option<usize>,
    /// Which way severity runs through the answers (`order`), for the
    /// answer-monotonicity analysis of `rules check`.
    pub order: Order,
    /// Per `scale` entry of an integer question: its `weight` for
    /// `placement sample`, where given (empty without a scale).
    pub scale_weights: Vec<Option<f64>>,
    /// Codes from outside code systems for the question (`codes`).
    pub codes: Vec<Coding>,
    /// Per `scale` entry of an integer question: its `codes` (empty
    /// without a scale).
    pub scale_codes: Vec<Vec<Coding>>,
    pub span: Span,
}

/// A code from a code system (`{system, code, display}` in `codes`): data
/// the rule set carries for other systems, such as a LOINC code. The
/// engine never reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    /// An absolute URI naming the code system.
    pub system: String,
    pub code: String,
    pub display: Option<String>,
}

/// Which way severity runs through a question's answers: options in the
/// order listed, `no` before `yes`, numbers upwards (`ascending`, the
/// default for those types), the reverse (`descending`, for protective
/// answers such as a support person), or no order (`none`, for answers
/// such as a route of use, and always for multi-choice and text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Ascending,
    Descending,
    None,
}

impl Order {
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Ascending => "ascending",
            Order::Descending => "descending",
            Order::None => "none",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
    /// In a multi choice, this option cannot be ticked with any other
    /// (`None of these`).
    pub exclusive: bool,
    /// How likely `placement sample` is to pick it, relative to the other
    /// options (`weight`); `None` when the rule set does not say.
    pub weight: Option<f64>,
    /// Codes from outside code systems for this answer (`codes`).
    pub codes: Vec<Coding>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    SingleChoice(Vec<ChoiceOption>),
    MultiChoice(Vec<ChoiceOption>),
    YesNo,
    Integer {
        min: i64,
        max: i64,
        allowed: Option<Vec<i64>>,
        scale: Vec<(i64, String)>,
    },
    Number {
        min: f64,
        max: f64,
    },
    Text {
        max_length: usize,
    },
}

impl QuestionKind {
    /// The type name used in rule files and JSON output.
    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::SingleChoice(_) => "single_choice",
            QuestionKind::MultiChoice(_) => "multi_choice",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Integer { .. } => "integer",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Text { .. } => "text",
        }
    }

    pub fn options(&self) -> Option<&[ChoiceOption]> {
        match self {
            QuestionKind::SingleChoice(o) | QuestionKind::MultiChoice(o) => Some(o),
            _ => None,
        }
    }

    /// The options that cannot be ticked with any other (`exclusive`), as
    /// a mask of option positions; 0 for every other type.
    pub fn exclusive_mask(&self) -> u64 {
        match self {
            QuestionKind::MultiChoice(o) => o
                .iter()
                .take(64)
                .enumerate()
                .filter(|(_, o)| o.exclusive)
                .fold(0, |m, (i, _)| m | 1 << i),
            _ => 0,
        }
    }

    /// The numeric range of an answer as conditions see it, for the types
    /// that have one.
    pub fn range(&self) -> Option<(f64, f64)> {
        match self {
            QuestionKind::SingleChoice(o) => Some((0.0, o.len().saturating_sub(1) as f64)),
            QuestionKind::YesNo => Some((0.0, 1.0)),
            QuestionKind::Integer {
                min, max, allowed, ..
            } => match allowed {
                Some(a) if !a.is_empty() => Some((
                    *a.iter().min().expect("non-empty") as f64,
                    *a.iter().max().expect("non-empty") as f64,
                )),
                _ => Some((*min as f64, *max as f64)),
            },
            QuestionKind::Number { min, max } => Some((*min, *max)),
            QuestionKind::MultiChoice(_) | QuestionKind::Text { .. } => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Instrument {
    pub id: String,
    pub name: String,
    pub items: Vec<Item>,
    /// Lowest totals first.
    pub bands: Vec<Band>,
    pub min_total: i64,
    pub max_total: i64,
    /// Codes from outside code systems for the instrument (`codes`).
    pub codes: Vec<Coding>,
    pub span: Span,
}

impl Instrument {
    /// The index of the band a total falls in.
    pub fn band_of(&self, total: i64) -> Option<usize> {
        self.bands
            .iter()
            .position(|b| total >= b.min && total <= b.max)
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub question: usize,
    pub values: ValueMap,
    /// The least and most points the item can give.
    pub points: (i64, i64),
}

/// How an item's answer becomes points.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueMap {
    /// An integer answer scores itself.
    Identity,
    /// yes/no: points for no, points for yes.
    YesNo { no: i64, yes: i64 },
    /// Points per option, by option position.
    Options(Vec<i64>),
    /// Points per integer answer; every allowed answer is listed.
    Integers(Vec<(i64, i64)>),
}

impl ValueMap {
    /// Points for an answer given as the numbers conditions use.
    pub fn points(&self, answer: f64) -> i64 {
        match self {
            ValueMap::Identity => answer as i64,
            ValueMap::YesNo { no, yes } => {
                if answer != 0.0 {
                    *yes
                } else {
                    *no
                }
            }
            ValueMap::Options(p) => p.get(answer as usize).copied().unwrap_or(0),
            ValueMap::Integers(pairs) => pairs
                .iter()
                .find(|(a, _)| *a as f64 == answer)
                .map(|(_, p)| *p)
                .unwrap_or(0),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Band {
    pub id: String,
    pub label: Option<String>,
    pub min: i64,
    pub max: i64,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub id: String,
    pub name: String,
    pub rules: Vec<RatingRule>,
    /// Minimum level index per rating 0..=max_rating.
    pub minimums: Vec<usize>,
    pub minimums_span: Span,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RatingRule {
    /// `DIMENSION.rN` unless the rule names itself.
    pub id: String,
    pub rating: u8,
    pub when: Cond,
    pub when_text: String,
    pub why: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Escalation {
    pub id: String,
    pub when: Cond,
    pub when_text: String,
    pub level: usize,
    pub why: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Support {
    pub id: String,
    pub label: Option<String>,
    pub when: Cond,
    pub when_text: String,
    pub why: String,
    pub span: Span,
}

impl Support {
    /// What people read: the label, or the id when there is none.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlagSeverity {
    Critical,
    Warning,
    Info,
}

impl FlagSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagSeverity::Critical => "critical",
            FlagSeverity::Warning => "warning",
            FlagSeverity::Info => "info",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Flag {
    pub id: String,
    pub severity: FlagSeverity,
    pub when: Cond,
    pub when_text: String,
    pub message: String,
    /// What the clinician should do about the flag, one line (`action`);
    /// shown with the flag everywhere. Not to be confused with `actions`,
    /// the choices offered when acknowledging it.
    pub action: Option<String>,
    /// Indexes into `RuleSet::flag_actions` offered when this flag is
    /// acknowledged; empty means all of them.
    pub actions: Vec<usize>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Exclusion {
    pub id: String,
    pub when: Cond,
    pub when_text: String,
    pub message: String,
    pub span: Span,
}

/// A consistency check (`checks`): a condition on the answers that marks
/// a contradiction between them. It reads the answers as recorded, whether
/// or not skip logic asks the question.
#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub when: Cond,
    pub when_text: String,
    /// One line naming what contradicts what.
    pub message: String,
    pub severity: CheckSeverity,
    /// The questions its condition reads (directly or as an instrument's
    /// items), in interview order.
    pub questions: Vec<usize>,
    pub span: Span,
}

/// What a contradiction does to an intake: `error` refuses it (an error
/// record in `score`, an answer to change in `assess`); `warning` (the
/// default) notes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckSeverity {
    Error,
    Warning,
}

impl CheckSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckSeverity::Error => "error",
            CheckSeverity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OverrideReason {
    pub id: String,
    pub label: String,
    pub note_required: bool,
    /// Recording this reason means the placement follows the
    /// recommendation (`not_applicable`): it is never a reason for a
    /// placement at another level.
    pub no_override: bool,
}

/// Something done about a critical flag, recorded with its
/// acknowledgement.
#[derive(Debug, Clone)]
pub struct FlagAction {
    pub id: String,
    pub label: String,
    pub note_required: bool,
}

/// One place an answer may come from (`answer_sources`).
#[derive(Debug, Clone)]
pub struct AnswerSource {
    pub id: String,
    pub label: String,
}

impl RuleSet {
    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id == id)
    }

    /// Intensity of a level: 0 for the least intensive.
    pub fn intensity(&self, level: usize) -> usize {
        self.levels.len() - 1 - level
    }

    pub fn question(&self, id: &str) -> Option<usize> {
        self.question_index.get(id).copied()
    }
}
