//! `POST /api/v1/products/{id}/draft-approval`: the certifier approves certifying a case that
//! claims a draft PP, with the reason (issue 10, F22; the rule is the registry's).

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// The approval.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ApproveDraftParams {
    /// Why the certification body accepts certifying against the draft (required).
    pub reason: String,
}

/// Records the approval on the case.
pub async fn approve_draft(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: ApproveDraftParams = input.parse()?;
    let product = state
        .store
        .approve_draft_pp_claims(&input.caller.actor, &id, &p.reason)
        .await?;
    Ok(input.done_named(Done::DraftClaimsApproved, &product.id.clone(), product))
}
