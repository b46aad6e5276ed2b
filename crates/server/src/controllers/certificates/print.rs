//! `GET /certificates/{id}/print` (a printable certificate page with a QR code) and
//! `GET /certificates/{id}/pdf` (the same certificate as a one-page PDF).
//!
//! Why both: the page prints from any browser without JavaScript, and the PDF is what a
//! manufacturer files or frames. Both show every field of the signed document's current
//! revision and a QR code to the device's public page at the configured public URL, where the
//! live status is — a printout can be outdated, the page cannot.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use dtsec_registry::certificate::{Certificate, Claim};

use crate::error::{AppError, AppResult};
use crate::html::{PreEscaped, html, url};
use crate::public_url::device_url;
use crate::state::AppState;

fn claims(v: &[Claim]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter()
        .map(|c| format!("{} {}", c.id, c.version))
        .collect::<Vec<_>>()
        .join(", ")
}

fn or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Every field of the certificate as (label, text), in reading order; the page and the PDF
/// both print exactly these.
pub fn fields(c: &Certificate) -> Vec<(&'static str, String)> {
    let mut status = c.status.clone();
    if let Some(r) = &c.status_reason {
        let _ = write!(status, " — {r}");
    }
    let maintenance = if c.maintenance_history.is_empty() {
        "none".to_string()
    } else {
        c.maintenance_history
            .iter()
            .map(|m| {
                format!(
                    "{} ({}, {} change: {})",
                    m.version,
                    m.date,
                    m.change_class,
                    m.changes.join("; ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    vec![
        ("Certificate", c.certificate_id.clone()),
        ("Revision", c.revision.to_string()),
        ("Scheme", c.scheme.clone()),
        ("Product", c.product_name.clone()),
        ("Version", c.product_version.clone()),
        ("Build ids", or_none(&c.build_ids)),
        ("Manufacturer", c.manufacturer.clone()),
        ("Device type", c.toe_type.clone()),
        ("Protection Profiles", claims(&c.pp_claim)),
        ("Packages", claims(&c.package_claims)),
        (
            "Security Target",
            format!("{} {}", c.st_reference.id, c.st_reference.version),
        ),
        ("Evaluation facility", c.lab.name.clone()),
        ("Lab key id", c.lab.key_id.clone()),
        ("Certification date", c.certification_date.clone()),
        ("Expiry date", c.expiry_date.clone()),
        ("Status", status),
        ("Maintenance", maintenance),
        ("ST SHA-256", c.st_sha256.clone()),
        ("ETR SHA-256", c.etr_sha256.clone()),
        ("Issued at", c.issued_at.clone()),
    ]
}

/// The certificate to print. Its device type is printed in words with the signed id beside it
/// ("Insulin pump (pump)"): a reader of the page or the PDF is not expected to know the PP's ids.
async fn load(state: &AppState, id: &str) -> Result<Certificate, AppError> {
    let rec = state.store.certificate(id).await?;
    let mut c = rec.certificate()?;
    c.toe_type = format!(
        "{} ({})",
        state.store.device_type_title(&c.toe_type),
        c.toe_type
    );
    Ok(c)
}

fn qr_error(e: qrcode::types::QrError) -> AppError {
    AppError::internal(format!("QR code: {e}"))
}

const PRINT_CSS: &str = "body{font-family:system-ui,sans-serif;color:#111;background:#fff;margin:0;line-height:1.45}\
main{max-width:50rem;margin:0 auto;padding:1.5rem}a{color:#0645ad}a:focus{outline:3px solid #b35c00;outline-offset:2px}\
h1{font-size:1.6rem;margin:.2rem 0}.scheme{font-size:1.05rem;margin:0}\
.statement{border-top:2px solid #123;border-bottom:2px solid #123;padding:.6rem 0;margin:1rem 0}\
dl{display:grid;grid-template-columns:12rem 1fr;gap:.25rem 1rem;margin:0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere;white-space:pre-line}\
figure{display:flex;gap:1rem;align-items:center;margin:1.5rem 0 0}svg.qr{width:35mm;height:35mm;flex:none}\
figcaption{overflow-wrap:anywhere}code{font-size:.9em}nav{margin-bottom:1rem}\
@page{size:A4;margin:15mm}@media print{nav,.noprint{display:none}main{padding:0;max-width:none}a{color:#111;text-decoration:none}}";

/// The printable page.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let c = load(&state, &id).await.map_err(AppError::html)?;
    let link = device_url(&state.config.public_url, &c.certificate_id);
    let qr = crate::qr::svg(&link, &format!("QR code linking to {link}"))
        .map_err(|e| qr_error(e).html())?;
    let cid = url(&c.certificate_id);
    let base = &state.config.public_url;
    let page = html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Certificate " (c.certificate_id) " — dtsec registry" }
                style { (PreEscaped(PRINT_CSS)) }
            }
            body { main {
                nav aria-label="Certificate" {
                    a href={ "/devices/" (cid) } { "Device page" } " · "
                    a href={ "/certificates/" (cid) "/pdf" } { "PDF" } " · "
                    a href={ "/certificates/" (cid) ".json" } { "Signed certificate (JSON)" }
                }
                p class="scheme" { (c.scheme) }
                h1 { "Security certificate " (c.certificate_id) }
                p class="statement" {
                    "The certification body of the " (c.scheme) " certifies that "
                    strong { (c.product_name) " " (c.product_version) }
                    " by " (c.manufacturer) " was evaluated by " (c.lab.name)
                    " against the claims below and met them. The status printed here is the status on "
                    (c.issued_at) "; the current status is on the public page."
                }
                dl {
                    @for (k, v) in fields(&c) {
                        dt { (k) }
                        @if k.ends_with("SHA-256") || k == "Lab key id" {
                            dd { code { (v) } }
                        } @else {
                            dd { (v) }
                        }
                    }
                }
                figure {
                    // The QR code's SVG comes from the `qrcode` crate with its label escaped (qr.rs).
                    (PreEscaped(qr))
                    figcaption {
                        "Scan to see the current status: " a href=(link) { (link) } ". "
                        "Check the signed certificate offline with "
                        code { "dtsec verify " (c.certificate_id) ".json --key scheme.pub" }
                        " (the scheme's public key is at "
                        a href={ (base) "/scheme.pub" } { (base) "/scheme.pub" } ")."
                    }
                }
            } }
        }
    };
    Ok(Html(page.into_string()))
}

