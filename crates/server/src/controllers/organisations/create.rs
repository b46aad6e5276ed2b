//! `POST /api/v1/organisations`: the scheme administrator creates an organisation.

use axum::extract::State;
use axum::response::Response;
use dtsec_registry::OrgKind;
use serde::Deserialize;

use crate::done::Done;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The new organisation.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct CreateOrganisationParams {
    /// `manufacturer`, `lab` or `certification-body`.
    pub kind: String,
    /// Its name (unique).
    pub name: String,
}

/// Creates the organisation.
pub async fn create(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    let p: CreateOrganisationParams = input.parse()?;
    let kind = OrgKind::parse(p.kind.trim()).ok_or_else(|| {
        AppError::bad_request(format!(
            "unknown organisation kind `{}`; use manufacturer, lab or certification-body",
            p.kind
        ))
    })?;
    let org = state
        .store
        .create_organisation(&input.caller.actor, kind, &p.name)
        .await?;
    Ok(input.done_named(Done::OrganisationCreated, &org.id.clone(), org))
}
