//! The fast way in: a response's JSON text read by `serde_json` into a
//! tree without places, then read as the full reader reads it.

use super::{resource_type, Layout};
use crate::diag::Span;
use crate::intake::Intake;
use crate::rules::RuleSet;
use crate::yaml::{Kind, Node};

/// A JSON text as a tree with no places (every span unknown), read by
/// `serde_json`: the fast way in for responses, whose errors are then
/// reported by reading the text again with places.
struct Plain(Node);

impl<'de> serde::Deserialize<'de> for Plain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn node(kind: Kind) -> Node {
            Node {
                kind,
                span: Span::default(),
            }
        }
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Plain;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Bool(v))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Int(v))))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Plain, E> {
                i64::try_from(v)
                    .map(|v| Plain(node(Kind::Int(v))))
                    .map_err(|_| E::custom("too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Float(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Str(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Str(v))))
            }
            fn visit_unit<E>(self) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Null)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut items = Vec::new();
                while let Some(Plain(n)) = a.next_element()? {
                    items.push(n);
                }
                Ok(Plain(node(Kind::Seq(items))))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut pairs = Vec::new();
                let mut skipped: Vec<std::borrow::Cow<'de, str>> = Vec::new();
                while let Some(k) = a.next_key::<std::borrow::Cow<'de, str>>()? {
                    // A key twice is for the full reader to report.
                    if skipped.contains(&k)
                        || pairs
                            .iter()
                            .any(|(p, _): &(Node, Node)| p.as_str() == Some(&k))
                    {
                        return Err(serde::de::Error::custom("duplicate key"));
                    }
                    // Text for people, never read: skipped unread.
                    if k == "text" || k == "display" {
                        a.next_value::<serde::de::IgnoredAny>()?;
                        skipped.push(k);
                        continue;
                    }
                    let Plain(v) = a.next_value()?;
                    pairs.push((node(Kind::Str(k.into_owned())), v));
                }
                Ok(Plain(node(Kind::Map(pairs))))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads a QuestionnaireResponse JSON text the fast way, or `None` when it
/// is not one or anything about it needs the full reader (which then says
/// what, with its line and column). Accepts exactly what the full reader
/// accepts: the same conversion and the same intake reader, on a tree
/// built by `serde_json`; near the full reader's budgets, it gives up.
pub fn fast(text: &str, rs: &RuleSet, limits: &crate::yaml::Limits) -> Option<Intake> {
    if text.len() > limits.max_bytes
        || !text.contains("QuestionnaireResponse")
        || !crate::intake::fast::yaml_printable(text)
    {
        return None;
    }
    let Plain(node) = serde_json::from_str(text).ok()?;
    if resource_type(&node) != Some("QuestionnaireResponse") {
        return None;
    }
    // Counted here with every scalar a level and every key a node, at
    // least as much as the YAML parser counts; at a budget, give up.
    let (nodes, depth) = size(&node);
    if depth + 1 > limits.max_depth || nodes > limits.max_nodes {
        return None;
    }
    let native = Layout::of(rs).read(rs, &node).ok()?;
    crate::intake::from_node_limited(&native, rs, limits).ok()
}

/// How many nodes a tree has, and how deep it is.
fn size(n: &Node) -> (usize, usize) {
    match &n.kind {
        Kind::Seq(items) => items
            .iter()
            .map(size)
            .fold((1, 1), |(c, d), (c2, d2)| (c + c2, d.max(d2 + 1))),
        Kind::Map(pairs) => pairs
            .iter()
            .map(|(_, v)| size(v))
            .fold((1, 1), |(c, d), (c2, d2)| (c + c2 + 1, d.max(d2 + 1))),
        _ => (1, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Limits;

    /// The fast way in accepts exactly what the full reader accepts, and
    /// reads it the same: on every example's response, and on responses
    /// changed in the ways that only the full reader may judge.
    #[test]
    fn the_fast_way_in_agrees_with_the_full_reader() {
        let rs = crate::rules::load_default().expect("default rules").rules;
        let layout = Layout::of(&rs);
        let limits = Limits::INTAKE;
        let mut dir: Vec<_> = std::fs::read_dir("examples/intakes")
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dir.sort();
        let mut fast_taken = 0;
        for path in dir {
            let text = std::fs::read_to_string(&path).unwrap();
            let intake = crate::intake::parse(&text, &rs, &limits).unwrap();
            let response = serde_json::to_string_pretty(&layout.write(&rs, &intake)).unwrap();
            let changed = [
                response.clone(),
                // A key twice (the full reader refuses it).
                response.replacen("{\n", "{\n  \"status\": \"completed\",\n", 1),
                // `text` twice, which the fast way skips.
                response.replacen("{\n", "{\n  \"text\": 1,\n  \"text\": 2,\n", 1),
                // A character YAML does not allow.
                response.replacen("\"resourceType\"", "\"resourceType\u{7f}\"", 1),
                // A number out of range, and one of another type.
                response.replacen("\"valueInteger\": ", "\"valueInteger\": 9", 1),
                response.replacen("\"valueBoolean\": true", "\"valueBoolean\": \"yes\"", 1),
                // Another questionnaire.
                response.replacen("|2.0.0\"", "|1.0.0\"", 1),
            ];
            for (k, t) in changed.iter().enumerate() {
                let full = crate::intake::parse(t, &rs, &limits).ok();
                let fast = fast(t, &rs, &limits);
                if let Some(f) = &fast {
                    fast_taken += 1;
                    assert_eq!(Some(f), full.as_ref(), "{} change {k}", path.display());
                }
                if k == 0 {
                    assert!(fast.is_some(), "{}: the fast way gave up", path.display());
                    assert_eq!(full.as_ref(), Some(&intake), "{}", path.display());
                }
            }
        }
        assert!(fast_taken >= 11);
    }
}
