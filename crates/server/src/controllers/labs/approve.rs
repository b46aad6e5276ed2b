//! `POST /api/v1/labs/{org}/approval`: the scheme administrator approves a lab until a date.

use axum::extract::{Path, State};
use axum::response::Response;
use dtsec_registry::Date;
use serde::Deserialize;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// The approval's end.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ApproveParams {
    /// Approved until (inclusive), `YYYY-MM-DD`.
    pub until: String,
}

/// Approves (or renews) the lab's approval.
pub async fn approve(
    State(state): State<AppState>,
    Path(org): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: ApproveParams = input.parse()?;
    let until = Date::parse(p.until.trim())?;
    let lab = state
        .store
        .approve_lab(&input.caller.actor, &org, until)
        .await?;
    Ok(input.done_named(Done::LabApproved, &org, lab))
}
