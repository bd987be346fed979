//! Levels (`levels`), and references to a level by its id.

use super::compiler::{Compiler, Ids};
use crate::diag::{did_you_mean, Diagnostic};
use crate::rules::model::*;
use crate::yaml::decode::Fields;
use crate::yaml::Node;

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn levels(&mut self, tops: &[Fields]) -> Vec<Level> {
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "levels", "`levels`") {
            let Some(f) = self.dec.fields(
                n,
                "a level",
                &["id", "name", "description"],
                &["id", "name"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "level id"));
            let name = f.get("name").and_then(|n| self.dec.text(n, "level `name`"));
            let description = f
                .get("description")
                .and_then(|n| self.dec.text(n, "level `description`"));
            if let (Some(id), Some(name)) = (id, name) {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "level", self.sources) {
                    out.push(Level {
                        id,
                        name,
                        description,
                        span,
                    });
                }
            }
        }
        out
    }

    pub(super) fn level_ref(&mut self, node: &Node, rs: &RuleSet) -> Option<usize> {
        let id = self.dec.id(node, "level")?;
        match rs.level_index(&id) {
            Some(i) => Some(i),
            None => {
                let help = did_you_mean(&id, rs.levels.iter().map(|l| l.id.as_str()));
                self.dec.push(
                    Diagnostic::error(
                        "unknown-reference",
                        node.span,
                        format!("unknown level `{id}`"),
                    )
                    .with_help_opt(help),
                );
                None
            }
        }
    }
}
