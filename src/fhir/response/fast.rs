//! The fast way in: a response's JSON text read token by token
//! ([`super::scan`]), its answers straight into the engine's slots (as
//! [`crate::intake::fast`] reads a native JSON intake), the few other
//! fields into a small tree read as the full reader reads it.
//!
//! Nothing is allocated per item or per answer: keys, link ids and
//! codings are borrowed from the text, and a key seen twice is found in a
//! short list on the stack. An item written as the writer writes it (the
//! next in the questionnaire's order, compact, its answer right after its
//! `linkId`) is compared with the writer's bytes a piece at a time
//! ([`Read::start_in_place`], [`Read::in_place`]) rather than read token
//! by token; the scanner counts each piece as it counts its tokens.
//! Anything unusual (an escaped key, an answer before its `linkId`, a
//! value of another shape) makes it give up, and the full reader then
//! reports it with its line and column.

use super::read::{Items, Reading};
use super::scan::{Scalar, Scan, Token};
use super::{choice_index, resource_type, ItemKind, Layout, LIST_ITEM, LOOK_AHEAD};
use crate::diag::Span;
use crate::intake::fast::{AnswerSeed, AnswerValue, Answers};
use crate::intake::{Intake, Slot};
use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;
use crate::yaml::{Kind, Node};
use serde::de::Visitor;

/// Reads a QuestionnaireResponse JSON text the fast way, or `None` when it
/// is not one or anything about it needs the full reader (which then says
/// what, with its line and column). Accepts exactly what the full reader
/// accepts, and reads it the same; near the full reader's budgets, it
/// gives up.
pub fn fast(text: &str, rs: &RuleSet, limits: &crate::yaml::Limits) -> Option<Intake> {
    let ascii = super::scan::printable_ascii(text);
    if text.len() > limits.max_bytes || !(ascii || crate::intake::fast::yaml_printable(text)) {
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
        next: 0,
        record_seen: false,
    };
    let mut s = Scan::new(text, ascii);
    let top = read.top(&mut s)?;
    s.end()?;
    if resource_type(&top) != Some("QuestionnaireResponse") {
        return None;
    }
    // The YAML parser's budgets, counted as it counts them: at a budget,
    // give up (the full reader says which).
    if s.deepest >= limits.max_depth || s.nodes >= limits.max_nodes {
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

/// One response being read: its answers, and what its items' extensions
/// say.
struct Read<'l> {
    reading: Reading<'l>,
    answers: Answers,
    items: Items,
    /// Where the last item read is in the questionnaire's order
    /// ([`Layout::question_at`]).
    next: usize,
    /// A record extension has been met.
    record_seen: bool,
}

/// The keys of one object so far, to find one given twice (which the full
/// reader refuses). `N` is more than FHIR defines for the object read:
/// items, answers and codings have at most 8 elements; the response and
/// its other elements are given more room. An object with more keys
/// gives up.
struct Keys<'a, const N: usize> {
    keys: [&'a str; N],
    len: usize,
}

/// Room for the keys of the response and of its other elements.
type ManyKeys<'a> = Keys<'a, 24>;

impl<'a, const N: usize> Keys<'a, N> {
    fn new() -> Self {
        Keys {
            keys: [""; N],
            len: 0,
        }
    }

    /// The next key of the object, or `None` when it is there already.
    fn add(&mut self, key: &'a str) -> Option<&'a str> {
        if self.len == N || self.keys[..self.len].contains(&key) {
            return None;
        }
        self.keys[self.len] = key;
        self.len += 1;
        Some(key)
    }
}

/// The next key of an object: `Some(None)` at its end, `None` to give up
/// (a key twice among them).
fn next_key<'a, const N: usize>(
    s: &mut Scan<'a>,
    keys: &mut Keys<'a, N>,
    first: &mut bool,
) -> Option<Option<&'a str>> {
    match s.key(first)? {
        Some(k) => keys.add(k).map(Some),
        None => Some(None),
    }
}

