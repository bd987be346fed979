//! Type checking: turns a parsed condition into a [`Cond`] over the rule
//! set's indexes, reporting every unknown reference and type mismatch.

use crate::cond::parse::{Expr, HasMode, Lit, LitKind, Pos, Ref};
use crate::cond::{CmpOp, Cond, Operand};
use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic, Span};
use crate::rules::model::{QuestionKind, RuleSet};

/// Where a condition appears, which decides what it may read.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Dimension ratings (`dim.rating`) may be read.
    pub ratings: bool,
    /// The recommended level (`level`) may be read.
    pub level: bool,
    /// Only questions before this index may be read (skip logic).
    pub questions_before: Option<usize>,
}

/// Maps byte positions inside a condition's text to places in the file.
#[derive(Debug, Clone, Copy)]
pub struct TextSpan<'a> {
    pub node: Span,
    pub text: &'a str,
    /// Byte distance from the node's start to the text's first byte, when
    /// the text stands in the file exactly as written (plain or simply
    /// quoted on one line); otherwise every position maps to the node.
    pub exact: Option<u32>,
}

impl<'a> TextSpan<'a> {
    /// Works out how `text` stands in `source` at `node`.
    pub fn new(node: Span, text: &'a str, source: &str) -> Self {
        let start = node.offset as usize;
        let exact = if text.contains('\n') {
            None
        } else if source.get(start..start + text.len()) == Some(text) {
            Some(0)
        } else if source.get(start + 1..start + 1 + text.len()) == Some(text) {
            Some(1)
        } else {
            None
        };
        TextSpan { node, text, exact }
    }

    pub fn map(&self, pos: Pos) -> Span {
        match self.exact {
            Some(delta) if pos.start <= self.text.len() => {
                let chars_before = self.text[..pos.start].chars().count() as u32;
                Span {
                    file: self.node.file,
                    offset: self.node.offset + delta + pos.start as u32,
                    len: (pos.end.saturating_sub(pos.start)) as u32,
                    line: self.node.line,
                    col: self.node.col + delta + chars_before,
                }
            }
            _ => self.node,
        }
    }
}

/// Resolves `expr` against `rs`. Returns `None` if anything was wrong; the
/// problems are pushed to `diags`.
pub fn resolve(
    expr: &Expr,
    rs: &RuleSet,
    ctx: Context,
    at: &TextSpan,
    diags: &mut Vec<Diagnostic>,
) -> Option<Cond> {
    let before = diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .count();
    let c = Resolver {
        rs,
        ctx,
        at,
        diags,
        listed: Vec::new(),
    }
    .expr(expr);
    let after = diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .count();
    if after > before {
        None
    } else {
        c
    }
}

struct Resolver<'a, 'b> {
    rs: &'a RuleSet,
    ctx: Context,
    at: &'a TextSpan<'b>,
    diags: &'a mut Vec<Diagnostic>,
    /// The ids of the list being resolved (`q in [a, b]`, `q has_any [a,
    /// b]`): never suggested for an unknown id in it.
    listed: Vec<String>,
}

/// The ids written in a list of a condition.
fn idents(lits: &[Lit]) -> Vec<String> {
    lits.iter()
        .filter_map(|l| match &l.kind {
            LitKind::Ident(id) => Some(id.clone()),
            _ => None,
        })
        .collect()
}

/// What a reference resolved to.
enum Target {
    Question(usize),
    Total(usize),
    Band(usize),
    Rating(usize),
    Level,
}

