//! `rules test`: test cases for a rule set, in YAML beside the rules
//! (`tests/*.yaml`), after promtool's unit tests. Each case gives answers
//! (the shape of an intake's `answers`, plus `declined`) and what the result
//! must be. Coverage counts the rating rules, escalations and bands the cases
//! exercise.
//!
//! ```yaml
//! tests:
//!   - name: severe opioid withdrawal needs inpatient care
//!     answers: {substances: [opioids], cows_total: 40}
//!     expect:
//!       level: inpatient
//!       ratings: {withdrawal: 4}
//!       bands: {cows: severe}
//!       flags: [severe_withdrawal_risk]
//! ```

use crate::diag::text::visible;
use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic, SourceFile, Sources, Span};
use crate::engine::{self, Assessment};
use crate::intake::Slot;
use crate::rules::RuleSet;
use crate::yaml::{self, Kind, Limits, Node};
use serde_json::{json, Value};

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
];

/// One expectation, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    Level(usize),
    MaxLevel(usize),
    Rating(usize, u8),
    Total(usize, Option<i64>),
    Band(usize, Option<usize>),
    Flags(Vec<usize>),
    Supports(Vec<usize>),
    CouldRaise(Vec<usize>),
    Excluded(Vec<usize>),
}

#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// The case's `- name:` entry.
    pub span: Span,
    pub slots: Vec<Slot>,
    pub expect: Vec<(Expectation, Span)>,
}

/// The test files of a rule set, parsed and checked against it.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The rule set's files followed by the test files: every span of the
    /// report points into these.
    pub sources: Sources,
    pub cases: Vec<TestCase>,
    /// Problems in the test files.
    pub diags: Vec<Diagnostic>,
}

/// A difference between what a case expects and what the rules give.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// `level`, `ratings.withdrawal`, `bands.phq9`, ...
    pub key: String,
    pub expected: String,
    pub actual: String,
    /// Why the actual value came out so (the deciding rules).
    pub note: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    pub span: Span,
    pub mismatches: Vec<Mismatch>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Something coverage counts.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverItem {
    /// `rule`, `escalation` or `band`.
    pub kind: &'static str,
    pub id: String,
    pub span: Span,
    pub covered: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub items: Vec<CoverItem>,
}

impl Coverage {
    pub fn covered(&self) -> usize {
        self.items.iter().filter(|i| i.covered).count()
    }

    /// Percentage covered (100 when there is nothing to cover).
    pub fn percent(&self) -> f64 {
        if self.items.is_empty() {
            100.0
        } else {
            self.covered() as f64 * 100.0 / self.items.len() as f64
        }
    }

    /// (covered, total) for one kind.
    pub fn of(&self, kind: &str) -> (usize, usize) {
        let items = self.items.iter().filter(|i| i.kind == kind);
        let total = items.clone().count();
        (items.filter(|i| i.covered).count(), total)
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub results: Vec<CaseResult>,
    pub coverage: Coverage,
}

impl Outcome {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.passed()).count()
    }
}

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

impl Suite {
    /// Problems in the test files that keep the suite from passing
    /// (warnings, such as an empty test file, do not).
    pub fn errors(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diags.len() - self.errors()
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
                _ => {}
            }
        }
        out
    }
}

fn names(ids: &[usize], f: impl Fn(usize) -> String) -> String {
    if ids.is_empty() {
        "[]".into()
    } else {
        format!(
            "[{}]",
            ids.iter().map(|&i| f(i)).collect::<Vec<_>>().join(", ")
        )
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "null".into())
}

