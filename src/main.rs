use clap::Parser;
use std::process::ExitCode;

// A faster allocator: batch scoring allocates small objects per intake.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = placement::cli::Cli::parse();
    ExitCode::from(placement::cli::run(cli))
}
