//! The condition language's syntax: a lexer (`parse/lex.rs`) and a
//! recursive-descent parser from text to an untyped tree (this file). Type
//! checking happens in the loader (`rules::load::conditions`).
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | atom
//! atom    := "(" expr ")"
//!          | "at_least" INT "of" "(" expr ("," expr)* ")"
//!          | ("answered" | "missing") "(" IDENT ")"
//!          | ref [ OP lit | "in" list | ("has" lit | "has_any" list | "has_all" list) ]
//! ref     := IDENT ["." IDENT]
//! list    := "[" lit ("," lit)* "]"
//! lit     := NUMBER | "true" | "false" | IDENT
//! ```

mod lex;

use lex::{describe, lex, Tok};

/// A byte range inside the condition text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// The comparison that holds exactly where this one does not.
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// Whether `a OP b` holds.
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasMode {
    One,
    Any,
    All,
}

/// A reference: `phq9_9`, `phq9.total`, `emotional.rating`, `level`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub id: String,
    pub field: Option<(String, Pos)>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LitKind {
    Num(f64),
    Bool(bool),
    Ident(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lit {
    pub kind: LitKind,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    AtLeast {
        n: u32,
        n_pos: Pos,
        items: Vec<Expr>,
    },
    Cmp {
        lhs: Ref,
        op: CmpOp,
        op_pos: Pos,
        rhs: Lit,
    },
    In {
        lhs: Ref,
        set: Vec<Lit>,
    },
    Has {
        lhs: Ref,
        mode: HasMode,
        items: Vec<Lit>,
    },
    Bare(Ref),
    Answered(Ref),
    Missing(Ref),
}

/// A syntax error at a position in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
}

/// The longest condition accepted, in bytes, and the deepest nesting.
pub const MAX_LEN: usize = 10_000;
pub const MAX_DEPTH: usize = 64;

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "has", "has_any", "has_all", "at_least", "of", "answered", "missing",
];

struct Parser {
    toks: Vec<(Tok, Pos)>,
    i: usize,
    depth: usize,
}

