//! `POST /api/v1/certificates/{id}/sbom` (the certificate's manufacturer uploads its SBOM, the
//! JSON document as the body) and `GET …/sbom` (the current one, for the manufacturer and the
//! certification body). Upload is idempotent by SHA-256: 201 for a new SBOM, 200 when known.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::session::Caller;
use crate::state::AppState;

/// Uploads the SBOM.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    input.caller.require_login()?;
    if input.body.is_empty() {
        return Err(AppError::bad_request(
            "send the SBOM (CycloneDX or SPDX JSON) as the request body",
        ));
    }
    let (record, created) = state
        .store
        .upload_sbom(&input.caller.actor, &id, &input.body)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({"created": created, "sbom": record}))).into_response())
}

/// The current SBOM: its record and the document as uploaded.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> AppResult<Response> {
    caller.require_login()?;
    let (record, document) = state.store.certificate_sbom(&caller.actor, &id).await?;
    let document: serde_json::Value =
        serde_json::from_str(&document).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(Json(json!({"sbom": record, "document": document})).into_response())
}
