//! Evidence status of the SFRs a coverage path goes through: verified by an approved lab (the
//! sealed ETR's verdicts for the SFR's evaluation-activity work units all pass) or asserted by
//! the manufacturer (everything else).
//!
//! Why a neutral input here: `regulatory` and `eval` are both layer 4, so this crate cannot read
//! an ETR. The caller (the premarket crate, the CLI, the server) verifies the sealed bundle and
//! hands in one [`LabVerdict`] per SFR; this module only joins them with the paths. A verdict
//! that is missing, failed or inconclusive never earns the lab tag.

use std::collections::BTreeMap;

/// The rolled-up verdict of one SFR's work units in a verified ETR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabVerdict {
    /// Every work unit of the SFR passed.
    Pass,
    /// At least one failed.
    Fail,
    /// None failed, but not all passed.
    Inconclusive,
}

/// What a verified, sealed ETR says about the ST's SFRs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabResults {
    /// The lab that sealed the ETR.
    pub lab: String,
    /// The bundle's `sealed_at` (RFC 3339).
    pub sealed_at: String,
    /// The rolled-up verdict per SFR id; an SFR without work units is absent.
    pub verdicts: BTreeMap<String, LabVerdict>,
}

/// How much a mapped SFR's claim is backed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EvidenceStatus {
    /// The manufacturer's claim only: no verified ETR, or the ETR has no work unit for it.
    Asserted,
    /// The lab found a failure.
    LabFailed,
    /// The lab's verdicts are not all decided.
    LabInconclusive,
    /// Every work unit of the SFR passed in a verified ETR.
    LabVerified,
}

impl EvidenceStatus {
    /// The short name used in JSON and CSV.
    pub fn label(self) -> &'static str {
        match self {
            EvidenceStatus::Asserted => "asserted",
            EvidenceStatus::LabFailed => "lab-failed",
            EvidenceStatus::LabInconclusive => "lab-inconclusive",
            EvidenceStatus::LabVerified => "lab-verified",
        }
    }

    /// The words shown to people.
    pub fn description(self) -> &'static str {
        match self {
            EvidenceStatus::Asserted => "asserted by the manufacturer",
            EvidenceStatus::LabFailed => "failed in the lab's evaluation",
            EvidenceStatus::LabInconclusive => "inconclusive in the lab's evaluation",
            EvidenceStatus::LabVerified => "verified by an approved lab",
        }
    }
}

impl LabResults {
    /// The status of one SFR.
    pub fn status(&self, sfr: &str) -> EvidenceStatus {
        match self.verdicts.get(sfr) {
            Some(LabVerdict::Pass) => EvidenceStatus::LabVerified,
            Some(LabVerdict::Fail) => EvidenceStatus::LabFailed,
            Some(LabVerdict::Inconclusive) => EvidenceStatus::LabInconclusive,
            None => EvidenceStatus::Asserted,
        }
    }
}

/// The evidence joined into a report: where it came from and each mapped SFR's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The lab that sealed the ETR.
    pub lab: String,
    /// The bundle's `sealed_at`.
    pub sealed_at: String,
    /// Every SFR some path of the report goes through, with its status.
    pub sfrs: BTreeMap<String, EvidenceStatus>,
}
