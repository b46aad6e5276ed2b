//! SFR sections nested inside themselves (issue 11): each f-component is imported once, and the
//! chapters the exporter writes itself are not also kept as prose, so export → import reaches a
//! fixed point instead of growing by an empty SFR chapter per round trip.

use std::path::Path;

use dtsec_model::Document;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).expect("fixture exists")
}

fn import(bytes: &[u8], name: &str) -> Document {
    dtsec_niap::import_bytes(bytes, name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .document
}

fn sfr_ids(doc: &Document) -> Vec<&str> {
    doc.sfrs.iter().map(|s| s.id.value.as_str()).collect()
}

fn section_ids(doc: &Document) -> Vec<&str> {
    doc.sections.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn each_f_component_of_nested_sfr_sections_is_imported_once() {
    let doc = import(
        &fixture("nested-sfr-sections.xml"),
        "nested-sfr-sections.xml",
    );
    assert_eq!(sfr_ids(&doc), ["FCS_CKM.1", "FCS_COP.1", "FDP_RIP.1"]);
    // Prose inside the SFR chapters is kept; the chapters themselves are not prose.
    assert!(
        section_ids(&doc).contains(&"fcs-notes"),
        "{:?}",
        section_ids(&doc)
    );
    for chapter in [
        "Security_Functional_Requirements",
        "Security_Assurance_Requirements",
    ] {
        assert!(
            !section_ids(&doc).contains(&chapter),
            "{chapter} kept as prose: {:?}",
            section_ids(&doc)
        );
    }
}

#[test]
fn export_and_import_of_nested_sfr_sections_reach_a_fixed_point() {
    let mut xml = String::from_utf8(fixture("nested-sfr-sections.xml")).expect("utf-8");
    let mut exports = Vec::new();
    for round in 0..3 {
        let doc = import(xml.as_bytes(), &format!("round-{round}.xml"));
        assert_eq!(
            sfr_ids(&doc),
            ["FCS_CKM.1", "FCS_COP.1", "FDP_RIP.1"],
            "round {round}"
        );
        xml = dtsec_niap::export(&doc).expect("exports");
        assert_eq!(
            xml.matches("<sec:Security_Functional_Requirements").count(),
            1,
            "round {round}: {xml}"
        );
        exports.push(xml.clone());
    }
    assert_eq!(
        exports[1], exports[2],
        "the second and third exports differ"
    );
    assert!(
        exports[1].len() <= exports[0].len() + 64,
        "the export grows"
    );
}

#[test]
fn a_package_without_sfrs_does_not_grow_either() {
    let xml = "<?xml version=\"1.0\"?>\n\
        <Package xmlns=\"https://niap-ccevs.org/cc/v1\" xmlns:h=\"http://www.w3.org/1999/xhtml\" \
        xmlns:sec=\"https://niap-ccevs.org/cc/v1/section\">\
        <PPReference><ReferenceTable><PPTitle>Empty</PPTitle><PPVersion>1.0</PPVersion>\
        </ReferenceTable></PPReference><h:p>Nothing yet.</h:p></Package>";
    let first = dtsec_niap::export(&import(xml.as_bytes(), "empty.xml")).expect("exports");
    let second = dtsec_niap::export(&import(first.as_bytes(), "empty-1.xml")).expect("exports");
    let third = dtsec_niap::export(&import(second.as_bytes(), "empty-2.xml")).expect("exports");
    assert_eq!(second, third);
    assert_eq!(
        third.matches("Security_Functional_Requirements").count(),
        2,
        "one chapter, open and close: {third}"
    );
}
