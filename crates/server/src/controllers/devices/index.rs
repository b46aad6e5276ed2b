//! `GET /` and `GET /api/v1/devices`: certified devices, searchable and filtered.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use dtsec_registry::OrgKind;
use dtsec_registry::workflow::State as CaseState;

use super::DevicesQueryParams;
use crate::error::AppResult;
use crate::html::{esc, layout, select, url};
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
    let mut b = String::from("<h1>Certified devices</h1>");
    b.push_str("<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\">");
    let _ = write!(
        b,
        "<div><label for=\"f-q\">Search</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"{}\"></div>",
        esc(q.q.as_deref().unwrap_or(""))
    );
    b.push_str(&select(
        "device_type",
        "Device type",
        state.store.toe_types(),
        q.device_type.as_deref(),
    ));
    b.push_str(&select(
        "manufacturer",
        "Manufacturer",
        &manufacturers,
        q.manufacturer.as_deref(),
    ));
    b.push_str(&select(
        "package",
        "Package",
        &packages,
        q.package.as_deref(),
    ));
    b.push_str(&select("status", "Status", &statuses, q.status.as_deref()));
    b.push_str(&select("lab", "Lab", &labs, q.lab.as_deref()));
    b.push_str("<div><button type=\"submit\">Filter</button></div></form>");
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
    let _ = write!(
        b,
        "<p>{} device(s){more}. <a href=\"/api/v1/devices.csv{}\">Download CSV</a> (every matching device)</p>",
        devices.len(),
        esc(&csv_query)
    );
    b.push_str("<table><caption class=\"skip\">Certified devices</caption><thead><tr><th scope=\"col\">Device</th><th scope=\"col\">Manufacturer</th><th scope=\"col\">Type</th><th scope=\"col\">Packages</th><th scope=\"col\">Lab</th><th scope=\"col\">Status</th><th scope=\"col\">Certified</th><th scope=\"col\">Expires</th></tr></thead><tbody>");
    for d in devices {
        let _ = write!(
            b,
            "<tr><td><a href=\"/devices/{}\">{} {}</a><br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"status-{}\">{}</td><td>{}</td><td>{}</td></tr>",
            url(&d.certificate_id),
            esc(&d.product_name),
            esc(&d.product_version),
            esc(&d.certificate_id),
            esc(&d.manufacturer),
            esc(state.store.device_type_title(&d.toe_type)),
            esc(&d.packages.join(", ")),
            esc(&d.lab),
            esc(&d.status),
            esc(&d.status),
            esc(&d.certification_date),
            esc(&d.expiry_date),
        );
    }
    b.push_str("</tbody></table>");
    if let Some(next) = &page.next {
        let _ = write!(
            b,
            "<p><a rel=\"next\" href=\"/?{}\">Next page</a></p>",
            esc(&q.next_query(next))
        );
    }
    Ok(Html(
        layout("Certified devices", caller.viewer(), &b).into_string(),
    ))
}
