//! A fast path for JSON intakes (batch scoring, JSON Lines): answers go
//! straight from the JSON text into slots, with no tree in between. (YAML
//! intakes have their own: [`crate::yaml::fast`] gives the full parser's
//! tree for plain YAML, at a fraction of the cost.)
//!
//! It accepts exactly what [`crate::intake::parse`] accepts. On anything
//! unusual it gives up (`None`) and the caller uses the full reader, which
//! then reports the problem with its line and column. The other fields of
//! the intake are small; they are read into a tree and checked by the full
//! reader's own code.

use crate::diag::Span;
use crate::intake::{self, Intake, Slot};
use crate::rules::model::{QuestionKind, RuleSet};
use crate::yaml::{Kind, Limits, Node};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Parses a JSON intake, or `None` if anything needs the full reader
/// (which also enforces `limits`: near any of them, this gives up).
pub fn parse(text: &str, rs: &RuleSet, limits: &Limits) -> Option<Intake> {
    if text.len() > limits.max_bytes {
        return None;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !yaml_printable(text) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let mut answers = Answers::new(rs, limits);
    let meta = TopSeed {
        rs,
        answers: &mut answers,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    assemble(meta, answers, rs, limits)
}

/// The intake from its answers, read straight into slots, and the rest of
/// it as a tree (`answers: {}` standing in for the answers): the other
/// fields checked by the full reader's own code, within `limits`, or
/// `None` for the full reader to judge.
pub(crate) fn assemble(
    meta: Node,
    answers: Answers,
    rs: &RuleSet,
    limits: &Limits,
) -> Option<Intake> {
    // The YAML budgets, with a margin for counting differently from the
    // YAML parser: each answer is a key and a value, plus its list items.
    let (nodes, depth) = size(&meta);
    let items: usize = answers
        .slots
        .iter()
        .map(|s| match s {
            Slot::Multi(m) => m.count_ones() as usize,
            _ => 0,
        })
        .sum();
    let nodes = nodes + 2 * answers.count + items;
    if (depth + 1) * 2 > limits.max_depth || nodes * 2 > limits.max_nodes {
        return None;
    }
    finish(meta, answers, rs, limits)
}

/// Checks the other fields with the full reader's code and merges the answers.
fn finish(meta: Node, answers: Answers, rs: &RuleSet, limits: &Limits) -> Option<Intake> {
    let mut intake = intake::from_node_limited(&meta, rs, limits).ok()?;
    for (q, slot) in answers.slots.into_iter().enumerate() {
        if slot == Slot::Absent {
            continue;
        }
        if intake.slots[q] != Slot::Absent {
            // Answered and declined: let the full reader say so.
            return None;
        }
        intake.slots[q] = slot;
    }
    intake.texts = answers.texts;
    Some(intake)
}

/// Whether YAML allows every character of `text` (JSON strings may hold
/// raw DEL, C1 controls and U+FFFE/U+FFFF; YAML does not, so the full
/// reader must see those). Found by fuzzing (`fuzz/`, target `intake_fast`).
pub(crate) fn yaml_printable(text: &str) -> bool {
    // Only these lead bytes can start such a character: the usual text
    // has none and is checked in one pass over its bytes.
    memchr::memchr3(0x7f, 0xc2, 0xef, text.as_bytes()).is_none()
        || text.chars().all(|c| {
            (matches!(c, '\t' | '\n' | '\r') || !c.is_control())
                && !matches!(c, '\u{fffe}' | '\u{ffff}')
        })
}

/// Answers read straight into slots, one per question, in the order read.
pub(crate) struct Answers {
    slots: Vec<Slot>,
    seen: Vec<bool>,
    texts: Vec<(usize, String)>,
    count: usize,
    max_answers: usize,
}

impl Answers {
    pub(crate) fn new(rs: &RuleSet, limits: &Limits) -> Self {
        Answers {
            slots: vec![Slot::Absent; rs.questions.len()],
            seen: vec![false; rs.questions.len()],
            texts: Vec::new(),
            count: 0,
            max_answers: limits.max_answers,
        }
    }

    /// Question `q`'s answer; `false` when it has one already, or when
    /// there are more answers than the limit.
    pub(crate) fn put(&mut self, q: usize, value: AnswerValue) -> bool {
        if self.seen[q] {
            return false;
        }
        self.seen[q] = true;
        self.count += 1;
        if self.count > self.max_answers {
            return false;
        }
        match value {
            AnswerValue::Null => {}
            AnswerValue::Slot(s) => self.slots[q] = s,
            AnswerValue::Text(t) => {
                self.slots[q] = Slot::Text;
                self.texts.push((q, t));
            }
        }
        true
    }
}

/// Values in a tree (keys included) and its depth.
fn size(n: &Node) -> (usize, usize) {
    match &n.kind {
        Kind::Seq(items) => items.iter().fold((1, 1), |(c, d), i| {
            let (ic, id) = size(i);
            (c + ic, d.max(id + 1))
        }),
        Kind::Map(pairs) => pairs.iter().fold((1, 1), |(c, d), (_, v)| {
            let (vc, vd) = size(v);
            (c + 1 + vc, d.max(vd + 1))
        }),
        _ => (1, 1),
    }
}

fn node(kind: Kind) -> Node {
    Node {
        kind,
        span: Span::UNKNOWN,
    }
}

/// Reads the top-level object: `answers` into slots, everything else into
/// a tree (with `answers: {}` standing in for the answers).
struct TopSeed<'a> {
    rs: &'a RuleSet,
    answers: &'a mut Answers,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an intake object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut pairs = Vec::new();
        let mut saw_answers = false;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if key == "answers" {
                if saw_answers {
                    return Err(de::Error::custom("duplicate"));
                }
                saw_answers = true;
                map.next_value_seed(AnswersSeed {
                    rs: self.rs,
                    answers: self.answers,
                })?;
                pairs.push((
                    node(Kind::Str("answers".into())),
                    node(Kind::Map(Vec::new())),
                ));
            } else {
                let v = map.next_value_seed(NodeSeed { depth: 0 })?;
                pairs.push((node(Kind::Str(key.0.into_owned())), v));
            }
        }
        Ok(node(Kind::Map(pairs)))
    }
}

