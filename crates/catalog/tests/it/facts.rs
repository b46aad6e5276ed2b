//! Golden counts and spot facts of the committed generated catalogue (no XML needed).

use dtsec_catalog::{
    AuditLevel, Catalog, ComponentKind, Edition, ElementKind, Operation, describe, list_line,
};

fn counts(ed: Edition) -> (usize, usize, usize, usize) {
    let cat = Catalog::get(ed);
    let f = cat.functional().count();
    let fe: usize = cat.functional().map(|c| c.elements.len()).sum();
    let a = cat.assurance().count();
    let wu: usize = cat.components().map(|c| c.work_units().count()).sum();
    assert_eq!(wu, cat.work_unit_count(), "WORK_UNIT_COUNT matches data");
    (f, fe, a, wu)
}

#[test]
fn golden_counts_cc2022() {
    assert_eq!(counts(Edition::Cc2022R1), (155, 284, 106, 817));
}

#[test]
fn golden_counts_cc31r5() {
    assert_eq!(counts(Edition::Cc31R5), (134, 245, 96, 588));
}

#[test]
fn unnumbered_work_units_cc31r5() {
    let cat = Catalog::get(Edition::Cc31R5);
    let none: usize = cat
        .components()
        .map(|c| c.work_units().filter(|w| w.id.is_none()).count())
        .sum();
    let comps = cat
        .components()
        .filter(|c| c.work_units().any(|w| w.id.is_none()))
        .count();
    assert_eq!((none, comps), (217, 33));
    let cat = Catalog::get(Edition::Cc2022R1);
    assert!(
        cat.components()
            .flat_map(|c| c.work_units())
            .all(|w| w.id.is_some())
    );
}

#[test]
fn edition_parse_and_label() {
    for s in ["CC:2022", "CC:2022 R1", "cc2022", "CC2022R1"] {
        assert_eq!(Edition::parse(s), Some(Edition::Cc2022R1), "{s}");
    }
    for s in ["3.1R5", "CC 3.1 R5", "cc3R5", "cc31r5", "CC v3.1 R5"] {
        assert_eq!(Edition::parse(s), Some(Edition::Cc31R5), "{s}");
    }
    assert_eq!(Edition::parse("CC 2.3"), None);
    assert_eq!(Edition::default(), Edition::Cc2022R1);
    assert_eq!(Edition::Cc2022R1.label(), "CC:2022 R1");
    assert_eq!(Edition::Cc31R5.label(), "CC 3.1 R5");
    for ed in Edition::ALL {
        assert_eq!(Catalog::get(ed).edition(), ed);
    }
}

#[test]
fn fcs_cop_1_dependencies_as_in_catalogue() {
    let cat = Catalog::get(Edition::Cc2022R1);
    let c = cat.component("FCS_COP.1").unwrap();
    let deps: &[&[&str]] = &[
        &["FDP_ITC.1", "FDP_ITC.2", "FCS_CKM.1", "FCS_CKM.5"],
        &["FCS_CKM.3"],
    ];
    assert_eq!(c.dependencies, deps);
    assert_eq!(c.name, "Cryptographic operation");
    assert_eq!((c.class, c.family), ("FCS", "FCS_COP"));
    assert_eq!(c.kind, ComponentKind::Functional);
    assert!(
        cat.errata_applied().is_empty(),
        "example erratum ships disabled"
    );
    let c = Catalog::get(Edition::Cc31R5)
        .component("fcs_cop.1")
        .unwrap();
    let deps: &[&[&str]] = &[&["FDP_ITC.1", "FDP_ITC.2", "FCS_CKM.1"], &["FCS_CKM.4"]];
    assert_eq!(c.dependencies, deps);
}

#[test]
fn sar_hierarchy() {
    let cat = Catalog::get(Edition::Cc2022R1);
    assert_eq!(
        cat.component("ADV_FSP.4").unwrap().hierarchical_to,
        &["ADV_FSP.3"]
    );
    assert!(
        cat.component("ADV_FSP.1")
            .unwrap()
            .hierarchical_to
            .is_empty()
    );
    assert!(cat.satisfies("AVA_VAN.5", "AVA_VAN.3"));
    assert!(cat.satisfies("ava_van.5", "AVA_VAN.5"));
    assert!(!cat.satisfies("AVA_VAN.3", "AVA_VAN.5"));
    assert!(!cat.satisfies("ADV_FSP.4", "ADV_TDS.1"));
    let old = Catalog::get(Edition::Cc31R5);
    assert_eq!(
        old.component("ADV_FSP.4").unwrap().hierarchical_to,
        &["ADV_FSP.3"]
    );
    assert!(old.satisfies("AVA_VAN.5", "AVA_VAN.1"));
    // SFR hierarchy comes from the XML.
    assert!(cat.satisfies("FIA_UAU.2", "FIA_UAU.1"));
}

