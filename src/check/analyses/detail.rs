//! The wording of an analysis's detail: what is possible but unconfirmed,
//! and counts with their noun.

use crate::rules::model::RuleSet;

/// An analysis's detail, with what the solver finds possible but neither
/// it decides exactly nor an intake showed (`observe`), when there is any.
pub(super) fn unconfirmed_detail(
    rs: &RuleSet,
    detail: String,
    what: &str,
    unconfirmed: &[String],
) -> String {
    if unconfirmed.is_empty() {
        return detail;
    }
    let shown: Vec<&str> = unconfirmed.iter().take(8).map(|s| s.as_str()).collect();
    format!(
        "{detail}; {what} possible as far as the solver can tell, but not shown by an exact condition or by {} synthetic intakes: {}{}",
        crate::check::observe::intakes(rs),
        shown.join(", "),
        if unconfirmed.len() > 8 { ", ..." } else { "" }
    )
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
