//! `placement explain`: the whole trace of one assessment, answer by
//! answer and rule by rule, and what would have to differ for a less
//! intensive level.

use super::Scored;
use crate::cond::Tri;
use crate::diag::text::visible;
use crate::intake::Slot;
use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;
use std::fmt::Write as _;

fn answer_text(rs: &RuleSet, s: &Scored, q: usize) -> String {
    let question = &rs.questions[q];
    match &s.intake.slots[q] {
        Slot::Absent => "(no answer)".into(),
        Slot::Declined => format!("({})", s.intake.why_no_answer(q).label()),
        Slot::Text => "(text answer)".into(),
        Slot::Multi(m) => {
            let opts = question.kind.options().unwrap_or(&[]);
            let chosen: Vec<&str> = opts
                .iter()
                .enumerate()
                .filter(|(i, _)| m & (1 << i) != 0)
                .map(|(_, o)| o.id.as_str())
                .collect();
            if chosen.is_empty() {
                "(none)".into()
            } else {
                chosen.join(", ")
            }
        }
        Slot::Num(x) => match &question.kind {
            QuestionKind::YesNo => if *x != 0.0 { "yes" } else { "no" }.into(),
            QuestionKind::SingleChoice(o) => {
                o.get(*x as usize).map(|o| o.id.clone()).unwrap_or_default()
            }
            _ => format!("{x}"),
        },
    }
}

fn tri_word(t: Tri) -> &'static str {
    match t {
        Tri::True => "holds",
        Tri::False => "does not hold",
        Tri::Unknown => "unknown (missing answers)",
    }
}

pub fn explain(rs: &RuleSet, s: &Scored) -> String {
    let out = trace(rs, s);
    // Every input's text is escaped where it is put in; this is a last
    // guard that no control character reaches a terminal or a log.
    match crate::diag::text::visible_lines(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(o) => o,
    }
}

