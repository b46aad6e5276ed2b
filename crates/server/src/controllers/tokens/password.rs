//! `POST /api/v1/tokens/password`: exchanges an e-mail and password for a new API token.
//!
//! Why: scripts and the `dtsec registry` client need a token, and `POST /api/v1/tokens` needs
//! a caller who is already logged in (a browser session with its CSRF token). This is the same
//! login — the registry checks the password and throttles failures per account and per client
//! address — answered with a token instead of a cookie. No cookie is read or set, so there is
//! nothing for a cross-site request to ride on; the token is in the response body only.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The request.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordTokenParams {
    /// The account's e-mail.
    pub email: String,
    /// Its password.
    pub password: String,
    /// A label for the token ("CI", "laptop").
    pub name: String,
}

/// Creates the token.
pub async fn create(State(state): State<AppState>, req: Request) -> AppResult<Response> {
    let client = crate::forwarded::client_ip(
        req.headers(),
        req.extensions(),
        &state.config.trusted_proxies,
    );
    let is_json = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(AppError::client(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send a JSON object {\"email\", \"password\", \"name\"} with Content-Type: application/json",
        ));
    }
    let body = Bytes::from_request(req, &state)
        .await
        .map_err(|e| AppError::bad_request(format!("unreadable body: {e}")))?;
    let p: PasswordTokenParams = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))?;
    let user = state.store.login(&p.email, &p.password, &client).await?;
    let (id, secret) = state.store.create_api_token(&user.actor(), &p.name).await?;
    Ok(
        Json(json!({ "id": id, "token": secret, "role": user.role, "org_id": user.org_id }))
            .into_response(),
    )
}
