//! `GET /devices/{id}` and `GET /api/v1/devices/{id}`: one certified device (by certificate id):
//! its certificate, the evaluation behind it (`evaluation.rs`), status history and maintenance,
//! and links to every download of it: the certificate, its ST, the regulatory coverage, and for
//! the manufacturer and certifier the premarket package and the POA&M.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use dtsec_registry::DeviceDetail;

use crate::error::{AppError, AppResult};
use crate::html::{Markup, definitions, html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// The device as JSON, with its public security posture.
pub async fn api(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<super::posture::DeviceWithPosture>> {
    let device: DeviceDetail = state.store.device(&id).await?;
    let posture = state.store.security_posture(&id, None).await?;
    Ok(Json(super::posture::DeviceWithPosture { device, posture }))
}

/// The device page: certificate, claims, history and maintenance. The public is answered from
/// the page kept in the database when there is one (`crate::device_pages`: one query, and the
/// database forgets it whenever anything it shows changes); anyone else, and a page not kept
/// yet, gets it rendered now.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if !caller.is_logged_in()
        && let Some(kept) = state
            .store
            .kept_device_page(&id)
            .await
            .map_err(|e| AppError::from(e).html())?
    {
        match crate::http_cache::kept_page(&headers, kept) {
            Some(answer) => return Ok(answer),
            None => tracing::warn!(
                certificate = %id,
                "the kept device page does not expand; rendered instead"
            ),
        }
    }
    Ok(Html(render(&state, &caller, &id).await?).into_response())
}

/// The device page as `caller` sees it, rendered from the registry now.
///
/// # Errors
/// The certificate is unknown (404), or the registry failed; as an HTML error page.
pub async fn render(state: &AppState, caller: &Caller, id: &str) -> AppResult<String> {
    let d = state
        .store
        .device(id)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let c = &d.certificate;
    let s = &d.summary;
    let cid = url(&s.certificate_id);
    // The reason is part of the status: shown with it, at the top, from the signed revision.
    let reason = c.status_reason.as_deref().filter(|r| !r.trim().is_empty());
    let claims = |v: &[dtsec_registry::certificate::Claim]| -> Markup {
        html! {
            @for (i, c) in v.iter().enumerate() {
                @if i > 0 { ", " }
                a href={ "/pps/" (url(&c.id)) "/" (url(&c.version)) } { (c.id) " " (c.version) }
            }
        }
    };
    // What the page shows of the sealed ETR and its ST, read once (derived at submission).
    let facts = state
        .store
        .etr_facts(&s.certificate_id)
        .await
        .map_err(|e| AppError::from(e).html())?;
    // The device in words: its parts' forms and roles as the certified ST claims them.
    let words = match &facts {
        Some(f) => f.device_words.clone(),
        None => state
            .store
            .device_description(&s.certificate_id)
            .await
            .ok()
            .flatten(),
    };
    let device = words.unwrap_or_else(|| state.store.device_type_title(&c.toe_type).to_string());
    let etr = super::evaluation::summary_of(state, &s.certificate_id, facts.as_deref())
        .await
        .map_err(|e| AppError::from(e).html())?;
    let evaluation = super::evaluation::section(&s.certificate_id, etr.as_ref());
    let posture = super::posture::of(state, caller, &s.certificate_id)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let coverage = super::coverage::section(&s.certificate_id, facts.as_deref());
    let pps: Vec<String> = c
        .pp_claim
        .iter()
        .map(|p| {
            state
                .pps
                .get(&(p.id.clone(), p.version.clone()))
                .map_or_else(
                    || format!("{} {}", p.id, p.version),
                    |page| page.title.clone(),
                )
        })
        .collect();
    let b = html! {
        h1 { (s.product_name) " " (s.product_version) }
        p {
            "by " (s.manufacturer) " · certificate " strong { (s.certificate_id) }
            " · status " strong class={ "status-" (s.status) } { (s.status) }
        }
        @if let Some(reason) = reason {
            p class="status-reason" { strong { "Reason for the status " (s.status) ":" } " " (reason) }
        }
        section aria-labelledby="in-short" {
            h2 id="in-short" { "In short" }
            p {
                (s.product_name) " " (s.product_version) " (" (device) "), made by " (s.manufacturer)
                ", was checked by the independent lab " (c.lab.name) " against "
                (if pps.is_empty() { "its Security Target".to_string() } else { pps.join(" and ") })
                ". " (status_in_words(&s.status, &c.expiry_date))
            }
            p { strong { "Assurance level: " } (super::evaluation::assurance_in_words(etr.as_ref())) "." }
        }
        p {
            a href={ "/certificates/" (cid) } { "Certificate" } " · "
            a href={ "/certificates/" (cid) "/print" } { "Printable certificate" } " · "
            a href={ "/certificates/" (cid) "/pdf" } { "Certificate (PDF)" } " · "
            a href={ "/certificates/" (cid) ".json" } { "Download the signed certificate (JSON)" } " · "
            a href={ "/api/v1/certificates/" (cid) "/status" } { "Current status (JSON)" } " · "
            a href={ "/devices/" (cid) "/st" } { "Security Target" }
        }
        // The regulatory downloads (issue 14) list the ETR's unresolved vulnerabilities and the
        // manufacturer's open assessments, so the registry serves them only to whoever may see
        // the product; the page names them for everyone, so they know where to look once
        // signed in.
        p class="regulatory-downloads" {
            "For the manufacturer and the certification body (sign in): "
            a href={ "/certificates/" (cid) "/premarket" } { "FDA premarket package" } " ("
            a href={ "/certificates/" (cid) "/premarket.pdf" } { "PDF" } ") · "
            a href={ "/api/v1/certificates/" (cid) "/poam" } { "open postmarket items as an OSCAL plan of action and milestones (POA&M, JSON)" }
        }
        h2 { "Certificate" }
        (definitions([
            ("Device", html! { (device) }),
            ("Protection Profiles", claims(&c.pp_claim)),
            ("Packages", claims(&c.package_claims)),
            ("Security Target", html! { (c.st_reference.id) " " (c.st_reference.version) }),
            ("Evaluation facility", html! { (c.lab.name) }),
            ("Build ids", html! { (c.build_ids.join(", ")) }),
            ("Certified", html! { (c.certification_date) }),
            ("Expires", html! { (c.expiry_date) }),
            ("ST SHA-256", html! { code { (c.st_sha256) } }),
            ("ETR SHA-256", html! { code { (c.etr_sha256) } }),
        ]))
        (evaluation)
        (super::posture::section(&s.certificate_id, &posture))
        (coverage)
        (super::timeline::timeline(&s.certificate_id, &d.history))
        h2 { "Status history" }
        table class="stack" {
            thead { tr {
                th scope="col" { "Revision" } th scope="col" { "Status" }
                th scope="col" { "Reason" } th scope="col" { "When" }
            } }
            tbody {
                @for h in &d.history {
                    tr {
                        td data-label="Revision" { (h.revision) }
                        td data-label="Status" { (h.status) }
                        td data-label="Reason" { (h.reason.as_deref().unwrap_or("")) }
                        td data-label="When" { (h.at) }
                    }
                }
            }
        }
        h2 { "Assurance maintenance" }
        @if d.maintenance.is_empty() {
            p { "None." }
        } @else {
            table class="stack" {
                thead { tr {
                    th scope="col" { "Version" } th scope="col" { "Class" } th scope="col" { "State" }
                    th scope="col" { "Changes" } th scope="col" { "Filed" }
                } }
                tbody {
                    @for m in &d.maintenance {
                        tr {
                            td data-label="Version" { (m.new_version) }
                            td data-label="Class" { (m.change_class) }
                            td data-label="State" { (m.state) }
                            td data-label="Changes" { (m.changes.join("; ")) }
                            td data-label="Filed" { (m.filed_at) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&s.product_name, caller.viewer(), b)
        .with_feed(
            &format!("/devices/{cid}/feed.atom"),
            "This certificate's decisions and notices",
        )
        .into_string())
}

/// What the certificate's status means for someone deciding whether to use the device.
fn status_in_words(status: &str, expiry: &str) -> String {
    match status {
        "active" | "maintained" => {
            format!("The certificate is valid until {expiry}.")
        }
        "under-review" => format!(
            "The certificate is valid until {expiry}, but the certification body is reviewing it."
        ),
        "suspended" => {
            "The certificate is suspended: do not rely on it until it is reinstated.".into()
        }
        "revoked" => "The certificate is revoked: the device is no longer certified.".into(),
        "archived" => "The certificate's validity has ended; it is kept for the record.".into(),
        other => format!("The certificate's status is {other}."),
    }
}
