//! Response headers that harden every page, and keep staff answers out of caches.
//!
//! Why one middleware: the pages are server-rendered HTML with no JavaScript, so a strict
//! Content-Security-Policy costs nothing and turns any escaping slip into an inert string (no
//! script runs, no form posts elsewhere, no framing for click-jacking). Answers to a request
//! that carried credentials (a session cookie or a bearer token) are personal: `no-store`
//! keeps them out of shared and browser caches. Headers a handler set itself (the log's
//! `Cache-Control` on tiles, say) are left alone. Over HTTPS, `Strict-Transport-Security`.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy for HTML: nothing but the page's own inline styles, its own images (and inline
/// `data:` ones), and forms posting back to the registry.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the headers; `hsts` when the registry is reached over HTTPS (served with a certificate,
/// or behind a proxy with `--secure-cookies`), so browsers keep to HTTPS for a year.
pub async fn security_headers(hsts: bool, req: Request, next: Next) -> Response {
    let credentialed = req.headers().contains_key(header::AUTHORIZATION)
        || crate::session::cookie(req.headers(), crate::session::SESSION_COOKIE).is_some()
        // Answers that hand out a credential: a token in the body.
        || req.uri().path().starts_with("/api/v1/tokens");
    let mut resp = next.run(req).await;
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if is_html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    // A new session cookie is a credential too.
    let credentialed = credentialed || h.contains_key(header::SET_COOKIE);
    if credentialed && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
