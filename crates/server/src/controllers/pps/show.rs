//! `GET /pps/{id}/{version}`: one PP or package, as rendered at start.

use axum::extract::{Path, State};
use axum::response::Html;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The rendered document (a self-contained page of its own).
pub async fn page(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> AppResult<Html<String>> {
    state
        .pps
        .get(&(id.clone(), version.clone()))
        .map(|p| Html(p.html.clone()))
        .ok_or_else(|| AppError::not_found(format!("{id} version {version}")).html())
}
