//! YAML (and JSON, which is YAML) into a tree of nodes that each know where
//! they came from.
//!
//! Rule files and intake files are both read into [`Node`]s first and then
//! decoded by hand, so that every problem in a file can be collected and
//! reported with its line and column instead of stopping at the first one.

use crate::diag::{Diagnostic, Span};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A YAML value with its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// What kind of value this is, for messages ("a list", "text").
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "nothing (null)",
            Kind::Bool(_) => "true/false",
            Kind::Int(_) => "a whole number",
            Kind::Float(_) => "a number",
            Kind::Str(_) => "text",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Size limits for one file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_aliases: usize,
}

impl Limits {
    /// Rule files are written by people and reviewed; generous limits.
    pub const RULES: Limits = Limits {
        max_bytes: 4 * 1024 * 1024,
        max_depth: 64,
        max_nodes: 250_000,
        max_aliases: 1_000,
    };
    /// Intake files come from many systems; tight limits.
    pub const INTAKE: Limits = Limits {
        max_bytes: 1024 * 1024,
        max_depth: 16,
        max_nodes: 20_000,
        max_aliases: 100,
    };
}

/// Parses one YAML document. `file` is the index of the file in its
/// [`crate::diag::Sources`]. An empty document is `Kind::Null`.
pub fn parse(text: &str, file: u32, limits: &Limits) -> Result<Node, Diagnostic> {
    if text.len() > limits.max_bytes {
        return Err(Diagnostic::error(
            "yaml-limit",
            Span {
                file,
                ..Span::UNKNOWN
            },
            format!(
                "file is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
        ));
    }
    let budget = serde_saphyr::budget! {
        max_depth: limits.max_depth,
        max_nodes: limits.max_nodes,
        max_aliases: limits.max_aliases,
        max_documents: 1,
    };
    let alias_limits = serde_saphyr::alias_limits! {
        max_total_replayed_events: limits.max_nodes,
    };
    let options = serde_saphyr::options! {
        budget: budget,
        alias_limits: alias_limits,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        strict_booleans: true,
    };
    let raw: Result<Spanned<Raw>, _> = serde_saphyr::from_str_with_options(text, options);
    match raw {
        Ok(raw) => Ok(convert(raw, file, text)),
        Err(e) => Err(syntax_error(&e, file, text, limits)),
    }
}

fn syntax_error(e: &serde_saphyr::Error, file: u32, text: &str, limits: &Limits) -> Diagnostic {
    let span = e
        .location()
        .map(|l| location_span(&l, file, text))
        .unwrap_or(Span {
            file,
            ..Span::UNKNOWN
        });
    let msg = e.without_snippet().to_string();
    // The parser appends "at line N, column M"; the diagnostic carries that.
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    let lower = msg.to_ascii_lowercase();
    let code = if lower.contains("budget")
        || lower.contains("limit")
        || lower.contains("depth")
        || lower.contains("exceed")
    {
        "yaml-limit"
    } else {
        "yaml-syntax"
    };
    // Budget breaches come as `budget breached: Kind { ... }`: say which
    // limit in words.
    let breached = msg.strip_prefix("budget breached: ").map(|rest| {
        rest.split([' ', '{'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    });
    let (code, msg) = match breached.as_deref() {
        Some("documents") => ("yaml-syntax", MULTI_DOC.to_string()),
        Some("depth") => (
            "yaml-limit",
            format!(
                "the file nests deeper than the limit of {} levels",
                limits.max_depth
            ),
        ),
        Some("nodes") => (
            "yaml-limit",
            format!(
                "the file has more than the limit of {} YAML values",
                limits.max_nodes
            ),
        ),
        Some("aliases") => (
            "yaml-limit",
            format!(
                "the file has more than the limit of {} YAML aliases (*name)",
                limits.max_aliases
            ),
        ),
        Some(other) => (
            "yaml-limit",
            format!("the file exceeds a YAML size limit ({other})"),
        ),
        None if lower.contains("multiple yaml documents") => ("yaml-syntax", MULTI_DOC.to_string()),
        None => (code, msg),
    };
    Diagnostic::error(code, span, msg)
}

const MULTI_DOC: &str =
    "more than one YAML document in the file (a --- separator); put one document in each file";

fn location_span(l: &serde_saphyr::Location, file: u32, _text: &str) -> Span {
    let s = l.span();
    Span {
        file,
        offset: s.byte_offset().unwrap_or(0).min(u32::MAX as u64) as u32,
        len: s.byte_len().unwrap_or(0).min(u32::MAX as u64) as u32,
        line: l.line().min(u32::MAX as u64) as u32,
        col: l.column().min(u32::MAX as u64) as u32,
    }
}

fn convert(raw: Spanned<Raw>, file: u32, text: &str) -> Node {
    let span = location_span(&raw.referenced, file, text);
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        Raw::Bool(b) => Kind::Bool(b),
        Raw::Int(i) => Kind::Int(i),
        Raw::Float(f) => Kind::Float(f),
        Raw::Str(s) => Kind::Str(s),
        Raw::Seq(items) => Kind::Seq(items.into_iter().map(|i| convert(i, file, text)).collect()),
        Raw::Map(pairs) => Kind::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (convert(k, file, text), convert(v, file, text)))
                .collect(),
        ),
    };
    // A mapping or list is located at its first entry by the parser; for a
    // block mapping that is the first key, which is what we want to show.
    Node { kind, span }
}

