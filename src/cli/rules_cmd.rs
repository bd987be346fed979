//! `placement rules ...`: check, test, show, schema, diff and fmt. Each
//! subcommand but `show` lives in its own file under `rules_cmd/`.

mod check;
mod diff;
mod fmt;
mod questionnaire;
mod schema;
mod test;

use super::{CmdResult, Failure, Globals};
use crate::rules::model::{FlagSeverity, Item, QuestionKind, ValueMap};
use crate::rules::{load_default, load_path, LoadError, Loaded, RuleSet};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Value};
use std::path::Path;

pub use check::{CheckArgs, CheckFormat};
pub use diff::DiffArgs;
pub use fmt::FmtArgs;
pub use questionnaire::{QuestionnaireArgs, QuestionnaireFormat};
pub use schema::SchemaArgs;
pub use test::TestArgs;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate a rule set and prove properties of it; findings go to stdout.
    Check(CheckArgs),
    /// Run a rule set's test cases (`tests/*.yaml` beside the rules) with coverage.
    Test(TestArgs),
    /// Print the compiled rule set.
    Show(ShowArgs),
    /// JSON Schema (draft-07) for rule files, `--intake` files or `--tests` files.
    Schema(SchemaArgs),
    /// Which saved intakes would change level between two rule sets.
    Diff(DiffArgs),
    /// Canonical layout of rule files (`--check` to only report).
    Fmt(FmtArgs),
    /// The rule set as a FHIR R4 Questionnaire (JSON).
    Questionnaire(QuestionnaireArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

pub fn run(g: &Globals, cmd: RulesCommand) -> CmdResult {
    match cmd {
        RulesCommand::Check(a) => check::run(g, a),
        RulesCommand::Show(a) => show(g, a),
        RulesCommand::Test(a) => test::run(g, a),
        RulesCommand::Schema(a) => schema::run(g, a),
        RulesCommand::Diff(a) => diff::run(g, a),
        RulesCommand::Fmt(a) => fmt::run(g, a),
        RulesCommand::Questionnaire(a) => questionnaire::run(g, a),
    }
}

/// Loads the rule set a `rules` subcommand names: its PATH argument, else
/// `--rules`, else the embedded default set.
fn load_for(g: &Globals, path: Option<&Path>) -> Result<Loaded, LoadError> {
    match path.or(g.rules.as_deref()) {
        Some(p) => load_path(p, g.max_rules_bytes),
        None => load_default(),
    }
}

/// Whether GitHub Actions is running us (picks `github` output).
fn in_github_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    crate::cli::write_stdout_bytes(text.as_bytes())
}

fn show(g: &Globals, a: ShowArgs) -> CmdResult {
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    let text = match a.format {
        ShowFormat::Json => format!("{}\n", crate::render::json::pretty(&show_json(rs))),
        ShowFormat::Table => show_table(rs),
    };
    write_stdout(&text)?;
    Ok(0)
}

