//! A fast reader for the plain YAML that intake files are mostly written in.
//!
//! [`tree`] gives exactly the tree that the full parser
//! ([`crate::yaml::tree::parse_tree`]) gives, values and spans alike, for a
//! conservative subset of YAML: block mappings with simple keys, block
//! lists of one-line values, one-line flow lists and mappings, one-line
//! plain, single- and double-quoted scalars, and comments. On anything else
//! (tabs, carriage returns, anchors, tags, block scalars, multi-line
//! scalars, words YAML could read as something other than text, ...) it
//! returns `None` and the caller uses the full parser, which then also
//! reports any problem. Because the trees are the same, whatever is read
//! from them (answers, errors with their lines and columns) is the same.
//!
//! `tests/yaml_fast.rs` compares the two readers on many files, and the
//! fuzz target `intake_fast` on arbitrary input.

use crate::diag::Span;
use crate::yaml::tree::{Kind, Node};

/// The tree of `text` (one YAML document, without a byte-order mark), or
/// `None` if it is outside the subset or near `max_depth` / `max_nodes`.
pub fn tree(text: &str, file: u32, max_depth: usize, max_nodes: usize) -> Option<Node> {
    if !allowed(text) {
        return None;
    }
    let mut p = Parser {
        file,
        lines: lines(text)?,
        i: 0,
        nodes: 0,
        max_depth,
    };
    let first = *p.lines.first()?;
    if first.indent != 0 {
        return None;
    }
    let node = p.block_map(0, 1)?;
    // A margin for counting values differently from the full parser.
    (p.i == p.lines.len() && p.nodes.saturating_mul(2) + 2 <= max_nodes).then_some(node)
}

/// No byte or character that the subset leaves to the full parser: control
/// characters (tabs and carriage returns too), DEL, C1 controls, a byte-order
/// mark or non-character inside the text, line and paragraph separators.
fn allowed(text: &str) -> bool {
    let bytes_ok = text.bytes().all(|b| (b >= 0x20 && b != 0x7f) || b == b'\n');
    bytes_ok
        && (text.is_ascii()
            || text.chars().all(|c| {
                !matches!(
                    c,
                    '\u{80}'
                        ..='\u{9f}'
                            | '\u{2028}'
                            | '\u{2029}'
                            | '\u{feff}'
                            | '\u{fffe}'
                            | '\u{ffff}'
                )
            }))
}

/// A line that holds something (not blank, not only a comment).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// 1-based line number.
    no: u32,
    /// Byte offset of the line's first character in the text.
    start: usize,
    /// Leading spaces.
    indent: usize,
    /// The whole line, without its line break.
    text: &'a str,
}

fn lines(text: &str) -> Option<Vec<Line<'_>>> {
    let mut out = Vec::with_capacity(text.len() / 16);
    let mut start = 0;
    let mut no = 0u32;
    while start < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
        no += 1;
        let line = &text[start..end];
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let rest = &line[indent..];
        if !rest.is_empty() && !rest.starts_with('#') {
            // Directives and document markers are left to the full parser.
            if rest.starts_with('%')
                || (indent == 0 && (rest.starts_with("---") || rest.starts_with("...")))
            {
                return None;
            }
            out.push(Line {
                no,
                start,
                indent,
                text: line,
            });
        }
        start = end + 1;
    }
    Some(out)
}

/// Whether a line's content starts a block list item (`- `).
fn is_dash(line: &Line) -> bool {
    let rest = &line.text.as_bytes()[line.indent..];
    rest.first() == Some(&b'-') && rest.get(1).is_none_or(|&b| b == b' ')
}

struct Parser<'a> {
    file: u32,
    lines: Vec<Line<'a>>,
    /// The next line to read.
    i: usize,
    nodes: usize,
    max_depth: usize,
}

impl<'a> Parser<'a> {
    /// Counts a value at `depth`; `None` near the depth limit.
    fn enter(&mut self, depth: usize) -> Option<()> {
        self.nodes += 1;
        (depth * 2 + 2 <= self.max_depth).then_some(())
    }

    /// The span of `len` bytes at byte `pos` of a line.
    fn span(&self, line: &Line, pos: usize, len: usize) -> Span {
        let before = &line.text[..pos];
        let col = if before.is_ascii() {
            pos
        } else {
            before.chars().count()
        };
        Span {
            file: self.file,
            offset: (line.start + pos) as u32,
            len: len as u32,
            line: line.no,
            col: col as u32 + 1,
        }
    }

    fn node(&self, kind: Kind, span: Span) -> Node {
        Node { kind, span }
    }

