//! The intake reader on arbitrary text against the default rule set, then
//! the engine on whatever it accepts: never panics; errors never quote the
//! file's text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement::rules::{load_default, RuleSet};
use placement::yaml::Limits;
use std::sync::OnceLock;

fn rs() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| load_default().expect("default rule set").rules)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match placement::intake::parse(text, rs(), &Limits::INTAKE) {
        Ok(intake) => {
            let a = placement::engine::score(rs(), &intake);
            assert!(a.level < rs().levels.len());
        }
        Err(e) => {
            let _ = e.message();
        }
    }
});
