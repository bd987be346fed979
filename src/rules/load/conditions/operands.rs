//! What a name in a condition refers to (a question, an instrument's total
//! or band, a dimension's rating, the level), the operand it gives, and the
//! literal values it may be compared with.

use super::{lhs_text, options_list, Resolver};
use crate::cond::parse::{Lit, LitKind, Pos, Ref};
use crate::cond::{CmpOp, Cond, Operand};
use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic};
use crate::rules::model::QuestionKind;

/// What a reference resolved to.
pub(super) enum Target {
    Question(usize),
    Total(usize),
    Band(usize),
    Rating(usize),
    Level,
}

impl Resolver<'_, '_> {
    pub(super) fn target(&mut self, r: &Ref) -> Option<Target> {
        let rs = self.rs;
        if r.id == "level" && r.field.is_none() {
            if !self.ctx.level {
                self.err(
                    "condition-context",
                    r.pos,
                    "`level` (the recommended level) can only be read in supports and flags".into(),
                );
                return None;
            }
            return Some(Target::Level);
        }
        match &r.field {
            None => {
                if let Some(q) = rs.question(&r.id) {
                    if let Some(limit) = self.ctx.questions_before {
                        if q >= limit {
                            self.err(
                                "ask-when-order",
                                r.pos,
                                format!("skip logic reads `{}`, which is asked later; a question's `ask_when` may read only earlier questions", r.id),
                            );
                            return None;
                        }
                    }
                    return Some(Target::Question(q));
                }
                let hint = if rs.instruments.iter().any(|i| i.id == r.id) {
                    Some(format!(
                        "`{}` is an instrument: write `{}.total` or `{}.band`",
                        r.id, r.id, r.id
                    ))
                } else if rs.dimensions.iter().any(|d| d.id == r.id) {
                    Some(format!(
                        "`{}` is a dimension: write `{}.rating`",
                        r.id, r.id
                    ))
                } else {
                    did_you_mean(&r.id, rs.questions.iter().map(|q| q.id.as_str()))
                };
                let span = self.at.map(r.pos);
                self.diags.push(
                    Diagnostic::error(
                        "unknown-reference",
                        span,
                        format!("unknown question `{}`", r.id),
                    )
                    .with_help_opt(hint),
                );
                None
            }
            Some((field, fpos)) => match field.as_str() {
                "total" | "band" => {
                    let Some(i) = rs.instruments.iter().position(|i| i.id == r.id) else {
                        let help =
                            did_you_mean(&r.id, rs.instruments.iter().map(|i| i.id.as_str()));
                        let span = self.at.map(Pos {
                            start: r.pos.start,
                            end: fpos.start.saturating_sub(1),
                        });
                        self.diags.push(
                            Diagnostic::error(
                                "unknown-reference",
                                span,
                                format!("unknown instrument `{}`", r.id),
                            )
                            .with_help_opt(help),
                        );
                        return None;
                    };
                    if let Some(limit) = self.ctx.questions_before {
                        if rs.instruments[i]
                            .items
                            .iter()
                            .any(|it| it.question >= limit)
                        {
                            self.err(
                                "ask-when-order",
                                r.pos,
                                format!("skip logic reads instrument `{}`, some of whose items are asked later", r.id),
                            );
                            return None;
                        }
                    }
                    Some(if field == "total" {
                        Target::Total(i)
                    } else {
                        Target::Band(i)
                    })
                }
                "rating" => {
                    let Some(d) = rs.dimensions.iter().position(|d| d.id == r.id) else {
                        let help = did_you_mean(&r.id, rs.dimensions.iter().map(|d| d.id.as_str()));
                        let span = self.at.map(Pos {
                            start: r.pos.start,
                            end: fpos.start.saturating_sub(1),
                        });
                        self.diags.push(
                            Diagnostic::error(
                                "unknown-reference",
                                span,
                                format!("unknown dimension `{}`", r.id),
                            )
                            .with_help_opt(help),
                        );
                        return None;
                    };
                    if !self.ctx.ratings {
                        self.err(
                            "condition-context",
                            r.pos,
                            "dimension ratings cannot be read in skip logic, exclusions or consistency checks".into(),
                        );
                        return None;
                    }
                    Some(Target::Rating(d))
                }
                other => {
                    let help = did_you_mean(other, ["total", "band", "rating"]);
                    let span = self.at.map(*fpos);
                    self.diags.push(
                        Diagnostic::error(
                            "unknown-reference",
                            span,
                            format!("unknown field `.{other}`: instruments have `.total` and `.band`, dimensions `.rating`"),
                        )
                        .with_help_opt(help),
                    );
                    None
                }
            },
        }
    }

