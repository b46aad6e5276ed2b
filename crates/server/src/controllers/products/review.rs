//! `POST /api/v1/products/{id}/review`: the certifier accepts the ETR or rejects it with reasons.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use crate::done::Done;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The decision.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ReviewParams {
    /// `accept` or `reject`.
    pub decision: String,
    /// Why (required to reject).
    pub reasons: Option<String>,
}

/// Accepts or rejects.
pub async fn review(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: ReviewParams = input.parse()?;
    let actor = &input.caller.actor;
    let (done, product) = match p.decision.as_str() {
        "accept" => (Done::EtrAccepted, state.store.accept_etr(actor, &id).await?),
        "reject" => (
            Done::EtrRejected,
            state
                .store
                .reject_etr(actor, &id, p.reasons.as_deref().unwrap_or(""))
                .await?,
        ),
        other => {
            return Err(AppError::bad_request(format!(
                "unknown decision `{other}`; use accept or reject"
            )));
        }
    };
    Ok(input.done_named(done, &id, product))
}
