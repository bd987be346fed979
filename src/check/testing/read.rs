//! Reading the test files: YAML decoding of the cases, their answers and
//! expectations, checked against the rule set's ids.

use super::{Expectation, Suite, TestCase};
use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic, SourceFile, Span};
use crate::rules::RuleSet;
use crate::yaml::{self, Kind, Limits, Node};

const FILE_KEYS: &[&str] = &["tests"];
const CASE_KEYS: &[&str] = &["name", "answers", "declined", "expect"];
const EXPECT_KEYS: &[&str] = &[
    "level",
    "max_level",
    "ratings",
    "totals",
    "bands",
    "flags",
    "supports",
    "could_raise",
    "excluded",
    "contradictions",
];

/// Parses test files (`(path, text)`) against a rule set.
pub fn load(rs: &RuleSet, files: Vec<(String, String)>) -> Suite {
    let mut sources = rs.sources.clone();
    let first = sources.files.len();
    for (path, text) in files {
        sources.files.push(SourceFile {
            rel_path: path.clone(),
            path,
            text,
        });
    }
    let mut p = Parser {
        rs,
        diags: Vec::new(),
    };
    let mut cases = Vec::new();
    for i in first..sources.files.len() {
        let text = sources.files[i].text.clone();
        match yaml::parse(&text, i as u32, &Limits::RULES) {
            Ok(doc) if doc.kind == Kind::Null => {
                // Passing silently would hide a file whose tests were
                // lost (truncated, or all commented out).
                p.diags.push(Diagnostic::empty_file(
                    &sources.files[i],
                    i as u32,
                    "it holds no tests",
                ));
            }
            Ok(doc) => p.file(&doc, &mut cases),
            Err(mut d) => {
                d.code = "test-syntax";
                p.diags.push(d);
            }
        }
    }
    Suite {
        sources,
        cases,
        diags: p.diags,
    }
}

struct Parser<'a> {
    rs: &'a RuleSet,
    diags: Vec<Diagnostic>,
}

fn entries(node: &Node) -> Option<&[(Node, Node)]> {
    match &node.kind {
        Kind::Map(pairs) => Some(pairs),
        _ => None,
    }
}

