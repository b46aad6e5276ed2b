//! The CSAF 2.0 provider (issue 13, publishing): `/.well-known/csaf/provider-metadata.json` and
//! the directory distribution `/.well-known/csaf/white/` — `index.txt`, `changes.csv`, and each
//! notice `<year>/<id>.json` with its `.sha256` and `.sig`.
//!
//! Why the directory layout: CSAF aggregators and hospitals' tools mirror a provider by reading
//! its metadata, then the directory (CSAF 2.0 §7.1.11–7.1.14); serving that layout lets them
//! follow the register without knowing dtsec. The signature is the scheme key's Ed25519
//! signature over the document's bytes (`{alg, key_id, sig}`, the same signature a sealed
//! certificate carries), not OpenPGP: the scheme has one key, and the provider metadata names it
//! by its SHA-256 fingerprint and the URL of its PEM (`/scheme.pub`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dtsec_registry::CSAF_DIR;
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The most notices listed in `index.txt` and `changes.csv`.
const MAX_LISTED: usize = 10_000;

fn public_url(state: &AppState) -> String {
    state.config.public_url.trim_end_matches('/').to_string()
}

/// The provider metadata document (CSAF 2.0 §7.1.7), for `state`'s registry.
pub async fn provider_metadata_document(state: &AppState) -> AppResult<Value> {
    let base = public_url(state);
    let latest = state.store.notices(None, 1).await?;
    let last_updated = latest
        .first()
        .map_or_else(|| state.store.clock().now(), |n| n.published_at.clone());
    let key = state.store.scheme_public_key();
    let fingerprint = dtsec_seal::sha256_hex(&key.to_bytes()).to_ascii_uppercase();
    Ok(json!({
        "canonical_url": format!("{base}/.well-known/csaf/provider-metadata.json"),
        "distributions": [{"directory_url": format!("{base}/.well-known/csaf/{CSAF_DIR}/")}],
        "last_updated": last_updated,
        "list_on_CSAF_aggregators": true,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": true,
        "public_openpgp_keys": [{"fingerprint": fingerprint, "url": format!("{base}/scheme.pub")}],
        "publisher": {
            "category": "coordinator",
            "name": state.store.config().scheme_name,
            "namespace": base,
        },
        "role": "csaf_provider",
    }))
}

/// `GET /.well-known/csaf/provider-metadata.json`.
pub async fn provider_metadata(State(state): State<AppState>) -> AppResult<Response> {
    let doc = provider_metadata_document(&state).await?;
    Ok(axum::Json(doc).into_response())
}

fn text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `GET /.well-known/csaf/white/{*path}`: `index.txt`, `changes.csv`, or a notice's document,
/// `.sha256` or `.sig`.
pub async fn file(State(state): State<AppState>, Path(path): Path<String>) -> AppResult<Response> {
    match path.as_str() {
        "index.txt" | "changes.csv" => {
            let notices = state.store.notices(None, MAX_LISTED).await?;
            let prefix = format!("/.well-known/csaf/{CSAF_DIR}/");
            let mut out = String::new();
            for n in &notices {
                let rel = n.path.strip_prefix(&prefix).unwrap_or(&n.path);
                if path == "index.txt" {
                    out.push_str(rel);
                    out.push('\n');
                } else {
                    out.push_str(&format!("\"{rel}\",\"{}\"\n", n.published_at));
                }
            }
            Ok(if path == "index.txt" {
                text(out)
            } else {
                ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response()
            })
        }
        _ => {
            let missing = || AppError::not_found(format!("{path} in the CSAF directory"));
            let (year, name) = path.split_once('/').ok_or_else(missing)?;
            if let Some(doc) = name.strip_suffix(".sha256") {
                let f = state.store.notice_file(year, doc).await?;
                Ok(text(format!("{}  {doc}\n", f.sha256)))
            } else if let Some(doc) = name.strip_suffix(".sig") {
                let f = state.store.notice_file(year, doc).await?;
                Ok(([(header::CONTENT_TYPE, "application/json")], f.signature).into_response())
            } else {
                let f = state.store.notice_file(year, name).await?;
                Ok(([(header::CONTENT_TYPE, "application/json")], f.document).into_response())
            }
        }
    }
}
