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
//!
//! **Kept answers.** The same anonymous `GET` is answered from memory ([`KeptAnswers`]) while
//! nothing was written since it was made and for at most [`dtsec_registry::STATUS_FRESH_FOR`]:
//! a list, a search or a device page viewed again costs one indexed read of the audit trail's
//! last sequence number instead of its queries and rendering (issue 16: the public site at
//! scale). Why the audit trail: every change a public page shows — a decision, a status, an
//! organisation, a notice — is recorded there in the transaction that makes it, by this process
//! or another on the same database, so its last number names the state a page was made from.
//! The registry's day is part of the key too (a grace period ends, a certificate expires). Why
//! also a time bound: what is not audited (an advisory feed's import) shows within a second, as
//! a status change made elsewhere does.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes, HttpBody as _, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dtsec_registry::memo::Memo;

use crate::state::AppState;

/// The largest answer given a validator (bigger ones pass through untouched, unbuffered).
pub const MAX_VALIDATED_BYTES: usize = 4 * 1024 * 1024;

/// `Cache-Control` of what changes only with a release or a new PP.
pub const STABLE: &str = "public, max-age=3600";
/// `Cache-Control` of everything else: a cache must ask the registry every time.
pub const ALWAYS_REVALIDATE: &str = "no-cache";

/// The largest answer kept in memory (a device page is tens of kilobytes).
const MAX_KEPT_BYTES: usize = 256 * 1024;
/// The longest request target kept (longer ones are answered afresh every time).
const MAX_KEPT_TARGET: usize = 1024;

/// One kept answer: its headers and bytes, with the state and time it was made at.
#[derive(Debug)]
struct Kept {
    generation: i64,
    day: dtsec_registry::Date,
    made: Instant,
    headers: HeaderMap,
    body: Bytes,
}

/// Anonymous answers by request target (path and query), bounded in count (the oldest goes
/// first) and in size per answer, so at most 512 × 256 KiB is held.
#[derive(Clone, Debug)]
pub struct KeptAnswers(Arc<Memo<Arc<Kept>>>);

impl KeptAnswers {
    /// Most answers kept.
    const CAPACITY: usize = 512;

    fn fresh(&self, target: &str, generation: i64, day: dtsec_registry::Date) -> Option<Arc<Kept>> {
        self.0.get(target).filter(|k| {
            k.generation == generation
                && k.day == day
                && k.made.elapsed() <= dtsec_registry::STATUS_FRESH_FOR
        })
    }
}

impl Default for KeptAnswers {
    fn default() -> Self {
        KeptAnswers(Arc::new(Memo::new(Self::CAPACITY)))
    }
}

