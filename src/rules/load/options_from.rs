//! `options_from`: a question that draws its options from an earlier
//! multi-choice question, resolved once every question is known.

use super::compiler::Compiler;
use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic, Span};
use crate::rules::model::*;

/// A question's `options_from`, resolved once every question is known.
pub(super) struct OptionsFrom {
    /// The source question's id, and where it is written.
    pub(super) source: String,
    pub(super) span: Span,
    /// Where each of the question's own option ids is written, when it
    /// lists its own `options`; `None` when they are to be copied.
    pub(super) own: Option<Vec<Span>>,
}

impl<'s, 'd> Compiler<'s, 'd> {
    /// Resolves `options_from`: the source must be an earlier multi-choice
    /// question; a question's own options must be among the source's
    /// options that are not exclusive, and a question without its own
    /// gets those.
    pub(super) fn options_from(
        &mut self,
        questions: &mut [Question],
        froms: Vec<Option<OptionsFrom>>,
    ) {
        for (qi, from) in froms.into_iter().enumerate() {
            let Some(from) = from else { continue };
            let qid = questions[qi].id.clone();
            let Some(si) = questions.iter().position(|q| q.id == from.source) else {
                let help = did_you_mean(&from.source, questions.iter().map(|q| q.id.as_str()));
                self.dec.push(
                    Diagnostic::error(
                        "unknown-reference",
                        from.span,
                        format!(
                            "unknown question `{}` in the `options_from` of `{qid}`",
                            from.source
                        ),
                    )
                    .with_help_opt(help),
                );
                continue;
            };
            if si >= qi {
                let msg = if si == qi {
                    format!("`{qid}` draws its options from itself (`options_from`)")
                } else {
                    format!(
                        "`{qid}` draws its options from `{}`, which is asked after it: `options_from` must name an earlier question",
                        from.source
                    )
                };
                self.dec.error("options-from", from.span, msg);
                continue;
            }
            let QuestionKind::MultiChoice(source_options) = &questions[si].kind else {
                self.dec.error(
                    "options-from",
                    from.span,
                    format!(
                        "`{qid}` draws its options from `{}`, a {} question: `options_from` must name a multi_choice question",
                        from.source,
                        questions[si].kind.type_name()
                    ),
                );
                continue;
            };
            let offered: Vec<ChoiceOption> = source_options
                .iter()
                .filter(|o| !o.exclusive)
                .map(|o| ChoiceOption {
                    id: o.id.clone(),
                    label: o.label.clone(),
                    exclusive: false,
                    weight: o.weight,
                    codes: o.codes.clone(),
                })
                .collect();
            match &from.own {
                Some(spans) => {
                    let own = questions[qi].kind.options().unwrap_or(&[]);
                    for (o, span) in own.iter().zip(spans) {
                        if offered.iter().any(|x| x.id == o.id) {
                            continue;
                        }
                        let msg = if source_options.iter().any(|x| x.id == o.id) {
                            format!(
                                "option `{}` of `{qid}` is an exclusive option of `{}`, which is never offered in a question that draws its options from it",
                                o.id, from.source
                            )
                        } else {
                            format!(
                                "option `{}` of `{qid}` is not an option of `{}`, which `{qid}` draws its options from",
                                o.id, from.source
                            )
                        };
                        let listed: Vec<&str> = own.iter().map(|x| x.id.as_str()).collect();
                        let help = did_you_mean_unlisted(
                            &o.id,
                            offered.iter().map(|x| x.id.as_str()),
                            &listed,
                        );
                        self.dec.push(
                            Diagnostic::error("options-from", *span, msg).with_help_opt(help),
                        );
                    }
                }
                None if offered.is_empty() => {
                    self.dec.error(
                        "options-from",
                        from.span,
                        format!(
                            "`{qid}` draws its options from `{}`, which has no options that are not exclusive",
                            from.source
                        ),
                    );
                    continue;
                }
                None => match &mut questions[qi].kind {
                    QuestionKind::SingleChoice(o) | QuestionKind::MultiChoice(o) => *o = offered,
                    _ => {}
                },
            }
            questions[qi].options_from = Some(si);
        }
    }
}
