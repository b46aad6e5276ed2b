//! `GET /api/v1/certificates/{id}/vex?format=cyclonedx|csaf|openvex`: the certificate's public
//! VEX — the current version of each assessment, never an unassessed match.

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
    let entries = state.store.public_assessments(&id).await?;
    if entries.is_empty() {
        return Err(AppError::not_found(format!("assessments of {id}")));
    }
    let cert = state.store.certificate(&id).await?;
    let timestamp = entries
        .iter()
        .map(|e| e.recorded_at)
        .max()
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let meta = DocMeta {
        author: cert.manufacturer_org.clone(),
        namespace: format!(
            "{}/certificates/{id}",
            state.config.public_url.trim_end_matches('/')
        ),
        id: format!("{id}-vex"),
        version: u32::try_from(entries.len()).unwrap_or(u32::MAX),
        timestamp,
    };
    let assessments: Vec<_> = entries.into_iter().map(|e| e.assessment).collect();
    let doc = formats::export(format, &assessments, &meta)
        .map_err(|e| AppError::internal(format!("VEX export: {e}")))?;
    Ok(Json(doc).into_response())
}
