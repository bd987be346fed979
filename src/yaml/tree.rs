//! The spanned YAML tree shared by the crate and its build script (which
//! includes this file to pre-parse the embedded default rule set): a
//! [`Node`] for every value with its [`Span`], the serde-saphyr visitor
//! that builds it, and a compact binary encoding of trees.
//!
//! This file uses nothing from the crate but [`Span`], which it finds in
//! its parent module (`crate::yaml` here, the build script's root there).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

use super::Span;

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

    /// The value under `key`, when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text entries of a list (`items`), as written.
    pub fn texts(items: &[Node]) -> Vec<&str> {
        items.iter().filter_map(Node::as_str).collect()
    }

    /// The text keys of a mapping (`pairs`), as written.
    pub fn text_keys(pairs: &[(Node, Node)]) -> Vec<&str> {
        pairs.iter().filter_map(|(k, _)| k.as_str()).collect()
    }
}

/// The parser options for one file: duplicate keys are passed through (and
/// reported by the decoder with both places), YAML 1.1 booleans such as
/// `yes` stay text, comments are skipped, and the budgets bound depth, size
/// and aliases.
pub fn options(max_depth: usize, max_nodes: usize, max_aliases: usize) -> serde_saphyr::Options {
    options_documents(max_depth, max_nodes, max_aliases, 1)
}

/// [`options`] for a stream of at most `max_documents` documents; the
/// budgets are for the whole stream.
pub fn options_documents(
    max_depth: usize,
    max_nodes: usize,
    max_aliases: usize,
    max_documents: usize,
) -> serde_saphyr::Options {
    let budget = serde_saphyr::budget! {
        max_depth: max_depth,
        max_nodes: max_nodes,
        max_aliases: max_aliases,
        max_documents: max_documents,
    };
    let alias_limits = serde_saphyr::alias_limits! {
        max_total_replayed_events: max_nodes,
    };
    serde_saphyr::options! {
        budget: budget,
        alias_limits: alias_limits,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        strict_booleans: true,
        // Comments are not kept, so none are buffered either: with them
        // kept, a key with no value followed by more than 32 comment lines
        // was refused ("too many buffered comments").
        emit_comments: false,
    }
}

/// Parses one document into a tree.
pub fn parse_tree(
    text: &str,
    file: u32,
    options: serde_saphyr::Options,
) -> Result<Node, serde_saphyr::Error> {
    parse_tree_spelled(text, file, options).map(|(node, _)| node)
}

/// Parses one document into a tree, and gives the places of the numbers
/// not written as JSON writes them ([`json_spelling`]): YAML also reads
/// `0x10`, `0o20`, `0b11`, `1_000` and `+34` as whole numbers and `034`,
/// `.5` as decimal numbers. Each number is judged by its text where it is
/// written (for an alias or a merged mapping, where its value is defined).
pub fn parse_tree_spelled(
    text: &str,
    file: u32,
    options: serde_saphyr::Options,
) -> Result<(Node, Vec<Span>), serde_saphyr::Error> {
    let raw: Spanned<Raw> = serde_saphyr::from_str_with_options(text, options)?;
    let mut odd = Vec::new();
    let node = convert(raw, file, text, &mut odd);
    Ok((node, odd))
}

/// Parses every document of a stream (`---` between documents), each into
/// a tree, with the places of the numbers not written as JSON writes them
/// (as [`parse_tree_spelled`], for the whole stream). Spans are places in
/// the whole text.
pub fn parse_trees_spelled(
    text: &str,
    file: u32,
    options: serde_saphyr::Options,
) -> Result<(Vec<Node>, Vec<Span>), serde_saphyr::Error> {
    let raws: Vec<Spanned<Raw>> = serde_saphyr::from_multiple_with_options(text, options)?;
    let mut odd = Vec::new();
    let nodes = raws
        .into_iter()
        .map(|raw| convert(raw, file, text, &mut odd))
        .collect();
    Ok((nodes, odd))
}

