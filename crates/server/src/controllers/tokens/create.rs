//! `POST /api/v1/tokens`: creates an API token for the caller; the secret is shown once. A
//! token expires (90 days unless asked) and may be narrowed to some of the role's actions, so
//! a token left in a CI system can do only what that job needs, and not forever.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use dtsec_registry::{Action, DEFAULT_TOKEN_DAYS, NewToken};

use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The token's name.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct CreateTokenParams {
    /// A label ("CI", "laptop").
    pub name: String,
    /// Days until it expires (1 to 366; default 90).
    #[serde(default)]
    pub days: Option<u32>,
    /// The actions it allows, space-separated (e.g. "ViewProduct SubmitEtr"); a subset of your
    /// role's. Default: all of them.
    #[serde(default)]
    pub scope: Option<String>,
}

/// Creates the token.
pub async fn create(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    let p: CreateTokenParams = input.parse()?;
    let scope = match p.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(
            text.split_whitespace()
                .take(Action::ALL.len() + 1)
                .map(|n| {
                    Action::parse(n).ok_or_else(|| {
                        AppError::bad_request(format!("unknown action `{n}` in the scope"))
                    })
                })
                .collect::<AppResult<Vec<_>>>()?,
        ),
    };
    let token = NewToken {
        name: p.name,
        days: p.days.unwrap_or(DEFAULT_TOKEN_DAYS),
        scope,
    };
    let (id, secret) = state
        .store
        .create_api_token_with(&input.caller.actor, &token)
        .await?;
    Ok(Json(json!({ "id": id, "token": secret, "days": token.days })).into_response())
}
