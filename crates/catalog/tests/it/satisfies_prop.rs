//! Property tests: `Catalog::satisfies` is reflexive and transitive within every family.

use dtsec_catalog::{Catalog, Edition};
use proptest::prelude::*;

fn family_triples() -> Vec<(Edition, &'static str, &'static str, &'static str)> {
    let mut v = Vec::new();
    for ed in Edition::ALL {
        for f in Catalog::get(ed).families() {
            for a in f.components {
                for b in f.components {
                    for c in f.components {
                        v.push((ed, *a, *b, *c));
                    }
                }
            }
        }
    }
    v
}

#[test]
fn exhaustive_reflexive_and_transitive_within_families() {
    for (ed, a, b, c) in family_triples() {
        let cat = Catalog::get(ed);
        assert!(cat.satisfies(a, a));
        if cat.satisfies(a, b) && cat.satisfies(b, c) {
            assert!(cat.satisfies(a, c), "{ed}: {a} >= {b} >= {c}");
        }
        if a != b && cat.satisfies(a, b) {
            assert!(!cat.satisfies(b, a), "{ed}: cycle {a} <-> {b}");
            assert_eq!(
                cat.component(a).unwrap().family,
                cat.component(b).unwrap().family
            );
        }
    }
}

proptest! {
    #[test]
    fn satisfies_reflexive_transitive(ed in prop::sample::select(Edition::ALL.to_vec()), fi in any::<prop::sample::Index>(), i in any::<prop::sample::Index>(), j in any::<prop::sample::Index>(), k in any::<prop::sample::Index>()) {
        let cat = Catalog::get(ed);
        let fam = fi.get(cat.families());
        let (a, b, c) = (*i.get(fam.components), *j.get(fam.components), *k.get(fam.components));
        prop_assert!(cat.satisfies(a, a));
        prop_assert!(cat.satisfies(&a.to_lowercase(), a));
        if cat.satisfies(a, b) && cat.satisfies(b, c) {
            prop_assert!(cat.satisfies(a, c));
        }
    }
}

/// `Catalog::satisfies` answers pairs of different families `false` without a lookup; that is
/// right only while no component is hierarchical to one of another family, in either edition.
#[test]
fn same_family_hierarchies() {
    for ed in Edition::ALL {
        let cat = Catalog::get(ed);
        for c in cat.components() {
            for h in c.hierarchical_to {
                let below = cat
                    .component(h)
                    .unwrap_or_else(|| panic!("{ed}: {h} unknown"));
                assert_eq!(
                    c.family, below.family,
                    "{ed}: {} is hierarchical to {h}",
                    c.id
                );
            }
        }
    }
}
