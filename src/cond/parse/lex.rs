//! The lexer of the condition language: condition text to tokens (words,
//! numbers, comparison operators, brackets) with their positions.

use super::{CmpOp, Pos, SyntaxError};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    Num(f64),
    Op(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    End,
}

pub(super) fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Num(n) => format!("the number {n}"),
        Tok::Op(op) => format!("`{}`", op.as_str()),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Dot => "`.`".into(),
        Tok::End => "the end of the condition".into(),
    }
}

pub(super) fn lex(src: &str) -> Result<Vec<(Tok, Pos)>, SyntaxError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |t: Tok| {
            (
                t,
                Pos {
                    start,
                    end: start + 1,
                },
            )
        };
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => out.push(single(Tok::LParen)),
            b')' => out.push(single(Tok::RParen)),
            b'[' => out.push(single(Tok::LBracket)),
            b']' => out.push(single(Tok::RBracket)),
            b',' => out.push(single(Tok::Comma)),
            b'.' if !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => out.push(single(Tok::Dot)),
            b'=' | b'!' | b'<' | b'>' => {
                let two = bytes.get(i + 1) == Some(&b'=');
                let op = match (c, two) {
                    (b'=', true) => CmpOp::Eq,
                    (b'!', true) => CmpOp::Ne,
                    (b'<', true) => CmpOp::Le,
                    (b'>', true) => CmpOp::Ge,
                    (b'<', false) => CmpOp::Lt,
                    (b'>', false) => CmpOp::Gt,
                    (b'=', false) => {
                        return Err(SyntaxError {
                            message: "`=` is not an operator; write `==` to compare".into(),
                            pos: Pos {
                                start,
                                end: start + 1,
                            },
                        })
                    }
                    _ => {
                        return Err(SyntaxError {
                            message: "`!` is not an operator; write `not` or `!=`".into(),
                            pos: Pos {
                                start,
                                end: start + 1,
                            },
                        })
                    }
                };
                let len = if two { 2 } else { 1 };
                out.push((
                    Tok::Op(op),
                    Pos {
                        start,
                        end: start + len,
                    },
                ));
                i += len;
                continue;
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
                    j += 1;
                }
                let text = &src[i..j];
                let n: f64 = text.parse().map_err(|_| SyntaxError {
                    message: format!("`{text}` is not a number"),
                    pos: Pos { start, end: j },
                })?;
                if !n.is_finite() || n.abs() > 1e15 {
                    return Err(SyntaxError {
                        message: format!("`{text}` is too large a number"),
                        pos: Pos { start, end: j },
                    });
                }
                out.push((Tok::Num(n), Pos { start, end: j }));
                i = j;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                out.push((Tok::Ident(src[i..j].to_string()), Pos { start, end: j }));
                i = j;
                continue;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                let w = ch.len_utf8();
                return Err(SyntaxError {
                    message: format!("unexpected character `{ch}`"),
                    pos: Pos {
                        start,
                        end: start + w,
                    },
                });
            }
        }
        i += 1;
    }
    out.push((
        Tok::End,
        Pos {
            start: src.len(),
            end: src.len(),
        },
    ));
    Ok(out)
}
