//! Version orderings per ecosystem: the one question OSV ranges need answered ("is `a` before
//! `b`?") for each ecosystem whose ordering dtsec knows. An ecosystem without one is
//! [`Scheme::Unordered`], and a version a scheme cannot read compares as `None`; either way the
//! matcher answers `unevaluable`, never "not affected".

mod apk;
mod dpkg;
mod maven;
mod rpm;

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

pub use apk::compare as apk_compare;
pub use dpkg::compare as dpkg_compare;
pub use maven::compare as maven_compare;
pub use rpm::compare as rpm_compare;

/// How versions of an ecosystem are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// SemVer 2.0.0 precedence (build metadata ignored): `SEMVER` ranges, npm, crates.io.
    Semver,
    /// Go: SemVer with the `v` prefix allowed (OSV stores bare versions).
    Go,
    /// PyPI: PEP 440.
    Pep440,
    /// Maven: ComparableVersion.
    Maven,
    /// Debian and Ubuntu: dpkg.
    Dpkg,
    /// Alpine (and Wolfi/Chainguard): apk.
    Apk,
    /// RPM distributions (Red Hat, Rocky, AlmaLinux, SUSE, openSUSE, Mageia): rpmvercmp.
    Rpm,
    /// No ordering known: only the enumerated `versions` can decide.
    Unordered,
}

impl Scheme {
    /// The scheme of an OSV ecosystem name (its base, before any `:` suffix).
    pub fn of_ecosystem(base: &str) -> Scheme {
        match base {
            "npm" | "crates.io" => Scheme::Semver,
            "Go" => Scheme::Go,
            "PyPI" => Scheme::Pep440,
            "Maven" => Scheme::Maven,
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" => Scheme::Rpm,
            _ => Scheme::Unordered,
        }
    }

    /// Compares two versions; `None` when either cannot be read or the scheme has no order.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        match self {
            Scheme::Semver => semver_cmp(a, b),
            Scheme::Go => semver_cmp(
                a.strip_prefix('v').unwrap_or(a),
                b.strip_prefix('v').unwrap_or(b),
            ),
            Scheme::Pep440 => {
                let a: pep440_rs::Version = a.trim().parse().ok()?;
                let b: pep440_rs::Version = b.trim().parse().ok()?;
                Some(a.cmp(&b))
            }
            Scheme::Maven => Some(maven::compare(a, b)),
            Scheme::Dpkg => dpkg::compare(a, b),
            Scheme::Apk => apk::compare(a, b),
            Scheme::Rpm => Some(rpm::compare(a, b)),
            Scheme::Unordered => None,
        }
    }
}

