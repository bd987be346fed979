//! Writing an intake back, in the format `placement score` reads
//! (docs/intake.md): an [`Intake`] as the JSON value of the intake format
//! ([`to_json`], for `sample`), and as an intake file in YAML ([`to_yaml`],
//! for `assess`).
//!
//! Answers come in question order, typed as their question says. In YAML,
//! every piece of free text is written as a double-quoted scalar with
//! escapes, so quotes, newlines, control characters and any Unicode read
//! back exactly.

use super::record::{
    event_json, flow, no_answer_ids, notes_by_id, reassessment_json, sources_by_id,
};
use super::{Intake, NoAnswer, Recorded, Slot, FORMAT_VERSION};
use crate::rules::model::{QuestionKind, RuleSet};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// An intake as the JSON (or YAML) value of the intake format, fields in
/// the documented order, answers in question order.
pub fn to_json(rs: &RuleSet, intake: &Intake) -> serde_json::Value {
    let mut m = Map::new();
    m.insert("intake".into(), json!(FORMAT_VERSION));
    let opt = |m: &mut Map<String, Value>, k: &str, v: &Option<String>| {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    };
    opt(&mut m, "id", &intake.id);
    opt(&mut m, "status", &intake.status);
    opt(&mut m, "started_at", &intake.started_at);
    opt(&mut m, "assessed_at", &intake.assessed_at);
    opt(&mut m, "updated_at", &intake.updated_at);
    opt(&mut m, "assessor", &intake.assessor);
    opt(&mut m, "client", &intake.client);
    opt(&mut m, "comment", &intake.comment);
    if let Some(r) = &intake.rules {
        let mut rm = Map::new();
        opt(&mut rm, "name", &r.name);
        opt(&mut rm, "version", &r.version);
        opt(&mut rm, "sha256", &r.sha256);
        m.insert("rules".into(), Value::Object(rm));
    }
    if let Some(x) = &intake.reassessment {
        m.insert("reassessment".into(), reassessment_json(rs, x));
    }
    let mut answers = Map::new();
    for q in 0..intake.slots.len().min(rs.questions.len()) {
        if let Recorded::Answer(slot, text) = intake.recorded(q) {
            if let Some(v) = answer_json(rs, q, &slot, text.as_deref()) {
                answers.insert(rs.questions[q].id.clone(), v);
            }
        }
    }
    m.insert("answers".into(), Value::Object(answers));
    for why in NoAnswer::ALL {
        let ids = no_answer_ids(rs, intake, why);
        if !ids.is_empty() {
            m.insert(why.key().into(), json!(ids));
        }
    }
    let notes = notes_by_id(rs, intake);
    if !notes.is_empty() {
        m.insert(
            "notes".into(),
            Value::Object(
                notes
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            ),
        );
    }
    let sources = sources_by_id(rs, intake);
    if !sources.is_empty() {
        m.insert(
            "sources".into(),
            Value::Object(
                sources
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            ),
        );
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
    if !intake.history.is_empty() {
        let events = intake.history.iter().map(|e| event_json(rs, e)).collect();
        m.insert("history".into(), Value::Array(events));
    }
    Value::Object(m)
}

/// The intake as YAML text.
pub fn to_yaml(rs: &RuleSet, intake: &Intake) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "intake: {FORMAT_VERSION}");
    if let Some(id) = &intake.id {
        let _ = writeln!(out, "id: {}", quote(id));
    }
    if let Some(s) = &intake.status {
        let _ = writeln!(out, "status: {}", scalar(s));
    }
    for (key, value) in [
        ("started_at", &intake.started_at),
        ("assessed_at", &intake.assessed_at),
        ("updated_at", &intake.updated_at),
    ] {
        if let Some(s) = value {
            let _ = writeln!(out, "{key}: {}", quote(s));
        }
    }
    if let Some(s) = &intake.assessor {
        let _ = writeln!(out, "assessor: {}", quote(s));
    }
    if let Some(s) = &intake.client {
        let _ = writeln!(out, "client: {}", quote(s));
    }
    if let Some(c) = &intake.comment {
        let _ = writeln!(out, "comment: {}", quote(c));
    }
    if let Some(r) = &intake.rules {
        let mut parts = Vec::new();
        if let Some(n) = &r.name {
            parts.push(format!("name: {}", quote(n)));
        }
        if let Some(v) = &r.version {
            parts.push(format!("version: {}", quote(v)));
        }
        if let Some(h) = &r.sha256 {
            parts.push(format!("sha256: {}", quote(h)));
        }
        let _ = writeln!(out, "rules: {{{}}}", parts.join(", "));
    }
    if let Some(x) = &intake.reassessment {
        let _ = writeln!(
            out,
            "reassessment: {}",
            flow(&reassessment_json(rs, x), false)
        );
    }
    let mut answers = String::new();
    for q in 0..intake.slots.len().min(rs.questions.len()) {
        if let Recorded::Answer(slot, text) = intake.recorded(q) {
            if let Some(v) = answer_json(rs, q, &slot, text.as_deref()) {
                // Option ids plain where YAML allows, free text quoted.
                let ids = rs.questions[q].kind.options().is_some();
                let _ = writeln!(
                    answers,
                    "  {}: {}",
                    scalar(&rs.questions[q].id),
                    flow(&v, ids)
                );
            }
        }
    }
    if answers.is_empty() {
        out.push_str("answers: {}\n");
    } else {
        out.push_str("answers:\n");
        out.push_str(&answers);
    }
    for why in NoAnswer::ALL {
        let ids = no_answer_ids(rs, intake, why);
        if !ids.is_empty() {
            let ids: Vec<String> = ids.iter().map(|s| scalar(s)).collect();
            let _ = writeln!(out, "{}: [{}]", why.key(), ids.join(", "));
        }
    }
    let notes = notes_by_id(rs, intake);
    if !notes.is_empty() {
        out.push_str("notes:\n");
        for (id, note) in notes {
            let _ = writeln!(out, "  {}: {}", scalar(id), quote(note));
        }
    }
    let sources = sources_by_id(rs, intake);
    if !sources.is_empty() {
        out.push_str("sources:\n");
        for (id, source) in sources {
            let _ = writeln!(out, "  {}: {}", scalar(id), scalar(source));
        }
    }
    if !intake.acknowledged_flags.is_empty() {
        out.push_str("acknowledged_flags:\n");
        for f in &intake.acknowledged_flags {
            let mut parts = vec![format!("id: {}", scalar(&f.id))];
            if let Some(at) = &f.at {
                parts.push(format!("at: {}", quote(at)));
            }
            if let Some(by) = &f.by {
                parts.push(format!("by: {}", quote(by)));
            }
            if let Some(action) = &f.action {
                parts.push(format!("action: {}", scalar(action)));
            }
            if let Some(note) = &f.note {
                parts.push(format!("note: {}", quote(note)));
            }
            let _ = writeln!(out, "  - {{{}}}", parts.join(", "));
        }
    }
    if let Some(rec) = &intake.recommendation {
        let mut parts = Vec::new();
        if let Some(l) = &rec.level {
            parts.push(format!("level: {}", scalar(l)));
        }
        let supports: Vec<String> = rec.supports.iter().map(|s| scalar(s)).collect();
        parts.push(format!("supports: [{}]", supports.join(", ")));
        let _ = writeln!(out, "recommendation: {{{}}}", parts.join(", "));
    }
    if let Some(p) = &intake.placement {
        out.push_str("placement:\n");
        if let Some(l) = rs.levels.get(p.level) {
            let _ = writeln!(out, "  level: {}", scalar(&l.id));
        }
        if let Some(r) = p.reason.and_then(|r| rs.override_reasons.get(r)) {
            let _ = writeln!(out, "  reason: {}", scalar(&r.id));
        }
        if let Some(n) = &p.note {
            let _ = writeln!(out, "  note: {}", quote(n));
        }
    }
    if !intake.history.is_empty() {
        out.push_str("history:\n");
        for e in &intake.history {
            let _ = writeln!(out, "  - {}", flow(&event_json(rs, e), false));
        }
    }
    out
}

