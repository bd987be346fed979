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
    if stdout_was_closed() && cli.needs_stdout() {
        // The runtime has put /dev/null on the closed descriptor (so that
        // no file opened later takes its number): the run would "succeed"
        // with every result thrown away.
        placement::cli::eprintln_safe(placement::cli::STDOUT_CLOSED);
        return ExitCode::from(2);
    }
    ExitCode::from(placement::cli::run(cli))
}

/// Whether the process started with descriptor 1 closed (`>&-`). Rust's
/// runtime opens `/dev/null` on a closed 0, 1 or 2 before `main`, after
/// which a closed standard output cannot be told from `> /dev/null`; so
/// this is recorded by a constructor that runs before the runtime starts.
#[cfg(target_os = "linux")]
fn stdout_was_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(target_os = "linux")]
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(target_os = "linux")]
extern "C" fn record_stdout_closed() {
    // SAFETY: F_GETFD only asks whether the descriptor is open.
    let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
    STDOUT_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
}

// Runs as the program is loaded, before Rust's runtime sets up the standard
// streams (the loader's own files are closed again by then).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static RECORD_STDOUT_CLOSED: extern "C" fn() = record_stdout_closed;

#[cfg(not(target_os = "linux"))]
fn stdout_was_closed() -> bool {
    false
}
