//! Intake files: reading one (YAML or JSON) against a rule set, checking
//! every answer, and writing one back.
//!
//! Error messages name the field, line and column but never repeat an
//! answer's value: intake files hold health information.

pub mod fast;

use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic, Span};
use crate::rules::model::{QuestionKind, RuleSet};
use crate::yaml::decode::is_id;
use crate::yaml::{self, Kind, Limits, Node};

/// The only intake format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;

/// An answer in the form the engine evaluates.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// No answer given.
    Absent,
    /// Asked; declined or unknown.
    Declined,
    /// integer, number, yes/no (1/0) or single choice (option position).
    Num(f64),
    /// Multi choice: bit i set for option i.
    Multi(u64),
    /// Text; the engine only needs to know there is one.
    Text,
}

impl Slot {
    pub fn is_answer(&self) -> bool {
        !matches!(self, Slot::Absent | Slot::Declined)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RulesRef {
    pub name: Option<String>,
    pub version: Option<String>,
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AckFlag {
    pub id: String,
    pub at: Option<String>,
    pub by: Option<String>,
    /// The flag action id (`RuleSet::flag_actions`) recorded as done.
    pub action: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredRecommendation {
    pub level: Option<String>,
    pub supports: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Level index in the rule set.
    pub level: usize,
    /// Override reason index in the rule set.
    pub reason: Option<usize>,
    pub note: Option<String>,
}

/// A parsed, checked intake.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Intake {
    pub id: Option<String>,
    pub status: Option<String>,
    pub assessed_at: Option<String>,
    pub assessor: Option<String>,
    pub comment: Option<String>,
    pub rules: Option<RulesRef>,
    /// One per question of the rule set, in its order.
    pub slots: Vec<Slot>,
    /// Text answers, by question index.
    pub texts: Vec<(usize, String)>,
    pub acknowledged_flags: Vec<AckFlag>,
    pub recommendation: Option<StoredRecommendation>,
    pub placement: Option<Placement>,
}

/// Why an intake could not be read: the first problem, and how many there
/// were in all.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeError {
    pub first: Diagnostic,
    pub count: usize,
}

impl IntakeError {
    fn from(mut diags: Vec<Diagnostic>) -> Self {
        diags.sort_by_key(|d| (d.span.line, d.span.col));
        let count = diags.len();
        IntakeError {
            first: diags.into_iter().next().expect("at least one problem"),
            count,
        }
    }

    pub fn single(d: Diagnostic) -> Self {
        IntakeError { first: d, count: 1 }
    }

    /// The message with its hint ("did you mean ..."), and a note when
    /// there were more problems.
    pub fn message(&self) -> String {
        let mut m = self.first.message.clone();
        if let Some(h) = &self.first.help {
            m.push_str("; ");
            m.push_str(h);
        }
        if self.count > 1 {
            m.push_str(&format!(" (and {} more problem(s))", self.count - 1));
        }
        m
    }
}

const TOP_KEYS: &[&str] = &[
    "intake",
    "id",
    "status",
    "assessed_at",
    "assessor",
    "comment",
    "rules",
    "answers",
    "declined",
    "acknowledged_flags",
    "recommendation",
    "placement",
];

/// Reads an intake from text (YAML or JSON).
pub fn parse(text: &str, rs: &RuleSet, limits: &Limits) -> Result<Intake, IntakeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // One spelling of numbers, in YAML and JSON files alike: every number
    // is written as JSON writes it, a whole number as plain decimal digits
    // with an optional leading minus. YAML also reads `0x10` as 16, `0b11`
    // as 3, `1_000`, `+34`, and `034` as a decimal number; an intake that
    // says such a thing is refused, never guessed.
    let (node, odd) = yaml::parse_spelled(text, 0, limits).map_err(|mut d| {
        d.code = match d.code {
            "yaml-limit" => "intake-limit",
            "duplicate-key" => "duplicate-key",
            _ => "intake-syntax",
        };
        d.message = without_quoted(&d.message);
        IntakeError::single(d)
    })?;
    if !odd.is_empty() {
        // A number used through aliases is reported once, where it is written.
        let mut odd = odd;
        odd.sort_by_key(|s| (s.offset, s.line, s.col));
        odd.dedup();
        return Err(IntakeError::from(
            odd.into_iter()
                .map(|span| Diagnostic::error("intake-syntax", span, NUMBER_SPELLING))
                .collect(),
        ));
    }
    from_node_limited(&node, rs, limits)
}

/// The message for a number that is not written in plain decimal.
pub const NUMBER_SPELLING: &str = "only plain decimal numbers are accepted: a whole number is digits with an optional leading minus (34, -2), with no +, no leading zero, no _ and no 0x, 0o or 0b prefix; a decimal number is written as in JSON (2.5, 1e3)";

struct Reader<'a> {
    rs: &'a RuleSet,
    limits: &'a Limits,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn err(&mut self, code: &'static str, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    fn map<'n>(&mut self, node: &'n Node, what: &str) -> Vec<(&'n str, &'n Node, &'n Node)> {
        let Kind::Map(pairs) = &node.kind else {
            // Text where entries were expected is usually a key whose colon
            // is missing (`age 34`).
            let hint = match node.kind {
                Kind::Str(_) => "; write each entry as `key: value`, with a colon after the key",
                _ => "",
            };
            self.err(
                "wrong-type",
                node.span,
                format!("{what} must be a mapping, not {}{hint}", node.kind_name()),
            );
            return Vec::new();
        };
        let mut out: Vec<(&'n str, &'n Node, &'n Node)> = Vec::new();
        for (k, v) in pairs {
            let Some(key) = k.as_str() else {
                self.err(
                    "wrong-type",
                    k.span,
                    format!("keys in {what} must be text, not {}", k.kind_name()),
                );
                continue;
            };
            if out.iter().any(|(e, _, _)| *e == key) {
                self.err(
                    "duplicate-key",
                    k.span,
                    format!("duplicate key `{}` in {what}", safe_key(key)),
                );
                continue;
            }
            out.push((key, k, v));
        }
        out
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            Kind::Str(s) if s.len() <= self.limits.max_text_bytes => Some(s.clone()),
            Kind::Str(_) => {
                self.err(
                    "intake-limit",
                    node.span,
                    format!(
                        "{what} is longer than the limit of {} bytes",
                        self.limits.max_text_bytes
                    ),
                );
                None
            }
            Kind::Null => None,
            _ => {
                self.err(
                    "wrong-type",
                    node.span,
                    format!("{what} must be text, not {}", node.kind_name()),
                );
                None
            }
        }
    }

    fn check_keys(&mut self, entries: &[(&str, &Node, &Node)], allowed: &[&str], what: &str) {
        for (k, kn, _) in entries {
            if !allowed.contains(k) {
                let help = did_you_mean(k, allowed.iter().copied());
                self.diags.push(
                    Diagnostic::error(
                        "unknown-field",
                        kn.span,
                        format!("unknown field `{}` in {what}", safe_key(k)),
                    )
                    .with_help_opt(help),
                );
            }
        }
    }
}

