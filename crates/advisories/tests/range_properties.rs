//! Property tests of range evaluation against the version orderings (issue 17): for an
//! `introduced`/`fixed` range and an `introduced`/`last_affected` range, a version is inside
//! exactly when the ecosystem's ordering puts it between the bounds — evaluation and ordering
//! never disagree, in every ecosystem with an order.

use dtsec_advisories::evaluate::in_range;
use dtsec_advisories::osv::{Event, Range};
use dtsec_advisories::version::Scheme;
use proptest::prelude::*;
use std::cmp::Ordering::{Greater, Less};

const ORDERED: [Scheme; 7] = [
    Scheme::Semver,
    Scheme::Go,
    Scheme::Pep440,
    Scheme::Maven,
    Scheme::Dpkg,
    Scheme::Apk,
    Scheme::Rpm,
];

/// `major.minor.patch`, which every ordering reads (small numbers, so bounds often meet).
fn version() -> impl Strategy<Value = String> {
    (0u8..3, 0u8..3, 0u8..3).prop_map(|(a, b, c)| format!("{a}.{b}.{c}"))
}

fn range(events: Vec<Event>) -> Range {
    Range {
        kind: "ECOSYSTEM".into(),
        repo: None,
        events,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn a_range_holds_what_the_ordering_puts_between_its_bounds(
        scheme in proptest::sample::select(ORDERED.to_vec()),
        lo in version(), hi in version(), v in version(),
    ) {
        let cmp = |a: &str, b: &str| scheme.compare(a, b).unwrap();
        prop_assume!(cmp(&lo, &hi) == Less);
        let fixed = range(vec![Event::Introduced(lo.clone()), Event::Fixed(hi.clone())]);
        let want = cmp(&v, &lo) != Less && cmp(&v, &hi) == Less;
        prop_assert_eq!(in_range(&v, &fixed, scheme), Ok(want), "{:?} {} in [{}, {})", scheme, v, lo, hi);
        let last = range(vec![Event::Introduced(lo.clone()), Event::LastAffected(hi.clone())]);
        let want = cmp(&v, &lo) != Less && cmp(&v, &hi) != Greater;
        prop_assert_eq!(in_range(&v, &last, scheme), Ok(want), "{:?} {} in [{}, {}]", scheme, v, lo, hi);
        // The events' order in the record does not matter: evaluation sorts them.
        let reversed = range(vec![Event::Fixed(hi.clone()), Event::Introduced(lo.clone())]);
        prop_assert_eq!(in_range(&v, &reversed, scheme), in_range(&v, &fixed, scheme));
    }
}