    /// The operand for a target that can be compared, or an error.
    pub(super) fn comparable(&mut self, t: &Target, r: &Ref, what: &str) -> Option<Operand> {
        match t {
            Target::Question(q) => {
                let question = &self.rs.questions[*q];
                match question.kind {
                    QuestionKind::MultiChoice(_) => {
                        self.err(
                            "condition-type",
                            r.pos,
                            format!("`{}` is a multi-choice question; use `has`, `has_any` or `has_all` instead of {what}", question.id),
                        );
                        None
                    }
                    QuestionKind::Text { .. } => {
                        self.err(
                            "condition-type",
                            r.pos,
                            format!("`{}` is a text question; it can only be tested with `answered(...)` or `missing(...)`", question.id),
                        );
                        None
                    }
                    _ => Some(Operand::Answer(*q as u32)),
                }
            }
            Target::Total(i) => Some(Operand::Total(*i as u32)),
            Target::Band(i) => Some(Operand::Band(*i as u32)),
            Target::Rating(d) => Some(Operand::Rating(*d as u32)),
            Target::Level => Some(Operand::Level),
        }
    }

    pub(super) fn cmp(&mut self, lhs: &Ref, op: CmpOp, op_pos: Pos, rhs: &Lit) -> Option<Cond> {
        let target = self.target(lhs)?;
        let operand = self.comparable(&target, lhs, &format!("`{}`", op.as_str()))?;
        if op.is_ordering() {
            if let Target::Question(q) = target {
                if self.rs.questions[q].kind == QuestionKind::YesNo {
                    self.err(
                        "condition-type",
                        op_pos,
                        format!(
                            "`{}` is yes/no; compare it with `==` or `!=`, not `{}`",
                            lhs.id,
                            op.as_str()
                        ),
                    );
                    return None;
                }
            }
        }
        let value = self.value(&target, lhs, rhs)?;
        Some(Cond::Cmp { operand, op, value })
    }

