//! Who is calling: browser sessions, API tokens, and CSRF protection.
//!
//! Why here and not in the registry: sessions and cookies are HTTP matters (the registry has no
//! HTTP). A browser logs in with a password (checked and throttled by the registry) and gets a
//! random session id in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` when configured for TLS).
//! The registry keeps the sessions (hashed, in the database), so they survive a restart and end
//! at once when the user is disabled. Each session has its own CSRF token, which every form carries and every state-changing
//! request made with the cookie must present (form field `csrf` or header `X-CSRF-Token`).
//! Scripts use API tokens (`Authorization: Bearer dtsec_…`), which need no CSRF token because a
//! browser never sends them on its own. The login form, before any session exists, uses a
//! double-submit cookie.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use base64::Engine as _;
use dtsec_registry::Actor;
use rand_core::{OsRng, RngCore};

use crate::error::AppError;
use crate::html::Viewer;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "dtsec_session";
/// The login form's double-submit cookie.
pub const LOGIN_CSRF_COOKIE: &str = "dtsec_login_csrf";

/// A random URL-safe secret of 32 bytes (the login form's double-submit token).
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// How the caller authenticated.
#[derive(Clone, Debug)]
pub enum Via {
    /// Not at all: the public.
    Public,
    /// A browser session (id, CSRF token).
    Session {
        /// The session id.
        id: String,
        /// Its CSRF token.
        csrf: String,
    },
    /// An API token.
    Token,
}

/// The caller of a request: an actor for `authorize`, and how it authenticated.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Who, for the registry.
    pub actor: Actor,
    /// How.
    pub via: Via,
}

impl Caller {
    /// The public: no session, no token (what a page kept for everyone is rendered as).
    pub fn public() -> Caller {
        Caller {
            actor: Actor::public(),
            via: Via::Public,
        }
    }

    /// True unless the public.
    pub fn is_logged_in(&self) -> bool {
        !matches!(self.via, Via::Public)
    }

    /// The hidden CSRF field for a form (empty for non-session callers).
    pub fn csrf_field(&self) -> crate::html::Markup {
        match &self.via {
            Via::Session { csrf, .. } => crate::html::html! {
                input type="hidden" name="csrf" value=(csrf);
            },
            _ => crate::html::html! {},
        }
    }

    /// Who is looking, for a page's header: `None` for the public.
    pub fn viewer(&self) -> Option<Viewer<'_>> {
        self.is_logged_in().then(|| Viewer {
            role: self.actor.role.as_str(),
            csrf_field: self.csrf_field(),
        })
    }

    /// Refuses a state-changing request made with a session cookie unless `presented` is the
    /// session's CSRF token. Token and public callers pass (the public is refused later by
    /// `authorize`).
    pub fn check_csrf(&self, presented: Option<&str>) -> Result<(), AppError> {
        match &self.via {
            Via::Session { csrf, .. } => {
                if presented.is_some_and(|p| constant_time_eq(p.as_bytes(), csrf.as_bytes())) {
                    Ok(())
                } else {
                    Err(AppError::csrf())
                }
            }
            _ => Ok(()),
        }
    }

    /// Refuses the public with 401 (staff endpoints).
    pub fn require_login(&self) -> Result<(), AppError> {
        if self.is_logged_in() {
            Ok(())
        } else {
            Err(AppError::unauthenticated())
        }
    }
}

/// Compares secrets without an early exit.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(auth) = parts.headers.get(axum::http::header::AUTHORIZATION) {
            let secret = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(AppError::unauthenticated)?;
            let (_, actor) = state.store.authenticate_token_actor(secret).await?;
            return Ok(Caller {
                actor,
                via: Via::Token,
            });
        }
        if let Some(id) = cookie(&parts.headers, SESSION_COOKIE)
            && let Some(s) = state.store.session(id).await?
        {
            return Ok(Caller {
                actor: s.user.actor(),
                via: Via::Session {
                    id: id.to_string(),
                    csrf: s.csrf,
                },
            });
        }
        Ok(Caller {
            actor: Actor::public(),
            via: Via::Public,
        })
    }
}
