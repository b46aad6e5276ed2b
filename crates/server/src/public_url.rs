//! The registry's public base URL: checked once at start, then joined with paths.
//!
//! Why configured and not taken from the request: a printed certificate and its QR code must
//! point at the address readers reach, and behind a proxy the `Host` a request arrives with is
//! not it — and trusting a client-supplied `Host` would let anyone print certificates that link
//! elsewhere.

use thiserror::Error;

/// Why a public URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PublicUrlError {
    /// Not `http://` or `https://`.
    #[error("the public URL `{0}` must start with http:// or https://")]
    Scheme(String),
    /// No host after the scheme.
    #[error("the public URL `{0}` has no host")]
    NoHost(String),
    /// A query, fragment, space or control character, which a base URL cannot carry.
    #[error(
        "the public URL `{0}` may not contain a query (?), a fragment (#), spaces or control characters"
    )]
    Character(String),
}

/// Checks a public base URL and returns it without trailing slashes
/// (`https://registry.example/dtsec/` → `https://registry.example/dtsec`).
///
/// ```
/// use dtsec_server::public_url::normalize;
/// assert_eq!(normalize("https://r.example/").unwrap(), "https://r.example");
/// assert!(normalize("ftp://r.example").is_err());
/// assert!(normalize("https://r.example/?x=1").is_err());
/// ```
pub fn normalize(url: &str) -> Result<String, PublicUrlError> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| PublicUrlError::Scheme(url.to_string()))?;
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
    {
        return Err(PublicUrlError::Character(url.to_string()));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(PublicUrlError::NoHost(url.to_string()));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// The public page of a certified device: `{base}/devices/{certificate id}` (the id escaped).
pub fn device_url(base: &str, certificate_id: &str) -> String {
    format!(
        "{}/devices/{}",
        base.trim_end_matches('/'),
        crate::html::url(certificate_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_refuses() {
        assert_eq!(
            normalize(" http://127.0.0.1:8080// ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalize("https://r.example/dtsec").unwrap(),
            "https://r.example/dtsec"
        );
        assert!(matches!(
            normalize("r.example"),
            Err(PublicUrlError::Scheme(_))
        ));
        assert!(matches!(
            normalize("https://"),
            Err(PublicUrlError::NoHost(_))
        ));
        assert!(matches!(
            normalize("https://r.example/#top"),
            Err(PublicUrlError::Character(_))
        ));
        assert!(matches!(
            normalize("https://r.exa mple"),
            Err(PublicUrlError::Character(_))
        ));
    }

    #[test]
    fn device_urls_escape_the_id() {
        assert_eq!(
            device_url("https://r.example/", "DTSEC-2025-0001"),
            "https://r.example/devices/DTSEC-2025-0001"
        );
        assert_eq!(device_url("http://h", "a/b"), "http://h/devices/a%2Fb");
    }
}
