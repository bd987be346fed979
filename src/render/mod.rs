//! Renderers: turn scored records into JSON, CSV, tables and Markdown.
//! They never evaluate anything; everything comes from the [`Assessment`].

pub mod csv;
pub mod explain;
pub mod json;
pub mod markdown;
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
    /// The placement actually made differs from the recommendation.
    pub fn overridden(&self) -> bool {
        self.intake
            .placement
            .as_ref()
            .is_some_and(|p| p.level != self.assessment.level)
    }

    /// The stored recommendation, if any, differs from the one computed now.
    pub fn recommendation_changed(&self, rs: &RuleSet) -> Option<bool> {
        let stored = self.intake.recommendation.as_ref()?.level.as_ref()?;
        Some(stored != &rs.levels[self.assessment.level].id)
    }
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
