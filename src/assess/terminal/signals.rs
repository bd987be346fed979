//! SIGINT, SIGTERM and SIGHUP become a request to stop at the next prompt
//! instead of killing the process; the answers are saved after each one
//! anyway, so nothing but the current prompt is lost either way.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

#[cfg(unix)]
extern "C" fn on_signal(_sig: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Installs the handlers (once per process).
#[cfg(unix)]
pub fn install() {
    // SAFETY: the handler only stores to an atomic, which is
    // async-signal-safe; `sigaction` is given a zeroed, then filled,
    // struct and a null old-action pointer.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = 0;
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
pub fn install() {}
