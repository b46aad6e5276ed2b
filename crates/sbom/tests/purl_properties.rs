//! Property tests of purl normalisation (issue 17): normalising is idempotent — the canonical
//! text of a normalised purl normalises to the same package — because matching compares
//! canonical texts, and PyPI names that PEP 503 calls equal normalise to one package.

use dtsec_sbom::purl::{normalize, pep503};
use proptest::prelude::*;

/// A purl built from the pieces each ecosystem writes (case, separators, qualifiers).
fn purl_text() -> impl Strategy<Value = String> {
    let ty = proptest::sample::select(vec![
        "pypi", "npm", "golang", "deb", "apk", "maven", "github", "cargo", "gem", "generic", "PyPI",
    ]);
    let namespace =
        proptest::option::of("[A-Za-z0-9][A-Za-z0-9._-]{0,7}(/[A-Za-z][A-Za-z0-9]{0,5})?");
    let name = "[A-Za-z0-9][A-Za-z0-9._-]{0,11}";
    let version = proptest::option::of("[0-9][0-9A-Za-z.+~-]{0,8}");
    let qualifiers = proptest::option::of((
        proptest::sample::select(vec!["distro", "arch", "upstream", "repository_url"]),
        "[a-z0-9][a-z0-9.-]{0,6}",
    ));
    (ty, namespace, name, version, qualifiers).prop_map(|(ty, ns, name, version, q)| {
        let mut s = format!("pkg:{ty}/");
        if let Some(ns) = ns {
            s.push_str(&ns);
            s.push('/');
        }
        s.push_str(&name);
        if let Some(v) = version {
            s.push('@');
            s.push_str(&v);
        }
        if let Some((k, v)) = q {
            s.push_str(&format!("?{k}={v}"));
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn normalisation_is_idempotent(text in purl_text()) {
        if let Ok(n) = normalize(&text) {
            let again = normalize(&n.canonical);
            prop_assert!(again.is_ok(), "{} -> {} does not parse: {:?}", text, n.canonical, again);
            prop_assert_eq!(again.unwrap(), n);
        }
    }

    #[test]
    fn pep503_equal_names_are_one_package(name in "[A-Za-z][A-Za-z0-9]{0,5}([-_.]{1,3}[A-Za-z0-9]{1,4}){0,3}") {
        let a = normalize(&format!("pkg:pypi/{name}@1.0")).unwrap();
        let upper = name.to_uppercase().replace('-', "_");
        let b = normalize(&format!("pkg:pypi/{upper}@1.0")).unwrap();
        prop_assert_eq!(&a.name, &pep503(&name));
        prop_assert_eq!(a.canonical, b.canonical);
    }
}
