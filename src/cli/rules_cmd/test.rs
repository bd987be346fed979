use crate::cli::{CmdResult, Failure, Globals};
use clap::Args;

#[derive(Debug, Args)]
pub struct TestArgs {}

pub fn run(_g: &Globals, _a: TestArgs) -> CmdResult {
    Err(Failure::usage("not yet"))
}
