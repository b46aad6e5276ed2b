//! `GET /api/v1/users`: every account with its organisation, whether it is disabled and its
//! live browser sessions (scheme administrator only).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::error::AppResult;
use crate::session::Caller;
use crate::state::AppState;

/// The list.
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Response> {
    caller.require_login()?;
    let users = state.store.users(&caller.actor).await?;
    Ok(Json(users).into_response())
}
