use clap::Parser;
use std::process::ExitCode;

// Batch scoring allocates many small objects per intake; mimalloc is much
// faster at that than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Transparent huge pages make the allocator zero 2 MiB at a time, which
    // costs a short run (one intake) several milliseconds for nothing.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let cli = placement::cli::Cli::parse();
    ExitCode::from(placement::cli::run(cli))
}
