//! `GET /api/v1/products`: the cases the caller may see.

use axum::Json;
use axum::extract::State;
use dtsec_registry::Product;

use crate::error::AppResult;
use crate::session::Caller;
use crate::state::AppState;

/// The caller's cases.
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Vec<Product>>> {
    caller.require_login()?;
    Ok(Json(state.store.products(&caller.actor).await?))
}
