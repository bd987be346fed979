//! Sections (`sections`): their ids, titles, dimension and the questions
//! they hold.

use super::compiler::{Compiler, Ids, Pending};
use super::options_from::OptionsFrom;
use crate::diag::Span;
use crate::rules::model::*;
use crate::yaml::decode::Fields;

impl<'s, 'd> Compiler<'s, 'd> {
    #[allow(clippy::type_complexity)]
    pub(super) fn questions<'a>(
        &mut self,
        tops: &[Fields<'a>],
    ) -> (
        Vec<(Section, DimRef)>,
        Vec<Question>,
        Vec<Option<Pending<'a>>>,
        Vec<Option<OptionsFrom>>,
    ) {
        let mut sections = Vec::new();
        let mut questions = Vec::new();
        let mut ask = Vec::new();
        let mut froms = Vec::new();
        let mut section_ids = Ids::default();
        let mut question_ids = Ids::default();
        for sn in self.lists(tops, "sections", "`sections`") {
            let Some(f) = self.dec.fields(
                sn,
                "a section",
                &["id", "title", "dimension", "questions"],
                &["id", "title", "questions"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "section id"));
            let title = f
                .get("title")
                .and_then(|n| self.dec.text(n, "section `title`"));
            let dim = f
                .get("dimension")
                .and_then(|n| self.dec.id(n, "section `dimension`").map(|d| (d, n.span)));
            if let Some(id) = &id {
                section_ids.add(
                    self.dec,
                    id,
                    f.get("id").map(|n| n.span).unwrap_or(f.span),
                    "section",
                    self.sources,
                );
            }
            let section_index = sections.len();
            let start = questions.len();
            if let Some(qs) = f
                .get("questions")
                .and_then(|n| self.dec.seq(n, "`questions`"))
            {
                for qn in qs {
                    if let Some((q, pending, from)) =
                        self.question(qn, section_index, &mut question_ids)
                    {
                        questions.push(q);
                        ask.push(pending);
                        froms.push(from);
                    }
                }
            }
            sections.push((
                Section {
                    id: id.unwrap_or_default(),
                    title: title.unwrap_or_default(),
                    dimension: None,
                    questions: start..questions.len(),
                },
                DimRef(dim),
            ));
        }
        (sections, questions, ask, froms)
    }
}

/// A section's `dimension`, resolved once dimensions are known.
pub(super) struct DimRef(pub(super) Option<(String, Span)>);

impl DimRef {
    pub(super) fn take_dim(&mut self) -> Option<(String, Span)> {
        self.0.take()
    }
}
