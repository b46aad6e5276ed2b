//! `GET /` and `GET /api/v1/devices`: certified devices, searchable and filtered.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use dtsec_registry::workflow::State as CaseState;
use dtsec_registry::{DeviceSummary, OrgKind};

use super::DevicesQueryParams;
use crate::error::AppResult;
use crate::html::{Markup, html, layout, select, url};
use crate::session::Caller;
use crate::state::AppState;

/// The JSON list, one page (newest certification first). The next page is linked in a
/// `Link: <…>; rel="next"` header (RFC 8288), so the body stays a plain array.
pub async fn api(
    State(state): State<AppState>,
    Query(q): Query<DevicesQueryParams>,
) -> AppResult<Response> {
    let page = state.store.device_page(&q.filter()).await?;
    let mut response = Json(page.devices).into_response();
    if let Some(next) = &page.next
        && let Ok(link) = HeaderValue::from_str(&format!(
            "</api/v1/devices?{}>; rel=\"next\"",
            q.next_query(next)
        ))
    {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

/// The HTML list with its filter form.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DevicesQueryParams>,
) -> AppResult<Html<String>> {
    let html_err = crate::error::AppError::html;
    let page = state
        .store
        .device_page(&q.filter())
        .await
        .map_err(|e| html_err(e.into()))?;
    let devices = &page.devices;
    let manufacturers: Vec<(String, String)> = state
        .store
        .organisations(Some(OrgKind::Manufacturer))
        .await
        .map_err(|e| html_err(e.into()))?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let labs: Vec<(String, String)> = state
        .store
        .organisations(Some(OrgKind::Lab))
        .await
        .map_err(|e| html_err(e.into()))?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut packages: Vec<(String, String)> = state
        .pps
        .values()
        .filter(|p| p.kind == "package")
        .map(|p| (p.id.clone(), format!("{} ({})", p.title, p.id)))
        .collect();
    packages.sort();
    packages.dedup();
    let statuses: Vec<(String, String)> = CaseState::ALL
        .into_iter()
        .filter(|s| s.has_certificate())
        .map(|s| (s.as_str().to_string(), s.as_str().to_string()))
        .collect();
    let more = if page.next.is_some() {
        " shown, more on the next pages"
    } else {
        ""
    };
    let filters = q.filter_query();
    let csv_query = if filters.is_empty() {
        String::new()
    } else {
        format!("?{filters}")
    };
    // Valid certificates first and apart: a suspended or revoked one must not read as current.
    let (valid, withdrawn): (Vec<&DeviceSummary>, Vec<&DeviceSummary>) = devices
        .iter()
        .partition(|d| matches!(d.status.as_str(), "active" | "maintained" | "under-review"));
    let b = html! {
        h1 { "Certified devices" }
        p { "Not yet certified: " a href="/evaluations" { "products in evaluation" } "." }
        form class="filters" method="get" action="/" role="search" {
            div {
                label for="f-q" { "Search" }
                input id="f-q" name="q" type="search" value=(q.q.as_deref().unwrap_or(""));
            }
            (select("device_type", "Device type", state.store.toe_types(), q.device_type.as_deref()))
            (select("manufacturer", "Manufacturer", &manufacturers, q.manufacturer.as_deref()))
            (select("package", "Package", &packages, q.package.as_deref()))
            (select("status", "Status", &statuses, q.status.as_deref()))
            (select("lab", "Lab", &labs, q.lab.as_deref()))
            div { button type="submit" { "Filter" } }
        }
        p {
            (devices.len()) " device(s)" (more) ". "
            a href={ "/api/v1/devices.csv" (csv_query) } { "Download CSV" }
            " (every matching device)"
        }
        h2 id="active" { "Active certificates" }
        (device_table("Active certificates", &valid, &state))
        h2 id="withdrawn" { "Suspended, revoked and archived" }
        p { "Certificates that are no longer to be relied on, kept visible so that no one mistakes them for current." }
        (device_table("Suspended, revoked and archived certificates", &withdrawn, &state))
        @if let Some(next) = &page.next {
            p { a rel="next" href={ "/?" (q.next_query(next)) } { "Next page" } }
        }
    };
    Ok(Html(
        layout("Certified devices", caller.viewer(), b)
            .with_feed(
                "/feed.atom",
                "Certificate decisions and vulnerability notices",
            )
            .into_string(),
    ))
}

/// One table of devices, stacking into labelled rows on a phone.
fn device_table(caption: &str, devices: &[&DeviceSummary], state: &AppState) -> Markup {
    html! {
        @if devices.is_empty() {
            p { "None." }
        } @else {
            table class="stack" {
                caption class="skip" { (caption) }
                thead { tr {
                    th scope="col" { "Device" } th scope="col" { "Manufacturer" } th scope="col" { "Type" }
                    th scope="col" { "Packages" } th scope="col" { "Lab" } th scope="col" { "Status" }
                    th scope="col" { "Certified" } th scope="col" { "Expires" }
                } }
                tbody {
                    @for d in devices {
                        tr {
                            td data-label="Device" {
                                a href={ "/devices/" (url(&d.certificate_id)) } { (d.product_name) " " (d.product_version) }
                                br;
                                small { (d.certificate_id) }
                            }
                            td data-label="Manufacturer" { (d.manufacturer) }
                            td data-label="Type" { (state.store.device_type_title(&d.toe_type)) }
                            td data-label="Packages" { (d.packages.join(", ")) }
                            td data-label="Lab" { (d.lab) }
                            td data-label="Status" class={ "status-" (d.status) } { (d.status) }
                            td data-label="Certified" { (d.certification_date) }
                            td data-label="Expires" { (d.expiry_date) }
                        }
                    }
                }
            }
        }
    }
}
