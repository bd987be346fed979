//! Consistency checks (`checks`): conditions on the answers that mark a
//! contradiction between them, each with a one-line message and a
//! severity.

use super::compiler::{Compiler, Ids};
use super::conditions::Context;
use super::flags::LINE_BREAKS;
use crate::cond::{Cond, Operand};
use crate::diag::{did_you_mean, Diagnostic};
use crate::rules::model::*;
use crate::yaml::decode::Fields;

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn checks(&mut self, tops: &[Fields], rs: &RuleSet) -> Vec<Check> {
        // Answers only: a contradiction is between what was recorded, not
        // between what the rules made of it.
        let ctx = Context {
            ratings: false,
            level: false,
            questions_before: None,
        };
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "checks", "`checks`") {
            let Some(f) = self.dec.fields(
                n,
                "a check",
                &["id", "when", "message", "severity"],
                &["id", "when", "message"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "check id"));
            let severity = match f.get("severity") {
                None => Some(CheckSeverity::Warning),
                Some(n) => self
                    .dec
                    .text(n, "`severity`")
                    .and_then(|s| match s.as_str() {
                        "warning" => Some(CheckSeverity::Warning),
                        "error" => Some(CheckSeverity::Error),
                        _ => {
                            let help = did_you_mean(&s, ["warning", "error"]);
                            self.dec.push(
                                Diagnostic::error(
                                    "wrong-type",
                                    n.span,
                                    format!("unknown check severity `{s}`: use warning or error"),
                                )
                                .with_help_opt(help),
                            );
                            None
                        }
                    }),
            };
            let message = match (f.get("message"), &id) {
                (Some(n), Some(id)) => self.dec.text(n, "`message`").and_then(|s| {
                    let line = s.trim();
                    let problem = if line.is_empty() {
                        Some("is empty")
                    } else if line.contains(LINE_BREAKS) {
                        Some("is more than one line")
                    } else {
                        None
                    };
                    match problem {
                        Some(p) => {
                            self.dec.push(
                                Diagnostic::error(
                                    "message-text",
                                    n.span,
                                    format!("`message` of check `{id}` {p}"),
                                )
                                .with_help("say in one line which answers contradict each other (a folded `>-` scalar joins lines with spaces)"),
                            );
                            None
                        }
                        None => Some(line.to_string()),
                    }
                }),
                _ => None,
            };
            let when = self
                .pending(f.get("when"), "`when`")
                .and_then(|p| self.condition(&p, rs, ctx).map(|c| (c, p.text)));
            if let (Some(id), Some(severity), Some(message), Some((when, when_text))) =
                (id, severity, message, when)
            {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "check", self.sources) {
                    let questions = questions_read(rs, &when);
                    out.push(Check {
                        id,
                        when,
                        when_text,
                        message,
                        severity,
                        questions,
                        span,
                    });
                }
            }
        }
        out
    }
}

/// The questions a condition reads, directly or as an instrument's items,
/// in interview order, each once.
fn questions_read(rs: &RuleSet, c: &Cond) -> Vec<usize> {
    let mut out = Vec::new();
    c.visit_operands(&mut |o| match o {
        Operand::Answer(q) => out.push(q as usize),
        Operand::Total(i) | Operand::Band(i) => out.extend(
            rs.instruments[i as usize]
                .items
                .iter()
                .map(|it| it.question),
        ),
        Operand::Rating(_) | Operand::Level => {}
    });
    out.sort_unstable();
    out.dedup();
    out
}
