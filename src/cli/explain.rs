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
    let rec = match score_input(rs, &Input::File(args.file.clone()), &g.intake_limits) {
        Records::One(rec) => rec,
        Records::Many(all) => {
            return Err(super::Failure::usage(format!(
                "{} holds {} intakes (a list, or documents separated by ---); `explain` explains one: score the file, or explain each intake from a file of its own",
                crate::diag::text::visible(&crate::pathname::show(&args.file)),
                all.len()
            )))
        }
    };
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