/// Whether answers at `path` are kept: the pages and lists made from several tables. Not a
/// device page itself, which the database keeps (`crate::device_pages`) and is read in one query
/// either way; not the status, proofs, certificates and log tiles, which keep what they read themselves without a
/// read per request (the status memo, immutable documents), so the generation read would only
/// add to them.
fn kept_path(path: &str) -> bool {
    path == "/"
        || path
            .strip_prefix("/devices/")
            .is_some_and(|rest| rest.contains('/'))
        || path == "/api/v1/devices"
        || path.starts_with("/api/v1/devices/")
        || path.starts_with("/labs")
        || path.starts_with("/api/v1/labs")
        || path.starts_with("/pps")
        || path == "/evaluations"
}

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
pub async fn validators(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION)
        && !req.headers().contains_key(header::COOKIE);
    let cacheable_method = matches!(*req.method(), Method::GET | Method::HEAD);
    let path = req.uri().path().to_string();
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Kept answers: anonymous, and only a GET makes one (a HEAD's body is not the page's).
    let target = req
        .uri()
        .path_and_query()
        .map(|t| t.as_str().to_string())
        .filter(|t| {
            anonymous && cacheable_method && t.len() <= MAX_KEPT_TARGET && kept_path(&path)
        });
    let generation = match &target {
        Some(_) => state.store.public_generation().await.ok(),
        None => None,
    };
    // Pages also change with the registry's day (grace periods, expiry dates).
    let day = state.store.clock().today();
    if let (Some(t), Some(g)) = (&target, generation)
        && let Some(kept) = state.kept.fresh(t, g, day)
    {
        return answer(
            StatusCode::OK,
            kept.headers.clone(),
            kept.body.clone(),
            if_none_match.as_deref(),
        );
    }
    let keep = *req.method() == Method::GET;
    let resp = next.run(req).await;
    if !(anonymous && cacheable_method)
        || resp.status() != StatusCode::OK
        || resp.headers().contains_key(header::CACHE_CONTROL)
        || resp.headers().contains_key(header::SET_COOKIE)
        || resp.headers().contains_key(header::ETAG)
    {
        return resp;
    }
    if too_big_to_validate(resp.headers(), resp.body().size_hint().lower()) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match to_bytes(body, MAX_VALIDATED_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // Longer than announced, or the body failed: nothing sensible to send, and the
            // handler's own log line would show a success, so say it here.
            tracing::error!(path = %path, error = %e, "the answer's body could not be read for its validator");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let etag = etag_of(&bytes);
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
    if let (true, Some(t), Some(g)) = (keep, &target, generation)
        && bytes.len() <= MAX_KEPT_BYTES
    {
        state.kept.0.replace(
            t,
            Arc::new(Kept {
                generation: g,
                day,
                made: Instant::now(),
                headers: parts.headers.clone(),
                body: bytes.clone(),
            }),
        );
    }
    answer(parts.status, parts.headers, bytes, if_none_match.as_deref())
}

/// A page the database keeps (a device page, `crate::device_pages`), answered as this
/// middleware answers what it validates: with an `ETag`, `no-cache` and `Vary` for an anonymous
/// request, or `304 Not Modified` when `If-None-Match` names it. The page is kept gzip-compressed:
/// a client that accepts gzip (every browser and CDN) gets those bytes as they are, with
/// `Content-Encoding: gzip` and an entity tag of its own (a strong tag names one
/// representation); any other gets the page itself. A request that carries credentials (a
/// session cookie that is no longer valid, say) gets the bytes alone.
///
/// `None` when the kept bytes cannot be expanded (they are then not the page): the caller
/// renders it instead.
pub fn kept_page(request: &HeaderMap, kept: dtsec_registry::KeptPage) -> Option<Response> {
    let gzip = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(accepts_gzip);
    let (etag, body) = if gzip {
        (gzip_etag(&kept.etag), Bytes::from(kept.gzip))
    } else {
        let page = crate::device_pages::expand(&kept.gzip)?;
        (kept.etag, Bytes::from(page))
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    let anonymous =
        !request.contains_key(header::AUTHORIZATION) && !request.contains_key(header::COOKIE);
    let if_none_match = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if anonymous && let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(ALWAYS_REVALIDATE),
        );
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Encoding, Cookie, Authorization"),
        );
    }
    Some(answer(
        StatusCode::OK,
        headers,
        body,
        if_none_match.filter(|_| anonymous),
    ))
}

/// The entity tag of a page's gzip representation, made from the page's own.
fn gzip_etag(etag: &str) -> String {
    match etag.strip_suffix('"') {
        Some(open) => format!("{open}-gzip\""),
        None => format!("{etag}-gzip"),
    }
}

/// Whether an `Accept-Encoding` value (RFC 9110 §12.5.3) accepts gzip: `gzip` (or `x-gzip`)
/// listed with a non-zero weight, or else `*` with one.
fn accepts_gzip(value: &str) -> bool {
    let mut star = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                k.trim().eq_ignore_ascii_case("q").then(|| v.trim())
            })
            .next()
            .map_or(1.0, |v| v.parse::<f32>().unwrap_or(0.0));
        match coding.as_str() {
            "gzip" | "x-gzip" => return weight > 0.0,
            "*" => star = Some(weight > 0.0),
            _ => {}
        }
    }
    star.unwrap_or(false)
}