/// The one-page PDF.
pub async fn pdf(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let c = load(&state, &id).await?;
    let link = device_url(&state.config.public_url, &c.certificate_id);
    let cells = crate::qr::cells(&link).map_err(qr_error)?;
    let base = state.config.public_url.clone();
    let bytes = tokio::task::spawn_blocking(move || certificate_pdf(&c, &cells, &link, &base))
        .await
        .map_err(|e| AppError::internal(format!("PDF layout stopped: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}.pdf\"", url(&id)),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Lays the certificate out with `dtsec-pdf`: a cover with every field, the statement, and the
/// QR code as filled rectangles (a tagged figure with alternative text). Names in any script
/// print as they are: the fonts are embedded.
pub fn certificate_pdf(c: &Certificate, qr: &[Vec<bool>], link: &str, base: &str) -> Vec<u8> {
    let fields = fields(c);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    dtsec_pdf::Doc::new(format!("Security certificate {}", c.certificate_id))
        .cover(Some(&c.scheme), &refs)
        .paragraph(format!(
            "The certification body of the {} certifies that {} {} by {} was evaluated by {} against the claims above and met them. The status printed here is the status on {}; the current status is on the public page.",
            c.scheme, c.product_name, c.product_version, c.manufacturer, c.lab.name, c.issued_at
        ))
        .grid_with_alt(
            qr.to_vec(),
            3.0,
            Some(&format!("Scan to see the current status: {link}")),
            &format!("QR code linking to {link}, the device's public page with its current status"),
        )
        .paragraph(format!(
            "Check the signed certificate offline: dtsec verify {}.json --key scheme.pub (the scheme's public key is at {base}/scheme.pub).",
            c.certificate_id
        ))
        .to_pdf()
}
