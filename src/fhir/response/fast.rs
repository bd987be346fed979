//! The fast way in: a response's JSON text read by `serde_json` into a
//! tree without places, then read as the full reader reads it.

use super::read::{Items, Reading};
use super::{choice_value, resource_type, ItemKind, Layout};
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
                        a.next_value::<Scalar>()?;
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
    let layout = Layout::of(rs);
    let reading = Reading {
        layout: &layout,
        rs,
    };
    let mut items = None;
    let budget = Budget {
        nodes: std::cell::Cell::new(0),
        depth: std::cell::Cell::new(0),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let top = serde::de::DeserializeSeed::deserialize(
        Top {
            reading: &reading,
            items: &mut items,
            budget: &budget,
        },
        &mut de,
    )
    .ok()?;
    de.end().ok()?;
    if resource_type(&top) != Some("QuestionnaireResponse") {
        return None;
    }
    // Counted here with every scalar a level and every key a node, at
    // least as much as the YAML parser counts; at a budget, give up.
    let (nodes, depth) = size(&top);
    if depth.max(budget.depth.get()) + 1 > limits.max_depth
        || nodes + budget.nodes.get() > limits.max_nodes
    {
        return None;
    }
    let native = reading
        .response_with(&top, Some(items.unwrap_or_default()))
        .ok()?;
    crate::intake::from_node_limited(&native, rs, limits).ok()
}

/// What the streamed part (the items) would count as a tree: nodes, and
/// the deepest level.
struct Budget {
    nodes: std::cell::Cell<usize>,
    depth: std::cell::Cell<usize>,
}

impl Budget {
    fn add(&self, nodes: usize, depth: usize) {
        self.nodes.set(self.nodes.get() + nodes);
        self.depth.set(self.depth.get().max(depth));
    }
}

type Seen<'de> = Vec<std::borrow::Cow<'de, str>>;

/// A key seen twice in one object: for the full reader to report.
fn twice<'de, E: serde::de::Error>(
    seen: &mut Seen<'de>,
    k: std::borrow::Cow<'de, str>,
) -> Result<(), E> {
    if seen.contains(&k) {
        return Err(E::custom("duplicate key"));
    }
    seen.push(k);
    Ok(())
}

/// The response object: `item` streamed into native answers, every other
/// field a small tree.
struct Top<'a, 'l> {
    reading: &'a Reading<'l>,
    items: &'a mut Option<Items>,
    budget: &'a Budget,
}

impl<'de> serde::de::DeserializeSeed<'de> for Top<'_, '_> {
    type Value = Node;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Top<'_, '_> {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a QuestionnaireResponse")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        let mut pairs = Vec::new();
        let mut seen = Seen::new();
        while let Some(k) = a.next_key::<std::borrow::Cow<'de, str>>()? {
            twice(&mut seen, k.clone())?;
            match &*k {
                "item" => {
                    let mut items = Items::default();
                    a.next_value_seed(ItemList {
                        reading: self.reading,
                        into: &mut items,
                        budget: self.budget,
                        depth: 2,
                    })?;
                    *self.items = Some(items);
                }
                _ => {
                    let Plain(v) = a.next_value()?;
                    pairs.push((plain(Kind::Str(k.into_owned())), v));
                }
            }
        }
        Ok(plain(Kind::Map(pairs)))
    }
}

fn plain(kind: Kind) -> Node {
    Node {
        kind,
        span: Span::default(),
    }
}

