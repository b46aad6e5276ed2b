//! `POST /api/v1/users/{id}/deactivation` and `/reactivation`: the scheme administrator
//! disables an account (its sessions end and its API tokens stop working at once) or enables
//! it again. Accounts are never deleted: the audit trail and the cases name them.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// Disables the account.
pub async fn deactivate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    set_disabled(&state, &id, input, true).await
}

/// Enables the account again.
pub async fn reactivate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    set_disabled(&state, &id, input, false).await
}

async fn set_disabled(
    state: &AppState,
    id: &str,
    input: Input,
    disabled: bool,
) -> AppResult<Response> {
    let user = state
        .store
        .set_user_disabled(&input.caller.actor, id, disabled)
        .await?;
    let done = if disabled {
        Done::UserDisabled
    } else {
        Done::UserEnabled
    };
    Ok(input.done_named(done, id, user))
}
