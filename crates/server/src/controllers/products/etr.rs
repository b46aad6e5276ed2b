//! The ETR of a case, for those who may see the case (its manufacturer, its lab, the
//! certification body, the scheme): `GET /staff/products/{id}/etr` (the review page: summary,
//! the registry's checks, the ST with the checker's result, and — for the certification body —
//! the decision), `GET /staff/products/{id}/etr/report` (the whole ETR rendered: roll-up,
//! observation reports, rated vulnerabilities, evidence manifest, record history),
//! `GET /api/v1/products/{id}/etr` (the sealed bundle as submitted) and
//! `GET /api/v1/products/{id}/etr/pdf`.
//!
//! Why: the certification body decides on what it has read. Accepting an ETR it could not open
//! would make the decision a formality; the review page puts the report, its roll-up and the ST
//! next to the "Accept ETR" button. Authorisation is the registry's (`ViewProduct` on the case):
//! a lab of another case, a manufacturer of another organisation and the public are refused.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dtsec_registry::etr_report::EtrReport;
use dtsec_registry::workflow::State as S;
use dtsec_registry::{EtrSummary, Product, Role};

use crate::controllers::devices::evaluation::summary_html;
use crate::error::{AppError, AppResult};
use crate::html::{esc, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// The case and its sealed ETR bundle, if the caller may see them; 404 when no ETR was
/// submitted.
async fn case_etr(state: &AppState, caller: &Caller, id: &str) -> AppResult<(Product, String)> {
    let product = state.store.product(&caller.actor, id).await?;
    let bundle = state
        .store
        .etr_bundle(&caller.actor, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("an ETR for case {id} (none was submitted)")))?;
    Ok((product, bundle))
}

/// Reads the bundle for rendering off the async threads (a bundle may be tens of MB).
async fn report(bundle: String) -> AppResult<EtrReport> {
    tokio::task::spawn_blocking(move || EtrReport::from_bundle(&bundle))
        .await
        .map_err(|e| AppError::internal(format!("reading the ETR stopped: {e}")))?
        .map_err(AppError::from)
}

/// `GET /api/v1/products/{id}/etr`: the sealed bundle, byte for byte as the lab submitted it.
pub async fn api(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Response> {
    caller.require_login()?;
    let (_, bundle) = case_etr(&state, &caller, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.etr.json\"", url(&id)),
            ),
        ],
        bundle,
    )
        .into_response())
}

