//! The public summary of an accepted ETR: what a certification report says about the
//! evaluation, read from the sealed bundle the registry verified and kept.
//!
//! Why a summary and not the bundle: the bundle holds the lab's whole working record (every
//! verdict with its notes, the evidence manifest, the observation reports' text), which the
//! scheme keeps with the case for staff. The public — patients, clinicians, procurement — needs
//! what a CC certification report gives: who evaluated, when, against which assurance, with
//! what verdict, how many work units and findings. Every number here is read from (or, for the
//! counts, computed over) the sections of the sealed payload, so the page can never say more
//! than the lab signed.

use dtsec_eval::observations::{Observation, ObservationStatus, Severity};
use dtsec_eval::rollup::{Counts, Rollup};
use dtsec_eval::workspace::Evaluation;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{RegistryError, Result};

/// The counts of a class in the roll-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassSummary {
    /// Class id (`ADV`, `ATE`, `EA` for the PP's evaluation activities).
    pub id: String,
    /// Its rolled-up verdict.
    pub verdict: String,
    /// Unit counts in it.
    pub counts: Counts,
}

/// Observation reports by status and severity.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct ObservationCounts {
    /// All reports raised.
    pub total: usize,
    /// Still open when the bundle was sealed.
    pub open: usize,
    /// Resolved.
    pub resolved: usize,
    /// Minor ones.
    pub minor: usize,
    /// Major ones.
    pub major: usize,
    /// Critical ones.
    pub critical: usize,
}

/// What the public learns about an evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EtrSummary {
    /// The evaluation facility, as named in the sealed bundle.
    pub lab: String,
    /// The key id the bundle was verified with when it was submitted.
    pub lab_key_id: Option<String>,
    /// The sponsor (usually the manufacturer).
    pub sponsor: String,
    /// The evaluators who could record verdicts.
    pub evaluators: Vec<String>,
    /// The overall verdict (`pass` for every accepted ETR).
    pub verdict: String,
    /// When the evaluation workspace was created (RFC 3339).
    pub evaluation_started: String,
    /// When the lab sealed the ETR (RFC 3339).
    pub sealed_at: String,
    /// When the lab submitted it to the registry, if the audit trail records it.
    pub submitted_at: Option<String>,
    /// When the certification body accepted it, if the audit trail records it.
    pub accepted_at: Option<String>,
    /// The TOE as the ST names it: name, version, manufacturer.
    pub toe: String,
    /// The TOE type.
    pub toe_type: String,
    /// The evaluated ST: id and version.
    pub st: String,
    /// SHA-256 of the evaluated ST's bytes (equals the certificate's `st_sha256`).
    pub st_sha256: String,
    /// The CC edition of the work units.
    pub cc_edition: String,
    /// The claimed assurance packages (`cdd-eb 1.0`).
    pub assurance_packages: Vec<String>,
    /// The ST's SARs.
    pub sars: Vec<String>,
    /// The claimed AVA_VAN component, if any.
    pub ava_van: Option<String>,
    /// The attack potential the TOE was shown to resist.
    pub resists: Option<String>,
    /// Work units (and PP evaluation activities) by verdict.
    pub work_units: Counts,
    /// The same per class.
    pub classes: Vec<ClassSummary>,
    /// Observation reports.
    pub observations: ObservationCounts,
    /// Test cases recorded.
    pub test_cases: usize,
    /// Potential vulnerabilities analysed.
    pub vulnerabilities: usize,
    /// The tool that sealed it.
    pub tool: String,
}

fn section<T: serde::de::DeserializeOwned>(payload: &Value, name: &str) -> Result<T> {
    let v = payload
        .get(name)
        .cloned()
        .ok_or_else(|| RegistryError::invalid(format!("the ETR bundle has no `{name}` section")))?;
    serde_json::from_value(v)
        .map_err(|e| RegistryError::invalid(format!("the ETR bundle's `{name}` section: {e}")))
}

fn text(payload: &Value, name: &str) -> String {
    payload
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn count(payload: &Value, name: &str) -> usize {
    payload
        .get(name)
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

impl EtrSummary {
    /// Reads the summary from a sealed ETR bundle's JSON text. The bundle is not verified
    /// again (the registry verified it on submission); a bundle whose sections do not have the
    /// expected shape is an error, never a partial summary.
    ///
    /// ```
    /// assert!(dtsec_registry::EtrSummary::from_bundle("{}").is_err());
    /// ```
    pub fn from_bundle(bundle_json: &str) -> Result<EtrSummary> {
        let sealed = dtsec_seal::Sealed::from_json(bundle_json)
            .map_err(|e| RegistryError::invalid(format!("not a sealed ETR bundle: {e}")))?;
        let p = &sealed.payload;
        if p.get("kind").and_then(Value::as_str) != Some(dtsec_eval::bundle::BUNDLE_KIND) {
            return Err(RegistryError::invalid(format!(
                "not an ETR bundle (payload kind is not `{}`)",
                dtsec_eval::bundle::BUNDLE_KIND
            )));
        }
        let e: Evaluation = section(p, "evaluation")?;
        let rollup: Rollup = section(p, "rollup")?;
        let observations: Vec<Observation> = section(p, "observations")?;
        let mut obs = ObservationCounts {
            total: observations.len(),
            ..ObservationCounts::default()
        };
        for o in &observations {
            match o.status {
                ObservationStatus::Open => obs.open += 1,
                ObservationStatus::Resolved => obs.resolved += 1,
            }
            match o.severity {
                Severity::Minor => obs.minor += 1,
                Severity::Major => obs.major += 1,
                Severity::Critical => obs.critical += 1,
            }
        }
        let cc_edition = p
            .get("plan")
            .and_then(|plan| plan.get("edition"))
            .and_then(Value::as_str)
            .unwrap_or(&e.st.edition)
            .to_string();
        Ok(EtrSummary {
            lab: e.lab.clone(),
            lab_key_id: None,
            sponsor: e.sponsor.clone(),
            evaluators: e.evaluators.clone(),
            verdict: rollup.overall.as_str().to_string(),
            evaluation_started: e.created_at.clone(),
            sealed_at: text(p, "sealed_at"),
            submitted_at: None,
            accepted_at: None,
            toe: format!("{} {} ({})", e.toe.name, e.toe.version, e.toe.manufacturer),
            toe_type: e.toe.toe_type.clone(),
            st: format!("{} {}", e.st.id, e.st.version),
            st_sha256: e.st.sha256.clone(),
            cc_edition,
            assurance_packages: e.assurance.packages.clone(),
            sars: e.assurance.sars.clone(),
            ava_van: e.assurance.ava_van.clone(),
            resists: e.assurance.resists.map(|r| r.label().to_string()),
            work_units: rollup.counts,
            classes: rollup
                .classes
                .iter()
                .map(|c| ClassSummary {
                    id: c.id.clone(),
                    verdict: c.verdict.as_str().to_string(),
                    counts: c.counts,
                })
                .collect(),
            observations: obs,
            test_cases: count(p, "tests"),
            vulnerabilities: count(p, "vulns"),
            tool: text(p, "tool"),
        })
    }
}
