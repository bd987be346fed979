//! Answer monotonicity: for each question whose answers have an order of
//! severity (`order`), a more severe answer, every other answer the same,
//! never gives a less intensive level (`docs/ci.md`).
//!
//! The proof is from structure ([`structure`]); otherwise the scorer looks
//! for a counterexample ([`search`](mod@search)).

mod search;
mod structure;

pub(in crate::check) use search::least_severe;

use self::search::{answer_text, responsible, search, Hit};
use self::structure::Dirs;
use crate::check::sat::Facts;
use crate::check::{Analysis, Counterexample, Finding, Status};
use crate::cond::Cond;
use crate::diag::{Diagnostic, Span};
use crate::engine;
use crate::intake::Slot;
use crate::rules::model::{Order, RuleSet};
use serde_json::{json, Map, Value};
use std::cell::Cell;

/// Scorings the counterexample searches of one `rules check` may use, over
/// all questions (about a second on one core); past it, what is left is
/// not proved (`analysis-budget`).
pub const SEARCH_SCORINGS: u64 = 100_000;

/// Solver steps (atoms in the conditions asked about) the proofs that a
/// rule that turns off is taken over may use, over all questions; past
/// it, such a step is not shown, and the question is searched or not
/// proved.
const COVER_WORK: u64 = 5_000_000;

/// The same budget counted in questions scored (scorings times the rule
/// set's questions), so that a large rule set gets fewer scorings.
const SEARCH_WORK: u64 = 10_000_000;

