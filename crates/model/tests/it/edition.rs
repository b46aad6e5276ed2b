//! The CC:2022 R1 → CC 3.1 R5 component mapping held to the two catalogues, its coverage of
//! every CC component the cdd 2.0 documents use (a new component in the PP fails here until it
//! is mapped), and the derived documents the library hands to a CC 3.1 R5 ST.

use std::collections::BTreeSet;

use dtsec_catalog::{Catalog, Edition};
use dtsec_model::edition::{EditionError, EditionMap, MappingKind, derive};
use dtsec_model::sfr_id::component_of_element;
use dtsec_model::{Document, Library, SfrId, SourceFile, parse_document};

fn map() -> EditionMap {
    EditionMap::cc2022_to_cc31r5().expect("the committed mapping reads")
}

fn cc2022() -> &'static Catalog {
    Catalog::get(Edition::Cc2022R1)
}

fn cc31() -> &'static Catalog {
    Catalog::get(Edition::Cc31R5)
}

fn element_ids(c: &dtsec_catalog::Component) -> Vec<&'static str> {
    c.elements.iter().map(|e| e.id).collect()
}

/// The documents the mapping was made for, as built in.
fn mapped_documents(lib: &Library) -> Vec<&Document> {
    map()
        .documents
        .iter()
        .map(|d| {
            &lib.find(&d.id, &d.version)
                .unwrap_or_else(|| panic!("{} {} is built in", d.id, d.version))
                .document
        })
        .collect()
}

/// Every CC component id a document uses where an id is structure, not prose.
fn components_used(doc: &Document) -> BTreeSet<String> {
    let mut ids: Vec<&str> = Vec::new();
    for sfr in &doc.sfrs {
        ids.push(&sfr.id.value);
        ids.extend(sfr.selected_by.iter().map(|t| t.sfr.as_str()));
        ids.extend(sfr.unmet_dependencies.iter().map(|u| u.component.as_str()));
    }
    for sar in &doc.sars {
        ids.push(&sar.id.value);
        ids.extend(sar.unmet_dependencies.iter().map(|u| u.component.as_str()));
    }
    for x in &doc.extended_components {
        ids.extend(x.hierarchical_to.iter().map(|h| h.as_str()));
        ids.extend(x.dependencies.iter().flatten().map(|d| d.as_str()));
    }
    for t in &doc.tss {
        ids.extend(t.sfrs.iter().map(|s| s.as_str()));
    }
    for r in &doc.conformance.required_packages {
        ids.extend(r.when.iter().map(|w| w.sfr.as_str()));
    }
    ids.into_iter()
        .map(|id| SfrId::parse(id).component.to_owned())
        .filter(|c| !c.contains("_EXT"))
        .collect()
}

#[test]
fn the_mapping_names_the_two_editions_and_the_cdd_2_0_documents() {
    let m = map();
    assert_eq!((m.from, m.to), (Edition::Cc2022R1, Edition::Cc31R5));
    for id in ["cdd", "cdd-eb", "cdd-moderate", "cdd-cloud", "cdd-app"] {
        assert!(m.covers(id, "2.0"), "{id} 2.0");
    }
    assert!(!m.covers("cdd", "1.0"), "1.0 is not derived");
    assert!(m.components.iter().all(|r| r.reason.trim().len() > 20));
}

#[test]
fn every_row_holds_against_both_catalogues() {
    for row in &map().components {
        let from = cc2022()
            .component(&row.from)
            .unwrap_or_else(|| panic!("{} is not a CC:2022 component", row.from));
        let to = row.target();
        match row.how {
            MappingKind::Same | MappingKind::Changed => {
                assert_eq!(
                    to, row.from,
                    "{}: a {:?} row keeps the id",
                    row.from, row.how
                );
                let there = cc31()
                    .component(to)
                    .unwrap_or_else(|| panic!("{to} is not in CC 3.1 R5"));
                let same = element_ids(from) == element_ids(there)
                    && from.name == there.name
                    && from
                        .elements
                        .iter()
                        .zip(there.elements)
                        .all(|(a, b)| a.operations.len() == b.operations.len());
                assert_eq!(
                    same,
                    row.how == MappingKind::Same,
                    "{}: the catalogues say {}",
                    row.from,
                    if same { "same" } else { "changed" }
                );
            }
            MappingKind::Renamed => {
                assert_ne!(to, row.from, "{}: a rename names another id", row.from);
                let there = cc31()
                    .component(to)
                    .unwrap_or_else(|| panic!("{to} is not in CC 3.1 R5"));
                let mut targets = Vec::new();
                for e in from.elements {
                    let t = row.element(e.id);
                    assert!(
                        there.element(&t).is_some(),
                        "{}: element {} maps to {t}, which {to} lacks",
                        row.from,
                        e.id
                    );
                    targets.push(t);
                }
                let distinct: BTreeSet<&String> = targets.iter().collect();
                if distinct.len() < targets.len() {
                    assert!(
                        row.refinement.is_some(),
                        "{}: a merge needs its refinement",
                        row.from
                    );
                }
            }
            MappingKind::Extended => {
                assert!(
                    cc31().component(&row.from).is_none(),
                    "{} exists in CC 3.1 R5, so it is not extended",
                    row.from
                );
                assert!(to.contains("_EXT"), "{to}: extended ids carry _EXT");
                assert!(cc31().component(to).is_none() && cc2022().component(to).is_none());
                for e in from.elements {
                    assert_eq!(component_of_element(&row.element(e.id)), to);
                }
            }
        }
        for (a, b) in &row.elements {
            assert!(from.element(a).is_some(), "{}: no element {a}", row.from);
            assert_eq!(
                component_of_element(b),
                to,
                "{}: {b} is not of {to}",
                row.from
            );
        }
    }
}

