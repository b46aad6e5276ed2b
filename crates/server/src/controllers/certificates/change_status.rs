//! `POST /api/v1/certificates/{id}/status`: the certifier opens a review, suspends, reinstates or
//! revokes.

use axum::extract::{Path, State};
use axum::response::Response;
use dtsec_registry::StatusRequest;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The request.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ChangeStatusParams {
    /// `open-review`, `suspend`, `reinstate`, `revoke`.
    pub action: String,
    /// Why (required to suspend or revoke).
    pub reason: Option<String>,
}

/// Changes the status.
pub async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: ChangeStatusParams = input.parse()?;
    let request = match p.action.as_str() {
        "open-review" => StatusRequest::OpenReview,
        "suspend" => StatusRequest::Suspend,
        "reinstate" => StatusRequest::Reinstate,
        "revoke" => StatusRequest::Revoke,
        other => {
            return Err(AppError::bad_request(format!(
                "unknown action `{other}`; use open-review, suspend, reinstate or revoke"
            )));
        }
    };
    let reason = p.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let rec = state
        .store
        .change_certificate_status(&input.caller.actor, &id, request, reason)
        .await?;
    Ok(input.done("/staff", rec))
}
