//! `GET /devices/{id}` and `GET /api/v1/devices/{id}`: one certified device (by certificate id):
//! its certificate, the evaluation behind it (`evaluation.rs`), status history and maintenance.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Html;
use dtsec_registry::DeviceDetail;

use crate::error::{AppError, AppResult};
use crate::html::{esc, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// The device as JSON.
pub async fn api(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<DeviceDetail>> {
    Ok(Json(state.store.device(&id).await?))
}

/// The device page: certificate, claims, history and maintenance.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let d = state
        .store
        .device(&id)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let c = &d.certificate;
    let s = &d.summary;
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{} {}</h1><p>by {} · certificate <strong>{}</strong> · status <strong class=\"status-{}\">{}</strong></p>",
        esc(&s.product_name),
        esc(&s.product_version),
        esc(&s.manufacturer),
        esc(&s.certificate_id),
        esc(&s.status),
        esc(&s.status)
    );
    // The reason is part of the status: shown with it, at the top, from the signed revision.
    if let Some(reason) = c.status_reason.as_deref().filter(|r| !r.trim().is_empty()) {
        let _ = write!(
            b,
            "<p class=\"status-reason\"><strong>Reason for the status {}:</strong> {}</p>",
            esc(&s.status),
            esc(reason)
        );
    }
    let cid = url(&s.certificate_id);
    let _ = write!(
        b,
        "<p><a href=\"/certificates/{cid}\">Certificate</a> · <a href=\"/certificates/{cid}/print\">Printable certificate</a> · <a href=\"/certificates/{cid}/pdf\">Certificate (PDF)</a> · <a href=\"/certificates/{cid}.json\">Download the signed certificate (JSON)</a> · <a href=\"/api/v1/certificates/{cid}/status\">Current status (JSON)</a> · <a href=\"/devices/{cid}/st\">Security Target</a></p>"
    );
    b.push_str("<h2>Certificate</h2><dl>");
    let claims = |v: &[dtsec_registry::certificate::Claim]| {
        v.iter()
            .map(|c| {
                format!(
                    "<a href=\"/pps/{}/{}\">{} {}</a>",
                    url(&c.id),
                    url(&c.version),
                    esc(&c.id),
                    esc(&c.version)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (k, v) in [
        ("TOE type", esc(&c.toe_type)),
        ("Protection Profiles", claims(&c.pp_claim)),
        ("Packages", claims(&c.package_claims)),
        (
            "Security Target",
            format!(
                "{} {}",
                esc(&c.st_reference.id),
                esc(&c.st_reference.version)
            ),
        ),
        ("Evaluation facility", esc(&c.lab.name)),
        ("Build ids", esc(&c.build_ids.join(", "))),
        ("Certified", esc(&c.certification_date)),
        ("Expires", esc(&c.expiry_date)),
        ("ST SHA-256", format!("<code>{}</code>", esc(&c.st_sha256))),
        (
            "ETR SHA-256",
            format!("<code>{}</code>", esc(&c.etr_sha256)),
        ),
    ] {
        let _ = write!(b, "<dt>{k}</dt><dd>{v}</dd>");
    }
    b.push_str("</dl>");
    b.push_str(
        &super::evaluation::section(&state, &s.certificate_id)
            .await
            .map_err(|e| AppError::from(e).html())?,
    );
    b.push_str("<h2>Status history</h2><table><thead><tr><th scope=\"col\">Revision</th><th scope=\"col\">Status</th><th scope=\"col\">Reason</th><th scope=\"col\">When</th></tr></thead><tbody>");
    for h in &d.history {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h.revision,
            esc(&h.status),
            esc(h.reason.as_deref().unwrap_or("")),
            esc(&h.at)
        );
    }
    b.push_str("</tbody></table><h2>Assurance maintenance</h2>");
    if d.maintenance.is_empty() {
        b.push_str("<p>None.</p>");
    } else {
        b.push_str("<table><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Class</th><th scope=\"col\">State</th><th scope=\"col\">Changes</th><th scope=\"col\">Filed</th></tr></thead><tbody>");
        for m in &d.maintenance {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&m.new_version),
                esc(&m.change_class),
                esc(&m.state),
                esc(&m.changes.join("; ")),
                esc(&m.filed_at)
            );
        }
        b.push_str("</tbody></table>");
    }
    Ok(Html(
        layout(&s.product_name, caller.viewer(), &b).into_string(),
    ))
}
