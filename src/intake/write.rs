//! Writing an intake back: an [`Intake`] as the value of the intake format.

use super::{Intake, Slot, FORMAT_VERSION};
use crate::rules::model::{QuestionKind, RuleSet};

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
