//! Reading a state-changing request: a form (browser, urlencoded or multipart with file
//! uploads) or JSON / raw text (API), with the CSRF check for browser sessions done before the
//! handler sees the input.
//!
//! Why one extractor: each staff action serves both the pages and the API, so it reads its
//! input and answers (a redirect for a form, JSON otherwise) the same way everywhere. Multipart
//! is read whole into text fields: every upload dtsec accepts (an ST, a sealed ETR bundle, a PEM
//! key) is a text document, and the router's body limit bounds it before it is read.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use crate::done::Done;
use crate::error::AppError;
use crate::session::Caller;
use crate::state::AppState;

/// A staff action's request: the (logged-in) caller, the body, and whether it came from a form.
pub struct Input {
    /// Who.
    pub caller: Caller,
    /// The body bytes (empty for a multipart form, whose content is in `fields`).
    pub body: Bytes,
    /// True for a browser form (`application/x-www-form-urlencoded` or `multipart/form-data`).
    pub is_form: bool,
    /// A form's fields in order (repeated names kept), files as their text.
    pub fields: Vec<(String, String)>,
}

impl FromRequest<AppState> for Input {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts_ref(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let is_urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
        let is_multipart = content_type.starts_with("multipart/form-data");
        let header_csrf = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let req = Request::from_parts(parts, body);
        caller
            .require_login()
            .map_err(IntoResponse::into_response)?;
        let (body, fields) = if is_multipart {
            let multipart = Multipart::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            (
                Bytes::new(),
                read_multipart(multipart)
                    .await
                    .map_err(IntoResponse::into_response)?,
            )
        } else {
            let body = Bytes::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            let fields = if is_urlencoded {
                serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
                    .map_err(|e| AppError::bad_request(format!("bad form: {e}")).into_response())?
            } else {
                Vec::new()
            };
            (body, fields)
        };
        let is_form = is_urlencoded || is_multipart;
        let form_csrf = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.clone());
        caller
            .check_csrf(header_csrf.or(form_csrf).as_deref())
            .map_err(IntoResponse::into_response)?;
        Ok(Input {
            caller,
            body,
            is_form,
            fields,
        })
    }
}

impl Input {
    /// The body as `T`: form fields or a JSON object.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        if self.is_form {
            // Re-encoding lets multipart and urlencoded forms share serde_urlencoded's rules.
            let encoded = serde_urlencoded::to_string(&self.fields)
                .map_err(|e| AppError::bad_request(format!("bad form: {e}")))?;
            serde_urlencoded::from_str::<T>(&encoded)
                .map_err(|e| AppError::bad_request(format!("bad form: {e}")))
        } else if self.body.is_empty() {
            serde_json::from_str("{}").map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))
        } else {
            serde_json::from_slice(&self.body)
                .map_err(|e| AppError::bad_request(format!("bad JSON: {e}")))
        }
    }

    /// Every value of a (repeatable) form field, e.g. a group of checkboxes.
    pub fn all(&self, field: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A text document sent either as form field `field` (an uploaded file or a text area of
    /// that name; the first that is not empty) or as the raw body.
    pub fn text(&self, field: &str) -> Result<String, AppError> {
        if self.is_form {
            self.all(field)
                .into_iter()
                .find(|v| !v.trim().is_empty())
                .ok_or_else(|| {
                    AppError::bad_request(format!(
                        "the form has no `{field}`: choose a file or paste the text (from a script, send the document itself as the body with `Content-Type: text/plain`; `curl --data-binary` alone sends it as a form)"
                    ))
                })
        } else {
            String::from_utf8(self.body.to_vec())
                .map_err(|_| AppError::bad_request("the body is not UTF-8"))
        }
    }

    /// The answer: for a form, a redirect (303) back to the staff pages, marked so that they
    /// confirm the change (post-redirect-get: reloading does not post again); JSON otherwise.
    pub fn done<T: serde::Serialize>(&self, back: &str, value: T) -> Response {
        if self.is_form {
            if back.contains("done=") {
                return Redirect::to(back).into_response();
            }
            let sep = if back.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{back}{sep}done=1")).into_response()
        } else {
            axum::Json(value).into_response()
        }
    }
}

impl Input {
    /// Like [`Input::done`] back to `/staff`, for a form naming what was done to which record,
    /// so the page confirms it in words ("ETR of … accepted"; `crate::done`). Only the action's
    /// wire spelling and the subject's id go into the URL.
    pub fn done_named<T: serde::Serialize>(&self, what: Done, subject: &str, value: T) -> Response {
        self.done(
            &format!(
                "/staff?done={}&subject={}",
                what.as_str(),
                crate::html::url(subject)
            ),
            value,
        )
    }
}

/// Reads every part of a multipart form as text. An uploaded file that is not UTF-8 is refused
/// by name (dtsec's uploads are YAML, JSON or PEM).
async fn read_multipart(mut multipart: Multipart) -> Result<Vec<(String, String)>, AppError> {
    let mut fields = Vec::new();
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| multipart_error(&e))?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_string();
        let file = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
            AppError::bad_request(format!(
                "the upload `{}` (field `{name}`) is not UTF-8 text (invalid byte at offset {}); upload the YAML, JSON or PEM file itself",
                file.as_deref().unwrap_or(&name),
                e.utf8_error().valid_up_to()
            ))
        })?;
        fields.push((name, text));
    }
    Ok(fields)
}

/// A multipart error: too large (413) or malformed (400).
fn multipart_error(e: &axum::extract::multipart::MultipartError) -> AppError {
    AppError::client(e.status(), format!("bad upload: {}", e.body_text()))
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