/// An answer to question `q` as the intake format's JSON value (`None` for
/// a slot that does not fit its question: that cannot come from reading a
/// file or from the interview, and is left out rather than written so that
/// it would not read back).
pub(super) fn answer_json(
    rs: &RuleSet,
    q: usize,
    slot: &Slot,
    text: Option<&str>,
) -> Option<Value> {
    Some(match (slot, &rs.questions.get(q)?.kind) {
        (Slot::Num(x), QuestionKind::YesNo) => json!(*x != 0.0),
        (Slot::Num(x), QuestionKind::SingleChoice(o)) => json!(o.get(*x as usize)?.id),
        (Slot::Num(x), QuestionKind::Integer { .. }) => json!(*x as i64),
        (Slot::Num(x), QuestionKind::Number { .. }) => json!(x),
        (Slot::Multi(mask), QuestionKind::MultiChoice(o)) => json!(o
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
            .map(|(_, o)| o.id.as_str())
            .collect::<Vec<_>>()),
        (Slot::Text, QuestionKind::Text { .. }) => json!(text?),
        _ => return None,
    })
}

pub(super) fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        // `{:?}` is the shortest text that reads back to the same f64.
        format!("{x:?}")
    }
}

/// Words a YAML reader could take for something other than text.
const RESERVED: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];

