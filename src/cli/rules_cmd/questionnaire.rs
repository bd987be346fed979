//! `placement rules questionnaire [RULES]`: the rule set as a FHIR R4
//! Questionnaire (`docs/fhir.md`).

use super::write_stdout;
use crate::cli::{CmdResult, Globals};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuestionnaireFormat {
    /// FHIR JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct QuestionnaireArgs {
    /// The rule set: a YAML file or a folder (default: `--rules`, or the
    /// embedded default rule set).
    #[arg(value_name = "RULES")]
    pub path: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = QuestionnaireFormat::Json)]
    pub format: QuestionnaireFormat,
}

pub fn run(g: &Globals, a: QuestionnaireArgs) -> CmdResult {
    let loaded = g.load_rules_at(a.path.as_deref())?;
    let q = crate::fhir::questionnaire(&loaded.rules);
    match a.format {
        QuestionnaireFormat::Json => {
            write_stdout(&format!("{}\n", crate::render::json::pretty(&q)))?;
        }
    }
    Ok(0)
}
