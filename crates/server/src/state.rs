//! The one state every handler shares.
//!
//! Why one struct: handlers stay thin when everything they need — the registry store, the
//! server's settings, the sessions of logged-in browsers and the pre-rendered PP pages — comes
//! from one place, built once at start.

use std::collections::HashMap;
use std::sync::Arc;

use dtsec_registry::Store;

use crate::pages::PpPage;

/// Server settings (not the registry's: those are in the store's `StoreConfig`).
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The server is reached over HTTPS (served with a certificate, or behind a TLS proxy):
    /// cookies are marked `Secure` and answers carry `Strict-Transport-Security`.
    pub secure_cookies: bool,
    /// The largest request body accepted, in bytes; larger ones get 413 before any handler runs.
    pub max_body_bytes: usize,
    /// How long a browser session lasts, in seconds.
    pub session_secs: i64,
    /// The registry's public base URL (`https://registry.example`, no trailing slash). Printed
    /// certificates carry absolute links and QR codes to it, so it must be the address readers
    /// reach — which the server cannot learn from a request behind a proxy. Set it with
    /// [`crate::public_url::normalize`] to have it checked.
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` is believed (`dtsec serve --trusted-proxy CIDR`): the
    /// login throttle counts per client, and behind a proxy the client is the address it
    /// forwards. Empty: the peer's address is the client.
    pub trusted_proxies: Vec<crate::forwarded::Cidr>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            secure_cookies: false,
            max_body_bytes: 16 * 1024 * 1024,
            session_secs: 12 * 3600,
            public_url: "http://127.0.0.1:8080".into(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// Everything a handler may use. Cheap to clone.
///
/// - `store`: the registry (database, scheme key, workflow). Every read and change goes through
///   it; the server adds no business rules of its own. Browser sessions live there too, so a
///   restart keeps them and several server processes share them.
/// - `scheme_key_pem`: the scheme's public key (SPKI PEM), published at `/scheme.pub` so anyone
///   can check certificates offline.
/// - `config`: cookie, body-size and session settings.
/// - `pps`: the built-in PPs and packages, rendered once at start by `dtsec-render`.
/// - `kept`: anonymous answers kept while nothing is written (`http_cache.rs`).
#[derive(Clone)]
pub struct AppState {
    /// The registry.
    pub store: Store,
    /// The scheme's public key, PEM.
    pub scheme_key_pem: Arc<str>,
    /// Server settings.
    pub config: Arc<ServerConfig>,
    /// Rendered PP and package pages by (id, version).
    pub pps: Arc<HashMap<(String, String), PpPage>>,
    /// Anonymous answers kept between writes (`http_cache.rs`).
    pub kept: crate::http_cache::KeptAnswers,
}

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, config: ServerConfig) -> AppState {
        let scheme_key_pem = store.scheme_public_key().to_public_pem();
        AppState {
            store,
            scheme_key_pem: scheme_key_pem.into(),
            config: Arc::new(config),
            pps: Arc::new(crate::pages::render_builtin_pps()),
            kept: Default::default(),
        }
    }
}
