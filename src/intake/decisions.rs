//! The decisions an intake records beside its answers: the action taken on
//! an acknowledged flag, and the placement (level, override reason, note).

use super::reader::Reader;
use super::Placement;
use crate::diag::{did_you_mean, Diagnostic};
use crate::yaml::decode::is_id;
use crate::yaml::{Kind, Node};

/// The `action` of an acknowledged flag: one of the rule set's flag
/// actions, and one offered for that flag when the flag lists its own.
pub(super) fn flag_action(r: &mut Reader, v: &Node, flag: Option<&str>) -> Option<String> {
    let rs = r.rs;
    let id = r.text(v, "flag `action`")?;
    let Some(i) = rs.flag_actions.iter().position(|a| a.id == id) else {
        let help = if rs.flag_actions.is_empty() {
            Some(format!("rule set `{}` has no flag actions", rs.name))
        } else if is_id(&id) {
            did_you_mean(&id, rs.flag_actions.iter().map(|a| a.id.as_str()))
        } else {
            None
        };
        r.diags.push(
            Diagnostic::error(
                "unknown-action",
                v.span,
                format!(
                    "the `action` of an acknowledged flag is not a flag action of rule set `{}`",
                    rs.name
                ),
            )
            .with_help_opt(help),
        );
        return None;
    };
    let offered = |f: &crate::rules::model::Flag| f.actions.is_empty() || f.actions.contains(&i);
    if let Some(f) = rs.flags.iter().find(|f| Some(f.id.as_str()) == flag) {
        if !offered(f) {
            r.diags.push(
                Diagnostic::error(
                    "unknown-action",
                    v.span,
                    format!(
                        "flag action `{id}` is not one of the actions of flag `{}`",
                        f.id
                    ),
                )
                .with_help(format!(
                    "its actions: {}",
                    f.actions
                        .iter()
                        .map(|&a| rs.flag_actions[a].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            return None;
        }
    }
    Some(id)
}

pub(super) fn placement(r: &mut Reader, n: &Node) -> Option<Placement> {
    let entries = r.map(n, "`placement`");
    r.check_keys(&entries, &["level", "reason", "note"], "`placement`");
    placement_of(r, n, &entries)
}

/// The placement held in `entries` (the fields of `n`), whose keys are
/// already checked.
pub(super) fn placement_of(
    r: &mut Reader,
    n: &Node,
    entries: &[(&str, &Node, &Node)],
) -> Option<Placement> {
    let f = |k: &str| entries.iter().find(|(e, _, _)| *e == k).map(|(_, _, v)| *v);
    let rs = r.rs;
    let level = match f("level") {
        Some(v) => {
            let id = r.text(v, "`placement.level`")?;
            match rs.level_index(&id) {
                Some(l) => l,
                None => {
                    let help = did_you_mean(&id, rs.levels.iter().map(|l| l.id.as_str()));
                    r.diags.push(
                        Diagnostic::error(
                            "unknown-level",
                            v.span,
                            format!("`placement.level` is not a level of rule set `{}`", rs.name),
                        )
                        .with_help_opt(help.or_else(|| {
                            Some(format!(
                                "levels: {}",
                                rs.levels
                                    .iter()
                                    .map(|l| l.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        })),
                    );
                    return None;
                }
            }
        }
        None => {
            r.err("missing-field", n.span, "`placement` needs a `level`");
            return None;
        }
    };
    let reason = match f("reason") {
        Some(v) if v.kind == Kind::Null => None,
        Some(v) => {
            let id = r.text(v, "`placement.reason`")?;
            match rs.override_reasons.iter().position(|o| o.id == id) {
                Some(i) => Some(i),
                None => {
                    let help = did_you_mean(&id, rs.override_reasons.iter().map(|o| o.id.as_str()));
                    r.diags.push(
                        Diagnostic::error(
                            "unknown-reason",
                            v.span,
                            format!(
                                "`placement.reason` is not an override reason of rule set `{}`",
                                rs.name
                            ),
                        )
                        .with_help_opt(help),
                    );
                    return None;
                }
            }
        }
        None => None,
    };
    let note = f("note").and_then(|v| r.text(v, "`placement.note`"));
    if let Some(i) = reason {
        if rs.override_reasons[i].note_required
            && note.as_deref().is_none_or(|s| s.trim().is_empty())
        {
            r.err(
                "missing-field",
                n.span,
                format!(
                    "override reason `{}` needs a `note`",
                    rs.override_reasons[i].id
                ),
            );
        }
    }
    Some(Placement {
        level,
        reason,
        note,
    })
}
