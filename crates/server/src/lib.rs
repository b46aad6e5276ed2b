//! dtsec-server: the certification registry's web service.
//!
//! Why it exists: the program's public face (certified devices, approved labs, PPs, signed
//! certificates) and each role's workflow (manufacturer, lab, certification body, scheme
//! administrator) are served over HTTP as server-rendered HTML that works without JavaScript,
//! plus a JSON API, a CSV export and an OpenAPI document.
//!
//! Boundary: a thin axum skin over `dtsec-registry`. Handlers read the request, call one
//! [`dtsec_registry::Store`] operation (which authorises with `authorize` and applies the
//! workflow rules in one transaction), and write the answer. Sessions, cookies, CSRF and HTML
//! live here; business rules do not. Shape (habit 6 of the style guide): one [`AppState`], one
//! `router.rs` listing every route by audience, handlers at `controllers/<resource>/<action>.rs`,
//! one [`AppError`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use dtsec_registry::{Store, StoreConfig};
//! use dtsec_server::{AppState, ServerConfig, app};
//! let store = Store::open(StoreConfig::new("./dtsec-data")).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app(AppState::new(store, ServerConfig::default()))).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod controllers;
pub mod device_pages;
mod done;
mod error;
pub mod forwarded;
pub mod html;
mod http_cache;
mod input;
pub mod limits;
mod openapi;
mod pages;
pub mod public_url;
pub mod qr;
mod router;
mod security_headers;
mod session;
mod state;
pub mod tls;

pub use controllers::certificates::print::certificate_pdf;
pub use error::{AppError, AppResult, InternalError};
pub use router::{app, openapi_document};
pub use session::{Caller, SESSION_COOKIE, Via};
pub use state::{AppState, ServerConfig};

pub use axum;
