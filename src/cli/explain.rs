//! `placement explain`: the whole reasoning for one intake.

use super::inputs::{scoring::score_input, Input};
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
    let rec = score_input(rs, &Input::File(args.file), &g.intake_limits);
    match rec {
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