/// The strong entity tag of `bytes`, quoted, as this middleware gives it.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", &dtsec_seal::sha256_hex(bytes)[..32])
}

/// The answer with `headers` and `body`, or `304 Not Modified` when `If-None-Match` names its
/// `ETag`.
fn answer(
    status: StatusCode,
    mut headers: HeaderMap,
    body: Bytes,
    if_none_match: Option<&str>,
) -> Response {
    let etag = headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let (Some(inm), Some(etag)) = (if_none_match, etag)
        && matches(inm, &etag)
    {
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::CONTENT_TYPE);
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        *r.headers_mut() = headers;
        return r;
    }
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    r
}

/// Whether an answer is passed through without a validator: its announced length or, for a
/// body whose length is known in memory (a handler's `String`, which has no `Content-Length`
/// header until hyper writes it), its size is over [`MAX_VALIDATED_BYTES`]. Checked before the
/// body is read: the CSV of every device went over 4 MiB at about 20,000 certificates and was
/// answered 500, its body cut at the limit.
fn too_big_to_validate(headers: &HeaderMap, known_bytes: u64) -> bool {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    announced.max(known_bytes) > MAX_VALIDATED_BYTES as u64
}

#[cfg(test)]
mod tests {

    #[test]
    fn answers_over_the_limit_pass_through_whether_announced_or_known() {
        let none = HeaderMap::new();
        assert!(!too_big_to_validate(&none, 0));
        assert!(!too_big_to_validate(&none, MAX_VALIDATED_BYTES as u64));
        // A handler's String body: no header, its size known.
        assert!(too_big_to_validate(&none, MAX_VALIDATED_BYTES as u64 + 1));
        let mut announced = HeaderMap::new();
        announced.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(MAX_VALIDATED_BYTES as u64 + 1),
        );
        assert!(too_big_to_validate(&announced, 0));
    }
    use super::*;

    #[test]
    fn gzip_is_accepted_only_with_a_weight() {
        for yes in [
            "gzip",
            "gzip, deflate, br",
            "br;q=1.0, gzip;q=0.8",
            "*",
            "identity, *;q=0.5",
            "X-GZIP",
        ] {
            assert!(accepts_gzip(yes), "{yes}");
        }
        for no in [
            "",
            "identity",
            "br",
            "gzip;q=0",
            "gzip; q=0.000",
            "*;q=0",
            "gzip;q=0, *",
            "gzip;q=nonsense",
        ] {
            assert!(!accepts_gzip(no), "{no}");
        }
        assert_eq!(gzip_etag("\"abc\""), "\"abc-gzip\"");
    }

    #[test]
    fn if_none_match_lists() {
        assert!(matches("\"abc\"", "\"abc\""));
        assert!(matches("\"x\", W/\"abc\"", "\"abc\""));
        assert!(matches("*", "\"abc\""));
        assert!(!matches("\"abd\"", "\"abc\""));
        assert!(!matches("", "\"abc\""));
    }

    #[test]
    fn pages_and_lists_are_kept_and_self_kept_answers_are_not() {
        for path in [
            "/",
            "/devices/DTSEC-2025-0001/st",
            "/api/v1/devices",
            "/labs",
            "/pps/cdd/2.0",
        ] {
            assert!(kept_path(path), "{path}");
        }
        for path in [
            "/devices/DTSEC-2025-0001",
            "/api/v1/certificates/DTSEC-2025-0001/status",
            "/api/v1/certificates/DTSEC-2025-0001/proof",
            "/log/checkpoint",
            "/healthz",
            "/staff",
        ] {
            assert!(!kept_path(path), "{path}");
        }
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
