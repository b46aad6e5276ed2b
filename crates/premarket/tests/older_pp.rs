//! An ST of the CDD PP 1.0 (the registry's oldest certificates) gets the whole package: dtsec
//! maps §524B for the 2.0 PP only, so the statement is left to be authored instead of the build
//! failing, while the Appendix 1 controls section keeps its derived coverage.

use std::path::Path;

use dtsec_model::Library;
use dtsec_premarket::{Inputs, Provenance};

#[test]
fn a_cdd_1_0_st_gets_the_package_with_the_524b_statement_to_be_authored() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/v1/pump-st.yaml");
    let (_, st) = dtsec_model::load_document(&path).unwrap();
    let library = Library::with_builtins();
    let package = dtsec_premarket::build(&Inputs {
        st: &st,
        library: &library,
        lab: None,
        sbom: None,
    })
    .unwrap();
    assert_eq!(package.sections.len(), 13);
    let s524 = package
        .sections
        .iter()
        .find(|s| s.id == "statement-524b")
        .unwrap();
    assert_eq!(s524.provenance, Provenance::ToBeAuthored);
    let controls = package
        .sections
        .iter()
        .find(|s| s.id == "controls")
        .unwrap();
    assert_ne!(controls.provenance, Provenance::ToBeAuthored);
    let html = dtsec_premarket::html::render(&package);
    assert!(html.contains("no §524B mapping for the PP this ST claims"));
}
