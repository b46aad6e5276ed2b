//! `GET /api/v1/organisations`: every organisation, for the scheme administrator's forms.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use dtsec_registry::{Action, Resource, authorize};

use crate::error::{AppError, AppResult};
use crate::session::Caller;
use crate::state::AppState;

/// The list (staff with the right to manage users; the public list of labs is `/api/v1/labs`).
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Response> {
    caller.require_login()?;
    authorize(&caller.actor, Action::ManageUsers, &Resource::Global)
        .map_err(|e| AppError::from(dtsec_registry::RegistryError::from(e)))?;
    let orgs = state.store.organisations(None).await?;
    Ok(Json(orgs).into_response())
}
