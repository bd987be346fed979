use crate::cli::{CmdResult, Failure, Globals};
use clap::Args;

#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn run(_g: &Globals, _a: SchemaArgs) -> CmdResult {
    Err(Failure::usage("not yet"))
}
