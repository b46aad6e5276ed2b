//! The FDA premarket cybersecurity documentation set of a certificate, produced by the registry
//! from what it holds — the certified ST, the sealed ETR it was issued on (verified with the
//! lab's registered key at submission, so its sections may be tagged "verified by an approved
//! lab") and the current SBOM if one was uploaded: `GET /certificates/{id}/premarket` (the HTML
//! package), `GET /certificates/{id}/premarket.pdf` and `GET /api/v1/certificates/{id}/premarket`
//! (JSON: section tags, missing inputs, the HTML and the PDF as base64; `dtsec registry
//! premarket` writes them to a directory).
//!
//! For whoever may see the product (the registry authorises): the package lists the ETR's
//! unresolved vulnerabilities and the SBOM, which are not public. Built by `dtsec-premarket`
//! exactly as `dtsec premarket` builds it from the same files, so the two cannot differ.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use dtsec_model::{Library, parse_document, source_from_bytes};
use dtsec_premarket::{Etr, Inputs, LabEvidence, SbomInput};
use dtsec_registry::CertifiedEtr;
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::html::url;
use crate::session::Caller;
use crate::state::AppState;

/// A section's provenance, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SectionProvenance {
    /// From the sealed ETR the registry verified.
    LabVerified,
    /// From the manufacturer's ST or SBOM.
    Manufacturer,
    /// To be written by the manufacturer.
    ToBeAuthored,
}

/// One section of the package.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PremarketSection {
    /// Its stable id (the HTML anchor).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The guidance part it answers.
    pub guidance: String,
    /// Where its content comes from.
    pub provenance: SectionProvenance,
}

/// An input the package lacks.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PremarketMissing {
    /// The input.
    pub input: String,
    /// What having it would fill in.
    pub gives: String,
}

/// The package of a certificate.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PremarketPackage {
    /// The certificate.
    pub certificate_id: String,
    /// The package's title.
    pub title: String,
    /// The date it is as of (the ETR's sealing).
    pub date: String,
    /// The thirteen sections and their provenance.
    pub sections: Vec<PremarketSection>,
    /// Inputs the package lacks (an SBOM not uploaded, the manufacturer's own documents).
    pub missing: Vec<PremarketMissing>,
    /// The package as one self-contained HTML page.
    pub html: String,
    /// The package as a tagged PDF, base64 (standard alphabet, padded).
    pub pdf_base64: String,
}

/// The package built and rendered.
struct Built {
    package: PremarketPackage,
    pdf: Vec<u8>,
}

/// Builds the package (blocking: parsing, SBOM schema validation, PDF).
fn build(c: &CertifiedEtr, sbom: Option<&str>) -> Result<Built, String> {
    let source = source_from_bytes(
        format!("{}-st.yaml", c.certificate_id),
        c.st_text.as_bytes().to_vec(),
    )
    .map_err(|e| format!("stored ST: {e}"))?;
    let st = parse_document(&source).map_err(|e| format!("stored ST: {e}"))?;
    let library = Library::with_builtins();
    let sealed = dtsec_seal::Sealed::from_json(&c.etr_bundle)
        .map_err(|e| format!("stored ETR bundle: {e}"))?;
    let lab = LabEvidence {
        etr: Etr::from_payload(&sealed.payload, &st)
            .map_err(|e| format!("stored ETR bundle: {e}"))?,
        // Verified with the lab's registered key when it was submitted.
        signature_verified: true,
    };
    let sbom = sbom
        .map(|text| {
            let ingester = dtsec_sbom::Ingester::new(dtsec_sbom::Limits::default());
            ingester
                .ingest(text.as_bytes())
                .map(|(doc, report)| SbomInput {
                    name: format!("{}-sbom.json", c.certificate_id),
                    doc,
                    report,
                })
                .map_err(|e| format!("stored SBOM: {e}"))
        })
        .transpose()?;
    let package = dtsec_premarket::build(&Inputs {
        st: &st,
        library: &library,
        lab: Some(&lab),
        sbom: sbom.as_ref(),
    })
    .map_err(|e| format!("premarket package: {e}"))?;
    let html = dtsec_premarket::html::render(&package);
    let pdf = dtsec_premarket::pdf::render(&package);
    Ok(Built {
        package: PremarketPackage {
            certificate_id: c.certificate_id.clone(),
            title: package.title.clone(),
            date: package.date.clone(),
            sections: package
                .sections
                .iter()
                .map(|s| PremarketSection {
                    id: s.id.to_string(),
                    title: s.title.to_string(),
                    guidance: s.guidance.to_string(),
                    provenance: match s.provenance {
                        dtsec_premarket::Provenance::LabVerified => SectionProvenance::LabVerified,
                        dtsec_premarket::Provenance::Manufacturer => {
                            SectionProvenance::Manufacturer
                        }
                        dtsec_premarket::Provenance::ToBeAuthored => {
                            SectionProvenance::ToBeAuthored
                        }
                    },
                })
                .collect(),
            missing: package
                .missing
                .iter()
                .map(|m| PremarketMissing {
                    input: m.input.clone(),
                    gives: m.gives.clone(),
                })
                .collect(),
            html,
            pdf_base64: base64::engine::general_purpose::STANDARD.encode(&pdf),
        },
        pdf,
    })
}

/// Authorises the caller and builds the certificate's package.
async fn built(state: &AppState, caller: &Caller, id: &str) -> AppResult<Built> {
    caller.require_login()?;
    let (certified, sbom) = state.store.premarket_inputs(&caller.actor, id).await?;
    let id = id.to_string();
    tokio::task::spawn_blocking(move || build(&certified, sbom.as_deref()))
        .await
        .map_err(|e| AppError::internal(format!("building the premarket package stopped: {e}")))?
        .map_err(|e| AppError::internal(format!("premarket package of {id}: {e}")))
}

/// The package as JSON.
pub async fn api(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> AppResult<Json<PremarketPackage>> {
    Ok(Json(built(&state, &caller, &id).await?.package))
}

/// The package as its HTML page.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> AppResult<Html<String>> {
    let b = built(&state, &caller, &id).await.map_err(AppError::html)?;
    Ok(Html(b.package.html))
}

/// The package as a PDF download.
pub async fn pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> AppResult<Response> {
    let b = built(&state, &caller, &id).await.map_err(AppError::html)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-premarket.pdf\"", url(&id)),
            ),
        ],
        b.pdf,
    )
        .into_response())
}
