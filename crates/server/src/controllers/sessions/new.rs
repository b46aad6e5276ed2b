//! `GET /login`: the login form, with a double-submit CSRF cookie.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{Html, IntoResponse, Response};

use crate::html::{html, layout};
use crate::session::{LOGIN_CSRF_COOKIE, random_secret, set_cookie};
use crate::state::AppState;

/// The form, optionally with a message.
pub fn form(state: &AppState, message: Option<&str>) -> Response {
    let token = random_secret();
    let body = html! {
        h1 { "Staff login" }
        @if let Some(m) = message {
            p role="alert" { strong { (m) } }
        }
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(token);
            label for="email" { "E-mail" }
            input id="email" name="email" type="email" autocomplete="username" required;
            label for="password" { "Password" }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            p { button type="submit" { "Log in" } }
        }
    };
    (
        [(
            SET_COOKIE,
            set_cookie(LOGIN_CSRF_COOKIE, &token, 3600, state.config.secure_cookies),
        )],
        Html(layout("Staff login", None, body).into_string()),
    )
        .into_response()
}

/// The login page.
pub async fn new(State(state): State<AppState>) -> Response {
    form(&state, None)
}