/// Runs one case and compares.
pub fn run_case(rs: &RuleSet, case: &TestCase) -> (CaseResult, Assessment) {
    let a = engine::score_slots(rs, &case.slots);
    let lvl = |l: usize| rs.levels[l].id.clone();
    let mut mismatches = Vec::new();
    let mut miss =
        |key: String, expected: String, actual: String, note: Option<String>, span: Span| {
            if expected != actual {
                mismatches.push(Mismatch {
                    key,
                    expected,
                    actual,
                    note,
                    span,
                });
            }
        };
    for (e, span) in &case.expect {
        let span = *span;
        match e {
            Expectation::Level(l) => miss("level".into(), lvl(*l), lvl(a.level), None, span),
            Expectation::MaxLevel(l) => {
                miss("max_level".into(), lvl(*l), lvl(a.max_level), None, span)
            }
            Expectation::Rating(d, r) => {
                let dim = &rs.dimensions[*d];
                let res = &a.dimensions[*d];
                let deciding: Vec<String> = res
                    .deciding_rules(dim)
                    .iter()
                    .map(|&i| dim.rules[i].id.clone())
                    .collect();
                let note = if deciding.is_empty() {
                    "no rule holds".to_string()
                } else {
                    format!("set by {}", deciding.join(", "))
                };
                miss(
                    format!("ratings.{}", dim.id),
                    r.to_string(),
                    res.rating.to_string(),
                    Some(note),
                    span,
                )
            }
            Expectation::Total(i, t) => miss(
                format!("totals.{}", rs.instruments[*i].id),
                opt(*t),
                opt(a.instruments[*i].total),
                None,
                span,
            ),
            Expectation::Band(i, b) => {
                let inst = &rs.instruments[*i];
                let name = |b: Option<usize>| opt(b.map(|b| inst.bands[b].id.clone()));
                let note = a.instruments[*i].total.map(|t| format!("total {t}"));
                miss(
                    format!("bands.{}", inst.id),
                    name(*b),
                    name(a.instruments[*i].band),
                    note,
                    span,
                )
            }
            Expectation::Flags(f) => {
                let mut got = a.flags.clone();
                got.sort_unstable();
                miss(
                    "flags".into(),
                    names(f, |i| rs.flags[i].id.clone()),
                    names(&got, |i| rs.flags[i].id.clone()),
                    None,
                    span,
                )
            }
            Expectation::Supports(s) => {
                let mut got = a.supports.clone();
                got.sort_unstable();
                miss(
                    "supports".into(),
                    names(s, |i| rs.supports[i].id.clone()),
                    names(&got, |i| rs.supports[i].id.clone()),
                    None,
                    span,
                )
            }
            Expectation::CouldRaise(q) => {
                let mut got = a.could_raise.clone();
                got.sort_unstable();
                miss(
                    "could_raise".into(),
                    names(q, |i| rs.questions[i].id.clone()),
                    names(&got, |i| rs.questions[i].id.clone()),
                    None,
                    span,
                )
            }
            Expectation::Excluded(x) => {
                let mut got = a.excluded.clone();
                got.sort_unstable();
                miss(
                    "excluded".into(),
                    names(x, |i| rs.exclusions[i].id.clone()),
                    names(&got, |i| rs.exclusions[i].id.clone()),
                    None,
                    span,
                )
            }
        }
    }
    (
        CaseResult {
            name: case.name.clone(),
            span: case.span,
            mismatches,
        },
        a,
    )
}

/// Runs the cases `select` keeps and measures coverage over them.
pub fn run(rs: &RuleSet, suite: &Suite, select: impl Fn(&str) -> bool) -> Outcome {
    let mut items = Vec::new();
    for d in &rs.dimensions {
        for r in &d.rules {
            items.push(CoverItem {
                kind: "rule",
                id: r.id.clone(),
                span: r.span,
                covered: false,
            });
        }
    }
    let esc_base = items.len();
    for e in &rs.escalations {
        items.push(CoverItem {
            kind: "escalation",
            id: e.id.clone(),
            span: e.span,
            covered: false,
        });
    }
    let band_base = items.len();
    let mut band_index = Vec::new();
    for inst in &rs.instruments {
        band_index.push(items.len() - band_base);
        for b in &inst.bands {
            items.push(CoverItem {
                kind: "band",
                id: format!("{}.{}", inst.id, b.id),
                span: b.span,
                covered: false,
            });
        }
    }
    let mut rule_base = Vec::new();
    let mut n = 0;
    for d in &rs.dimensions {
        rule_base.push(n);
        n += d.rules.len();
    }
    let mut results = Vec::new();
    for case in suite.cases.iter().filter(|c| select(&c.name)) {
        let (res, a) = run_case(rs, case);
        for (d, dim) in rs.dimensions.iter().enumerate() {
            for r in a.dimensions[d].deciding_rules(dim) {
                items[rule_base[d] + r].covered = true;
            }
        }
        for (e, t) in a.escalations.iter().enumerate() {
            if *t == crate::cond::Tri::True {
                items[esc_base + e].covered = true;
            }
        }
        for (i, ir) in a.instruments.iter().enumerate() {
            if let Some(b) = ir.band {
                items[band_base + band_index[i] + b].covered = true;
            }
        }
        results.push(res);
    }
    Outcome {
        results,
        coverage: Coverage { items },
    }
}

