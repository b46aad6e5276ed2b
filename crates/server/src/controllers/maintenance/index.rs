//! `GET /api/v1/maintenance`: impact analyses waiting for the certifier's decision.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::error::AppResult;
use crate::session::Caller;
use crate::state::AppState;

/// The queue, oldest first.
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Response> {
    caller.require_login()?;
    let pending = state.store.pending_maintenance(&caller.actor).await?;
    Ok(Json(pending).into_response())
}
