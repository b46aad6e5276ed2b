//! `GET /api/v1/devices/{id}/coverage` and the device page's "Regulatory coverage" section: the
//! FDA premarket guidance Appendix 1 items the certified ST reaches through dtsec's mapping, and
//! for each the evidence status of the SFRs that reach it — verified by the approved lab (every
//! work unit of the SFR's evaluation activities passed in the sealed ETR the certificate was
//! issued on) or asserted by the manufacturer.
//!
//! Why cached: deriving it parses the ST, decodes the claimed PP and reads the whole sealed
//! bundle (hundreds of kilobytes); the inputs never change under the ETR's SHA-256 (which seals
//! the ST's digest too), so the result is computed once per bundle and kept in
//! [`CoverageCache`] (bounded), not per request; a page view reads only the digest.
//!
//! The registry verified the bundle's signature with the lab's registered key when it was
//! submitted (`Store::submit_etr`), which is what lets its verdicts earn the lab tag here.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use dtsec_model::{Library, parse_document, source_from_bytes};
use dtsec_premarket::{Etr, LabEvidence};
use dtsec_registry::CertifiedEtr;
use dtsec_registry::memo::Memo;
use dtsec_regulatory::RegulatoryError;
use dtsec_regulatory::coverage::Status;
use dtsec_regulatory::evidence::EvidenceStatus;
use dtsec_regulatory::target::{MappingChoice, coverage_report};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::html::{Markup, html};
use crate::state::AppState;

/// The framework the device page shows.
const FRAMEWORK: &str = "fda";

/// An item's coverage, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CoverageSfr {
    /// The SFR's id.
    pub id: String,
    /// Its evidence status.
    pub evidence: Evidence,
}

/// One framework item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

/// A derived coverage, or why none can be derived (no mapping for the claimed PP), which is as
/// stable as a result.
pub type Derived = Arc<Result<DeviceCoverage, String>>;

/// Derived coverage by the ETR's SHA-256 (bounded; the oldest entry goes first).
#[derive(Clone, Debug)]
pub struct CoverageCache(Arc<Memo<Derived>>);

impl CoverageCache {
    /// Most bundles whose coverage is kept.
    const CAPACITY: usize = 4096;

    fn get(&self, sha: &str) -> Option<Derived> {
        self.0.get(sha)
    }

    fn insert(&self, sha: &str, value: Derived) {
        self.0.insert(sha, value);
    }
}

impl Default for CoverageCache {
    fn default() -> Self {
        CoverageCache(Arc::new(Memo::new(Self::CAPACITY)))
    }
}

