//! From an SBOM component's purl to the OSV package it names (ecosystem and name, normalised
//! the same way on both sides), and from an OSV ecosystem string to its base and suffix
//! (`Debian:11` → `Debian` + `11`), so distribution advisories match only their release.

use dtsec_sbom::purl::{NormalizedPurl, pep503};

/// An OSV package key: base ecosystem and normalised name.
pub type Key = (String, String);

/// What a purl names in OSV terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurlTarget {
    /// The package key.
    pub key: Key,
    /// The release suffix the distro qualifier maps to (`11`, `v3.18`, `22.04`), if any.
    pub suffix: Option<String>,
}

/// Normalises an OSV package name for its base ecosystem as purls are normalised.
pub fn normalize_name(base: &str, name: &str) -> String {
    match base {
        "PyPI" => pep503(name),
        "npm" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// Splits `Red Hat:rhel_aus:8.6::appstream` into `Red Hat` and `rhel_aus:8.6::appstream`.
pub fn split_ecosystem(eco: &str) -> (&str, Option<&str>) {
    match eco.split_once(':') {
        Some((b, s)) => (b, Some(s)),
        None => (eco, None),
    }
}

/// Whether an advisory's release suffix applies to the SBOM's (equal, or the advisory's adds
/// qualifiers after a `:`, as in `Ubuntu:22.04:LTS`).
pub fn suffix_applies(advisory: &str, sbom: &str) -> bool {
    advisory == sbom
        || advisory
            .strip_prefix(sbom)
            .is_some_and(|r| r.starts_with(':'))
}

fn debian_release(distro: &str) -> String {
    let d = distro.strip_prefix("debian-").unwrap_or(distro);
    match d {
        "buster" => "10",
        "bullseye" => "11",
        "bookworm" => "12",
        "trixie" => "13",
        other => other,
    }
    .to_string()
}

/// The OSV package a purl names, or `None` for types with no OSV ecosystem (`generic`,
/// `github`: those are matched by repository).
pub fn target(p: &NormalizedPurl) -> Option<PurlTarget> {
    let ns = p.namespace.as_deref();
    let joined = |sep: &str| match ns {
        Some(ns) => format!("{ns}{sep}{}", p.name),
        None => p.name.clone(),
    };
    let (base, name, suffix) = match p.ty.as_str() {
        "pypi" => ("PyPI", pep503(&p.name), None),
        "npm" => ("npm", joined("/"), None),
        "cargo" => ("crates.io", p.name.clone(), None),
        "golang" => ("Go", joined("/"), None),
        "maven" => ("Maven", joined(":"), None),
        "gem" => ("RubyGems", p.name.clone(), None),
        "nuget" => ("NuGet", p.name.clone(), None),
        "composer" => ("Packagist", joined("/"), None),
        "hex" => ("Hex", p.name.clone(), None),
        "pub" => ("Pub", p.name.clone(), None),
        "hackage" => ("Hackage", p.name.clone(), None),
        "cran" => ("CRAN", p.name.clone(), None),
        "swift" => ("SwiftURL", joined("/"), None),
        "conan" => ("ConanCenter", p.name.clone(), None),
        "deb" => {
            let base = if ns == Some("ubuntu") {
                "Ubuntu"
            } else {
                "Debian"
            };
            let suffix = p.distro.as_deref().map(|d| {
                if base == "Ubuntu" {
                    d.strip_prefix("ubuntu-").unwrap_or(d).to_string()
                } else {
                    debian_release(d)
                }
            });
            (base, p.name.clone(), suffix)
        }
        "apk" => {
            let base = match ns {
                Some("wolfi") => "Wolfi",
                Some("chainguard") => "Chainguard",
                _ => "Alpine",
            };
            let suffix = p.distro.as_deref().map(|d| {
                let d = d.strip_prefix("alpine-").unwrap_or(d);
                if d.starts_with('v') {
                    d.to_string()
                } else {
                    format!("v{d}")
                }
            });
            let suffix = if base == "Alpine" { suffix } else { None };
            (base, p.name.clone(), suffix)
        }
        "rpm" => {
            let base = match ns {
                Some("redhat") => "Red Hat",
                Some("rocky") => "Rocky Linux",
                Some("almalinux") => "AlmaLinux",
                Some("suse") => "SUSE",
                Some("opensuse") => "openSUSE",
                Some("mageia") => "Mageia",
                Some("openeuler") => "openEuler",
                _ => return None,
            };
            (base, p.name.clone(), p.distro.clone())
        }
        _ => return None,
    };
    Some(PurlTarget {
        key: (base.to_string(), name),
        suffix,
    })
}

/// A repository URL reduced to `host/path`, lowercase, without scheme, `git+`, `.git` or a
/// trailing slash, so SBOM and advisory spellings meet.
pub fn repo_key(url: &str) -> String {
    let u = url.trim().to_lowercase();
    let u = u.strip_prefix("git+").unwrap_or(&u);
    let u = u.split_once("://").map_or(u, |(_, r)| r);
    let u = u
        .strip_prefix("git@")
        .map_or(u.to_string(), |r| r.replacen(':', "/", 1));
    let u = u
        .split(['#', '?', '@'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    u.strip_suffix(".git").map_or(u.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dtsec_sbom::purl::normalize;

    #[test]
    fn purls_map_to_osv_packages() {
        let t = |s: &str| target(&normalize(s).unwrap()).unwrap();
        assert_eq!(
            t("pkg:pypi/Products.PluggableAuthService@2.0").key,
            ("PyPI".into(), "products-pluggableauthservice".into())
        );
        assert_eq!(
            t("pkg:maven/org.xwiki.commons/xwiki-commons-core@12.5")
                .key
                .1,
            "org.xwiki.commons:xwiki-commons-core"
        );
        assert_eq!(
            t("pkg:golang/github.com/gin-gonic/gin@v1.5.0").key.1,
            "github.com/gin-gonic/gin"
        );
        assert_eq!(t("pkg:npm/%40scope/Pkg@1.0.0").key.1, "@scope/pkg");
        let d = t("pkg:deb/debian/openssl@3.0?distro=bookworm");
        assert_eq!(d.suffix.as_deref(), Some("12"));
        let a = t("pkg:apk/alpine/openssl@1.0.2p-r0?distro=alpine-3.8");
        assert_eq!(a.suffix.as_deref(), Some("v3.8"));
        assert!(target(&normalize("pkg:generic/zlib@1.3").unwrap()).is_none());
    }

    #[test]
    fn suffixes_and_repos() {
        assert!(suffix_applies("22.04:LTS", "22.04"));
        assert!(!suffix_applies("v3.10", "v3.1"));
        assert_eq!(
            repo_key("git+https://GitHub.com/Graylog2/graylog2-server.git"),
            "github.com/graylog2/graylog2-server"
        );
        assert_eq!(
            repo_key("git@github.com:psf/requests.git"),
            "github.com/psf/requests"
        );
    }
}