fn trace(rs: &RuleSet, s: &Scored) -> String {
    let a = &s.assessment;
    let mut out = String::new();
    let _ = writeln!(out, "Explanation for {}", visible(&s.source));
    if let Some(id) = &s.intake.id {
        let _ = writeln!(out, "Intake id: {}", visible(id));
    }
    let _ = writeln!(
        out,
        "Rule set: {} {} (sha256 {})\n",
        visible(&rs.name),
        visible(&rs.version),
        rs.sha256
    );
    let not_established = super::eligibility_not_established(rs, a, |m| visible(m).into_owned());
    for why in &not_established {
        let _ = writeln!(out, "Eligibility not established: {why}");
    }
    if !not_established.is_empty() {
        out.push('\n');
    }

    let _ = writeln!(out, "== Answers ==");
    for sec in &rs.sections {
        let _ = writeln!(out, "[{}]", visible(&sec.title));
        for q in sec.questions.clone() {
            let st = a.questions[q];
            let status = match st.applicable {
                Tri::True => "",
                Tri::False if rs.questions[q].retired => {
                    "  (retired: kept from an earlier version, not asked)"
                }
                Tri::False => "  (not asked: skip logic)",
                Tri::Unknown => "  (may apply: depends on missing answers)",
            };
            let _ = writeln!(
                out,
                "  {:<24} {}{}",
                rs.questions[q].id,
                visible(&answer_text(rs, s, q)),
                status
            );
            if let Some(i) = s.intake.source(q) {
                let source = &rs.answer_sources[i].label;
                let _ = writeln!(out, "  {:<24}   source: {}", "", visible(source));
            }
            if let Some(n) = s.intake.note(q) {
                let _ = writeln!(out, "  {:<24}   note: {}", "", visible(n));
            }
        }
    }

    let _ = writeln!(out, "\n== Instruments ==");
    for (inst, r) in rs.instruments.iter().zip(&a.instruments) {
        if !r.applicable {
            let _ = writeln!(out, "  {:<10} not applicable (no item was asked)", inst.id);
        } else if let (Some(t), Some(b)) = (r.total, r.band) {
            let band = &inst.bands[b];
            let _ = writeln!(
                out,
                "  {:<10} total {t}, band {} ({}..{})",
                inst.id, band.id, band.min, band.max
            );
        } else {
            let (lo, hi) = r.range.unwrap_or((0, 0));
            let missing: Vec<&str> = super::question_ids(rs, &r.missing);
            let _ = writeln!(
                out,
                "  {:<10} incomplete: total between {lo} and {hi}; missing {}",
                inst.id,
                missing.join(", ")
            );
        }
    }

    let _ = writeln!(out, "\n== Dimensions ==");
    for (d, dr) in rs.dimensions.iter().zip(&a.dimensions) {
        let _ = writeln!(
            out,
            "{} ({}): rating {}{} -> minimum level {}",
            visible(&d.name),
            d.id,
            dr.rating,
            if dr.max_rating > dr.rating {
                format!(" (up to {} with missing answers)", dr.max_rating)
            } else {
                String::new()
            },
            rs.levels[dr.min_level].id
        );
        let deciding = dr.deciding_rules(d);
        for (i, (rule, t)) in d.rules.iter().zip(&dr.rules).enumerate() {
            let mark = if deciding.contains(&i) { "=>" } else { "  " };
            let _ = writeln!(
                out,
                "  {mark} [{}] rating {} when {}: {}",
                rule.id,
                rule.rating,
                visible(&rule.when_text),
                tri_word(*t)
            );
            if *t != Tri::False {
                let _ = writeln!(out, "       because: {}", visible(&rule.why));
            }
        }
        if deciding.is_empty() {
            let _ = writeln!(out, "  => no rule holds: rating 0");
        } else {
            let _ = writeln!(
                out,
                "  rating set by {}: {}",
                d.rules[deciding[0]].id,
                visible(&d.rules[deciding[0]].why)
            );
        }
    }

    let _ = writeln!(out, "\n== Escalations ==");
    if rs.escalations.is_empty() {
        let _ = writeln!(out, "  (none in this rule set)");
    }
    for (e, t) in rs.escalations.iter().zip(&a.escalations) {
        let _ = writeln!(
            out,
            "  [{}] -> {} when {}: {}",
            e.id,
            e.level_id(rs),
            visible(&e.when_text),
            tri_word(*t)
        );
    }

    let _ = writeln!(out, "\n== Exclusions ==");
    if rs.exclusions.is_empty() {
        let _ = writeln!(out, "  (none in this rule set)");
    }
    for (i, e) in rs.exclusions.iter().enumerate() {
        // A scored intake has no exclusion that holds.
        let t = if a.excluded.contains(&i) {
            Tri::True
        } else if a.possibly_excluded.contains(&i) {
            Tri::Unknown
        } else {
            Tri::False
        };
        let _ = writeln!(
            out,
            "  [{}] when {}: {}",
            e.id,
            visible(&e.when_text),
            tri_word(t)
        );
        if t != Tri::False {
            let _ = writeln!(out, "       message: {}", visible(e.message.trim()));
        }
    }

    let _ = writeln!(out, "\n== Consistency checks ==");
    if rs.checks.is_empty() {
        let _ = writeln!(out, "  (none in this rule set)");
    }
    for (i, (c, t)) in rs.checks.iter().zip(&a.checks).enumerate() {
        let _ = writeln!(
            out,
            "  [{}] ({}) when {}: {}",
            c.id,
            c.severity.as_str(),
            visible(&c.when_text),
            tri_word(*t)
        );
        if let Some(x) = a.contradictions.iter().find(|x| x.check == i) {
            let _ = writeln!(out, "       {}", visible(&x.text(rs)));
        }
    }

    let level = &rs.levels[a.level];
    let _ = writeln!(out, "\n== Recommendation ==");
    let _ = writeln!(out, "Level: {} ({}), the most intensive of the dimensions' minimums and the escalations that hold.", visible(&level.name), level.id);
    if a.max_level != a.level {
        let could: Vec<&str> = super::question_ids(rs, &a.could_raise);
        let _ = writeln!(
            out,
            "With the missing answers it could be {} ({}); could raise it: {}.",
            visible(&rs.levels[a.max_level].name),
            rs.levels[a.max_level].id,
            could.join(", ")
        );
    }
    for &i in &a.supports {
        let sp = &rs.supports[i];
        let _ = writeln!(out, "Support {}: {}", sp.id, visible(&sp.why));
    }
    for &i in &a.possible_supports {
        let sp = &rs.supports[i];
        let _ = writeln!(
            out,
            "Possible support {} (undecided until the missing answers are known; when {}): {}",
            sp.id,
            visible(&sp.when_text),
            visible(&sp.why)
        );
    }
    for &i in &a.flags {
        let f = &rs.flags[i];
        let _ = writeln!(
            out,
            "{} flag {}: {}",
            f.severity.as_str().to_uppercase(),
            f.id,
            visible(&f.message)
        );
        if let Some(action) = &f.action {
            let _ = writeln!(out, "  action: {}", visible(action));
        }
    }
    for &i in &a.possible_flags {
        let f = &rs.flags[i];
        let _ = writeln!(
            out,
            "Possible {} flag {} (cannot be ruled out until the missing answers are known; when {}): {}",
            f.severity.as_str(),
            f.id,
            visible(&f.when_text),
            visible(&f.message)
        );
        if let Some(action) = &f.action {
            let _ = writeln!(out, "  action: {}", visible(action));
        }
    }
    for w in &a.warnings {
        let _ = writeln!(out, "warning: {}", visible(&w.text(rs)));
    }

    let _ = writeln!(out, "\n== For a less intensive level ==");
    if a.level + 1 >= rs.levels.len() {
        let _ = writeln!(
            out,
            "{} is already the least intensive level.",
            visible(&level.name)
        );
    } else {
        let target = a.level + 1;
        let _ = writeln!(
            out,
            "For {} ({}) or less, all of this would have to be different:",
            visible(&rs.levels[target].name),
            rs.levels[target].id
        );
        for (d, dr) in rs.dimensions.iter().zip(&a.dimensions) {
            if dr.min_level >= target {
                continue;
            }
            // The highest rating whose minimum is no more intensive than the target.
            let allowed = (0..=rs.max_rating)
                .rev()
                .find(|&r| d.minimums[r as usize] >= target);
            match allowed {
                Some(r) => {
                    let _ = writeln!(
                        out,
                        "- {}: rating {} would have to be at most {r}; now these hold:",
                        d.id, dr.rating
                    );
                    for (rule, t) in d.rules.iter().zip(&dr.rules) {
                        if *t == Tri::True && rule.rating > r {
                            let _ = writeln!(
                                out,
                                "    [{}] {} ({})",
                                rule.id,
                                visible(&rule.when_text),
                                visible(&rule.why)
                            );
                        }
                    }
                }
                None => {
                    let _ = writeln!(out, "- {}: no rating of this dimension allows it", d.id);
                }
            }
        }
        for (e, t) in rs.escalations.iter().zip(&a.escalations) {
            if *t == Tri::True && e.level < target {
                let _ = writeln!(
                    out,
                    "- escalation {} would have to not hold: {} ({})",
                    e.id,
                    visible(&e.when_text),
                    visible(&e.why)
                );
            }
        }
    }
    record(&mut out, rs, s);
    out
}

