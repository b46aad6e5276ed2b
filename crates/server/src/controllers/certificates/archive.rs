//! `POST /api/v1/certificates/archive`: archives every certificate whose validity period ended
//! before today (certifier or scheme administrator), each as its own logged decision.

use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Archives the expired certificates; answers with their ids.
pub async fn archive(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    let today = state.store.clock().today();
    let archived = state
        .store
        .archive_expired(&input.caller.actor, today)
        .await?;
    Ok(input.done_named(
        Done::CertificatesArchived,
        "",
        json!({ "archived": archived }),
    ))
}
