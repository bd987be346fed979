//! Conditions that can never hold: skip conditions (`never-asked`), and
//! supports, flags, exclusions and consistency checks
//! (`unsatisfiable-condition`).

use super::Analyzer;
use crate::check::sat::Solver;
use crate::cond::Cond;
use crate::diag::{Diagnostic, Span};

impl Analyzer<'_> {
    /// Skip conditions, supports, flags, exclusions and checks that can
    /// never hold.
    pub(super) fn conditions(&mut self, reach: &[u16]) {
        let rs = self.rs;
        let mut solver = Solver::new(rs, self.facts);
        solver.ratings = reach.to_vec();
        for q in &rs.questions {
            if let (Some(c), Some(text)) = (&q.ask_when, &q.ask_when_text) {
                if !solver.satisfiable(c) {
                    self.push(
                        Diagnostic::warning(
                            "never-asked",
                            q.span,
                            format!("question `{}` is never asked: its `ask_when` (`{}`) can never hold", q.id, text.trim()),
                        )
                        .with_help("no earlier answers make the skip condition true; fix the condition or remove the question"),
                        None,
                    );
                }
            }
        }
        let mut others: Vec<(&str, &str, &Cond, &str, Span)> = Vec::new();
        for s in &rs.supports {
            others.push(("support", &s.id, &s.when, &s.when_text, s.span));
        }
        for f in &rs.flags {
            others.push(("flag", &f.id, &f.when, &f.when_text, f.span));
        }
        for e in &rs.exclusions {
            others.push(("exclusion", &e.id, &e.when, &e.when_text, e.span));
        }
        // A check reads the answers as recorded, skip logic or not.
        let checks = rs.checks.iter().map(|c| {
            (
                "check",
                c.id.as_str(),
                &c.when,
                c.when_text.as_str(),
                c.span,
            )
        });
        let n = others.len();
        for (i, (what, id, c, text, span)) in others.into_iter().chain(checks).enumerate() {
            solver.skip_logic = i < n;
            if !solver.satisfiable(c) {
                self.push(
                    Diagnostic::warning(
                        "unsatisfiable-condition",
                        span,
                        format!(
                            "{what} `{id}` can never hold: its condition `{}` is contradictory",
                            text.trim()
                        ),
                    )
                    .with_help("no answers make it true; fix or remove it"),
                    None,
                );
            }
        }
    }
}
