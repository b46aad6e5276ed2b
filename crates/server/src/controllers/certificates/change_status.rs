//! `POST /api/v1/certificates/{id}/status`: the certifier opens a review, suspends, reinstates or
//! revokes.
//!
//! Why a reason and a confirmation on every change: the status is what patients, clinicians
//! and buyers read, and the reason is published beside it; a status changed by a slip of the
//! mouse is a public statement no one meant. The page has a confirmation checkbox and the API
//! an explicit `confirm: true`; the registry refuses a change without a reason, and any change
//! after revocation (it is final).

use axum::extract::{Path, State};
use axum::response::Response;
use dtsec_registry::StatusRequest;
use serde::Deserialize;

use crate::done::Done;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The request.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ChangeStatusParams {
    /// `open-review`, `suspend`, `reinstate`, `revoke`.
    pub action: String,
    /// Why (required; published with the new status).
    #[serde(default)]
    pub reason: String,
    /// `true` (JSON) or the form's checkbox (`yes`): the caller means this change.
    #[schemars(with = "Option<bool>")]
    pub confirm: Option<serde_json::Value>,
}

/// True for `true`, `"true"`, `"yes"` or `"on"`: what a JSON client or a checked box sends.
fn confirmed(v: Option<&serde_json::Value>) -> bool {
    match v {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => matches!(s.trim(), "true" | "yes" | "on"),
        _ => false,
    }
}

/// Changes the status.
pub async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: ChangeStatusParams = input.parse()?;
    let request = StatusRequest::parse(p.action.trim()).ok_or_else(|| {
        AppError::bad_request(format!(
            "unknown action `{}`; use open-review, suspend, reinstate or revoke",
            p.action
        ))
    })?;
    if !confirmed(p.confirm.as_ref()) {
        return Err(AppError::bad_request(format!(
            "confirm the status change ({} of certificate {id}): tick the confirmation on the page, or send \"confirm\": true",
            request.as_str()
        )));
    }
    let rec = state
        .store
        .change_certificate_status(&input.caller.actor, &id, request, &p.reason)
        .await?;
    let done = match request {
        StatusRequest::OpenReview => Done::ReviewOpened,
        StatusRequest::Suspend => Done::CertificateSuspended,
        StatusRequest::Reinstate => Done::CertificateReinstated,
        StatusRequest::Revoke => Done::CertificateRevoked,
    };
    Ok(input.done_named(done, &id, rec))
}