fn semver_cmp(a: &str, b: &str) -> Option<Ordering> {
    let a = semver::Version::parse(a).ok()?;
    let b = semver::Version::parse(b).ok()?;
    Some(a.cmp_precedence(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn known_pairs() {
        let cases = [
            (Scheme::Semver, "1.0.0-alpha", "1.0.0", Less),
            (Scheme::Semver, "1.0.0+build.1", "1.0.0+build.2", Equal),
            (Scheme::Go, "v1.22.5", "1.22.0-0", Greater),
            (Scheme::Pep440, "2.31.0", "2.4.0", Greater),
            (Scheme::Pep440, "1.0rc1", "1.0", Less),
            (Scheme::Maven, "1.0-alpha-1", "1.0", Less),
            (Scheme::Maven, "1.0", "1.0.0", Equal),
            (Scheme::Maven, "1.0-sp", "1.0", Greater),
            (Scheme::Maven, "12.10.0", "12.6.7", Greater),
            // ComparableVersion drops null items before a trailing sub-list: `1.0-x` is `1-x`.
            (Scheme::Maven, "1.0-x", "1-x", Equal),
            (Scheme::Dpkg, "1:1.0", "2.0", Greater),
            (Scheme::Dpkg, "1.0~rc1", "1.0", Less),
            (Scheme::Apk, "1.0.2q-r0", "1.0.2p-r3", Greater),
            (Scheme::Apk, "1.0_rc1", "1.0", Less),
            (Scheme::Rpm, "0:2.13.3-3.el8_6.1", "2.13.3-3.el8_6", Greater),
            (Scheme::Rpm, "1.0~rc1", "1.0", Less),
            (Scheme::Rpm, "1.0^git1", "1.0", Greater),
        ];
        for (s, a, b, want) in cases {
            assert_eq!(s.compare(a, b), Some(want), "{s:?} {a} vs {b}");
            assert_eq!(s.compare(b, a), Some(want.reverse()), "{s:?} {b} vs {a}");
        }
        assert_eq!(Scheme::Unordered.compare("1", "2"), None);
        assert_eq!(Scheme::Semver.compare("1.0", "1.0.0"), None);
    }

    /// Versions built from the pieces each ecosystem writes, to exercise every branch.
    fn version_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[0-9]{1,3}",
            Just("alpha".to_string()),
            Just("rc".to_string()),
            Just("sp".to_string()),
            Just("a".to_string()),
            Just("p".to_string()),
            Just("git".to_string()),
        ];
        let sep = prop_oneof![
            Just("."),
            Just("-"),
            Just("~"),
            Just("_"),
            Just("^"),
            Just("")
        ];
        ("[0-9]{1,2}", proptest::collection::vec((sep, piece), 0..5)).prop_map(|(head, rest)| {
            let mut s = head;
            for (sep, p) in rest {
                s.push_str(sep);
                s.push_str(&p);
            }
            s
        })
    }

    fn check_total_order(s: Scheme, a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
        let (Some(ab), Some(ba)) = (s.compare(a, b), s.compare(b, a)) else {
            return Ok(());
        };
        prop_assert_eq!(ab, ba.reverse(), "antisymmetry {} {}", a, b);
        prop_assert_eq!(s.compare(a, a), Some(Equal));
        if let (Some(bc), Some(ac)) = (s.compare(b, c), s.compare(a, c)) {
            if ab != Greater && bc != Greater {
                prop_assert_ne!(ac, Greater, "transitivity {} <= {} <= {}", a, b, c);
            }
            if ab != Less && bc != Less {
                prop_assert_ne!(ac, Less, "transitivity {} >= {} >= {}", a, b, c);
            }
        }
        Ok(())
    }

    /// Maven's ordering has cycles of its own: a qualifier is below every sub-list, a sub-list
    /// that opens with `alpha` is below the empty version, and an unknown qualifier is above it.
    /// `ComparableVersion` 3.x answers exactly these (its `StringItem.compareTo(ListItem)` is
    /// -1 whatever the list holds); dtsec keeps Maven's answers rather than invent an order
    /// Maven does not use, and evaluation never relies on transitivity (see
    /// `evaluate::merge_sort_by`).
    #[test]
    fn maven_has_cycles_of_its_own() {
        assert_eq!(Scheme::Maven.compare("s", "-a0"), Some(Less));
        assert_eq!(Scheme::Maven.compare("-a0", ""), Some(Less));
        assert_eq!(Scheme::Maven.compare("", "s"), Some(Less));
    }

    /// The fuzz finding `osv-versions-maven-transitivity`, every order of the three: a real
    /// deviation from Maven (null items before a trailing sub-list were kept), now fixed.
    #[test]
    fn maven_fuzz_finding_is_transitive() {
        let v = ["1.0-axpla-1", "1.0-..A\u{8}SP1", "1.0.0.RELEASE"];
        for a in v {
            for b in v {
                for c in v {
                    check_total_order(Scheme::Maven, a, b, c).unwrap();
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn maven_is_a_total_order(a in version_text(), b in version_text(), c in version_text()) {
            check_total_order(Scheme::Maven, &a, &b, &c)?;
        }
        /// Any text of Maven's separators, digits and letters (runs of `.` and `-`, empty
        /// items, qualifiers next to separators): where the fuzzer found a non-transitive case.
        /// Maven's `ComparableVersion` itself is not transitive on such text (see
        /// [`maven_has_cycles_of_its_own`]), so only antisymmetry and reflexivity hold here;
        /// [`maven_is_a_total_order`] keeps transitivity for versions as projects write them.
        #[test]
        fn maven_is_antisymmetric_on_odd_text(a in "[0-9a-cs.\\-]{0,10}", b in "[0-9a-cs.\\-]{0,10}") {
            let (ab, ba) = (Scheme::Maven.compare(&a, &b), Scheme::Maven.compare(&b, &a));
            prop_assert_eq!(ab.map(std::cmp::Ordering::reverse), ba);
            prop_assert_eq!(Scheme::Maven.compare(&a, &a), Some(Equal));
        }
        #[test]
        fn rpm_is_a_total_order(a in version_text(), b in version_text(), c in version_text()) {
            check_total_order(Scheme::Rpm, &a, &b, &c)?;
        }
        #[test]
        fn dpkg_is_a_total_order(a in version_text(), b in version_text(), c in version_text()) {
            check_total_order(Scheme::Dpkg, &a, &b, &c)?;
        }
        #[test]
        fn apk_is_a_total_order(a in version_text(), b in version_text(), c in version_text()) {
            check_total_order(Scheme::Apk, &a, &b, &c)?;
        }
        #[test]
        fn pep440_is_a_total_order(a in version_text(), b in version_text(), c in version_text()) {
            check_total_order(Scheme::Pep440, &a, &b, &c)?;
        }
        #[test]
        fn semver_is_a_total_order(x in (0u8..4, 0u8..4, 0u8..4, proptest::option::of("[a-c0-2]{1,2}")),
                                   y in (0u8..4, 0u8..4, 0u8..4, proptest::option::of("[a-c0-2]{1,2}")),
                                   z in (0u8..4, 0u8..4, 0u8..4, proptest::option::of("[a-c0-2]{1,2}"))) {
            let f = |(a, b, c, p): (u8, u8, u8, Option<String>)| match p {
                Some(p) if !p.starts_with('0') || p.len() == 1 => format!("{a}.{b}.{c}-{p}"),
                _ => format!("{a}.{b}.{c}"),
            };
            let (a, b, c) = (f(x), f(y), f(z));
            prop_assert!(Scheme::Semver.compare(&a, &b).is_some());
            check_total_order(Scheme::Semver, &a, &b, &c)?;
        }
    }
}
