//! `GET /devices/{id}/feed.atom` and `GET /feed.atom`: Atom feeds (RFC 4287) of certificate
//! decisions and published vulnerability notices, newest first, at most
//! [`dtsec_registry::MAX_FEED_ENTRIES`] (issue 13, publishing).
//!
//! Why Atom: feed readers and hospitals' monitoring tools follow it without an account, and
//! sec-certs users ask for per-certificate feeds. The XML is written here by hand — a dozen
//! elements — with every value escaped by `dtsec-render`'s escaper (which also replaces the
//! control characters XML forbids).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dtsec_registry::{FeedEntry, MAX_FEED_ENTRIES};
use dtsec_render::escape;

use crate::error::AppResult;
use crate::state::AppState;

/// The feed's media type.
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// Writes the feed: `self_path` is its own path, `page_path` the page it belongs to.
fn atom(
    base: &str,
    title: &str,
    self_path: &str,
    page_path: &str,
    entries: &[FeedEntry],
    now: &str,
) -> String {
    let updated = entries.first().map_or(now, |e| e.at.as_str());
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str(&format!(
        "  <id>{}</id>\n",
        escape(&format!("{base}{self_path}"))
    ));
    x.push_str(&format!("  <title>{}</title>\n", escape(title)));
    x.push_str(&format!("  <updated>{}</updated>\n", escape(updated)));
    x.push_str("  <author><name>dtsec certification registry</name></author>\n");
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&format!("{base}{self_path}"))
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&format!("{base}{page_path}"))
    ));
    for e in entries {
        let id = format!(
            "{base}/devices/{}#{}",
            crate::html::url(&e.certificate_id),
            e.key
        );
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}</id>\n", escape(&id)));
        x.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
        x.push_str(&format!("    <updated>{}</updated>\n", escape(&e.at)));
        x.push_str(&format!(
            "    <link rel=\"alternate\" href=\"{}\"/>\n",
            escape(&format!("{base}{}", e.path))
        ));
        x.push_str(&format!(
            "    <category term=\"{}\"/>\n",
            match e.kind {
                dtsec_registry::FeedKind::Decision => "certificate-decision",
                dtsec_registry::FeedKind::Notice => "vulnerability-notice",
            }
        ));
        x.push_str(&format!("    <summary>{}</summary>\n", escape(&e.summary)));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

fn base(state: &AppState) -> String {
    state.config.public_url.trim_end_matches('/').to_string()
}

/// One device's feed.
pub async fn device(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let entries = state.store.feed(Some(&id), MAX_FEED_ENTRIES).await?;
    let cert = state.store.certificate(&id).await?;
    let cid = crate::html::url(&id);
    let body = atom(
        &base(&state),
        &format!(
            "{} {} (certificate {id})",
            cert.product_name, cert.product_version
        ),
        &format!("/devices/{cid}/feed.atom"),
        &format!("/devices/{cid}"),
        &entries,
        &state.store.clock().now(),
    );
    Ok(([(header::CONTENT_TYPE, ATOM)], body).into_response())
}

/// The registry's feed.
pub async fn registry(State(state): State<AppState>) -> AppResult<Response> {
    let entries = state.store.feed(None, MAX_FEED_ENTRIES).await?;
    let body = atom(
        &base(&state),
        "dtsec registry: certificate decisions and vulnerability notices",
        "/feed.atom",
        "/",
        &entries,
        &state.store.clock().now(),
    );
    Ok(([(header::CONTENT_TYPE, ATOM)], body).into_response())
}
