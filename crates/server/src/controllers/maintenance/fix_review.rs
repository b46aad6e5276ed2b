//! `GET /api/v1/maintenance/fix-reviews` (the vulnerability fixes awaiting the caller's lab) and
//! `POST /api/v1/maintenance/{id}/fix-review` (the lab's focused review: AVA_VAN on the fix,
//! regression of the touched SFRs, and a summary). A passing review lets the certification body
//! extend the certificate; a failing one ends the analysis.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use dtsec_registry::maintenance::{FixReview, ReviewVerdict};
use serde::Deserialize;

use crate::done::Done;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::session::Caller;
use crate::state::AppState;

/// The review.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct FixReviewParams {
    /// AVA_VAN on the fix: `pass` (the named vulnerabilities are gone and no new one was found)
    /// or `fail`.
    pub ava_van: String,
    /// Regression of the touched SFRs: `pass` or `fail`.
    pub regression: String,
    /// What the lab did and found.
    pub summary: String,
}

/// The queue of the caller's lab, oldest first.
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Response> {
    caller.require_login()?;
    let awaiting = state.store.fix_reviews_awaiting(&caller.actor).await?;
    Ok(Json(awaiting).into_response())
}

/// Records the review.
pub async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: FixReviewParams = input.parse()?;
    let review = FixReview {
        ava_van: ReviewVerdict::parse("ava_van", &p.ava_van).map_err(AppError::from)?,
        regression: ReviewVerdict::parse("regression", &p.regression).map_err(AppError::from)?,
        summary: p.summary,
    };
    let record = state
        .store
        .submit_fix_review(&input.caller.actor, &id, &review)
        .await?;
    Ok(input.done_named(Done::FixReviewed, &record.certificate_id.clone(), record))
}
