//! The fast way in: a response's JSON text streamed by `serde_json`, its
//! answers straight into the engine's slots (as [`crate::intake::fast`]
//! reads a native JSON intake), the few other fields into a small tree
//! read as the full reader reads it.
//!
//! Nothing is allocated per item or per answer: keys, link ids and
//! codings are borrowed from the text, and a key seen twice is found in a
//! short list on the stack. Anything unusual (an escaped key, an answer
//! before its `linkId`, a value of another shape) makes it give up, and
//! the full reader then reports it with its line and column.

use super::read::{Items, Reading};
use super::{choice_index, resource_type, ItemKind, Layout};
use crate::diag::Span;
use crate::intake::fast::{AnswerSeed, AnswerValue, Answers};
use crate::intake::Intake;
use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;
use crate::yaml::{Kind, Node};
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};

/// Reads a QuestionnaireResponse JSON text the fast way, or `None` when it
/// is not one or anything about it needs the full reader (which then says
/// what, with its line and column). Accepts exactly what the full reader
/// accepts, and reads it the same; near the full reader's budgets, it
/// gives up.
pub fn fast(text: &str, rs: &RuleSet, limits: &crate::yaml::Limits) -> Option<Intake> {
    if text.len() > limits.max_bytes
        || !text.contains("QuestionnaireResponse")
        || !crate::intake::fast::yaml_printable(text)
    {
        return None;
    }
    let layout = Layout::of(rs);
    let mut read = Read {
        reading: Reading {
            layout: &layout,
            rs,
        },
        answers: Answers::new(rs, limits),
        items: Items::default(),
        nodes: 0,
        depth: 0,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let top = Top(&mut read).deserialize(&mut de).ok()?;
    de.end().ok()?;
    if resource_type(&top) != Some("QuestionnaireResponse") {
        return None;
    }
    // Counted here with every scalar a level and every key a node, at
    // least as much as the YAML parser counts; at a budget, give up.
    let (nodes, depth) = size(&top);
    if depth.max(read.depth) + 1 > limits.max_depth || nodes + read.nodes > limits.max_nodes {
        return None;
    }
    let Read {
        reading,
        answers,
        items,
        ..
    } = read;
    let meta = reading.response_with(&top, Some(items)).ok()?;
    crate::intake::fast::assemble(meta, answers, rs, limits)
}

/// One response being read: its answers, what its items' extensions say,
/// and how large its items would be as a tree (nodes, deepest level).
struct Read<'l> {
    reading: Reading<'l>,
    answers: Answers,
    items: Items,
    nodes: usize,
    depth: usize,
}

impl Read<'_> {
    fn count(&mut self, nodes: usize, depth: usize) {
        self.nodes += nodes;
        self.depth = self.depth.max(depth);
    }
}

/// Text borrowed from the JSON: a key or value with no escapes. An
/// escaped one makes the fast way give up.
struct Borrowed<'de>(&'de str);

impl<'de> serde::Deserialize<'de> for Borrowed<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Borrowed<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text with no escapes")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Borrowed<'de>, E> {
                Ok(Borrowed(s))
            }
        }
        d.deserialize_str(V)
    }
}

/// The keys of one object so far, to find one given twice (which the full
/// reader refuses). An object with more keys than this gives up.
/// `N` is more than FHIR defines for the object read: items, answers
/// and codings have at most 8 elements; the response and its other
/// elements are given more room.
struct Keys<'de, const N: usize> {
    keys: [&'de str; N],
    len: usize,
}

/// Room for the keys of the response and of its other elements.
type ManyKeys<'de> = Keys<'de, 24>;

impl<'de, const N: usize> Keys<'de, N> {
    fn new() -> Self {
        Keys {
            keys: [""; N],
            len: 0,
        }
    }

    /// The next key of the object, borrowed, or an error when it is there
    /// already.
    fn next<A: MapAccess<'de>>(&mut self, a: &mut A) -> Result<Option<&'de str>, A::Error> {
        let Some(Borrowed(k)) = a.next_key()? else {
            return Ok(None);
        };
        if self.keys[..self.len].contains(&k) || self.len == self.keys.len() {
            return Err(A::Error::custom("a key twice, or many keys"));
        }
        self.keys[self.len] = k;
        self.len += 1;
        Ok(Some(k))
    }
}

/// The response object: `item` streamed into answers, every other field
/// a small tree.
struct Top<'r, 'l>(&'r mut Read<'l>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = Node;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a QuestionnaireResponse")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        let mut pairs = Vec::new();
        let mut keys = ManyKeys::new();
        while let Some(k) = keys.next(&mut a)? {
            if k == "item" {
                a.next_value_seed(ItemList {
                    read: &mut *self.0,
                    depth: 2,
                })?;
            } else {
                let Plain(v) = a.next_value()?;
                pairs.push((plain(Kind::Str(k.to_string())), v));
            }
        }
        Ok(plain(Kind::Map(pairs)))
    }
}

