//! `GET /api/v1/postmarket/queue` (the certification body's proposed actions, numbered) and
//! `POST /api/v1/postmarket/queue/{n}/act` (decide item `n` with a reason; the status change is
//! logged with the hash of the assessment it rests on).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::session::Caller;
use crate::state::AppState;

/// The request.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ActParams {
    /// Why (required; published with the new status).
    #[serde(default)]
    pub reason: String,
    /// The item's assessment hash as listed: refused when the queue moved.
    #[serde(default)]
    pub assessment_hash: Option<String>,
}

/// The queue.
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Response> {
    caller.require_login()?;
    let items = state.store.postmarket_queue(&caller.actor).await?;
    Ok(Json(items).into_response())
}

/// Acts on item `n`.
pub async fn act(
    State(state): State<AppState>,
    Path(n): Path<String>,
    input: Input,
) -> AppResult<Response> {
    input.caller.require_login()?;
    let n: usize = n.parse().map_err(|_| {
        AppError::bad_request(format!("queue item `{n}`: expected a number from 1"))
    })?;
    let p: ActParams = input.parse()?;
    let (item, certificate) = state
        .store
        .act_on_proposal(
            &input.caller.actor,
            n,
            &p.reason,
            p.assessment_hash.as_deref(),
        )
        .await?;
    // From the staff page's form: back to the queue, which confirms the change.
    Ok(input.done(
        "/staff/postmarket",
        json!({"item": item, "certificate": certificate}),
    ))
}
