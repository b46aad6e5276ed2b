//! `GET /api/v1/certificates/{id}/proof`, `GET /api/v1/certificates/{id}/bundle` and
//! `GET /api/v1/log/consistency`: proofs from the transparency log, as JSON.
//!
//! Why JSON besides the tiles: a verifier with only an HTTP client and the two public keys can
//! check a certificate in one request, and a client that remembers an earlier checkpoint can
//! check in one more that the log only grew. Everything returned is checked by the client
//! against signed checkpoints; nothing here needs to be trusted.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dtsec_registry::{CertificateProof, ConsistencyProof};

use crate::error::{AppError, AppResult};
use crate::html::url;
use crate::state::AppState;

/// A query parameter that must be a tree size or revision, when present.
fn number(q: &HashMap<String, String>, name: &str) -> AppResult<Option<u64>> {
    match q.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            AppError::bad_request(format!(
                "`{name}` must be a non-negative integer, not `{v}`"
            ))
        }),
    }
}

/// The log entry of a certificate revision (`?revision=N`, default the current one) with its
/// inclusion proof in the latest checkpoint.
pub async fn certificate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<CertificateProof>> {
    let revision = number(&q, "revision")?;
    Ok(Json(state.store.certificate_proof(&id, revision).await?))
}

/// The offline bundle of a certificate's current revision (certificate, log entry,
/// tlog-proof), as a download. `dtsec verify BUNDLE --key scheme.pub --log-key log.vkey`
/// checks it.
pub async fn bundle(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let id = id.strip_suffix(".bundle.json").unwrap_or(&id).to_string();
    let bundle = state.store.certificate_bundle(&id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.bundle.json\"", url(&id)),
            ),
        ],
        bundle.to_json_pretty(),
    )
        .into_response())
}

/// A consistency proof from `?from=N` to `?to=M` (default: the latest size), with the latest
/// checkpoint.
pub async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<ConsistencyProof>> {
    let from = number(&q, "from")?
        .ok_or_else(|| AppError::bad_request("give `from`, the tree size you have seen"))?;
    let to = number(&q, "to")?;
    Ok(Json(state.store.log_consistency(from, to).await?))
}
