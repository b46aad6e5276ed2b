//! `GET /pps`: the PPs, PP-Modules and packages of the scheme.

use axum::extract::State;
use axum::response::Html;

use crate::html::{html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// The list.
pub async fn page(State(state): State<AppState>, caller: Caller) -> Html<String> {
    let mut pages: Vec<_> = state.pps.values().collect();
    pages.sort_by(|a, b| (a.kind, &a.id, &a.version).cmp(&(b.kind, &b.id, &b.version)));
    let b = html! {
        h1 { "Protection Profiles and packages" }
        ul {
            @for p in pages {
                li {
                    a href={ "/pps/" (url(&p.id)) "/" (url(&p.version)) } { (p.title) }
                    " — " (p.kind) " " code { (p.id) } " version " (p.version)
                }
            }
        }
    };
    Html(layout("Protection Profiles", caller.viewer(), b).into_string())
}