/// An id as a plain scalar when that reads back as the same text, else
/// quoted.
pub fn scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&s);
    if plain {
        s.to_string()
    } else {
        quote(s)
    }
}

/// A double-quoted YAML scalar. Everything outside YAML's printable set,
/// and the characters that readers treat specially (line and paragraph
/// separators, a byte-order mark), is escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake::{
        parse, AckFlag, Event, EventKind, NoAnswer, Placement, Previous, Reassessment, Recorded,
        RulesRef, StoredRecommendation,
    };
    use crate::yaml::Limits;

    fn rs() -> &'static RuleSet {
        static RS: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RS.get_or_init(|| crate::rules::load_default().expect("default rules").rules)
    }

    #[test]
    fn quotes_what_needs_quoting() {
        assert_eq!(quote("a \"b\" \\ c\nd"), r#""a \"b\" \\ c\nd""#);
        assert_eq!(quote("\u{7}\u{85}"), "\"\\u0007\\u0085\"");
        assert_eq!(scalar("alcohol"), "alcohol");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("Mixed"), "\"Mixed\"");
    }

    #[test]
    fn numbers_read_back_exactly() {
        for x in [0.0, 3.0, -2.0, 2.5, 0.1, 1e-7, 123456.789, 1e20] {
            let text = number(x);
            let node = crate::yaml::parse(&format!("a: {text}\n"), 0, &Limits::INTAKE).unwrap();
            let crate::yaml::Kind::Map(pairs) = node.kind else {
                panic!()
            };
            let back = match pairs[0].1.kind {
                crate::yaml::Kind::Int(i) => i as f64,
                crate::yaml::Kind::Float(f) => f,
                ref k => panic!("{k:?}"),
            };
            assert_eq!(back, x, "{text}");
        }
    }

    #[test]
    fn every_option_id_of_the_default_set_reads_back() {
        let rs = rs();
        // Twice: every option that may be ticked with others, then every
        // exclusive option on its own.
        for exclusive in [false, true] {
            let mut slots = vec![Slot::Absent; rs.questions.len()];
            for (q, question) in rs.questions.iter().enumerate() {
                slots[q] = match &question.kind {
                    QuestionKind::SingleChoice(o) => Slot::Num((o.len() - 1) as f64),
                    QuestionKind::MultiChoice(o) => Slot::Multi(
                        o.iter()
                            .enumerate()
                            .filter(|(_, o)| o.exclusive == exclusive)
                            .fold(0, |m, (i, _)| m | (1u64 << i)),
                    ),
                    QuestionKind::YesNo => Slot::Num(1.0),
                    QuestionKind::Integer { max, allowed, .. } => Slot::Num(
                        allowed
                            .as_ref()
                            .and_then(|a| a.last().copied())
                            .unwrap_or(*max) as f64,
                    ),
                    QuestionKind::Number { max, .. } => Slot::Num(*max),
                    QuestionKind::Text { .. } => Slot::Declined,
                };
            }
            let intake = Intake {
                slots,
                ..Intake::default()
            };
            let text = to_yaml(rs, &intake);
            let back = parse(&text, rs, &Limits::INTAKE)
                .unwrap_or_else(|e| panic!("{}\n{text}", e.message()));
            assert_eq!(back.slots, intake.slots);
        }
    }

    #[test]
    fn round_trips_a_full_intake() {
        let rs = rs();
        let mut slots = vec![Slot::Absent; rs.questions.len()];
        let q = |id: &str| rs.question(id).unwrap();
        slots[q("age")] = Slot::Num(34.0);
        slots[q("sex_at_birth")] = Slot::Num(1.0);
        slots[q("substances")] = Slot::Multi(0b100_0100);
        slots[q("reason_for_visit")] = Slot::Text;
        slots[q("phq9_9")] = Slot::Num(2.0);
        slots[q("intoxicated_now")] = Slot::Num(0.0);
        slots[q("referral_source")] = Slot::Declined;
        slots[q("phq9_1")] = Slot::Declined;
        slots[q("phq9_2")] = Slot::Declined;
        let event = |by: &str, what| Event {
            at: Some("2026-11-26T14:00:00Z".into()),
            by: Some(by.into()),
            what,
        };
        let intake = Intake {
            id: Some("2026-0042".into()),
            status: Some("complete".into()),
            started_at: Some("2026-11-26T13:41:00Z".into()),
            assessed_at: Some("2026-11-26T14:05:00Z".into()),
            updated_at: Some("2026-11-26T14:06:10Z".into()),
            assessor: Some("staff: 17 \"B\"".into()),
            client: Some("C-1042".into()),
            comment: None,
            rules: Some(RulesRef {
                name: Some(rs.name.clone()),
                version: Some(rs.version.clone()),
                sha256: Some(rs.sha256.clone()),
            }),
            slots,
            texts: vec![(
                q("reason_for_visit"),
                "She said: \"I can't stop\"\nsecond line\ttab — ünï ✓ 😀 'x' #no comment: [a]"
                    .into(),
            )],
            no_answer: vec![
                (q("phq9_1"), NoAnswer::Unknown),
                (q("phq9_2"), NoAnswer::NotApplicable),
            ],
            notes: vec![(q("age"), "from the ID card \"x\"\nsecond".into())],
            sources: vec![(q("age"), 2), (q("phq9_9"), 0)],
            history: vec![
                event("staff-17", EventKind::Started),
                event(
                    "staff-17",
                    EventKind::Changed {
                        question: q("phq9_9"),
                        from: Recorded::Answer(Slot::Num(1.0), None),
                        to: Recorded::Answer(Slot::Num(2.0), None),
                    },
                ),
                event(
                    "staff-99",
                    EventKind::Changed {
                        question: q("reason_for_visit"),
                        from: Recorded::NoAnswer(NoAnswer::Unknown),
                        to: Recorded::Answer(Slot::Text, Some("a \"b\"\nc".into())),
                    },
                ),
                event("staff-99", EventKind::Resumed),
                event(
                    "staff-99",
                    EventKind::Acknowledged {
                        flag: "self_harm_thoughts".into(),
                        action: Some("other".into()),
                        note: Some("n\n2".into()),
                    },
                ),
                event(
                    "staff-99",
                    EventKind::Placed(Placement {
                        level: rs.level_index("php").unwrap(),
                        reason: rs.override_reasons.iter().position(|r| r.id == "other"),
                        note: Some("multi\nline \"note\"".into()),
                    }),
                ),
            ],
            reassessment: Some(Reassessment {
                previous: Previous {
                    id: Some("2026-0007".into()),
                    sha256: Some("ab".repeat(32)),
                    assessed_at: Some("2026-10-01T09:00:00Z".into()),
                },
                changed: vec![q("age"), q("phq9_9")],
            }),
            acknowledged_flags: vec![AckFlag {
                id: "self_harm_thoughts".into(),
                at: Some("2026-11-26T14:12:00Z".into()),
                by: Some("staff-17".into()),
                action: Some("other".into()),
                note: Some("Called the crisis line \"now\"\nsecond line".into()),
            }],
            recommendation: Some(StoredRecommendation {
                level: Some("iop".into()),
                supports: vec!["sober_living".into()],
            }),
            placement: Some(Placement {
                level: rs.level_index("php").unwrap(),
                reason: rs.override_reasons.iter().position(|r| r.id == "other"),
                note: Some("multi\nline \"note\"".into()),
            }),
        };
        let text = to_yaml(rs, &intake);
        let back =
            parse(&text, rs, &Limits::INTAKE).unwrap_or_else(|e| panic!("{}\n{text}", e.message()));
        assert_eq!(back, intake, "{text}");
        let json = serde_json::to_string(&to_json(rs, &intake)).unwrap();
        let back =
            parse(&json, rs, &Limits::INTAKE).unwrap_or_else(|e| panic!("{}\n{json}", e.message()));
        assert_eq!(back, intake, "{json}");
        assert!(
            text.contains("{event: changed, question: phq9_9, from: 1, to: 2, at: \"2026-11-26T14:00:00Z\", by: \"staff-17\"}"),
            "{text}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_round_trips(s in "\\PC{0,60}|[\\x00-\\x7f\\u{80}-\\u{10ffff}]{0,60}") {
            let rs = rs();
            let q = rs.question("reason_for_visit").unwrap();
            let mut slots = vec![Slot::Absent; rs.questions.len()];
            slots[q] = Slot::Text;
            let intake = Intake { slots, texts: vec![(q, s.clone())], assessor: Some(s.clone()), ..Intake::default() };
            let text = to_yaml(rs, &intake);
            let back = parse(&text, rs, &Limits::INTAKE).map_err(|e| e.message());
            proptest::prop_assert_eq!(back, Ok(intake));
        }
    }
}