#[test]
fn every_component_the_2_0_documents_use_is_mapped_and_every_row_is_used() {
    let lib = Library::with_builtins();
    let m = map();
    let mut used = BTreeSet::new();
    for doc in mapped_documents(&lib) {
        for c in components_used(doc) {
            assert!(
                m.row(&c).is_some(),
                "{} {} uses {c}, which crates/model/data/cc2022-to-cc31r5.yaml does not map",
                doc.id.value,
                doc.version.value
            );
            used.insert(c);
        }
    }
    let rows: BTreeSet<String> = m.components.iter().map(|r| r.from.clone()).collect();
    let stale: Vec<&String> = rows.difference(&used).collect();
    assert!(stale.is_empty(), "rows no cdd 2.0 document uses: {stale:?}");
}

#[test]
fn derived_ids_do_not_clash_with_the_documents_extended_components() {
    let lib = Library::with_builtins();
    let defined: BTreeSet<&str> = mapped_documents(&lib)
        .into_iter()
        .flat_map(|d| d.extended_components.iter().map(|x| x.id.as_str()))
        .collect();
    for row in map()
        .components
        .iter()
        .filter(|r| r.how == MappingKind::Extended)
    {
        assert!(
            !defined.contains(row.target()),
            "{} is already defined",
            row.target()
        );
    }
}

#[test]
fn a_cc31_claim_gets_the_derived_profile_and_the_yaml_stays_cc2022() {
    let lib = Library::with_builtins();
    let written = lib.find("cdd", "2.0").unwrap();
    assert_eq!(
        written.document.cc_edition.as_ref().unwrap().value,
        "CC:2022 R1"
    );
    let same = lib
        .find_in_edition("cdd", "2.0", Edition::Cc2022R1)
        .unwrap();
    assert!(
        std::ptr::eq(same, written),
        "no derivation within an edition"
    );
    let derived = lib.find_in_edition("cdd", "2.0", Edition::Cc31R5).unwrap();
    let doc = &derived.document;
    assert_eq!(doc.cc_edition.as_ref().unwrap().value, "CC 3.1 R5");
    assert!(derived.source.name.contains("derived for CC 3.1 R5"));
    // Every component id of the derived PP is CC 3.1 R5's or an extended one in scope.
    let ext: BTreeSet<&str> = doc
        .extended_components
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    for c in components_used(doc) {
        assert!(cc31().component(&c).is_some(), "{c} is not in CC 3.1 R5");
    }
    for sfr in &doc.sfrs {
        let c = SfrId::parse(&sfr.id.value).component;
        assert!(
            cc31().component(c).is_some() || ext.contains(c),
            "{c} undefined"
        );
        for e in &sfr.elements {
            assert_eq!(component_of_element(&e.id.value), c, "{}", e.id.value);
        }
    }
    // Key destruction: CC 3.1 R5's FCS_CKM.4 with both CC:2022 elements merged, as a refinement.
    let ckm4 = doc
        .sfrs
        .iter()
        .find(|s| s.id.value == "FCS_CKM.4")
        .expect("FCS_CKM.4");
    assert_eq!(ckm4.elements.len(), 1);
    let e = &ckm4.elements[0];
    assert_eq!(e.id.value, "FCS_CKM.4.1");
    assert!(e.refinement.is_some());
    for op in [
        "keys_destroyed",
        "destroy_when",
        "destroy_method",
        "destroy_standard",
    ] {
        assert!(e.operations.contains_key(op), "{op}");
    }
    assert!(!doc.sfrs.iter().any(|s| s.id.value.starts_with("FCS_CKM.6")));
    // The random bit generator: extended, with the CC:2022 structure and mapped dependencies.
    let rbg = doc
        .extended_components
        .iter()
        .find(|x| x.id.value == "FCS_RBG_EXT.1")
        .expect("FCS_RBG_EXT.1 is defined");
    let deps: Vec<Vec<&str>> = rbg
        .dependencies
        .iter()
        .map(|g| g.iter().map(|d| d.as_str()).collect())
        .collect();
    assert!(
        deps.contains(&vec!["FCS_RBG_EXT.2", "FCS_RBG_EXT.3"]),
        "{deps:?}"
    );
    assert!(deps.contains(&vec!["FPT_TST.1"]), "{deps:?}");
    assert_eq!(
        rbg.elements.len(),
        cc2022().component("FCS_RBG.1").unwrap().elements.len()
    );
    // A justification for a dependency the derived definition no longer has is dropped.
    let ckm5 = doc
        .sfrs
        .iter()
        .find(|s| s.id.value == "FCS_CKM_EXT.5")
        .unwrap();
    assert!(
        ckm5.unmet_dependencies.is_empty(),
        "FCS_CKM.3 is no dependency of FCS_CKM_EXT.5"
    );
    // Selection triggers follow the renames.
    let rbg3 = doc
        .sfrs
        .iter()
        .find(|s| s.id.value == "FCS_RBG_EXT.3")
        .unwrap();
    assert!(
        rbg3.selected_by
            .iter()
            .all(|t| t.sfr.value == "FCS_RBG_EXT.1")
    );
    // Asked again, the same derived document.
    let again = lib.find_in_edition("cdd", "2.0", Edition::Cc31R5).unwrap();
    assert!(std::ptr::eq(derived, again));
}

