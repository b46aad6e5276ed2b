//! `POST /api/v1/certificates/{id}/notices` (the certification body publishes a vulnerability
//! notice: a signed, logged CSAF 2.0 document about the manufacturer's assessment of `vuln`) and
//! `GET /api/v1/notices` (the published notices, newest first), and a notice's revisions
//! (`GET /api/v1/notices/{id}/revisions[/{revision}]`: a notice revised when its assessment
//! changed keeps every earlier revision retrievable, byte for byte as signed).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dtsec_registry::CsafPublisher;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The most notices one listing returns.
const MAX_LIMIT: usize = 1000;

/// The request.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct PublishParams {
    /// The vulnerability id (or one of its aliases) whose current assessment is published.
    #[serde(default)]
    pub vuln: String,
}

/// The registry as a CSAF publisher: the scheme, at the registry's public URL.
pub fn publisher(state: &AppState) -> CsafPublisher {
    CsafPublisher {
        name: state.store.config().scheme_name.clone(),
        namespace: state.config.public_url.trim_end_matches('/').to_string(),
    }
}

/// Publishes a notice.
pub async fn publish(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    input.caller.require_login()?;
    let p: PublishParams = input.parse()?;
    let record = state
        .store
        .publish_notice(&input.caller.actor, &id, &p.vuln, &publisher(&state))
        .await?;
    if input.is_form {
        return Ok(input.done("/staff/postmarket", record));
    }
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// The published notices (`certificate` narrows to one certificate; `limit` at most 1000).
pub async fn index(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let limit = match q.get("limit") {
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                AppError::bad_request(format!("limit `{l}`: a number from 1 to {MAX_LIMIT}"))
            })?,
        None => 100,
    };
    let notices = state
        .store
        .notices(q.get("certificate").map(String::as_str), limit)
        .await?;
    Ok(Json(notices).into_response())
}

/// Every revision of a notice, oldest first.
pub async fn revisions(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Response> {
    Ok(Json(state.store.notice_revisions(&id).await?).into_response())
}

/// One revision's CSAF document as served when it was current.
pub async fn revision(
    State(state): State<AppState>,
    Path((id, revision)): Path<(String, String)>,
) -> AppResult<Response> {
    let f = state.store.notice_revision_file(&id, &revision).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        f.document,
    )
        .into_response())
}