/// Whether `s` is a number as JSON writes it, and, for a whole number
/// (`whole`), plain decimal: `0` or digits without a leading zero, with
/// an optional leading minus; otherwise that, then an optional fraction
/// (`.` and digits) and exponent (`e` or `E`, an optional sign, digits).
pub fn json_spelling(s: &str, whole: bool) -> bool {
    let plain = |s: &str| {
        let digits = s.strip_prefix('-').unwrap_or(s);
        !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
    };
    if whole {
        return plain(s);
    }
    let end = s.find(['.', 'e', 'E']).unwrap_or(s.len());
    if !plain(&s[..end]) {
        return false;
    }
    let mut rest = &s[end..];
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    if let Some(r) = rest.strip_prefix(['e', 'E']) {
        let r = r.strip_prefix(['+', '-']).unwrap_or(r);
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    rest.is_empty()
}

pub fn location_span(l: &serde_saphyr::Location, file: u32, _text: &str) -> Span {
    let s = l.span();
    Span {
        file,
        offset: s.byte_offset().unwrap_or(0).min(u32::MAX as u64) as u32,
        len: s.byte_len().unwrap_or(0).min(u32::MAX as u64) as u32,
        line: l.line().min(u32::MAX as u64) as u32,
        col: l.column().min(u32::MAX as u64) as u32,
    }
}

fn convert(raw: Spanned<Raw>, file: u32, text: &str, odd: &mut Vec<Span>) -> Node {
    let span = location_span(&raw.referenced, file, text);
    if let Raw::Int(_) | Raw::Float(_) = raw.value {
        let at = location_span(&raw.defined, file, text);
        let start = at.offset as usize;
        let written = text
            .get(start..start.saturating_add(at.len as usize))
            .unwrap_or("");
        if !json_spelling(written, matches!(raw.value, Raw::Int(_))) {
            odd.push(if at.is_known() { at } else { span });
        }
    }
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        Raw::Bool(b) => Kind::Bool(b),
        Raw::Int(i) => Kind::Int(i),
        Raw::Float(f) => Kind::Float(f),
        Raw::Str(s) => Kind::Str(s),
        Raw::Seq(items) => Kind::Seq(
            items
                .into_iter()
                .map(|i| convert(i, file, text, odd))
                .collect(),
        ),
        Raw::Map(pairs) => Kind::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (convert(k, file, text, odd), convert(v, file, text, odd)))
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

// Binary encoding: a tag byte, the span as five varints, then the value.

const T_NULL: u8 = 0;
const T_FALSE: u8 = 1;
const T_TRUE: u8 = 2;
const T_INT: u8 = 3;
const T_FLOAT: u8 = 4;
const T_STR: u8 = 5;
const T_SEQ: u8 = 6;
const T_MAP: u8 = 7;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends the encoding of `node` to `out`.
pub fn encode(node: &Node, out: &mut Vec<u8>) {
    let tag = match &node.kind {
        Kind::Null => T_NULL,
        Kind::Bool(false) => T_FALSE,
        Kind::Bool(true) => T_TRUE,
        Kind::Int(_) => T_INT,
        Kind::Float(_) => T_FLOAT,
        Kind::Str(_) => T_STR,
        Kind::Seq(_) => T_SEQ,
        Kind::Map(_) => T_MAP,
    };
    out.push(tag);
    let s = node.span;
    for v in [s.file, s.offset, s.len, s.line, s.col] {
        put_varint(out, v as u64);
    }
    match &node.kind {
        Kind::Int(i) => out.extend_from_slice(&i.to_le_bytes()),
        Kind::Float(f) => out.extend_from_slice(&f.to_bits().to_le_bytes()),
        Kind::Str(s) => {
            put_varint(out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Kind::Seq(items) => {
            put_varint(out, items.len() as u64);
            for i in items {
                encode(i, out);
            }
        }
        Kind::Map(pairs) => {
            put_varint(out, pairs.len() as u64);
            for (k, v) in pairs {
                encode(k, out);
                encode(v, out);
            }
        }
        _ => {}
    }
}

/// Reads a tree written by [`encode`]; `None` if the bytes are not one.
pub fn decode(bytes: &[u8]) -> Option<Node> {
    let mut pos = 0;
    let node = decode_at(bytes, &mut pos, 0)?;
    (pos == bytes.len()).then_some(node)
}

fn varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

fn fixed8(bytes: &[u8], pos: &mut usize) -> Option<[u8; 8]> {
    let b = bytes.get(*pos..*pos + 8)?.try_into().ok()?;
    *pos += 8;
    Some(b)
}

fn decode_at(bytes: &[u8], pos: &mut usize, depth: usize) -> Option<Node> {
    if depth > 256 {
        return None;
    }
    let tag = *bytes.get(*pos)?;
    *pos += 1;
    let mut f = [0u32; 5];
    for x in f.iter_mut() {
        *x = u32::try_from(varint(bytes, pos)?).ok()?;
    }
    let span = Span {
        file: f[0],
        offset: f[1],
        len: f[2],
        line: f[3],
        col: f[4],
    };
    let kind = match tag {
        T_NULL => Kind::Null,
        T_FALSE => Kind::Bool(false),
        T_TRUE => Kind::Bool(true),
        T_INT => Kind::Int(i64::from_le_bytes(fixed8(bytes, pos)?)),
        T_FLOAT => Kind::Float(f64::from_bits(u64::from_le_bytes(fixed8(bytes, pos)?))),
        T_STR => {
            let n = varint(bytes, pos)? as usize;
            let s = std::str::from_utf8(bytes.get(*pos..pos.checked_add(n)?)?)
                .ok()?
                .to_string();
            *pos += n;
            Kind::Str(s)
        }
        T_SEQ => {
            let n = varint(bytes, pos)? as usize;
            let mut items = Vec::with_capacity(n.min(1 << 16));
            for _ in 0..n {
                items.push(decode_at(bytes, pos, depth + 1)?);
            }
            Kind::Seq(items)
        }
        T_MAP => {
            let n = varint(bytes, pos)? as usize;
            let mut pairs = Vec::with_capacity(n.min(1 << 16));
            for _ in 0..n {
                let k = decode_at(bytes, pos, depth + 1)?;
                let v = decode_at(bytes, pos, depth + 1)?;
                pairs.push((k, v));
            }
            Kind::Map(pairs)
        }
        _ => return None,
    };
    Some(Node { kind, span })
}