#[test]
fn every_mapped_document_derives_and_unmapped_ones_are_left_as_written() {
    let lib = Library::with_builtins();
    for d in &map().documents {
        match lib.derived(&d.id, &d.version, Edition::Cc31R5) {
            Some(Ok(doc)) => assert_eq!(doc.document.id.value, d.id),
            Some(Err(e)) => panic!("{} {}: {e}", d.id, d.version),
            None => panic!("{} {} is not derived", d.id, d.version),
        }
    }
    assert!(lib.derived("cdd", "1.0", Edition::Cc31R5).is_none());
    let v1 = lib.find_in_edition("cdd", "1.0", Edition::Cc31R5).unwrap();
    assert!(std::ptr::eq(v1, lib.find("cdd", "1.0").unwrap()));
}

fn small_pp(edition: &str, sfr: &str) -> Document {
    let text = format!(
        "kind: protection-profile\nid: small\nversion: '1.0'\ntitle: Small\ncc_edition: {edition}\n\
         sfrs:\n- id: {sfr}\n  status: mandatory\n  elements:\n  - id: {sfr}.1\n    text: The TSF shall do it.\n"
    );
    parse_document(&SourceFile::new("small.yaml", text)).expect("parses")
}

#[test]
fn derive_refuses_another_edition_and_unmapped_components() {
    let m = map();
    match derive(&small_pp("CC 3.1 R5", "FPT_STM.1"), &m) {
        Err(EditionError::WrongEdition { found, .. }) => assert_eq!(found, "CC 3.1 R5"),
        other => panic!("{other:?}"),
    }
    match derive(&small_pp("CC:2022 R1", "FTP_PRO.1"), &m) {
        Err(EditionError::Unmapped { component, .. }) => assert_eq!(component, "FTP_PRO.1"),
        other => panic!("{other:?}"),
    }
    let ok = derive(&small_pp("CC:2022 R1", "FAU_STG.5"), &m).expect("mapped");
    assert_eq!(ok.sfrs[0].id.value, "FAU_STG.4");
    assert_eq!(ok.sfrs[0].elements[0].id.value, "FAU_STG.4.1");
}

#[test]
fn a_malformed_mapping_is_an_error_not_a_panic() {
    for text in [
        "from: CC:2022 R1\nto: CC 9\ndocuments: []\ncomponents: []\n",
        "from: CC:2022 R1\nto: CC 3.1 R5\ndocuments: []\ncomponents:\n- {from: A, how: same, reason: r}\n- {from: A, how: same, reason: r}\n",
        "from: CC:2022 R1\nto: CC 3.1 R5\ndocuments: []\ncomponents: [{from: A, how: odd, reason: r}]\n",
    ] {
        assert!(matches!(
            EditionMap::parse("test", text),
            Err(EditionError::Map { .. })
        ));
    }
}
