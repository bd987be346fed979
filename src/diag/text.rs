//! Text from an input made safe to show on a terminal or in a log.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Text that came from an input (a file name, an intake's id, a rule
/// set's names and messages, ...) made safe to print on a terminal or in
/// a log: every character that could move the cursor, erase, change
/// colours, start a new line, or reorder what follows is shown as an
/// escape instead of being written. `\n`, `\r`, `\t` and `\e` (ESC) are
/// shown as such, any other C0 or C1 control, DEL, bidirectional
/// formatting character, line or paragraph separator, zero-width
/// character or byte-order mark as `\u{XXXX}`. Text without any of them
/// is returned as it is (backslashes included, so `C:\x` stays `C:\x`).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// [`visible`] for the text of a whole output that is already laid out in
/// lines: line breaks are kept, everything else is escaped. A last guard
/// for outputs without colour; each input's text is escaped with
/// [`visible`] where it is put in, so that its own line breaks cannot
/// start a line of the output.
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push_visible(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// Whether [`visible`] shows `c` as an escape.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'                       // Arabic letter mark
                | '\u{200b}'..='\u{200f}'     // zero-width characters, LRM, RLM
                | '\u{2028}'..='\u{202e}'     // line/paragraph separators, bidi embeddings and overrides
                | '\u{2060}'..='\u{2069}'     // word joiner, invisible operators, bidi isolates
                | '\u{feff}'                   // byte-order mark / zero-width no-break space
                | '\u{fff9}'..='\u{fffb}'     // interlinear annotation
        )
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{1b}' => out.push_str("\\e"),
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}
