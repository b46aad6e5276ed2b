//! `POST /api/v1/products/{id}/certificate`: the certifier issues the certificate.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Issues the certificate of an accepted case.
pub async fn issue(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let rec = state
        .store
        .issue_certificate(&input.caller.actor, &id)
        .await?;
    Ok(input.done_named(Done::CertificateIssued, &id, rec))
}
