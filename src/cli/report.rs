//! `placement report`: a chart-ready summary of one intake, as Markdown or
//! as one self-contained HTML page that prints on one or two pages.

use super::{CmdResult, Globals};
use crate::render::{self, report::Report, Record};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The intake file to report on.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,

    /// Write the report to FILE (atomically, readable by the owner only)
    /// instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(g: &Globals, args: ReportArgs) -> CmdResult {
    // The output is looked at (and a folder or socket refused) before any
    // work.
    let output = super::open_output(args.output.as_deref())?;
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    let s = match super::explain::one_intake(
        g,
        rs,
        &args.file,
        "`report` reports on one: score the file, or report on each intake from a file of its own",
    )? {
        Record::Scored(s) => s,
        Record::Failed(f) => {
            // An existing output file is left as it was.
            super::eprintln_safe(render::table::failure(&f).trim_end());
            return Ok(1);
        }
    };
    let report = Report::build(rs, &s);
    let text = match args.format {
        Format::Markdown => render::report::markdown::render(&report),
        Format::Html => render::report::html::render(&report),
    };
    super::write_text(output, &text)?;
    Ok(0)
}
