//! A verified sealed ETR as the regulatory crate's neutral [`LabResults`]: the rolled-up verdict
//! of each SFR's evaluation-activity work units.
//!
//! Why here: `regulatory` and `eval` are both layer 4 and cannot see each other; this crate
//! joins them already (it reads the ETR for the traceability matrix), so the CLI's `dtsec map
//! coverage --etr`, `dtsec render` and the registry's device page all take the same verdicts
//! from one place and cannot disagree with the premarket package.

use dtsec_eval::records::Verdict;
use dtsec_regulatory::evidence::{LabResults, LabVerdict};

use crate::LabEvidence;

/// The lab's verdicts per SFR, or `None` when the bundle's signature was not verified (an
/// unverified ETR backs no claim).
pub fn lab_results(lab: &LabEvidence<'_>) -> Option<LabResults> {
    if !lab.signature_verified {
        return None;
    }
    let (_, verdicts) = crate::trace::lab_results(lab);
    Some(LabResults {
        lab: lab.etr.state.evaluation.lab.clone(),
        sealed_at: lab.etr.sealed_at.clone(),
        verdicts: verdicts
            .into_iter()
            .map(|(sfr, v)| {
                let v = match v {
                    Verdict::Pass => LabVerdict::Pass,
                    Verdict::Fail => LabVerdict::Fail,
                    Verdict::Inconclusive => LabVerdict::Inconclusive,
                };
                (sfr, v)
            })
            .collect(),
    })
}
