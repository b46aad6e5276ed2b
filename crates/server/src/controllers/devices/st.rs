//! `GET /devices/{id}/st` (the evaluated Security Target, rendered) and
//! `GET /api/v1/devices/{id}/st` (its YAML text, byte for byte as submitted).
//!
//! Why rendered here: the public reads an ST as a document, not as YAML. The page is
//! `dtsec-render`'s output for the submitted text with the built-in PPs and packages as the
//! library — the same view `dtsec render` gives — so SFRs the ST takes from its PP show their
//! text. The YAML's SHA-256 is the certificate's `st_sha256`, so a reader can check that this
//! is the ST that was certified.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use dtsec_model::{DocumentKind, Library, LoadedDocument, parse_document, source_from_bytes};
use dtsec_render::{LoadedDocumentRef, RenderContext, render_html};

use crate::error::{AppError, AppResult};
use crate::html::url;
use crate::state::AppState;

/// Renders an ST's text with the built-in library; the error says why it could not be read.
pub fn render_st(source_name: &str, text: &str) -> Result<String, String> {
    let source = source_from_bytes(source_name.to_string(), text.as_bytes().to_vec())
        .map_err(|e| e.to_string())?;
    let document = parse_document(&source).map_err(|e| e.to_string())?;
    let library = Library::with_builtins();
    let refs: Vec<_> = if document.kind.value == DocumentKind::SecurityTarget {
        document
            .conformance
            .pps
            .iter()
            .chain(&document.conformance.packages)
            .collect()
    } else {
        document.base_pps.iter().collect()
    };
    // A claim the built-ins lack is rendered without its text rather than not at all.
    let claimed: Vec<&LoadedDocument> = refs
        .into_iter()
        .filter_map(|r| library.find_claimed_by(&document, &r.id.value, &r.version.value))
        .collect();
    Ok(render_html(
        &LoadedDocumentRef::new(&document, &source.name),
        &RenderContext::with_claimed(&claimed),
    ))
}

/// The rendered ST, with a link back to the device.
pub async fn page(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let st = state
        .store
        .certified_st(&id)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let name = format!("{}-st.yaml", st.certificate_id);
    let html = tokio::task::spawn_blocking(move || render_st(&name, &st.text))
        .await
        .map_err(|e| AppError::internal(format!("rendering stopped: {e}")).html())?
        .map_err(|e| AppError::internal(format!("stored ST of {id}: {e}")).html())?;
    let nav = crate::html::html! {
        nav aria-label="Registry" style="padding:.5rem 1rem" {
            a href={ "/devices/" (url(&id)) } { "Back to the certified device " (id) }
            " · "
            a href={ "/api/v1/devices/" (url(&id)) "/st" } { "ST source (YAML)" }
        }
    };
    let back = format!("<body>\n{}", nav.into_string());
    Ok(Html(html.replacen("<body>", &back, 1)).into_response())
}

/// The ST's YAML.
pub async fn api(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let st = state.store.certified_st(&id).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/yaml; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}-st.yaml\"", url(&id)),
            ),
            (
                header::HeaderName::from_static("x-content-sha256"),
                st.sha256.clone(),
            ),
        ],
        st.text,
    )
        .into_response())
}