/// A list of items (at `depth` in the response's tree).
struct ItemList<'r, 'l> {
    read: &'r mut Read<'l>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ItemList<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        self.read.count(1, self.depth);
        while a
            .next_element_seed(Item {
                read: &mut *self.read,
                depth: self.depth + 1,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One item: its children, then its own extensions and answer, in the
/// order the full reader takes them.
struct Item<'r, 'l> {
    read: &'r mut Read<'l>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Item<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Item<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an item")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let read = self.read;
        let mut keys = Keys::<8>::new();
        // Its linkId, and the question it names (if any).
        let mut link: Option<(&'de str, Option<usize>)> = None;
        let mut answered = None;
        let mut extension = None;
        while let Some(k) = keys.next(&mut a)? {
            read.count(2, self.depth + 1);
            match k {
                "linkId" => {
                    let id = a.next_value::<Borrowed>()?.0;
                    link = Some((id, read.reading.rs.question_index.get(id).copied()));
                }
                "answer" => {
                    // The question must be known first (a response from
                    // another tool may order its keys otherwise: the
                    // full reader takes those).
                    let q = link
                        .and_then(|(_, q)| q)
                        .ok_or_else(|| A::Error::custom("answer before linkId"))?;
                    let value = a.next_value_seed(AnswerList {
                        read: &mut *read,
                        q,
                        depth: self.depth + 1,
                    })?;
                    answered = Some(value);
                }
                "item" => {
                    if answered.is_some() {
                        // Its children's answers would come after its own,
                        // not before as the full reader takes them.
                        return Err(A::Error::custom("children after the answer"));
                    }
                    a.next_value_seed(ItemList {
                        read: &mut *read,
                        depth: self.depth + 1,
                    })?
                }
                "extension" => {
                    let Plain(e) = a.next_value()?;
                    let (n, d) = size(&e);
                    read.count(n, self.depth + d);
                    extension = Some(e);
                }
                _ => {
                    a.next_value::<Scalar>()?;
                }
            }
        }
        let (id, q) = link.ok_or_else(|| A::Error::custom("no linkId"))?;
        let Some(q) = q else {
            // A group; or, with an answer, one to no question (which the
            // full reader names), and that has given up already.
            return Ok(());
        };
        if let Some(e) = &extension {
            read.reading
                .own(
                    &plain(Kind::Str(id.to_string())),
                    Some(e),
                    None,
                    &mut read.items,
                )
                .map_err(|_| A::Error::custom("the full reader reports it"))?;
        }
        if let Some(value) = answered {
            if !read.answers.put(q, value) {
                return Err(A::Error::custom("answered twice, or too many answers"));
            }
        }
        Ok(())
    }
}

/// The `answer` list of question `q`, as the native reader would read its
/// native answer.
struct AnswerList<'r, 'l> {
    read: &'r mut Read<'l>,
    q: usize,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for AnswerList<'_, '_> {
    type Value = AnswerValue;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<AnswerValue, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AnswerList<'_, '_> {
    type Value = AnswerValue;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("answers")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<AnswerValue, A::Error> {
        let rs = self.read.reading.rs;
        let kind = &rs.questions[self.q].kind;
        let seed = || Answer {
            reading: &self.read.reading,
            q: self.q,
        };
        let mut entries = 0;
        let value = if let QuestionKind::MultiChoice(options) = kind {
            // The options ticked, each once, as the native list would be.
            let mut mask = 0u64;
            while let Some(v) = a.next_element_seed(seed())? {
                entries += 1;
                let Value::Option(i) = v else {
                    return Err(A::Error::custom("not an option"));
                };
                let bit = options
                    .iter()
                    .position(|o| o.id == options[i].id)
                    .filter(|&b| b < 64 && mask & (1 << b) == 0)
                    .ok_or_else(|| A::Error::custom("an option twice"))?;
                mask |= 1 << bit;
            }
            if crate::intake::exclusive_violated(mask, kind.exclusive_mask()) {
                return Err(A::Error::custom("exclusive"));
            }
            AnswerValue::Slot(crate::intake::Slot::Multi(mask))
        } else {
            let mut one = None;
            while let Some(v) = a.next_element_seed(seed())? {
                entries += 1;
                one = Some(v);
            }
            let (1, Some(v)) = (entries, one) else {
                return Err(A::Error::custom("not one answer"));
            };
            let native = AnswerSeed { rs, q: self.q };
            match v {
                Value::Answer(v) => v,
                Value::Option(i) => match (kind, &self.read.reading.layout.shapes[self.q]) {
                    (QuestionKind::Integer { .. }, ItemKind::Choice(answers)) => {
                        native.int(answers[i].3 as i64)?
                    }
                    (kind, _) => {
                        let options = kind.options().expect("a choice has options");
                        native.visit_str(&options[i].id)?
                    }
                },
            }
        };
        // answer list, entry, value[x], coding's fields.
        self.read.count(1 + 5 * entries, self.depth + 4);
        Ok(value)
    }
}

/// One `answer` entry's value: an answer option by its position, or any
/// other value as the native reader reads it.
enum Value {
    Option(usize),
    Answer(AnswerValue),
}

/// One `answer` entry: its first `value[x]` (the full reader takes that
/// one only).
struct Answer<'a, 'l> {
    reading: &'a Reading<'l>,
    q: usize,
}

impl<'de> DeserializeSeed<'de> for Answer<'_, '_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Answer<'_, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an answer")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut keys = Keys::<8>::new();
        let mut value = None;
        let native = || AnswerSeed {
            rs: self.reading.rs,
            q: self.q,
        };
        while let Some(k) = keys.next(&mut a)? {
            if value.is_some() || !k.starts_with("value") {
                a.next_value::<Scalar>()?;
                continue;
            }
            let shape = &self.reading.layout.shapes[self.q];
            value = Some(match (shape, k) {
                (ItemKind::Choice(answers), "valueCoding") => {
                    let Coding { system, code } = a.next_value()?;
                    Value::Option(
                        choice_index(answers, system, code)
                            .ok_or_else(|| A::Error::custom("not an answer option"))?,
                    )
                }
                (ItemKind::Boolean, "valueBoolean")
                | (ItemKind::Integer, "valueInteger")
                | (ItemKind::Decimal, "valueDecimal" | "valueInteger")
                | (ItemKind::Text, "valueString") => Value::Answer(a.next_value_seed(native())?),
                _ => return Err(A::Error::custom("another value[x]")),
            });
        }
        value.ok_or_else(|| A::Error::custom("no value[x]"))
    }
}

/// A coding's `system` and `code`; anything else in it is skipped.
struct Coding<'de> {
    system: Option<&'de str>,
    code: Option<&'de str>,
}

impl<'de> serde::Deserialize<'de> for Coding<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Coding<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a coding")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Coding<'de>, A::Error> {
                let mut keys = Keys::<8>::new();
                let mut coding = Coding {
                    system: None,
                    code: None,
                };
                while let Some(k) = keys.next(&mut a)? {
                    match k {
                        "system" => coding.system = Some(a.next_value::<Borrowed>()?.0),
                        "code" => coding.code = Some(a.next_value::<Borrowed>()?.0),
                        _ => {
                            a.next_value::<Scalar>()?;
                        }
                    }
                }
                Ok(coding)
            }
        }
        d.deserialize_map(V)
    }
}