/// Derives the coverage (blocking: parsing and reading the bundle).
fn derive(c: &CertifiedEtr) -> Result<Result<DeviceCoverage, String>, String> {
    let source = source_from_bytes(
        format!("{}-st.yaml", c.certificate_id),
        c.st_text.as_bytes().to_vec(),
    )
    .map_err(|e| format!("stored ST: {e}"))?;
    let st = parse_document(&source).map_err(|e| format!("stored ST: {e}"))?;
    let library = Library::with_builtins();
    let report = match coverage_report(&st, &library, FRAMEWORK, None, MappingChoice::Builtin) {
        Ok(r) => r,
        Err(e @ (RegulatoryError::NoMapping { .. } | RegulatoryError::PpNotFound { .. })) => {
            return Ok(Err(e.to_string()));
        }
        Err(e) => return Err(format!("coverage of the stored ST: {e}")),
    };
    let sealed = dtsec_seal::Sealed::from_json(&c.etr_bundle)
        .map_err(|e| format!("stored ETR bundle: {e}"))?;
    let lab = LabEvidence {
        etr: Etr::from_payload(&sealed.payload, &st)
            .map_err(|e| format!("stored ETR bundle: {e}"))?,
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
    Ok(Ok(DeviceCoverage {
        certificate_id: c.certificate_id.clone(),
        framework: format!("{} {}", report.framework_id, report.framework_version),
        framework_title: report.framework_title.clone(),
        mapping: report.mapping.clone(),
        draft: report.unreviewed_edges > 0,
        lab: results.lab,
        etr_sealed_at: results.sealed_at,
        items,
    }))
}

/// The certificate's coverage: from the cache, or derived once. `Ok(Err(why))` when the
/// certified ST has no mapping; `Err` for a certificate without an ETR or a registry failure.
pub async fn coverage_of(state: &AppState, certificate_id: &str) -> AppResult<Derived> {
    // The digest first: a hit needs neither the bundle nor the ST.
    let hit = state
        .store
        .certified_etr_digest(certificate_id)
        .await?
        .and_then(|sha| state.coverage.get(&sha));
    if let Some(hit) = hit {
        return Ok(match &*hit {
            // The same bundle may back another certificate id; answer with the asked one.
            Ok(d) if d.certificate_id != certificate_id => Arc::new(Ok(DeviceCoverage {
                certificate_id: certificate_id.to_string(),
                ..d.clone()
            })),
            _ => hit,
        });
    }
    let c = state.store.certified_etr(certificate_id).await?;
    let sha = c.etr_sha256.clone();
    let derived = tokio::task::spawn_blocking(move || derive(&c))
        .await
        .map_err(|e| AppError::internal(format!("deriving coverage stopped: {e}")))?
        .map_err(|e| AppError::internal(format!("coverage of {certificate_id}: {e}")))?;
    let value = Arc::new(derived);
    state.coverage.insert(&sha, value.clone());
    Ok(value)
}

/// The coverage as JSON; 404 when the certificate has no ETR or its PP no mapping.
pub async fn api(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<DeviceCoverage>> {
    match &*coverage_of(&state, &id).await? {
        Ok(c) => Ok(Json(c.clone())),
        Err(why) => Err(AppError::not_found(format!(
            "regulatory coverage of {id}: {why}"
        ))),
    }
}

/// The device page's section; a sentence instead of a table when there is nothing to show.
pub async fn section(state: &AppState, certificate_id: &str) -> AppResult<Markup> {
    let coverage = match coverage_of(state, certificate_id).await {
        Ok(c) => c,
        Err(e) if e.status() == axum::http::StatusCode::NOT_FOUND => {
            return Ok(html! {
                h2 id="coverage" { "Regulatory coverage" }
                p { "No sealed ETR is on record for this certificate, so no coverage is derived." }
            });
        }
        Err(e) => return Err(e),
    };
    let cid = crate::html::url(certificate_id);
    Ok(html! {
        h2 id="coverage" { "Regulatory coverage" }
        @match &*coverage {
            Err(why) => p { "No coverage is derived: " (why) "." },
            Ok(c) => {
                p {
                    "Which items of the " (c.framework_title) " (" (c.framework) ") the certified "
                    "Security Target reaches through dtsec's mapping " code { (c.mapping) }
                    ", and whether each SFR reaching an item was verified by the approved lab "
                    (c.lab) " (every work unit of its evaluation activities passed in the ETR sealed "
                    (c.etr_sealed_at) ") or is asserted by the manufacturer ("
                    a href={ "/api/v1/devices/" (cid) "/coverage" } { "JSON" } ")."
                }
                @if c.draft {
                    p { "Edges of the mapping await a specialist's review: this coverage is a draft." }
                }
                table class="stack" {
                    caption { "FDA Appendix 1 categories and items" }
                    thead { tr {
                        th scope="col" { "Item" } th scope="col" { "Title" } th scope="col" { "Status" }
                        th scope="col" { "Evidence" } th scope="col" { "Through SFRs" }
                    } }
                    tbody {
                        @for i in &c.items {
                            tr {
                                th scope="row" { (i.id) }
                                td data-label="Title" { (i.title) }
                                td data-label="Status" { (status_words(i.status)) }
                                td data-label="Evidence" { (i.evidence.map_or("—", Evidence::words)) }
                                td data-label="Through SFRs" {
                                    @for (n, s) in i.sfrs.iter().enumerate() {
                                        @if n > 0 { ", " }
                                        (s.id) " (" (s.evidence.words()) ")"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

fn status_words(s: CoverageStatus) -> &'static str {
    match s {
        CoverageStatus::Covered => "covered",
        CoverageStatus::Environment => "environment only",
        CoverageStatus::NotCovered => "not covered",
    }
}
