//! `POST /api/v1/certificates/{id}/assessments` (the manufacturer records an assessment, a
//! `dtsec-vex` assessment as the JSON body; a new version when one exists) and `GET …` (every
//! stored entry with its hash).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::session::Caller;
use crate::state::AppState;

/// Records the assessment.
pub async fn record(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    input.caller.require_login()?;
    let assessment: dtsec_vex::Assessment = serde_json::from_slice(&input.body).map_err(|e| {
        AppError::bad_request(format!(
            "body: line {}, column {}: {e} (send a dtsec-vex assessment, see docs/vex.md)",
            e.line(),
            e.column()
        ))
    })?;
    let record = state
        .store
        .record_assessment(&input.caller.actor, &id, assessment)
        .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// Every entry.
pub async fn index(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Caller,
) -> AppResult<Response> {
    caller.require_login()?;
    let all = state
        .store
        .certificate_assessments(&caller.actor, &id)
        .await?;
    Ok(Json(all).into_response())
}
