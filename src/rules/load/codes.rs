//! `codes`: codes from outside code systems (LOINC, SNOMED CT, a program's
//! own) on questions, options, scale entries and instruments, and the rule
//! set's `url`. They are data for other systems (the FHIR export); the
//! engine never reads them, so they carry no clinical knowledge into it.

use super::compiler::Compiler;
use crate::diag::{Diagnostic, Span};
use crate::rules::model::Coding;
use crate::yaml::Node;

/// Whether `s` is an absolute URI: a scheme (a letter, then letters,
/// digits, `+`, `-` or `.`), a colon, and something after it, with no
/// white space or control character anywhere.
pub(crate) fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether `s` is a valid FHIR `code`: no white space at either end, and
/// single spaces only inside.
fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.split(' ')
            .all(|w| !w.is_empty() && !w.chars().any(|c| c.is_whitespace() || c.is_control()))
}

impl<'s, 'd> Compiler<'s, 'd> {
    /// A `codes` list on `what` (`question \`phq9_1\``, ...): each entry a
    /// `{system, code, display?}`, no system+code twice. Entries with a
    /// problem are reported and left out.
    pub(super) fn codes(&mut self, node: Option<&Node>, what: &str) -> Vec<(Coding, Span)> {
        let Some(node) = node else {
            return Vec::new();
        };
        let Some(items) = self.dec.seq(node, "`codes`") else {
            return Vec::new();
        };
        let mut out: Vec<(Coding, Span)> = Vec::new();
        for it in items {
            let Some(f) = self.dec.fields(
                it,
                "a code",
                &["system", "code", "display"],
                &["system", "code"],
            ) else {
                continue;
            };
            let system = f.get("system").and_then(|n| {
                let s = self.dec.text(n, "code `system`")?;
                if is_absolute_uri(&s) {
                    Some(s)
                } else {
                    self.dec.push(
                        Diagnostic::error(
                            "invalid-uri",
                            n.span,
                            format!("the `system` of a code of {what} is not an absolute URI"),
                        )
                        .with_help("a code system is named by an absolute URI with no spaces, such as `http://loinc.org` or `http://snomed.info/sct`"),
                    );
                    None
                }
            });
            let code = f.get("code").and_then(|n| {
                let s = self.dec.text(n, "`code`")?;
                if is_code(&s) {
                    Some(s)
                } else {
                    self.dec.push(
                        Diagnostic::error(
                            "invalid-code",
                            n.span,
                            format!("a `code` of {what} is empty or has spaces at either end or more than one space in a row"),
                        )
                        .with_help("write the code as its code system does, such as `44250-9`"),
                    );
                    None
                }
            });
            let display = f.get("display").and_then(|n| {
                let s = self.dec.text(n, "code `display`")?;
                if s.trim().is_empty() || s.contains('\n') || s.contains('\r') {
                    self.dec.error(
                        "invalid-code",
                        n.span,
                        format!("the `display` of a code of {what} is empty or more than one line"),
                    );
                    None
                } else {
                    Some(s)
                }
            });
            let (Some(system), Some(code)) = (system, code) else {
                continue;
            };
            let span = f.get("code").map(|n| n.span).unwrap_or(f.span);
            if let Some((_, first)) = out
                .iter()
                .find(|(c, _)| c.system == system && c.code == code)
            {
                self.dec.push(
                    Diagnostic::error(
                        "duplicate-code",
                        span,
                        format!("code `{code}` of `{system}` is given twice on {what}"),
                    )
                    .with_help(format!("first given at {}", self.sources.location(first))),
                );
                continue;
            }
            out.push((
                Coding {
                    system,
                    code,
                    display,
                },
                span,
            ));
        }
        out
    }

    /// The answers of one question (options or scale entries) map back
    /// from a code only if no code is given to two of them.
    pub(super) fn distinct_answer_codes(
        &mut self,
        qid: &str,
        answers: &[(String, Vec<(Coding, Span)>)],
    ) {
        let mut seen: Vec<(&Coding, &str, Span)> = Vec::new();
        for (answer, codes) in answers {
            for (c, span) in codes {
                match seen.iter().find(|(x, _, _)| x.system == c.system && x.code == c.code) {
                    Some((_, other, first)) => self.dec.push(
                        Diagnostic::error(
                            "duplicate-code",
                            *span,
                            format!(
                                "code `{}` of `{}` is given to both {other} and {answer} of `{qid}`, so an answer coded with it would not map back to one answer",
                                c.code, c.system
                            ),
                        )
                        .with_help(format!("first given at {}", self.sources.location(first))),
                    ),
                    None => seen.push((c, answer, *span)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uris() {
        for ok in [
            "http://loinc.org",
            "urn:oid:2.16.840.1.113883.6.1",
            "https://example.org/cs#x",
        ] {
            assert!(is_absolute_uri(ok), "{ok}");
        }
        for bad in [
            "loinc",
            "",
            ":x",
            "1http://x",
            "http:",
            "http://lo inc.org",
            "ht tp://x",
        ] {
            assert!(!is_absolute_uri(bad), "{bad}");
        }
    }

    #[test]
    fn codes() {
        for ok in ["44250-9", "LA6568-5", "a b"] {
            assert!(is_code(ok), "{ok}");
        }
        for bad in ["", " x", "x ", "a  b", "a\tb"] {
            assert!(!is_code(bad), "{bad}");
        }
    }
}
