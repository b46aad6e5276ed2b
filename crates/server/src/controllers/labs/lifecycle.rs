//! The lab approval lifecycle besides approval (`approve.rs`): the lab applies and registers its
//! ETR signing key; the scheme administrator suspends or withdraws.
//!
//! `POST /api/v1/labs/{org}/application`, `/key`, `/suspension`, `/withdrawal`.

use axum::extract::{Path, State};
use axum::response::Response;

use dtsec_registry::lab_profile::LabProfile;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// The lab applies (or re-applies after a withdrawal) for approval, with its public profile
/// (location, scope, accreditation, contact), as JSON or form fields.
pub async fn apply(
    State(state): State<AppState>,
    Path(org): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let profile: LabProfile = input.parse()?;
    let lab = state
        .store
        .apply_for_lab_approval(&input.caller.actor, &org, &profile)
        .await?;
    Ok(input.done_named(Done::LabApplied, &org, lab))
}

/// The lab registers (or replaces) the Ed25519 key its sealed ETRs are signed with: SPKI PEM as
/// form field or upload `public_key`, or as the raw body.
pub async fn register_key(
    State(state): State<AppState>,
    Path(org): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let pem = input.text("public_key")?;
    let lab = state
        .store
        .register_lab_key(&input.caller.actor, &org, &pem)
        .await?;
    Ok(input.done_named(Done::LabKeyRegistered, &org, lab))
}

/// The scheme administrator suspends an approved lab.
pub async fn suspend(
    State(state): State<AppState>,
    Path(org): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let lab = state.store.suspend_lab(&input.caller.actor, &org).await?;
    Ok(input.done_named(Done::LabSuspended, &org, lab))
}

/// The scheme administrator withdraws a lab's approval or application.
pub async fn withdraw(
    State(state): State<AppState>,
    Path(org): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let lab = state.store.withdraw_lab(&input.caller.actor, &org).await?;
    Ok(input.done_named(Done::LabWithdrawn, &org, lab))
}