/// Parses a condition.
pub fn parse(src: &str) -> Result<Expr, SyntaxError> {
    if src.len() > MAX_LEN {
        return Err(SyntaxError {
            message: format!("condition is longer than {MAX_LEN} bytes"),
            pos: Pos { start: 0, end: 0 },
        });
    }
    if src.trim().is_empty() {
        return Err(SyntaxError {
            message: "empty condition".into(),
            pos: Pos { start: 0, end: 0 },
        });
    }
    let mut p = Parser {
        toks: lex(src)?,
        i: 0,
        depth: 0,
    };
    let e = p.or()?;
    let (t, pos) = p.peek();
    if *t != Tok::End {
        let msg = match t {
            Tok::Ident(w) if w == "&&" => "write `and`".to_string(),
            _ => format!("expected `and`, `or` or the end, found {}", describe(t)),
        };
        return Err(SyntaxError { message: msg, pos });
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> (&Tok, Pos) {
        let (t, p) = &self.toks[self.i.min(self.toks.len() - 1)];
        (t, *p)
    }

    fn next(&mut self) -> (Tok, Pos) {
        let r = self.toks[self.i.min(self.toks.len() - 1)].clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        r
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek().0, Tok::Ident(w) if w == kw)
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Pos, SyntaxError> {
        let (t, pos) = self.next();
        if t == want {
            Ok(pos)
        } else {
            Err(SyntaxError {
                message: format!("expected {what}, found {}", describe(&t)),
                pos,
            })
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                message: format!("condition nests deeper than {MAX_DEPTH} levels"),
                pos: self.peek().1,
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let mut items = vec![self.and()?];
        while self.is_kw("or") {
            self.next();
            items.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut items = vec![self.unary()?];
        while self.is_kw("and") {
            self.next();
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.is_kw("not") {
            self.next();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        let (t, pos) = self.peek();
        match t.clone() {
            Tok::LParen => {
                self.next();
                let e = self.or()?;
                self.expect(Tok::RParen, "`)`")?;
                Ok(e)
            }
            Tok::Ident(w) if w == "at_least" => {
                self.next();
                let (t, n_pos) = self.next();
                let n = match t {
                    Tok::Num(n) if n.fract() == 0.0 && n >= 0.0 => n as u32,
                    other => {
                        return Err(SyntaxError {
                            message: format!(
                                "expected a whole number after `at_least`, found {}",
                                describe(&other)
                            ),
                            pos: n_pos,
                        })
                    }
                };
                if !self.is_kw("of") {
                    let (t, p) = self.next();
                    return Err(SyntaxError {
                        message: format!("expected `of`, found {}", describe(&t)),
                        pos: p,
                    });
                }
                self.next();
                self.expect(Tok::LParen, "`(` after `of`")?;
                let mut items = vec![self.or()?];
                while *self.peek().0 == Tok::Comma {
                    self.next();
                    items.push(self.or()?);
                }
                self.expect(Tok::RParen, "`,` or `)`")?;
                Ok(Expr::AtLeast { n, n_pos, items })
            }
            Tok::Ident(w) if w == "answered" || w == "missing" => {
                self.next();
                self.expect(Tok::LParen, &format!("`(` after `{w}`"))?;
                let r = self.reference()?;
                self.expect(Tok::RParen, "`)`")?;
                Ok(if w == "answered" {
                    Expr::Answered(r)
                } else {
                    Expr::Missing(r)
                })
            }
            Tok::Ident(_) => {
                let r = self.reference()?;
                let (t, op_pos) = self.peek();
                match t.clone() {
                    Tok::Op(op) => {
                        self.next();
                        let rhs = self.literal()?;
                        Ok(Expr::Cmp {
                            lhs: r,
                            op,
                            op_pos,
                            rhs,
                        })
                    }
                    Tok::Ident(w) if w == "in" => {
                        self.next();
                        let set = self.list()?;
                        Ok(Expr::In { lhs: r, set })
                    }
                    Tok::Ident(w) if w == "has" => {
                        self.next();
                        let item = self.literal()?;
                        Ok(Expr::Has {
                            lhs: r,
                            mode: HasMode::One,
                            items: vec![item],
                        })
                    }
                    Tok::Ident(w) if w == "has_any" || w == "has_all" => {
                        self.next();
                        let items = self.list()?;
                        let mode = if w == "has_any" {
                            HasMode::Any
                        } else {
                            HasMode::All
                        };
                        Ok(Expr::Has {
                            lhs: r,
                            mode,
                            items,
                        })
                    }
                    _ => Ok(Expr::Bare(r)),
                }
            }
            other => Err(SyntaxError {
                message: format!("expected a condition, found {}", describe(&other)),
                pos,
            }),
        }
    }

    fn reference(&mut self) -> Result<Ref, SyntaxError> {
        let (t, pos) = self.next();
        let id = match t {
            Tok::Ident(w) if !KEYWORDS.contains(&w.as_str()) => w,
            other => {
                return Err(SyntaxError {
                    message: format!(
                        "expected a question, instrument or dimension id, found {}",
                        describe(&other)
                    ),
                    pos,
                })
            }
        };
        let mut r = Ref {
            id,
            field: None,
            pos,
        };
        if *self.peek().0 == Tok::Dot {
            self.next();
            let (t, fpos) = self.next();
            match t {
                Tok::Ident(f) => {
                    r.pos.end = fpos.end;
                    r.field = Some((f, fpos));
                }
                other => {
                    return Err(SyntaxError {
                        message: format!(
                            "expected `total`, `band` or `rating` after `.`, found {}",
                            describe(&other)
                        ),
                        pos: fpos,
                    })
                }
            }
        }
        Ok(r)
    }

    fn literal(&mut self) -> Result<Lit, SyntaxError> {
        let (t, pos) = self.next();
        let kind = match t {
            Tok::Num(n) => LitKind::Num(n),
            Tok::Ident(w) if w == "true" => LitKind::Bool(true),
            Tok::Ident(w) if w == "false" => LitKind::Bool(false),
            Tok::Ident(w) if !KEYWORDS.contains(&w.as_str()) => LitKind::Ident(w),
            other => {
                return Err(SyntaxError {
                    message: format!("expected a value, found {}", describe(&other)),
                    pos,
                })
            }
        };
        Ok(Lit { kind, pos })
    }

    fn list(&mut self) -> Result<Vec<Lit>, SyntaxError> {
        self.expect(Tok::LBracket, "`[`")?;
        let mut items = vec![self.literal()?];
        while *self.peek().0 == Tok::Comma {
            self.next();
            items.push(self.literal()?);
        }
        self.expect(Tok::RBracket, "`,` or `]`")?;
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_precedence() {
        let e = parse("a > 1 or b and not c").unwrap();
        let Expr::Or(items) = e else { panic!() };
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[1], Expr::And(v) if v.len() == 2 && matches!(v[1], Expr::Not(_))));
    }

    #[test]
    fn parses_at_least_and_fields() {
        let e = parse("at_least 2 of (x.rating >= 3, y.rating >= 3, z.band in [mild, severe])")
            .unwrap();
        let Expr::AtLeast { n, items, .. } = e else {
            panic!()
        };
        assert_eq!(n, 2);
        assert_eq!(items.len(), 3);
        let Expr::In { lhs, set } = &items[2] else {
            panic!()
        };
        assert_eq!(lhs.field.as_ref().unwrap().0, "band");
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn reports_position_of_errors() {
        let e = parse("a >= 3 and (b == 1").unwrap_err();
        assert_eq!(e.message, "expected `)`, found the end of the condition");
        assert_eq!(e.pos.start, 18);
        let e = parse("a = 3").unwrap_err();
        assert_eq!(e.message, "`=` is not an operator; write `==` to compare");
        assert_eq!(e.pos.start, 2);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}a{}", "(".repeat(200), ")".repeat(200));
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("deeper than 64"));
        let nots = format!("{}a", "not ".repeat(200));
        assert!(parse(&nots).is_err());
    }
}