    /// A block mapping whose keys are at `indent`; the current line is its
    /// first key. Located at its first key, with no length (as the full
    /// parser does).
    fn block_map(&mut self, indent: usize, depth: usize) -> Option<Node> {
        self.enter(depth)?;
        let first = self.lines[self.i];
        let span = self.span(&first, indent, 0);
        let mut pairs = Vec::new();
        while let Some(&line) = self.lines.get(self.i) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_dash(&line) {
                return None;
            }
            self.i += 1;
            let colon = self.key_end(&line)?;
            self.enter(depth + 1)?;
            let key = self.node(
                Kind::Str(line.text[indent..colon].to_string()),
                self.span(&line, indent, colon - indent),
            );
            let after = colon + 1;
            let value_at = after
                + line.text[after..]
                    .bytes()
                    .take_while(|&b| b == b' ')
                    .count();
            let value = if value_at == line.text.len() || line.text.as_bytes()[value_at] == b'#' {
                self.block_child(&line, indent, colon, depth + 1)?
            } else {
                let v = self.inline_value(&line, value_at, depth + 1)?;
                // A more indented line would continue a plain scalar, or
                // be an error: the full parser decides.
                if self
                    .lines
                    .get(self.i)
                    .is_some_and(|next| next.indent > indent)
                {
                    return None;
                }
                v
            };
            pairs.push((key, value));
        }
        Some(self.node(Kind::Map(pairs), span))
    }

    /// The end of the simple key at the start of a line's content (the
    /// byte index of its `:`), which must be followed by a space or the
    /// end of the line.
    fn key_end(&self, line: &Line) -> Option<usize> {
        let rest = &line.text[line.indent..];
        let len = rest.find(':')?;
        let spaced = rest.as_bytes().get(len + 1).is_none_or(|&b| b == b' ');
        (simple_key(&rest[..len]) && spaced).then_some(line.indent + len)
    }

    /// The value of a key with nothing after its colon: what the following
    /// lines hold, or null (located at the colon).
    fn block_child(
        &mut self,
        line: &Line,
        indent: usize,
        colon: usize,
        depth: usize,
    ) -> Option<Node> {
        match self.lines.get(self.i).copied() {
            Some(next) if next.indent > indent => {
                if is_dash(&next) {
                    self.block_list(next.indent, false, depth)
                } else {
                    self.block_map(next.indent, depth)
                }
            }
            // A list may sit at its key's own indentation.
            Some(next) if next.indent == indent && is_dash(&next) => {
                self.block_list(indent, true, depth)
            }
            _ => {
                self.enter(depth)?;
                Some(self.node(Kind::Null, self.span(line, colon, 0)))
            }
        }
    }

    /// A block list whose dashes are at `indent`. The full parser locates
    /// it at its first dash, or, for a list at its key's own indentation,
    /// at its first value.
    fn block_list(&mut self, indent: usize, compact: bool, depth: usize) -> Option<Node> {
        self.enter(depth)?;
        let mut items = Vec::new();
        let mut span = None;
        while let Some(&line) = self.lines.get(self.i) {
            if line.indent < indent || (line.indent == indent && !is_dash(&line)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            self.i += 1;
            let at = indent
                + 1
                + line.text[indent + 1..]
                    .bytes()
                    .take_while(|&b| b == b' ')
                    .count();
            if at == line.text.len() || matches!(line.text.as_bytes()[at], b'#' | b'-') {
                // An empty item, or a list in a list.
                return None;
            }
            span.get_or_insert_with(|| self.span(&line, if compact { at } else { indent }, 0));
            items.push(self.inline_value(&line, at, depth + 1)?);
        }
        Some(self.node(Kind::Seq(items), span?))
    }

    /// A value that takes the rest of the line from byte `at`, followed by
    /// nothing but spaces and a comment.
    fn inline_value(&mut self, line: &Line, at: usize, depth: usize) -> Option<Node> {
        let rest = &line.text[at..];
        let (node, end) = match rest.as_bytes()[0] {
            b'[' | b'{' => self.flow(line, at, depth)?,
            b'"' | b'\'' => self.quoted(line, at, depth)?,
            _ => {
                let len = rest.find(" #").unwrap_or(rest.len());
                let token = rest[..len].trim_end_matches(' ');
                let kind = plain(token)?;
                self.enter(depth)?;
                (
                    self.node(kind, self.span(line, at, token.len())),
                    at + token.len(),
                )
            }
        };
        let tail = &line.text[end..];
        let trimmed = tail.trim_start_matches(' ');
        let ok = trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < tail.len());
        ok.then_some(node)
    }

    /// A one-line quoted scalar at byte `at`: the node and the byte after
    /// its closing quote.
    fn quoted(&mut self, line: &Line, at: usize, depth: usize) -> Option<(Node, usize)> {
        self.enter(depth)?;
        let bytes = line.text.as_bytes();
        let quote = bytes[at];
        let mut out = String::new();
        let mut i = at + 1;
        loop {
            let j = i + if quote == b'"' {
                memchr::memchr2(b'"', b'\\', &bytes[i..])?
            } else {
                memchr::memchr(b'\'', &bytes[i..])?
            };
            out.push_str(&line.text[i..j]);
            match (quote, bytes[j]) {
                (b'\'', _) if bytes.get(j + 1) == Some(&b'\'') => {
                    out.push('\'');
                    i = j + 2;
                }
                (b'"', b'\\') => {
                    let (c, used) = escape(&line.text[j + 1..])?;
                    out.push(c);
                    i = j + 1 + used;
                }
                _ => {
                    let end = j + 1;
                    let node = self.node(Kind::Str(out), self.span(line, at, end - at));
                    return Some((node, end));
                }
            }
        }
    }

    /// A one-line flow list or mapping at byte `at`: the node and the byte
    /// after its closing bracket. Located at its opening bracket.
    fn flow(&mut self, line: &Line, at: usize, depth: usize) -> Option<(Node, usize)> {
        self.enter(depth)?;
        let bytes = line.text.as_bytes();
        let list = bytes[at] == b'[';
        let close = if list { b']' } else { b'}' };
        let span = self.span(line, at, 1);
        let skip = |mut i: usize| {
            while bytes.get(i) == Some(&b' ') {
                i += 1;
            }
            i
        };
        let mut items = Vec::new();
        let mut pairs = Vec::new();
        let mut i = skip(at + 1);
        if bytes.get(i) == Some(&close) {
            i += 1;
        } else {
            loop {
                if !list {
                    let len = line.text[i..].find(':')?;
                    let key = &line.text[i..i + len];
                    if !simple_key(key) || bytes.get(i + len + 1) != Some(&b' ') {
                        return None;
                    }
                    self.enter(depth + 1)?;
                    let k = self.node(Kind::Str(key.to_string()), self.span(line, i, len));
                    pairs.push((k, None));
                    i = skip(i + len + 1);
                }
                let (value, end) = match bytes.get(i)? {
                    b'[' | b'{' => self.flow(line, i, depth + 1)?,
                    b'"' | b'\'' => self.quoted(line, i, depth + 1)?,
                    _ => {
                        let len = line.text[i..]
                            .find([',', ']', '}', ' ', '#', ':', '[', '{'])
                            .unwrap_or(line.text.len() - i);
                        let token = &line.text[i..i + len];
                        let kind = plain(token)?;
                        self.enter(depth + 1)?;
                        (self.node(kind, self.span(line, i, len)), i + len)
                    }
                };
                match pairs.last_mut() {
                    Some((_, v @ None)) if !list => *v = Some(value),
                    _ => items.push(value),
                }
                i = skip(end);
                match bytes.get(i)? {
                    b',' => {
                        i = skip(i + 1);
                        if matches!(bytes.get(i), Some(b']' | b'}')) {
                            // A trailing comma.
                            return None;
                        }
                    }
                    &b if b == close => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        let kind = if list {
            Kind::Seq(items)
        } else {
            Kind::Map(
                pairs
                    .into_iter()
                    .map(|(k, v)| Some((k, v?)))
                    .collect::<Option<_>>()?,
            )
        };
        Some((self.node(kind, span), i))
    }
}

/// The few escapes of a double-quoted scalar that the subset takes (after
/// the backslash): the character and the bytes used.
fn escape(s: &str) -> Option<(char, usize)> {
    let c = match s.as_bytes().first()? {
        b'n' => '\n',
        b't' => '\t',
        b'r' => '\r',
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'u' => {
            let hex = s.get(1..5)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            return Some((char::from_u32(u32::from_str_radix(hex, 16).ok()?)?, 5));
        }
        _ => return None,
    };
    Some((c, 1))
}

/// A key the subset takes: a letter, then letters, digits, `_` and `-`,
/// and not a word YAML could read as something other than text. Long keys
/// are left to the full parser, which takes keys of up to 1,024 characters
/// (found by fuzzing).
fn simple_key(key: &str) -> bool {
    key.len() <= 128
        && key.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !reserved(key)
}

/// Words that some YAML reading takes for something other than text.
fn reserved(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan",
    ];
    word.len() <= 8 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// What a plain scalar reads as, for the plain scalars the subset takes:
/// `true`, `false`, `null`, `~`, whole numbers without leading zeros, text
/// that starts with a letter and holds no `:` or `#`, and hex digests.
fn plain(token: &str) -> Option<Kind> {
    match token {
        "true" => return Some(Kind::Bool(true)),
        "false" => return Some(Kind::Bool(false)),
        "null" | "~" => return Some(Kind::Null),
        _ => {}
    }
    let bytes = token.as_bytes();
    let first = *bytes.first()?;
    if first.is_ascii_alphabetic() {
        let ok = !reserved(token) && !token.contains([':', '#', '[', ']', '{', '}']);
        return ok.then(|| Kind::Str(token.to_string()));
    }
    let digits = token.strip_prefix('-').unwrap_or(token);
    let whole = !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && token != "-0";
    if whole {
        return token.parse().ok().map(Kind::Int);
    }
    // A SHA-256 digest (`rules.sha256`) that starts with a digit: 64
    // lower-case hex digits, one of them a letter no number form uses.
    let digest = bytes.len() == 64
        && bytes
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        && bytes.iter().any(|b| b"abcdf".contains(b));
    digest.then(|| Kind::Str(token.to_string()))
}