/// The record: who, when, the placement made, acknowledgements, history.
fn record(out: &mut String, rs: &RuleSet, s: &Scored) {
    use super::record::{assessors, event_text};
    let i = &s.intake;
    let _ = writeln!(out, "\n== The record ==");
    if let Some(c) = &i.client {
        let _ = writeln!(out, "Client: {}", visible(c));
    }
    let who = assessors(i);
    if !who.is_empty() {
        let who: Vec<String> = who.iter().map(|w| visible(w).into_owned()).collect();
        let _ = writeln!(out, "Assessor(s): {}", who.join(", "));
    }
    for (what, when) in [
        ("Started", &i.started_at),
        ("Recommendation reached", &i.assessed_at),
        ("Last saved", &i.updated_at),
    ] {
        if let Some(t) = when {
            let _ = writeln!(out, "{what}: {}", visible(t));
        }
    }
    if let Some(r) = &i.reassessment {
        let p = &r.previous;
        let _ = writeln!(
            out,
            "Reassessment of intake {} (recommendation reached {}; sha256 {}); answers changed: {}",
            visible(p.id.as_deref().unwrap_or("(no id)")),
            visible(p.assessed_at.as_deref().unwrap_or("(not recorded)")),
            visible(p.sha256.as_deref().unwrap_or("(not recorded)")),
            if r.changed.is_empty() {
                "none".to_string()
            } else {
                super::question_ids(rs, &r.changed).join(", ")
            }
        );
    }
    match &i.placement {
        Some(p) => {
            let how = if p.level == s.assessment.level {
                "the recommended level".to_string()
            } else if s.overridden() {
                format!("an override of {}", rs.levels[s.assessment.level].name)
            } else {
                "the level recommended when it was placed".to_string()
            };
            let _ = writeln!(
                out,
                "Placement made: {} ({}), {how}",
                visible(&rs.levels[p.level].name),
                rs.levels[p.level].id
            );
            if let Some(r) = p.reason {
                let _ = writeln!(out, "  reason: {}", visible(&rs.override_reasons[r].label));
            }
            if let Some(n) = &p.note {
                let _ = writeln!(out, "  note: {}", visible(n));
            }
        }
        None => {
            let _ = writeln!(out, "Placement made: none recorded");
        }
    }
    for f in &i.acknowledged_flags {
        let action = f
            .action
            .as_deref()
            .map(|a| super::record::action_label(rs, a));
        let _ = writeln!(
            out,
            "Acknowledged flag {}: {} (by {}, {}){}",
            visible(&f.id),
            visible(action.unwrap_or("seen")),
            visible(f.by.as_deref().unwrap_or("nobody recorded")),
            visible(f.at.as_deref().unwrap_or("time not recorded")),
            f.note
                .as_ref()
                .map(|n| format!("; note: {}", visible(n)))
                .unwrap_or_default()
        );
    }
    if !i.history.is_empty() {
        let _ = writeln!(out, "History:");
        for e in &i.history {
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                visible(e.at.as_deref().unwrap_or("(no time)")),
                visible(e.by.as_deref().unwrap_or("(nobody recorded)")),
                visible(&event_text(rs, e))
            );
        }
    }
}

impl crate::rules::model::Escalation {
    pub fn level_id<'a>(&self, rs: &'a RuleSet) -> &'a str {
        &rs.levels[self.level].id
    }
}
