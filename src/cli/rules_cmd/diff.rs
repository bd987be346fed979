use crate::cli::{CmdResult, Failure, Globals};
use clap::Args;

#[derive(Debug, Args)]
pub struct DiffArgs {}

pub fn run(_g: &Globals, _a: DiffArgs) -> CmdResult {
    Err(Failure::usage("not yet"))
}
