//! The one HTTP client set-up for every command that talks to a registry (`dtsec registry`,
//! `dtsec verify --registry`, `dtsec log …`): plain HTTP, or HTTPS with the operating system's
//! trusted certificate authorities (rustls with the *ring* provider and the platform verifier).
//!
//! Why one place: the two clients (the workflow client and the log client) must agree on what
//! they trust. A registry whose certificate comes from a private CA (a hospital's, a test
//! set-up's) is reached by naming that CA's PEM file in `DTSEC_CA_CERT`; it is trusted *in
//! addition to* the system's, never instead.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

/// The environment variable naming extra trusted CA certificates (PEM).
pub const CA_CERT_ENV: &str = "DTSEC_CA_CERT";

/// Why no client could be made.
#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    /// The extra CA file could not be read or holds no certificate.
    #[error("{CA_CERT_ENV}={path}: {reason}")]
    CaCert {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// TLS or the HTTP client could not be set up.
    #[error("cannot set up HTTPS: {0}")]
    Tls(String),
}

impl HttpSetupError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            HttpSetupError::CaCert { .. } => {
                "point DTSEC_CA_CERT at a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), or unset it"
            }
            HttpSetupError::Tls(_) => "report this: the TLS library refused its own defaults",
        }
    }
}

/// A help line for a request that failed on the server's certificate, if that is why.
pub fn certificate_hint(reason: &str) -> Option<&'static str> {
    reason.contains("certificate").then_some(
        "the registry's TLS certificate is not trusted: if it comes from a private CA, set DTSEC_CA_CERT to that CA's PEM file",
    )
}

/// The extra trusted roots from `DTSEC_CA_CERT`, if set (also trusted by `dtsec serve`'s S3
/// blob store, whose endpoint may have a private CA's certificate).
pub fn extra_roots() -> Result<Vec<CertificateDer<'static>>, HttpSetupError> {
    let Some(path) = std::env::var_os(CA_CERT_ENV).filter(|v| !v.is_empty()) else {
        return Ok(Vec::new());
    };
    let path = PathBuf::from(path);
    let bad = |reason: String| HttpSetupError::CaCert {
        path: path.clone(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(&path)
        .map_err(|e| bad(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no certificate in the file".into()));
    }
    Ok(certs)
}

/// A blocking client with these timeouts, for http:// and https:// URLs.
pub fn client(
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::blocking::Client, HttpSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots()?, provider.clone())
            .map_err(|e| HttpSetupError::Tls(e.to_string()))?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpSetupError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .user_agent(concat!("dtsec/", env!("CARGO_PKG_VERSION")))
        .tls_backend_preconfigured(tls)
        .build()
        .map_err(|e| HttpSetupError::Tls(e.to_string()))
}
