//! `GET /certificates/{id}` (printable page) and `GET /certificates/{id}.json` (the signed
//! document, latest revision).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::error::{AppError, AppResult};
use crate::html::{definitions, html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// Either the printable page or, for `{id}.json`, the signed document.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if id.ends_with(".bundle.json") {
        return crate::controllers::log::proofs::bundle(State(state), Path(id)).await;
    }
    if let Some(id) = id.strip_suffix(".json") {
        let rec = state.store.certificate(id).await?;
        return Ok((
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.json\"", url(id)),
                ),
            ],
            rec.document,
        )
            .into_response());
    }
    let rec = state
        .store
        .certificate(&id)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let c = rec.certificate().map_err(|e| AppError::from(e).html())?;
    let claims = |v: &[dtsec_registry::certificate::Claim]| {
        v.iter()
            .map(|c| format!("{} {}", c.id, c.version))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fields = [
        ("Status", format!("{} (revision {})", c.status, c.revision)),
        (
            "Device type",
            format!(
                "{} ({})",
                state.store.device_type_title(&c.toe_type),
                c.toe_type
            ),
        ),
        ("Protection Profiles", claims(&c.pp_claim)),
        ("Packages", claims(&c.package_claims)),
        ("Evaluation facility", c.lab.name.clone()),
        ("Certification date", c.certification_date.clone()),
        ("Expiry date", c.expiry_date.clone()),
        ("ST SHA-256", c.st_sha256.clone()),
        ("ETR SHA-256", c.etr_sha256.clone()),
        ("Issued at", c.issued_at.clone()),
    ];
    let cid = url(&c.certificate_id);
    let b = html! {
        h1 { "Certificate " (c.certificate_id) }
        p {
            (c.scheme) " certifies that " strong { (c.product_name) " " (c.product_version) }
            " by " (c.manufacturer) " was evaluated against the claims below."
        }
        (definitions(fields.iter().map(|(k, v)| (*k, html! { (v) }))))
        p {
            "Public page: " a href={ "/devices/" (cid) } { "/devices/" (c.certificate_id) }
            ". Check the signed document offline with " code { "dtsec verify " (c.certificate_id) ".json --key scheme.pub" }
            " (" a href="/scheme.pub" { "scheme public key" } ")."
        }
        p class="noprint" {
            a href={ "/certificates/" (cid) ".json" } { "Download the signed certificate" } " · "
            a href={ "/certificates/" (cid) ".bundle.json" } { "Download it with its transparency-log proof" }
            " (verify offline with " code { "dtsec verify FILE --key scheme.pub --log-key log.vkey" }
            "; see " a href="/log" { "the log" } ")"
        }
    };
    Ok(Html(
        layout(
            &format!("Certificate {}", c.certificate_id),
            caller.viewer(),
            b,
        )
        .into_string(),
    )
    .into_response())
}
