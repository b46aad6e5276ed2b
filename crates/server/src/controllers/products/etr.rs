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

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dtsec_registry::etr_report::EtrReport;
use dtsec_registry::workflow::State as S;
use dtsec_registry::{EtrSummary, Product, Role};

use crate::controllers::devices::evaluation::summary_html;
use crate::error::{AppError, AppResult};
use crate::html::{Markup, html, layout, url};
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
    let nav = html! {
        nav aria-label="Registry" style="padding:.5rem 1rem" {
            a href={ "/staff/products/" (pid) "/etr" } { "Back to the ETR review" } " · "
            a href={ "/api/v1/products/" (pid) "/etr/pdf" } { "ETR (PDF)" } " · "
            a href={ "/api/v1/products/" (pid) "/etr" } { "Sealed ETR (JSON)" }
        }
    };
    let nav = format!("<body>\n{}", nav.into_string());
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
    let b = html! {
        h1 { "ETR review: " (p.name) " " (p.version) }
        p { "Manufacturer " (maker) " · case state " strong { (p.state) } }
        p {
            "Read the whole report before deciding: "
            a href={ "/staff/products/" (pid) "/etr/report" } { "the ETR rendered" }
            " (roll-up per class and work unit, observation reports, test summary, rated vulnerabilities, "
            "evidence manifest, record history) · "
            a href={ "/api/v1/products/" (pid) "/etr/pdf" } { "ETR (PDF)" } " · "
            a href={ "/api/v1/products/" (pid) "/etr" } { "sealed ETR (JSON)" } " · "
            a href={ "/staff/products/" (pid) "/st" } { "the Security Target" }
            " (" a href={ "/api/v1/products/" (pid) "/st" } { "source" } ")"
        }
        h2 { "What the registry checked" }
        ul {
            li {
                "The bundle's signature verified with the lab's registered key "
                code { (p.etr_key_id.as_deref().unwrap_or("not recorded")) }
                ", and its sections match their sealed digests."
            }
            li {
                "It evaluated the ST this case holds (SHA-256 " code { (p.st_sha256.as_deref().unwrap_or("none")) }
                "), and names this case's product, version and sponsor."
            }
            li {
                "Its overall verdict, recomputed from the verdict records, is " strong { (summary.verdict) } "."
            }
        }
        h2 { "Summary" }
        (summary_html(&summary))
        (st_section(&p))
        (decision(&caller, &p))
        p { a href="/staff" { "Back to my work" } }
    };
    let title = format!("ETR review: {} {}", p.name, p.version);
    Ok(Html(layout(&title, caller.viewer(), b).into_string()).into_response())
}

/// The ST the case holds and what the checker said of it when it was submitted.
fn st_section(p: &Product) -> Markup {
    let pid = url(&p.id);
    html! {
        h2 id="st" { "Security Target and the checker's result" }
        p {
            a href={ "/staff/products/" (pid) "/st" } {
                (p.st_id.as_deref().unwrap_or("(no id)")) " " (p.st_version.as_deref().unwrap_or(""))
            }
            " (SHA-256 " code { (p.st_sha256.as_deref().unwrap_or("")) } "). The checker found no errors — "
            "an ST with errors is refused — and " (p.st_findings.len()) " warning(s) or note(s):"
        }
        @if p.st_findings.is_empty() {
            p { "None." }
        } @else {
            table class="stack" {
                caption { "Checker findings" }
                thead { tr {
                    th scope="col" { "Code" } th scope="col" { "Severity" } th scope="col" { "Line:column" }
                    th scope="col" { "Finding" } th scope="col" { "Help" }
                } }
                tbody {
                    @for f in &p.st_findings {
                        tr {
                            td data-label="Code" { code { (f.code) } }
                            td data-label="Severity" { (f.severity) }
                            td data-label="Line:column" { (f.line) ":" (f.column) }
                            td data-label="Finding" { (f.message) }
                            td data-label="Help" { (f.help.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// The certification body's decision, beside the report (only while the ETR awaits it).
fn decision(caller: &Caller, p: &Product) -> Markup {
    html! {
        h2 id="decision" { "Decision" }
        @if caller.actor.role != Role::Certifier || p.state() != S::EtrSubmitted {
            p { "No decision is pending from you: the case is " (p.state) "." }
        } @else {
            (review_forms(caller, &p.id))
        }
    }
}

/// The accept and reject forms of a case whose ETR awaits the certification body; each says
/// where the report is, so no one accepts an ETR they were not shown.
pub fn review_forms(caller: &Caller, product_id: &str) -> Markup {
    let pid = url(product_id);
    let action = format!("/api/v1/products/{pid}/review");
    html! {
        form method="post" action=(action) {
            (caller.csrf_field())
            input type="hidden" name="decision" value="accept";
            p { "Accept only after reading " a href={ "/staff/products/" (pid) "/etr" } { "the ETR and the ST" } "." }
            button type="submit" { "Accept ETR" }
        }
        form method="post" action=(action) {
            (caller.csrf_field())
            input type="hidden" name="decision" value="reject";
            label for={ "rr-" (pid) } { "Reasons for rejecting" }
            textarea id={ "rr-" (pid) } name="reasons" required {}
            button type="submit" { "Reject ETR" }
        }
    }
}
