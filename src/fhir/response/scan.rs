//! A strict JSON reader, token by token, for the fast way in
//! ([`super::fast`]). It takes a part of JSON only, and gives up (`None`)
//! on the rest, which the full reader then reads:
//!
//! - white space is space, tab, line feed and carriage return;
//! - a string has no raw control character, and no escape but `\"`,
//!   `\\`, `\/`, `\n`, `\r` and `\t` (no `\u`);
//! - a number is written as JSON writes it; a whole number fits in 64
//!   bits and is not `-0`; any other number is finite;
//! - nothing but white space follows the value.
//!
//! Everything it takes is JSON, and reads to the same values as in the
//! full reader.

use std::borrow::Cow;

/// A JSON text being read, and where.
#[derive(Clone)]
pub(super) struct Scan<'a> {
    text: &'a str,
    at: usize,
    /// The text has no control character at all (JSON Lines usually have
    /// none): the end of a string is then found without looking at every
    /// byte.
    no_controls: bool,
    /// Values read so far, keys and lists and objects included: what the
    /// YAML parser counts against its budget of values.
    pub(super) nodes: usize,
    /// Lists and objects open now, and the most ever open at once: what
    /// the YAML parser counts against its budget of depth.
    open: usize,
    pub(super) deepest: usize,
}

/// The most lists and objects open at once that the scanner reads; more
/// than any budget of the YAML parser allows (the intake limit is 16).
pub(super) const MAX_OPEN: usize = 64;

/// A piece of JSON text as a writer usually writes it, to be taken at
/// once ([`Scan::literal`]): its bytes, how many values (keys, scalars,
/// lists and objects) it has, and how many lists and objects it opens
/// and then closes. (Every opening comes before every closing.)
pub(super) struct Literal {
    bytes: Box<[u8]>,
    values: usize,
    opens: usize,
    closes: usize,
}

impl Literal {
    pub(super) fn new(text: String, values: usize, opens: usize, closes: usize) -> Self {
        Literal {
            bytes: text.into_bytes().into(),
            values,
            opens,
            closes,
        }
    }
}

/// A value that is not a list or an object.
pub(super) enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
}

/// What comes next: a scalar, or the start of a list or an object (not
/// yet read).
pub(super) enum Token<'a> {
    Scalar(Scalar<'a>),
    List,
    Object,
}

impl<'a> Scan<'a> {
    /// A scan of `text`; `no_controls` when it is known to have no
    /// control character (see [`printable_ascii`]).
    pub(super) fn new(text: &'a str, no_controls: bool) -> Self {
        Scan {
            text,
            at: 0,
            no_controls: no_controls || text.bytes().all(|b| b >= 0x20),
            nodes: 0,
            open: 0,
            deepest: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not white space, not taken.
    fn peek(&mut self) -> Option<u8> {
        let b = self.bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(self.at) {
            self.at += 1;
        }
        b.get(self.at).copied()
    }

    /// Takes `c`, after any white space.
    fn take(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.at += 1)
    }

    /// The end of the text: only white space is left.
    pub(super) fn end(&mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }

    /// Takes the `{` of an object.
    pub(super) fn object(&mut self) -> Option<()> {
        self.take(b'{')?;
        self.opened()
    }

    /// Takes the `[` of a list.
    pub(super) fn list(&mut self) -> Option<()> {
        self.take(b'[')?;
        self.opened()
    }

    /// Counts a list or object opened; gives up past [`MAX_OPEN`], so that
    /// the readers built on the scanner, which recurse, never run out of
    /// stack.
    fn opened(&mut self) -> Option<()> {
        self.nodes += 1;
        self.open += 1;
        self.deepest = self.deepest.max(self.open);
        (self.open <= MAX_OPEN).then_some(())
    }

    /// The next key of an object whose `{` is taken, with its `:`;
    /// `Some(None)` at the `}`. `first`: no key has been read yet.
    pub(super) fn key(&mut self, first: &mut bool) -> Option<Option<&'a str>> {
        match self.peek()? {
            b'}' => {
                self.at += 1;
                self.open -= 1;
                return Some(None);
            }
            b',' if !*first => self.at += 1,
            _ if *first => {}
            _ => return None,
        }
        *first = false;
        let key = self.borrowed()?;
        self.take(b':')?;
        Some(Some(key))
    }

