//! Package URL normalisation per ecosystem (design notes §3.6), so that the same package written
//! two ways (`Gradio` and `gradio` on PyPI, `@Scope/x` on npm) meets the same advisory, while
//! case-sensitive ecosystems (Go, Maven) are left as they are.

use packageurl::PackageUrl;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A purl reduced to what matching needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedPurl {
    /// The type, lowercase (`pypi`, `npm`, `maven`, `deb`, …).
    pub ty: String,
    /// The namespace, normalised for the type.
    pub namespace: Option<String>,
    /// The name, normalised for the type.
    pub name: String,
    /// The version, percent-decoded.
    pub version: Option<String>,
    /// The `distro` qualifier (OS packages), e.g. `debian-11`, `bookworm`, `alpine-3.18`.
    pub distro: Option<String>,
    /// The `arch` qualifier.
    pub arch: Option<String>,
    /// The `upstream` qualifier (source package of an OS package).
    pub upstream: Option<String>,
    /// The canonical text: `pkg:type/namespace/name@version` with only the kept qualifiers.
    pub canonical: String,
}

/// Why a purl could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid package URL: {0}")]
pub struct PurlError(pub String);

/// PEP 503 name normalisation: lowercase, and every run of `-`, `_` and `.` becomes one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// Parses and normalises `text`.
pub fn normalize(text: &str) -> Result<NormalizedPurl, PurlError> {
    let p = PackageUrl::from_str(text).map_err(|e| PurlError(e.to_string()))?;
    let ty = p.ty().to_ascii_lowercase();
    let mut namespace = p.namespace().map(str::to_string);
    let mut name = p.name().to_string();
    match ty.as_str() {
        "pypi" => name = pep503(&name),
        // npm: the registry lowercases names and scopes; keep the scope with its `@`.
        "npm" => {
            name = name.to_lowercase();
            namespace = namespace.map(|n| n.to_lowercase());
        }
        // The purl spec declares these case-insensitive.
        "github" | "bitbucket" | "deb" | "apk" | "composer" | "hex" | "cargo" | "gem" => {
            if ty == "github" || ty == "bitbucket" || ty == "composer" {
                namespace = namespace.map(|n| n.to_lowercase());
                name = name.to_lowercase();
            } else if ty == "deb" || ty == "apk" || ty == "hex" {
                name = name.to_lowercase();
            }
        }
        // Go module paths are case-sensitive (OSV names `github.com/BurntSushi/toml`), but the
        // packageurl crate lowercases golang namespaces: take them from the text as written.
        "golang" => {
            if let Some((ns, n)) = raw_path(text) {
                namespace = ns;
                name = n;
            }
        }
        // Maven and the rest are case-sensitive: leave them.
        _ => {}
    }
    let q = p.qualifiers();
    let get = |k: &str| q.get(k).map(|v| v.to_string());
    let (distro, arch, upstream) = (get("distro"), get("arch"), get("upstream"));
    let version = p.version().map(str::to_string);
    let mut canonical = format!("pkg:{ty}/");
    if let Some(ns) = &namespace {
        let segments: Vec<String> = ns.split('/').map(encode).collect();
        canonical.push_str(&segments.join("/"));
        canonical.push('/');
    }
    canonical.push_str(&encode(&name));
    if let Some(v) = &version {
        canonical.push('@');
        canonical.push_str(&encode(v));
    }
    let kept: Vec<String> = [
        ("arch", &arch),
        ("distro", &distro),
        ("upstream", &upstream),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v))))
    .collect();
    if !kept.is_empty() {
        canonical.push('?');
        canonical.push_str(&kept.join("&"));
    }
    Ok(NormalizedPurl {
        ty,
        namespace,
        name,
        version,
        distro,
        arch,
        upstream,
        canonical,
    })
}

/// `part` percent-encoded for the canonical text, so that the text parses back to the same
/// parts: an npm scope's `@`, a `/`, `?`, `#`, `&` or `=` inside a version or qualifier value
/// would otherwise be read as purl syntax (found by fuzzing: the canonical form must be a
/// fixed point). Unreserved characters and `:` stay as they are.
fn encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for b in part.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The namespace and name of `pkg:type/ns…/name@…`, percent-decoded, as written.
fn raw_path(text: &str) -> Option<(Option<String>, String)> {
    let rest = text.strip_prefix("pkg:")?.trim_start_matches('/');
    let (_, path) = rest.split_once('/')?;
    let end = path.find(['@', '?', '#']).unwrap_or(path.len());
    let path = path[..end].trim_matches('/');
    let decoded = percent_decode(path)?;
    match decoded.rsplit_once('/') {
        Some((ns, n)) => Some((Some(ns.to_string()), n.to_string())),
        None => Some((None, decoded)),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_follow_pep_503() {
        assert_eq!(
            pep503("Products.PluggableAuthService"),
            "products-pluggableauthservice"
        );
        assert_eq!(pep503("a__b-.c"), "a-b-c");
        let p = normalize("pkg:pypi/Gradio@4.0.0").unwrap();
        assert_eq!(p.canonical, "pkg:pypi/gradio@4.0.0");
    }

    #[test]
    fn npm_scope_is_lowercased_and_kept() {
        let p = normalize("pkg:npm/%40Angular/Core@1.0.0").unwrap();
        assert_eq!(p.namespace.as_deref(), Some("@angular"));
        assert_eq!(p.name, "core");
    }

    #[test]
    fn go_and_maven_stay_case_sensitive() {
        let g = normalize("pkg:golang/github.com/BurntSushi/toml@v1.0.0").unwrap();
        assert_eq!(g.namespace.as_deref(), Some("github.com/BurntSushi"));
        let m = normalize("pkg:maven/org.Apache/Foo@1").unwrap();
        assert_eq!(m.name, "Foo");
    }

    #[test]
    fn only_os_qualifiers_are_kept() {
        let p = normalize("pkg:deb/debian/OpenSSL@3.0.11-1?arch=amd64&distro=debian-12&foo=bar")
            .unwrap();
        assert_eq!(
            p.canonical,
            "pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12"
        );
    }

    #[test]
    fn canonical_text_parses_back_to_itself() {
        for text in [
            "pkg:npm/%40Angular/Core@16.0.0",
            "pkg:rpm/redhat/openssl@1.1.1k-7.%2Fel8_6?arch=x.%2Fel8%3F&epoch=1",
            "pkg:golang/github.com/BurntSushi/toml@v1.3.2",
            "pkg:pypi/Django@4.2+local",
        ] {
            let once = normalize(text).expect(text);
            let twice = normalize(&once.canonical).expect(&once.canonical);
            assert_eq!(once, twice, "{text}");
        }
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(normalize("not a purl").is_err());
    }
}