/// A JSON text as a tree with no places (every span unknown): the
/// response's fields other than its items, and items' extensions.
struct Plain(Node);

fn plain(kind: Kind) -> Node {
    Node {
        kind,
        span: Span::default(),
    }
}

impl<'de> serde::Deserialize<'de> for Plain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Plain;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Plain, E> {
                Ok(Plain(plain(Kind::Bool(v))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Plain, E> {
                Ok(Plain(plain(Kind::Int(v))))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Plain, E> {
                i64::try_from(v)
                    .map(|v| Plain(plain(Kind::Int(v))))
                    .map_err(|_| E::custom("too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Plain, E> {
                Ok(Plain(plain(Kind::Float(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Plain, E> {
                Ok(Plain(plain(Kind::Str(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Plain, E> {
                Ok(Plain(plain(Kind::Str(v))))
            }
            fn visit_unit<E>(self) -> Result<Plain, E> {
                Ok(Plain(plain(Kind::Null)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut items = Vec::new();
                while let Some(Plain(n)) = a.next_element()? {
                    items.push(n);
                }
                Ok(Plain(plain(Kind::Seq(items))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut pairs = Vec::new();
                let mut keys = ManyKeys::new();
                while let Some(k) = keys.next(&mut a)? {
                    // Text for people, never read: skipped unread.
                    if k == "text" || k == "display" {
                        a.next_value::<Scalar>()?;
                        continue;
                    }
                    let Plain(v) = a.next_value()?;
                    pairs.push((plain(Kind::Str(k.to_string())), v));
                }
                Ok(Plain(plain(Kind::Map(pairs))))
            }
        }
        d.deserialize_any(V)
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
        impl<'de> Visitor<'de> for V {
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
