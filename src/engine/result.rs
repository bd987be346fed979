//! What scoring one intake gives: the [`Assessment`] with its whole trace,
//! and the [`Warning`]s it notes. Made by the evaluation in `mod.rs`; read
//! by the renderers, which never evaluate again.

use crate::rules::model::RuleSet;

use crate::cond::Tri;

/// The result of scoring one intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Recommended level (index into `RuleSet::levels`; 0 is the most
    /// intensive).
    pub level: usize,
    /// The level if every missing answer took its most severe value.
    pub max_level: usize,
    /// Missing questions that can lift the level above `level`.
    pub could_raise: Vec<usize>,
    pub dimensions: Vec<DimensionResult>,
    pub escalations: Vec<Tri>,
    /// Supports whose condition holds.
    pub supports: Vec<usize>,
    /// Supports that missing answers leave undecided: their condition
    /// neither holds nor fails yet (it reads a missing answer, or `level`
    /// while the level could still rise to `max_level`).
    pub possible_supports: Vec<usize>,
    /// Raised flags, critical first.
    pub flags: Vec<usize>,
    /// Flags that could be raised once missing answers are known.
    pub possible_flags: Vec<usize>,
    pub instruments: Vec<InstrumentResult>,
    /// Per question.
    pub questions: Vec<QuestionState>,
    /// Missing questions (applicable or possibly applicable, no answer).
    pub missing: Vec<usize>,
    /// Exclusions that hold.
    pub excluded: Vec<usize>,
    /// Exclusions that could hold once missing answers are known: the
    /// person's eligibility for the rule set is not established.
    pub possibly_excluded: Vec<usize>,
    /// Per entry of `possibly_excluded`, the missing questions that leave
    /// it undecided (those its condition reads, directly, through an
    /// instrument, or through the skip logic of a question it reads).
    pub exclusion_missing: Vec<Vec<usize>>,
    /// Per consistency check: whether it holds on the answers as recorded
    /// (unknown while an answer it needs is missing).
    pub checks: Vec<Tri>,
    /// The checks that hold, each with the answers that make it hold.
    pub contradictions: Vec<Contradiction>,
    pub warnings: Vec<Warning>,
    /// The level the intake's stored `recommendation` names, when it is a
    /// level of this rule set: what the assessor was shown when placing.
    /// `None` when scored from answers alone (`score_slots`).
    pub stored_level: Option<usize>,
}

impl Assessment {
    /// Every question that applies is answered, and so nothing is left
    /// undecided (an exclusion that cannot be ruled out included).
    pub fn complete(&self) -> bool {
        self.missing.is_empty() && self.possibly_excluded.is_empty()
    }

    /// Whether the person's eligibility for the rule set is established:
    /// no exclusion is left undecided by missing answers.
    pub fn eligibility_established(&self) -> bool {
        self.possibly_excluded.is_empty()
    }
}

/// A consistency check that holds: the answers contradict each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// Index into `RuleSet::checks`.
    pub check: usize,
    /// The answered questions that make it hold, in interview order: those
    /// of the questions it reads without which it would no longer hold for
    /// certain.
    pub questions: Vec<usize>,
}

impl Contradiction {
    /// One line: the check, the questions and the rule set's message.
    pub fn text(&self, rs: &RuleSet) -> String {
        let c = &rs.checks[self.check];
        let names: Vec<String> = self
            .questions
            .iter()
            .map(|&q| format!("`{}`", rs.questions[q].id))
            .collect();
        let between = match names.as_slice() {
            [] => String::new(),
            [one] => format!(" in {one}"),
            [init @ .., last] => format!(" between {} and {last}", init.join(", ")),
        };
        format!("contradiction `{}`{between}: {}", c.id, c.message)
    }
}

/// A note on an intake's answers or result, in `warnings` (the words are
/// [`Warning::text`]'s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Question answered but not asked given the other answers (skip
    /// logic): kept, not used.
    NotAsked(usize),
    /// Question answered that the rule set no longer asks (retired).
    Retired(usize),
    /// An answer not among the options ticked in the question its options
    /// come from (`options_from`).
    NotFromSource { question: usize, source: usize },
    /// A consistency check that holds (a warning-level one; an error-level
    /// one makes `score` refuse the intake).
    Contradiction(Contradiction),
    /// A flag (not `info`) that missing answers leave undecided.
    FlagUndecided(usize),
    /// An exclusion that missing answers leave undecided.
    ExclusionUndecided(usize),
    /// An answer that differs from the last change the intake's history
    /// records for its question.
    HistoryMismatch(usize),
}

impl Warning {
    pub fn text(&self, rs: &RuleSet) -> String {
        let q = |i: usize| &rs.questions[i].id;
        match *self {
            Warning::Contradiction(ref c) => c.text(rs),
            Warning::NotAsked(i) => format!(
                "`{}` is answered but not asked given the other answers (skip logic); its answer is kept and not used",
                q(i)
            ),
            Warning::Retired(i) => format!(
                "`{}` is answered, but the rule set no longer asks it (retired); its answer is kept and not used",
                q(i)
            ),
            Warning::NotFromSource { question, source } => format!(
                "`{}`: the answer is not among the options ticked in `{}` (`options_from`); the two answers contradict each other",
                q(question),
                q(source)
            ),
            Warning::FlagUndecided(i) => format!(
                "flag `{}` ({}) cannot be ruled out until the missing answers are known",
                rs.flags[i].id,
                rs.flags[i].severity.as_str()
            ),
            Warning::ExclusionUndecided(i) => format!(
                "exclusion `{}` cannot be ruled out until the missing answers are known",
                rs.exclusions[i].id
            ),
            Warning::HistoryMismatch(i) => format!(
                "`{}`: the answer differs from the last change the history records for it; the file was changed outside `placement assess`",
                q(i)
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DimensionResult {
    pub rating: u8,
    /// The rating if every missing answer took its most severe value.
    pub max_rating: u8,
    pub min_level: usize,
    /// Per rule of the dimension, in rule order.
    pub rules: Vec<Tri>,
}

impl DimensionResult {
    /// Indexes of the rules that hold and set the rating (the rules with
    /// the highest rating among those that hold).
    pub fn deciding_rules(&self, dim: &crate::rules::model::Dimension) -> Vec<usize> {
        self.deciding(dim).collect()
    }

    /// The same, without collecting them.
    pub fn deciding<'a>(
        &'a self,
        dim: &'a crate::rules::model::Dimension,
    ) -> impl Iterator<Item = usize> + Clone + 'a {
        self.rules
            .iter()
            .enumerate()
            .filter(|(i, t)| **t == Tri::True && dim.rules[*i].rating == self.rating)
            .map(|(i, _)| i)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentResult {
    /// `None` when an item is missing or the instrument does not apply.
    pub total: Option<i64>,
    pub band: Option<usize>,
    /// Least and most the total could be.
    pub range: Option<(i64, i64)>,
    pub missing: Vec<usize>,
    /// False when none of its items were asked.
    pub applicable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuestionState {
    /// Whether the question is asked, given the answers before it.
    pub applicable: Tri,
    /// The answer is used (answered and applicable or possibly so).
    pub used: bool,
}
