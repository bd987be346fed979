use crate::cli::{CmdResult, Failure, Globals};
use clap::Args;

#[derive(Debug, Args)]
pub struct FmtArgs {}

pub fn run(_g: &Globals, _a: FmtArgs) -> CmdResult {
    Err(Failure::usage("not yet"))
}
