//! `dtsec serve` and `dtsec bootstrap-admin`: run the certification registry's web service, and
//! create its first scheme administrator. The work is done by `dtsec_registry` (storage,
//! workflow, demo) and `dtsec_server` (HTTP); this file parses the arguments, builds the tokio
//! runtime and prints.

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::PathBuf;

use dtsec_registry::{RegistryError, Store, StoreConfig};
use dtsec_server::{AppState, ServerConfig, app};

/// Where the registry keeps its data.
#[derive(clap::Args, Debug, Clone)]
pub struct StoreArgs {
    /// The data directory: the scheme key, and the SQLite database unless --database-url is given.
    #[arg(long, value_name = "DIR", default_value = "./dtsec-data")]
    pub data_dir: PathBuf,
    /// A PostgreSQL (`postgres://…`) or SQLite (`sqlite://…`) database instead of the data
    /// directory's SQLite file.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Run the certification registry (web pages, JSON API, staff workflow).
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Where the data is.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo (labs, manufacturers, cases in every state, certificates) into an empty
    /// registry first; every demo account's password is `demo-password`.
    #[arg(long)]
    pub demo: bool,
    /// Users reach the server over HTTPS through a proxy: mark cookies `Secure` and send
    /// `Strict-Transport-Security` (implied by --tls-cert).
    #[arg(long)]
    pub secure_cookies: bool,
    /// The largest request body accepted, in MiB (ETR bundle uploads).
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    pub max_body_mib: usize,
    /// The address readers reach the registry at, for the links and QR codes on printed
    /// certificates (e.g. https://registry.example); default http(s)://127.0.0.1:PORT.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first); needs
    /// --tls-key. Cookies are then marked `Secure`. Without it the server speaks plain HTTP
    /// (on loopback, or behind a TLS-terminating proxy with --secure-cookies).
    #[arg(long, value_name = "CHAIN.pem", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "KEY.pem", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// Create the first scheme administrator (once; refused when one exists). The password is read
/// from the environment variable DTSEC_ADMIN_PASSWORD, or else from the first line of standard
/// input, so it never appears in the process list.
#[derive(clap::Args, Debug, Clone)]
pub struct BootstrapAdminArgs {
    /// Where the data is.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The administrator's e-mail (the login).
    #[arg(long)]
    pub email: String,
    /// The administrator's name.
    #[arg(long, default_value = "Scheme administrator")]
    pub name: String,
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            None
        }
    }
}

fn store_config(args: &StoreArgs) -> StoreConfig {
    let mut config = StoreConfig::new(&args.data_dir);
    config.database_url = args.database_url.clone();
    config
}

/// Runs the server until interrupted; returns the exit status (0 stopped, 2 cannot start).
pub fn run(args: ServeArgs) -> u8 {
    let Some(rt) = runtime() else { return 2 };
    rt.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> u8 {
    super::serve_log::init();
    // The certificate first: a typo in a path should stop the server before anything opens.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match dtsec_server::tls::server_config(cert, key) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("error: {e}");
                eprintln!(
                    "  = help: --tls-cert takes the PEM certificate chain (server certificate first), --tls-key its PEM private key"
                );
                return 2;
            }
        },
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let public_url = match &args.public_url {
        Some(u) => u.clone(),
        None if args.listen.ip().is_unspecified() => {
            format!("{scheme}://127.0.0.1:{}", args.listen.port())
        }
        None => format!("{scheme}://{}", args.listen),
    };
    let public_url = match dtsec_server::public_url::normalize(&public_url) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "  = help: --public-url https://registry.example (the scheme, host and any path prefix)"
            );
            return 2;
        }
    };
    let store = match Store::open(store_config(&args.store)).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot open the registry: {e}");
            return 2;
        }
    };
    if args.demo {
        match dtsec_registry::demo::load(&store).await {
            Ok(summary) => {
                eprintln!(
                    "demo loaded: {} certificate(s); log in with any of these (password `{}`):",
                    summary.certificates.len(),
                    dtsec_registry::demo::DEMO_PASSWORD
                );
                for (email, role, org) in &summary.accounts {
                    eprintln!("  {email:<40} {role:<14} {org}");
                }
                write_ready_etrs(&args.store.data_dir, &summary.ready_etrs);
            }
            Err(RegistryError::Conflict(_)) => {
                eprintln!(
                    "demo not loaded again: this data directory already has a registry (the demo from an earlier start, or real data); serving it as it is. For a fresh demo, use an empty --data-dir."
                );
            }
            Err(e) => {
                eprintln!("error: cannot load the demo: {e}");
                return 2;
            }
        }
    }
    let config = ServerConfig {
        secure_cookies: args.secure_cookies || tls.is_some(),
        max_body_bytes: args.max_body_mib.saturating_mul(1024 * 1024),
        public_url,
        ..ServerConfig::default()
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.listen);
            return 2;
        }
    };
    eprintln!(
        "dtsec registry on {scheme}://{} (scheme key {}); Ctrl-C stops it",
        args.listen,
        store.scheme_public_key().key_id()
    );
    let service = app(AppState::new(store.clone(), config))
        .into_make_service_with_connect_info::<dtsec_server::tls::ClientAddr>();
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let result = match tls {
        Some(tls) => match dtsec_server::tls::TlsListener::new(listener, tls) {
            Ok(listener) => {
                dtsec_server::axum::serve(listener, service)
                    .with_graceful_shutdown(stop)
                    .await
            }
            Err(e) => Err(e),
        },
        None => {
            dtsec_server::axum::serve(listener, service)
                .with_graceful_shutdown(stop)
                .await
        }
    };
    store.close().await;
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: the server stopped: {e}");
            2
        }
    }
}

/// Creates the first administrator; returns the exit status (0 created, 2 refused or unusable).
pub fn bootstrap_admin(args: BootstrapAdminArgs) -> u8 {
    let password = match std::env::var("DTSEC_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("password (first line of standard input):");
            let mut line = String::new();
            if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
                eprintln!("error: cannot read the password: {e}");
                return 2;
            }
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let Some(rt) = runtime() else { return 2 };
    rt.block_on(async {
        let store = match Store::open(store_config(&args.store)).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot open the registry: {e}");
                return 2;
            }
        };
        let code = match store
            .bootstrap_admin(&args.email, &args.name, &password)
            .await
        {
            Ok(user) => {
                eprintln!("created scheme administrator {}", user.email);
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        };
        store.close().await;
        code
    })
}

/// Writes the demo's ready ETR bundles into `DATA_DIR/demo/` (atomically) and says where, so a
/// newcomer playing the lab evaluator has a bundle to upload. A failure to write is reported and
/// does not stop the server: the demo works without them.
fn write_ready_etrs(data_dir: &std::path::Path, etrs: &[dtsec_registry::demo::DemoEtr]) {
    if etrs.is_empty() {
        return;
    }
    let dir = data_dir.join("demo");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("warning: cannot create {}: {e}", dir.display());
        return;
    }
    eprintln!("sealed ETRs ready to upload as the lab's evaluator (My work → Submit ETR):");
    for etr in etrs {
        let path = dir.join(&etr.file_name);
        match crate::write::atomic_write(&path, etr.bundle.as_bytes()) {
            Ok(()) => eprintln!("  {:<32} {:<36} {}", etr.case, etr.lab, path.display()),
            Err(e) => eprintln!("warning: cannot write {}: {e}", path.display()),
        }
    }
}
