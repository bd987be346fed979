//! `band reachability`: bands no achievable total of their instrument
//! falls in (`unreachable-band`).

use super::detail::unconfirmed_detail;
use super::Analyzer;
use crate::check::observe::Observer;
use crate::check::{Analysis, Counterexample, Status};
use crate::diag::Diagnostic;
use serde_json::json;

impl Analyzer<'_> {
    /// Bands no achievable total falls in.
    pub(super) fn bands(&mut self, observed: &Observer) {
        let rs = self.rs;
        let mut checked = 0;
        let mut failed = false;
        let mut unconfirmed: Vec<String> = Vec::new();
        for (i, inst) in rs.instruments.iter().enumerate() {
            let Some(totals) = &self.facts.totals[i] else {
                continue;
            };
            checked += 1;
            // The listing takes each item's points freely; skip logic can
            // rule some combinations out, so with a skipped item a band
            // counts as reachable once an intake showed it.
            let gated = inst
                .items
                .iter()
                .any(|it| rs.questions[it.question].ask_when.is_some());
            for (b, band) in inst.bands.iter().enumerate() {
                if self.facts.band_reachable[i][b] {
                    if gated && !observed.get().bands[i][b] {
                        unconfirmed.push(format!("`{}` of `{}`", band.id, inst.id));
                    }
                    continue;
                }
                failed = true;
                let below = totals.iter().rev().find(|t| **t < band.min).copied();
                let above = totals.iter().find(|t| **t > band.max).copied();
                let near = match (below, above) {
                    (Some(a), Some(b)) => format!("the nearest possible totals are {a} and {b}"),
                    (Some(a), None) | (None, Some(a)) => {
                        format!("the nearest possible total is {a}")
                    }
                    (None, None) => "no total is possible".into(),
                };
                self.push(
                    Diagnostic::warning(
                        "unreachable-band",
                        band.span,
                        format!(
                            "band `{}` of `{}` ({}..{}) can never apply: no combination of item answers adds up to a total in it",
                            band.id, inst.id, band.min, band.max
                        ),
                    )
                    .with_help("widen the band or check the items' allowed values and value maps"),
                    Some(Counterexample {
                        text: near,
                        data: json!({"instrument": inst.id, "band": band.id, "nearest_below": below, "nearest_above": above}),
                    }),
                );
            }
        }
        self.analyses.push(Analysis {
            name: "band reachability",
            status: if failed {
                Status::Failed
            } else if !unconfirmed.is_empty() {
                Status::NotProved
            } else {
                Status::Proved
            },
            detail: unconfirmed_detail(
                rs,
                format!(
                    "achievable totals listed for {checked} of {} instruments",
                    rs.instruments.len()
                ),
                "bands",
                &unconfirmed,
            ),
        });
    }
}
