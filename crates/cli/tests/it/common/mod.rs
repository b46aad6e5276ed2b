//! What several of the binary's test files share.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A path as `&str` for an argument list.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs `dtsec ARGS` with the given environment and none of the caller's DTSEC_* settings
/// (registry, token, password, PP path, CA), so a test sees only what it passes.
pub fn dtsec(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dtsec"));
    c.args(args)
        .env_remove("DTSEC_REGISTRY")
        .env_remove("DTSEC_TOKEN")
        .env_remove("DTSEC_PASSWORD")
        .env_remove("DTSEC_PP_PATH")
        .env_remove("DTSEC_CA_CERT")
        .env_remove("DTSEC_CACHE_DIR")
        // Each run parses what it reads, so a test sees the parser's behaviour and writes
        // nothing to the home directory; `doc_cache.rs` turns the cache on where it tests it.
        .env("DTSEC_NO_CACHE", "1")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("dtsec runs")
}

/// Runs `dtsec ARGS` as [`dtsec`] does, without colours: what most tests of the binary's output
/// want.
pub fn run(args: &[&str]) -> Output {
    dtsec(args, &[("NO_COLOR", "1")])
}

/// The workspace's root.
pub fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A path under the workspace's root, as an argument.
pub fn repo_file(rel: &str) -> String {
    root().join(rel).display().to_string()
}

/// Runs the binary with a fresh default state directory (so that runs only share what a test
/// passes with `--state`).
pub fn with_fresh_state(args: &[&str]) -> Output {
    let state_home = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_dtsec"))
        .args(args)
        .env("XDG_STATE_HOME", state_home.path())
        .output()
        .expect("dtsec runs")
}

/// An output's status, standard output and standard error, labelled, for assertion messages.
pub fn report(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Standard output and standard error together.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// An HTTP client for the tests' loopback requests. reqwest is built for the binary without a
/// default TLS provider (it uses rustls with *ring*, set up in `http.rs`), so a client needs
/// one even for plain HTTP.
pub fn http() -> reqwest::blocking::Client {
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS defaults")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .expect("HTTP client")
}

/// A `dtsec serve` process on a port the system picked (`--listen 127.0.0.1:0`), found from its
/// start-up banner; killed when dropped, however the test ends. Everything it writes on
/// standard error goes to its log file.
pub struct Served {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT` or `https://…`, as the banner says.
    pub base: String,
    pub port: u16,
    log: std::path::PathBuf,
    copier: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// What the server has written on standard error so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills the server and returns everything it wrote on standard error (the copy is
    /// complete: the copier has seen the stream end).
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(copier) = self.copier.take() {
            let _ = copier.join();
        }
        self.log()
    }
}

/// Starts `dtsec serve ARGS --listen 127.0.0.1:0` with the extra environment `env`, its
/// standard error copied to `log`, and waits (at most 60 s) for the banner that names the
/// address it bound. No port is chosen before the server binds it, so parallel tests cannot
/// race for one.
pub fn serve(args: &[&str], env: &[(&str, &str)], log: &Path) -> Served {
    use std::io::{BufRead as _, BufReader, Write as _};
    let mut c = Command::new(env!("CARGO_BIN_EXE_dtsec"));
    c.arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("DTSEC_LOG");
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("dtsec serve starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut file = std::fs::File::create(log).expect("serve log file");
    let (tx, rx) = std::sync::mpsc::channel();
    let copier = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = writeln!(file, "{line}");
            let _ = file.flush();
            if let Some(rest) = line.strip_prefix("dtsec registry on ")
                && let Some(url) = rest.split_whitespace().next()
            {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let base = rx.recv_timeout(std::time::Duration::from_secs(60));
    let mut served = Served {
        child,
        base: String::new(),
        port: 0,
        log: log.to_path_buf(),
        copier: Some(copier),
    };
    let Ok(base) = base else {
        let status = served.child.try_wait().ok().flatten();
        panic!(
            "dtsec serve gave no start-up banner within 60 s (exit: {status:?}):\n{}",
            served.log()
        );
    };
    served.port = base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in the banner's address {base}"));
    served.base = base;
    served
}
