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
use tower_http::trace::TraceLayer;

use crate::controllers::{
    certificates, devices, labs, log, openapi, pps, products, sessions, staff, tokens,
};
use crate::error::InternalError;
use crate::state::AppState;

/// The application.
pub fn app(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let public = Router::new()
        .route("/", get(devices::index::page))
        .route("/devices/{id}", get(devices::show::page))
        .route("/labs", get(labs::index::page))
        .route("/pps", get(pps::index::page))
        .route("/pps/{id}/{version}", get(pps::show::page))
        .route("/certificates/{id}", get(certificates::show::show))
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
        .route("/api/v1/tokens", post(tokens::create::create))
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
        );
    let lab = Router::new()
        .route(
            "/api/v1/products/{id}/evaluation",
            post(products::start_evaluation::start_evaluation),
        )
        .route(
            "/api/v1/products/{id}/etr",
            post(products::submit_etr::submit_etr),
        );
    let certification_body = Router::new()
        .route(
            "/api/v1/products/{id}/review",
            post(products::review::review),
        )
        .route(
            "/api/v1/products/{id}/certificate",
            post(certificates::issue::issue),
        );
    // (`POST /api/v1/certificates/{id}/status` is routed with its public GET above.)
    let admin = Router::new().route("/api/v1/labs/{org}/approval", post(labs::approve::approve));
    Router::new()
        .merge(public)
        .merge(staff)
        .merge(manufacturer)
        .merge(lab)
        .merge(certification_body)
        .merge(admin)
        .layer(middleware::from_fn(log_internal_errors))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn scheme_pub(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        state.scheme_key_pem.to_string(),
    )
        .into_response()
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
