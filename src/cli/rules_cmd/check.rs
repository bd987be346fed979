//! `placement rules check [PATH]`.

use super::{in_github_actions, load_for, write_stdout};
use crate::check::{check_loaded, report, sarif};
use crate::cli::{CmdResult, Failure, Globals};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Snippets with carets, counterexamples and a summary.
    Human,
    /// One JSON document with every finding and analysis.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::`).
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rule set: a YAML file or a folder (default: `--rules`, or the
    /// embedded default rule set).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Output format (default: `human`, or `github` when GITHUB_ACTIONS=true).
    #[arg(long, value_enum)]
    pub format: Option<CheckFormat>,

    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    pub strict: bool,
}

pub fn run(g: &Globals, a: CheckArgs) -> CmdResult {
    let (sources, rep) = check_loaded(load_for(g, a.path.as_deref())).map_err(Failure::usage)?;
    let format = a.format.unwrap_or(if in_github_actions() {
        CheckFormat::Github
    } else {
        CheckFormat::Human
    });
    let text = match format {
        CheckFormat::Human => report::human(&sources, &rep),
        CheckFormat::Json => format!(
            "{}\n",
            crate::render::json::pretty(&report::json(&sources, &rep))
        ),
        CheckFormat::Github => report::github(&sources, &rep),
        CheckFormat::Sarif => format!(
            "{}\n",
            crate::render::json::pretty(&sarif::sarif(&sources, &rep, env!("CARGO_PKG_VERSION")))
        ),
    };
    write_stdout(&text)?;
    Ok(u8::from(
        rep.errors() > 0 || (a.strict && rep.warnings() > 0),
    ))
}
