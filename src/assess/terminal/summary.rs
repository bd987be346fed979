//! The review of all answers, one aligned column per section, and the
//! recommendation's few-line summary kept on screen for the placement.

use super::widgets::{fit, one_line};
use super::{Ink, Terminal};
use crate::assess::{distinctive, ReviewSection};
use crate::engine::Assessment;
use crate::render::support_names;
use crate::rules::model::FlagSeverity;

impl Terminal<'_> {
    pub(super) fn review(&self, sections: &[ReviewSection]) {
        let width = self.width().saturating_sub(1);
        self.line("", Ink::Plain);
        self.line("━━ Review ━━", Ink::Bold);
        for s in sections {
            self.line(&fit(&s.title, width), Ink::Bold);
            let texts: Vec<&str> = s.rows.iter().map(|r| r.text.as_str()).collect();
            // One column of answers per section, at most half the width.
            let aw = s
                .rows
                .iter()
                .map(|r| one_line(&r.answer).chars().count())
                .max()
                .unwrap_or(0)
                .clamp(8, width / 2);
            let shown: Vec<String> = s
                .rows
                .iter()
                .map(|r| distinctive(&r.text, texts.iter().copied()))
                .collect();
            let longest = shown.iter().map(|t| t.chars().count()).max().unwrap_or(0);
            let tw = width.saturating_sub(aw + 4).min(longest).max(8);
            for (r, text) in s.rows.iter().zip(&shown) {
                let answer = fit(&one_line(&r.answer), aw);
                self.line(&format!("  {:<tw$}  {answer}", fit(text, tw)), Ink::Plain);
            }
        }
    }

    /// The recommendation, flags and what could change it, in a few lines
    /// on standard error: it stays on screen with the placement prompt.
    pub(super) fn summary(&self, a: &Assessment) {
        let rs = self.rs;
        let level = &rs.levels[a.level];
        self.line("", Ink::Plain);
        self.line("━━ Recommendation ━━", Ink::Bold);
        self.para(
            "",
            &format!("Recommended level: {} ({})", level.name, level.id),
            Ink::Bold,
        );
        let ratings: Vec<String> = rs
            .dimensions
            .iter()
            .zip(&a.dimensions)
            .map(|(d, r)| {
                if r.max_rating > r.rating {
                    format!("{} {} (up to {})", d.id, r.rating, r.max_rating)
                } else {
                    format!("{} {}", d.id, r.rating)
                }
            })
            .collect();
        self.para("", &format!("Ratings: {}", ratings.join(" · ")), Ink::Plain);
        if a.max_level != a.level {
            let could = crate::render::question_ids(rs, &a.could_raise);
            self.para(
                "",
                &format!(
                    "Could be as high as {} once missing answers are known ({}).",
                    rs.levels[a.max_level].name,
                    could.join(", ")
                ),
                Ink::Yellow,
            );
        }
        for why in crate::render::eligibility_not_established(rs, a, str::to_string) {
            self.para(
                "",
                &format!("Eligibility not established: {why}"),
                Ink::Yellow,
            );
        }
        if !a.supports.is_empty() {
            let names = support_names(rs, &a.supports);
            self.para("", &format!("Supports: {names}"), Ink::Plain);
        }
        if !a.possible_supports.is_empty() {
            let names = support_names(rs, &a.possible_supports);
            self.para(
                "",
                &format!(
                    "Possible supports (undecided until the missing answers are known): {names}"
                ),
                Ink::Plain,
            );
        }
        let others: Vec<&str> = a
            .flags
            .iter()
            .filter(|&&f| rs.flags[f].severity != FlagSeverity::Critical)
            .map(|&f| rs.flags[f].id.as_str())
            .collect();
        if !others.is_empty() {
            self.para(
                "",
                &format!("Other flags: {}", others.join(", ")),
                Ink::Yellow,
            );
        }
    }
}