/// A list of items (at `depth` in the response's tree).
struct ItemList<'a, 'l> {
    reading: &'a Reading<'l>,
    into: &'a mut Items,
    budget: &'a Budget,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for ItemList<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ItemList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of items")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        self.budget.add(1, self.depth);
        while a
            .next_element_seed(Item {
                reading: self.reading,
                into: &mut *self.into,
                budget: self.budget,
                depth: self.depth + 1,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One item: its children first, then its own extensions and answer, as
/// the tree reader takes them.
struct Item<'a, 'l> {
    reading: &'a Reading<'l>,
    into: &'a mut Items,
    budget: &'a Budget,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Item<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Item<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an item")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        use serde::de::Error;
        let mut seen = Seen::new();
        let mut link: Option<std::borrow::Cow<'de, str>> = None;
        let mut native = None;
        let mut extension = None;
        while let Some(k) = a.next_key::<std::borrow::Cow<'de, str>>()? {
            twice(&mut seen, k.clone())?;
            self.budget.add(2, self.depth + 1);
            match &*k {
                "linkId" => link = Some(a.next_value()?),
                "answer" => {
                    // The question must be known first (a response from
                    // another tool may order its keys otherwise: the
                    // tree reader takes those).
                    let q = link
                        .as_deref()
                        .and_then(|id| self.reading.rs.question_index.get(id).copied())
                        .ok_or_else(|| A::Error::custom("answer before linkId"))?;
                    native = Some(a.next_value_seed(Answers {
                        reading: self.reading,
                        q,
                        budget: self.budget,
                        depth: self.depth + 1,
                    })?);
                }
                "item" => a.next_value_seed(ItemList {
                    reading: self.reading,
                    into: &mut *self.into,
                    budget: self.budget,
                    depth: self.depth + 1,
                })?,
                "extension" => {
                    let Plain(e) = a.next_value()?;
                    let (n, d) = size(&e);
                    self.budget.add(n, self.depth + d);
                    extension = Some(e);
                }
                _ => {
                    a.next_value::<Scalar>()?;
                }
            }
        }
        let id = link.ok_or_else(|| A::Error::custom("no linkId"))?;
        if !self.reading.rs.question_index.contains_key(&*id) {
            if native.is_some() {
                return Err(A::Error::custom("an answer to no question"));
            }
            return Ok(());
        }
        self.reading
            .own(
                &plain(Kind::Str(id.into_owned())),
                extension.as_ref(),
                native,
                self.into,
            )
            .map_err(|_| A::Error::custom("the tree reader reports it"))
    }
}

/// The `answer` list of question `q`, as its native answer.
struct Answers<'a, 'l> {
    reading: &'a Reading<'l>,
    q: usize,
    budget: &'a Budget,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Answers<'_, '_> {
    type Value = Node;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Answers<'_, '_> {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("answers")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        use serde::de::Error;
        let mut values = Vec::new();
        while let Some(v) = a.next_element_seed(Answer {
            reading: self.reading,
            q: self.q,
        })? {
            values.push(v);
        }
        // answer list, entry, value[x], coding's fields.
        self.budget.add(1 + 5 * values.len(), self.depth + 4);
        let question = &self.reading.rs.questions[self.q];
        match (&question.kind, values.len()) {
            (crate::rules::model::QuestionKind::MultiChoice(_), _) => Ok(plain(Kind::Seq(values))),
            (_, 1) => Ok(values.pop().expect("one")),
            _ => Err(A::Error::custom("not one answer")),
        }
    }
}

/// One `answer` entry: its first `value[x]`, as the native value.
struct Answer<'a, 'l> {
    reading: &'a Reading<'l>,
    q: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Answer<'_, '_> {
    type Value = Node;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Answer<'_, '_> {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an answer")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        use serde::de::Error;
        let mut seen = Seen::new();
        let mut value = None;
        while let Some(k) = a.next_key::<std::borrow::Cow<'de, str>>()? {
            twice(&mut seen, k.clone())?;
            if value.is_some() || !k.starts_with("value") {
                // The tree reader takes the first value[x] only.
                a.next_value::<Scalar>()?;
                continue;
            }
            let kind = &self.reading.layout.shapes[self.q];
            value = Some(match (kind, &*k) {
                (ItemKind::Choice(answers), "valueCoding") => {
                    let (system, code) = a.next_value::<CodingKey>()?.0;
                    let rs = self.reading.rs;
                    plain(
                        choice_value(rs, self.q, answers, system.as_deref(), code.as_deref())
                            .ok_or_else(|| A::Error::custom("not an answer option"))?,
                    )
                }
                (ItemKind::Boolean, "valueBoolean")
                | (ItemKind::Integer, "valueInteger")
                | (ItemKind::Decimal, "valueDecimal" | "valueInteger")
                | (ItemKind::Text, "valueString") => a.next_value::<Plain>()?.0,
                _ => return Err(A::Error::custom("another value[x]")),
            });
        }
        value.ok_or_else(|| A::Error::custom("no value[x]"))
    }
}

/// A coding's `system` and `code`; anything else in it is skipped.
struct CodingKey<'de>(
    (
        Option<std::borrow::Cow<'de, str>>,
        Option<std::borrow::Cow<'de, str>>,
    ),
);

impl<'de> serde::Deserialize<'de> for CodingKey<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = CodingKey<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a coding")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<CodingKey<'de>, A::Error> {
                let mut seen = Seen::new();
                let (mut system, mut code) = (None, None);
                while let Some(k) = a.next_key::<std::borrow::Cow<'de, str>>()? {
                    twice(&mut seen, k.clone())?;
                    match &*k {
                        "system" => system = Some(a.next_value()?),
                        "code" => code = Some(a.next_value()?),
                        _ => {
                            a.next_value::<Scalar>()?;
                        }
                    }
                }
                Ok(CodingKey((system, code)))
            }
        }
        d.deserialize_map(V)
    }
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

/// A value skipped unread, which must be a scalar: anything larger counts
/// against the reader's budgets, and is left to the full reader.
struct Scalar;

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar)
            }
        }
        d.deserialize_any(V)
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
