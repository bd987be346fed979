//! The JSON record of `product.md`, written straight from the assessment
//! through `serde::Serialize` (no intermediate maps), so batch output stays
//! cheap. [`record`] gives the same as a `serde_json::Value`.

use super::{Failure, Record, Scored};
use crate::cond::Tri;
use crate::rules::RuleSet;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::Value;

pub const TOOL_NAME: &str = "placement";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A record ready to serialize.
pub struct View<'a> {
    pub rs: &'a RuleSet,
    pub record: &'a Record,
}

pub fn record(rs: &RuleSet, r: &Record) -> Value {
    serde_json::to_value(View { rs, record: r }).unwrap_or(Value::Null)
}

/// Appends one record as compact JSON to `out`.
pub fn write_record(rs: &RuleSet, r: &Record, out: &mut Vec<u8>) {
    // Serializing plain data into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, &View { rs, record: r });
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.record {
            Record::Failed(f) => failure(f, s),
            Record::Scored(sc) => scored(self.rs, sc, s),
        }
    }
}

fn failure<S: Serializer>(f: &Failure, s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(None)?;
    m.serialize_entry("source", &f.source)?;
    m.serialize_entry("error", &f.message)?;
    m.serialize_entry("code", &f.code)?;
    if let Some(l) = f.line {
        m.serialize_entry("line", &l)?;
    }
    if let Some(c) = f.column {
        m.serialize_entry("column", &c)?;
    }
    m.end()
}

/// A list of ids picked by index.
struct Ids<'a, F: Fn(usize) -> &'a str> {
    idx: &'a [usize],
    id: F,
}

impl<'a, F: Fn(usize) -> &'a str> Serialize for Ids<'a, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.idx.len()))?;
        for &i in self.idx {
            seq.serialize_element((self.id)(i))?;
        }
        seq.end()
    }
}

struct RulesRef<'a>(&'a RuleSet);

impl Serialize for RulesRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("name", &self.0.name)?;
        m.serialize_entry("version", &self.0.version)?;
        m.serialize_entry("sha256", &self.0.sha256)?;
        m.end()
    }
}

struct Dimensions<'a>(&'a RuleSet, &'a Scored);

impl Serialize for Dimensions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (rs, sc) = (self.0, self.1);
        let mut m = s.serialize_map(Some(rs.dimensions.len()))?;
        for (d, dr) in rs.dimensions.iter().zip(&sc.assessment.dimensions) {
            let deciding = dr.deciding_rules(d);
            m.serialize_entry(
                &d.id,
                &Dimension {
                    rs,
                    d,
                    dr,
                    deciding: &deciding,
                },
            )?;
        }
        m.end()
    }
}

struct Dimension<'a> {
    rs: &'a RuleSet,
    d: &'a crate::rules::model::Dimension,
    dr: &'a crate::engine::DimensionResult,
    deciding: &'a [usize],
}

impl Serialize for Dimension<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("rating", &self.dr.rating)?;
        m.serialize_entry("max_rating", &self.dr.max_rating)?;
        m.serialize_entry("min_level", &self.rs.levels[self.dr.min_level].id)?;
        m.serialize_entry(
            "reasons",
            &Ids {
                idx: self.deciding,
                id: |i| self.d.rules[i].why.as_str(),
            },
        )?;
        m.serialize_entry(
            "rules",
            &Ids {
                idx: self.deciding,
                id: |i| self.d.rules[i].id.as_str(),
            },
        )?;
        m.end()
    }
}

struct Instruments<'a>(&'a RuleSet, &'a Scored);

impl Serialize for Instruments<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (rs, sc) = (self.0, self.1);
        let mut m = s.serialize_map(Some(rs.instruments.len()))?;
        for (inst, ir) in rs.instruments.iter().zip(&sc.assessment.instruments) {
            m.serialize_entry(&inst.id, &Instrument { rs, inst, ir })?;
        }
        m.end()
    }
}

struct Instrument<'a> {
    rs: &'a RuleSet,
    inst: &'a crate::rules::model::Instrument,
    ir: &'a crate::engine::InstrumentResult,
}

impl Serialize for Instrument<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("total", &self.ir.total)?;
        m.serialize_entry(
            "band",
            &self.ir.band.map(|b| self.inst.bands[b].id.as_str()),
        )?;
        m.serialize_entry(
            "missing",
            &Ids {
                idx: &self.ir.missing,
                id: |q| self.rs.questions[q].id.as_str(),
            },
        )?;
        if !self.ir.applicable {
            m.serialize_entry("applicable", &false)?;
        }
        m.end()
    }
}

struct Flags<'a>(&'a RuleSet, &'a [usize]);

impl Serialize for Flags<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for &i in self.1 {
            let f = &self.0.flags[i];
            seq.serialize_element(&FlagEntry {
                id: &f.id,
                severity: f.severity.as_str(),
                message: &f.message,
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct FlagEntry<'a> {
    id: &'a str,
    severity: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct EscalationEntry<'a> {
    id: &'a str,
    level: &'a str,
    why: &'a str,
}

struct Escalations<'a>(&'a RuleSet, &'a Scored);

impl Serialize for Escalations<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rs = self.0;
        let mut seq = s.serialize_seq(None)?;
        for (e, t) in rs.escalations.iter().zip(&self.1.assessment.escalations) {
            if *t == Tri::True {
                seq.serialize_element(&EscalationEntry {
                    id: &e.id,
                    level: &rs.levels[e.level].id,
                    why: &e.why,
                })?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct PlacementEntry<'a> {
    level: &'a str,
    reason: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

fn scored<S: Serializer>(rs: &RuleSet, sc: &Scored, s: S) -> Result<S::Ok, S::Error> {
    let a = &sc.assessment;
    let q = |i: usize| rs.questions[i].id.as_str();
    let mut m = s.serialize_map(None)?;
    m.serialize_entry("source", &sc.source)?;
    m.serialize_entry("id", &sc.intake.id)?;
    m.serialize_entry("level", &rs.levels[a.level].id)?;
    m.serialize_entry("max_level", &rs.levels[a.max_level].id)?;
    m.serialize_entry(
        "could_raise",
        &Ids {
            idx: &a.could_raise,
            id: q,
        },
    )?;
    m.serialize_entry(
        "supports",
        &Ids {
            idx: &a.supports,
            id: |i| rs.supports[i].id.as_str(),
        },
    )?;
    m.serialize_entry("dimensions", &Dimensions(rs, sc))?;
    m.serialize_entry("escalations", &Escalations(rs, sc))?;
    m.serialize_entry("instruments", &Instruments(rs, sc))?;
    m.serialize_entry("flags", &Flags(rs, &a.flags))?;
    m.serialize_entry("possible_flags", &Flags(rs, &a.possible_flags))?;
    m.serialize_entry("complete", &a.complete())?;
    m.serialize_entry(
        "missing",
        &Ids {
            idx: &a.missing,
            id: q,
        },
    )?;
    m.serialize_entry("warnings", &a.warnings)?;
    m.serialize_entry("rules", &RulesRef(rs))?;
    m.serialize_entry(
        "tool",
        &Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
    )?;
    let placement = sc.intake.placement.as_ref().map(|p| PlacementEntry {
        level: &rs.levels[p.level].id,
        reason: p.reason.map(|r| rs.override_reasons[r].id.as_str()),
        note: p.note.as_deref(),
    });
    m.serialize_entry("placement", &placement)?;
    m.serialize_entry("overridden", &sc.overridden())?;
    if let Some(changed) = sc.recommendation_changed(rs) {
        m.serialize_entry("recommendation_changed", &changed)?;
    }
    m.end()
}
