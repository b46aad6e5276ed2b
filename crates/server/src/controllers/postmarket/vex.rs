//! `GET /api/v1/certificates/{id}/vex?format=cyclonedx|csaf|openvex`: the certificate's public
//! VEX — the current version of each assessment, never an unassessed match, with every
//! recorded version as a revision.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use dtsec_vex::formats::{self, DocMeta, Format};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The VEX document.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let name = q.get("format").map_or("cyclonedx", String::as_str);
    let format = Format::parse(name).ok_or_else(|| {
        AppError::bad_request(format!("format `{name}`: use cyclonedx, csaf or openvex"))
    })?;
    let histories = state.store.public_assessment_histories(&id).await?;
    if histories.is_empty() {
        return Err(AppError::not_found(format!("assessments of {id}")));
    }
    let cert = state.store.certificate(&id).await?;
    // Every recorded version is one revision of the document, so the CSAF revision history
    // runs from 1 to the version with no gap (6.1.21) and each revision keeps its date.
    let refs: Vec<_> = histories.iter().collect();
    let revised = dtsec_vex::history::as_of_revision(&refs, None)
        .map_err(|e| AppError::internal(format!("VEX history: {e}")))?;
    let last = revised.revisions.last();
    let meta = DocMeta {
        author: cert.manufacturer_org.clone(),
        namespace: format!(
            "{}/certificates/{id}",
            state.config.public_url.trim_end_matches('/')
        ),
        id: format!("{id}-vex"),
        version: last.map_or(1, |r| r.number),
        timestamp: last
            .and_then(|r| r.date.parse().ok())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
    };
    let doc = formats::export_revised(format, &revised.assessments, &meta, &revised.revisions)
        .map_err(|e| AppError::internal(format!("VEX export: {e}")))?;
    Ok(Json(doc).into_response())
}
