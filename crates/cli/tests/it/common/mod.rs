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
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("dtsec runs")
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
