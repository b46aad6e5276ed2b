//! `GET /api/v1/devices/{id}/coverage` and the device page's "Regulatory coverage" section: the
//! FDA premarket guidance Appendix 1 items the certified ST reaches through dtsec's mapping, and
//! for each the evidence status of the SFRs that reach it — verified by the approved lab (every
//! work unit of the SFR's evaluation activities passed in the sealed ETR the certificate was
//! issued on) or asserted by the manufacturer.
//!
//! Derived by the registry when the lab submitted the bundle and kept with it
//! (`dtsec_registry::etr_facts`): a page view reads the stored result, never the bundle or the
//! ST. The registry verified the bundle's signature with the lab's registered key when it was
//! submitted (`Store::submit_etr`), which is what lets its verdicts earn the lab tag here.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
pub use dtsec_registry::etr_facts::{CoverageStatus, DeviceCoverage, EtrFacts, Evidence};

use crate::error::{AppError, AppResult};
use crate::html::{Markup, html};
use crate::state::AppState;

/// A certificate's coverage, or why none is derived (no mapping for the claimed PP), which is
/// as stable as a result.
pub type Derived = Arc<Result<DeviceCoverage, String>>;

/// The certificate's coverage, as derived when its ETR was submitted. `Ok(Err(why))` when the
/// certified ST has no mapping; `Err` (not found) for a certificate without an ETR, or a
/// registry failure.
pub async fn coverage_of(state: &AppState, certificate_id: &str) -> AppResult<Derived> {
    let facts = state
        .store
        .etr_facts(certificate_id)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("the sealed ETR of certificate {certificate_id}"))
        })?;
    Ok(from_facts(certificate_id, &facts))
}

/// The coverage in `facts`, answered for `certificate_id`.
fn from_facts(certificate_id: &str, facts: &EtrFacts) -> Derived {
    Arc::new(match &facts.coverage {
        // One bundle may back several certificate ids over time; answer with the asked one.
        Ok(d) => Ok(DeviceCoverage {
            certificate_id: certificate_id.to_string(),
            ..d.clone()
        }),
        Err(why) => Err(why.clone()),
    })
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

/// The device page's section from the ETR's facts (read once by the page); a sentence instead
/// of a table when there is nothing to show.
pub fn section(certificate_id: &str, facts: Option<&EtrFacts>) -> Markup {
    let Some(facts) = facts else {
        return html! {
            h2 id="coverage" { "Regulatory coverage" }
            p { "No sealed ETR is on record for this certificate, so no coverage is derived." }
        };
    };
    let coverage = from_facts(certificate_id, facts);
    let cid = crate::html::url(certificate_id);
    html! {
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
    }
}

fn status_words(s: CoverageStatus) -> &'static str {
    match s {
        CoverageStatus::Covered => "covered",
        CoverageStatus::Environment => "environment only",
        CoverageStatus::NotCovered => "not covered",
    }
}
