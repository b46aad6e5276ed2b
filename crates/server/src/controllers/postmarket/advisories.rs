//! `POST /api/v1/advisories/sync`: the certification body uploads an advisory set — a JSON array
//! of OSV records, or a ZIP of them (`Content-Type: application/zip`) — which becomes the current
//! snapshot; every certificate's SBOM is matched against it.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dtsec_advisories::ImportLimits;
use dtsec_advisories::import::{self, Entry};
use dtsec_registry::MAX_SYNC_RECORDS;

use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The records of a JSON array body, each re-serialised as its own file.
fn from_json_array(body: &[u8]) -> Result<Vec<Entry>, AppError> {
    let value = dtsec_sbom::strict_json::parse(
        std::str::from_utf8(body).map_err(|e| {
            AppError::bad_request(format!("body: not UTF-8 at byte {}", e.valid_up_to()))
        })?,
        64,
    )
    .map_err(|e| {
        AppError::bad_request(format!(
            "body: line {}, column {}: {} (send a JSON array of OSV records)",
            e.line, e.column, e.message
        ))
    })?;
    let serde_json::Value::Array(items) = value else {
        return Err(AppError::bad_request(
            "body: expected a JSON array of OSV records (or a ZIP with Content-Type: application/zip)",
        ));
    };
    if items.len() > MAX_SYNC_RECORDS {
        return Err(AppError::bad_request(format!(
            "body: {} records, over the limit of {MAX_SYNC_RECORDS} per sync",
            items.len()
        )));
    }
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, v)| Entry::File(format!("/{i}"), v.to_string().into_bytes()))
        .collect())
}

/// The records of a ZIP body, read by `dtsec-advisories` (bounded, paths checked) from a
/// temporary file.
fn from_zip(body: &[u8]) -> Result<Vec<Entry>, AppError> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| AppError::internal(e.to_string()))?;
    std::io::Write::write_all(&mut file, body).map_err(|e| AppError::internal(e.to_string()))?;
    let limits = ImportLimits {
        max_files: MAX_SYNC_RECORDS,
        ..ImportLimits::default()
    };
    import::read_source(file.path(), &limits)
        .map_err(|e| AppError::bad_request(format!("body: {e}")))
}

/// Syncs the set.
pub async fn sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Input,
) -> AppResult<Response> {
    input.caller.require_login()?;
    let zip = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/zip"));
    let entries = if zip {
        from_zip(&input.body)?
    } else {
        from_json_array(&input.body)?
    };
    let report = state
        .store
        .sync_advisories(&input.caller.actor, entries)
        .await?;
    Ok(Json(report).into_response())
}
