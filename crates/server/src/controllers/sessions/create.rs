//! `POST /login`: checks the password (the registry throttles repeated failures) and starts a
//! session.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use dtsec_registry::RegistryError;
use serde::Deserialize;

use crate::error::AppError;
use crate::session::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, constant_time_eq, cookie, set_cookie};
use crate::state::AppState;

/// The form.
#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    csrf: String,
}

/// Logs in.
pub async fn create(State(state): State<AppState>, req: Request) -> Response {
    let client = crate::forwarded::client_ip(
        req.headers(),
        req.extensions(),
        &state.config.trusted_proxies,
    );
    let cookie_token = cookie(req.headers(), LOGIN_CSRF_COOKIE).map(str::to_string);
    let Ok(body) = Bytes::from_request(req, &state).await else {
        return AppError::bad_request("unreadable body")
            .html()
            .into_response();
    };
    let Ok(form) = serde_urlencoded::from_bytes::<LoginForm>(&body) else {
        return AppError::bad_request("the login form needs email, password and csrf")
            .html()
            .into_response();
    };
    if !cookie_token.is_some_and(|c| constant_time_eq(c.as_bytes(), form.csrf.as_bytes())) {
        return AppError::csrf().html().into_response();
    }
    match state
        .store
        .login(&form.email, &form.password, &client)
        .await
    {
        Ok(user) => {
            let secs = state.config.session_secs;
            let id = match state.store.start_session(&user, secs).await {
                Ok((id, _)) => id,
                Err(e) => return AppError::from(e).html().into_response(),
            };
            (
                [(
                    SET_COOKIE,
                    set_cookie(SESSION_COOKIE, &id, secs, state.config.secure_cookies),
                )],
                Redirect::to("/staff"),
            )
                .into_response()
        }
        Err(e @ (RegistryError::Unauthenticated | RegistryError::Throttled { .. })) => {
            let status = if matches!(e, RegistryError::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let mut resp = super::new::form(&state, Some(&e.to_string()));
            *resp.status_mut() = status;
            resp
        }
        Err(e) => AppError::from(e).html().into_response(),
    }
}
