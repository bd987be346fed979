//! Finding the tools some tests drive that no one here wrote (Chromium,
//! the Python with `fhir.resources`), and whether a test runs under CI,
//! where a missing tool is a failure rather than a skip. `.ci/run`
//! installs them.

#![allow(dead_code)]

use std::path::PathBuf;

/// Under CI (`CI` set, and not `false` or `0`): a test whose tools are
/// missing fails instead of saying it was skipped.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `name` in a folder of `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// The browser: `PLACEMENT_CHROMIUM`, or the first of the usual names on
/// `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PLACEMENT_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| on_path(n))
}

/// The Python that has `fhir.resources`: `PLACEMENT_FHIR_PYTHON` (set by
/// `.ci/run` to the virtual environment it makes), else that environment
/// when it exists, else `python3`.
pub fn fhir_python() -> String {
    std::env::var("PLACEMENT_FHIR_PYTHON").unwrap_or_else(|_| {
        let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fhir-venv/bin/python");
        if venv.exists() {
            venv.to_string_lossy().into_owned()
        } else {
            "python3".into()
        }
    })
}

/// Runs `tests/fhir/validate.py ARGS` with [`fhir_python`]. `None` when it
/// cannot run here (Python cannot start, or a package is missing: exit
/// 3): under CI that fails the test (`test` names it); elsewhere it says
/// SKIPPED and why.
#[allow(clippy::print_stderr)] // the skip message outside CI
pub fn fhir_validate<I, S>(test: &str, args: I) -> Option<std::process::Output>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate.py");
    let why = match std::process::Command::new(fhir_python())
        .arg(script)
        .args(args)
        .output()
    {
        Ok(o) if o.status.code() != Some(3) => return Some(o),
        Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
        Err(e) => format!("{} could not run ({e})\n", fhir_python()),
    };
    assert!(!under_ci(), "{test}: CI=true but {why}");
    eprintln!(
        "SKIPPED {test}: {why}install it with `pip install -r tests/fhir/requirements.txt` or run `.ci/run`"
    );
    None
}
