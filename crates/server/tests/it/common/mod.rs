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
use sqlx::Connection as _;
use tower::ServiceExt as _;

/// One backend with the demo loaded.
pub struct TestApp {
    pub store: Store,
    /// What the demo loaded (accounts, certificates, ready ETRs).
    pub demo: dtsec_registry::demo::DemoSummary,
    pub app: Router,
    /// The state `app` serves (for what runs beside the routes, such as the page keeper).
    pub state: AppState,
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

    /// A user of the demo by e-mail, signed in.
    pub async fn user(&self, email: &str) -> User {
        self.store
            .login(email, dtsec_registry::demo::DEMO_PASSWORD, "test")
            .await
            .unwrap()
    }

    /// The certificate id of an active certificate of the demo (the newest listed).
    pub async fn active_certificate(&self) -> String {
        let (_, body) = self.get("/api/v1/devices?status=active").await;
        json(&body)[0]["certificate_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A user of the demo by e-mail, and an API token for them.
    pub async fn token(&self, email: &str) -> (User, String) {
        let user = self.user(email).await;
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

/// A registry with the demo loaded once per test process, copied for each test: loading the demo
/// drives the whole workflow (evaluations sealed, certificates signed and logged) and took most of
/// these tests' time when every test did it again. The copy is a copy of the data directory (keys,
/// transparency log, SQLite file) and, on PostgreSQL, a database created from the template's.
struct Template {
    dir: tempfile::TempDir,
    demo: dtsec_registry::demo::DemoSummary,
    /// The template database on PostgreSQL (never opened again after loading, so it can be copied).
    pg_name: Option<String>,
}

/// Loads the demo into a fresh registry in its own runtime (the callers' runtimes come and go
/// with each test) and closes it.
fn load_template(pg_admin_url: Option<&str>) -> Template {
    let pg_admin_url = pg_admin_url.map(str::to_string);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let template = rt.block_on(async move {
            sqlx::any::install_default_drivers();
            let dir = tempfile::tempdir().unwrap();
            let mut cfg = config(dir.path());
            let mut pg_name = None;
            if let Some(url) = &pg_admin_url {
                let name = format!("dtsec_stmpl_{}", std::process::id());
                drop_stale_templates(url).await;
                let mut admin = sqlx::AnyConnection::connect(url).await.unwrap();
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.ok();
                cfg.database_url = Some(dtsec_registry::scratch::with_database(url, &name));
                pg_name = Some(name);
            }
            let store = Store::open(cfg).await.unwrap();
            let demo = dtsec_registry::demo::load(&store).await.unwrap();
            store.close().await;
            Template { dir, demo, pg_name }
        });
        // Only once the runtime is gone are the tasks that still held connections dropped, and
        // with them SQLite's last handles on the files: wait for those to close.
        drop(rt);
        settle_sqlite(template.dir.path());
        template
    })
    .join()
    .expect("the demo template loads")
}

/// Waits (at most 60 s) for SQLite's write-ahead log and shared-memory files to go: the driver
/// closes its connections on its own threads, after `close` returns (and after the runtime of a
/// task that still held one is dropped), and removes them then. A copy taken while that happens
/// would miss a file or catch it half checkpointed.
fn settle_sqlite(dir: &std::path::Path) {
    let db = dir.join(dtsec_registry::SQLITE_FILE);
    let side = |suffix: &str| {
        let mut name = db.clone().into_os_string();
        name.push(suffix);
        std::path::PathBuf::from(name)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while (side("-wal").exists() || side("-shm").exists()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Drops the template databases of test processes that have ended (their pid is gone), so
/// repeated runs do not accumulate them; a live process's template is left alone.
async fn drop_stale_templates(admin_url: &str) {
    let Ok(mut admin) = sqlx::AnyConnection::connect(admin_url).await else {
        return;
    };
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'dtsec\\_stmpl\\_%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap_or_default();
    for name in names {
        let alive = name
            .rsplit('_')
            .next()
            .is_some_and(|pid| std::path::Path::new("/proc").join(pid).exists());
        if !alive {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    }
    admin.close().await.ok();
}

fn sqlite_template() -> &'static Template {
    static T: std::sync::OnceLock<Template> = std::sync::OnceLock::new();
    T.get_or_init(|| load_template(None))
}

fn postgres_template(url: &str) -> &'static Template {
    static T: std::sync::OnceLock<Template> = std::sync::OnceLock::new();
    T.get_or_init(|| load_template(Some(url)))
}

/// Copies a directory tree (the template's data directory: a few files).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name().to_string_lossy().ends_with("-shm") {
            // SQLite's shared-memory index is rebuilt by whoever opens the database next.
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// Opens a copy of `template` as one test's registry.
async fn from_template(
    template: &Template,
    backend: &'static str,
    pg_admin_url: Option<&str>,
    server: &ServerConfig,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(template.dir.path(), dir.path());
    let mut cfg = config(dir.path());
    let mut pg = None;
    if let (Some(url), Some(name)) = (pg_admin_url, &template.pg_name) {
        let copy = ScratchDatabase::create_from_template(url, "dtsec_s", name)
            .await
            .expect("DTSEC_TEST_DATABASE_URL: cannot copy the template database");
        cfg.database_url = Some(copy.url().to_string());
        pg = Some(copy);
    }
    let store = Store::open(cfg).await.unwrap();
    let state = AppState::new(store.clone(), server.clone());
    let app = app(state.clone());
    TestApp {
        store,
        demo: template.demo.clone(),
        app,
        state,
        backend,
        _dir: dir,
        pg,
    }
}

/// SQLite always; PostgreSQL too when `DTSEC_TEST_DATABASE_URL` is set.
pub async fn backends_with(server: ServerConfig) -> Vec<TestApp> {
    sqlx::any::install_default_drivers();
    let mut out = vec![from_template(sqlite_template(), "sqlite", None, &server).await];
    if let Some(url) = dtsec_testkit::postgres_url() {
        let template = postgres_template(&url);
        out.push(from_template(template, "postgres", Some(&url), &server).await);
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
