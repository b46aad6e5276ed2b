//! What several of the binary's test files share.

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
