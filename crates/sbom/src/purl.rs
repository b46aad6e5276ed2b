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
        // packageurl crate lowercases golang namespaces. Read the same text again as a type with
        // no case rule, so the path keeps its case while every other syntax rule (where the
        // version starts, empty and dot segments, percent-decoding) stays the crate's own: a
        // hand-written reading of the raw text once disagreed with it (fuzz finding
        // `purl-golang-path`), so the canonical text did not read back to the same package.
        "golang" => {
            if let Some((ns, n)) = as_generic(text) {
                namespace = ns;
                name = n;
            }
        }
        // Maven and the rest are case-sensitive: leave them.
        _ => {}
    }
    // A namespace made only of empty or dot segments (`pkg:rpm/../x`) is no namespace: the
    // reader gives `Some("")` for it, but the canonical text reads back as none (fuzz finding
    // `purl-empty-namespace`).
    let namespace = namespace.filter(|n| !n.is_empty());
    let q = p.qualifiers();
    let get = |k: &str| q.get(k).map(|v| v.to_string());
    let (distro, arch, upstream) = (get("distro"), get("arch"), get("upstream"));
    let version = p.version().map(str::to_string);
    let mut canonical = format!("pkg:{ty}/");
    if let Some(ns) = &namespace {
        let segments: Vec<String> = ns.split('/').map(encode_segment).collect();
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
    encode_with(part, false)
}

/// A namespace segment: as [`encode`], but a segment that is exactly `.` or `..` is written
/// `%2E`/`%2E%2E`, since a purl reader drops dot segments written as they are (the decoded
/// segment came from `%2E` in the input, so dropping it would change the package).
fn encode_segment(part: &str) -> String {
    encode_with(part, part == "." || part == "..")
}

fn encode_with(part: &str, encode_dots: bool) -> String {
    let mut out = String::with_capacity(part.len());
    for b in part.bytes() {
        let plain = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~' | b':');
        if plain || (b == b'.' && !encode_dots) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The namespace and name of `text` (a purl the crate has already accepted) read again with its
/// type replaced by `generic`, which the crate applies no case rule to. The type is what lies between the
/// scheme's slashes and the next `/`, as the crate itself cuts it.
fn as_generic(text: &str) -> Option<(Option<String>, String)> {
    let rest = text.strip_prefix("pkg:")?.trim_start_matches('/');
    let (_, after_type) = rest.split_once('/')?;
    let p = PackageUrl::from_str(&format!("pkg:generic/{after_type}")).ok()?;
    Some((p.namespace().map(str::to_string), p.name().to_string()))
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
        let at = normalize("pkg:golang/GitHub.com/A%40B/Mod@v1@v2").unwrap();
        assert_eq!(at.namespace.as_deref(), Some("GitHub.com/A@B"));
        assert_eq!(at.name, "Mod@v1");
        assert_eq!(at.version.as_deref(), Some("v2"));
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
            // Fuzz finding `purl-golang-path`: `@` inside the path, control characters, and the
            // version cut at the last `@` as the purl spec says.
            "pkg:golang/@@@\u{10}/org.npm/Bun/\u{10}/org.npm/Bun/?ar7l8_6r?arch=\u{3}",
            "pkg:golang/GitHub.com/A%40B/Mod@v1@v2",
            // A dot segment that was written `%2E` must not vanish from the canonical text.
            "pkg:golang/example.com/%2E/Mod@v1",
            "pkg:generic/a/%2E%2E/b@1",
            // Fuzz finding `purl-empty-namespace`: only dot segments before the name.
            "pkg:rpm/../el8_6?rca=hl_6?#'1",
            "pkg:golang/./../Mod@v1",
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
