//! `GET /labs` and `GET /api/v1/labs`: labs whose approval is current today.

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use dtsec_registry::Lab;

use crate::error::{AppError, AppResult};
use crate::html::{Markup, html, layout, url};
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
        p { "Labs the scheme has approved to evaluate devices, with where they are, what they evaluate, \
             who accredits them and how to reach them." }
        table class="stack" {
            thead { tr {
                th scope="col" { "Lab" } th scope="col" { "Location" } th scope="col" { "Scope" }
                th scope="col" { "Accreditation" } th scope="col" { "Contact" }
                th scope="col" { "Approved until" }
                th scope="col" { "ETR signing key id" } th scope="col" { "Certified devices" }
            } }
            tbody {
                @for l in &labs {
                    tr {
                        td data-label="Lab" { (l.name) }
                        td data-label="Location" { (l.location.as_deref().unwrap_or("not given")) }
                        td data-label="Scope" { (l.scope.as_deref().unwrap_or("not given")) }
                        td data-label="Accreditation" { (l.accreditation.as_deref().unwrap_or("not given")) }
                        td data-label="Contact" { (contact(l.contact.as_deref())) }
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

/// A lab's contact as a link: `mailto:` for an e-mail address, the URL itself for an `https`
/// one (the registry accepts nothing else, so no other scheme can reach a page).
fn contact(c: Option<&str>) -> Markup {
    match c {
        Some(c) if c.starts_with("https://") => html! { a href=(c) { (c) } },
        Some(c) => html! { a href={ "mailto:" (c) } { (c) } },
        None => html! { "not given" },
    }
}
