//! What the public device page derives from the sealed ETR a certificate rests on and the ST
//! it seals: the ETR summary, the regulatory coverage (each mapped SFR verified by the lab or
//! asserted) and the device in words. Computed once, when the lab submits the bundle, and kept
//! as one blob under the bundle's SHA-256 (issue 16).
//!
//! Why computed at submission and stored, not derived on a page view and kept in memory: the
//! derivation parses the ST, decodes the claimed PP and reads the whole bundle (hundreds of
//! kilobytes, 15–18 ms), and a registry of 10⁵ devices is viewed at random — nearly every view
//! is the first of its device since the process started, so an in-memory memo alone left the
//! device page at 400 views a second whatever the memo's size. The inputs never change under
//! the bundle's digest (the bundle seals the ST's digest), so the facts never go stale while
//! dtsec's own derivation stays the same; [`derivation_id`] names that derivation, and facts
//! stored by another one (an upgrade that changed a mapping) are derived again on first read.
//!
//! Why a blob and not a column: the facts are a few kilobytes per certificate, which would
//! double the database's size per certificate (issue 16 asks under 10 KB plus blobs).

use std::sync::OnceLock;

use dtsec_model::{Library, parse_document, source_from_bytes};
use dtsec_premarket::{Etr, LabEvidence};
use dtsec_regulatory::RegulatoryError;
use dtsec_regulatory::coverage::Status;
use dtsec_regulatory::evidence::EvidenceStatus;
use dtsec_regulatory::target::{MappingChoice, coverage_report};
use serde::{Deserialize, Serialize};

use crate::etr_summary::EtrSummary;

/// The framework the device page's coverage is of.
pub const COVERAGE_FRAMEWORK: &str = "fda";

/// The layout of [`EtrFacts`]; raised when a field changes meaning.
const FACTS_FORMAT: u32 = 1;

/// An item's coverage, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageStatus {
    /// Reached through an SFR of the certified ST.
    Covered,
    /// Reached only through objectives for the environment.
    Environment,
    /// Not reached.
    NotCovered,
}

/// How much a mapped SFR is backed, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// Every work unit of the SFR's evaluation activities passed in the sealed ETR.
    LabVerified,
    /// A work unit failed.
    LabFailed,
    /// Not all were decided.
    LabInconclusive,
    /// The manufacturer's claim only (no work unit of the ETR tests it).
    Asserted,
}

impl From<EvidenceStatus> for Evidence {
    fn from(e: EvidenceStatus) -> Evidence {
        match e {
            EvidenceStatus::LabVerified => Evidence::LabVerified,
            EvidenceStatus::LabFailed => Evidence::LabFailed,
            EvidenceStatus::LabInconclusive => Evidence::LabInconclusive,
            EvidenceStatus::Asserted => Evidence::Asserted,
        }
    }
}

impl Evidence {
    /// The words on the page.
    pub fn words(self) -> &'static str {
        match self {
            Evidence::LabVerified => "verified by an approved lab",
            Evidence::LabFailed => "failed in the lab's evaluation",
            Evidence::LabInconclusive => "inconclusive in the lab's evaluation",
            Evidence::Asserted => "asserted by the manufacturer",
        }
    }
}

/// One SFR reaching an item, with its evidence status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoverageSfr {
    /// The SFR's id.
    pub id: String,
    /// Its evidence status.
    pub evidence: Evidence,
}

/// One framework item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoverageItem {
    /// The item's id (`A`, `A.1`, …).
    pub id: String,
    /// `category` or `item`.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// How the certified ST covers it.
    pub status: CoverageStatus,
    /// The best evidence over the SFRs reaching it (absent when no SFR does).
    pub evidence: Option<Evidence>,
    /// The SFRs reaching it, sorted.
    pub sfrs: Vec<CoverageSfr>,
}

/// A certified device's coverage of the FDA premarket guidance Appendix 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeviceCoverage {
    /// The certificate.
    pub certificate_id: String,
    /// The framework's id and version (`fda-2026 2026-02-03`).
    pub framework: String,
    /// Its title.
    pub framework_title: String,
    /// The mapping the coverage is derived through.
    pub mapping: String,
    /// True while edges of the mapping await a specialist's review.
    pub draft: bool,
    /// The lab that sealed the ETR.
    pub lab: String,
    /// When the ETR was sealed.
    pub etr_sealed_at: String,
    /// Every active item.
    pub items: Vec<CoverageItem>,
}