/// `GET /api/v1/products/{id}/etr/pdf`: the ETR as the PDF the lab's workbench writes.
pub async fn pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Response> {
    caller.require_login()?;
    let (_, bundle) = case_etr(&state, &caller, &id).await?;
    let r = report(bundle).await?;
    let name = r.file_stem();
    let bytes = tokio::task::spawn_blocking(move || r.pdf())
        .await
        .map_err(|e| AppError::internal(format!("writing the PDF stopped: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /staff/products/{id}/etr/report`: the whole ETR as one HTML page, with a way back.
pub async fn report_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let (_, bundle) = case_etr(&state, &caller, &id)
        .await
        .map_err(AppError::html)?;
    let html = report(bundle).await.map_err(AppError::html)?.html();
    let pid = url(&id);
    let nav = format!(
        "<body>\n<nav aria-label=\"Registry\" style=\"padding:.5rem 1rem\"><a href=\"/staff/products/{pid}/etr\">Back to the ETR review</a> · <a href=\"/api/v1/products/{pid}/etr/pdf\">ETR (PDF)</a> · <a href=\"/api/v1/products/{pid}/etr\">Sealed ETR (JSON)</a></nav>"
    );
    Ok(Html(html.replacen("<body>", &nav, 1)).into_response())
}

/// `GET /staff/products/{id}/etr`: the review page.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let (p, bundle) = case_etr(&state, &caller, &id)
        .await
        .map_err(AppError::html)?;
    let mut summary = tokio::task::spawn_blocking(move || EtrSummary::from_bundle(&bundle))
        .await
        .map_err(|e| AppError::internal(format!("reading the ETR stopped: {e}")).html())?
        .map_err(|e| AppError::from(e).html())?;
    // What the case's record adds to the sealed summary: the key it verified with, and when the
    // (latest) ETR was submitted and accepted.
    summary.lab_key_id = p.etr_key_id.clone();
    let history = state
        .store
        .product_history(&caller.actor, &p.id)
        .await
        .map_err(|e| AppError::from(e).html())?;
    for e in history {
        match e.action.as_str() {
            "product.submit-etr" => summary.submitted_at = Some(e.at),
            "product.accept-etr" => summary.accepted_at = Some(e.at),
            _ => {}
        }
    }
    let maker = state
        .store
        .organisation(&p.manufacturer_org)
        .await
        .map(|o| o.name)
        .unwrap_or_else(|_| p.manufacturer_org.clone());
    let pid = url(&p.id);
    let mut b = format!(
        "<h1>ETR review: {} {}</h1><p>Manufacturer {} · case state <strong>{}</strong></p>",
        esc(&p.name),
        esc(&p.version),
        esc(&maker),
        esc(&p.state)
    );
    let _ = write!(
        b,
        "<p>Read the whole report before deciding: <a href=\"/staff/products/{pid}/etr/report\">the ETR rendered</a> (roll-up per class and work unit, observation reports, test summary, rated vulnerabilities, evidence manifest, record history) · <a href=\"/api/v1/products/{pid}/etr/pdf\">ETR (PDF)</a> · <a href=\"/api/v1/products/{pid}/etr\">sealed ETR (JSON)</a> · <a href=\"/staff/products/{pid}/st\">the Security Target</a> (<a href=\"/api/v1/products/{pid}/st\">source</a>)</p>"
    );
    b.push_str("<h2>What the registry checked</h2><ul>");
    let _ = write!(
        b,
        "<li>The bundle's signature verified with the lab's registered key <code>{}</code>, and its sections match their sealed digests.</li>\
<li>It evaluated the ST this case holds (SHA-256 <code>{}</code>), and names this case's product, version and sponsor.</li>\
<li>Its overall verdict, recomputed from the verdict records, is <strong>{}</strong>.</li></ul>",
        esc(p.etr_key_id.as_deref().unwrap_or("not recorded")),
        esc(p.st_sha256.as_deref().unwrap_or("none")),
        esc(&summary.verdict),
    );
    b.push_str("<h2>Summary</h2>");
    b.push_str(&summary_html(&summary));
    st_section(&p, &mut b);
    decision(&caller, &p, &mut b);
    b.push_str("<p><a href=\"/staff\">Back to my work</a></p>");
    let title = format!("ETR review: {} {}", p.name, p.version);
    Ok(Html(layout(&title, caller.viewer(), &b).into_string()).into_response())
}

/// The ST the case holds and what the checker said of it when it was submitted.
fn st_section(p: &Product, b: &mut String) {
    let pid = url(&p.id);
    let _ = write!(
        b,
        "<h2 id=\"st\">Security Target and the checker's result</h2><p><a href=\"/staff/products/{pid}/st\">{} {}</a> (SHA-256 <code>{}</code>). The checker found no errors — an ST with errors is refused — and {} warning(s) or note(s):</p>",
        esc(p.st_id.as_deref().unwrap_or("(no id)")),
        esc(p.st_version.as_deref().unwrap_or("")),
        esc(p.st_sha256.as_deref().unwrap_or("")),
        p.st_findings.len()
    );
    if p.st_findings.is_empty() {
        b.push_str("<p>None.</p>");
        return;
    }
    b.push_str("<table><caption>Checker findings</caption><thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Severity</th><th scope=\"col\">Line:column</th><th scope=\"col\">Finding</th><th scope=\"col\">Help</th></tr></thead><tbody>");
    for f in &p.st_findings {
        let _ = write!(
            b,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}:{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.code),
            esc(&f.severity),
            f.line,
            f.column,
            esc(&f.message),
            esc(f.help.as_deref().unwrap_or(""))
        );
    }
    b.push_str("</tbody></table>");
}

/// The certification body's decision, beside the report (only while the ETR awaits it).
fn decision(caller: &Caller, p: &Product, b: &mut String) {
    b.push_str("<h2 id=\"decision\">Decision</h2>");
    if caller.actor.role != Role::Certifier || p.state() != S::EtrSubmitted {
        let _ = write!(
            b,
            "<p>No decision is pending from you: the case is {}.</p>",
            esc(&p.state)
        );
        return;
    }
    b.push_str(&review_forms(caller, &p.id));
}

/// The accept and reject forms of a case whose ETR awaits the certification body; each says
/// where the report is, so no one accepts an ETR they were not shown.
pub fn review_forms(caller: &Caller, product_id: &str) -> String {
    let pid = url(product_id);
    let csrf = caller.csrf_field();
    format!(
        "<form method=\"post\" action=\"/api/v1/products/{pid}/review\">{csrf}<input type=\"hidden\" name=\"decision\" value=\"accept\">\
<p>Accept only after reading <a href=\"/staff/products/{pid}/etr\">the ETR and the ST</a>.</p><button type=\"submit\">Accept ETR</button></form>\
<form method=\"post\" action=\"/api/v1/products/{pid}/review\">{csrf}<input type=\"hidden\" name=\"decision\" value=\"reject\">\
<label for=\"rr-{pid}\">Reasons for rejecting</label><textarea id=\"rr-{pid}\" name=\"reasons\" required></textarea><button type=\"submit\">Reject ETR</button></form>"
    )
}
