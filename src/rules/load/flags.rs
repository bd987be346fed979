//! Flags (`flags`) and their actions, exclusions (`exclusions`), override
//! reasons (`override_reasons`) and flag actions (`flag_actions`).

use super::compiler::{Compiler, Ids};
use super::conditions::Context;
use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic};
use crate::rules::model::*;
use crate::yaml::decode::Fields;
use crate::yaml::Node;

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn flags(&mut self, tops: &[Fields], rs: &RuleSet) -> Vec<Flag> {
        let ctx = Context {
            ratings: true,
            level: true,
            questions_before: None,
        };
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "flags", "`flags`") {
            let Some(f) = self.dec.fields(
                n,
                "a flag",
                &["id", "severity", "when", "message", "action", "actions"],
                &["id", "severity", "when", "message"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "flag id"));
            let severity = f.get("severity").and_then(|n| {
                let s = self.dec.text(n, "`severity`")?;
                match s.as_str() {
                    "critical" => Some(FlagSeverity::Critical),
                    "warning" => Some(FlagSeverity::Warning),
                    "info" => Some(FlagSeverity::Info),
                    _ => {
                        let help = did_you_mean(&s, ["critical", "warning", "info"]);
                        self.dec.push(
                            Diagnostic::error(
                                "wrong-type",
                                n.span,
                                format!("unknown severity `{s}`: use critical, warning or info"),
                            )
                            .with_help_opt(help),
                        );
                        None
                    }
                }
            });
            let message = f.get("message").and_then(|n| self.dec.text(n, "`message`"));
            let action = match (f.get("action"), &id) {
                (Some(n), Some(id)) => self.one_line_action(n, id),
                _ => None,
            };
            let when = self
                .pending(f.get("when"), "`when`")
                .and_then(|p| self.condition(&p, rs, ctx).map(|c| (c, p.text)));
            let actions = match (f.get("actions"), &id) {
                (Some(n), Some(id)) => self.flag_action_refs(n, id, rs),
                _ => Vec::new(),
            };
            if let (Some(n), Some(id), Some(severity)) = (f.get("actions"), &id, severity) {
                if severity != FlagSeverity::Critical {
                    self.dec.push(
                        Diagnostic::warning(
                            "flag-actions-not-critical",
                            f.key_span("actions").unwrap_or(n.span),
                            format!(
                                "flag `{id}` is {}, not critical: its `actions` are never offered, because only critical flags are acknowledged",
                                severity.as_str()
                            ),
                        )
                        .with_help("remove `actions`, or make the flag critical"),
                    );
                }
            }
            if let (Some(id), Some(severity), Some(message), Some((when, when_text))) =
                (id, severity, message, when)
            {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "flag", self.sources) {
                    out.push(Flag {
                        id,
                        severity,
                        when,
                        when_text,
                        message,
                        action,
                        actions,
                        span,
                    });
                }
            }
        }
        out
    }

    pub(super) fn exclusions(&mut self, tops: &[Fields], rs: &RuleSet) -> Vec<Exclusion> {
        let ctx = Context {
            ratings: false,
            level: false,
            questions_before: None,
        };
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "exclusions", "`exclusions`") {
            let Some(f) = self.dec.fields(
                n,
                "an exclusion",
                &["id", "when", "message"],
                &["id", "when", "message"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "exclusion id"));
            let message = f.get("message").and_then(|n| self.dec.text(n, "`message`"));
            let when = self
                .pending(f.get("when"), "`when`")
                .and_then(|p| self.condition(&p, rs, ctx).map(|c| (c, p.text)));
            if let (Some(id), Some(message), Some((when, when_text))) = (id, message, when) {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "exclusion", self.sources) {
                    out.push(Exclusion {
                        id,
                        when,
                        when_text,
                        message,
                        span,
                    });
                }
            }
        }
        out
    }

    /// A flag's `action`: one line of text saying what to do. Surrounding
    /// white space is dropped (a folded `>` scalar ends in a line break);
    /// an empty value or one with a line break inside is `action-text`.
    fn one_line_action(&mut self, n: &Node, flag: &str) -> Option<String> {
        let s = self.dec.text(n, "`action`")?;
        let line = s.trim();
        if line.is_empty() {
            self.dec.push(
                Diagnostic::error(
                    "action-text",
                    n.span,
                    format!("`action` of flag `{flag}` is empty"),
                )
                .with_help("say in one line what the clinician should do, or leave `action` out"),
            );
            None
        } else if line.contains(LINE_BREAKS) {
            self.dec.push(
                Diagnostic::error(
                    "action-text",
                    n.span,
                    format!("`action` of flag `{flag}` is more than one line"),
                )
                .with_help("an action is shown on one line with the flag: write it as one line (a folded `>-` scalar joins lines with spaces)"),
            );
            None
        } else {
            Some(line.to_string())
        }
    }

    /// A flag's `actions`: ids of the rule set's flag actions, each once.
    fn flag_action_refs(&mut self, n: &Node, flag: &str, rs: &RuleSet) -> Vec<usize> {
        let Some(items) = self.dec.seq(n, "`actions`") else {
            return Vec::new();
        };
        if items.is_empty() {
            self.dec.error(
                "missing-field",
                n.span,
                format!("`actions` of flag `{flag}` names no action: leave it out to offer every flag action"),
            );
        }
        let mut out = Vec::new();
        for it in items {
            let Some(a) = self.dec.id(it, "flag action") else {
                continue;
            };
            match rs.flag_actions.iter().position(|x| x.id == a) {
                Some(i) if out.contains(&i) => self.dec.error(
                    "duplicate-id",
                    it.span,
                    format!("flag action `{a}` is listed twice in the `actions` of flag `{flag}`"),
                ),
                Some(i) => out.push(i),
                None => {
                    let help = if rs.flag_actions.is_empty() {
                        Some("the rule set has no `flag_actions`".to_string())
                    } else {
                        let listed = Node::texts(items);
                        did_you_mean_unlisted(
                            &a,
                            rs.flag_actions.iter().map(|x| x.id.as_str()),
                            &listed,
                        )
                    };
                    self.dec.push(
                        Diagnostic::error(
                            "unknown-reference",
                            it.span,
                            format!("unknown flag action `{a}` in the `actions` of flag `{flag}`"),
                        )
                        .with_help_opt(help),
                    );
                }
            }
        }
        out
    }

    pub(super) fn override_reasons(&mut self, tops: &[Fields]) -> Vec<OverrideReason> {
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "override_reasons", "`override_reasons`") {
            let Some(f) = self.dec.fields(
                n,
                "an override reason",
                &["id", "label", "note_required", "no_override"],
                &["id", "label"],
            ) else {
                continue;
            };
            let id = f
                .get("id")
                .and_then(|n| self.dec.id(n, "override reason id"));
            let label = f.get("label").and_then(|n| self.dec.text(n, "`label`"));
            let note_required = f
                .get("note_required")
                .and_then(|n| self.dec.boolean(n, "`note_required`"))
                .unwrap_or(false);
            let no_override = f
                .get("no_override")
                .and_then(|n| self.dec.boolean(n, "`no_override`"))
                .unwrap_or(false);
            if let (Some(id), Some(label)) = (id, label) {
                if no_override && note_required {
                    self.dec.push(
                        Diagnostic::error(
                            "no-override-note-required",
                            f.key_span("note_required").unwrap_or(f.span),
                            format!("override reason `{id}` is `no_override`, so it cannot also be `note_required`"),
                        )
                        .with_help("a reason that means \"no override\" is recorded with a placement at the recommended level, which needs no note; remove `note_required`"),
                    );
                }
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "override reason", self.sources) {
                    out.push(OverrideReason {
                        id,
                        label,
                        note_required,
                        no_override,
                    });
                }
            }
        }
        out
    }

    pub(super) fn flag_actions(&mut self, tops: &[Fields]) -> Vec<FlagAction> {
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "flag_actions", "`flag_actions`") {
            let Some(f) = self.dec.fields(
                n,
                "a flag action",
                &["id", "label", "note_required"],
                &["id", "label"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "flag action id"));
            let label = f.get("label").and_then(|n| self.dec.text(n, "`label`"));
            let note_required = f
                .get("note_required")
                .and_then(|n| self.dec.boolean(n, "`note_required`"))
                .unwrap_or(false);
            if let (Some(id), Some(label)) = (id, label) {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "flag action", self.sources) {
                    out.push(FlagAction {
                        id,
                        label,
                        note_required,
                    });
                }
            }
        }
        out
    }

    /// `answer_sources`: where an answer may come from.
    pub(super) fn answer_sources(&mut self, tops: &[Fields]) -> Vec<AnswerSource> {
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "answer_sources", "`answer_sources`") {
            let Some(f) =
                self.dec
                    .fields(n, "an answer source", &["id", "label"], &["id", "label"])
            else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "answer source id"));
            let label = f.get("label").and_then(|n| self.dec.text(n, "`label`"));
            if let (Some(id), Some(label)) = (id, label) {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "answer source", self.sources) {
                    out.push(AnswerSource { id, label });
                }
            }
        }
        out
    }
}

/// Characters that break a line, in YAML or on a terminal.
pub(super) const LINE_BREAKS: [char; 7] = [
    '\n', '\r', '\u{0b}', '\u{0c}', '\u{85}', '\u{2028}', '\u{2029}',
];
