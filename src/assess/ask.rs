//! How each type of question is asked, and how typed answers are checked.

use super::{
    AssessError, Choice, Interview, Notice, Prompt, Prompter, Reply, Store, KEY_CONFIRM_NONE,
};
use crate::intake::Slot;
use crate::rules::model::{ChoiceOption, QuestionKind};

type Res<T> = Result<T, AssessError>;

impl<S: Store> Interview<'_, S> {
    pub(super) fn ask_once(
        &self,
        p: &mut dyn Prompter,
        prompt: &Prompt,
        q: usize,
        current: &Slot,
    ) -> Res<Reply<(Slot, Option<String>)>> {
        let question = &self.rs.questions[q];
        let num = |r: Reply<f64>| map_reply(r, |x| (Slot::Num(x), None));
        Ok(match &question.kind {
            QuestionKind::SingleChoice(options) => {
                let offered = self.offered(q, options);
                let items: Vec<Choice> = offered
                    .iter()
                    .map(|&i| Choice::new(options[i].label.clone()))
                    .collect();
                let current = match current {
                    Slot::Num(x) => offered.iter().position(|&i| i as f64 == *x),
                    _ => None,
                };
                num(map_reply(p.select(prompt, &items, current)?, |i| {
                    offered[i] as f64
                }))
            }
            QuestionKind::MultiChoice(options) => {
                let offered = self.offered(q, options);
                let items: Vec<Choice> = offered
                    .iter()
                    .map(|&i| Choice::new(options[i].label.clone()))
                    .collect();
                let exclusive: Vec<bool> = offered.iter().map(|&i| options[i].exclusive).collect();
                let checked: Vec<bool> = offered
                    .iter()
                    .map(|&i| matches!(current, Slot::Multi(m) if i < 64 && m & (1u64 << i) != 0))
                    .collect();
                match p.multi_select(prompt, &items, &exclusive, &checked)? {
                    Reply::Value(v)
                        if v.len() > 1 && v.iter().any(|&i| exclusive.get(i) == Some(&true)) =>
                    {
                        let which = v
                            .iter()
                            .find(|&&i| exclusive[i])
                            .map(|&i| items[i].label.as_str())
                            .unwrap_or_default();
                        p.show(&Notice::Refused(format!(
                            "“{which}” cannot be ticked together with other answers."
                        )));
                        return self.ask_once(p, prompt, q, current);
                    }
                    Reply::Value(v) if v.is_empty() => {
                        let confirm = Prompt::plain(
                            KEY_CONFIRM_NONE,
                            "Nothing is ticked. Record that none of these apply?",
                        );
                        match p.yes_no(&confirm, None)? {
                            Reply::Value(true) => Reply::Value((Slot::Multi(0), None)),
                            _ => return self.ask_once(p, prompt, q, current),
                        }
                    }
                    r => map_reply(r, |v| {
                        let mask = v
                            .iter()
                            .map(|&i| offered[i])
                            .filter(|&i| i < 64)
                            .fold(0u64, |m, i| m | (1u64 << i));
                        (Slot::Multi(mask), None)
                    }),
                }
            }
            QuestionKind::YesNo => {
                let current = match current {
                    Slot::Num(x) => Some(*x != 0.0),
                    _ => None,
                };
                num(map_reply(p.yes_no(prompt, current)?, |b| {
                    if b {
                        1.0
                    } else {
                        0.0
                    }
                }))
            }
            QuestionKind::Integer {
                min,
                max,
                allowed,
                scale,
            } => {
                let values = valid_integers(*min, *max, allowed.as_deref());
                let labelled = !scale.is_empty()
                    && values
                        .as_ref()
                        .is_some_and(|v| v.iter().all(|x| scale.iter().any(|(s, _)| s == x)));
                if labelled {
                    let values = values.unwrap_or_default();
                    let items: Vec<Choice> = values
                        .iter()
                        .map(|x| {
                            let label = scale
                                .iter()
                                .find(|(s, _)| s == x)
                                .map(|(_, l)| l.as_str())
                                .unwrap_or("");
                            Choice::keyed(x.to_string(), label)
                        })
                        .collect();
                    let current = match current {
                        Slot::Num(x) => values.iter().position(|v| *v as f64 == *x),
                        _ => None,
                    };
                    num(map_reply(p.select(prompt, &items, current)?, |i| {
                        values[i] as f64
                    }))
                } else {
                    let hint = match allowed {
                        Some(_) => integer_hint(*min, *max, allowed.as_deref()),
                        None => format!("{min} to {max}"),
                    };
                    let initial = match current {
                        Slot::Num(x) => Some(format!("{}", *x as i64)),
                        _ => None,
                    };
                    let (min, max, allowed) = (*min, *max, allowed.as_deref());
                    let validate = move |s: &str| parse_integer(s, min, max, allowed).map(|_| ());
                    let r = p.input(prompt, &hint, initial.as_deref(), &validate)?;
                    match parsed(r, |s| parse_integer(&s, min, max, allowed)) {
                        Some(r) => num(map_reply(r, |x| x as f64)),
                        None => return self.ask_once(p, prompt, q, current),
                    }
                }
            }
            QuestionKind::Number { min, max } => {
                let hint = format!("{} to {}", fmt_num(*min), fmt_num(*max));
                let initial = match current {
                    Slot::Num(x) => Some(fmt_num(*x)),
                    _ => None,
                };
                let (min, max) = (*min, *max);
                let validate = move |s: &str| parse_number(s, min, max).map(|_| ());
                let r = p.input(prompt, &hint, initial.as_deref(), &validate)?;
                match parsed(r, |s| parse_number(&s, min, max)) {
                    Some(r) => num(r),
                    None => return self.ask_once(p, prompt, q, current),
                }
            }
            QuestionKind::Text { max_length } => {
                let hint = "free text".to_string();
                let initial = match current {
                    Slot::Text => self
                        .intake
                        .text(q)
                        .or_else(|| self.previous_text(q))
                        .map(str::to_string),
                    _ => None,
                };
                let max = *max_length;
                let validate = move |s: &str| check_text(s, max);
                let r = p.input(prompt, &hint, initial.as_deref(), &validate)?;
                match parsed(r, |s| check_text(&s, max).map(|()| s.trim().to_string())) {
                    Some(r) => map_reply(r, |s| (Slot::Text, Some(s))),
                    None => return self.ask_once(p, prompt, q, current),
                }
            }
        })
    }

    /// The options of question `q` offered now: all of them, or, for a
    /// question whose options are drawn from another answer, those ticked
    /// there (all of them while that answer is missing or ticks none of
    /// them). Exclusive options of the source are never among them.
    pub(super) fn offered(&self, q: usize, options: &[ChoiceOption]) -> Vec<usize> {
        let all: Vec<usize> = (0..options.len()).collect();
        let Some(src) = self.rs.questions[q].options_from else {
            return all;
        };
        let (Slot::Multi(mask), Some(src_options)) = (
            &self.intake.slots[src],
            self.rs.questions[src].kind.options(),
        ) else {
            return all;
        };
        let ticked: Vec<&str> = src_options
            .iter()
            .enumerate()
            .filter(|(i, o)| *i < 64 && mask & (1u64 << i) != 0 && !o.exclusive)
            .map(|(_, o)| o.id.as_str())
            .collect();
        let picked: Vec<usize> = all
            .into_iter()
            .filter(|&i| ticked.contains(&options[i].id.as_str()))
            .collect();
        if picked.is_empty() {
            (0..options.len()).collect()
        } else {
            picked
        }
    }
}

