//! `POST /api/v1/tokens`: creates an API token for the caller; the secret is shown once.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// The token's name.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct CreateTokenParams {
    /// A label ("CI", "laptop").
    pub name: String,
}

/// Creates the token.
pub async fn create(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    let p: CreateTokenParams = input.parse()?;
    let (id, secret) = state
        .store
        .create_api_token(&input.caller.actor, &p.name)
        .await?;
    Ok(Json(json!({ "id": id, "token": secret })).into_response())
}
