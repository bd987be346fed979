//! The tree walker of the intake reader: mappings, text fields and known
//! keys, each problem collected as a diagnostic; and how a key or a parser
//! message is shown without repeating what may be an answer.

use crate::diag::{did_you_mean, Diagnostic, Span};
use crate::rules::model::RuleSet;
use crate::yaml::decode::is_id;
use crate::yaml::{Kind, Limits, Node};

pub(super) struct Reader<'a> {
    pub(super) rs: &'a RuleSet,
    pub(super) limits: &'a Limits,
    pub(super) diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    pub(super) fn err(&mut self, code: &'static str, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    pub(super) fn map<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
    ) -> Vec<(&'n str, &'n Node, &'n Node)> {
        let Kind::Map(pairs) = &node.kind else {
            // Text where entries were expected is usually a key whose colon
            // is missing (`age 34`).
            let hint = match node.kind {
                Kind::Str(_) => "; write each entry as `key: value`, with a colon after the key",
                _ => "",
            };
            self.err(
                "wrong-type",
                node.span,
                format!("{what} must be a mapping, not {}{hint}", node.kind_name()),
            );
            return Vec::new();
        };
        let mut out: Vec<(&'n str, &'n Node, &'n Node)> = Vec::new();
        for (k, v) in pairs {
            let Some(key) = k.as_str() else {
                self.err(
                    "wrong-type",
                    k.span,
                    format!("keys in {what} must be text, not {}", k.kind_name()),
                );
                continue;
            };
            if out.iter().any(|(e, _, _)| *e == key) {
                self.err(
                    "duplicate-key",
                    k.span,
                    format!("duplicate key `{}` in {what}", safe_key(key)),
                );
                continue;
            }
            out.push((key, k, v));
        }
        out
    }

    pub(super) fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            Kind::Str(s) if s.len() <= self.limits.max_text_bytes => Some(s.clone()),
            Kind::Str(_) => {
                self.err(
                    "intake-limit",
                    node.span,
                    format!(
                        "{what} is longer than the limit of {} bytes",
                        self.limits.max_text_bytes
                    ),
                );
                None
            }
            Kind::Null => None,
            _ => {
                self.err(
                    "wrong-type",
                    node.span,
                    format!("{what} must be text, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    pub(super) fn check_keys(
        &mut self,
        entries: &[(&str, &Node, &Node)],
        allowed: &[&str],
        what: &str,
    ) {
        for (k, kn, _) in entries {
            if !allowed.contains(k) {
                let help = did_you_mean(k, allowed.iter().copied());
                self.diags.push(
                    Diagnostic::error(
                        "unknown-field",
                        kn.span,
                        format!("unknown field `{}` in {what}", safe_key(k)),
                    )
                    .with_help_opt(help),
                );
            }
        }
    }
}

/// A parser message without the `quoted` text it may carry, which could be
/// part of an answer.
pub(super) fn without_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut inside = false;
    for c in msg.chars() {
        if c == '`' {
            inside = !inside;
            continue;
        }
        if !inside {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A key shown in a message: ids only; anything else is not repeated.
pub(super) fn safe_key(k: &str) -> String {
    // Only what is shaped like an id (lower case, digits, `_`): a key in
    // capitals or with spaces is more likely text someone typed.
    if is_id(k) {
        k.to_string()
    } else {
        "(not an id)".to_string()
    }
}