/// What the device page derives from one sealed ETR and its ST. A part that cannot be derived
/// keeps why, which is as stable as a result (the inputs never change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtrFacts {
    /// The derivation that made these facts ([`derivation_id`]).
    pub derivation: String,
    /// The public summary (without the fields filled per request: lab key id, submission and
    /// acceptance times), or why the bundle cannot be summarised.
    pub summary: Result<EtrSummary, String>,
    /// The coverage (its `certificate_id` empty: one bundle may back several certificate
    /// ids over time), or why none is derived (no mapping for the claimed PP).
    pub coverage: Result<DeviceCoverage, String>,
    /// The device in words from the ST (`device_words.rs`), `None` when the ST names no form.
    pub device_words: Option<String>,
}

/// The name of this build's derivation: its format, dtsec's version and the SHA-256 of the
/// built-in mappings the coverage goes through. Facts stored under another name are derived
/// again when first read.
pub fn derivation_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let mut all = Vec::new();
        for (file, _, _, _, text) in dtsec_regulatory::builtin::BUILTIN_MAPPINGS {
            all.extend_from_slice(file.as_bytes());
            all.push(0);
            all.extend_from_slice(text.as_bytes());
            all.push(0);
        }
        let digest = crate::blob::digest_of(&all);
        format!(
            "{FACTS_FORMAT}/{}/{}",
            env!("CARGO_PKG_VERSION"),
            &digest[..16]
        )
    })
}

/// Derives the facts of `bundle` (sealed ETR JSON, verified when it was submitted) and the ST
/// it seals. `describe` gives the device words of the ST's bytes. Blocking: parses both.
pub fn derive(
    st_name: &str,
    st_text: &str,
    bundle: &str,
    describe: impl FnOnce(Vec<u8>) -> Option<String>,
) -> EtrFacts {
    EtrFacts {
        derivation: derivation_id().to_string(),
        summary: EtrSummary::from_bundle(bundle).map_err(|e| e.to_string()),
        coverage: coverage(st_name, st_text, bundle),
        device_words: describe(st_text.as_bytes().to_vec()),
    }
}

/// The coverage of the ST through the built-in mapping, with the lab's verdicts from `bundle`.
fn coverage(st_name: &str, st_text: &str, bundle: &str) -> Result<DeviceCoverage, String> {
    let source = source_from_bytes(st_name.to_string(), st_text.as_bytes().to_vec())
        .map_err(|e| format!("the stored ST cannot be read: {e}"))?;
    let st = parse_document(&source).map_err(|e| format!("the stored ST cannot be read: {e}"))?;
    let library = Library::with_builtins();
    let report = match coverage_report(
        &st,
        &library,
        COVERAGE_FRAMEWORK,
        None,
        MappingChoice::Builtin,
    ) {
        Ok(r) => r,
        Err(e @ (RegulatoryError::NoMapping { .. } | RegulatoryError::PpNotFound { .. })) => {
            return Err(e.to_string());
        }
        Err(e) => return Err(format!("coverage of the stored ST: {e}")),
    };
    let sealed = dtsec_seal::Sealed::from_json(bundle)
        .map_err(|e| format!("the stored ETR bundle cannot be read: {e}"))?;
    let lab = LabEvidence {
        etr: Etr::from_payload(&sealed.payload, &st)
            .map_err(|e| format!("the stored ETR bundle cannot be read: {e}"))?,
        // Verified with the lab's registered key when it was submitted.
        signature_verified: true,
    };
    let results = dtsec_premarket::evidence::lab_results(&lab)
        .ok_or_else(|| "the stored ETR gave no lab results".to_string())?;
    let report = report.with_lab_results(&results);
    let scope = report
        .scopes
        .first()
        .ok_or_else(|| "the coverage report has no scope".to_string())?;
    let items = scope
        .items
        .iter()
        .map(|i| {
            let mut sfrs: Vec<CoverageSfr> = i
                .paths
                .iter()
                .filter(|p| p.status == Status::Covered)
                .filter_map(|p| {
                    Some(CoverageSfr {
                        id: p.sfr.clone()?,
                        evidence: report.path_evidence(p)?.into(),
                    })
                })
                .collect();
            sfrs.sort_by(|a, b| a.id.cmp(&b.id));
            sfrs.dedup();
            CoverageItem {
                id: i.id.clone(),
                kind: i.kind.clone(),
                title: i.title.clone(),
                status: match i.status {
                    Status::Covered => CoverageStatus::Covered,
                    Status::Environment => CoverageStatus::Environment,
                    Status::NotCovered => CoverageStatus::NotCovered,
                },
                evidence: report.item_evidence(i).map(Evidence::from),
                sfrs,
            }
        })
        .collect();
    Ok(DeviceCoverage {
        certificate_id: String::new(),
        framework: format!("{} {}", report.framework_id, report.framework_version),
        framework_title: report.framework_title.clone(),
        mapping: report.mapping.clone(),
        draft: report.unreviewed_edges > 0,
        lab: results.lab,
        etr_sealed_at: results.sealed_at,
        items,
    })
}