    /// Type-checks a literal against what it is compared with and gives its
    /// numeric value.
    pub(super) fn value(&mut self, t: &Target, r: &Ref, lit: &Lit) -> Option<f64> {
        let rs = self.rs;
        let lhs = lhs_text(r);
        let got = match &lit.kind {
            LitKind::Num(_) => "a number",
            LitKind::Bool(_) => "true/false",
            LitKind::Ident(_) => "an id",
        };
        let mismatch = |this: &mut Self, expected: &str| {
            this.err(
                "condition-type",
                lit.pos,
                format!("`{lhs}` is compared with {got}, but it takes {expected}"),
            );
            None
        };
        match t {
            Target::Question(q) => {
                let question = &rs.questions[*q];
                match &question.kind {
                    QuestionKind::YesNo => match lit.kind {
                        LitKind::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
                        _ => mismatch(self, "`true` or `false` (it is a yes/no question)"),
                    },
                    QuestionKind::SingleChoice(options) => match &lit.kind {
                        LitKind::Ident(id) => match options.iter().position(|o| &o.id == id) {
                            Some(i) => Some(i as f64),
                            None => {
                                let help = did_you_mean_unlisted(
                                    id,
                                    options.iter().map(|o| o.id.as_str()),
                                    &self.listed,
                                )
                                .unwrap_or_else(|| {
                                    options_list(options.iter().map(|o| o.id.as_str()))
                                });
                                let span = self.at.map(lit.pos);
                                self.diags.push(
                                    Diagnostic::error(
                                        "unknown-reference",
                                        span,
                                        format!("`{id}` is not an option of `{}`", question.id),
                                    )
                                    .with_help(help),
                                );
                                None
                            }
                        },
                        _ => mismatch(self, "one of its option ids"),
                    },
                    QuestionKind::Integer { min, max, .. } => match lit.kind {
                        LitKind::Num(n) => {
                            self.range_warning(lit, n, *min as f64, *max as f64, &question.id);
                            Some(n)
                        }
                        _ => mismatch(self, "a number (it is an integer question)"),
                    },
                    QuestionKind::Number { min, max } => match lit.kind {
                        LitKind::Num(n) => {
                            self.range_warning(lit, n, *min, *max, &question.id);
                            Some(n)
                        }
                        _ => mismatch(self, "a number"),
                    },
                    QuestionKind::MultiChoice(_) | QuestionKind::Text { .. } => None,
                }
            }
            Target::Total(i) => match lit.kind {
                LitKind::Num(n) => {
                    let inst = &rs.instruments[*i];
                    self.range_warning(
                        lit,
                        n,
                        inst.min_total as f64,
                        inst.max_total as f64,
                        &format!("{}.total", inst.id),
                    );
                    Some(n)
                }
                _ => mismatch(self, "a number"),
            },
            Target::Band(i) => {
                let inst = &rs.instruments[*i];
                match &lit.kind {
                    LitKind::Ident(id) => match inst.bands.iter().position(|b| &b.id == id) {
                        Some(b) => Some(b as f64),
                        None => {
                            let help = did_you_mean_unlisted(
                                id,
                                inst.bands.iter().map(|b| b.id.as_str()),
                                &self.listed,
                            )
                            .unwrap_or_else(|| {
                                options_list(inst.bands.iter().map(|b| b.id.as_str()))
                            });
                            let span = self.at.map(lit.pos);
                            self.diags.push(
                                Diagnostic::error(
                                    "unknown-reference",
                                    span,
                                    format!("`{id}` is not a band of `{}`", inst.id),
                                )
                                .with_help(help),
                            );
                            None
                        }
                    },
                    _ => mismatch(self, "one of its band ids"),
                }
            }
            Target::Rating(_) => match lit.kind {
                LitKind::Num(n) if n.fract() == 0.0 && n >= 0.0 && n <= rs.max_rating as f64 => {
                    Some(n)
                }
                LitKind::Num(n) => {
                    self.err(
                        "rating-out-of-range",
                        lit.pos,
                        format!("ratings run from 0 to {}; {n} is not one", rs.max_rating),
                    );
                    None
                }
                _ => mismatch(self, "a rating (a whole number)"),
            },
            Target::Level => match &lit.kind {
                LitKind::Ident(id) => match rs.level_index(id) {
                    Some(l) => Some(rs.intensity(l) as f64),
                    None => {
                        let help = did_you_mean_unlisted(
                            id,
                            rs.levels.iter().map(|l| l.id.as_str()),
                            &self.listed,
                        );
                        let span = self.at.map(lit.pos);
                        self.diags.push(
                            Diagnostic::error(
                                "unknown-reference",
                                span,
                                format!("unknown level `{id}`"),
                            )
                            .with_help_opt(help),
                        );
                        None
                    }
                },
                _ => mismatch(self, "a level id"),
            },
        }
    }

    pub(super) fn range_warning(&mut self, lit: &Lit, n: f64, min: f64, max: f64, what: &str) {
        if n < min || n > max {
            let span = self.at.map(lit.pos);
            self.diags.push(Diagnostic::warning(
                "value-out-of-range",
                span,
                format!("{n} is outside the possible range of `{what}` ({min} to {max})"),
            ));
        }
    }
}
