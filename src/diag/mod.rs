//! Diagnostics: a stable code, a severity, a message and where it happened.
//!
//! Every problem the loader, checker or intake reader finds becomes a
//! [`Diagnostic`]. Rendering with a source snippet needs the text of the
//! file, which [`Sources`] keeps.

use serde::Serialize;
use std::fmt::Write as _;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

pub mod span;
pub mod text;

pub use span::Span;

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// A hint on how to fix it ("did you mean ...").
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// The `empty-file` warning for a rule or test file with nothing in
    /// it but white space and comments (file index `file`); `what` says
    /// what that means for the command.
    pub fn empty_file(f: &SourceFile, file: u32, what: &str) -> Self {
        let name = std::path::Path::new(&f.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| f.path.clone());
        Diagnostic::warning(
            "empty-file",
            Span {
                file,
                offset: 0,
                len: 0,
                line: 1,
                col: 1,
            },
            format!("`{name}` is empty or holds only comments: {what}"),
        )
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// The most characters of a source line a diagnostic shows.
pub const SNIPPET_CHARS: usize = 200;

/// A source file that diagnostics point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (or as it is shown for embedded files).
    pub path: String,
    /// The path relative to the rule set's root, used for the fingerprint.
    pub rel_path: String,
    pub text: String,
}

/// The files of one rule set or one intake.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
}

impl Sources {
    pub fn path(&self, span: &Span) -> &str {
        self.files
            .get(span.file as usize)
            .map(|f| f.path.as_str())
            .unwrap_or("<unknown>")
    }

    /// The text of the line `span` starts on, without its line ending, and
    /// at most [`SNIPPET_CHARS`] characters of it: every output that shows
    /// a snippet (human, JSON, SARIF, test reports) shows a bounded one.
    pub fn line_text(&self, span: &Span) -> Option<&str> {
        let file = self.files.get(span.file as usize)?;
        if !span.is_known() {
            return None;
        }
        file.text
            .split('\n')
            .nth(span.line as usize - 1)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .map(|l| match l.char_indices().nth(SNIPPET_CHARS) {
                Some((end, _)) => &l[..end],
                None => l,
            })
    }

    /// `file:line:col` for a span, the file's name escaped for a
    /// terminal ([`crate::diag::text::visible`]).
    pub fn location(&self, span: &Span) -> String {
        let path = crate::diag::text::visible(self.path(span));
        if span.is_known() {
            format!("{path}:{}:{}", span.line, span.col)
        } else {
            path.into_owned()
        }
    }

    /// Renders one diagnostic in the style of rustc: header, location,
    /// the source line and a caret under the offending text. Text from
    /// the files (names, the line, messages that quote it) is escaped for
    /// a terminal ([`crate::diag::text::visible`]), the caret placed under the
    /// escaped text.
    pub fn render(&self, d: &Diagnostic) -> String {
        use crate::diag::text::visible;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            d.severity.as_str(),
            d.code,
            visible(&d.message)
        );
        let _ = writeln!(out, "  --> {}", self.location(&d.span));
        if let Some(line) = self.line_text(&d.span) {
            let num = d.span.line.to_string();
            let pad = " ".repeat(num.len());
            let raw: String = line.chars().take(200).collect();
            let shown = visible(&raw);
            let raw_col = (d.span.col as usize).saturating_sub(1);
            let start = line
                .char_indices()
                .nth(raw_col)
                .map(|(i, _)| i)
                .unwrap_or(line.len());
            // Columns of the escaped line.
            let col = visible(&line[..start]).chars().count();
            let width = if d.span.len == 0 {
                1
            } else {
                // Underline the span's characters on this line only.
                let rest = &line[start..];
                let bytes = (d.span.len as usize).min(rest.len());
                let end = (0..=bytes)
                    .rev()
                    .find(|&b| rest.is_char_boundary(b))
                    .unwrap_or(0);
                visible(&rest[..end]).chars().count().max(1)
            };
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num} | {shown}");
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(col.min(200)),
                "^".repeat(width.min(200 - col.min(199)))
            );
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  = help: {}", visible(help));
        }
        out
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough
/// to be a likely typo.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (name.chars().count().max(c.chars().count()) / 3).max(1);
    (d <= limit).then(|| format!("did you mean `{c}`?"))
}

/// [`did_you_mean`] for an entry of a list (or a key of a mapping) that
/// is unknown: ids the list already holds are never suggested, since
/// writing one of them again would only make a duplicate. For `auditc_4`
/// in `[auditc_1, auditc_2, auditc_4]` it suggests `auditc_3`, not
/// `auditc_1`.
pub fn did_you_mean_unlisted<'a, I, S>(name: &str, candidates: I, listed: &[S]) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
    S: AsRef<str>,
{
    let unlisted = |c: &&str| !listed.iter().any(|l| l.as_ref() == *c);
    did_you_mean(name, candidates.into_iter().filter(unlisted))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("phq9_10", ["phq9_1", "gad7_1"]),
            Some("did you mean `phq9_1`?".to_string())
        );
        assert_eq!(did_you_mean("zzz", ["phq9_1", "gad7_1"]), None);
    }

    #[test]
    fn never_suggests_an_id_already_listed() {
        let ids = ["auditc_1", "auditc_2", "auditc_3"];
        assert_eq!(
            did_you_mean("auditc_4", ids),
            Some("did you mean `auditc_1`?".to_string())
        );
        assert_eq!(
            did_you_mean_unlisted("auditc_4", ids, &["auditc_1", "auditc_2", "auditc_4"]),
            Some("did you mean `auditc_3`?".to_string())
        );
        assert_eq!(
            did_you_mean_unlisted("auditc_4", ids, &["auditc_1", "auditc_2", "auditc_3"]),
            None
        );
    }

    #[test]
    fn renders_snippet_with_caret() {
        let sources = Sources {
            files: vec![SourceFile {
                path: "r.yaml".into(),
                rel_path: "r.yaml".into(),
                text: "a: 1\nwhen: phq9_10 > 0\n".into(),
            }],
        };
        let d = Diagnostic::error(
            "unknown-reference",
            Span {
                file: 0,
                offset: 11,
                len: 7,
                line: 2,
                col: 7,
            },
            "unknown question `phq9_10`",
        )
        .with_help("did you mean `phq9_1`?");
        assert_eq!(
            sources.render(&d),
            "error[unknown-reference]: unknown question `phq9_10`\n  --> r.yaml:2:7\n  |\n2 | when: phq9_10 > 0\n  |       ^^^^^^^\n  = help: did you mean `phq9_1`?\n"
        );
    }
}
