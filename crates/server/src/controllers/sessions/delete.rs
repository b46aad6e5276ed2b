//! `POST /logout`: ends the session (CSRF-checked, so another site cannot log a user out).

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::AppResult;
use crate::input::Input;
use crate::session::{SESSION_COOKIE, Via, set_cookie};
use crate::state::AppState;

/// Logs out.
pub async fn delete(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    if let Via::Session { id, .. } = &input.caller.via {
        state.store.end_session(id).await?;
    }
    Ok((
        [(
            SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
        )],
        Redirect::to("/"),
    )
        .into_response())
}
