//! `totality`: every dimension names a minimum level for every rating
//! (`not-total`).

use super::counterexample::{vector_json, vector_text};
use super::space_run::Run;
use crate::check::{Counterexample, Status};
use crate::diag::Diagnostic;
use serde_json::json;

impl Run<'_> {
    /// Every dimension names a level for every rating.
    pub(super) fn totality(&mut self) -> bool {
        let rs = self.rs;
        let base = rs.max_rating as usize + 1;
        let dims = rs.dimensions.len();
        let mut bad = None;
        for (d, dim) in rs.dimensions.iter().enumerate() {
            if dim.minimums.len() < base {
                let mut r = vec![0u8; dims];
                r[d] = dim.minimums.len() as u8;
                bad = Some((d, r));
                break;
            }
        }
        let size = format!("{base}^{dims}");
        if let Some((d, r)) = bad {
            let dim = &rs.dimensions[d];
            self.push(
                Diagnostic::error(
                    "not-total",
                    dim.minimums_span,
                    format!("`{}` has no minimum level for rating {}", dim.id, r[d]),
                ),
                Some(Counterexample {
                    text: format!("ratings {} give no level", vector_text(rs, &r)),
                    data: json!({"ratings": vector_json(rs, &r)}),
                }),
            );
            self.analysis("totality", Status::Failed, format!("{size} rating vectors"));
            return false;
        }
        if rs.levels.is_empty() {
            self.analysis("totality", Status::Failed, "no levels".into());
            return false;
        }
        self.analysis(
            "totality",
            Status::Proved,
            format!("{size} rating vectors: every dimension names a level for every rating"),
        );
        true
    }
}