/// A question's answers as numbers, least severe first.
fn severity_order(rs: &RuleSet, q: usize) -> Vec<f64> {
    let mut v: Vec<f64> = engine::candidates(rs, q)
        .into_iter()
        .filter_map(|s| match s {
            Slot::Num(x) => Some(x),
            _ => None,
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    if rs.questions[q].order == Order::Descending {
        v.reverse();
    }
    v
}

/// Answer monotonicity of every ordered question. `ratings_monotone`:
/// the level is proved monotone in the ratings.
pub(super) fn analyze(
    rs: &RuleSet,
    facts: &Facts,
    ratings_monotone: bool,
) -> (Vec<Finding>, Analysis) {
    let mut findings = Vec::new();
    let least = least_severe(rs);
    let work = Cell::new(COVER_WORK);
    let budget = Cell::new(SEARCH_SCORINGS.min(SEARCH_WORK / rs.questions.len().max(1) as u64));
    let mut unsearched = 0;
    let mut unsearched_at = Span::UNKNOWN;
    let (mut ordered, mut proved, mut failed, mut open) = (0, 0, 0, 0);
    for (q, question) in rs.questions.iter().enumerate() {
        if question.order == Order::None || question.retired {
            continue;
        }
        let values = severity_order(rs, q);
        if values.len() < 2 {
            continue;
        }
        ordered += 1;
        let mut dirs = Dirs::new(rs, facts, &work, q, &values);
        // The first rating, or else escalation, that can go down: named by
        // the first of its rules (or the escalation) that can turn off.
        let mut culprit: Option<(String, Span, &str)> = None;
        for (d, dim) in rs.dimensions.iter().enumerate() {
            if culprit.is_some() || !dirs.rating(d).down {
                continue;
            }
            for r in &dim.rules {
                if culprit.is_none() && dirs.cond(&r.when).down {
                    culprit = Some((
                        format!("rule `{}` of `{}`", r.id, dim.id),
                        r.span,
                        r.when_text.as_str(),
                    ));
                }
            }
        }
        if culprit.is_none() {
            let nl = rs.levels.len() as u32;
            let escalations: Vec<(&Cond, u32, u32)> = rs
                .escalations
                .iter()
                .map(|e| (&e.when, nl - e.level as u32, nl - e.level as u32))
                .collect();
            let down = rs.escalations.iter().find(|e| dirs.cond(&e.when).down);
            if let Some(e) = down {
                if !dirs.covered(&escalations) {
                    culprit = Some((
                        format!("escalation `{}`", e.id),
                        e.span,
                        e.when_text.as_str(),
                    ));
                }
            }
        }
        if culprit.is_none() && ratings_monotone {
            proved += 1;
            continue;
        }
        if culprit.is_none() {
            // Nothing turns off: only the ratings' own monotonicity, which
            // that analysis reports, is missing.
            open += 1;
            continue;
        }
        if let Some(hit) = search(rs, &budget, q, &values, &least, dirs.failure.as_ref()) {
            failed += 1;
            findings.push(finding(rs, q, &hit, &least));
            continue;
        }
        open += 1;
        if budget.get() < 2 {
            if unsearched == 0 {
                unsearched_at = question.span;
            }
            unsearched += 1;
            continue;
        }
        let why = match &culprit {
            Some((what, _, when)) => format!(
                "{what} (`{}`) may stop holding for a more severe answer, and no counterexample was found",
                when.trim()
            ),
            None => "the level is not proved monotone in the ratings".to_string(),
        };
        findings.push(Finding::plain(
            Diagnostic::warning(
                "not-proved",
                question.span,
                format!("answer monotonicity of `{}` is not proved: {why}", question.id),
            )
            .with_help("give the question `order: none` if its answers have no order of severity, or `order: descending` if a higher answer is less severe; otherwise compare it so that a more severe answer keeps each rule (`>=`, or a list of every answer from some point up)"),
        ));
    }
    if unsearched > 0 {
        findings.push(Finding::plain(
            Diagnostic::warning(
                "analysis-budget",
                unsearched_at,
                format!(
                    "the answer-monotonicity search used up its budget of {} scorings: {unsearched} {} not proved",
                    SEARCH_SCORINGS.min(SEARCH_WORK / rs.questions.len().max(1) as u64),
                    if unsearched == 1 { "question is" } else { "questions are" }
                ),
            )
            .with_help("questions whose rules compare the answer with `>=` (or a list of every answer from some point up) are proved without a search; scoring is not affected"),
        ));
    }
    let status = if failed > 0 {
        Status::Failed
    } else if open > 0 {
        Status::NotProved
    } else {
        Status::Proved
    };
    let mut detail = format!(
        "{ordered} questions with an order of severity: {proved} proved, {failed} with a counterexample, {open} not proved"
    );
    if !ratings_monotone && open > 0 {
        detail.push_str("; the level is not proved monotone in the ratings");
    }
    (
        findings,
        Analysis {
            name: "answer monotonicity",
            status,
            detail,
        },
    )
}

fn finding(rs: &RuleSet, q: usize, h: &Hit, least: &[Slot]) -> Finding {
    let question = &rs.questions[q];
    let (lo, hi) = (answer_text(rs, q, &h.lower), answer_text(rs, q, &h.higher));
    let (la, lb) = (&rs.levels[h.a.level].id, &rs.levels[h.b.level].id);
    let (who, span) = responsible(rs, h);
    let span = if span.is_known() { span } else { question.span };
    let mut others = Map::new();
    let mut shown = Vec::new();
    for (p, l) in least.iter().enumerate() {
        if p == q || h.slots[p] == *l || !h.a.questions[p].used {
            continue;
        }
        let t = answer_text(rs, p, &h.slots[p]);
        shown.push(format!("{} = {t}", rs.questions[p].id));
        others.insert(rs.questions[p].id.clone(), Value::String(t));
    }
    let rest = if shown.is_empty() {
        "every other answer at its least severe".to_string()
    } else {
        format!(
            "with {}, every other answer at its least severe",
            shown.join(", ")
        )
    };
    let because = if who.is_empty() {
        String::new()
    } else {
        format!(": {who} holds for `{lo}` but not for `{hi}`")
    };
    Finding {
        diag: Diagnostic::error(
            "answer-non-monotone",
            span,
            format!(
                "not monotone in `{}`: the more severe answer `{hi}` gives `{lb}`, less care than `{lo}` (`{la}`){because}",
                question.id
            ),
        )
        .with_help(format!(
            "a more severe answer must never give less care: rate `{hi}` at least as high as `{lo}`, or give `{}` `order: none` if its answers have no order of severity (`descending` if a higher answer is less severe)",
            question.id
        )),
        counterexample: Some(Counterexample {
            text: format!(
                "`{}` = {lo} gives `{la}`; `{}` = {hi} gives `{lb}` ({rest})",
                question.id, question.id
            ),
            data: json!({
                "question": question.id,
                "lower": {"answer": lo, "level": la},
                "higher": {"answer": hi, "level": lb},
                "answers": others,
                "responsible": who,
            }),
        }),
    }
}
