//! The rule-set loader on arbitrary text: up to four files (split at NUL
//! bytes). It must never panic, and every diagnostic must render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement::diag::{SourceFile, Sources};
use placement::rules::load::{load_sources, LoadError};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let files = text
        .split('\0')
        .take(4)
        .enumerate()
        .map(|(i, t)| SourceFile {
            path: format!("rules/{i:02}.yaml"),
            rel_path: format!("{i:02}.yaml"),
            text: t.to_string(),
        })
        .collect();
    match load_sources(Sources { files }) {
        Ok(loaded) => {
            for d in &loaded.warnings {
                let _ = loaded.rules.sources.render(d);
            }
        }
        Err(LoadError::Invalid {
            sources,
            diagnostics,
        }) => {
            assert!(!diagnostics.is_empty());
            for d in &diagnostics {
                let _ = sources.render(d);
            }
        }
        Err(LoadError::Io(_)) => {}
    }
});
