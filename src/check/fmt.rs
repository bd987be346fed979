//! `rules fmt`: a canonical layout for rule files that keeps every comment.
//!
//! There is no comment-preserving YAML syntax tree to rewrite from, so the
//! formatter works on lines and only makes changes that cannot alter what
//! the file means, and then proves it: the result is parsed again and must
//! give the same tree as the original, or the file is left alone. It:
//!
//! - removes a byte-order mark and turns CRLF line ends into LF;
//! - removes trailing spaces and tabs (not inside `|` and `>` block text);
//! - puts one space after the `#` of a comment on its own line (`#x` to `# x`);
//! - collapses runs of blank lines into one, and removes blank lines at the
//!   start and the end;
//! - ends the file with exactly one newline.
//!
//! It does not re-indent, re-order keys or re-flow lists: those need a
//! syntax tree that keeps comments and the authors' alignment of policy
//! tables, and a formatter that guesses could move a comment to another
//! rule (see `docs/ci.md`).

use crate::yaml::{self, Kind, Limits, Node};

/// Why a file was left as it is.
#[derive(Debug, Clone, PartialEq)]
pub enum FmtError {
    /// The file is not valid YAML (see `rules check`).
    Invalid(String),
    /// Formatting would have changed its meaning (a bug; nothing written).
    Unsafe,
}

/// Lines that belong to block scalars (`|`, `>`): their text is content.
fn block_lines(lines: &[&str]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let code = strip_comment(line).trim_end();
        let header = code
            .rsplit_once([' ', '\t'])
            .map(|(_, last)| last)
            .unwrap_or(code.trim_start());
        let is_header = !header.is_empty()
            && (header.starts_with('|') || header.starts_with('>'))
            && header[1..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
            && (code.trim_start() == header || code.trim_end().ends_with(&format!(" {header}")));
        if is_header {
            let indent = line.len() - line.trim_start().len();
            let mut j = i + 1;
            while j < lines.len() {
                let l = lines[j];
                let blank = l.trim().is_empty();
                let ind = l.len() - l.trim_start().len();
                if !blank && ind <= indent {
                    break;
                }
                out[j] = true;
                j += 1;
            }
            // Blank lines at the end of a block belong to what follows.
            let mut k = j;
            while k > i + 1 && lines[k - 1].trim().is_empty() {
                k -= 1;
                out[k] = false;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The part of a line before a comment (roughly: a `#` after whitespace,
/// outside quotes).
fn strip_comment(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && (prev == ' ' || prev == '\t') => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

/// The canonical layout of `text`.
pub fn format(text: &str) -> Result<String, FmtError> {
    let original = text.strip_prefix('\u{feff}').unwrap_or(text);
    let before =
        yaml::parse(original, 0, &Limits::RULES).map_err(|d| FmtError::Invalid(d.message))?;
    let unix = original.replace("\r\n", "\n");
    let lines: Vec<&str> = unix.split('\n').collect();
    let protected = block_lines(&lines);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (line, keep) in lines.iter().zip(&protected) {
        if *keep {
            out.push(line.to_string());
            continue;
        }
        let mut l = line.trim_end_matches([' ', '\t']).to_string();
        let body = l.trim_start();
        if let Some(rest) = body.strip_prefix('#') {
            if !rest.is_empty() && !rest.starts_with([' ', '#', '!', '\t']) {
                let indent = l.len() - body.len();
                l = format!("{}# {rest}", &l[..indent]);
            }
        }
        let blank = l.is_empty();
        if blank && out.last().is_none_or(|p: &String| p.is_empty()) {
            continue;
        }
        out.push(l);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut result = out.join("\n");
    result.push('\n');
    if result.trim().is_empty() {
        result = String::new();
    }
    let after = yaml::parse(&result, 0, &Limits::RULES).map_err(|_| FmtError::Unsafe)?;
    if same(&before, &after) {
        Ok(result)
    } else {
        Err(FmtError::Unsafe)
    }
}

/// Whether two trees hold the same values (places aside).
pub fn same(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        (Kind::Float(x), Kind::Float(y)) => x.to_bits() == y.to_bits(),
        (x, y) => x == y,
    }
}

/// A short description of the first difference between two texts, for
/// `--check`.
pub fn first_change(old: &str, new: &str) -> String {
    let o: Vec<&str> = old.lines().collect();
    let n: Vec<&str> = new.lines().collect();
    for i in 0..o.len().max(n.len()) {
        if o.get(i) != n.get(i) {
            return format!(
                "line {}: {:?} would become {:?}",
                i + 1,
                o.get(i).copied().unwrap_or(""),
                n.get(i).copied().unwrap_or("")
            );
        }
    }
    "line endings or the end of the file".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_block_text() {
        let src = "\u{feff}# top   \r\n\r\n\r\nname: x   # why\r\n#tight\r\ndescription: |\r\n  keep  \r\n\r\n  two  \r\nlist:\n\n\n  - a\t\n\n\n";
        let out = format(src).unwrap();
        assert_eq!(
            out,
            "# top\n\nname: x   # why\n# tight\ndescription: |\n  keep  \n\n  two  \nlist:\n\n  - a\n"
        );
        assert_eq!(format(&out).unwrap(), out, "idempotent");
    }

    #[test]
    fn refuses_invalid_yaml() {
        assert!(matches!(format("a: [1, 2\n"), Err(FmtError::Invalid(_))));
    }
}