impl Parser<'_> {
    fn err(&mut self, code: &'static str, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    /// Checks a mapping's keys; returns its entries.
    fn map<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Vec<(&'n str, &'n Node, &'n Node)> {
        let Some(pairs) = entries(node) else {
            self.err(
                "test-syntax",
                node.span,
                format!("{what} must be a mapping, not {}", node.kind_name()),
            );
            return Vec::new();
        };
        let mut out: Vec<(&str, &Node, &Node)> = Vec::new();
        for (k, v) in pairs {
            let Some(key) = k.as_str() else {
                self.err(
                    "test-syntax",
                    k.span,
                    format!("keys in {what} must be text"),
                );
                continue;
            };
            if out.iter().any(|(e, _, _)| *e == key) {
                self.err(
                    "test-syntax",
                    k.span,
                    format!("duplicate key `{key}` in {what}"),
                );
                continue;
            }
            if !allowed.contains(&key) {
                let help = did_you_mean(key, allowed.iter().copied())
                    .unwrap_or_else(|| format!("the keys are {}", allowed.join(", ")));
                self.diags.push(
                    Diagnostic::error(
                        "test-unknown-field",
                        k.span,
                        format!("unknown key `{key}` in {what}"),
                    )
                    .with_help(help),
                );
                continue;
            }
            out.push((key, k, v));
        }
        out
    }

    fn file(&mut self, doc: &Node, cases: &mut Vec<TestCase>) {
        if doc.kind == Kind::Null {
            return;
        }
        let top = self.map(doc, "a test file", FILE_KEYS);
        let Some((_, _, list)) = top.iter().find(|(k, _, _)| *k == "tests") else {
            if !top.is_empty() || entries(doc).is_some() {
                self.err(
                    "test-syntax",
                    Span {
                        line: 1,
                        col: 1,
                        ..doc.span
                    },
                    "a test file needs `tests:`, a list of test cases",
                );
            }
            return;
        };
        let Kind::Seq(items) = &list.kind else {
            self.err(
                "test-syntax",
                list.span,
                "`tests` must be a list of test cases",
            );
            return;
        };
        if items.is_empty() {
            // As silent as an empty file otherwise: tests lost, or never
            // written.
            self.diags.push(Diagnostic::warning(
                "empty-file",
                list.span,
                "`tests` is an empty list: this file holds no tests",
            ));
        }
        for item in items {
            if let Some(c) = self.case(item) {
                cases.push(c);
            }
        }
    }

    fn case(&mut self, node: &Node) -> Option<TestCase> {
        let before = self.diags.len();
        let fields = self.map(node, "a test case", CASE_KEYS);
        let get = |k: &str| {
            fields
                .iter()
                .find(|(e, _, _)| *e == k)
                .map(|(_, kn, v)| (*kn, *v))
        };
        let span = fields.first().map(|(_, k, _)| k.span).unwrap_or(node.span);
        let name = match get("name") {
            Some((_, v)) => match v.as_str() {
                Some(s) if !s.trim().is_empty() => s.to_string(),
                _ => {
                    self.err("test-syntax", v.span, "`name` must be non-empty text");
                    String::new()
                }
            },
            None => {
                self.err("test-syntax", span, "a test case needs a `name`");
                String::new()
            }
        };
        // Answers: read exactly as an intake's, so they mean the same.
        let answers = match get("answers") {
            Some((_, v)) => v.clone(),
            None => {
                self.err(
                    "test-syntax",
                    span,
                    format!("test `{name}` needs `answers`"),
                );
                return None;
            }
        };
        let key = |s: &str, at: Span| Node {
            kind: Kind::Str(s.to_string()),
            span: at,
        };
        let mut pairs = vec![
            (
                key("intake", span),
                Node {
                    kind: Kind::Int(crate::intake::FORMAT_VERSION),
                    span,
                },
            ),
            (key("answers", answers.span), answers),
        ];
        if let Some((kn, v)) = get("declined") {
            pairs.push((key("declined", kn.span), v.clone()));
        }
        let synthetic = Node {
            kind: Kind::Map(pairs),
            span: node.span,
        };
        let slots = match crate::intake::from_node(&synthetic, self.rs) {
            Ok(intake) => Some(intake.slots),
            Err(e) => {
                let mut d = e.first.clone();
                d.code = match d.code {
                    "unknown-question" | "unknown-option" => "test-unknown-reference",
                    _ => "test-answer",
                };
                // The help stays separate; note further problems.
                let more = if e.count > 1 {
                    format!(" (and {} more problem(s))", e.count - 1)
                } else {
                    String::new()
                };
                d.message = format!("test `{name}`: {}{more}", e.first.message);
                self.diags.push(d);
                None
            }
        };
        let expect = match get("expect") {
            Some((_, v)) => self.expect(v),
            None => {
                self.err("test-syntax", span, format!("test `{name}` needs `expect`"));
                Vec::new()
            }
        };
        if self.diags.len() > before {
            return None;
        }
        Some(TestCase {
            name,
            span,
            slots: slots?,
            expect,
        })
    }

    fn lookup(&mut self, what: &str, node: &Node, ids: &[&str]) -> Option<usize> {
        self.lookup_in(what, node, ids, &[])
    }

    /// [`Self::lookup`] for an entry of a list or a key of a mapping:
    /// `listed`, the ids written beside it, are never suggested.
    fn lookup_in(
        &mut self,
        what: &str,
        node: &Node,
        ids: &[&str],
        listed: &[&str],
    ) -> Option<usize> {
        let Some(s) = node.as_str() else {
            self.err(
                "test-syntax",
                node.span,
                format!("{what} must be an id, not {}", node.kind_name()),
            );
            return None;
        };
        match ids.iter().position(|x| *x == s) {
            Some(i) => Some(i),
            None => {
                let help = did_you_mean_unlisted(s, ids.iter().copied(), listed);
                self.diags.push(
                    Diagnostic::error(
                        "test-unknown-reference",
                        node.span,
                        format!("unknown {what} `{s}`"),
                    )
                    .with_help_opt(help),
                );
                None
            }
        }
    }

    fn id_list(&mut self, what: &str, node: &Node, ids: &[&str]) -> Option<Vec<usize>> {
        let Kind::Seq(items) = &node.kind else {
            self.err(
                "test-syntax",
                node.span,
                format!("a list of {what} ids is expected, not {}", node.kind_name()),
            );
            return None;
        };
        let listed = Node::texts(items);
        let mut out = Vec::new();
        for it in items {
            out.push(self.lookup_in(what, it, ids, &listed)?);
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    fn expect(&mut self, node: &Node) -> Vec<(Expectation, Span)> {
        let rs = self.rs;
        let levels: Vec<&str> = rs.levels.iter().map(|l| l.id.as_str()).collect();
        let dims: Vec<&str> = rs.dimensions.iter().map(|d| d.id.as_str()).collect();
        let insts: Vec<&str> = rs.instruments.iter().map(|i| i.id.as_str()).collect();
        let flags: Vec<&str> = rs.flags.iter().map(|f| f.id.as_str()).collect();
        let supports: Vec<&str> = rs.supports.iter().map(|s| s.id.as_str()).collect();
        let questions: Vec<&str> = rs.questions.iter().map(|q| q.id.as_str()).collect();
        let exclusions: Vec<&str> = rs.exclusions.iter().map(|e| e.id.as_str()).collect();
        let checks: Vec<&str> = rs.checks.iter().map(|c| c.id.as_str()).collect();
        let mut out = Vec::new();
        for (k, kn, v) in self.map(node, "`expect`", EXPECT_KEYS) {
            let at = kn.span;
            match k {
                "level" => {
                    if let Some(l) = self.lookup("level", v, &levels) {
                        out.push((Expectation::Level(l), at));
                    }
                }
                "max_level" => {
                    if let Some(l) = self.lookup("level", v, &levels) {
                        out.push((Expectation::MaxLevel(l), at));
                    }
                }
                "ratings" | "totals" | "bands" => {
                    let what = if k == "ratings" {
                        "dimension"
                    } else {
                        "instrument"
                    };
                    let Some(pairs) = entries(v) else {
                        self.err(
                            "test-syntax",
                            v.span,
                            format!("`{k}` must map {what} ids to values"),
                        );
                        continue;
                    };
                    let listed = Node::text_keys(pairs);
                    for (ik, iv) in pairs {
                        let ids = if k == "ratings" { &dims } else { &insts };
                        let Some(i) = self.lookup_in(what, ik, ids, &listed) else {
                            continue;
                        };
                        match (k, &iv.kind) {
                            ("ratings", Kind::Int(r)) if (0..=rs.max_rating as i64).contains(r) => {
                                out.push((Expectation::Rating(i, *r as u8), ik.span))
                            }
                            ("ratings", _) => self.err(
                                "test-syntax",
                                iv.span,
                                format!("a rating is a whole number from 0 to {}", rs.max_rating),
                            ),
                            ("totals", Kind::Int(t)) => {
                                out.push((Expectation::Total(i, Some(*t)), ik.span))
                            }
                            ("totals", Kind::Null) => {
                                out.push((Expectation::Total(i, None), ik.span))
                            }
                            ("totals", _) => self.err(
                                "test-syntax",
                                iv.span,
                                "a total is a whole number, or null when it is missing",
                            ),
                            (_, Kind::Null) => out.push((Expectation::Band(i, None), ik.span)),
                            _ => {
                                let bands: Vec<&str> = rs.instruments[i]
                                    .bands
                                    .iter()
                                    .map(|b| b.id.as_str())
                                    .collect();
                                if let Some(b) =
                                    self.lookup(&format!("band of `{}`", insts[i]), iv, &bands)
                                {
                                    out.push((Expectation::Band(i, Some(b)), ik.span));
                                }
                            }
                        }
                    }
                }
                "flags" => {
                    if let Some(l) = self.id_list("flag", v, &flags) {
                        out.push((Expectation::Flags(l), at));
                    }
                }
                "supports" => {
                    if let Some(l) = self.id_list("support", v, &supports) {
                        out.push((Expectation::Supports(l), at));
                    }
                }
                "could_raise" => {
                    if let Some(l) = self.id_list("question", v, &questions) {
                        out.push((Expectation::CouldRaise(l), at));
                    }
                }
                "excluded" => {
                    if let Some(l) = self.id_list("exclusion", v, &exclusions) {
                        out.push((Expectation::Excluded(l), at));
                    }
                }
                "contradictions" => {
                    if let Some(l) = self.id_list("check", v, &checks) {
                        out.push((Expectation::Contradictions(l), at));
                    }
                }
                _ => {}
            }
        }
        out
    }
}
