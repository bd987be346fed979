//! Renderers: turn scored records into JSON, CSV, tables and Markdown.
//! They never evaluate anything; everything comes from the [`Assessment`].

pub mod csv;
pub mod explain;
pub mod history;
pub mod json;
pub mod markdown;
pub mod record;
pub mod report;
pub mod table;

use crate::engine::Assessment;
use crate::intake::Intake;
use crate::rules::RuleSet;

/// One input's outcome: a scored intake or an error.
#[derive(Debug, Clone)]
pub enum Record {
    Scored(Box<Scored>),
    Failed(Failure),
}

#[derive(Debug, Clone)]
pub struct Scored {
    pub source: String,
    pub intake: Intake,
    pub assessment: Assessment,
}

/// An input that could not be scored. Never holds an answer's value.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub source: String,
    /// The intake's `id`, whenever the file could be read that far, so
    /// that a batch's records can be matched by id, not only by order.
    pub id: Option<String>,
    pub code: String,
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl Record {
    pub fn source(&self) -> &str {
        match self {
            Record::Scored(s) => &s.source,
            Record::Failed(f) => &f.source,
        }
    }
}

impl Scored {
    /// The placement actually made is an override: its level is neither
    /// the level recommended now nor the level of the recommendation the
    /// intake stores (what the assessor was shown, when a newer rule set
    /// now recommends another level). A scored record that is overridden
    /// always has a reason that is not `no_override`
    /// ([`Scored::placement_problem`]).
    pub fn overridden(&self) -> bool {
        self.intake.placement.as_ref().is_some_and(|p| {
            p.level != self.assessment.level && Some(p.level) != self.assessment.stored_level
        })
    }

    /// Why the placement cannot stand: an override without a reason, or
    /// with a reason that means "no override". The problem's code and
    /// message, and whether it is about `placement.reason` (otherwise
    /// about `placement`).
    pub fn placement_problem(&self, rs: &RuleSet) -> Option<(&'static str, String, bool)> {
        if !self.overridden() {
            return None;
        }
        let p = self.intake.placement.as_ref()?;
        match p.reason.map(|r| &rs.override_reasons[r]) {
            None => Some((
                "override-without-reason",
                "`placement.level` differs from the recommended level, and the placement has no `reason`: an override needs one of the rule set's override reasons".to_string(),
                false,
            )),
            Some(r) if r.no_override => Some((
                "override-without-reason",
                format!(
                    "`placement.level` differs from the recommended level, but `placement.reason` is `{}`, which means no override: give the reason for the override",
                    r.id
                ),
                true,
            )),
            Some(_) => None,
        }
    }

    /// The stored recommendation, if any, differs from the one computed now.
    pub fn recommendation_changed(&self, rs: &RuleSet) -> Option<bool> {
        let stored = self.intake.recommendation.as_ref()?.level.as_ref()?;
        Some(stored != &rs.levels[self.assessment.level].id)
    }
}

/// Why eligibility is not established, one sentence per exclusion that
/// missing answers leave undecided, without the "Eligibility not
/// established: " that outputs put before it: "`age` is missing, so
/// exclusion `under_18` cannot be ruled out (MESSAGE)." `message` prepares
/// the exclusion's message for the output (escaping); ids are written in
/// backticks.
pub fn eligibility_not_established(
    rs: &RuleSet,
    a: &Assessment,
    message: impl Fn(&str) -> String,
) -> Vec<String> {
    a.possibly_excluded
        .iter()
        .enumerate()
        .map(|(k, &x)| {
            let e = &rs.exclusions[x];
            let missing: Vec<String> = a
                .exclusion_missing
                .get(k)
                .map(|m| {
                    m.iter()
                        .map(|&q| format!("`{}`", rs.questions[q].id))
                        .collect()
                })
                .unwrap_or_default();
            let cause = match missing.as_slice() {
                [] => "answers are missing".to_string(),
                [one] => format!("{one} is missing"),
                [init @ .., last] => format!("{} and {last} are missing", init.join(", ")),
            };
            format!(
                "{cause}, so exclusion `{}` cannot be ruled out ({}).",
                e.id,
                message(e.message.trim())
            )
        })
        .collect()
}

/// The names of supports `idx` (label, or id), joined by ", ".
pub fn support_names(rs: &RuleSet, idx: &[usize]) -> String {
    idx.iter()
        .map(|&i| rs.supports[i].name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ids of the questions at these indexes.
pub fn question_ids<'a>(rs: &'a RuleSet, idx: &[usize]) -> Vec<&'a str> {
    idx.iter().map(|&q| rs.questions[q].id.as_str()).collect()
}

/// A rating as a small bar: `■■□□ 2`.
pub fn rating_bar(rating: u8, max: u8) -> String {
    let mut s = String::new();
    for i in 0..max {
        s.push(if i < rating { '■' } else { '□' });
    }
    format!("{s} {rating}")
}
