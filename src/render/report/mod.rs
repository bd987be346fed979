//! `placement report`: a chart-ready summary of one scored intake, on one
//! or two printed pages. [`Report::build`] gathers what the chart needs
//! from the intake and its [`Assessment`](crate::engine::Assessment) as
//! plain text (nothing is evaluated again); [`markdown`] and [`html`] lay
//! the same report out, each escaping the text for its format.

pub mod html;
pub mod markdown;

use super::record::{action_label, assessors, event_text};
use super::Scored;
use crate::cond::Tri;
use crate::engine::Warning;
use crate::intake::Slot;
use crate::rules::model::{FlagSeverity, QuestionKind};
use crate::rules::RuleSet;

/// Everything the report shows, in reading order, as plain (unescaped)
/// text.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The intake id, or the file it came from when it has none.
    pub title: String,
    /// Intake id, client, status, source file.
    pub identifiers: Vec<(&'static str, String)>,
    /// Started, recommendation reached, last saved.
    pub dates: Vec<(&'static str, String)>,
    pub assessors: Vec<String>,
    /// Name, version and SHA-256 of the rule set that scored the intake.
    pub rules: (String, String, String),
    /// The rule set the intake says it was answered under, when that is
    /// not the one that scored it.
    pub answered_under: Option<String>,
    pub reassessment: Option<String>,
    /// Flags raised, critical first, then flags missing answers leave
    /// undecided ([`POSSIBLE`]).
    pub flags: Vec<FlagLine>,
    pub recommendation: Recommendation,
    pub dimensions: Vec<DimensionLine>,
    pub instruments: Vec<InstrumentLine>,
    pub placement: Option<PlacementLine>,
    /// The warnings scoring noted (contradictions, answers kept but not
    /// used, history mismatches), one sentence each.
    pub warnings: Vec<String>,
    pub sections: Vec<SectionAnswers>,
    /// When, who, what.
    pub history: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagLine {
    /// `CRITICAL`, `WARNING`, `INFO`; `POSSIBLE CRITICAL` and so on for a
    /// flag that cannot be ruled out yet.
    pub severity: String,
    pub critical: bool,
    /// The rule set's severity, for the order (critical first).
    pub severity_rank: FlagSeverity,
    /// Missing answers leave it undecided: not raised, not ruled out.
    pub possible: bool,
    pub id: String,
    pub message: String,
    /// What the rule set says to do.
    pub action: Option<String>,
    /// What was done, as the intake records it: the action taken, by
    /// whom, when, and the note; "not acknowledged" for a raised critical
    /// flag (the interview has them acknowledged) that was not. `None`
    /// for other flags not acknowledged.
    pub taken: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Level name and id.
    pub level: (String, String),
    /// Set when missing answers could raise the level: the most it could
    /// be and the questions that could raise it.
    pub could_be: Option<(String, Vec<String>)>,
    pub eligibility: Vec<String>,
    pub supports: Vec<String>,
    pub possible_supports: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DimensionLine {
    pub name: String,
    pub rating: u8,
    /// Set when missing answers could raise the rating.
    pub up_to: Option<u8>,
    pub max_rating: u8,
    pub min_level: String,
    /// The deciding rule's reason (its `why`), or that no rule holds.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentLine {
    pub name: String,
    pub id: String,
    /// `14 of 27`, `incomplete: 3 to 9 of 27`, or `not asked`.
    pub total: String,
    /// The band's label (or id), with its range; empty when there is none.
    pub band: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacementLine {
    /// Level name and id.
    pub level: (String, String),
    /// "the recommended level", "an override of ...", or "the level
    /// recommended when it was placed".
    pub how: String,
    pub reason: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionAnswers {
    pub title: String,
    pub answers: Vec<AnswerLine>,
    /// Questions that apply (or may, marked so) and have nothing recorded
    /// yet: ids.
    pub no_answer: Vec<String>,
    /// Questions skip logic did not ask (ids); retired ones with no
    /// answer are left out.
    pub not_asked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerLine {
    pub id: String,
    /// The question as the rule set words it.
    pub text: String,
    /// The answer in words: option labels, yes/no, the number, the free
    /// text in full; or why there is none.
    pub value: String,
    /// The answer is missing (no answer, declined, unknown, not
    /// applicable).
    pub missing: bool,
    /// "not asked (skip logic)", "retired", "may apply": the answer is
    /// kept, or the question may still apply.
    pub status: Option<&'static str>,
    pub source: Option<String>,
    pub note: Option<String>,
}

impl Report {
    pub fn build(rs: &RuleSet, s: &Scored) -> Report {
        let a = &s.assessment;
        let i = &s.intake;
        let mut identifiers = Vec::new();
        if let Some(id) = &i.id {
            identifiers.push(("Intake", id.clone()));
        }
        if let Some(c) = &i.client {
            identifiers.push(("Client", c.clone()));
        }
        identifiers.push((
            "Status",
            i.status.clone().unwrap_or_else(|| "not recorded".into()),
        ));
        identifiers.push(("File", s.source.clone()));
        let dates = [
            ("Started", &i.started_at),
            ("Recommendation reached", &i.assessed_at),
            ("Last saved", &i.updated_at),
        ]
        .into_iter()
        .filter_map(|(what, t)| t.as_ref().map(|t| (what, t.clone())))
        .collect();
        let answered_under = i.rules.as_ref().and_then(|r| {
            let differs = r.sha256.as_deref().is_some_and(|h| h != rs.sha256)
                || r.version.as_deref().is_some_and(|v| v != rs.version);
            differs.then(|| {
                format!(
                    "{} {}{}",
                    r.name.as_deref().unwrap_or("(no name)"),
                    r.version.as_deref().unwrap_or("(no version)"),
                    r.sha256
                        .as_deref()
                        .map(|h| format!(" (sha256 {h})"))
                        .unwrap_or_default()
                )
            })
        });
        let reassessment = i.reassessment.as_ref().map(|r| {
            let p = &r.previous;
            format!(
                "Reassessment of intake {} (recommendation reached {}; sha256 {}). Answers changed since: {}.",
                p.id.as_deref().unwrap_or("(no id)"),
                p.assessed_at.as_deref().unwrap_or("(not recorded)"),
                p.sha256.as_deref().unwrap_or("(not recorded)"),
                if r.changed.is_empty() {
                    "none".to_string()
                } else {
                    super::question_ids(rs, &r.changed).join(", ")
                }
            )
        });

        let mut flags = Vec::new();
        for (&f, possible) in a
            .flags
            .iter()
            .map(|f| (f, false))
            .chain(a.possible_flags.iter().map(|f| (f, true)))
        {
            let flag = &rs.flags[f];
            let severity = flag.severity.as_str().to_uppercase();
            let taken = i
                .acknowledged_flags
                .iter()
                .find(|k| k.id == flag.id)
                .map(|k| {
                    let mut t = k
                        .action
                        .as_deref()
                        .map_or("seen", |x| action_label(rs, x))
                        .to_string();
                    t.push_str(&format!(
                        " (by {}, {})",
                        k.by.as_deref().unwrap_or("nobody recorded"),
                        k.at.as_deref().unwrap_or("time not recorded")
                    ));
                    if let Some(n) = &k.note {
                        t.push_str(&format!("; note: {n}"));
                    }
                    t
                });
            let critical = flag.severity == FlagSeverity::Critical;
            let taken =
                taken.or_else(|| (critical && !possible).then(|| "not acknowledged".into()));
            flags.push(FlagLine {
                severity: if possible {
                    format!("POSSIBLE {severity}")
                } else {
                    severity
                },
                critical,
                severity_rank: flag.severity,
                possible,
                id: flag.id.clone(),
                message: flag.message.trim().to_string(),
                action: flag.action.as_ref().map(|x| x.trim().to_string()),
                taken,
            });
        }

        // Most severe first; of one severity, raised before possible.
        flags.sort_by_key(|f| (f.severity_rank, f.possible));
        let level = &rs.levels[a.level];
        let recommendation = Recommendation {
            level: (level.name.clone(), level.id.clone()),
            could_be: (a.max_level != a.level).then(|| {
                (
                    rs.levels[a.max_level].name.clone(),
                    super::question_ids(rs, &a.could_raise)
                        .into_iter()
                        .map(String::from)
                        .collect(),
                )
            }),
            eligibility: super::eligibility_not_established(rs, a, |m| m.to_string()),
            supports: a
                .supports
                .iter()
                .map(|&x| rs.supports[x].name().to_string())
                .collect(),
            possible_supports: a
                .possible_supports
                .iter()
                .map(|&x| rs.supports[x].name().to_string())
                .collect(),
        };

        let dimensions = rs
            .dimensions
            .iter()
            .zip(&a.dimensions)
            .map(|(dim, dr)| DimensionLine {
                name: dim.name.clone(),
                rating: dr.rating,
                up_to: (dr.max_rating > dr.rating).then_some(dr.max_rating),
                max_rating: rs.max_rating,
                min_level: rs.levels[dr.min_level].name.clone(),
                reason: dr
                    .deciding(dim)
                    .next()
                    .map(|r| dim.rules[r].why.trim().to_string())
                    .unwrap_or_else(|| "No rule holds.".into()),
            })
            .collect();

        let instruments = rs
            .instruments
            .iter()
            .zip(&a.instruments)
            .map(|(inst, r)| {
                let (total, band) = if !r.applicable {
                    ("not asked".to_string(), String::new())
                } else if let (Some(t), Some(b)) = (r.total, r.band) {
                    let b = &inst.bands[b];
                    (
                        format!("{t} of {}", inst.max_total),
                        format!(
                            "{} ({} to {})",
                            b.label.as_deref().unwrap_or(&b.id),
                            b.min,
                            b.max
                        ),
                    )
                } else {
                    let (lo, hi) = r.range.unwrap_or((inst.min_total, inst.max_total));
                    (
                        format!("incomplete: {lo} to {hi} of {}", inst.max_total),
                        format!("missing {}", super::question_ids(rs, &r.missing).join(", ")),
                    )
                };
                InstrumentLine {
                    name: inst.name.clone(),
                    id: inst.id.clone(),
                    total,
                    band,
                }
            })
            .collect();

        let placement = i.placement.as_ref().map(|p| PlacementLine {
            level: (
                rs.levels[p.level].name.clone(),
                rs.levels[p.level].id.clone(),
            ),
            how: if p.level == a.level {
                "the recommended level".to_string()
            } else if s.overridden() {
                format!("an override of {}", level.name)
            } else {
                "the level recommended when it was placed".to_string()
            },
            reason: p.reason.map(|r| rs.override_reasons[r].label.clone()),
            note: p.note.clone(),
        });

        // Undecided flags and exclusions are shown with the flags and the
        // recommendation; the other warnings are listed.
        let warnings = a
            .warnings
            .iter()
            .filter(|w| {
                !matches!(
                    w,
                    Warning::FlagUndecided(_) | Warning::ExclusionUndecided(_)
                )
            })
            .map(|w| w.text(rs))
            .collect();

        let sections = rs
            .sections
            .iter()
            .map(|sec| {
                let mut answers = Vec::new();
                let mut not_asked = Vec::new();
                let mut no_answer = Vec::new();
                for q in sec.questions.clone() {
                    let question = &rs.questions[q];
                    let st = a.questions[q];
                    let recorded = !matches!(i.slots[q], Slot::Absent);
                    if st.applicable == Tri::False && !recorded {
                        if !question.retired {
                            not_asked.push(question.id.clone());
                        }
                        continue;
                    }
                    if !recorded {
                        no_answer.push(match st.applicable {
                            Tri::Unknown => format!("{} (may apply)", question.id),
                            _ => question.id.clone(),
                        });
                        continue;
                    }
                    let status = match st.applicable {
                        Tri::True => None,
                        Tri::False if question.retired => Some("retired, kept and not used"),
                        Tri::False => Some("not asked (skip logic), kept and not used"),
                        Tri::Unknown => Some("may apply"),
                    };
                    let (value, missing) = answer_words(rs, s, q);
                    answers.push(AnswerLine {
                        id: question.id.clone(),
                        text: question.text.trim().to_string(),
                        value,
                        missing,
                        status,
                        source: i.source(q).map(|x| rs.answer_sources[x].label.clone()),
                        note: i.note(q).map(String::from),
                    });
                }
                SectionAnswers {
                    title: sec.title.clone(),
                    answers,
                    no_answer,
                    not_asked,
                }
            })
            .collect();

        let history = i
            .history
            .iter()
            .map(|e| {
                (
                    e.at.clone().unwrap_or_else(|| "(no time)".into()),
                    e.by.clone().unwrap_or_else(|| "(nobody recorded)".into()),
                    event_text(rs, e),
                )
            })
            .collect();

        Report {
            title: i.id.clone().unwrap_or_else(|| s.source.clone()),
            identifiers,
            dates,
            assessors: assessors(i).into_iter().map(String::from).collect(),
            rules: (rs.name.clone(), rs.version.clone(), rs.sha256.clone()),
            answered_under,
            reassessment,
            flags,
            recommendation,
            dimensions,
            instruments,
            placement,
            warnings,
            sections,
            history,
        }
    }
}

/// An answer in words, and whether it is missing: option labels, yes/no,
/// the number, free text in full; or why there is no answer.
fn answer_words(rs: &RuleSet, s: &Scored, q: usize) -> (String, bool) {
    let question = &rs.questions[q];
    let text = match &s.intake.slots[q] {
        // Listed in `no_answer`, not among the answers.
        Slot::Absent => return ("no answer".into(), true),
        Slot::Declined => return (s.intake.why_no_answer(q).label().to_string(), true),
        Slot::Text => s.intake.text(q).unwrap_or("").to_string(),
        Slot::Multi(m) => {
            let chosen: Vec<&str> = question
                .kind
                .options()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(k, _)| *k < 64 && m & (1u64 << k) != 0)
                .map(|(_, o)| o.label.trim())
                .collect();
            if chosen.is_empty() {
                "none".into()
            } else {
                chosen.join("; ")
            }
        }
        Slot::Num(x) => match &question.kind {
            QuestionKind::YesNo => if *x != 0.0 { "Yes" } else { "No" }.into(),
            QuestionKind::SingleChoice(o) => o
                .get(*x as usize)
                .map(|o| o.label.trim().to_string())
                .unwrap_or_default(),
            QuestionKind::Integer { scale, .. } => {
                match scale.iter().find(|(v, _)| *v as f64 == *x) {
                    Some((_, label)) => format!("{x} ({})", label.trim()),
                    None => format!("{x}"),
                }
            }
            _ => format!("{x}"),
        },
    };
    (text, false)
}

/// What a flag marked possible means, said once under the flags.
pub const POSSIBLE: &str = "POSSIBLE: cannot be ruled out until the missing answers are known.";

/// The footer every report ends with.
pub const DECISION_SUPPORT: &str = "Decision support: the professional decides.";
