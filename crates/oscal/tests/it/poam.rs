//! The POA&M of a sealed ETR bundle: its one residual vulnerability becomes one item with its
//! risk, the document validates against the NIST schema with zero problems and is
//! byte-identical on re-run; a bundle with nothing unresolved is refused.

use dtsec_oscal::assessment::{Etr, assessment_results};
use dtsec_oscal::poam::poam;
use dtsec_oscal::validate::Model;
use dtsec_oscal::{OscalError, validate};

use crate::assessment::sealed_pump_payload;
use crate::common::example;

#[test]
fn residual_vulnerabilities_become_poam_items_that_validate() {
    let dir = tempfile::tempdir().unwrap();
    let payload = sealed_pump_payload(dir.path());
    let (_, st) = example("pump-st.yaml");
    let etr = Etr::from_payload(&payload, &st).unwrap();
    let doc = poam(&etr).unwrap();
    let report = validate(&doc, &[]).unwrap();
    assert_eq!(report.model, Model::Poam);
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    let p = &doc["plan-of-action-and-milestones"];
    let items = p["poam-items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(
        items[0]["title"]
            .as_str()
            .unwrap()
            .contains("Fault injection")
    );
    assert_eq!(p["risks"][0]["status"], "deviation-approved");
    // The item points at its risk, and the risk is the AR's risk for the same vulnerability.
    let risk = p["risks"][0]["uuid"].as_str().unwrap();
    assert_eq!(items[0]["related-risks"][0]["risk-uuid"], risk);
    let ar = assessment_results(&etr);
    assert_eq!(
        ar["assessment-results"]["results"][0]["risks"][0]["uuid"],
        risk
    );
    assert_eq!(
        serde_json::to_string(&doc).unwrap(),
        serde_json::to_string(&poam(&Etr::from_payload(&payload, &st).unwrap()).unwrap()).unwrap()
    );
    // Deleting a required field is caught by the schema.
    let mut broken = doc.clone();
    broken["plan-of-action-and-milestones"]["poam-items"][0]
        .as_object_mut()
        .unwrap()
        .remove("description");
    assert_eq!(validate(&broken, &[]).unwrap().problems.len(), 1);
}

#[test]
fn a_bundle_with_nothing_unresolved_has_no_poam() {
    let dir = tempfile::tempdir().unwrap();
    let mut payload = sealed_pump_payload(dir.path());
    // The same bundle without its vulnerability (no signature is checked at this layer).
    payload["vulns"] = serde_json::json!([]);
    let (_, st) = example("pump-st.yaml");
    match Etr::from_payload(&payload, &st) {
        Ok(etr) => assert!(matches!(poam(&etr), Err(OscalError::NothingToPlan))),
        Err(e) => panic!("the payload without vulnerabilities should still read: {e}"),
    }
}
