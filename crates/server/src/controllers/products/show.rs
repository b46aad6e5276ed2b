//! `GET /api/v1/products/{id}`: one case, if the caller may see it.

use axum::Json;
use axum::extract::{Path, State};
use dtsec_registry::Product;

use crate::error::AppResult;
use crate::session::Caller;
use crate::state::AppState;

/// The case.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Product>> {
    caller.require_login()?;
    Ok(Json(state.store.product(&caller.actor, &id).await?))
}
