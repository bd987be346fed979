//! The full YAML parser: serde-saphyr with budgets ([`Limits`]) into the
//! spanned tree, and syntax errors told with their line and column.

use crate::diag::{Diagnostic, Span};
use crate::yaml::tree::{location_span, options, parse_tree, parse_tree_spelled};
use crate::yaml::tree::{Kind, Node};

/// Size limits for one file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_aliases: usize,
    /// Intakes: the most answers one file may hold.
    pub max_answers: usize,
    /// Intakes: the longest text field other than a text answer (a text
    /// answer is bounded by its question's `max_length`), in bytes.
    pub max_text_bytes: usize,
}

impl Limits {
    /// Rule files are written by people and reviewed; generous limits.
    pub const RULES: Limits = Limits {
        max_bytes: 4 * 1024 * 1024,
        max_depth: 64,
        max_nodes: 100_000,
        max_aliases: 1_000,
        max_answers: 10_000,
        max_text_bytes: 100_000,
    };
    /// Intake files come from many systems; tight limits.
    pub const INTAKE: Limits = Limits {
        max_bytes: 1024 * 1024,
        max_depth: 16,
        max_nodes: 20_000,
        max_aliases: 100,
        max_answers: 1_000,
        max_text_bytes: 10_000,
    };

    /// These limits with another size limit (from a command-line flag).
    pub const fn with_max_bytes(self, max_bytes: usize) -> Limits {
        Limits { max_bytes, ..self }
    }
}

/// Parses one YAML document. `file` is the index of the file in its
/// [`crate::diag::Sources`]. An empty document is `Kind::Null`.
pub fn parse(text: &str, file: u32, limits: &Limits) -> Result<Node, Diagnostic> {
    parse_spelled(text, file, limits).map(|(node, _)| node)
}