/// The compiled rule set as JSON (see `product.md`).
pub fn show_json(rs: &RuleSet) -> Value {
    let level = |l: usize| rs.levels[l].id.clone();
    json!({
        "name": rs.name,
        "version": rs.version,
        "description": rs.description,
        "url": rs.url,
        "sha256": rs.sha256,
        "max_rating": rs.max_rating,
        "levels": rs.levels.iter().map(|l| l.id.clone()).collect::<Vec<_>>(),
        "level_details": rs.levels.iter().map(|l| json!({"id": l.id, "name": l.name, "description": l.description})).collect::<Vec<_>>(),
        "dimensions": rs.dimensions.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        "dimension_details": rs.dimensions.iter().map(|d| json!({
            "id": d.id,
            "name": d.name,
            "minimums": d.minimums.iter().map(|&l| level(l)).collect::<Vec<_>>(),
            "rules": d.rules.iter().map(|r| json!({"id": r.id, "rating": r.rating, "when": r.when_text, "why": r.why})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "instruments": rs.instruments.iter().map(|i| json!({
            "id": i.id,
            "name": i.name,
            "items": i.items.iter().map(|it| rs.questions[it.question].id.clone()).collect::<Vec<_>>(),
            "scoring": i.items.iter().map(|it| item_scoring(rs, it)).collect::<Vec<_>>(),
            "min_total": i.min_total,
            "max_total": i.max_total,
            "bands": i.bands.iter().map(|b| json!({"id": b.id, "min": b.min, "max": b.max, "label": b.label})).collect::<Vec<_>>(),
            "codes": codings(&i.codes),
        })).collect::<Vec<_>>(),
        "sections": rs.sections.iter().map(|s| json!({
            "id": s.id,
            "title": s.title,
            "dimension": s.dimension.map(|d| rs.dimensions[d].id.clone()),
            "questions": rs.questions[s.questions.clone()].iter().map(|q| q.id.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "questions": rs.questions.iter().map(|q| {
            let mut m = serde_json::Map::new();
            m.insert("id".into(), json!(q.id));
            m.insert("type".into(), json!(q.kind.type_name()));
            m.insert("text".into(), json!(q.text));
            m.insert("section".into(), json!(rs.sections[q.section].id));
            if let Some(h) = &q.help { m.insert("help".into(), json!(h)); }
            if !q.codes.is_empty() { m.insert("codes".into(), codings(&q.codes)); }
            match &q.kind {
                QuestionKind::SingleChoice(o) | QuestionKind::MultiChoice(o) => {
                    m.insert("options".into(), json!(o.iter().map(|o| o.id.clone()).collect::<Vec<_>>()));
                    m.insert("option_labels".into(), json!(o.iter().map(|o| o.label.clone()).collect::<Vec<_>>()));
                    if o.iter().any(|o| !o.codes.is_empty()) {
                        m.insert("option_codes".into(), json!(o.iter().map(|o| codings(&o.codes)).collect::<Vec<_>>()));
                    }
                    if o.iter().any(|o| o.exclusive) {
                        m.insert("exclusive_options".into(), json!(o.iter().filter(|o| o.exclusive).map(|o| o.id.clone()).collect::<Vec<_>>()));
                    }
                }
                QuestionKind::Integer { min, max, allowed, scale } => {
                    m.insert("min".into(), json!(min));
                    m.insert("max".into(), json!(max));
                    if let Some(a) = allowed { m.insert("allowed".into(), json!(a)); }
                    if !scale.is_empty() {
                        m.insert("scale".into(), json!(scale.iter().enumerate().map(|(i, (v, l))| {
                            let mut e = json!({"value": v, "label": l});
                            if let Some(c) = q.scale_codes.get(i).filter(|c| !c.is_empty()) {
                                e["codes"] = codings(c);
                            }
                            e
                        }).collect::<Vec<_>>()));
                    }
                }
                QuestionKind::Number { min, max } => {
                    m.insert("min".into(), json!(min));
                    m.insert("max".into(), json!(max));
                }
                QuestionKind::Text { max_length } => { m.insert("max_length".into(), json!(max_length)); }
                QuestionKind::YesNo => {}
            }
            if let Some(w) = &q.ask_when_text { m.insert("ask_when".into(), json!(w)); }
            m.insert("informational".into(), json!(q.informational || q.retired));
            m.insert("retired".into(), json!(q.retired));
            m.insert("order".into(), json!(q.order.as_str()));
            if let Some(f) = q.options_from { m.insert("options_from".into(), json!(rs.questions[f].id)); }
            Value::Object(m)
        }).collect::<Vec<_>>(),
        "escalations": rs.escalations.iter().map(|e| json!({"id": e.id, "when": e.when_text, "level": level(e.level), "why": e.why})).collect::<Vec<_>>(),
        "supports": rs.supports.iter().map(|s| json!({"id": s.id, "label": s.label, "when": s.when_text, "why": s.why})).collect::<Vec<_>>(),
        "flags": rs.flags.iter().map(|f| {
            // The actions offered when the flag is acknowledged: its own
            // list, or every flag action; none for a flag that is not
            // critical (only critical flags are acknowledged).
            let actions: Vec<&str> = if f.severity != FlagSeverity::Critical {
                Vec::new()
            } else if f.actions.is_empty() {
                rs.flag_actions.iter().map(|a| a.id.as_str()).collect()
            } else {
                f.actions.iter().map(|&a| rs.flag_actions[a].id.as_str()).collect()
            };
            json!({"id": f.id, "severity": f.severity.as_str(), "when": f.when_text, "message": f.message, "action": f.action, "actions": actions})
        }).collect::<Vec<_>>(),
        "exclusions": rs.exclusions.iter().map(|e| json!({"id": e.id, "when": e.when_text, "message": e.message})).collect::<Vec<_>>(),
        "checks": rs.checks.iter().map(|c| json!({"id": c.id, "severity": c.severity.as_str(), "when": c.when_text, "message": c.message, "questions": c.questions.iter().map(|&q| rs.questions[q].id.as_str()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        "override_reasons": rs.override_reasons.iter().map(|o| json!({"id": o.id, "label": o.label, "note_required": o.note_required, "no_override": o.no_override})).collect::<Vec<_>>(),
        "flag_actions": rs.flag_actions.iter().map(|a| json!({"id": a.id, "label": a.label, "note_required": a.note_required})).collect::<Vec<_>>(),
        "answer_sources": rs.answer_sources.iter().map(|s| json!({"id": s.id, "label": s.label})).collect::<Vec<_>>(),
    })
}

/// Codes as `rules show` lists them: `{system, code, display}` (`display`
/// `null` when the rule files give none).
fn codings(codes: &[crate::rules::model::Coding]) -> Value {
    json!(codes
        .iter()
        .map(|c| json!({"system": c.system, "code": c.code, "display": c.display}))
        .collect::<Vec<_>>())
}

/// How one instrument item's answer becomes points, for `rules show`:
/// `values` maps each possible answer (`true`/`false`, an option id, an
/// allowed integer) to its points, in the question's order, or is `null`
/// for an integer item that scores its own answer.
fn item_scoring(rs: &RuleSet, it: &Item) -> Value {
    let q = &rs.questions[it.question];
    let values = match &it.values {
        ValueMap::Identity => Value::Null,
        ValueMap::YesNo { no, yes } => json!({"true": yes, "false": no}),
        ValueMap::Options(points) => {
            let options = q.kind.options().unwrap_or(&[]);
            Value::Object(
                options
                    .iter()
                    .zip(points)
                    .map(|(o, p)| (o.id.clone(), json!(p)))
                    .collect(),
            )
        }
        ValueMap::Integers(pairs) => Value::Object(
            pairs
                .iter()
                .map(|(a, p)| (a.to_string(), json!(p)))
                .collect(),
        ),
    };
    json!({
        "item": q.id,
        "values": values,
        "min_points": it.points.0,
        "max_points": it.points.1,
    })
}

fn show_table(rs: &RuleSet) -> String {
    use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
    let mut out = format!(
        "Rule set `{}` {} (sha256 {})\n",
        rs.name, rs.version, rs.sha256
    );
    if let Some(d) = &rs.description {
        out.push_str(d.trim());
        out.push('\n');
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
    let mut header = vec!["Dimension".to_string()];
    header.extend((0..=rs.max_rating).map(|r| format!("rating {r}")));
    header.push("rules".into());
    t.set_header(header);
    for d in &rs.dimensions {
        let mut row = vec![d.id.clone()];
        row.extend(d.minimums.iter().map(|&l| rs.levels[l].id.clone()));
        row.push(d.rules.len().to_string());
        t.add_row(row);
    }
    out.push_str(&format!(
        "\nLevels (most intensive first): {}\n",
        rs.levels
            .iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str(&format!("Minimum level by rating:\n{t}\n"));
    for e in &rs.escalations {
        out.push_str(&format!(
            "Escalation {} -> {}: when {}\n",
            e.id, rs.levels[e.level].id, e.when_text
        ));
    }
    let mut ti = Table::new();
    ti.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
    ti.set_header(vec!["Instrument", "Items", "Range", "Bands"]);
    for i in &rs.instruments {
        ti.add_row(vec![
            i.id.clone(),
            i.items.len().to_string(),
            format!("{}..{}", i.min_total, i.max_total),
            i.bands
                .iter()
                .map(|b| format!("{} {}..{}", b.id, b.min, b.max))
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    out.push_str(&format!("\n{ti}\n"));
    out.push_str(&format!(
        "\n{} questions in {} sections; {} flags; {} supports; {} override reasons; {} flag actions\n",
        rs.questions.len(),
        rs.sections.len(),
        rs.flags.len(),
        rs.supports.len(),
        rs.override_reasons.len(),
        rs.flag_actions.len()
    ));
    out
}
