//! `GET /pps`: the PPs, PP-Modules and packages of the scheme.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Html;

use crate::html::{esc, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// The list.
pub async fn page(State(state): State<AppState>, caller: Caller) -> Html<String> {
    let mut pages: Vec<_> = state.pps.values().collect();
    pages.sort_by(|a, b| (a.kind, &a.id, &a.version).cmp(&(b.kind, &b.id, &b.version)));
    let mut b = String::from("<h1>Protection Profiles and packages</h1><ul>");
    for p in pages {
        let _ = write!(
            b,
            "<li><a href=\"/pps/{}/{}\">{}</a> — {} <code>{}</code> version {}</li>",
            url(&p.id),
            url(&p.version),
            esc(&p.title),
            esc(p.kind),
            esc(&p.id),
            esc(&p.version)
        );
    }
    b.push_str("</ul>");
    Html(layout("Protection Profiles", caller.viewer(), &b).into_string())
}
