//! The traceability matrix threat → objective → SFR → test (EA work units) → verdict.
//!
//! Why from both documents: the ST states its threats and objectives (which objective addresses
//! which threat), but an ST's SFR entries carry only completions; which objective an SFR
//! upholds is the claimed PP's fact, so the PP's SFR of the same id is asked when the ST's own
//! entry names none.

use std::collections::BTreeMap;

use dtsec_eval::records::Verdict;
use dtsec_model::Document;

use crate::{LabEvidence, MAX_ROWS, PremarketError};

/// One row of the matrix.
pub struct TraceRow {
    pub threat: String,
    pub objective: String,
    pub sfr: String,
    /// The EA work units that test the SFR (empty without an ETR).
    pub tests: Vec<String>,
    /// The SFR's rolled-up verdict (None without an ETR).
    pub verdict: Option<Verdict>,
}

/// The SFR ids of `st` that uphold `objective`.
fn sfrs_for<'a>(st: &'a Document, pp: Option<&Document>, objective: &str) -> Vec<&'a str> {
    st.sfrs
        .iter()
        .filter(|s| {
            if !s.objectives.is_empty() {
                return s.objectives.iter().any(|o| o.value == objective);
            }
            pp.and_then(|pp| pp.sfrs.iter().find(|p| p.id.value == s.id.value))
                .is_some_and(|p| p.objectives.iter().any(|o| o.value == objective))
        })
        .map(|s| s.id.value.as_str())
        .collect()
}

/// EA work units and rolled-up verdicts per SFR, from the ETR.
pub fn lab_results(
    lab: &LabEvidence<'_>,
) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Verdict>) {
    let state = &lab.etr.state;
    let mut units: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in state.plan.units() {
        if u.class.id == "EA" {
            units
                .entry(u.component.id.clone())
                .or_default()
                .push(u.unit.id.clone());
        }
    }
    let rollup = dtsec_eval::rollup::roll_up(&state.plan, &state.records);
    let verdicts = rollup
        .class("EA")
        .map(|c| {
            c.children
                .iter()
                .map(|n| (n.id.clone(), n.verdict))
                .collect()
        })
        .unwrap_or_default();
    (units, verdicts)
}

/// The matrix rows, threat by threat in the ST's order.
pub fn matrix(
    st: &Document,
    pp: Option<&Document>,
    lab: Option<&LabEvidence<'_>>,
) -> Result<Vec<TraceRow>, PremarketError> {
    let bound = st.spd.threats.len() * st.objectives.toe.len().max(1) * st.sfrs.len().max(1);
    let (units, verdicts) = lab.map(lab_results).unwrap_or_default();
    let mut rows = Vec::new();
    for threat in &st.spd.threats {
        let t = threat.id.value.as_str();
        let objectives: Vec<&str> = st
            .objectives
            .toe
            .iter()
            .filter(|o| {
                o.addresses.iter().any(|a| a.value == t)
                    || threat.addressed_by.iter().any(|m| m.to.value == o.id.value)
            })
            .map(|o| o.id.value.as_str())
            .collect();
        if objectives.is_empty() {
            rows.push(TraceRow {
                threat: t.to_string(),
                objective: "(none in the ST)".to_string(),
                sfr: String::new(),
                tests: Vec::new(),
                verdict: None,
            });
        }
        for o in objectives {
            let sfrs = sfrs_for(st, pp, o);
            if sfrs.is_empty() {
                rows.push(TraceRow {
                    threat: t.to_string(),
                    objective: o.to_string(),
                    sfr: "(none)".to_string(),
                    tests: Vec::new(),
                    verdict: None,
                });
            }
            for s in sfrs {
                if rows.len() >= MAX_ROWS {
                    return Err(PremarketError::Limit {
                        what: "traceability matrix rows".to_string(),
                        found: bound,
                        limit: MAX_ROWS,
                    });
                }
                rows.push(TraceRow {
                    threat: t.to_string(),
                    objective: o.to_string(),
                    sfr: s.to_string(),
                    tests: units.get(s).cloned().unwrap_or_default(),
                    verdict: lab.map(|l| verdicts.get(s).copied().unwrap_or(l.etr.overall)),
                });
            }
        }
    }
    Ok(rows)
}
