//! Text measured in terminal columns: the terminal's size, a line cut to
//! a width, words wrapped, text shown on one line.

use crossterm::terminal;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The terminal's size (columns, rows), with a usable minimum.
pub fn size() -> (usize, usize) {
    let (w, h) = terminal::size().unwrap_or((80, 24));
    ((w as usize).max(20), (h as usize).max(8))
}

/// `s` cut to `width` columns, with `…` when cut; control characters
/// become spaces.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    let room = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    if total > width {
        out.push('…');
    }
    out
}

/// Words wrapped into lines of at most `width` columns (a longer word is
/// cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.width() + 1 + word.width() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(fit(&line, width));
    }
    lines
}

/// Text on one line, line breaks shown as ⏎.
pub fn one_line(s: &str) -> String {
    s.replace('\n', "⏎")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_and_wraps_by_columns() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abcd", 4), "abcd");
        assert_eq!(fit("a\tb", 4), "a b");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("a\nb", 9), vec!["a", "b"]);
    }
}
