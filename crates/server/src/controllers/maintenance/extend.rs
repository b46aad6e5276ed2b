//! `POST /api/v1/maintenance/{id}/extension`: the certifier extends the certificate to the new
//! version of a minor change (a new signed revision, status `maintained`).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Extends the certificate.
pub async fn extend(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let record = state
        .store
        .extend_certificate(&input.caller.actor, &id)
        .await?;
    Ok(input.done_named(
        Done::CertificateExtended,
        &record.certificate_id.clone(),
        record,
    ))
}
