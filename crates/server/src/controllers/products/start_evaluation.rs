//! `POST /api/v1/products/{id}/evaluation`: the chosen lab starts the evaluation.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Starts the evaluation.
pub async fn start_evaluation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let product = state
        .store
        .start_evaluation(&input.caller.actor, &id)
        .await?;
    Ok(input.done_named(Done::EvaluationStarted, &product.id.clone(), product))
}
