//! The server's one error type.
//!
//! Policy: a client error (not found, forbidden, a refused workflow step, invalid input, a
//! rejected ST, throttling, a bad or missing CSRF token) is returned verbatim with its status, so
//! the person who made the request learns what to fix. An internal error (database, key) is
//! answered with a generic "internal error"; its detail is put into the response's extensions as
//! [`InternalError`] and logged by the `log_internal_errors` middleware in `router.rs`, never in
//! this conversion. API callers get JSON `{"error": …}`; pages get a small HTML page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use dtsec_registry::RegistryError;
use serde_json::json;

use crate::html;

/// An error a handler returns.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    message: String,
    details: Option<serde_json::Value>,
    internal: Option<String>,
    html: bool,
}

/// The detail of an internal error, for the logging middleware.
#[derive(Clone, Debug)]
pub struct InternalError(pub String);

impl AppError {
    /// A client error with this status and message.
    pub fn client(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError {
            status,
            message: message.into(),
            details: None,
            internal: None,
            html: false,
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::client(StatusCode::BAD_REQUEST, message)
    }

    /// 401: no (valid) credentials.
    pub fn unauthenticated() -> AppError {
        AppError::client(
            StatusCode::UNAUTHORIZED,
            "log in, or send an API token as `Authorization: Bearer …`",
        )
    }

    /// 403: the CSRF token is missing or wrong.
    pub fn csrf() -> AppError {
        AppError::client(
            StatusCode::FORBIDDEN,
            "the form's CSRF token is missing or does not match this session; reload the page and try again",
        )
    }

    /// 404.
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::client(StatusCode::NOT_FOUND, format!("not found: {}", what.into()))
    }

    /// An internal error: logged by middleware, reported generically.
    pub fn internal(detail: impl Into<String>) -> AppError {
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error".into(),
            details: None,
            internal: Some(detail.into()),
            html: false,
        }
    }

    /// Answer as an HTML page instead of JSON.
    pub fn html(mut self) -> AppError {
        self.html = true;
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<RegistryError> for AppError {
    fn from(e: RegistryError) -> AppError {
        if !e.is_client_error() {
            return AppError::internal(e.to_string());
        }
        let status = match &e {
            RegistryError::NotFound(_) => StatusCode::NOT_FOUND,
            RegistryError::Forbidden(_) => StatusCode::FORBIDDEN,
            RegistryError::InvalidTransition { .. }
            | RegistryError::Conflict(_)
            | RegistryError::SchemeRule(_) => StatusCode::CONFLICT,
            RegistryError::Validation(_) | RegistryError::StRejected { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            RegistryError::Unauthenticated => StatusCode::UNAUTHORIZED,
            RegistryError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::BAD_REQUEST,
        };
        let details = match &e {
            RegistryError::StRejected { diagnostics } => Some(json!(
                diagnostics
                    .iter()
                    .map(|d| json!({
                        "code": d.code,
                        "severity": if d.is_error() { "error" } else { "warning" },
                        "message": d.message,
                        "line": d.span.line,
                    }))
                    .collect::<Vec<_>>()
            )),
            _ => None,
        };
        AppError {
            status,
            message: e.to_string(),
            details,
            internal: None,
            html: false,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut resp = if self.html {
            let body = html::html! {
                h1 { (self.status.as_u16()) }
                p role="alert" { (self.message) }
                p { a href="/" { "Back to the register" } }
            };
            (
                self.status,
                Html(html::layout("Error", None, body).into_string()),
            )
                .into_response()
        } else {
            let mut v = json!({ "error": self.message, "status": self.status.as_u16() });
            if let Some(d) = self.details {
                v["diagnostics"] = d;
            }
            (self.status, Json(v)).into_response()
        };
        if let Some(detail) = self.internal {
            resp.extensions_mut().insert(InternalError(detail));
        }
        resp
    }
}

/// Handler results.
pub type AppResult<T> = Result<T, AppError>;
