//! `dtsec serve` and `dtsec bootstrap-admin`: run the certification registry's web service, and
//! create its first scheme administrator. The work is done by `dtsec_registry` (storage,
//! workflow, demo) and `dtsec_server` (HTTP); this file parses the arguments, builds the tokio
//! runtime and prints.

use std::io::{BufRead as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;

use dtsec_registry::{RegistryError, S3BlobStore, S3Config, S3Credentials, Store, StoreConfig};
use dtsec_server::{AppState, ServerConfig, app};

use crate::error::{CliError, CliResult, Exit};

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
    /// Where the cases' documents (STs, sealed ETR bundles) are kept, named by their SHA-256;
    /// default: beside the SQLite file (`DATA_DIR/registry.sqlite3.blobs`), or `DATA_DIR/blobs`
    /// with a PostgreSQL --database-url. Back it up with the database: rows name its files.
    #[arg(long, value_name = "DIR")]
    pub blob_dir: Option<PathBuf>,
    /// Keep the documents in an S3-compatible bucket instead (AWS S3, MinIO, Ceph, Garage):
    /// `s3://BUCKET/PREFIX?endpoint=http://HOST:PORT&region=REGION&addressing=path|virtual`.
    /// Without `endpoint` the bucket is on AWS (virtual-host addressing); with one, path
    /// addressing is the default. The bucket must exist. Credentials come from the environment
    /// only (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); an endpoint with a
    /// private CA's certificate is trusted through DTSEC_CA_CERT.
    #[arg(long, value_name = "s3://BUCKET/PREFIX?…", conflicts_with = "blob_dir",
          value_parser = parse_blob_store)]
    pub blob_store: Option<S3Config>,
}

fn parse_blob_store(s: &str) -> Result<S3Config, String> {
    S3Config::parse(s).map_err(|e| e.reason)
}

/// Run the certification registry (web pages, JSON API, staff workflow).
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Where the data is.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The address to listen on (port 0: a free port, shown in the start-up line).
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
    /// A proxy (address or CIDR network; repeat for several) whose X-Forwarded-For header is
    /// believed: logins are throttled per account and per client, and behind a proxy the
    /// client is the address it forwards. Nobody else's header is believed.
    #[arg(long = "trusted-proxy", value_name = "CIDR", value_parser = parse_cidr)]
    pub trusted_proxies: Vec<dtsec_server::forwarded::Cidr>,
    /// Connections open at once (1 to 65536); more wait in the system's queue until one closes.
    #[arg(long, value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub max_connections: u32,
    /// Seconds a client has to send a request's whole header (from connecting, or from the
    /// previous response on a kept-alive connection) before the connection is closed, so idle
    /// sockets cannot hold the server's connections (1 to 3600).
    #[arg(long, value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_secs: u64,
    /// Days a postmarket match nobody has assessed stays private to the manufacturer and the
    /// certification body before device pages count it publicly (0 to 365; issue 13).
    #[arg(long, value_name = "DAYS", default_value_t = dtsec_registry::DEFAULT_GRACE_DAYS,
          value_parser = clap::value_parser!(i64).range(0..=365))]
    pub postmarket_grace_days: i64,
    /// MiB of the SQLite file each database connection reads through a memory map (0 to 65536;
    /// 0: none, every page read is a system call). Ignored on PostgreSQL. A bulk load that grows
    /// the file without pause runs faster with 0; serving reads faster with the map.
    #[arg(long, value_name = "MIB", default_value_t = dtsec_registry::DEFAULT_SQLITE_MMAP_BYTES >> 20,
          value_parser = clap::value_parser!(u64).range(0..=65536))]
    pub sqlite_mmap_mib: u64,
    /// Do not keep the public's device pages in the database: every view renders its page.
    /// Without this, the server renders each certificate's page in the background and answers
    /// the public with one read, the database forgetting a page whenever anything on it
    /// changes. Of several servers on one database, one keeper is enough.
    #[arg(long)]
    pub no_page_keeper: bool,
}

fn parse_cidr(s: &str) -> Result<dtsec_server::forwarded::Cidr, String> {
    dtsec_server::forwarded::Cidr::parse(s)
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

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::unusable(format!("cannot start the async runtime: {e}")))
}

/// The store's configuration; with --blob-store, the bucket is opened and checked (it exists,
/// the credentials may use it) so that a mistake stops the command before anything is served.
pub(crate) async fn store_config(args: &StoreArgs) -> Result<StoreConfig, CliError> {
    let mut config = StoreConfig::new(&args.data_dir);
    config.database_url = args.database_url.clone();
    config.blob_dir = args.blob_dir.clone();
    if let Some(s3) = &args.blob_store {
        config.blob_store = Some(std::sync::Arc::new(open_bucket(s3).await?));
    }
    Ok(config)
}

async fn open_bucket(s3: &S3Config) -> Result<S3BlobStore, CliError> {
    let credentials = S3Credentials::from_env().map_err(|e| {
        CliError::unusable(e).with_help(
            "export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… before starting; keys never go on the command line",
        )
    })?;
    let roots = crate::http::extra_roots()
        .map_err(|e| CliError::unusable(e.to_string()).with_help(e.help()))?;
    let store = S3BlobStore::open(s3.clone(), credentials, roots)
        .map_err(|e| CliError::unusable(e.to_string()))?;
    store.check().await.map_err(|e| {
        CliError::unusable(format!("cannot use the blob store: {e}")).with_help(
            "--blob-store s3://BUCKET/PREFIX?endpoint=http://HOST:PORT&region=REGION (the bucket must exist)",
        )
    })?;
    Ok(store)
}

