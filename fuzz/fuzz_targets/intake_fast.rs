//! The fast paths against the full readers: whatever the JSON fast path
//! accepts, the full reader accepts with the same answers; whatever tree the
//! fast YAML reader gives, the full YAML parser gives too (spans included).
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
    let l = Limits::INTAKE;
    if let Some(tree) = placement::yaml::fast::tree(text, 0, l.max_depth, l.max_nodes) {
        let options = placement::yaml::tree::options(l.max_depth, l.max_nodes, l.max_aliases);
        let full = placement::yaml::tree::parse_tree(text, 0, options)
            .unwrap_or_else(|e| panic!("the fast YAML reader took what the full parser refuses: {e}"));
        assert_eq!(tree, full, "YAML trees differ");
    }
    let Some(fast) = placement::intake::fast::parse(text, rs(), &Limits::INTAKE) else {
        return;
    };
    let full = placement::intake::parse(text, rs(), &Limits::INTAKE).unwrap_or_else(|e| {
        panic!(
            "JSON fast path accepted what the full reader rejects: {}",
            e.message()
        )
    });
    assert_eq!(fast.slots, full.slots, "slots differ");
    let mut a = fast.texts.clone();
    let mut b = full.texts.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "text answers differ");
    assert_eq!(fast.placement, full.placement);
    assert_eq!(fast.id, full.id);
});
