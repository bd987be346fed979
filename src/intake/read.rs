//! Reading an intake: text (YAML or JSON) or an already parsed tree into an
//! [`Intake`], with every problem collected and the first one reported.

use super::answers::answer;
use super::decisions::{flag_action, placement};
use super::reader::{without_quoted, Reader};
use super::record;
use super::{
    AckFlag, Intake, IntakeError, NoAnswer, RulesRef, Slot, StoredRecommendation, FORMAT_VERSION,
};
use crate::diag::{Diagnostic, Span};
use crate::rules::model::RuleSet;
use crate::yaml::{self, Kind, Limits, Node};

const TOP_KEYS: &[&str] = &[
    "intake",
    "id",
    "status",
    "started_at",
    "assessed_at",
    "updated_at",
    "assessor",
    "client",
    "comment",
    "rules",
    "reassessment",
    "answers",
    "declined",
    "unknown",
    "not_applicable",
    "notes",
    "sources",
    "acknowledged_flags",
    "recommendation",
    "placement",
    "history",
];

/// Reads an intake from text (YAML or JSON).
pub fn parse(text: &str, rs: &RuleSet, limits: &Limits) -> Result<Intake, IntakeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // One spelling of numbers, in YAML and JSON files alike: every number
    // is written as JSON writes it, a whole number as plain decimal digits
    // with an optional leading minus. YAML also reads `0x10` as 16, `0b11`
    // as 3, `1_000`, `+34`, and `034` as a decimal number; an intake that
    // says such a thing is refused, never guessed.
    let (node, odd) = yaml::parse_spelled(text, 0, limits).map_err(yaml_error)?;
    from_spelled(&node, odd, rs, limits)
}

/// What one file holds: one intake, or several, each read on its own.
#[derive(Debug)]
pub enum FileIntakes {
    One(Box<Result<Intake, IntakeError>>),
    /// A JSON (or YAML) list of intakes, or YAML documents separated by
    /// `---`: each intake in the order of the file.
    Many(Vec<Result<Intake, IntakeError>>),
}

/// Reads a file that holds one intake ([`parse`]), a list of intakes (a
/// JSON array, as `placement sample --format json` writes), or several
/// YAML documents (as `placement sample --format yaml` writes). Each
/// intake of a list is read, and fails, on its own; lines and columns are
/// places in the whole file.
pub fn parse_file(text: &str, rs: &RuleSet, limits: &Limits) -> FileIntakes {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match yaml::parse_spelled(text, 0, limits) {
        Ok((node, odd)) => match &node.kind {
            _ if crate::fhir::response::resource_type(&node) == Some("Bundle")
                && odd.is_empty() =>
            {
                FileIntakes::Many(
                    crate::fhir::response::bundle_entries(&node)
                        .into_iter()
                        .map(|entry| entry.and_then(|n| from_spelled(n, Vec::new(), rs, limits)))
                        .collect(),
                )
            }
            Kind::Seq(items) if !items.is_empty() => {
                FileIntakes::Many(each(items.iter().collect(), odd, rs, limits))
            }
            _ => FileIntakes::One(Box::new(from_spelled(&node, odd, rs, limits))),
        },
        Err(d) if yaml::is_several_documents(&d) => match yaml::parse_documents(text, 0, limits) {
            Ok((nodes, odd)) => FileIntakes::Many(each(nodes.iter().collect(), odd, rs, limits)),
            Err(d) => FileIntakes::One(Box::new(Err(yaml_error(d)))),
        },
        Err(d) => FileIntakes::One(Box::new(Err(yaml_error(d)))),
    }
}

/// Each of several intakes of one file, with the misspelled numbers that
/// fall within it (between its start and the next one's).
fn each(
    nodes: Vec<&Node>,
    odd: Vec<Span>,
    rs: &RuleSet,
    limits: &Limits,
) -> Vec<Result<Intake, IntakeError>> {
    (0..nodes.len())
        .map(|i| {
            let start = nodes[i].span.offset;
            let end = nodes.get(i + 1).map_or(u32::MAX, |n| n.span.offset);
            let within = odd
                .iter()
                .copied()
                .filter(|s| (start..end).contains(&s.offset))
                .collect();
            from_spelled(nodes[i], within, rs, limits)
        })
        .collect()
}

