//! `POST /api/v1/products/{id}/lab`: the manufacturer chooses an approved lab.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// The lab.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ChooseLabParams {
    /// The lab's organisation id.
    pub lab: String,
}

/// Chooses the lab.
pub async fn choose_lab(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: ChooseLabParams = input.parse()?;
    let product = state
        .store
        .choose_lab(&input.caller.actor, &id, p.lab.trim())
        .await?;
    Ok(input.done_named(Done::LabChosen, &product.id.clone(), product))
}
