//! `GET /labs` and `GET /api/v1/labs`: labs whose approval is current today.

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use dtsec_registry::Lab;

use crate::error::{AppError, AppResult};
use crate::html::{html, layout, url};
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
    let b = html! {
        h1 { "Approved labs" }
        table class="stack" {
            thead { tr {
                th scope="col" { "Lab" } th scope="col" { "Approved until" }
                th scope="col" { "ETR signing key id" } th scope="col" { "Certified devices" }
            } }
            tbody {
                @for l in &labs {
                    tr {
                        td data-label="Lab" { (l.name) }
                        td data-label="Approved until" { (l.approved_until.as_deref().unwrap_or("")) }
                        td data-label="ETR signing key id" { code { (l.key_id.as_deref().unwrap_or("none registered")) } }
                        td data-label="Certified devices" { a href={ "/?lab=" (url(&l.org_id)) } { "list" } }
                    }
                }
            }
        }
    };
    Ok(Html(
        layout("Approved labs", caller.viewer(), b).into_string(),
    ))
}
