//! Validators for public answers, so a reverse proxy or CDN can serve the public site (issue 16).
//!
//! Every successful, anonymous `GET`/`HEAD` whose handler did not choose its own caching gets a
//! strong `ETag` (the SHA-256 of the bytes) and a `Cache-Control`; a request that presents that
//! `ETag` in `If-None-Match` is answered `304 Not Modified` with no body. Why a digest of the
//! bytes and not a version number: the pages are rendered from several tables, and a digest is
//! right by construction whatever changed.
//!
//! How long a copy may be reused without asking: never, for anything that shows a certificate's
//! or a lab's status (lists, device pages, documents, the status API): they carry `no-cache`, so a
//! cache asks every time and gets a cheap 304 while nothing changed, and a revocation is never
//! hidden by a cache. An hour for what changes only with a release or a new PP (the PP pages,
//! the OpenAPI document, the scheme's public key). Answers to requests with credentials are left alone (they are `no-store`, see
//! [`crate::security_headers`]), and `Vary` keeps a shared cache from handing an anonymous copy to
//! a signed-in user.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest answer given a validator (bigger ones pass through untouched, unbuffered).
pub const MAX_VALIDATED_BYTES: usize = 4 * 1024 * 1024;

/// `Cache-Control` of what changes only with a release or a new PP.
pub const STABLE: &str = "public, max-age=3600";
/// `Cache-Control` of everything else: a cache must ask the registry every time.
pub const ALWAYS_REVALIDATE: &str = "no-cache";

/// Whether answers at `path` may be reused for an hour without asking.
fn stable(path: &str) -> bool {
    path.starts_with("/pps") || path == "/openapi.json" || path == "/scheme.pub"
}

/// Whether `If-None-Match` (a list of entity tags, or `*`) names `etag`.
fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
}

/// The middleware.
pub async fn validators(req: Request, next: Next) -> Response {
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION)
        && !req.headers().contains_key(header::COOKIE);
    let cacheable_method = matches!(*req.method(), Method::GET | Method::HEAD);
    let path = req.uri().path().to_string();
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let resp = next.run(req).await;
    if !(anonymous && cacheable_method)
        || resp.status() != StatusCode::OK
        || resp.headers().contains_key(header::CACHE_CONTROL)
        || resp.headers().contains_key(header::SET_COOKIE)
        || resp.headers().contains_key(header::ETAG)
    {
        return resp;
    }
    let too_big = resp
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_VALIDATED_BYTES);
    if too_big {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_VALIDATED_BYTES).await else {
        // Longer than announced, or the body failed: nothing sensible to send.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let etag = format!("\"{}\"", &dtsec_seal::sha256_hex(&bytes)[..32]);
    let cache = if stable(&path) {
        STABLE
    } else {
        ALWAYS_REVALIDATE
    };
    let h = &mut parts.headers;
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Authorization"),
    );
    if if_none_match
        .as_deref()
        .is_some_and(|inm| matches(inm, &etag))
    {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists() {
        assert!(matches("\"abc\"", "\"abc\""));
        assert!(matches("\"x\", W/\"abc\"", "\"abc\""));
        assert!(matches("*", "\"abc\""));
        assert!(!matches("\"abd\"", "\"abc\""));
        assert!(!matches("", "\"abc\""));
    }

    #[test]
    fn only_release_bound_answers_are_reused_without_asking() {
        assert!(stable("/pps/cdd/2.0"));
        assert!(stable("/openapi.json"));
        for path in [
            "/",
            "/devices/DTSEC-2025-0001",
            "/api/v1/certificates/DTSEC-2025-0001/status",
            "/certificates/DTSEC-2025-0001.json",
            "/labs",
        ] {
            assert!(!stable(path), "{path}");
        }
    }
}
