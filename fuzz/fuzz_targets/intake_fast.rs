//! The fast paths (JSON and YAML) against the full reader: whatever a fast
//! path accepts, the full reader accepts with the same answers.
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
    let fast = [
        (
            "JSON",
            placement::intake_fast::parse(text, rs(), &Limits::INTAKE),
        ),
        (
            "YAML",
            placement::intake_fast::parse_yaml(text, rs(), &Limits::INTAKE),
        ),
    ];
    for (which, fast) in fast {
        let Some(fast) = fast else { continue };
        let full = placement::intake::parse(text, rs(), &Limits::INTAKE).unwrap_or_else(|e| {
            panic!(
                "{which} fast path accepted what the full reader rejects: {}",
                e.message()
            )
        });
        assert_eq!(fast.slots, full.slots, "{which}: slots differ");
        let mut a = fast.texts.clone();
        let mut b = full.texts.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{which}: text answers differ");
        assert_eq!(fast.placement, full.placement, "{which}");
        assert_eq!(fast.id, full.id, "{which}");
    }
});