impl<'l> Read<'l> {
    /// The response object: `item` read into answers, every other field
    /// a small tree.
    fn top<'a>(&mut self, s: &mut Scan<'a>) -> Option<Node> {
        s.object()?;
        let mut pairs = Vec::with_capacity(8);
        let (mut keys, mut first) = (ManyKeys::new(), true);
        while let Some(k) = next_key(s, &mut keys, &mut first)? {
            if k == "item" {
                self.item_list(s)?;
            } else if k == "extension" {
                s.list()?;
                let (mut entries, mut first) = (Vec::with_capacity(4), true);
                while s.entry(&mut first)? {
                    entries.push(self.extension(s)?);
                }
                pairs.push((plain(Kind::Str(k.to_string())), plain(Kind::Seq(entries))));
            } else {
                pairs.push((plain(Kind::Str(k.to_string())), tree(s)?));
            }
        }
        Some(plain(Kind::Map(pairs)))
    }

    /// One extension of the response, as a small tree; the fields of the
    /// record extension are read straight into their native form (into
    /// `items.record`), as [`super::read`] would make them from the tree.
    fn extension<'a>(&mut self, s: &mut Scan<'a>) -> Option<Node> {
        s.object()?;
        let mut pairs = Vec::with_capacity(2);
        let mut url = None;
        let (mut keys, mut first) = (Keys::<8>::new(), true);
        while let Some(k) = next_key(s, &mut keys, &mut first)? {
            match k {
                "url" => {
                    let u = s.borrowed()?;
                    if u == super::ext::RECORD {
                        if self.record_seen {
                            // Twice: which one counts is for the full
                            // reader to say.
                            return None;
                        }
                        self.record_seen = true;
                    }
                    url = Some(u);
                    pairs.push((plain(Kind::Str(k.into())), plain(Kind::Str(u.into()))));
                }
                "extension" if url == Some(super::ext::RECORD) => {
                    s.list()?;
                    let (mut fields, mut first) = (Vec::with_capacity(8), true);
                    while s.entry(&mut first)? {
                        let (name, value) = record_field(s)?;
                        fields.push((plain(Kind::Str(name?.into())), value));
                    }
                    self.items.record = Some(fields);
                }
                "text" | "display" => {
                    s.scalar()?;
                }
                _ => pairs.push((plain(Kind::Str(k.into())), tree(s)?)),
            }
        }
        Some(plain(Kind::Map(pairs)))
    }

    /// A list of items.
    fn item_list(&mut self, s: &mut Scan) -> Option<()> {
        s.list()?;
        let mut first = true;
        while s.entry(&mut first)? {
            let start = self.start_in_place(s);
            self.item(s, start)?;
        }
        Some(())
    }

    /// The start of an item up to its `linkId`, when it is the item that
    /// comes next in the questionnaire's order (or one of the few after
    /// it: a response leaves out questions not answered) and is written as
    /// the writer writes it: its linkId and the question it is. Takes
    /// nothing otherwise.
    fn start_in_place(&mut self, s: &mut Scan) -> Option<(&'l str, Option<usize>)> {
        let layout = self.reading.layout;
        // (What all the starts begin with, looked for once.)
        s.looking_at(br#"{"linkId":""#).then_some(())?;
        let next = layout.order.get(self.next..)?.iter().take(LOOK_AHEAD);
        let (at, (link, q)) = (self.next..)
            .zip(next)
            .find(|(at, _)| layout.starts[*at].as_ref().is_some_and(|l| s.literal(l)))?;
        self.next = at + 1;
        Some((link.as_str(), *q))
    }

    /// One item: its children, then its own extensions and answer, in the
    /// order the full reader takes them. `start`: its start is taken, up to
    /// its `linkId`, which is this one.
    fn item(&mut self, s: &mut Scan, start: Option<(&'l str, Option<usize>)>) -> Option<()> {
        // Its linkId, and the question it names (if any).
        let mut link = start;
        let mut answered = None;
        let mut extension = None;
        let (mut keys, mut first) = (Keys::<8>::new(), true);
        // Its end is taken.
        let mut ended = false;
        match start {
            Some((_, q)) => {
                keys.add("linkId")?;
                first = false;
                if let Some(value) = q.and_then(|q| self.in_place(s, q)) {
                    answered = Some(value);
                    ended = true;
                }
            }
            None => s.object()?,
        }
        while !ended {
            let likely = if link.is_none() { "linkId" } else { "answer" };
            let Some(k) = s.key_likely(&mut first, likely)? else {
                break;
            };
            keys.add(k)?;
            match k {
                "linkId" => {
                    let id = s.borrowed()?;
                    let (layout, rs) = (self.reading.layout, self.reading.rs);
                    let q = layout.question_at(rs, id, &mut self.next);
                    link = Some((id, q));
                    // Its answer and its end, as the writer writes them.
                    if let Some(value) = q.and_then(|q| self.in_place(s, q)) {
                        answered = Some(value);
                        ended = true;
                    }
                }
                "answer" => {
                    // The question must be known first (a response from
                    // another tool may order its keys otherwise: the full
                    // reader takes those).
                    let q = link.and_then(|(_, q)| q)?;
                    answered = Some(self.answer_list(s, q)?);
                }
                "item" => {
                    // Its children's answers would come after its own, not
                    // before as the full reader takes them.
                    answered.is_none().then_some(())?;
                    self.item_list(s)?;
                }
                "extension" => extension = Some(tree(s)?),
                _ => {
                    s.scalar()?;
                }
            }
        }
        let (id, q) = link?;
        // A group; or, with an answer, one to no question (which the full
        // reader names), and that has given up already.
        let Some(q) = q else { return Some(()) };
        if let Some(e) = &extension {
            let link = plain(Kind::Str(id.to_string()));
            self.reading
                .own(&link, Some(e), None, &mut self.items)
                .ok()?;
        }
        match answered {
            Some(value) => self.answers.put(q, value).then_some(()),
            None => Some(()),
        }
    }

    /// The rest of an item of question `q` whose `linkId` is just read,
    /// when it is written as the writer writes it ([`super::InPlace`]),
    /// maybe with its `text` before its answer: its one answer, read as
    /// [`Read::answer_list`] reads one, and the item's end, all taken at
    /// once. Takes nothing otherwise.
    fn in_place(&self, s: &mut Scan, q: usize) -> Option<AnswerValue> {
        let in_place = &self.reading.layout.in_place[q];
        let prefix = in_place.prefix.as_ref()?;
        let mut t = s.clone();
        if !t.literal(prefix) {
            // Text for people first, where FHIR puts an item's `text`.
            t.literal(&self.reading.layout.item_text).then_some(())?;
            t.scalar()?;
            t.literal(prefix).then_some(())?;
        }
        let (value, ended) = match &self.reading.layout.shapes[q] {
            ItemKind::Choice(answers) => {
                // The system is the one all the answers share.
                let code = t.borrowed()?.as_bytes();
                // (Codes often differ in their last character only.)
                let i = answers.iter().position(|a| {
                    let a = a.1.as_bytes();
                    a.len() == code.len() && a.last() == code.last() && a == code
                })?;
                // Its display and the item's end as the writer writes them;
                // or its display, if there, whatever it says (as the coding
                // is read token by token).
                let ended = in_place.tails[i]
                    .as_ref()
                    .is_some_and(|tail| t.literal(tail));
                if !ended && in_place.display.as_ref().is_some_and(|d| t.literal(d)) {
                    t.scalar()?;
                }
                (self.single(q, Value::Option(i))?, ended)
            }
            _ => (self.scalar_answer(q, t.scalar()?)?, false),
        };
        (ended || t.literal(&in_place.end)).then_some(())?;
        *s = t;
        Some(value)
    }

    /// The `answer` list of question `q`, as the native reader would read
    /// its native answer.
    fn answer_list(&mut self, s: &mut Scan, q: usize) -> Option<AnswerValue> {
        let kind = &self.reading.rs.questions[q].kind;
        s.list()?;
        let mut first = true;
        if let QuestionKind::MultiChoice(options) = kind {
            let mut mask = 0u64;
            while s.entry(&mut first)? {
                let Value::Option(i) = self.answer(s, q)? else {
                    return None;
                };
                mask = tick(mask, i, options.len())?;
            }
            return ticked(kind, mask);
        }
        let (mut one, mut entries) = (None, 0);
        while s.entry(&mut first)? {
            entries += 1;
            one = Some(self.answer(s, q)?);
        }
        if entries != 1 {
            return None;
        }
        self.single(q, one?)
    }

    /// The answer to question `q` that one `answer` entry gives, as the
    /// native reader would read its native answer.
    fn single(&self, q: usize, one: Value) -> Option<AnswerValue> {
        let rs = self.reading.rs;
        let kind = &rs.questions[q].kind;
        match one {
            Value::Answer(v) => Some(v),
            Value::Option(i) => match (kind, &self.reading.layout.shapes[q]) {
                (QuestionKind::MultiChoice(options), _) => ticked(kind, tick(0, i, options.len())?),
                (QuestionKind::Integer { .. }, ItemKind::Choice(answers)) => AnswerSeed { rs, q }
                    .int::<Refused>(answers[i].3 as i64)
                    .ok(),
                // The option's position, as the native reader finds it by
                // its id (option ids are unique).
                (QuestionKind::SingleChoice(options), _) if i < options.len() => {
                    Some(AnswerValue::Slot(Slot::Num(i as f64)))
                }
                _ => None,
            },
        }
    }

    /// One `answer` entry: its first `value[x]` (the full reader takes
    /// that one only).
    fn answer(&self, s: &mut Scan, q: usize) -> Option<Value> {
        s.object()?;
        let mut value = None;
        let (mut keys, mut first) = (Keys::<8>::new(), true);
        let likely = self.reading.layout.shapes[q].value_key();
        while let Some(k) = s.key_likely(&mut first, likely)? {
            keys.add(k)?;
            if value.is_some() || !k.starts_with("value") {
                s.scalar()?;
                continue;
            }
            value = Some(match (&self.reading.layout.shapes[q], k) {
                (ItemKind::Choice(answers), "valueCoding") => Value::Option(coding(s, answers)?),
                (ItemKind::Boolean, "valueBoolean")
                | (ItemKind::Integer, "valueInteger")
                | (ItemKind::Decimal, "valueDecimal" | "valueInteger")
                | (ItemKind::Text, "valueString") => {
                    Value::Answer(self.scalar_answer(q, s.scalar()?)?)
                }
                _ => return None,
            });
        }
        value
    }

    /// A scalar answer to question `q` as the native reader reads it.
    fn scalar_answer(&self, q: usize, v: Scalar) -> Option<AnswerValue> {
        let native = AnswerSeed {
            rs: self.reading.rs,
            q,
        };
        match v {
            Scalar::Null => native.visit_unit::<Refused>(),
            Scalar::Bool(b) => native.visit_bool(b),
            Scalar::Int(i) => native.visit_i64(i),
            Scalar::Float(x) => native.visit_f64(x),
            Scalar::Str(t) => native.visit_str(&t),
        }
        .ok()
    }
}

/// Why an answer was not taken: the full reader says why.
type Refused = serde::de::value::Error;

/// The options ticked (`mask`) with option `i` too, of `options` (each
/// once, as in a native list; option ids are unique, as the loader sees).
fn tick(mask: u64, i: usize, options: usize) -> Option<u64> {
    (i < 64 && i < options && mask & (1 << i) == 0).then_some(mask | 1 << i)
}

/// The answer of a multiple choice question of `kind` with the options of
/// `mask` ticked, as the native reader reads it.
fn ticked(kind: &QuestionKind, mask: u64) -> Option<AnswerValue> {
    (!crate::intake::exclusive_violated(mask, kind.exclusive_mask()))
        .then_some(AnswerValue::Slot(Slot::Multi(mask)))
}

/// One `answer` entry's value: an answer option by its position, or any
/// other value as the native reader reads it.
enum Value {
    Option(usize),
    Answer(AnswerValue),
}

/// Which of a choice's `answers` a coding is, by its `system` and `code`;
/// anything else in it is skipped.
fn coding(s: &mut Scan, answers: &[(String, String, String, f64)]) -> Option<usize> {
    s.object()?;
    let (mut system, mut code) = (None, None);
    let (mut keys, mut first) = (Keys::<8>::new(), true);
    while let Some(k) = s.key_likely(
        &mut first,
        match (system, code) {
            (None, _) => "system",
            (_, None) => "code",
            _ => "display",
        },
    )? {
        keys.add(k)?;
        match k {
            "system" => system = Some(s.borrowed()?),
            "code" => code = Some(s.borrowed()?),
            _ => {
                s.scalar()?;
            }
        }
    }
    choice_index(answers, system, code)
}

/// One nested extension of the record: its `url`, and its value as the
/// full reader makes it (`from_extension_value`): nested extensions all
/// named `item` are a list, other nested extensions a mapping by their
/// `url`, and otherwise the first of `valueString`, `valueInteger`,
/// `valueDecimal` and `valueBoolean` that it has.
fn record_field<'a>(s: &mut Scan<'a>) -> Option<(Option<&'a str>, Node)> {
    s.object()?;
    let mut url = None;
    let mut nested: Option<Vec<(Option<&'a str>, Node)>> = None;
    const VALUES: [&str; 4] = [
        "valueString",
        "valueInteger",
        "valueDecimal",
        "valueBoolean",
    ];
    let mut values: [Option<Node>; 4] = Default::default();
    let (mut keys, mut first) = (Keys::<8>::new(), true);
    while let Some(k) = next_key(s, &mut keys, &mut first)? {
        if k == "url" {
            url = Some(s.borrowed()?);
        } else if k == "extension" {
            s.list()?;
            let (mut list, mut first) = (Vec::with_capacity(4), true);
            while s.entry(&mut first)? {
                list.push(record_field(s)?);
            }
            nested = Some(list);
        } else if let Some(i) = VALUES.iter().position(|v| *v == k) {
            // A scalar: anything larger is left to the full reader.
            values[i] = Some(plain(scalar_kind(s.scalar()?)));
        } else {
            // Read, and not kept (the full reader looks at nothing else).
            tree(s)?;
        }
    }
    let value = match nested {
        Some(list) if !list.is_empty() && list.iter().all(|(u, _)| *u == Some(LIST_ITEM)) => {
            Kind::Seq(list.into_iter().map(|(_, v)| v).collect())
        }
        Some(list) => Kind::Map(
            list.into_iter()
                .map(|(u, v)| Some((plain(Kind::Str(u?.into())), v)))
                .collect::<Option<_>>()?,
        ),
        None => return values.into_iter().flatten().next().map(|v| (url, v)),
    };
    Some((url, plain(value)))
}

/// A JSON value as a tree with no places (every span unknown): the
/// response's fields other than its items, and items' extensions. Text
/// for people (`text`, `display`) is skipped unread. (The scanner's
/// limit on open lists and objects bounds the recursion.)
fn tree(s: &mut Scan) -> Option<Node> {
    Some(plain(match s.token()? {
        Token::Object => {
            s.object()?;
            let mut pairs = Vec::with_capacity(4);
            let (mut keys, mut first) = (ManyKeys::new(), true);
            while let Some(k) = next_key(s, &mut keys, &mut first)? {
                if k == "text" || k == "display" {
                    s.scalar()?;
                    continue;
                }
                pairs.push((plain(Kind::Str(k.to_string())), tree(s)?));
            }
            Kind::Map(pairs)
        }
        Token::List => {
            s.list()?;
            let mut items = Vec::with_capacity(4);
            let mut first = true;
            while s.entry(&mut first)? {
                items.push(tree(s)?);
            }
            Kind::Seq(items)
        }
        Token::Scalar(v) => scalar_kind(v),
    }))
}

/// A scalar as a tree's value.
fn scalar_kind(v: Scalar) -> Kind {
    match v {
        Scalar::Null => Kind::Null,
        Scalar::Bool(b) => Kind::Bool(b),
        Scalar::Int(i) => Kind::Int(i),
        Scalar::Float(x) => Kind::Float(x),
        Scalar::Str(t) => Kind::Str(t.into_owned()),
    }
}

fn plain(kind: Kind) -> Node {
    Node {
        kind,
        span: Span::default(),
    }
}
