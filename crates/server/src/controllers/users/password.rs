//! Passwords: `POST /api/v1/account/password` changes the caller's own (with the current one;
//! the caller's other browser sessions end) and `POST /api/v1/users/{id}/password` lets the
//! scheme administrator set a forgotten one (all that user's sessions end). Neither password is
//! ever echoed back or written to the audit trail.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::session::Via;
use crate::state::AppState;

/// The caller's change.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ChangeOwnParams {
    /// The password in use now.
    pub current_password: String,
    /// The new one (at least 10 characters).
    pub new_password: String,
}

/// Changes the caller's own password.
pub async fn change_own(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    input.caller.require_login()?;
    let p: ChangeOwnParams = input.parse()?;
    let keep = match &input.caller.via {
        Via::Session { id, .. } => Some(id.as_str()),
        _ => None,
    };
    state
        .store
        .change_own_password(
            &input.caller.actor,
            &p.current_password,
            &p.new_password,
            keep,
        )
        .await?;
    Ok(input.done_named(Done::OwnPasswordChanged, "", json!({"password": "changed"})))
}

/// The administrator's new password for a user.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct SetParams {
    /// The new password (at least 10 characters), to hand to the user.
    pub password: String,
}

/// Sets a user's password.
pub async fn set(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let p: SetParams = input.parse()?;
    state
        .store
        .set_user_password(&input.caller.actor, &id, &p.password)
        .await?;
    Ok(input.done_named(
        Done::PasswordSet,
        &id,
        json!({"user_id": id, "password": "set"}),
    ))
}
