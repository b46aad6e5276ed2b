//! Framework catalogues: the built-ins load, and the committed CSF catalogue is what NIST's
//! OSCAL catalogue gives (freshness; `DTSEC_REGENERATE=1` rewrites it).

use dtsec_regulatory::csf;
use dtsec_regulatory::framework::{self, BUILTIN_FRAMEWORKS, ItemStatus};

#[test]
fn every_builtin_framework_loads_with_unique_ids_and_known_parents() {
    for (short, id) in BUILTIN_FRAMEWORKS {
        let fw = framework::builtin(short).unwrap_or_else(|e| panic!("{short}: {e}"));
        assert_eq!(&fw.id, id);
        assert!(
            !fw.version.is_empty() && !fw.source.is_empty() && !fw.date.is_empty(),
            "{id}"
        );
        let mut ids: Vec<&str> = fw.items.iter().map(|i| i.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "{id}: duplicate item ids");
        for item in &fw.items {
            if let Some(p) = &item.parent {
                assert!(
                    fw.item(p).is_some(),
                    "{id}: {} has unknown parent {p}",
                    item.id
                );
            }
        }
    }
}

#[test]
fn fda_appendix_1_has_the_eight_categories_a_to_h() {
    let fda = framework::builtin("fda").unwrap();
    let cats: Vec<&str> = fda
        .items
        .iter()
        .filter(|i| i.kind == "category")
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(cats, ["A", "B", "C", "D", "E", "F", "G", "H"]);
    assert_eq!(fda.version, "2026-02-03");
}

#[test]
fn csf_knows_withdrawn_csf_1_1_ids_and_where_they_went() {
    let csf = framework::builtin("csf").unwrap();
    let ac01 = csf.item("PR.AC-01").expect("PR.AC-01 is kept as withdrawn");
    assert_eq!(ac01.status, ItemStatus::Withdrawn);
    assert!(ac01.successors.iter().any(|s| s.id == "PR.AA-01"));
    let active = |kind: &str| {
        csf.items
            .iter()
            .filter(|i| i.kind == kind && i.status == ItemStatus::Active)
            .count()
    };
    // CSF 2.0: 6 functions, 22 active categories, 106 active subcategories (NIST CSWP 29).
    assert_eq!(active("function"), 6);
    assert_eq!(active("category"), 22);
    assert_eq!(active("subcategory"), 106);
}

#[test]
fn csf_catalogue_is_fresh_against_the_oscal_catalogue() {
    let Some(path) = dtsec_testkit::shared("data/csf/NIST_CSF_v2.0_catalog.json") else {
        return;
    };
    let json = std::fs::read_to_string(&path).unwrap();
    let derived = csf::to_compact_json(&csf::from_oscal(&json).unwrap());
    let committed_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/frameworks/csf-2.0.json");
    if std::env::var_os("DTSEC_REGENERATE").is_some() {
        std::fs::write(&committed_path, &derived).unwrap();
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap();
    assert!(
        committed == derived,
        "data/frameworks/csf-2.0.json is stale; run DTSEC_REGENERATE=1 cargo test -p dtsec-regulatory --test it catalogues"
    );
}

#[test]
fn csf_ties_in_sort_id_are_broken_by_id() {
    let csf = framework::builtin("csf").unwrap();
    let pos = |id: &str| csf.items.iter().position(|i| i.id == id).unwrap();
    // ID.IM-03 and ID.IM-04 share a sort-id in the OSCAL catalogue.
    assert!(pos("ID.IM-03") < pos("ID.IM-04"));
}

#[test]
fn from_oscal_rejects_a_document_that_is_not_a_catalogue() {
    let err = csf::from_oscal(r#"{"profile": {}}"#).unwrap_err();
    assert!(err.to_string().contains("/catalog"), "{err}");
}