/// Any JSON value as a tree node, as the full reader would see it (keys
/// kept in order, duplicates included, for the full reader's code to judge).
struct NodeSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        if self.depth > 16 {
            return Err(de::Error::custom("too deep"));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(node(Kind::Null))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(node(Kind::Bool(b)))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Node, E> {
        Ok(node(Kind::Int(i)))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Node, E> {
        Ok(node(match i64::try_from(u) {
            Ok(i) => Kind::Int(i),
            Err(_) => Kind::Float(u as f64),
        }))
    }
    fn visit_f64<E>(self, x: f64) -> Result<Node, E> {
        Ok(node(Kind::Float(x)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(node(Kind::Str(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(node(Kind::Str(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(NodeSeed {
            depth: self.depth + 1,
        })? {
            items.push(item);
        }
        Ok(node(Kind::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut pairs = Vec::new();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let value = map.next_value_seed(NodeSeed {
                depth: self.depth + 1,
            })?;
            pairs.push((node(Kind::Str(key.0.into_owned())), value));
        }
        Ok(node(Kind::Map(pairs)))
    }
}

struct AnswersSeed<'a> {
    rs: &'a RuleSet,
    answers: &'a mut Answers,
}

impl<'de> DeserializeSeed<'de> for AnswersSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnswersSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answers object")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Answers usually come in question order: try the next question
        // before looking the key up.
        let mut next = 0usize;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let q = match self.rs.questions.get(next) {
                Some(question) if *question.id == *key => next,
                _ => match self.rs.question(&key) {
                    Some(q) => q,
                    None => return Err(de::Error::custom("unknown question")),
                },
            };
            next = q + 1;
            let value = map.next_value_seed(AnswerSeed { rs: self.rs, q })?;
            if !self.answers.put(q, value) {
                return Err(de::Error::custom("duplicate or too many"));
            }
        }
        Ok(())
    }
}

/// One answer as read: none (`null`), a slot, or text.
pub(crate) enum AnswerValue {
    Null,
    Slot(Slot),
    Text(String),
}

/// Question `q`'s answer, read as the native reader reads a JSON value.
pub(crate) struct AnswerSeed<'a> {
    pub(crate) rs: &'a RuleSet,
    pub(crate) q: usize,
}

impl<'de> DeserializeSeed<'de> for AnswerSeed<'_> {
    type Value = AnswerValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<AnswerValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl AnswerSeed<'_> {
    fn kind(&self) -> &QuestionKind {
        &self.rs.questions[self.q].kind
    }

    pub(crate) fn int<E: de::Error>(&self, i: i64) -> Result<AnswerValue, E> {
        match self.kind() {
            QuestionKind::Integer {
                min, max, allowed, ..
            } => {
                let ok = match allowed {
                    Some(a) => a.contains(&i),
                    None => i >= *min && i <= *max,
                };
                if ok {
                    Ok(AnswerValue::Slot(Slot::Num(i as f64)))
                } else {
                    Err(E::custom("range"))
                }
            }
            QuestionKind::Number { .. } => self.float(i as f64),
            _ => Err(E::custom("type")),
        }
    }

    fn float<E: de::Error>(&self, x: f64) -> Result<AnswerValue, E> {
        match self.kind() {
            QuestionKind::Number { min, max } if x >= *min && x <= *max => {
                Ok(AnswerValue::Slot(Slot::Num(if x == 0.0 { 0.0 } else { x })))
            }
            _ => Err(E::custom("type")),
        }
    }
}

impl<'de> Visitor<'de> for AnswerSeed<'_> {
    type Value = AnswerValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answer")
    }
    fn visit_unit<E>(self) -> Result<AnswerValue, E> {
        Ok(AnswerValue::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<AnswerValue, E> {
        match self.kind() {
            QuestionKind::YesNo => Ok(AnswerValue::Slot(Slot::Num(if b { 1.0 } else { 0.0 }))),
            _ => Err(E::custom("type")),
        }
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<AnswerValue, E> {
        self.int(i)
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<AnswerValue, E> {
        match i64::try_from(u) {
            Ok(i) => self.int(i),
            Err(_) => Err(E::custom("range")),
        }
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<AnswerValue, E> {
        self.float(x)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<AnswerValue, E> {
        match self.kind() {
            QuestionKind::SingleChoice(options) => match options.iter().position(|o| o.id == s) {
                Some(i) => Ok(AnswerValue::Slot(Slot::Num(i as f64))),
                None => Err(E::custom("option")),
            },
            QuestionKind::Text { max_length } if s.chars().count() <= *max_length => {
                Ok(AnswerValue::Text(s.to_string()))
            }
            _ => Err(E::custom("type")),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnswerValue, A::Error> {
        let QuestionKind::MultiChoice(options) = self.kind() else {
            return Err(de::Error::custom("type"));
        };
        let mut mask = 0u64;
        while let Some(s) = seq.next_element::<Text<'de>>()? {
            let i = options
                .iter()
                .position(|o| *o.id == *s)
                .ok_or_else(|| de::Error::custom("option"))?;
            if mask & (1 << i) != 0 {
                return Err(de::Error::custom("duplicate"));
            }
            mask |= 1 << i;
        }
        if intake::exclusive_violated(mask, self.kind().exclusive_mask()) {
            // The full reader reports it with its place.
            return Err(de::Error::custom("exclusive"));
        }
        Ok(AnswerValue::Slot(Slot::Multi(mask)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswerValue, A::Error> {
        let _ = map.next_key::<IgnoredAny>()?;
        Err(de::Error::custom("type"))
    }
}

/// A string from the JSON text, borrowed when it has no escapes (serde's
/// own `Cow<str>` always allocates).
struct Text<'de>(std::borrow::Cow<'de, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}
