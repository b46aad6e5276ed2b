//! `GET /api/v1/certificates/{id}/status`: the current status (the hot path for verifiers).

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;

use crate::error::AppResult;
use crate::state::AppState;

/// The answer.
#[derive(Serialize, schemars::JsonSchema)]
pub struct StatusResponse {
    /// The certificate id.
    pub certificate_id: String,
    /// `active`, `maintained`, `under-review`, `suspended`, `revoked`, `archived`.
    pub status: String,
    /// The latest signed revision.
    pub revision: i64,
    /// End of the validity period.
    pub expiry_date: String,
}

/// The status lookup.
pub async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<StatusResponse>> {
    let (status, revision, expiry_date) = state.store.certificate_status(&id).await?;
    Ok(Json(StatusResponse {
        certificate_id: id,
        status,
        revision,
        expiry_date,
    }))
}
