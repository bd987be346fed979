//! The JSON record of `product.md`.

use super::{Failure, Record, Scored};
use crate::rules::RuleSet;
use serde_json::{json, Map, Value};

pub const TOOL_NAME: &str = "placement";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn record(rs: &RuleSet, r: &Record) -> Value {
    match r {
        Record::Scored(s) => scored(rs, s),
        Record::Failed(f) => failure(f),
    }
}

pub fn failure(f: &Failure) -> Value {
    let mut m = Map::new();
    m.insert("source".into(), json!(f.source));
    m.insert("error".into(), json!(f.message));
    m.insert("code".into(), json!(f.code));
    if let Some(l) = f.line {
        m.insert("line".into(), json!(l));
    }
    if let Some(c) = f.column {
        m.insert("column".into(), json!(c));
    }
    Value::Object(m)
}

pub fn rules_ref(rs: &RuleSet) -> Value {
    json!({"name": rs.name, "version": rs.version, "sha256": rs.sha256})
}

pub fn scored(rs: &RuleSet, s: &Scored) -> Value {
    let a = &s.assessment;
    let level_id = |l: usize| rs.levels[l].id.clone();
    let mut dims = Map::new();
    for (d, dr) in rs.dimensions.iter().zip(&a.dimensions) {
        let deciding = dr.deciding_rules(d);
        dims.insert(
            d.id.clone(),
            json!({
                "rating": dr.rating,
                "max_rating": dr.max_rating,
                "min_level": level_id(dr.min_level),
                "reasons": deciding.iter().map(|&i| d.rules[i].why.clone()).collect::<Vec<_>>(),
                "rules": deciding.iter().map(|&i| d.rules[i].id.clone()).collect::<Vec<_>>(),
            }),
        );
    }
    let mut insts = Map::new();
    for (inst, ir) in rs.instruments.iter().zip(&a.instruments) {
        let mut m = Map::new();
        m.insert("total".into(), json!(ir.total));
        m.insert("band".into(), json!(ir.band.map(|b| inst.bands[b].id.clone())));
        m.insert(
            "missing".into(),
            json!(ir.missing.iter().map(|&q| rs.questions[q].id.clone()).collect::<Vec<_>>()),
        );
        if !ir.applicable {
            m.insert("applicable".into(), json!(false));
        }
        insts.insert(inst.id.clone(), Value::Object(m));
    }
    let flag = |i: &usize| {
        let f = &rs.flags[*i];
        json!({"id": f.id, "severity": f.severity.as_str(), "message": f.message})
    };
    let escalations: Vec<Value> = rs
        .escalations
        .iter()
        .zip(&a.escalations)
        .filter(|(_, t)| **t == crate::cond::Tri::True)
        .map(|(e, _)| json!({"id": e.id, "level": level_id(e.level), "why": e.why}))
        .collect();
    let placement = match &s.intake.placement {
        Some(p) => json!({
            "level": level_id(p.level),
            "reason": p.reason.map(|r| rs.override_reasons[r].id.clone()),
            "note": p.note,
        }),
        None => Value::Null,
    };
    let mut m = Map::new();
    m.insert("source".into(), json!(s.source));
    m.insert("id".into(), json!(s.intake.id));
    m.insert("level".into(), json!(level_id(a.level)));
    m.insert("max_level".into(), json!(level_id(a.max_level)));
    m.insert(
        "could_raise".into(),
        json!(a.could_raise.iter().map(|&q| rs.questions[q].id.clone()).collect::<Vec<_>>()),
    );
    m.insert(
        "supports".into(),
        json!(a.supports.iter().map(|&i| rs.supports[i].id.clone()).collect::<Vec<_>>()),
    );
    m.insert("dimensions".into(), Value::Object(dims));
    m.insert("escalations".into(), Value::Array(escalations));
    m.insert("instruments".into(), Value::Object(insts));
    m.insert("flags".into(), Value::Array(a.flags.iter().map(flag).collect()));
    m.insert("possible_flags".into(), Value::Array(a.possible_flags.iter().map(flag).collect()));
    m.insert("complete".into(), json!(a.complete()));
    m.insert(
        "missing".into(),
        json!(a.missing.iter().map(|&q| rs.questions[q].id.clone()).collect::<Vec<_>>()),
    );
    m.insert("warnings".into(), json!(a.warnings));
    m.insert("rules".into(), rules_ref(rs));
    m.insert("tool".into(), json!({"name": TOOL_NAME, "version": TOOL_VERSION}));
    m.insert("placement".into(), placement);
    m.insert("overridden".into(), json!(s.overridden()));
    if let Some(changed) = s.recommendation_changed(rs) {
        m.insert("recommendation_changed".into(), json!(changed));
    }
    Value::Object(m)
}
