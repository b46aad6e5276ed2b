//! Every route, grouped by audience: public, then staff (shared), manufacturer, lab,
//! certification body, scheme administrator.
//!
//! Why one file: a reviewer sees the whole surface — and which audience each route serves — in
//! one screen. Authorisation is not decided here: every staff action is authorised by the
//! registry (`dtsec_registry::authorize`) against the caller's role and organisation.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::controllers::{
    audit, certificates, devices, labs, log, maintenance, openapi, organisations, pps, products,
    sessions, staff, tokens, users,
};
use crate::error::InternalError;
use crate::state::AppState;

/// The application.
pub fn app(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let hsts = state.config.secure_cookies;
    let public = Router::new()
        .route("/", get(devices::index::page))
        .route("/devices/{id}", get(devices::show::page))
        .route("/labs", get(labs::index::page))
        .route("/pps", get(pps::index::page))
        .route("/pps/{id}/{version}", get(pps::show::page))
        .route("/certificates/{id}", get(certificates::show::show))
        .route("/certificates/{id}/print", get(certificates::print::page))
        .route("/certificates/{id}/pdf", get(certificates::print::pdf))
        .route("/devices/{id}/st", get(devices::st::page))
        .route("/api/v1/devices/{id}/st", get(devices::st::api))
        .route(
            "/api/v1/devices/{id}/etr-summary",
            get(devices::evaluation::api),
        )
        .route("/scheme.pub", get(scheme_pub))
        .route("/openapi.json", get(openapi::show))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/devices", get(devices::index::api))
        .route("/api/v1/devices.csv", get(devices::csv::csv))
        .route("/api/v1/devices/{id}", get(devices::show::api))
        .route("/api/v1/labs", get(labs::index::api))
        .route(
            "/api/v1/certificates/{id}/status",
            get(certificates::status::status).post(certificates::change_status::change_status),
        )
        // The transparency log (issue 6): C2SP checkpoint and tiles, key, proofs, page.
        .route("/log", get(log::page::page))
        .route("/log/checkpoint", get(log::files::checkpoint))
        .route("/log/vkey", get(log::files::vkey))
        .route("/log/tile/{*path}", get(log::files::tile))
        .route(
            "/api/v1/certificates/{id}/proof",
            get(log::proofs::certificate),
        )
        .route("/api/v1/certificates/{id}/bundle", get(log::proofs::bundle))
        .route("/api/v1/log/consistency", get(log::proofs::consistency));
    let staff = Router::new()
        .route(
            "/login",
            get(sessions::new::new).post(sessions::create::create),
        )
        .route("/logout", post(sessions::delete::delete))
        .route("/staff", get(staff::index::index))
        .route("/staff/audit", get(audit::index::page))
        .route("/api/v1/audit", get(audit::index::api))
        .route("/api/v1/tokens", post(tokens::create::create))
        .route("/api/v1/tokens/password", post(tokens::password::create))
        .route(
            "/api/v1/account/password",
            post(users::password::change_own),
        )
        .route(
            "/api/v1/products",
            get(products::index::index).post(products::create::create),
        )
        .route("/api/v1/products/{id}", get(products::show::show));
    let manufacturer = Router::new()
        .route(
            "/api/v1/products/{id}/st",
            post(products::submit_st::submit_st),
        )
        .route(
            "/api/v1/products/{id}/lab",
            post(products::choose_lab::choose_lab),
        )
        .route(
            "/api/v1/certificates/{id}/impact-analyses",
            post(maintenance::file::file),
        );
    let lab = Router::new()
        .route(
            "/api/v1/products/{id}/evaluation",
            post(products::start_evaluation::start_evaluation),
        )
        .route(
            "/api/v1/products/{id}/etr",
            post(products::submit_etr::submit_etr),
        )
        .route(
            "/api/v1/labs/{org}/application",
            post(labs::lifecycle::apply),
        )
        .route(
            "/api/v1/labs/{org}/key",
            post(labs::lifecycle::register_key),
        );
    let certification_body = Router::new()
        .route(
            "/api/v1/products/{id}/review",
            post(products::review::review),
        )
        .route(
            "/api/v1/products/{id}/certificate",
            post(certificates::issue::issue),
        )
        .route("/api/v1/maintenance", get(maintenance::index::index))
        .route(
            "/api/v1/maintenance/{id}/extension",
            post(maintenance::extend::extend),
        )
        .route(
            "/api/v1/certificates/archive",
            post(certificates::archive::archive),
        );
    // (`POST /api/v1/certificates/{id}/status` is routed with its public GET above.)
    let admin = Router::new()
        .route("/api/v1/labs/{org}/approval", post(labs::approve::approve))
        .route(
            "/api/v1/labs/{org}/suspension",
            post(labs::lifecycle::suspend),
        )
        .route(
            "/api/v1/labs/{org}/withdrawal",
            post(labs::lifecycle::withdraw),
        )
        .route(
            "/api/v1/organisations",
            get(organisations::index::index).post(organisations::create::create),
        )
        .route(
            "/api/v1/users",
            get(users::index::index).post(users::create::create),
        )
        .route(
            "/api/v1/users/{id}/deactivation",
            post(users::access::deactivate),
        )
        .route(
            "/api/v1/users/{id}/reactivation",
            post(users::access::reactivate),
        )
        .route("/api/v1/users/{id}/password", post(users::password::set));
    Router::new()
        .merge(public)
        .merge(staff)
        .merge(manufacturer)
        .merge(lab)
        .merge(certification_body)
        .merge(admin)
        .layer(middleware::from_fn(html_errors_for_browsers))
        .layer(middleware::from_fn(move |req, next| {
            crate::security_headers::security_headers(hsts, req, next)
        }))
        .layer(middleware::from_fn(log_internal_errors))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(
            // One INFO line per request (method, path, status, latency); `DTSEC_LOG` filters.
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

async fn scheme_pub(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        state.scheme_key_pem.to_string(),
    )
        .into_response()
}

/// Answers a browser's form post that failed with an HTML page instead of the JSON error the
/// handlers write: the person who pressed the button reads what to fix (and the checker's
/// diagnostics for a rejected ST) with a way back. API clients (no `text/html` in `Accept`) get
/// the JSON unchanged.
async fn html_errors_for_browsers(req: Request, next: Next) -> Response {
    let wants_html = req.method() == axum::http::Method::POST
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    let resp = next.run(req).await;
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !wants_html
        || !is_json
        || !(resp.status().is_client_error() || resp.status().is_server_error())
    {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let message = v["error"].as_str().unwrap_or("the request failed");
    let mut b = format!(
        "<h1>{} — not done</h1><p role=\"alert\">{}</p>",
        parts.status.as_u16(),
        crate::html::esc(message)
    );
    if let Some(diags) = v["diagnostics"].as_array() {
        b.push_str("<h2>Checker diagnostics</h2><ul>");
        for d in diags {
            b.push_str(&format!(
                "<li>line {}: <strong>{}</strong> {} — {}</li>",
                d["line"],
                crate::html::esc(d["severity"].as_str().unwrap_or("")),
                crate::html::esc(d["code"].as_str().unwrap_or("")),
                crate::html::esc(d["message"].as_str().unwrap_or(""))
            ));
        }
        b.push_str("</ul>");
    }
    b.push_str("<p><a href=\"/staff\">Back to my work</a></p>");
    let mut out = (
        parts.status,
        axum::response::Html(crate::html::layout("Not done", None, &b).into_string()),
    )
        .into_response();
    if let Some(e) = parts.extensions.get::<InternalError>() {
        out.extensions_mut().insert(e.clone());
    }
    out
}

/// Logs the detail of internal errors (the response itself says only "internal error").
async fn log_internal_errors(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    if let Some(InternalError(detail)) = resp.extensions().get::<InternalError>() {
        tracing::error!(http.method = %method, http.path = %path, error.detail = %detail, "internal error");
    }
    resp
}