impl Resolver<'_, '_> {
    fn err(&mut self, code: &'static str, pos: Pos, msg: String) {
        let span = self.at.map(pos);
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    fn expr(&mut self, e: &Expr) -> Option<Cond> {
        match e {
            Expr::And(items) => self.all(items).map(Cond::And),
            Expr::Or(items) => self.all(items).map(Cond::Or),
            Expr::Not(inner) => self.expr(inner).map(|c| Cond::Not(Box::new(c))),
            Expr::AtLeast { n, n_pos, items } => {
                let cs = self.all(items);
                if *n == 0 || *n as usize > items.len() {
                    self.err(
                        "condition-type",
                        *n_pos,
                        format!(
                            "`at_least {n} of` needs a number from 1 to {} (the number of conditions listed)",
                            items.len()
                        ),
                    );
                    return None;
                }
                cs.map(|cs| Cond::AtLeast(*n, cs))
            }
            Expr::Cmp {
                lhs,
                op,
                op_pos,
                rhs,
            } => self.cmp(lhs, *op, *op_pos, rhs),
            Expr::In { lhs, set } => {
                let target = self.target(lhs)?;
                let operand = self.comparable(&target, lhs, "`in`")?;
                self.listed = idents(set);
                let values: Option<Vec<f64>> = set
                    .iter()
                    .map(|lit| self.value(&target, lhs, lit))
                    .collect();
                self.listed.clear();
                let values = values?;
                let integral = match target {
                    Target::Question(q) => {
                        !matches!(self.rs.questions[q].kind, QuestionKind::Number { .. })
                    }
                    _ => true,
                };
                Some(Cond::In {
                    operand,
                    values,
                    integral,
                })
            }
            Expr::Has { lhs, mode, items } => {
                let target = self.target(lhs)?;
                let q = match target {
                    Target::Question(q) => q,
                    _ => {
                        self.err(
                            "condition-type",
                            lhs.pos,
                            format!(
                                "`has` applies to multi-choice questions; `{}` is not a question",
                                lhs_text(lhs)
                            ),
                        );
                        return None;
                    }
                };
                let question = &self.rs.questions[q];
                let QuestionKind::MultiChoice(options) = &question.kind else {
                    let ty = question.kind.type_name();
                    let hint = if matches!(question.kind, QuestionKind::SingleChoice(_)) {
                        format!(
                            "; for a single choice write `{} in [...]` or `{} == ...`",
                            question.id, question.id
                        )
                    } else {
                        String::new()
                    };
                    self.err(
                        "condition-type",
                        lhs.pos,
                        format!(
                            "`has` applies to multi-choice questions; `{}` is {ty}{hint}",
                            question.id
                        ),
                    );
                    return None;
                };
                let mut mask = 0u64;
                let mut ok = true;
                for lit in items {
                    match &lit.kind {
                        LitKind::Ident(id) => match options.iter().position(|o| &o.id == id) {
                            Some(i) => mask |= 1 << i,
                            None => {
                                ok = false;
                                let help = did_you_mean_unlisted(
                                    id,
                                    options.iter().map(|o| o.id.as_str()),
                                    &idents(items),
                                );
                                let span = self.at.map(lit.pos);
                                self.diags.push(
                                    Diagnostic::error(
                                        "unknown-reference",
                                        span,
                                        format!("`{id}` is not an option of `{}`", question.id),
                                    )
                                    .with_help(
                                        help.unwrap_or_else(|| {
                                            options_list(options.iter().map(|o| o.id.as_str()))
                                        }),
                                    ),
                                );
                            }
                        },
                        _ => {
                            ok = false;
                            self.err(
                                "condition-type",
                                lit.pos,
                                format!(
                                    "`{}` is a multi-choice question; compare it with option ids",
                                    question.id
                                ),
                            );
                        }
                    }
                }
                let mode = if items.len() == 1 && *mode == HasMode::Any {
                    HasMode::One
                } else {
                    *mode
                };
                ok.then_some(Cond::Has {
                    question: q as u32,
                    mode,
                    mask,
                })
            }
            Expr::Bare(r) => {
                let target = self.target(r)?;
                match target {
                    Target::Question(q) if self.rs.questions[q].kind == QuestionKind::YesNo => {
                        Some(Cond::Cmp {
                            operand: Operand::Answer(q as u32),
                            op: CmpOp::Eq,
                            value: 1.0,
                        })
                    }
                    Target::Question(q) => {
                        let ty = self.rs.questions[q].kind.type_name();
                        self.err(
                            "condition-type",
                            r.pos,
                            format!("`{}` is {ty}, not yes/no: compare it with a value (for example `{} == ...`)", r.id, r.id),
                        );
                        None
                    }
                    _ => {
                        self.err(
                            "condition-type",
                            r.pos,
                            format!(
                                "`{}` is not a yes/no question: compare it with a value",
                                lhs_text(r)
                            ),
                        );
                        None
                    }
                }
            }
            Expr::Answered(r) | Expr::Missing(r) => {
                let target = self.target(r)?;
                let Target::Question(q) = target else {
                    self.err(
                        "condition-type",
                        r.pos,
                        format!(
                            "`answered` and `missing` take a question id, not `{}`",
                            lhs_text(r)
                        ),
                    );
                    return None;
                };
                Some(if matches!(e, Expr::Answered(_)) {
                    Cond::Answered(q as u32)
                } else {
                    Cond::Missing(q as u32)
                })
            }
        }
    }

    fn all(&mut self, items: &[Expr]) -> Option<Vec<Cond>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for e in items {
            match self.expr(e) {
                Some(c) => out.push(c),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn target(&mut self, r: &Ref) -> Option<Target> {
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
                            "dimension ratings cannot be read in skip logic or exclusions".into(),
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
    fn comparable(&mut self, t: &Target, r: &Ref, what: &str) -> Option<Operand> {
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

    fn cmp(&mut self, lhs: &Ref, op: CmpOp, op_pos: Pos, rhs: &Lit) -> Option<Cond> {
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
    fn value(&mut self, t: &Target, r: &Ref, lit: &Lit) -> Option<f64> {
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

    fn range_warning(&mut self, lit: &Lit, n: f64, min: f64, max: f64, what: &str) {
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

fn lhs_text(r: &Ref) -> String {
    match &r.field {
        Some((f, _)) => format!("{}.{f}", r.id),
        None => r.id.clone(),
    }
}

fn options_list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = ids.map(|s| format!("`{s}`")).collect();
    format!("expected one of {}", v.join(", "))
}
