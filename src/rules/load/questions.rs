//! One question: its id, text, type and the keys its type allows (options,
//! `options_from`, range, scale...), its skip logic (`ask_when`); and a
//! question's list of options.

use super::compiler::{Compiler, Ids, Pending};
use super::options_from::OptionsFrom;
use crate::cond::Cond;
use crate::diag::{did_you_mean, Diagnostic, Span};
use crate::rules::model::*;
use crate::yaml::Node;

impl<'s, 'd> Compiler<'s, 'd> {
    #[allow(clippy::type_complexity)]
    pub(super) fn question<'a>(
        &mut self,
        qn: &'a Node,
        section: usize,
        ids: &mut Ids,
    ) -> Option<(Question, Option<Pending<'a>>, Option<OptionsFrom>)> {
        let f = self.dec.fields(
            qn,
            "a question",
            &[
                "id",
                "text",
                "help",
                "type",
                "options",
                "options_from",
                "min",
                "max",
                "allowed",
                "scale",
                "ask_when",
                "max_length",
                "informational",
                "retired",
                "order",
                "codes",
            ],
            &["id", "text", "type"],
        )?;
        let id_node = f.get("id")?;
        let id = self.dec.id(id_node, "question id")?;
        let text = f
            .get("text")
            .and_then(|n| self.dec.text(n, "question `text`"));
        let help = f
            .get("help")
            .and_then(|n| self.dec.text(n, "question `help`"));
        let ty_node = f.get("type")?;
        let ty = self.dec.text(ty_node, "question `type`")?;
        const TYPES: &[&str] = &[
            "single_choice",
            "multi_choice",
            "yes_no",
            "integer",
            "number",
            "text",
        ];
        let allowed_keys: &[&str] = match ty.as_str() {
            "single_choice" | "multi_choice" => &["options", "options_from"],
            "integer" => &["min", "max", "allowed", "scale"],
            "number" => &["min", "max"],
            "text" => &["max_length"],
            "yes_no" => &[],
            _ => {
                let help = did_you_mean(&ty, TYPES.iter().copied())
                    .unwrap_or_else(|| format!("the types are {}", TYPES.join(", ")));
                self.dec.push(
                    Diagnostic::error(
                        "wrong-type",
                        ty_node.span,
                        format!("unknown question type `{ty}`"),
                    )
                    .with_help(help),
                );
                return None;
            }
        };
        for key in [
            "options",
            "options_from",
            "min",
            "max",
            "allowed",
            "scale",
            "max_length",
        ] {
            if let (Some(n), false) = (f.key_span(key), allowed_keys.contains(&key)) {
                self.dec.error(
                    "unknown-field",
                    n,
                    format!("a {ty} question has no `{key}`"),
                );
            }
        }
        let codes = self.codes(f.get("codes"), &format!("question `{id}`"));
        let mut from = None;
        let mut scale_weights = Vec::new();
        let mut scale_codes = Vec::new();
        let kind = match ty.as_str() {
            "single_choice" | "multi_choice" => {
                let source = match f.get("options_from") {
                    Some(n) => Some((self.dec.id(n, "`options_from`")?, n.span)),
                    None => None,
                };
                let multi = ty == "multi_choice";
                let options = match (f.get("options"), source) {
                    (None, Some((source, span))) => {
                        from = Some(OptionsFrom {
                            source,
                            span,
                            own: None,
                        });
                        Vec::new()
                    }
                    (node, source) => {
                        let (options, spans) = self.options(node, &id, f.span, multi)?;
                        from = source.map(|(source, span)| OptionsFrom {
                            source,
                            span,
                            own: Some(spans),
                        });
                        options
                    }
                };
                if ty == "multi_choice" && options.len() > 64 {
                    self.dec.error(
                        "wrong-type",
                        f.span,
                        "a multi-choice question can have at most 64 options",
                    );
                    return None;
                }
                if ty == "single_choice" {
                    QuestionKind::SingleChoice(options)
                } else {
                    QuestionKind::MultiChoice(options)
                }
            }
            "yes_no" => QuestionKind::YesNo,
            "integer" => {
                let (min, max) = match (f.get("min"), f.get("max")) {
                    (Some(a), Some(b)) => (self.dec.int(a, "`min`")?, self.dec.int(b, "`max`")?),
                    _ => {
                        self.dec.error(
                            "missing-field",
                            f.span,
                            format!("integer question `{id}` needs `min` and `max`"),
                        );
                        return None;
                    }
                };
                if min > max {
                    self.dec.error(
                        "wrong-type",
                        f.get("min").map(|n| n.span).unwrap_or(f.span),
                        format!("`min` ({min}) is greater than `max` ({max})"),
                    );
                    return None;
                }
                let allowed = match f.get("allowed") {
                    Some(n) => {
                        let items = self.dec.seq(n, "`allowed`")?;
                        let mut v = Vec::new();
                        for it in items {
                            let x = self.dec.int(it, "an allowed value")?;
                            if x < min || x > max {
                                self.dec.error(
                                    "value-out-of-range",
                                    it.span,
                                    format!("allowed value {x} is outside {min}..{max}"),
                                );
                            }
                            v.push(x);
                        }
                        Some(v)
                    }
                    None => None,
                };
                let mut scale = Vec::new();
                if let Some(n) = f.get("scale") {
                    scale_weights.clear();
                    for it in self.dec.seq(n, "`scale`")? {
                        let Some(sf) = self.dec.fields(
                            it,
                            "a scale entry",
                            &["value", "label", "weight", "codes"],
                            &["value", "label"],
                        ) else {
                            continue;
                        };
                        let weight = sf.get("weight").and_then(|n| self.weight(n));
                        let v = sf
                            .get("value")
                            .and_then(|n| self.dec.int(n, "scale `value`"));
                        let l = sf
                            .get("label")
                            .and_then(|n| self.dec.text(n, "scale `label`"));
                        let c = self.codes(sf.get("codes"), &format!("a scale entry of `{id}`"));
                        if let (Some(v), Some(l)) = (v, l) {
                            if v < min || v > max {
                                self.dec.error(
                                    "value-out-of-range",
                                    sf.span,
                                    format!("scale value {v} is outside {min}..{max}"),
                                );
                            }
                            scale.push((v, l));
                            scale_weights.push(weight);
                            scale_codes.push((format!("scale value {v}"), c));
                        }
                    }
                }
                self.distinct_answer_codes(&id, &scale_codes);
                QuestionKind::Integer {
                    min,
                    max,
                    allowed,
                    scale,
                }
            }
            "number" => {
                let (min, max) = match (f.get("min"), f.get("max")) {
                    (Some(a), Some(b)) => {
                        (self.dec.number(a, "`min`")?, self.dec.number(b, "`max`")?)
                    }
                    _ => {
                        self.dec.error(
                            "missing-field",
                            f.span,
                            format!("number question `{id}` needs `min` and `max`"),
                        );
                        return None;
                    }
                };
                if min > max {
                    self.dec.error(
                        "wrong-type",
                        f.span,
                        format!("`min` ({min}) is greater than `max` ({max})"),
                    );
                    return None;
                }
                QuestionKind::Number { min, max }
            }
            _ => {
                let max_length = match f.get("max_length") {
                    Some(n) => self.dec.int(n, "`max_length`")?.clamp(1, 100_000) as usize,
                    None => 2000,
                };
                QuestionKind::Text { max_length }
            }
        };
        let ask_when = self.pending(f.get("ask_when"), "`ask_when`");
        let ordered_type = !matches!(
            kind,
            QuestionKind::MultiChoice(_) | QuestionKind::Text { .. }
        );
        let order = match f.get("order") {
            None if ordered_type => Order::Ascending,
            None => Order::None,
            Some(n) => {
                let given = self.dec.text(n, "`order`");
                let order = match given.as_deref() {
                    Some("ascending") => Order::Ascending,
                    Some("descending") => Order::Descending,
                    Some("none") => Order::None,
                    Some(other) => {
                        self.dec.push(
                            Diagnostic::error(
                                "invalid-order",
                                n.span,
                                format!("`order` of `{id}` is `{other}`; it is `ascending`, `descending` or `none`"),
                            )
                            .with_help("`ascending`: the options as listed, no before yes, numbers upwards, each more severe than the last; `descending`: the reverse; `none`: no order of severity"),
                        );
                        Order::None
                    }
                    None => Order::None,
                };
                if !ordered_type && order != Order::None {
                    self.dec.push(
                        Diagnostic::error(
                            "invalid-order",
                            n.span,
                            format!(
                                "`order` of `{id}` is `{}`, but a {} question has no order of severity",
                                order.as_str(),
                                kind.type_name()
                            ),
                        )
                        .with_help("leave out `order` (or give `none`); only yes_no, single_choice, integer and number questions are ordered"),
                    );
                }
                if ordered_type {
                    order
                } else {
                    Order::None
                }
            }
        };
        let retired = f
            .get("retired")
            .and_then(|n| self.dec.boolean(n, "`retired`"))
            .unwrap_or(false);
        let informational = retired
            || f.get("informational")
                .and_then(|n| self.dec.boolean(n, "`informational`"))
                .unwrap_or(false);
        if retired {
            if let Some(n) = f.get("ask_when") {
                self.dec.push(
                    Diagnostic::error(
                        "retired-question",
                        n.span,
                        format!("retired question `{id}` has an `ask_when`, but a retired question is never asked"),
                    )
                    .with_help("leave out `ask_when`, or `retired` if the question is still asked"),
                );
            }
        }
        if !ids.add(self.dec, &id, id_node.span, "question", self.sources) {
            return None;
        }
        Some((
            Question {
                id,
                text: text.unwrap_or_default(),
                help,
                kind,
                section,
                // A retired question is never asked: its skip condition is
                // the empty `or`, which never holds.
                ask_when: retired.then(|| Cond::Or(Vec::new())),
                ask_when_text: None,
                informational,
                retired,
                options_from: None,
                order,
                scale_weights,
                codes: codes.into_iter().map(|(c, _)| c).collect(),
                scale_codes: scale_codes
                    .into_iter()
                    .map(|(_, c)| c.into_iter().map(|(c, _)| c).collect())
                    .collect(),
                span: id_node.span,
            },
            ask_when,
            from,
        ))
    }

    /// A question's options, with where each option id is written.
    fn options(
        &mut self,
        node: Option<&Node>,
        qid: &str,
        span: Span,
        multi: bool,
    ) -> Option<(Vec<ChoiceOption>, Vec<Span>)> {
        let Some(node) = node else {
            self.dec.error(
                "missing-field",
                span,
                format!("choice question `{qid}` needs `options`"),
            );
            return None;
        };
        let items = self.dec.seq(node, "`options`")?;
        if items.is_empty() {
            self.dec.error(
                "missing-field",
                node.span,
                format!("choice question `{qid}` has no options"),
            );
            return None;
        }
        let mut ids = Ids::default();
        let mut out = Vec::new();
        let mut spans = Vec::new();
        let mut coded = Vec::new();
        for it in items {
            let Some(f) = self.dec.fields(
                it,
                "an option",
                &["id", "label", "exclusive", "weight", "codes"],
                &["id", "label"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "option id"));
            let label = f
                .get("label")
                .and_then(|n| self.dec.text(n, "option `label`"));
            let exclusive = f
                .get("exclusive")
                .and_then(|n| self.dec.boolean(n, "`exclusive`"))
                .unwrap_or(false);
            let weight = f.get("weight").and_then(|n| self.weight(n));
            let codes = self.codes(f.get("codes"), &format!("an option of `{qid}`"));
            if let (Some(id), Some(label)) = (id, label) {
                if exclusive && !multi {
                    self.dec.push(
                        Diagnostic::error(
                            "exclusive-single-choice",
                            f.key_span("exclusive").unwrap_or(f.span),
                            format!(
                                "option `{id}` of `{qid}` is `exclusive`, but `{qid}` is a single_choice question: only a multi_choice question's options can be exclusive"
                            ),
                        )
                        .with_help("remove `exclusive`: a single choice never has two options ticked"),
                    );
                }
                let s = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(
                    self.dec,
                    &id,
                    s,
                    &format!("option (of `{qid}`)"),
                    self.sources,
                ) {
                    coded.push((format!("option `{id}`"), codes.clone()));
                    out.push(ChoiceOption {
                        id,
                        label,
                        exclusive,
                        weight,
                        codes: codes.into_iter().map(|(c, _)| c).collect(),
                    });
                    spans.push(s);
                }
            }
        }
        self.distinct_answer_codes(qid, &coded);
        Some((out, spans))
    }

    /// An option's or scale entry's `weight` for `placement sample`: a
    /// number of 0 or more (`sample-weight` otherwise).
    fn weight(&mut self, n: &crate::yaml::Node) -> Option<f64> {
        let w = self.dec.number(n, "`weight`")?;
        if w.is_finite() && w >= 0.0 {
            Some(w)
        } else {
            self.dec.error(
                "sample-weight",
                n.span,
                "`weight` must be a number of 0 or more (how likely `placement sample` is to pick this answer, relative to the others)".to_string(),
            );
            None
        }
    }
}
