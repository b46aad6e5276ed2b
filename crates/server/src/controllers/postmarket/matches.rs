//! `GET /api/v1/certificates/{id}/matches`: the certificate's matches as of the current advisory
//! snapshot, each saying whether an assessment answers it (manufacturer and certification body
//! only: an unassessed match is never public).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use crate::error::AppResult;
use crate::session::Caller;
use crate::state::AppState;

/// The matches.
pub async fn index(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> AppResult<Response> {
    caller.require_login()?;
    let matches = state.store.certificate_matches(&caller.actor, &id).await?;
    Ok(Json(matches).into_response())
}
