//! `POST /api/v1/products/{id}/etr`: the lab submits its sealed ETR bundle (JSON body, or form
//! field `bundle`). The registry verifies it against the lab's key and the submitted ST; a
//! forged or mismatched bundle is refused with a message saying why, and nothing changes.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Submits the ETR.
pub async fn submit_etr(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let bundle = input.text("bundle")?;
    let product = state
        .store
        .submit_etr(&input.caller.actor, &id, &bundle)
        .await?;
    Ok(input.done_named(Done::EtrSubmitted, &product.id.clone(), product))
}
