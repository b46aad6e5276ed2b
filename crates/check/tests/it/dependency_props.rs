//! Property tests of dependency resolution: for random sets of CC:2022 functional components, the
//! checker reports exactly the dependency groups that a straightforward reference computation
//! finds unmet (hierarchy-aware, OR groups met by any member).

use std::collections::BTreeSet;

use dtsec_catalog::{Catalog, Edition};
use dtsec_check::{CheckInput, check};
use dtsec_model::{Library, SourceFile, parse_document};
use proptest::prelude::*;

/// Reference: is `higher` equal to `lower` or above it, following `hierarchical_to` naively.
fn above(cat: &Catalog, higher: &str, lower: &str) -> bool {
    if higher == lower {
        return true;
    }
    cat.component(higher)
        .is_some_and(|c| c.hierarchical_to.iter().any(|h| above(cat, h, lower)))
}

fn unmet_groups(cat: &Catalog, present: &BTreeSet<&str>) -> usize {
    present
        .iter()
        .map(|id| {
            let c = cat.component(id).unwrap();
            c.dependencies
                .iter()
                .filter(|group| {
                    !group
                        .iter()
                        .any(|dep| present.iter().any(|p| above(cat, p, dep)))
                })
                .count()
        })
        .sum()
}

fn checker_unmet(present: &BTreeSet<&str>) -> usize {
    let mut yaml =
        String::from("kind: protection-profile\nid: prop\nversion: '1'\ntitle: Property\nsfrs:\n");
    for id in present {
        yaml.push_str(&format!("  - {{id: {id}, status: mandatory}}\n"));
    }
    let source = SourceFile::new("prop.yaml", yaml);
    let document = parse_document(&source).expect("generated PP parses");
    let lib = Library::empty();
    check(CheckInput {
        source: &source,
        document: &document,
        library: &lib,
    })
    .iter()
    .filter(|d| d.code == "DT-DEP-001")
    .count()
}

fn functional_ids() -> Vec<&'static str> {
    Catalog::get(Edition::Cc2022R1)
        .functional()
        .map(|c| c.id)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn unmet_dependencies_match_reference(picks in proptest::collection::btree_set(0usize..155, 1..40)) {
        let ids = functional_ids();
        let present: BTreeSet<&str> = picks.iter().map(|i| ids[i % ids.len()]).collect();
        let cat = Catalog::get(Edition::Cc2022R1);
        prop_assert_eq!(checker_unmet(&present), unmet_groups(cat, &present));
    }

    #[test]
    fn adding_a_higher_component_never_adds_unmet_dependencies_of_others(pick in 0usize..155) {
        // A component whose dependency is met by a hierarchically higher one stays satisfied.
        let cat = Catalog::get(Edition::Cc2022R1);
        let ids = functional_ids();
        let c = cat.component(ids[pick % ids.len()]).unwrap();
        for group in c.dependencies {
            for dep in group.iter() {
                let higher: Vec<&str> = cat
                    .functional()
                    .filter(|h| h.id != *dep && above(cat, h.id, dep))
                    .map(|h| h.id)
                    .collect();
                for h in higher {
                    let present: BTreeSet<&str> = [c.id, h].into_iter().collect();
                    let own_unmet = unmet_groups(cat, &present);
                    prop_assert_eq!(checker_unmet(&present), own_unmet);
                }
            }
        }
    }
}

#[test]
fn hierarchy_examples() {
    // FIA_UAU.2 is hierarchical to FIA_UAU.1: it meets FIA_AFL.1's dependency.
    let with_higher: BTreeSet<&str> = ["FIA_AFL.1", "FIA_UAU.2"].into_iter().collect();
    assert_eq!(
        checker_unmet(&with_higher),
        unmet_groups(Catalog::get(Edition::Cc2022R1), &with_higher)
    );
    let without: BTreeSet<&str> = ["FIA_AFL.1"].into_iter().collect();
    assert_eq!(checker_unmet(&without), 1);
}
