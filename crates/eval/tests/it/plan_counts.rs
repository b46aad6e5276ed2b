//! Golden counts: how many CEM work units each CDD assurance level asks for, computed from the
//! catalogue, and the pump ST's plan built from them.

use crate::common;

use dtsec_catalog::{Catalog, Edition};
use dtsec_eval::plan::{self, PlanInput, catalogue_work_unit_count};
use dtsec_model::{Library, load_document};

fn sars_of(lib: &Library, id: &str) -> Vec<String> {
    let doc = lib.find(id, "1.0").expect("built-in document");
    doc.document
        .sars
        .iter()
        .map(|s| s.id.value.clone())
        .collect()
}

/// The work units of the catalogue components among `sars`, counted independently of the plan.
fn direct_count(sars: &[String]) -> usize {
    let cat = Catalog::get(Edition::Cc2022R1);
    sars.iter()
        .filter_map(|s| cat.component(s))
        .map(|c| c.work_units().count())
        .sum()
}

#[test]
fn work_units_per_package_are_the_catalogues() {
    let lib = Library::with_builtins();
    for (pkg, golden) in [
        ("cdd", GOLDEN_BASE),
        ("cdd-eb", GOLDEN_EB),
        ("cdd-moderate", GOLDEN_MODERATE),
    ] {
        let sars = sars_of(&lib, pkg);
        let refs: Vec<&str> = sars.iter().map(String::as_str).collect();
        let direct = direct_count(&sars);
        assert_eq!(
            catalogue_work_unit_count(Edition::Cc2022R1, &refs),
            direct,
            "{pkg}"
        );
        assert_eq!(
            direct, golden,
            "{pkg}: work units of its SARs in the CC:2022 catalogue"
        );
        // Every package has one extended SAR (ALC_TSU_EXT.1) with one evaluator element.
        assert!(sars.iter().any(|s| s == "ALC_TSU_EXT.1"), "{pkg}");
    }
    const { assert!(GOLDEN_BASE < GOLDEN_EB && GOLDEN_EB < GOLDEN_MODERATE) };
}

/// Work units of the SARs of the base cdd PP (EAL1-like plus ALC_TSU_EXT.1), CC:2022 R1.
const GOLDEN_BASE: usize = 118;
/// Work units of the SARs of cdd-eb (Enhanced-Basic).
const GOLDEN_EB: usize = 182;
/// Work units of the SARs of cdd-moderate.
const GOLDEN_MODERATE: usize = 198;

#[test]
fn pump_plan_has_every_work_unit_and_activity() {
    let (_, st) = load_document(&common::pump_st()).expect("pump ST");
    let lib = Library::with_builtins();
    let plan = plan::build(PlanInput {
        st: &st,
        library: &lib,
        cc_xml: None,
    })
    .expect("plan");
    let sar_units: usize = plan
        .classes
        .iter()
        .filter(|c| c.id != plan::ACTIVITY_CLASS)
        .map(|c| {
            c.components
                .iter()
                .flat_map(|k| &k.elements)
                .map(|e| e.units.len())
                .sum::<usize>()
        })
        .sum();
    // The catalogue's work units plus one synthesized unit for ALC_TSU_EXT.1.1E.
    assert_eq!(sar_units, GOLDEN_EB + 1);
    let tsu = plan.find("ALC_TSU_EXT.1.1E-1").expect("extended SAR unit");
    assert!(tsu.unit.synthesized);
    assert!(plan.find("ADV_FSP.3-1").is_some());
    assert!(plan.find("adv_fsp.3-1").is_some(), "lookup ignores case");
    // The evaluation activities of the PP for the ST's SFRs.
    let ea = plan
        .classes
        .iter()
        .find(|c| c.id == plan::ACTIVITY_CLASS)
        .expect("EA class");
    assert!(ea.components.iter().any(|c| c.id == "FCS_COP.1/Hash"));
    let hash_test = plan
        .find("EA:FCS_COP.1/Hash:test-1")
        .expect("hash test activity");
    assert!(!hash_test.unit.summary.is_empty());
    assert_eq!(plan.unit_count(), GOLDEN_EB + 1 + PUMP_ACTIVITIES);
    // Every SAR unit has a summary in our own words, naming its component.
    for u in plan.units().filter(|u| u.class.id != plan::ACTIVITY_CLASS) {
        assert!(
            u.unit.summary.starts_with(&u.component.id),
            "{}: {}",
            u.unit.id,
            u.unit.summary
        );
    }
    // Ids are unique.
    let mut ids: Vec<&str> = plan.units().map(|u| u.unit.id.as_str()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

/// Evaluation activities (TSS, guidance, tests) the cdd PP attaches to the pump ST's SFRs.
const PUMP_ACTIVITIES: usize = 153;

#[test]
fn official_text_comes_from_the_users_xml() {
    let Some(cc) = dtsec_testkit::shared("cc") else {
        return;
    };
    let xml = std::fs::read_to_string(cc.join("cc2022.xml")).expect("../shared/cc/cc2022.xml");
    let (_, st) = load_document(&common::pump_st()).expect("pump ST");
    let lib = Library::with_builtins();
    let plan = plan::build(PlanInput {
        st: &st,
        library: &lib,
        cc_xml: Some(&xml),
    })
    .expect("plan");
    let u = plan.find("ADV_FSP.3-1").expect("unit");
    assert!(
        u.unit
            .official_text
            .as_deref()
            .is_some_and(|t| t.len() > 20)
    );
}
