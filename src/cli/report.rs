//! `placement report`: a chart-ready summary of one intake, as Markdown or
//! as one self-contained HTML page that prints on one or two pages.

use super::{CmdResult, Failure, Globals};
use crate::fsutil::Output;
use crate::render::{self, report::Report, Record};
use clap::{Args, ValueEnum};
use std::io::Write as _;
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
    let output = match &args.output {
        Some(p) => {
            crate::fsutil::remove_temporaries_on_signals();
            Some(Output::create(p).map_err(|e| Failure::usage(e.to_string()))?)
        }
        None => None,
    };
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
    match output {
        Some(mut o) => {
            o.write_all(text.as_bytes())
                .and_then(|()| o.commit())
                .map_err(|e| Failure::usage(e.to_string()))?;
        }
        None => super::write_stdout_bytes(text.as_bytes())?,
    }
    Ok(0)
}
