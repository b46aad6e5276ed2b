//! Reading a state-changing request: a form (browser) or JSON / raw text (API), with the CSRF
//! check for browser sessions done before the handler sees the input.
//!
//! Why one extractor: each staff action serves both the pages and the API, so it reads its
//! input and answers (a redirect for a form, JSON otherwise) the same way everywhere.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::session::Caller;
use crate::state::AppState;

/// A staff action's request: the (logged-in) caller, the body, and whether it came from a form.
pub struct Input {
    /// Who.
    pub caller: Caller,
    /// The body bytes.
    pub body: Bytes,
    /// True for `application/x-www-form-urlencoded`.
    pub is_form: bool,
}

impl FromRequest<AppState> for Input {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts_ref(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let is_form = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let header_csrf = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let req = Request::from_parts(parts, body);
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        caller
            .require_login()
            .map_err(IntoResponse::into_response)?;
        let form_csrf = if is_form {
            serde_urlencoded_field(&body, "csrf")
        } else {
            None
        };
        caller
            .check_csrf(header_csrf.or(form_csrf).as_deref())
            .map_err(IntoResponse::into_response)?;
        Ok(Input {
            caller,
            body,
            is_form,
        })
    }
}

impl Input {
    /// The body as `T`: form fields or a JSON object.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        if self.is_form {
            serde_urlencoded::from_bytes::<T>(&self.body)
                .map_err(|e| AppError::bad_request(format!("bad form: {e}")))
        } else if self.body.is_empty() {
            serde_json::from_str("{}").map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))
        } else {
            serde_json::from_slice(&self.body)
                .map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))
        }
    }

    /// A text document sent either as form field `field` or as the raw body.
    pub fn text(&self, field: &str) -> Result<String, AppError> {
        if self.is_form {
            serde_urlencoded_field(&self.body, field)
                .ok_or_else(|| AppError::bad_request(format!("the form has no `{field}`")))
        } else {
            String::from_utf8(self.body.to_vec())
                .map_err(|_| AppError::bad_request("the body is not UTF-8"))
        }
    }

    /// The answer: a redirect back to the staff pages for a form, JSON otherwise.
    pub fn done<T: serde::Serialize>(&self, back: &str, value: T) -> Response {
        if self.is_form {
            Redirect::to(back).into_response()
        } else {
            axum::Json(value).into_response()
        }
    }
}

/// One field of a urlencoded body.
pub fn serde_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    fields.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

impl Caller {
    /// The extractor, callable on borrowed parts.
    pub async fn from_request_parts_ref(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Caller, AppError> {
        <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(parts, state)
            .await
    }
}