/// The outcome as JSON.
pub fn to_json(suite: &Suite, out: &Outcome, min_coverage: Option<f64>) -> Value {
    let s = &suite.sources;
    let (rc, rt) = out.coverage.of("rule");
    let (ec, et) = out.coverage.of("escalation");
    let (bc, bt) = out.coverage.of("band");
    json!({
        "passed": out.results.len() - out.failed(),
        "failed": out.failed(),
        "findings": suite.diags.iter().map(|d| super::report::finding_json(s, &super::Finding::plain(d.clone()))).collect::<Vec<_>>(),
        "tests": out.results.iter().map(|r| json!({
            "name": r.name,
            "file": s.path(&r.span),
            "line": r.span.line,
            "column": r.span.col,
            "status": if r.passed() { "passed" } else { "failed" },
            "mismatches": r.mismatches.iter().map(|m| json!({
                "key": m.key, "expected": m.expected, "actual": m.actual, "note": m.note,
                "line": m.span.line, "column": m.span.col,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "coverage": {
            "percent": (out.coverage.percent() * 10.0).round() / 10.0,
            "min_percent": min_coverage,
            "rules": {"covered": rc, "total": rt},
            "escalations": {"covered": ec, "total": et},
            "bands": {"covered": bc, "total": bt},
            "not_exercised": out.coverage.items.iter().filter(|i| !i.covered).map(|i| json!({
                "kind": i.kind, "id": i.id, "file": s.path(&i.span), "line": i.span.line, "column": i.span.col,
            })).collect::<Vec<_>>(),
        },
    })
}

/// One mismatch as a readable expected/actual diff.
pub fn render_mismatch(m: &Mismatch) -> String {
    let note = m
        .note
        .as_ref()
        .map(|n| format!("   ({})", visible(n)))
        .unwrap_or_default();
    format!(
        "    {} (line {}):\n      - expected: {}\n      + actual:   {}{note}\n",
        visible(&m.key),
        m.span.line,
        visible(&m.expected),
        visible(&m.actual)
    )
}

/// Human output.
pub fn human(suite: &Suite, out: &Outcome, min_coverage: Option<f64>) -> String {
    let s = &suite.sources;
    let mut t = String::new();
    for d in &suite.diags {
        t.push_str(&s.render(d));
        t.push('\n');
    }
    for r in &out.results {
        if r.passed() {
            t.push_str(&format!("ok      {}\n", visible(&r.name)));
        } else {
            t.push_str(&format!(
                "FAILED  {}  ({})\n",
                visible(&r.name),
                s.location(&r.span)
            ));
            for m in &r.mismatches {
                t.push_str(&render_mismatch(m));
            }
        }
    }
    let c = &out.coverage;
    let (rc, rt) = c.of("rule");
    let (ec, et) = c.of("escalation");
    let (bc, bt) = c.of("band");
    t.push_str(&format!(
        "\ncoverage: {:.1}% ({} of {}): rating rules {rc}/{rt}, escalations {ec}/{et}, bands {bc}/{bt}\n",
        c.percent(),
        c.covered(),
        c.items.len()
    ));
    let missing: Vec<&CoverItem> = c.items.iter().filter(|i| !i.covered).collect();
    if !missing.is_empty() {
        t.push_str("not exercised by any test:\n");
        for i in missing {
            t.push_str(&format!(
                "  {} `{}` at {}\n",
                i.kind,
                visible(&i.id),
                s.location(&i.span)
            ));
        }
    }
    if let Some(min) = min_coverage {
        if c.percent() < min {
            t.push_str(&format!(
                "coverage {:.1}% is below the minimum of {min}%\n",
                c.percent()
            ));
        }
    }
    t.push_str(&format!(
        "{} passed, {} failed{}\n",
        out.results.len() - out.failed(),
        out.failed(),
        match (suite.errors(), suite.warnings()) {
            (0, 0) => String::new(),
            (e, 0) => format!("; {e} problem(s) in the test files"),
            (0, w) => format!("; {w} warning(s) in the test files"),
            (e, w) => format!("; {e} problem(s) and {w} warning(s) in the test files"),
        }
    ));
    t
}

/// GitHub Actions workflow commands: problems in test files and failed
/// tests as errors at their place, coverage below the minimum as an error,
/// and the totals as a notice.
pub fn github(suite: &Suite, out: &Outcome, min_coverage: Option<f64>) -> String {
    let s = &suite.sources;
    let mut t = String::new();
    for d in &suite.diags {
        t.push_str(&super::report::github_line(s, d, None));
        t.push('\n');
    }
    for r in out.results.iter().filter(|r| !r.passed()) {
        let what: Vec<String> = r
            .mismatches
            .iter()
            .map(|m| format!("{}: expected {}, actual {}", m.key, m.expected, m.actual))
            .collect();
        let d = Diagnostic::error(
            "test-failed",
            r.span,
            format!("test `{}` failed: {}", r.name, what.join("; ")),
        );
        t.push_str(&super::report::github_line(s, &d, None));
        t.push('\n');
    }
    let c = &out.coverage;
    if let Some(min) = min_coverage {
        if c.percent() < min {
            let missing: Vec<String> = c
                .items
                .iter()
                .filter(|i| !i.covered)
                .map(|i| format!("{} `{}`", i.kind, i.id))
                .collect();
            t.push_str(&format!(
                "::error title=coverage::coverage {:.1}% is below the minimum of {min}%; not exercised: {}\n",
                c.percent(),
                missing.join(", ")
            ));
        }
    }
    t.push_str(&format!(
        "::notice title=rules test::{} passed, {} failed; coverage {:.1}% ({} of {})\n",
        out.results.len() - out.failed(),
        out.failed(),
        c.percent(),
        c.covered(),
        c.items.len()
    ));
    t
}

/// [`xml`] for an attribute value: one line, every control character
/// (line breaks included) shown as a visible escape.
fn xml_attr(s: &str) -> String {
    xml(&visible(s))
}

fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // XML 1.0 cannot hold most control characters even as
            // character references; they are written as visible escapes.
            c if c != '\n' && crate::diag::text::needs_escape(c) => {
                o.push_str(&visible(&c.to_string()))
            }
            c => o.push(c),
        }
    }
    o
}

/// JUnit XML: one suite per test file; problems in the test files are
/// `<error>` cases.
pub fn junit(suite: &Suite, out: &Outcome) -> String {
    let s = &suite.sources;
    let mut by_file: Vec<(u32, Vec<&CaseResult>)> = Vec::new();
    for r in &out.results {
        match by_file.iter_mut().find(|(f, _)| *f == r.span.file) {
            Some((_, v)) => v.push(r),
            None => by_file.push((r.span.file, vec![r])),
        }
    }
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"placement rules test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        out.results.len() + suite.diags.len(),
        out.failed(),
        suite.errors()
    ));
    for (file, cases) in &by_file {
        let path = s
            .files
            .get(*file as usize)
            .map(|f| f.path.as_str())
            .unwrap_or("");
        let failures = cases.iter().filter(|c| !c.passed()).count();
        x.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
            xml_attr(path),
            cases.len()
        ));
        for c in cases {
            x.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                xml_attr(&c.name),
                xml_attr(path),
                xml_attr(path),
                c.span.line
            ));
            if c.passed() {
                x.push_str("/>\n");
            } else {
                let first = &c.mismatches[0];
                let body: String = c.mismatches.iter().map(render_mismatch).collect();
                x.push_str(&format!(
                    ">\n      <failure message=\"{}: expected {}, actual {}\" type=\"mismatch\">{}</failure>\n    </testcase>\n",
                    xml_attr(&first.key),
                    xml_attr(&first.expected),
                    xml_attr(&first.actual),
                    xml(&body)
                ));
            }
        }
        x.push_str("  </testsuite>\n");
    }
    if !suite.diags.is_empty() {
        x.push_str(&format!(
            "  <testsuite name=\"test files\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"{}\">\n",
            suite.diags.len(),
            suite.errors(),
            suite.warnings()
        ));
        for d in &suite.diags {
            if d.severity == crate::diag::Severity::Warning {
                // A warning (an empty test file) fails nothing: a skipped
                // case keeps it visible in the CI test report.
                x.push_str(&format!(
                    "    <testcase name=\"{}\" classname=\"test files\">\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>\n",
                    xml_attr(&s.location(&d.span)),
                    xml_attr(&format!("warning[{}]: {}", d.code, d.message)),
                    xml(&s.render(d))
                ));
                continue;
            }
            x.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"test files\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
                xml_attr(&s.location(&d.span)),
                xml_attr(&d.message),
                d.code,
                xml(&s.render(d))
            ));
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}
