//! `placement rules schema [--intake | --tests]`.

use super::write_stdout;
use crate::check::schema;
use crate::cli::{CmdResult, Globals};
use clap::Args;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The schema of intake files (for the rule set of `--rules`, or the
    /// default one) instead of rule files.
    #[arg(long, conflicts_with = "tests")]
    pub intake: bool,

    /// The schema of `rules test` files (for the rule set of `--rules`).
    #[arg(long)]
    pub tests: bool,
}

pub fn run(g: &Globals, a: SchemaArgs) -> CmdResult {
    let v = if a.intake || a.tests {
        let loaded = g.load_rules()?;
        if a.intake {
            schema::intake(&loaded.rules)
        } else {
            schema::tests(&loaded.rules)
        }
    } else {
        schema::rule_file()
    };
    write_stdout(&format!("{}\n", crate::render::json::pretty(&v)))?;
    Ok(0)
}
