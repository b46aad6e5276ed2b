//! `POST /api/v1/tokens/{id}/revoke`: revokes one of the caller's own API tokens, at once,
//! without disabling the account (a token that leaked from one CI job should not end them all).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Revokes the token.
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    state
        .store
        .revoke_api_token(&input.caller.actor, &id)
        .await?;
    Ok(Json(json!({ "id": id, "revoked": true })).into_response())
}
