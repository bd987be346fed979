//! `placement explain`: the whole reasoning for one intake.

use super::inputs::{
    scoring::{score_input, Records},
    Input,
};
use super::{CmdResult, Globals};
use crate::render::{self, Record};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The intake file to explain.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(g: &Globals, args: ExplainArgs) -> CmdResult {
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    match one_intake(
        g,
        rs,
        &args.file,
        "`explain` explains one: score the file, or explain each intake from a file of its own",
    )? {
        Record::Scored(s) => {
            let text = render::explain::explain(rs, &s);
            super::write_stdout_bytes(text.as_bytes())?;
            Ok(0)
        }
        Record::Failed(f) => {
            super::eprintln_safe(render::table::failure(&f).trim_end());
            Ok(1)
        }
    }
}

/// Reads and scores the one intake in `file`, for a command that shows one
/// intake: a file that holds several is refused, and `advice` (what the
/// command does with one, and what to do instead) ends the message.
pub(super) fn one_intake(
    g: &Globals,
    rs: &crate::rules::RuleSet,
    file: &std::path::Path,
    advice: &str,
) -> Result<Record, super::Failure> {
    match score_input(rs, &Input::File(file.to_path_buf()), &g.intake_limits) {
        Records::One(rec) => Ok(rec),
        Records::Many(all) => Err(super::Failure::usage(format!(
            "{} holds {} intakes (a list, or documents separated by ---); {advice}",
            crate::diag::text::visible(&crate::pathname::show(file)),
            all.len()
        ))),
    }
}