#[test]
fn work_unit_ids_gaps_and_swaps() {
    let cat = Catalog::get(Edition::Cc2022R1);
    assert!(cat.work_unit("AVA_VAN.5-5").is_none(), "gap in CC:2022");
    assert!(cat.work_unit("AVA_VAN.5-4").is_some());
    assert!(cat.work_unit("AVA_VAN.5-6").is_some());
    assert!(cat.work_unit("APE_REQ.2-12").is_none(), "gap in CC:2022");
    assert!(cat.work_unit("ape_req.2-11").is_some());
    let del: Vec<_> = cat
        .component("ALC_DEL.1")
        .unwrap()
        .work_units()
        .map(|w| w.id.unwrap())
        .collect();
    assert_eq!(del, ["ALC_DEL.1-2", "ALC_DEL.1-1"], "catalogue order kept");
    let (el, wu) = cat.work_unit("ADV_FSP.1-1").unwrap();
    assert_eq!(el.id, "ADV_FSP.1.1E");
    assert_eq!(el.kind, ElementKind::Evaluator);
    assert_eq!(wu.id, Some("ADV_FSP.1-1"));
    let (el, _) = cat.work_unit("ALC_DEL.1-2").unwrap();
    assert_eq!(el.kind, ElementKind::Developer);
}

#[test]
fn element_ids_and_operations() {
    let cat = Catalog::get(Edition::Cc2022R1);
    let (_, e) = cat.element("ADV_FSP.1.2C").unwrap();
    assert_eq!(e.kind, ElementKind::Content);
    assert!(cat.element("ADV_FSP.1.1D").is_some());
    let (_, e) = cat.element("FCS_COP.1.1").unwrap();
    assert_eq!(e.operations.len(), 4);
    assert!(
        e.operations
            .iter()
            .all(|o| matches!(o, Operation::Assignment { .. }))
    );
    // Some selection in each edition is exclusive and some selection nests an assignment.
    for ed in Edition::ALL {
        let c = Catalog::get(ed);
        let ops: Vec<&Operation> = c
            .functional()
            .flat_map(|c| c.elements)
            .flat_map(|e| e.operations)
            .collect();
        assert!(ops.iter().any(|o| matches!(
            o,
            Operation::Selection {
                exclusive: true,
                ..
            }
        )));
        assert!(
            ops.iter()
                .any(|o| matches!(o, Operation::Selection { nested, .. } if !nested.is_empty()))
        );
    }
}

#[test]
fn audit_levels() {
    let cat = Catalog::get(Edition::Cc2022R1);
    let c = cat.component("FCS_COP.1").unwrap();
    assert_eq!(
        c.audit_levels(cat),
        [AuditLevel::Minimal, AuditLevel::Basic]
    );
    // FAU_SAA.2 says "same as FAU_SAA.1" in CC:2022.
    let c = cat.component("FAU_SAA.2").unwrap();
    assert_eq!(c.audit[0].same_as, Some("FAU_SAA.1"));
    assert_eq!(c.audit_levels(cat), [AuditLevel::Minimal]);
}

#[test]
fn eal_contents() {
    for ed in Edition::ALL {
        let cat = Catalog::get(ed);
        let eal4 = cat.eal(4).unwrap();
        for id in [
            "ADV_FSP.4",
            "AVA_VAN.3",
            "ADV_TDS.3",
            "ALC_CMC.4",
            "ADV_IMP.1",
            "ATE_DPT.1",
        ] {
            assert!(eal4.contains(&id), "{ed}: EAL4 lacks {id}");
        }
        assert_eq!(cat.eal(1).unwrap().len(), 13);
        assert!(cat.eal(7).unwrap().contains(&"ADV_FSP.6"));
        assert!(cat.eal(0).is_none() && cat.eal(8).is_none());
        for level in 1..=7 {
            let ids = cat.eal(level).unwrap();
            let mut fams: Vec<&str> = ids
                .iter()
                .map(|id| cat.component(id).unwrap().family)
                .collect();
            let n = fams.len();
            fams.dedup();
            assert_eq!(fams.len(), n, "{ed} EAL{level}: one component per family");
        }
    }
    // CC:2022's EAL table is a generator constant; it must equal the 3.1 R5 XML's table.
    for level in 1..=7 {
        assert_eq!(
            Catalog::get(Edition::Cc2022R1).eal(level),
            Catalog::get(Edition::Cc31R5).eal(level)
        );
    }
}

#[test]
fn lookups_and_formatting() {
    let cat = Catalog::get(Edition::Cc2022R1);
    assert!(cat.component("fcs_cop.1").is_some());
    assert!(cat.component("NOPE.1").is_none());
    assert_eq!(cat.family("fcs_cop").unwrap().components, &["FCS_COP.1"]);
    assert_eq!(cat.classes().len(), 20);
    assert!(
        cat.classes()
            .iter()
            .any(|c| c.id == "FCS" && c.name == "Cryptographic support")
    );
    let c = cat.component("FCS_COP.1").unwrap();
    let d = describe(c, cat);
    assert!(
        d.contains("[FDP_ITC.1 or FDP_ITC.2 or FCS_CKM.1 or FCS_CKM.5] and [FCS_CKM.3]"),
        "{d}"
    );
    assert!(d.contains("FCS_COP.1.1"), "{d}");
    assert!(d.contains("minimal, basic"), "{d}");
    let d = describe(cat.component("ADV_FSP.4").unwrap(), cat);
    assert!(d.contains("hierarchical to: ADV_FSP.3"), "{d}");
    assert!(d.contains("ADV_FSP.4-1"), "{d}");
    assert!(list_line(c).starts_with("FCS_COP.1"));
    // catalogue order: components grouped by family in document order
    let ids: Vec<&str> = cat.components().map(|c| c.id).collect();
    assert_eq!(ids.len(), 261);
}