/// A typed reply parsed by `f`; `None` when `f` refuses the value (it is
/// then asked again).
fn parsed<T, U, E>(r: Reply<T>, f: impl FnOnce(T) -> Result<U, E>) -> Option<Reply<U>> {
    Some(match r {
        Reply::Value(v) => Reply::Value(f(v).ok()?),
        Reply::Declined => Reply::Declined,
        Reply::Help => Reply::Help,
        Reply::Back => Reply::Back,
        Reply::Jump => Reply::Jump,
    })
}

fn map_reply<T, U>(r: Reply<T>, f: impl FnOnce(T) -> U) -> Reply<U> {
    // Never `None`: `f` cannot refuse.
    parsed(r, |v| Ok::<U, ()>(f(v))).unwrap_or(Reply::Declined)
}

/// Every valid answer of an integer question, when there are few enough
/// to pick from.
fn valid_integers(min: i64, max: i64, allowed: Option<&[i64]>) -> Option<Vec<i64>> {
    match allowed {
        Some(a) => Some(a.to_vec()),
        None if max >= min && max - min <= 20 => Some((min..=max).collect()),
        None => None,
    }
}

fn integer_hint(min: i64, max: i64, allowed: Option<&[i64]>) -> String {
    match allowed {
        Some(a) => format!(
            "one of {}",
            a.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("a whole number from {min} to {max}"),
    }
}

/// A typed whole number, checked against the question's range.
pub fn parse_integer(s: &str, min: i64, max: i64, allowed: Option<&[i64]>) -> Result<i64, String> {
    let hint = integer_hint(min, max, allowed);
    let x: i64 = s.trim().parse().map_err(|_| format!("Type {hint}."))?;
    let ok = match allowed {
        Some(a) => a.contains(&x),
        None => x >= min && x <= max,
    };
    if ok {
        Ok(x)
    } else {
        Err(format!("Out of range: type {hint}."))
    }
}

/// A typed number, checked against the question's range.
pub fn parse_number(s: &str, min: f64, max: f64) -> Result<f64, String> {
    let hint = format!("a number from {} to {}", fmt_num(min), fmt_num(max));
    let x: f64 = s.trim().parse().map_err(|_| format!("Type {hint}."))?;
    if x.is_finite() && x >= min && x <= max {
        Ok(if x == 0.0 { 0.0 } else { x })
    } else {
        Err(format!("Out of range: type {hint}."))
    }
}

fn check_text(s: &str, max: usize) -> Result<(), String> {
    let t = s.trim();
    if t.is_empty() {
        Err("Type an answer, or - for no answer.".into())
    } else if t.chars().count() > max {
        Err(format!("Too long: at most {max} characters."))
    } else {
        Ok(())
    }
}

pub(super) fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_strictly() {
        assert_eq!(parse_integer(" 42 ", 0, 120, None), Ok(42));
        assert!(parse_integer("4.0", 0, 120, None).is_err());
        assert!(parse_integer("121", 0, 120, None)
            .unwrap_err()
            .starts_with("Out of range"));
        assert_eq!(parse_integer("2", 0, 4, Some(&[0, 2, 4])), Ok(2));
        assert!(parse_integer("3", 0, 4, Some(&[0, 2, 4])).is_err());
        assert_eq!(parse_number("2.5", 0.0, 10.0), Ok(2.5));
        assert!(parse_number("NaN", 0.0, 10.0).is_err());
        assert!(parse_number("inf", 0.0, 1e300).is_err());
    }
}
