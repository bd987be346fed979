//! `placement rules diff OLD NEW --intakes PATH...`.

use super::write_stdout;
use crate::check::diff;
use crate::cli::inputs::scoring::{score_input, score_input_with, Placements};
use crate::cli::inputs::stream::expand;
use crate::cli::{eprintln_safe, CmdResult, Failure, Globals};
use crate::diag::Severity;
use crate::rules::{load_path, LoadError, Loaded};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Counts, a from/to matrix and the changed intakes.
    Human,
    /// One JSON document.
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The rule set in use now (a YAML file or a folder).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The proposed rule set.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Saved intakes: files, folders of them (recursive), or `-` for JSON
    /// Lines on stdin.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    pub intakes: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// Exit 1 when any intake changes level (or becomes, or stops being,
    /// interpretable).
    #[arg(long)]
    pub exit_code: bool,
}

fn load(which: &str, p: &Path, max: usize) -> Result<Loaded, Failure> {
    match load_path(p, max) {
        Ok(l) => Ok(l),
        Err(LoadError::Io(m)) => Err(Failure::usage(format!("{which}: {m}"))),
        Err(LoadError::Invalid {
            sources,
            diagnostics,
        }) => {
            let mut msg = String::new();
            for d in &diagnostics {
                msg.push_str(&sources.render(d));
            }
            let n = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            msg.push_str(&format!(
                "{which} rule set {} is invalid ({n} error(s)); run `placement rules check {}`",
                p.display(),
                p.display()
            ));
            Err(Failure::usage(msg))
        }
    }
}

pub fn run(g: &Globals, a: DiffArgs) -> CmdResult {
    // A path named on the command line that is not there is a mistake in
    // the command, not a finding about an intake: with --exit-code it
    // would otherwise pass as "no change".
    for p in a.intakes.iter().filter(|p| p.as_os_str() != "-") {
        if let Err(e) = std::fs::metadata(p) {
            return Err(Failure::usage(format!(
                "--intakes {}: {}",
                p.display(),
                crate::rules::load::io_reason(&e)
            )));
        }
    }
    let old = load("OLD", &a.old, g.max_rules_bytes)?;
    let new = load("NEW", &a.new, g.max_rules_bytes)?;
    if let Some(w) = diff::same_version(&old.rules, &new.rules) {
        eprintln_safe(&format!("warning: {}", crate::diag::text::visible(&w)));
    }
    // A FHIR response answers OLD's questionnaire: NEW reads it too.
    let mut new = new;
    let old_layout = crate::fhir::response::Layout::of(&old.rules);
    new.rules
        .fhir_accepts
        .push((old_layout.canonical().to_string(), old.rules.sha256.clone()));
    let inputs = expand(&a.intakes, &g.intake_limits);
    if inputs.is_empty() {
        return Err(Failure::usage(
            "no intake files found in the --intakes paths (looked for *.yaml, *.yml, *.json); nothing was compared",
        ));
    }
    let pairs = inputs
        .iter()
        .flat_map(|i| {
            // A file of several intakes gives a pair for each.
            score_input(&old.rules, i, &g.intake_limits)
                .into_iter()
                .zip(
                    // Placements were made with OLD: a placement that follows
                    // OLD's recommendation is no override under NEW.
                    score_input_with(&new.rules, i, &g.intake_limits, Placements::Ignore),
                )
        })
        .collect();
    let report = diff::compare(&old.rules, &new.rules, pairs);
    let text = match a.format {
        DiffFormat::Human => diff::human(&old.rules, &new.rules, &report),
        DiffFormat::Json => format!(
            "{}\n",
            crate::render::json::pretty(&diff::to_json(&old.rules, &new.rules, &report))
        ),
    };
    write_stdout(&text)?;
    Ok(u8::from(a.exit_code && report.any_change()))
}
