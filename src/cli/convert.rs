//! `placement convert`: intakes from one format to another: native YAML,
//! native JSON, or a FHIR R4 QuestionnaireResponse (`docs/fhir.md`). Every
//! input is read as `score` reads it (files, folders, `-` for JSON Lines
//! on standard input; native intakes, responses and Bundles of them alike).

use super::inputs::scoring::{score_input_with, Placements, Records};
use super::inputs::stream::InputStream;
use super::{CmdResult, Failure, Globals};
use crate::fhir::response::Layout;
use crate::intake::Intake;
use crate::render::{self, Record};
use crate::rules::RuleSet;
use clap::{Args, ValueEnum};
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum To {
    /// The native intake as YAML (documents separated by `---`).
    Yaml,
    /// The native intake as JSON (several: JSON Lines, one per line).
    Json,
    /// A FHIR R4 QuestionnaireResponse (several: JSON Lines, one per line).
    Fhir,
    /// One FHIR R4 Bundle (`collection`) of QuestionnaireResponses.
    FhirBundle,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Intake files (native YAML or JSON, QuestionnaireResponse JSON, or a
    /// Bundle of them), folders of them, or `-` for JSON Lines on standard
    /// input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The format to write.
    #[arg(long, value_enum)]
    pub to: To,

    /// Write to FILE (atomically, readable by the owner only) instead of
    /// standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(g: &Globals, args: ConvertArgs) -> CmdResult {
    let output = super::open_output(args.output.as_deref())?;
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    let layout = Layout::of(rs);
    let mut intakes: Vec<Intake> = Vec::new();
    let mut failed = 0usize;
    let mut total = 0usize;
    for input in InputStream::new(&args.paths, &g.intake_limits) {
        let records = match score_input_with(rs, &input, &g.intake_limits, Placements::Ignore) {
            Records::One(r) => vec![r],
            Records::Many(rs) => rs,
        };
        for r in records {
            total += 1;
            match r {
                Record::Scored(s) => intakes.push(s.intake),
                Record::Failed(f) => {
                    failed += 1;
                    super::eprintln_safe(render::table::failure(&f).trim_end());
                }
            }
        }
    }
    if total == 0 {
        return Err(Failure::usage(
            "no intake files found in the given paths (looked for *.yaml, *.yml, *.json)",
        ));
    }
    let text = write(rs, &layout, &intakes, args.to);
    super::write_text(output, &text)?;
    if failed > 0 {
        super::eprintln_safe(&format!(
            "{failed} of {total} input(s) could not be converted"
        ));
        return Ok(1);
    }
    Ok(0)
}

/// The intakes in the format asked for.
fn write(rs: &RuleSet, layout: &Layout, intakes: &[Intake], to: To) -> String {
    let one = intakes.len() == 1;
    let json_text = |v: &Value| {
        if one {
            format!("{}\n", render::json::pretty(v))
        } else {
            format!("{}\n", serde_json::to_string(v).unwrap_or_default())
        }
    };
    match to {
        To::Yaml => intakes
            .iter()
            .map(|i| crate::intake::to_yaml(rs, i))
            .collect::<Vec<_>>()
            .join("---\n"),
        To::Json => intakes
            .iter()
            .map(|i| json_text(&crate::intake::to_json(rs, i)))
            .collect(),
        To::Fhir => intakes
            .iter()
            .map(|i| json_text(&layout.write(rs, i)))
            .collect(),
        To::FhirBundle => {
            let entries: Vec<Value> = intakes
                .iter()
                .map(|i| json!({"resource": layout.write(rs, i)}))
                .collect();
            format!(
                "{}\n",
                render::json::pretty(&json!({
                    "resourceType": "Bundle",
                    "type": "collection",
                    "entry": entries,
                }))
            )
        }
    }
}