/// The parser's view of a value, before conversion.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Raw, E> {
                Ok(Raw::Int(i))
            }
            fn visit_u64<E>(self, u: u64) -> Result<Raw, E> {
                Ok(match i64::try_from(u) {
                    Ok(i) => Raw::Int(i),
                    Err(_) => Raw::Float(u as f64),
                })
            }
            fn visit_i128<E>(self, i: i128) -> Result<Raw, E> {
                Ok(match i64::try_from(i) {
                    Ok(i) => Raw::Int(i),
                    Err(_) => Raw::Float(i as f64),
                })
            }
            fn visit_u128<E>(self, u: u128) -> Result<Raw, E> {
                Ok(match i64::try_from(u) {
                    Ok(i) => Raw::Int(i),
                    Err(_) => Raw::Float(u as f64),
                })
            }
            fn visit_f64<E>(self, f: f64) -> Result<Raw, E> {
                Ok(Raw::Float(f))
            }
            fn visit_str<E>(self, s: &str) -> Result<Raw, E> {
                Ok(Raw::Str(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Raw, E> {
                Ok(Raw::Str(s))
            }
            fn visit_bytes<E: de::Error>(self, _b: &[u8]) -> Result<Raw, E> {
                Err(E::custom("binary values are not supported"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut pairs = Vec::new();
                while let Some(k) = a.next_key()? {
                    let v = a.next_value()?;
                    pairs.push((k, v));
                }
                Ok(Raw::Map(pairs))
            }
        }
        d.deserialize_any(RawVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Node, Diagnostic> {
        parse(text, 0, &Limits::RULES)
    }

    #[test]
    fn keeps_positions_and_duplicate_keys() {
        let n = p("a: 1\nb: \"2\"\na: yes\n").unwrap();
        let Kind::Map(pairs) = n.kind else {
            panic!("not a map")
        };
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[1].1.kind, Kind::Str("2".into()));
        assert_eq!(pairs[2].1.kind, Kind::Str("yes".into()));
        assert_eq!((pairs[2].0.span.line, pairs[2].0.span.col), (3, 1));
        assert_eq!((pairs[1].1.span.line, pairs[1].1.span.col), (2, 4));
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let e = p("a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(e.code, "yaml-syntax");
        assert_eq!((e.span.line, e.span.col), (2, 4));
        assert_eq!(e.message, "unclosed bracket '['");
    }

    #[test]
    fn rejects_several_documents() {
        let e = p("a: 1\n---\nb: 2\n").unwrap_err();
        // Reported at the separator.
        assert_eq!(e.span.line, 2);
        assert!(e.message.starts_with("more than one YAML document"));
    }

    #[test]
    fn big_integers_become_floats() {
        let n = p("a: 99999999999999999999\n").unwrap();
        let Kind::Map(pairs) = n.kind else {
            panic!("not a map")
        };
        assert_eq!(pairs[0].1.kind, Kind::Float(1e20));
    }
}
