//! The ST a case holds, for those who may see the case: `GET /api/v1/products/{id}/st` (the
//! text as submitted — the lab evaluating the case downloads it here) and
//! `GET /staff/products/{id}/st` (rendered, as `dtsec render` shows it).
//!
//! Why: the lab evaluates exactly the ST the registry checked (its SHA-256 must match the
//! ETR's), and the certification body reads it next to the ETR; both need it from the registry,
//! not from an e-mail. Authorisation is the registry's (`ViewProduct`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::controllers::devices::st::render_st;
use crate::error::{AppError, AppResult};
use crate::html::{PreEscaped, html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// True when the text is NIAP XML rather than dtsec YAML (an XML declaration or element first).
fn is_xml(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
}

async fn st_of(state: &AppState, caller: &Caller, id: &str) -> AppResult<String> {
    state
        .store
        .st_text(&caller.actor, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("an ST for case {id} (none was submitted)")))
}

/// `GET /api/v1/products/{id}/st`: the ST text, byte for byte as submitted.
pub async fn api(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Response> {
    caller.require_login()?;
    let text = st_of(&state, &caller, &id).await?;
    let sha256 = state
        .store
        .product(&caller.actor, &id)
        .await?
        .st_sha256
        .unwrap_or_default();
    let (kind, ext) = if is_xml(&text) {
        ("application/xml; charset=utf-8", "xml")
    } else {
        ("application/yaml; charset=utf-8", "yaml")
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-st.{ext}\"", url(&id)),
            ),
            (header::HeaderName::from_static("x-content-sha256"), sha256),
        ],
        text,
    )
        .into_response())
}

/// `GET /staff/products/{id}/st`: the ST rendered, with a way back to the ETR review.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let text = st_of(&state, &caller, &id).await.map_err(AppError::html)?;
    let pid = url(&id);
    let nav = html! {
        nav aria-label="Registry" style="padding:.5rem 1rem" {
            a href="/staff" { "Back to my work" } " · "
            a href={ "/staff/products/" (pid) "/etr" } { "ETR review" } " · "
            a href={ "/api/v1/products/" (pid) "/st" } { "ST source" }
        }
    }
    .into_string();
    let rendered = if is_xml(&text) {
        Err("the ST is NIAP XML; download its source to read it".to_string())
    } else {
        let name = format!("{id}-st.yaml");
        tokio::task::spawn_blocking(move || render_st(&name, &text))
            .await
            .map_err(|e| AppError::internal(format!("rendering stopped: {e}")).html())?
    };
    match rendered {
        Ok(html) => Ok(Html(html.replacen("<body>", &format!("<body>\n{nav}"), 1)).into_response()),
        Err(why) => {
            let body = html! {
                h1 { "Security Target of case " (id) }
                p { "It cannot be shown rendered here: " (why) "." }
                (PreEscaped(nav))
            };
            Ok(
                Html(layout("Security Target", caller.viewer(), body).into_string())
                    .into_response(),
            )
        }
    }
}
