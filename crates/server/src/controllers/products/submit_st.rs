//! `POST /api/v1/products/{id}/st`: the manufacturer submits the Security Target (YAML body, or
//! form field `st`). The registry checks it: errors refuse it (422 with the diagnostics).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Submits the ST.
pub async fn submit_st(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let st = input.text("st")?;
    let product = state
        .store
        .submit_st(&input.caller.actor, &id, "st.yaml", st.into_bytes())
        .await?;
    Ok(input.done_named(Done::StSubmitted, &product.id.clone(), product))
}
