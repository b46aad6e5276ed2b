//! Property tests of the CVSS parser (issue 17): for generated vectors, what is scored prints
//! back (the stored vector) to a text that scores the same; v3 metric order does not matter,
//! and the v3.1 base score agrees with the RustSec `cvss` crate's independent implementation;
//! a v4.0 vector out of the FIRST order is refused.

use dtsec_vex::cvss::{self, CvssVersion, Severity};
use proptest::prelude::*;
use std::str::FromStr;

/// The v3 base metrics and their values.
const V3_BASE: [(&str, &[&str]); 8] = [
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "R"]),
    ("S", &["U", "C"]),
    ("C", &["H", "L", "N"]),
    ("I", &["H", "L", "N"]),
    ("A", &["H", "L", "N"]),
];

/// The v3 temporal metrics (optional).
const V3_TEMPORAL: [(&str, &[&str]); 3] = [
    ("E", &["X", "H", "F", "P", "U"]),
    ("RL", &["X", "U", "W", "T", "O"]),
    ("RC", &["X", "C", "R", "U"]),
];

/// The v4.0 base metrics, in the FIRST order.
const V4_BASE: [(&str, &[&str]); 11] = [
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
];

fn pick(
    defs: &'static [(&'static str, &'static [&'static str])],
) -> impl Strategy<Value = Vec<String>> {
    defs.iter()
        .map(|(name, values)| {
            proptest::sample::select(values.to_vec()).prop_map(move |v| format!("{name}:{v}"))
        })
        .collect::<Vec<_>>()
}

/// A v3.1 vector: every base metric, maybe the temporal ones, in a shuffled order.
fn v3_vector() -> impl Strategy<Value = (String, Vec<String>)> {
    (pick(&V3_BASE), proptest::option::of(pick(&V3_TEMPORAL)))
        .prop_flat_map(|(base, temporal)| {
            let mut all = base.clone();
            all.extend(temporal.unwrap_or_default());
            (Just(base), Just(all).prop_shuffle())
        })
        .prop_map(|(base, shuffled)| (format!("CVSS:3.1/{}", shuffled.join("/")), base))
}

fn in_tenths(x: f64) -> bool {
    (0.0..=10.0).contains(&x) && (cvss::tenths(x) - x).abs() < 1e-9
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn v3_vectors_print_and_parse_to_the_same_scores((vector, base) in v3_vector()) {
        let s = cvss::score(&vector).unwrap();
        prop_assert_eq!(s.version, CvssVersion::V3_1);
        prop_assert!(in_tenths(s.base) && in_tenths(s.overall));
        prop_assert_eq!(s.severity, Severity::of(s.overall));
        prop_assert_eq!(&cvss::score(&s.vector).unwrap(), &s);
        // The same metrics in the specification's order score the same.
        let ordered = cvss::score(&format!("CVSS:3.1/{}", base.join("/"))).unwrap();
        prop_assert_eq!(ordered.base, s.base);
        // An independent implementation agrees on the base score.
        let theirs = ::cvss::v3::Base::from_str(&format!("CVSS:3.1/{}", base.join("/"))).unwrap();
        prop_assert_eq!(theirs.score().value(), s.base, "{}", vector);
    }

    #[test]
    fn v4_vectors_print_and_parse_and_keep_the_first_order(
        base in pick(&V4_BASE), swap in 0usize..10,
    ) {
        let vector = format!("CVSS:4.0/{}", base.join("/"));
        let s = cvss::score(&vector).unwrap();
        prop_assert!(in_tenths(s.base) && in_tenths(s.overall));
        prop_assert_eq!(s.nomenclature.as_deref(), Some("CVSS-B"));
        prop_assert_eq!(&cvss::score(&s.vector).unwrap(), &s);
        let mut swapped = base.clone();
        swapped.swap(swap, swap + 1);
        let out_of_order = format!("CVSS:4.0/{}", swapped.join("/"));
        prop_assert!(cvss::score(&out_of_order).is_err(), "{} accepted", out_of_order);
    }
}
