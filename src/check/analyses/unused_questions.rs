//! Questions no condition reads, directly or through an instrument
//! (`unused-question`), and retired questions a condition still reads
//! (`retired-question`).

use super::Analyzer;
use crate::cond::Operand;
use crate::diag::Diagnostic;
use crate::rules::model::QuestionKind;

impl Analyzer<'_> {
    /// Questions that no condition reads, directly or through an instrument.
    pub(super) fn questions(&mut self) {
        let rs = self.rs;
        let mut read = vec![false; rs.questions.len()];
        let mut inst_read = vec![false; rs.instruments.len()];
        crate::engine::for_each_condition(rs, |c| {
            c.visit_operands(&mut |o| match o {
                Operand::Answer(q) => read[q as usize] = true,
                Operand::Total(i) | Operand::Band(i) => inst_read[i as usize] = true,
                _ => {}
            })
        });
        // A question others draw their options from shapes the interview.
        for question in &rs.questions {
            if let Some(source) = question.options_from {
                read[source] = true;
            }
        }
        let mut item_of: Vec<Option<usize>> = vec![None; rs.questions.len()];
        for (i, inst) in rs.instruments.iter().enumerate() {
            for it in &inst.items {
                if inst_read[i] {
                    read[it.question] = true;
                }
                item_of[it.question].get_or_insert(i);
            }
        }
        for (q, question) in rs.questions.iter().enumerate() {
            if read[q] && question.retired {
                self.push(
                    Diagnostic::error(
                        "retired-question",
                        question.span,
                        format!(
                            "retired question `{}` is read by a condition, but a retired question is never asked, so the condition never sees an answer",
                            question.id
                        ),
                    )
                    .with_help("read the question that replaced it, or remove `retired` if the question is still asked"),
                    None,
                );
                continue;
            }
            if read[q]
                || question.informational
                || matches!(question.kind, QuestionKind::Text { .. })
            {
                continue;
            }
            let msg = match item_of[q] {
                Some(i) => format!(
                    "question `{}` is never read: it is an item of `{}`, whose total and band no condition reads",
                    question.id, rs.instruments[i].id
                ),
                None => format!(
                    "question `{}` is never read by any rule, escalation, support, flag, exclusion or skip condition",
                    question.id
                ),
            };
            self.push(
                Diagnostic::warning("unused-question", question.span, msg)
                    .with_help("its answer never changes a result; use it in a condition or remove it (text questions are exempt: they are kept for the record)"),
                None,
            );
        }
    }
}