/// [`parse`], and the places of the numbers not written as JSON writes
/// them, a whole number as plain decimal
/// ([`crate::yaml::tree::json_spelling`]; intakes refuse them).
pub fn parse_spelled(
    text: &str,
    file: u32,
    limits: &Limits,
) -> Result<(Node, Vec<Span>), Diagnostic> {
    if text.len() > limits.max_bytes {
        return Err(Diagnostic::error(
            "yaml-limit",
            Span {
                file,
                ..Span::UNKNOWN
            },
            format!(
                "file is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
        ));
    }
    // Most files are plain YAML that the fast reader gives the same tree for.
    // (It reads whole numbers in plain decimal only.)
    if let Some(node) = crate::yaml::fast::tree(text, file, limits.max_depth, limits.max_nodes) {
        return Ok((node, Vec::new()));
    }
    let options = options(limits.max_depth, limits.max_nodes, limits.max_aliases);
    let (node, odd) = parse_tree_spelled(text, file, options)
        .map_err(|e| syntax_error(&e, file, text, limits))?;
    if text.contains("<<") {
        if let Some(d) = two_merge_keys(text, file, limits) {
            return Err(d);
        }
    }
    Ok((node, odd))
}

/// Whether a diagnostic of [`parse`] is the one for a file that holds more
/// than one document (a `---` separator), which [`parse_documents`] reads.
pub fn is_several_documents(d: &Diagnostic) -> bool {
    d.code == "yaml-syntax" && d.message == MULTI_DOC
}

/// Parses a stream of documents (`---` between them), each into a tree,
/// with the places of the numbers not written as JSON writes them. The
/// limits on depth and aliases hold for the stream as for one document;
/// the limit on values holds for each document on average (a stream of
/// `n` documents may have `n` times as many values).
pub fn parse_documents(
    text: &str,
    file: u32,
    limits: &Limits,
) -> Result<(Vec<Node>, Vec<Span>), Diagnostic> {
    if text.len() > limits.max_bytes {
        return parse_spelled(text, file, limits).map(|(n, odd)| (vec![n], odd));
    }
    let documents = text.len() / 8 + 1;
    let options = crate::yaml::tree::options_documents(
        limits.max_depth,
        limits.max_nodes.saturating_mul(documents.min(1_000)),
        limits.max_aliases,
        documents,
    );
    let (nodes, odd) = crate::yaml::tree::parse_trees_spelled(text, file, options.clone())
        .map_err(|e| syntax_error(&e, file, text, limits))?;
    if text.contains("<<") {
        // As in `two_merge_keys`: read again with merge keys kept as keys.
        let mut kept = options;
        kept.merge_keys = serde_saphyr::MergeKeyPolicy::AsOrdinary;
        let trees = crate::yaml::tree::parse_trees_spelled(text, file, kept)
            .map(|(t, _)| t)
            .unwrap_or_default();
        for node in &trees {
            if let Some((first, second)) = second_merge_key(node) {
                return Err(Diagnostic::error(
                    "duplicate-key",
                    second,
                    "a second merge key (<<) in one mapping; merge several mappings with one key and a list: <<: [*first, *second]",
                )
                .with_help(format!("the first merge key is on line {}", first.line)));
            }
        }
    }
    Ok((nodes, odd))
}

/// The second of two merge keys (`<<`) in one mapping, if any. The parser
/// merges the first and quietly drops the second; the file is read again
/// with merge keys kept as keys to find such a pair. (Only files with
/// `<<` in them, which the fast reader leaves to the parser.)
fn two_merge_keys(text: &str, file: u32, limits: &Limits) -> Option<Diagnostic> {
    let mut options = options(limits.max_depth, limits.max_nodes, limits.max_aliases);
    options.merge_keys = serde_saphyr::MergeKeyPolicy::AsOrdinary;
    let tree = parse_tree(text, file, options).ok()?;
    second_merge_key(&tree).map(|(first, second)| {
        Diagnostic::error(
            "duplicate-key",
            second,
            "a second merge key (<<) in one mapping; merge several mappings with one key and a list: <<: [*first, *second]",
        )
        .with_help(format!("the first merge key is on line {}", first.line))
    })
}

fn second_merge_key(n: &Node) -> Option<(Span, Span)> {
    match &n.kind {
        Kind::Map(pairs) => {
            let mut merges = pairs.iter().filter(|(k, _)| k.as_str() == Some("<<"));
            if let (Some(a), Some(b)) = (merges.next(), merges.next()) {
                return Some((a.0.span, b.0.span));
            }
            pairs
                .iter()
                .find_map(|(k, v)| second_merge_key(k).or_else(|| second_merge_key(v)))
        }
        Kind::Seq(items) => items.iter().find_map(second_merge_key),
        _ => None,
    }
}

fn syntax_error(e: &serde_saphyr::Error, file: u32, text: &str, limits: &Limits) -> Diagnostic {
    let span = e
        .location()
        .map(|l| location_span(&l, file, text))
        .unwrap_or(Span {
            file,
            ..Span::UNKNOWN
        });
    let msg = e.without_snippet().to_string();
    // The parser appends "at line N, column M"; the diagnostic carries that.
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    let lower = msg.to_ascii_lowercase();
    let code = if lower.contains("budget")
        || lower.contains("limit")
        || lower.contains("depth")
        || lower.contains("exceed")
    {
        "yaml-limit"
    } else {
        "yaml-syntax"
    };
    // Budget breaches come as `budget breached: Kind { ... }`: say which
    // limit in words.
    let breached = msg.strip_prefix("budget breached: ").map(|rest| {
        rest.split([' ', '{'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    });
    let (code, msg) = match breached.as_deref() {
        Some("documents") => ("yaml-syntax", MULTI_DOC.to_string()),
        Some("depth") => (
            "yaml-limit",
            format!(
                "the file nests deeper than the limit of {} levels",
                limits.max_depth
            ),
        ),
        Some("nodes") => (
            "yaml-limit",
            format!(
                "the file has more than the limit of {} YAML values",
                limits.max_nodes
            ),
        ),
        Some("aliases") => (
            "yaml-limit",
            format!(
                "the file has more than the limit of {} YAML aliases (*name)",
                limits.max_aliases
            ),
        ),
        Some(other) => (
            "yaml-limit",
            format!("the file exceeds a YAML size limit ({other})"),
        ),
        None if lower.contains("multiple yaml documents") => ("yaml-syntax", MULTI_DOC.to_string()),
        // The parser's own guards, in its words: say which limit.
        None if lower.contains("recursion limit") => (
            "yaml-limit",
            format!(
                "the file nests deeper than the limit of {} levels",
                limits.max_depth
            ),
        ),
        None if lower.contains("alias replay") || lower.contains("alias expansion") => (
            "yaml-limit",
            format!(
                "the file's aliases (*name) expand to more than the limit of {} YAML values",
                limits.max_nodes
            ),
        ),
        None if lower.contains("non-finite float") => (
            "yaml-syntax",
            "not-a-number and infinity (.nan, .inf) are not accepted; write a finite number"
                .to_string(),
        ),
        None if lower.starts_with("unexpected character") => (
            code,
            "a character YAML does not allow here (a control character such as NUL?); remove it"
                .to_string(),
        ),
        None if lower.contains("did not find expected <document start>") => (
            code,
            "unexpected text after the end of the document; a file holds one value (one mapping)"
                .to_string(),
        ),
        None if lower.starts_with("mapping values are not allowed") => (
            code,
            format!("{msg} (check the indentation of this line, or put a value that contains a colon in quotes)"),
        ),
        None if lower.contains("simple key expected ':'") => (
            code,
            "a key without its colon (write key: value)".to_string(),
        ),
        None if lower.starts_with("tabs disallowed") || lower.ends_with("found a tab") => {
            // The parser reports a tab where it was reading when it met
            // it: for a tab that indents a line, often the value on the
            // line before. Point at the tab itself.
            if let Some(at) = indentation_tab(text, file, span.line) {
                return Diagnostic::error(
                    code,
                    at,
                    "a tab in the indentation of this line; YAML indents with spaces only: replace the tab with spaces",
                );
            }
            (code, format!("{msg}; indent with spaces, not tabs"))
        }
        None => (code, msg),
    };
    Diagnostic::error(code, span, msg)
}

/// The first tab in the indentation of a line of `text`, from line
/// `from_line` (1-based) on. Lines with nothing but white space, and
/// comment lines, are skipped: a tab there is allowed.
fn indentation_tab(text: &str, file: u32, from_line: u32) -> Option<Span> {
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = u32::try_from(i + 1).ok()?;
        let content = line.trim_start_matches([' ', '\t', '\u{feff}']);
        let indent = &line[..line.len() - content.len()];
        let blank = content.trim_end_matches(['\n', '\r']).is_empty();
        if number >= from_line && !blank && !content.starts_with('#') {
            if let Some(t) = indent.find('\t') {
                return Some(Span {
                    file,
                    offset: u32::try_from(offset + t).ok()?,
                    len: 1,
                    line: number,
                    col: u32::try_from(indent[..t].chars().count() + 1).ok()?,
                });
            }
        }
        offset += line.len();
    }
    None
}

const MULTI_DOC: &str =
    "more than one YAML document in the file (a --- separator); put one document in each file";

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Node, Diagnostic> {
        parse(text, 0, &Limits::RULES)
    }

    #[test]
    fn keeps_positions_and_duplicate_keys() {
        let n = p("a: 1\nb: \"2\"\na: yes\n").unwrap();
        let Kind::Map(pairs) = n.kind else {
            panic!("not a map")
        };
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[1].1.kind, Kind::Str("2".into()));
        assert_eq!(pairs[2].1.kind, Kind::Str("yes".into()));
        assert_eq!((pairs[2].0.span.line, pairs[2].0.span.col), (3, 1));
        assert_eq!((pairs[1].1.span.line, pairs[1].1.span.col), (2, 4));
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let e = p("a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(e.code, "yaml-syntax");
        assert_eq!((e.span.line, e.span.col), (2, 4));
        assert_eq!(e.message, "unclosed bracket '['");
    }

    #[test]
    fn rejects_several_documents() {
        let e = p("a: 1\n---\nb: 2\n").unwrap_err();
        // Reported at the separator.
        assert_eq!(e.span.line, 2);
        assert!(e.message.starts_with("more than one YAML document"));
    }

    #[test]
    fn a_tab_in_the_indentation_is_reported_where_it_is() {
        // The parser stops on the value before the tab (line 2).
        let e = p("a:\n  b: 1\n\tc: 2\n").unwrap_err();
        assert_eq!(e.code, "yaml-syntax");
        assert_eq!((e.span.line, e.span.col, e.span.offset), (3, 1, 10));
        assert_eq!(
            e.message,
            "a tab in the indentation of this line; YAML indents with spaces only: replace the tab with spaces"
        );
        // After spaces, and after a blank line holding a tab.
        let e = p("a:\n  b:\n    c: 1\n \t\n  \td: 2\n").unwrap_err();
        assert_eq!((e.span.line, e.span.col), (5, 3));
    }

    #[test]
    fn big_integers_become_floats() {
        let n = p("a: 99999999999999999999\n").unwrap();
        let Kind::Map(pairs) = n.kind else {
            panic!("not a map")
        };
        assert_eq!(pairs[0].1.kind, Kind::Float(1e20));
    }
}
