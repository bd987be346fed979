//! Type checking: turns a parsed condition into a [`Cond`] over the rule
//! set's indexes, reporting every unknown reference and type mismatch.
//! This file walks the expression (and, or, not, `in`, `has`...);
//! `operands.rs` resolves what a name refers to and the values it takes.

mod operands;

use operands::Target;

use crate::cond::parse::{Expr, HasMode, Lit, LitKind, Pos, Ref};
use crate::cond::{CmpOp, Cond, Operand};
use crate::diag::{did_you_mean_unlisted, Diagnostic, Span};
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
