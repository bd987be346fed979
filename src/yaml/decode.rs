//! Small helpers for decoding [`Node`] trees by hand while collecting every
//! problem: mappings with known keys, and typed scalars.

use crate::diag::{did_you_mean, Diagnostic, Span};
use crate::yaml::{Kind, Node};

/// The entries of a mapping whose keys have been checked.
pub struct Fields<'a> {
    pub span: Span,
    entries: Vec<(&'a str, &'a Node, &'a Node)>,
}

impl<'a> Fields<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }

    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, _)| k.span)
    }

    /// Present keys, in file order.
    pub fn keys(&self) -> impl Iterator<Item = (&'a str, &'a Node, &'a Node)> + '_ {
        self.entries.iter().copied()
    }
}

/// Collects the diagnostics of a decoding pass.
#[derive(Default)]
pub struct Decoder {
    pub diags: Vec<Diagnostic>,
}

impl Decoder {
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn error(&mut self, code: &'static str, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    /// Checks that `node` is a mapping with string keys, no duplicates, no
    /// keys outside `allowed` and every key of `required`.
    pub fn fields<'a>(
        &mut self,
        node: &'a Node,
        what: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<Fields<'a>> {
        let Kind::Map(pairs) = &node.kind else {
            self.error(
                "wrong-type",
                node.span,
                format!(
                    "{what} must be a mapping of keys to values, not {}",
                    node.kind_name()
                ),
            );
            return None;
        };
        let mut entries: Vec<(&'a str, &'a Node, &'a Node)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let Some(key) = k.as_str() else {
                self.error(
                    "wrong-type",
                    k.span,
                    format!("keys in {what} must be text, not {}", k.kind_name()),
                );
                continue;
            };
            if let Some((_, first, _)) = entries.iter().find(|(e, _, _)| *e == key) {
                let first_line = first.span.line;
                self.push(
                    Diagnostic::error(
                        "duplicate-key",
                        k.span,
                        format!("duplicate key `{key}` in {what}"),
                    )
                    .with_help(format!("`{key}` is already given on line {first_line}")),
                );
                continue;
            }
            if !allowed.contains(&key) {
                let help = did_you_mean(key, allowed.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "{what} takes {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                self.push(
                    Diagnostic::error(
                        "unknown-field",
                        k.span,
                        format!("unknown field `{key}` in {what}"),
                    )
                    .with_help(help),
                );
                continue;
            }
            entries.push((key, k, v));
        }
        for r in required {
            if !entries.iter().any(|(k, _, _)| k == r) {
                // Misspelled keys were reported already; say what is missing too.
                self.error(
                    "missing-field",
                    node.span,
                    format!("{what} is missing the required field `{r}`"),
                );
            }
        }
        Some(Fields {
            span: node.span,
            entries,
        })
    }

    pub fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) => {
                self.error(
                    "wrong-type",
                    node.span,
                    format!(
                        "{what} must be text, not {}; put it in quotes",
                        node.kind_name()
                    ),
                );
                None
            }
            _ => {
                self.error(
                    "wrong-type",
                    node.span,
                    format!("{what} must be text, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    /// An id: lower-case ASCII letters, digits and `_`, starting with a letter.
    pub fn id(&mut self, node: &Node, what: &str) -> Option<String> {
        let s = self.text(node, what)?;
        if is_id(&s) {
            Some(s)
        } else {
            self.error(
                "invalid-id",
                node.span,
                format!("{what} `{s}` is not a valid id: use lower-case letters, digits and `_`, starting with a letter"),
            );
            None
        }
    }

    pub fn int(&mut self, node: &Node, what: &str) -> Option<i64> {
        match node.kind {
            Kind::Int(i) if i.abs() <= 1_000_000_000_000_000 => Some(i),
            _ => {
                self.error(
                    "wrong-type",
                    node.span,
                    format!("{what} must be a whole number, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    pub fn number(&mut self, node: &Node, what: &str) -> Option<f64> {
        match node.kind {
            Kind::Int(i) if i.abs() <= 1_000_000_000_000_000 => Some(i as f64),
            Kind::Float(f) if f.is_finite() && f.abs() <= 1e15 => Some(f),
            _ => {
                self.error(
                    "wrong-type",
                    node.span,
                    format!("{what} must be a number, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.error(
                    "wrong-type",
                    node.span,
                    format!("{what} must be true or false, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    pub fn seq<'a>(&mut self, node: &'a Node, what: &str) -> Option<&'a [Node]> {
        match &node.kind {
            Kind::Seq(items) => Some(items),
            _ => {
                self.error(
                    "wrong-type",
                    node.span,
                    format!("{what} must be a list, not {}", node.kind_name()),
                );
                None
            }
        }
    }
}

pub fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.len() <= 64
}
