//! `GET /labs` and `GET /api/v1/labs`: labs whose approval is current today.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use dtsec_registry::Lab;

use crate::error::{AppError, AppResult};
use crate::html::{esc, layout};
use crate::session::Caller;
use crate::state::AppState;

/// The approved labs as JSON.
pub async fn api(State(state): State<AppState>) -> AppResult<Json<Vec<Lab>>> {
    let today = state.store.clock().today();
    Ok(Json(state.store.approved_labs(today).await?))
}

/// The approved labs page.
pub async fn page(State(state): State<AppState>, caller: Caller) -> AppResult<Html<String>> {
    let today = state.store.clock().today();
    let labs = state
        .store
        .approved_labs(today)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let mut b = String::from(
        "<h1>Approved labs</h1><table><thead><tr><th scope=\"col\">Lab</th><th scope=\"col\">Approved until</th><th scope=\"col\">ETR signing key id</th><th scope=\"col\">Certified devices</th></tr></thead><tbody>",
    );
    for l in &labs {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td><a href=\"/?lab={}\">list</a></td></tr>",
            esc(&l.name),
            esc(l.approved_until.as_deref().unwrap_or("")),
            esc(l.key_id.as_deref().unwrap_or("none registered")),
            crate::html::url(&l.org_id)
        );
    }
    b.push_str("</tbody></table>");
    Ok(Html(
        layout("Approved labs", caller.viewer(), &b).into_string(),
    ))
}
