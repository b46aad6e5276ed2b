//! Test harness: a demo registry on SQLite (always) and PostgreSQL (when
//! `DTSEC_TEST_DATABASE_URL` is set), API tokens for its accounts, and a `send` helper that
//! calls `app()` with `oneshot`.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_registry::scratch::ScratchDatabase;
use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{Clock, Date, Store, StoreConfig, User};
use dtsec_server::axum::Router;
use dtsec_server::{AppState, ServerConfig, app};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// One backend with the demo loaded.
pub struct TestApp {
    pub store: Store,
    /// What the demo loaded (accounts, certificates, ready ETRs).
    pub demo: dtsec_registry::demo::DemoSummary,
    pub app: Router,
    pub backend: &'static str,
    _dir: tempfile::TempDir,
    pg: Option<ScratchDatabase>,
}

impl TestApp {
    /// Drops the PostgreSQL database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some(pg) = self.pg {
            pg.drop_database().await;
        }
    }

    /// A user of the demo by e-mail, and an API token for them.
    pub async fn token(&self, email: &str) -> (User, String) {
        let user = self
            .store
            .login(email, dtsec_registry::demo::DEMO_PASSWORD, "test")
            .await
            .unwrap();
        let (_, secret) = self
            .store
            .create_api_token(&user.actor(), "test")
            .await
            .unwrap();
        (user, secret)
    }

    /// Sends a request; returns status and body text.
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, String) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// GET.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// POST with a bearer token (None: the public) and a body.
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, String) {
        let mut r = Request::post(path).header("content-type", content_type);
        if let Some(t) = token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        self.send(r.body(body.into()).unwrap()).await
    }

    /// POST JSON.
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        v: serde_json::Value,
    ) -> (StatusCode, String) {
        self.post(path, token, "application/json", v.to_string())
            .await
    }
}

fn config(dir: &std::path::Path) -> StoreConfig {
    let mut cfg = StoreConfig::new(dir);
    cfg.clock = Clock::at_date(Date::parse("2025-03-01").unwrap());
    cfg.password_cost = PasswordCost::Fast;
    cfg
}

async fn with_demo(
    cfg: StoreConfig,
    dir: tempfile::TempDir,
    backend: &'static str,
    pg: Option<ScratchDatabase>,
    server: &ServerConfig,
) -> TestApp {
    let store = Store::open(cfg).await.unwrap();
    let demo = dtsec_registry::demo::load(&store).await.unwrap();
    let app = app(AppState::new(store.clone(), server.clone()));
    TestApp {
        store,
        demo,
        app,
        backend,
        _dir: dir,
        pg,
    }
}

/// SQLite always; PostgreSQL too when `DTSEC_TEST_DATABASE_URL` is set.
pub async fn backends_with(server: ServerConfig) -> Vec<TestApp> {
    sqlx::any::install_default_drivers();
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    out.push(with_demo(config(dir.path()), dir, "sqlite", None, &server).await);
    if let Some(url) = dtsec_testkit::postgres_url() {
        let pg = ScratchDatabase::create(&url, "dtsec_s")
            .await
            .expect("DTSEC_TEST_DATABASE_URL: cannot create a database");
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path());
        cfg.database_url = Some(pg.url().to_string());
        out.push(with_demo(cfg, dir, "postgres", Some(pg), &server).await);
    }
    out
}

/// Backends with the default server settings.
pub async fn backends() -> Vec<TestApp> {
    backends_with(ServerConfig::default()).await
}

/// A JSON body.
pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}