/// A parser message without the `quoted` text it may carry, which could be
/// part of an answer.
fn without_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut inside = false;
    for c in msg.chars() {
        if c == '`' {
            inside = !inside;
            continue;
        }
        if !inside {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A key shown in a message: ids only; anything else is not repeated.
fn safe_key(k: &str) -> String {
    // Only what is shaped like an id (lower case, digits, `_`): a key in
    // capitals or with spaces is more likely text someone typed.
    if is_id(k) {
        k.to_string()
    } else {
        "(not an id)".to_string()
    }
}

/// Reads an intake already parsed into a tree, with the intake limits.
pub fn from_node(node: &Node, rs: &RuleSet) -> Result<Intake, IntakeError> {
    from_node_limited(node, rs, &Limits::INTAKE)
}

/// Reads an intake already parsed into a tree; `limits` bounds the number
/// of answers and the length of text fields.
pub fn from_node_limited(
    node: &Node,
    rs: &RuleSet,
    limits: &Limits,
) -> Result<Intake, IntakeError> {
    let mut r = Reader {
        rs,
        limits,
        diags: Vec::new(),
    };
    let mut intake = Intake {
        slots: vec![Slot::Absent; rs.questions.len()],
        ..Intake::default()
    };
    if node.kind == Kind::Null {
        return Err(IntakeError::single(Diagnostic::error(
            "intake-format",
            Span {
                line: 1,
                col: 1,
                ..node.span
            },
            "the file is empty; an intake needs at least `intake: 1` and `answers`",
        )));
    }
    let top = r.map(node, "an intake");
    if !r.diags.is_empty() && top.is_empty() {
        return Err(IntakeError::from(r.diags));
    }
    r.check_keys(&top, TOP_KEYS, "an intake");
    let get = |k: &str| top.iter().find(|(e, _, _)| *e == k).map(|(_, _, v)| *v);
    match get("intake") {
        Some(n) => match n.kind {
            Kind::Int(FORMAT_VERSION) => {}
            Kind::Int(_) => r.err(
                "intake-format",
                n.span,
                format!("unsupported intake format version; this version of placement reads `intake: {FORMAT_VERSION}`"),
            ),
            _ => r.err("intake-format", n.span, format!("`intake` is the format version and must be the number {FORMAT_VERSION}")),
        },
        // Without the format version nothing else can be read as an
        // intake (it may be a rule file or another document): say only that.
        None => {
            return Err(IntakeError::single(Diagnostic::error(
                "intake-format",
                Span { line: node.span.line.max(1), col: node.span.col.max(1), ..node.span },
                format!("not an intake file: the field `intake: {FORMAT_VERSION}` (the format version) is missing"),
            )))
        }
    }
    intake.id = get("id").and_then(|n| match &n.kind {
        Kind::Int(i) => Some(i.to_string()),
        _ => r.text(n, "`id`"),
    });
    intake.status = get("status").and_then(|n| {
        let s = r.text(n, "`status`")?;
        if s == "complete" || s == "in_progress" {
            Some(s)
        } else {
            r.err(
                "wrong-type",
                n.span,
                "`status` must be `complete` or `in_progress`",
            );
            None
        }
    });
    intake.assessed_at = get("assessed_at").and_then(|n| r.text(n, "`assessed_at`"));
    intake.assessor = get("assessor").and_then(|n| r.text(n, "`assessor`"));
    intake.comment = get("comment").and_then(|n| r.text(n, "`comment`"));
    if let Some(n) = get("rules") {
        let entries = r.map(n, "`rules`");
        r.check_keys(&entries, &["name", "version", "sha256"], "`rules`");
        let mut rr = RulesRef::default();
        for (k, _, v) in &entries {
            let val = r.text(v, &format!("`rules.{k}`"));
            match *k {
                "name" => rr.name = val,
                "version" => rr.version = val,
                "sha256" => rr.sha256 = val,
                _ => {}
            }
        }
        intake.rules = Some(rr);
    }
    match get("answers") {
        Some(n) if n.kind == Kind::Null => {}
        Some(n) => {
            let entries = r.map(n, "`answers`");
            if entries.len() > limits.max_answers {
                r.err(
                    "intake-limit",
                    n.span,
                    format!(
                        "`answers` has {} entries, more than the limit of {}",
                        entries.len(),
                        limits.max_answers
                    ),
                );
            } else {
                for (k, kn, v) in &entries {
                    answer(&mut r, &mut intake, k, kn, v);
                }
            }
        }
        None => r.err(
            "intake-format",
            Span {
                line: node.span.line.max(1),
                col: node.span.col.max(1),
                ..node.span
            },
            "the intake has no `answers`",
        ),
    }
    if let Some(n) = get("declined") {
        match &n.kind {
            Kind::Seq(items) => {
                for it in items {
                    let Some(id) = it.as_str() else {
                        r.err(
                            "wrong-type",
                            it.span,
                            "entries of `declined` must be question ids",
                        );
                        continue;
                    };
                    match rs.question(id) {
                        Some(q) => match intake.slots[q] {
                            Slot::Absent => intake.slots[q] = Slot::Declined,
                            Slot::Declined => r.err(
                                "duplicate-key",
                                it.span,
                                format!("`{id}` is listed twice in `declined`"),
                            ),
                            _ => r.err(
                                "declined-and-answered",
                                it.span,
                                format!("`{id}` is both answered and declined"),
                            ),
                        },
                        None => {
                            let listed = Node::texts(items);
                            let help = did_you_mean_unlisted(
                                id,
                                rs.questions.iter().map(|q| q.id.as_str()),
                                &listed,
                            );
                            r.diags.push(
                                Diagnostic::error("unknown-question", it.span, format!("`declined` names `{}`, which is not a question of rule set `{}`", safe_key(id), rs.name))
                                    .with_help_opt(help),
                            );
                        }
                    }
                }
            }
            Kind::Null => {}
            _ => r.err(
                "wrong-type",
                n.span,
                format!(
                    "`declined` must be a list of question ids, not {}",
                    n.kind_name()
                ),
            ),
        }
    }
    if let Some(n) = get("acknowledged_flags") {
        if let Kind::Seq(items) = &n.kind {
            for it in items {
                let entries = r.map(it, "an acknowledged flag");
                r.check_keys(
                    &entries,
                    &["id", "at", "by", "action", "note"],
                    "an acknowledged flag",
                );
                let f = |k: &str| entries.iter().find(|(e, _, _)| *e == k).map(|(_, _, v)| *v);
                let id = f("id").and_then(|v| r.text(v, "flag `id`"));
                let at = f("at").and_then(|v| r.text(v, "flag `at`"));
                let by = f("by").and_then(|v| r.text(v, "flag `by`"));
                let note = f("note").and_then(|v| r.text(v, "flag `note`"));
                let action = f("action").and_then(|v| flag_action(&mut r, v, id.as_deref()));
                if let Some(a) = rs
                    .flag_actions
                    .iter()
                    .find(|a| Some(&a.id) == action.as_ref())
                {
                    if a.note_required && note.as_deref().is_none_or(|s| s.trim().is_empty()) {
                        r.err(
                            "missing-field",
                            it.span,
                            format!("flag action `{}` needs a `note`", a.id),
                        );
                    }
                }
                match id {
                    Some(id) => intake.acknowledged_flags.push(AckFlag {
                        id,
                        at,
                        by,
                        action,
                        note,
                    }),
                    None => r.err(
                        "missing-field",
                        it.span,
                        "an acknowledged flag needs an `id`",
                    ),
                }
            }
        } else if n.kind != Kind::Null {
            r.err("wrong-type", n.span, "`acknowledged_flags` must be a list");
        }
    }
    if let Some(n) = get("recommendation") {
        let entries = r.map(n, "`recommendation`");
        r.check_keys(
            &entries,
            &["level", "max_level", "supports"],
            "`recommendation`",
        );
        let mut rec = StoredRecommendation::default();
        for (k, _, v) in &entries {
            match *k {
                "level" => rec.level = r.text(v, "`recommendation.level`"),
                "supports" => {
                    if let Kind::Seq(items) = &v.kind {
                        rec.supports = items
                            .iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect();
                    }
                }
                _ => {}
            }
        }
        intake.recommendation = Some(rec);
    }
    if let Some(n) = get("placement") {
        if n.kind != Kind::Null {
            intake.placement = placement(&mut r, n);
        }
    }
    if r.diags.is_empty() {
        Ok(intake)
    } else {
        Err(IntakeError::from(r.diags))
    }
}

/// The `action` of an acknowledged flag: one of the rule set's flag
/// actions, and one offered for that flag when the flag lists its own.
fn flag_action(r: &mut Reader, v: &Node, flag: Option<&str>) -> Option<String> {
    let rs = r.rs;
    let id = r.text(v, "flag `action`")?;
    let Some(i) = rs.flag_actions.iter().position(|a| a.id == id) else {
        let help = if rs.flag_actions.is_empty() {
            Some(format!("rule set `{}` has no flag actions", rs.name))
        } else if is_id(&id) {
            did_you_mean(&id, rs.flag_actions.iter().map(|a| a.id.as_str()))
        } else {
            None
        };
        r.diags.push(
            Diagnostic::error(
                "unknown-action",
                v.span,
                format!(
                    "the `action` of an acknowledged flag is not a flag action of rule set `{}`",
                    rs.name
                ),
            )
            .with_help_opt(help),
        );
        return None;
    };
    let offered = |f: &crate::rules::model::Flag| f.actions.is_empty() || f.actions.contains(&i);
    if let Some(f) = rs.flags.iter().find(|f| Some(f.id.as_str()) == flag) {
        if !offered(f) {
            r.diags.push(
                Diagnostic::error(
                    "unknown-action",
                    v.span,
                    format!(
                        "flag action `{id}` is not one of the actions of flag `{}`",
                        f.id
                    ),
                )
                .with_help(format!(
                    "its actions: {}",
                    f.actions
                        .iter()
                        .map(|&a| rs.flag_actions[a].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            return None;
        }
    }
    Some(id)
}

fn placement(r: &mut Reader, n: &Node) -> Option<Placement> {
    let entries = r.map(n, "`placement`");
    r.check_keys(&entries, &["level", "reason", "note"], "`placement`");
    let f = |k: &str| entries.iter().find(|(e, _, _)| *e == k).map(|(_, _, v)| *v);
    let rs = r.rs;
    let level = match f("level") {
        Some(v) => {
            let id = r.text(v, "`placement.level`")?;
            match rs.level_index(&id) {
                Some(l) => l,
                None => {
                    let help = did_you_mean(&id, rs.levels.iter().map(|l| l.id.as_str()));
                    r.diags.push(
                        Diagnostic::error(
                            "unknown-level",
                            v.span,
                            format!("`placement.level` is not a level of rule set `{}`", rs.name),
                        )
                        .with_help_opt(help.or_else(|| {
                            Some(format!(
                                "levels: {}",
                                rs.levels
                                    .iter()
                                    .map(|l| l.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        })),
                    );
                    return None;
                }
            }
        }
        None => {
            r.err("missing-field", n.span, "`placement` needs a `level`");
            return None;
        }
    };
    let reason = match f("reason") {
        Some(v) if v.kind == Kind::Null => None,
        Some(v) => {
            let id = r.text(v, "`placement.reason`")?;
            match rs.override_reasons.iter().position(|o| o.id == id) {
                Some(i) => Some(i),
                None => {
                    let help = did_you_mean(&id, rs.override_reasons.iter().map(|o| o.id.as_str()));
                    r.diags.push(
                        Diagnostic::error(
                            "unknown-reason",
                            v.span,
                            format!(
                                "`placement.reason` is not an override reason of rule set `{}`",
                                rs.name
                            ),
                        )
                        .with_help_opt(help),
                    );
                    return None;
                }
            }
        }
        None => None,
    };
    let note = f("note").and_then(|v| r.text(v, "`placement.note`"));
    if let Some(i) = reason {
        if rs.override_reasons[i].note_required
            && note.as_deref().is_none_or(|s| s.trim().is_empty())
        {
            r.err(
                "missing-field",
                n.span,
                format!(
                    "override reason `{}` needs a `note`",
                    rs.override_reasons[i].id
                ),
            );
        }
    }
    Some(Placement {
        level,
        reason,
        note,
    })
}

fn answer(r: &mut Reader, intake: &mut Intake, key: &str, kn: &Node, v: &Node) {
    let rs = r.rs;
    let Some(q) = rs.question(key) else {
        let help = if is_id(key) {
            did_you_mean(key, rs.questions.iter().map(|q| q.id.as_str()))
        } else {
            None
        };
        r.diags.push(
            Diagnostic::error(
                "unknown-question",
                kn.span,
                format!(
                    "`{}` is not a question of rule set `{}`",
                    safe_key(key),
                    rs.name
                ),
            )
            .with_help_opt(help),
        );
        return;
    };
    if v.kind == Kind::Null {
        return;
    }
    let question = &rs.questions[q];
    let id = &question.id;
    let wrong = |r: &mut Reader, expected: &str| {
        r.err(
            "wrong-type",
            v.span,
            format!("answer to `{id}` must be {expected}, not {}", v.kind_name()),
        );
    };
    let slot = match &question.kind {
        QuestionKind::YesNo => match v.kind {
            Kind::Bool(b) => Slot::Num(if b { 1.0 } else { 0.0 }),
            _ => {
                wrong(r, "true or false");
                return;
            }
        },
        QuestionKind::Integer {
            min, max, allowed, ..
        } => match v.kind {
            Kind::Int(i) => {
                let ok = match allowed {
                    Some(a) => a.contains(&i),
                    None => i >= *min && i <= *max,
                };
                if !ok {
                    let range = match allowed {
                        Some(a) => format!(
                            "one of {}",
                            a.iter()
                                .map(|x| x.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => format!("from {min} to {max}"),
                    };
                    r.err(
                        "out-of-range",
                        v.span,
                        format!("answer to `{id}` is out of range: it must be {range}"),
                    );
                    return;
                }
                Slot::Num(i as f64)
            }
            Kind::Float(x) if x.abs() >= 9.2e18 => {
                // Too large for a whole number (e.g. 20 digits).
                r.err(
                    "out-of-range",
                    v.span,
                    format!("answer to `{id}` is out of range: it must be from {min} to {max}"),
                );
                return;
            }
            Kind::Float(_) => {
                r.err(
                    "wrong-type",
                    v.span,
                    format!(
                        "answer to `{id}` must be a whole number from {min} to {max}, not a decimal number"
                    ),
                );
                return;
            }
            _ => {
                wrong(r, &format!("a whole number from {min} to {max}"));
                return;
            }
        },
        QuestionKind::Number { min, max } => {
            let x = match v.kind {
                Kind::Int(i) => i as f64,
                Kind::Float(f) => f,
                _ => {
                    wrong(r, "a number");
                    return;
                }
            };
            if !(x >= *min && x <= *max) {
                r.err(
                    "out-of-range",
                    v.span,
                    format!("answer to `{id}` is out of range: it must be from {min} to {max}"),
                );
                return;
            }
            Slot::Num(if x == 0.0 { 0.0 } else { x })
        }
        QuestionKind::SingleChoice(options) => match &v.kind {
            Kind::Str(s) => match options.iter().position(|o| &o.id == s) {
                Some(i) => Slot::Num(i as f64),
                None => {
                    r.diags.push(
                        Diagnostic::error(
                            "unknown-option",
                            v.span,
                            format!("answer to `{id}` is not one of its options"),
                        )
                        .with_help(format!(
                            "options: {}",
                            options
                                .iter()
                                .map(|o| o.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    return;
                }
            },
            _ => {
                wrong(r, "one of its option ids");
                return;
            }
        },
        QuestionKind::MultiChoice(options) => match &v.kind {
            Kind::Seq(items) => {
                let mut mask = 0u64;
                for it in items {
                    match it
                        .as_str()
                        .and_then(|s| options.iter().position(|o| o.id == s))
                    {
                        Some(i) if mask & (1 << i) != 0 => {
                            r.err(
                                "duplicate-key",
                                it.span,
                                format!("an option is listed twice in the answer to `{id}`"),
                            );
                            return;
                        }
                        Some(i) => mask |= 1 << i,
                        None => {
                            r.diags.push(
                                Diagnostic::error("unknown-option", it.span, format!("an entry in the answer to `{id}` is not one of its options"))
                                    .with_help(format!("options: {}", options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", "))),
                            );
                            return;
                        }
                    }
                }
                if exclusive_violated(mask, question.kind.exclusive_mask()) {
                    r.err(
                        "exclusive-option",
                        v.span,
                        format!(
                            "`{id}`: an exclusive option is ticked together with other options"
                        ),
                    );
                    return;
                }
                Slot::Multi(mask)
            }
            _ => {
                wrong(r, "a list of option ids");
                return;
            }
        },
        QuestionKind::Text { max_length } => match &v.kind {
            Kind::Str(s) => {
                if s.chars().count() > *max_length {
                    r.err(
                        "intake-limit",
                        v.span,
                        format!("answer to `{id}` is longer than {max_length} characters"),
                    );
                    return;
                }
                intake.texts.push((q, s.clone()));
                Slot::Text
            }
            _ => {
                wrong(r, "text");
                return;
            }
        },
    };
    intake.slots[q] = slot;
}

/// Whether a multi-choice answer (`mask`) ticks an exclusive option (one of
/// `exclusive`) together with any other option.
pub fn exclusive_violated(mask: u64, exclusive: u64) -> bool {
    mask & exclusive != 0 && mask.count_ones() > 1
}

/// An intake as the JSON (or YAML) value of the intake format, fields in
/// the documented order, answers in question order.
pub fn to_json(rs: &RuleSet, intake: &Intake) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut m = Map::new();
    m.insert("intake".into(), json!(FORMAT_VERSION));
    let opt = |m: &mut Map<String, Value>, k: &str, v: &Option<String>| {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    };
    opt(&mut m, "id", &intake.id);
    opt(&mut m, "status", &intake.status);
    opt(&mut m, "assessed_at", &intake.assessed_at);
    opt(&mut m, "assessor", &intake.assessor);
    opt(&mut m, "comment", &intake.comment);
    if let Some(r) = &intake.rules {
        let mut rm = Map::new();
        opt(&mut rm, "name", &r.name);
        opt(&mut rm, "version", &r.version);
        opt(&mut rm, "sha256", &r.sha256);
        m.insert("rules".into(), Value::Object(rm));
    }
    let mut answers = Map::new();
    let mut declined = Vec::new();
    for (q, slot) in intake.slots.iter().enumerate() {
        let question = &rs.questions[q];
        let v = match (slot, &question.kind) {
            (Slot::Absent, _) => continue,
            (Slot::Declined, _) => {
                declined.push(json!(question.id));
                continue;
            }
            (Slot::Num(x), QuestionKind::YesNo) => json!(*x != 0.0),
            (Slot::Num(x), QuestionKind::SingleChoice(o)) => {
                json!(o.get(*x as usize).map(|o| o.id.as_str()))
            }
            (Slot::Num(x), QuestionKind::Integer { .. }) => json!(*x as i64),
            (Slot::Num(x), _) => json!(x),
            (Slot::Multi(mask), kind) => json!(kind
                .options()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, o)| o.id.as_str())
                .collect::<Vec<_>>()),
            (Slot::Text, _) => json!(intake
                .texts
                .iter()
                .find(|(i, _)| *i == q)
                .map(|(_, t)| t.as_str())
                .unwrap_or("")),
        };
        answers.insert(question.id.clone(), v);
    }
    m.insert("answers".into(), Value::Object(answers));
    if !declined.is_empty() {
        m.insert("declined".into(), Value::Array(declined));
    }
    if !intake.acknowledged_flags.is_empty() {
        let flags: Vec<Value> = intake
            .acknowledged_flags
            .iter()
            .map(|f| {
                let mut fm = Map::new();
                fm.insert("id".into(), json!(f.id));
                opt(&mut fm, "at", &f.at);
                opt(&mut fm, "by", &f.by);
                opt(&mut fm, "action", &f.action);
                opt(&mut fm, "note", &f.note);
                Value::Object(fm)
            })
            .collect();
        m.insert("acknowledged_flags".into(), Value::Array(flags));
    }
    if let Some(r) = &intake.recommendation {
        let mut rm = Map::new();
        opt(&mut rm, "level", &r.level);
        rm.insert("supports".into(), json!(r.supports));
        m.insert("recommendation".into(), Value::Object(rm));
    }
    if let Some(p) = &intake.placement {
        let mut pm = Map::new();
        pm.insert("level".into(), json!(rs.levels[p.level].id));
        if let Some(r) = p.reason {
            pm.insert("reason".into(), json!(rs.override_reasons[r].id));
        }
        opt(&mut pm, "note", &p.note);
        m.insert("placement".into(), Value::Object(pm));
    }
    Value::Object(m)
}