/// A parse error as an intake error: the intake's codes, and no quoted
/// text from the file (it may be an answer).
fn yaml_error(mut d: Diagnostic) -> IntakeError {
    d.code = match d.code {
        "yaml-limit" => "intake-limit",
        "duplicate-key" => "duplicate-key",
        _ => "intake-syntax",
    };
    d.message = without_quoted(&d.message);
    IntakeError::single(d)
}

/// An intake from its tree, refused when a number in it is not written in
/// plain decimal (`odd`: their places).
fn from_spelled(
    node: &Node,
    odd: Vec<Span>,
    rs: &RuleSet,
    limits: &Limits,
) -> Result<Intake, IntakeError> {
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
    match crate::fhir::response::resource_type(node) {
        None => from_node_limited(node, rs, limits),
        // A FHIR QuestionnaireResponse: read as the native intake it
        // stands for, each value at its place in the response.
        Some("QuestionnaireResponse") => {
            let native = crate::fhir::response::Layout::of(rs).read(rs, node)?;
            from_node_limited(&native, rs, limits)
        }
        Some("Bundle") => Err(IntakeError::single(Diagnostic::error(
            "intake-format",
            node.span,
            "a FHIR Bundle holds several QuestionnaireResponses: give it as a file of its own, not as one intake (one line of JSON Lines takes one QuestionnaireResponse)",
        ))),
        Some(_) => Err(IntakeError::single(Diagnostic::error(
            "intake-format",
            node.span,
            "this is a FHIR resource other than a QuestionnaireResponse (or a Bundle of them); `placement` reads intakes and QuestionnaireResponses",
        ))),
    }
}

/// The message for a number that is not written in plain decimal.
pub const NUMBER_SPELLING: &str = "only plain decimal numbers are accepted: a whole number is digits with an optional leading minus (34, -2), with no +, no leading zero, no _ and no 0x, 0o or 0b prefix; a decimal number is written as in JSON (2.5, 1e3)";

/// Reads an intake already parsed into a tree, with the intake limits.
pub fn from_node(node: &Node, rs: &RuleSet) -> Result<Intake, IntakeError> {
    from_node_limited(node, rs, &Limits::INTAKE)
}

/// Reads an intake already parsed into a tree; `limits` bounds the number
/// of answers and the length of text fields. An error carries the
/// intake's `id` whenever it could be read.
pub fn from_node_limited(
    node: &Node,
    rs: &RuleSet,
    limits: &Limits,
) -> Result<Intake, IntakeError> {
    let mut id = None;
    read_node(node, rs, limits, &mut id).map_err(|mut e| {
        e.id = id;
        e
    })
}

/// [`from_node_limited`], leaving the `id` in `id_read` as soon as it is
/// read.
fn read_node(
    node: &Node,
    rs: &RuleSet,
    limits: &Limits,
    id_read: &mut Option<String>,
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
    // The id first, so that any error below can still name the intake.
    intake.id = get("id").and_then(|n| match &n.kind {
        Kind::Int(i) => Some(i.to_string()),
        _ => r.text(n, "`id`"),
    });
    id_read.clone_from(&intake.id);
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
    intake.started_at = get("started_at").and_then(|n| r.text(n, "`started_at`"));
    intake.assessed_at = get("assessed_at").and_then(|n| r.text(n, "`assessed_at`"));
    intake.updated_at = get("updated_at").and_then(|n| r.text(n, "`updated_at`"));
    intake.assessor = get("assessor").and_then(|n| r.text(n, "`assessor`"));
    intake.client = get("client").and_then(|n| match &n.kind {
        Kind::Int(i) => Some(i.to_string()),
        _ => r.text(n, "`client`"),
    });
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
    for why in NoAnswer::ALL {
        if let Some(n) = get(why.key()) {
            record::no_answers(&mut r, &mut intake, n, why);
        }
    }
    if let Some(n) = get("notes") {
        record::notes(&mut r, &mut intake, n);
    }
    if let Some(n) = get("sources") {
        record::sources(&mut r, &mut intake, n);
    }
    if let Some(n) = get("reassessment") {
        intake.reassessment = record::reassessment(&mut r, n);
    }
    if let Some(n) = get("history") {
        intake.history = record::history(&mut r, n);
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
