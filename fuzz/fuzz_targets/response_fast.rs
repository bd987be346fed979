//! The fast way into a FHIR QuestionnaireResponse against the full reader:
//! whatever `fhir::response::fast` accepts, `intake::parse` accepts with the
//! same intake (slots exactly, text answers in any order, and the whole
//! intake when the texts come in the same order). Neither may panic.
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
    let fast = placement::fhir::response::fast(text, rs(), &Limits::INTAKE);
    let full = placement::intake::parse(text, rs(), &Limits::INTAKE);
    let Some(fast) = fast else {
        return;
    };
    let full = full.unwrap_or_else(|e| {
        panic!(
            "FHIR response fast reader accepted what the full reader rejects: {}",
            e.message()
        )
    });
    assert_eq!(fast.slots, full.slots, "slots differ");
    let mut a = fast.texts.clone();
    let mut b = full.texts.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "text answers differ");
    if fast.texts == full.texts {
        assert_eq!(fast, full, "intakes differ");
    }
});
