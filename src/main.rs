use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = placement::cli::Cli::parse();
    ExitCode::from(placement::cli::run(cli))
}