    /// [`Scan::key`], trying first whether the key is `likely`, written
    /// right there with no white space (as JSON Lines are): then it is
    /// taken without looking for its end.
    #[inline(always)]
    pub(super) fn key_likely(
        &mut self,
        first: &mut bool,
        likely: &'static str,
    ) -> Option<Option<&'a str>> {
        let comma = usize::from(!*first);
        let b = &self.bytes()[self.at..];
        let n = likely.len();
        if b.len() > comma + n + 2
            && (comma == 0 || b[0] == b',')
            && b[comma] == b'"'
            && &b[comma + 1..comma + 1 + n] == likely.as_bytes()
            && b[comma + 1 + n] == b'"'
            && b[comma + 2 + n] == b':'
        {
            self.at += comma + n + 3;
            *first = false;
            self.nodes += 1;
            return Some(Some(likely));
        }
        self.key(first)
    }

    /// Whether a list whose `[` is taken has another entry (its `,`
    /// taken), or has ended (its `]` taken).
    pub(super) fn entry(&mut self, first: &mut bool) -> Option<bool> {
        match self.peek()? {
            b']' => {
                self.at += 1;
                self.open -= 1;
                Some(false)
            }
            b',' if !*first => {
                self.at += 1;
                Some(true)
            }
            _ if *first => {
                *first = false;
                Some(true)
            }
            _ => None,
        }
    }

    /// Whether `bytes` are written right there (nothing is taken).
    pub(super) fn looking_at(&self, bytes: &[u8]) -> bool {
        self.bytes()[self.at..].starts_with(bytes)
    }

    /// Takes `lit` when it is written right there, counting its values
    /// and its lists and objects as reading it token by token would; takes
    /// nothing otherwise (or past [`MAX_OPEN`], or when it closes more
    /// than are open).
    #[inline]
    pub(super) fn literal(&mut self, lit: &Literal) -> bool {
        let peak = self.open + lit.opens;
        let here = self.bytes()[self.at..].starts_with(&lit.bytes)
            && peak <= MAX_OPEN
            && lit.closes <= peak;
        if here {
            self.at += lit.bytes.len();
            self.nodes += lit.values;
            self.deepest = self.deepest.max(peak);
            self.open = peak - lit.closes;
        }
        here
    }

    /// A string with no escapes, borrowed from the text.
    pub(super) fn borrowed(&mut self) -> Option<&'a str> {
        self.nodes += 1;
        match self.string()? {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }

    /// A string, borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.take(b'"')?;
        let b = self.bytes();
        let start = self.at;
        let mut i = start;
        if self.no_controls {
            i = quote_or_backslash(b, start)?;
            if b[i] == b'"' {
                self.at = i + 1;
                return Some(Cow::Borrowed(&self.text[start..i]));
            }
        } else {
            loop {
                match *b.get(i)? {
                    b'"' => {
                        self.at = i + 1;
                        return Some(Cow::Borrowed(&self.text[start..i]));
                    }
                    b'\\' => break,
                    c if c < 0x20 => return None,
                    _ => i += 1,
                }
            }
        }
        // Escapes: the few that every reader agrees on.
        let mut out = String::from(&self.text[start..i]);
        loop {
            let run = i;
            while !matches!(*b.get(i)?, b'"' | b'\\') {
                if b[i] < 0x20 {
                    return None;
                }
                i += 1;
            }
            out.push_str(&self.text[run..i]);
            if b[i] == b'"' {
                self.at = i + 1;
                return Some(Cow::Owned(out));
            }
            out.push(match *b.get(i + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                _ => return None,
            });
            i += 2;
        }
    }

    /// A number as JSON writes it.
    fn number(&mut self) -> Option<Scalar<'a>> {
        let b = self.bytes();
        let start = self.at;
        let mut i = start;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > from
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        if !digits(&mut i) || (b[int_start] == b'0' && i - int_start > 1) {
            return None;
        }
        let mut whole = true;
        if b.get(i) == Some(&b'.') {
            i += 1;
            whole = false;
            if !digits(&mut i) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            whole = false;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            if !digits(&mut i) {
                return None;
            }
        }
        let text = &self.text[start..i];
        self.at = i;
        if whole {
            // `-0` is left to the full reader.
            (text != "-0").then_some(())?;
            text.parse().ok().map(Scalar::Int)
        } else {
            let x: f64 = text.parse().ok()?;
            x.is_finite().then_some(Scalar::Float(x))
        }
    }

    /// `true`, `false` or `null`.
    fn word(&mut self, word: &str, value: Scalar<'a>) -> Option<Scalar<'a>> {
        self.text[self.at..].starts_with(word).then(|| {
            self.at += word.len();
            value
        })
    }

    /// The next value: a scalar read whole, or the start of a list or an
    /// object (not taken).
    pub(super) fn token(&mut self) -> Option<Token<'a>> {
        let next = self.peek()?;
        if !matches!(next, b'{' | b'[') {
            self.nodes += 1;
        }
        Some(Token::Scalar(match next {
            b'{' => return Some(Token::Object),
            b'[' => return Some(Token::List),
            b'"' => Scalar::Str(self.string()?),
            b't' => self.word("true", Scalar::Bool(true))?,
            b'f' => self.word("false", Scalar::Bool(false))?,
            b'n' => self.word("null", Scalar::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return None,
        }))
    }

    /// A value that must be a scalar.
    pub(super) fn scalar(&mut self) -> Option<Scalar<'a>> {
        match self.token()? {
            Token::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

/// Whether JSON writes `text` as it is between quotes, with no escape
/// (no `"`, `\\` or control character).
pub(super) fn plain(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
}

/// Whether `text` is all printable ASCII (space to `~`), as JSON Lines
/// usually are: then it has no control character, and nothing YAML does
/// not allow. One pass with no early exit, which the compiler vectorizes.
pub(super) fn printable_ascii(text: &str) -> bool {
    text.bytes()
        .fold(0u8, |odd, b| odd | u8::from(b.wrapping_sub(0x20) >= 0x5f))
        == 0
}

/// Where the first `"` or `\\` is, from `i` on: eight bytes at a time.
fn quote_or_backslash(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A high bit for each zero byte (and maybe for bytes after one, which
    // the lowest set bit is never).
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut words = b.get(i..)?.chunks_exact(8);
    for word in words.by_ref() {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let found = zeros(w ^ (ONES * b'"' as u64)) | zeros(w ^ (ONES * b'\\' as u64));
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|n| i + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scalar of a text as `serde_json` reads it, or `None` when the
    /// scanner gives up.
    fn scalars(text: &str) -> Option<Vec<String>> {
        let mut s = Scan::new(text, printable_ascii(text));
        scalars_of(&mut s)
    }

    fn walk(s: &mut Scan, out: &mut Vec<String>) -> Option<()> {
        match s.token()? {
            Token::Object => {
                s.object()?;
                let mut first = true;
                while let Some(k) = s.key(&mut first)? {
                    out.push(format!("key {k}"));
                    walk(s, out)?;
                }
            }
            Token::List => {
                s.list()?;
                let mut first = true;
                while s.entry(&mut first)? {
                    walk(s, out)?;
                }
            }
            Token::Scalar(v) => out.push(match v {
                Scalar::Null => "null".into(),
                Scalar::Bool(b) => format!("{b}"),
                Scalar::Int(i) => format!("int {i}"),
                Scalar::Float(x) => format!("float {x:?}"),
                Scalar::Str(s) => format!("str {s:?}"),
            }),
        }
        Some(())
    }

    fn scalars_of(s: &mut Scan) -> Option<Vec<String>> {
        let mut out = Vec::new();
        walk(s, &mut out)?;
        s.end()?;
        Some(out)
    }

    #[test]
    fn it_reads_json_as_json_is_read() {
        assert_eq!(
            scalars(" {\"a\" : [1, -2, 2.50, 1e3, true, false, null, \"x\\\"y\\\\z\\/\\n\"],\n\t\"b\":{}, \"c\":[]} ").unwrap(),
            [
                "key a", "int 1", "int -2", "float 2.5", "float 1000.0", "true", "false", "null",
                "str \"x\\\"y\\\\z/\\n\"", "key b", "key c"
            ]
        );
        // Every text it takes, serde_json takes too.
        for ok in ["{}", "[]", "0", "\"\"", "[1,[2,{\"a\":{}}]]", "-1.5e-3"] {
            assert!(scalars(ok).is_some(), "{ok}");
            serde_json::from_str::<serde_json::Value>(ok).unwrap();
        }
    }

    #[test]
    fn the_end_of_a_string_is_found_in_every_position() {
        for len in 0..40 {
            for at in 0..=len {
                for c in [b'"', b'\\'] {
                    // Bytes that differ from the sought ones by one bit.
                    let mut b: Vec<u8> = (0..len)
                        .map(|k| [b'#', b'!', b'\x5d', b'\xdc', b'\xa2'][k % 5])
                        .collect();
                    let want = (at < len).then(|| {
                        b[at] = c;
                        at
                    });
                    assert_eq!(quote_or_backslash(&b, 0), want, "{len} {at}");
                    if at + 1 < len {
                        b[at + 1] = b'"';
                        assert_eq!(quote_or_backslash(&b, 0), want);
                    }
                }
            }
        }
    }

    #[test]
    fn a_likely_key_is_looked_for_in_bytes_not_in_characters() {
        // "linkId" is six bytes; here the sixth byte after the quote is
        // inside a three-byte character (found by fuzzing: it panicked).
        let text = "{\"x\":1,\"a\u{feff}\u{feff}\":2}";
        let mut s = Scan::new(text, printable_ascii(text));
        let mut first = true;
        s.object().unwrap();
        assert_eq!(s.key(&mut first), Some(Some("x")));
        assert!(s.scalar().is_some());
        assert_eq!(
            s.key_likely(&mut first, "linkId"),
            Some(Some("a\u{feff}\u{feff}"))
        );
        assert!(s.scalar().is_some());
        assert_eq!(s.key_likely(&mut first, "linkId"), Some(None));
    }

    #[test]
    fn it_gives_up_past_its_depth_before_the_stack_does() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(scalars(&deep(MAX_OPEN)).is_some());
        assert_eq!(scalars(&deep(MAX_OPEN + 1)), None);
    }

    #[test]
    fn it_counts_values_and_depth_as_the_yaml_parser_does() {
        // Keys, scalars, lists and objects are each one value; depth is
        // how many lists and objects are open at once.
        let text = r#"{"a":[1,{"b":"x","c":[]}],"d":null}"#;
        let mut s = Scan::new(text, true);
        assert!(scalars_of(&mut s).is_some());
        assert_eq!((s.nodes, s.deepest), (11, 4));
    }

    #[test]
    fn it_gives_up_on_what_is_not_json_or_not_plain() {
        for text in [
            "",
            "{",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{,\"a\":1}",
            "{\"a\" 1}",
            "{\"a\":1 \"b\":2}",
            "[1 2]",
            "01",
            "1.",
            ".5",
            "1e",
            "+1",
            "-",
            "-0",
            "1e999",
            "99999999999999999999",
            "tru",
            "nul",
            "True",
            "\"a\u{1}\"",
            "\"a\nb\"",
            "\"\\u0041\"",
            "\"\\b\"",
            "\"abc",
            "{} {}",
            "{}x",
            "\u{feff}{}",
            "{'a':1}",
            "[1]\u{a0}",
            "NaN",
            "Infinity",
        ] {
            assert_eq!(scalars(text), None, "{text:?}");
        }
    }
}
