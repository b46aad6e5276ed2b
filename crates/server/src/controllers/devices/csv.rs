//! `GET /api/v1/devices.csv`: the list in the shape of the CC portal's certified products list.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;

use super::DevicesQueryParams;
use crate::error::AppResult;
use crate::state::AppState;

/// The CSV export (same filters as the list).
pub async fn csv(
    State(state): State<AppState>,
    Query(q): Query<DevicesQueryParams>,
) -> AppResult<impl IntoResponse> {
    let body = state.store.devices_csv(&q.filter()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"dtsec-certified-devices.csv\"",
            ),
        ],
        body,
    ))
}