/// `--public-url` as given, checked.
fn normalize_public_url(url: &str) -> Result<String, CliError> {
    dtsec_server::public_url::normalize(url).map_err(|e| {
        CliError::unusable(e).with_help(
            "--public-url https://registry.example (the scheme, host and any path prefix)",
        )
    })
}

/// Runs the server until interrupted: stopped, or it could not start (exit status 2).
pub fn run(args: ServeArgs) -> CliResult {
    runtime()?.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> CliResult {
    super::serve_log::init();
    // The certificate first: a typo in a path should stop the server before anything opens.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(dtsec_server::tls::server_config(cert, key).map_err(|e| {
            CliError::unusable(e).with_help(
                "--tls-cert takes the PEM certificate chain (server certificate first), --tls-key its PEM private key",
            )
        })?),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    // A given public URL is checked before anything opens; the default is made from the address
    // actually bound (`--listen 127.0.0.1:0` picks a free port).
    let given_public_url = args
        .public_url
        .as_deref()
        .map(normalize_public_url)
        .transpose()?;
    let mut config = store_config(&args.store).await?;
    config.postmarket_grace_days = args.postmarket_grace_days;
    config.sqlite_mmap_bytes = args.sqlite_mmap_mib << 20;
    let store = Store::open(config)
        .await
        .map_err(|e| CliError::unusable(format!("cannot open the registry: {e}")))?;
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
                return Err(CliError::unusable(format!("cannot load the demo: {e}")));
            }
        }
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::unusable(format!("cannot listen on {}: {e}", args.listen)))?;
    let bound = listener
        .local_addr()
        .map_err(|e| CliError::unusable(format!("cannot listen on {}: {e}", args.listen)))?;
    let public_url = match given_public_url {
        Some(u) => u,
        None if bound.ip().is_unspecified() => {
            normalize_public_url(&format!("{scheme}://127.0.0.1:{}", bound.port()))?
        }
        None => normalize_public_url(&format!("{scheme}://{bound}"))?,
    };
    let config = ServerConfig {
        secure_cookies: args.secure_cookies || tls.is_some(),
        max_body_bytes: args.max_body_mib.saturating_mul(1024 * 1024),
        public_url,
        trusted_proxies: args.trusted_proxies.clone(),
        ..ServerConfig::default()
    };
    banner(&format!(
        "dtsec registry on {scheme}://{bound} (scheme key {}); Ctrl-C stops it",
        store.scheme_public_key().key_id()
    ));
    let state = AppState::new(store.clone(), config);
    // Device pages for the public, kept in the database in the background; stopped with the
    // server (dropping a batch mid-write rolls it back).
    let keeper = (!args.no_page_keeper)
        .then(|| tokio::spawn(dtsec_server::device_pages::keep(state.clone())));
    let service = app(state).into_make_service_with_connect_info::<dtsec_server::tls::ClientAddr>();
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let limits = dtsec_server::limits::ConnectionLimits {
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        header_timeout: std::time::Duration::from_secs(args.header_timeout_secs),
    };
    let result = match tls {
        Some(tls) => match dtsec_server::tls::TlsListener::new(listener, tls) {
            Ok(listener) => {
                let listener = dtsec_server::limits::Limited::new(listener, limits);
                dtsec_server::axum::serve(listener, service)
                    .with_graceful_shutdown(stop)
                    .await
            }
            Err(e) => Err(e),
        },
        None => {
            let listener = dtsec_server::limits::Limited::new(listener, limits);
            dtsec_server::axum::serve(listener, service)
                .with_graceful_shutdown(stop)
                .await
        }
    };
    if let Some(keeper) = keeper {
        keeper.abort();
        let _ = keeper.await;
    }
    store.close().await;
    result.map_err(|e| CliError::unusable(format!("the server stopped: {e}")))?;
    Ok(Exit::Success)
}

/// Writes the start-up line and flushes it before the first request is served: scripts and
/// tests wait for it, and read the bound port from it.
fn banner(line: &str) {
    let mut err = std::io::stderr().lock();
    // Nowhere is left to report a standard error that cannot be written; the server runs anyway.
    let _ = writeln!(err, "{line}").and_then(|()| err.flush());
}

/// Creates the first administrator: created, or refused or unusable (exit status 2).
pub fn bootstrap_admin(args: BootstrapAdminArgs) -> CliResult {
    let password = match std::env::var("DTSEC_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("password (first line of standard input):");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| CliError::unusable(format!("cannot read the password: {e}")))?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    runtime()?.block_on(async {
        let store = Store::open(store_config(&args.store).await?)
            .await
            .map_err(|e| CliError::unusable(format!("cannot open the registry: {e}")))?;
        let created = store
            .bootstrap_admin(&args.email, &args.name, &password)
            .await;
        store.close().await;
        let user = created.map_err(CliError::unusable)?;
        eprintln!("created scheme administrator {}", user.email);
        Ok(Exit::Success)
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
        crate::error::warning(format_args!("cannot create {}: {e}", dir.display()));
        return;
    }
    eprintln!("sealed ETRs ready to upload as the lab's evaluator (My work → Submit ETR):");
    for etr in etrs {
        let path = dir.join(&etr.file_name);
        match crate::write::atomic_write(&path, etr.bundle.as_bytes()) {
            Ok(()) => eprintln!("  {:<32} {:<36} {}", etr.case, etr.lab, path.display()),
            Err(e) => crate::error::warning(format_args!("cannot write {}: {e}", path.display())),
        }
    }
}
