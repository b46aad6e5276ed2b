//! The provenance invariant: a section is "verified by an approved lab" only from an ETR whose
//! signature verified. The same sealed ETR with `signature_verified: false` earns no lab tag and
//! leaves the ETR among the missing inputs; with it, the lab sections carry the ETR's verdicts.

use std::path::Path;

use dtsec_model::Library;
use dtsec_premarket::{Block, Etr, Inputs, LabEvidence, Provenance};

/// The payload of a sealed bundle of the pump ST with every work unit passed.
fn sealed_payload(dir: &Path) -> serde_json::Value {
    let st_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    let (source, st) = dtsec_model::load_document(&st_path).unwrap();
    let library = Library::with_builtins();
    let evaluators = vec!["Alice".to_string()];
    let ws = dtsec_eval::init(
        &dir.join("ws"),
        dtsec_eval::InitConfig {
            st_source: &source,
            st: &st,
            st_file_name: "pump-st.yaml",
            library: &library,
            lab: "Example Lab",
            sponsor: "Acme",
            evaluators: &evaluators,
            cc_xml: None,
        },
    )
    .unwrap();
    let reqs: Vec<dtsec_eval::RecordRequest> = ws
        .plan()
        .unwrap()
        .units()
        .map(|u| dtsec_eval::RecordRequest {
            unit: u.unit.id.clone(),
            verdict: Some(dtsec_eval::records::Verdict::Pass),
            by: "Alice".to_string(),
            evidence: Vec::new(),
            note: None,
            observations: Vec::new(),
        })
        .collect();
    ws.record_many(&reqs).unwrap();
    let key = dtsec_seal::SigningKey::from_seed(&[9; 32]);
    dtsec_eval::bundle::seal_workspace(&ws, &key)
        .unwrap()
        .payload
}

#[test]
fn only_a_verified_signature_earns_the_lab_tag() {
    let dir = tempfile::tempdir().unwrap();
    let payload = sealed_payload(dir.path());
    let st_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    let (_, st) = dtsec_model::load_document(&st_path).unwrap();
    let library = Library::with_builtins();
    let build = |verified: bool| {
        let lab = LabEvidence {
            etr: Etr::from_payload(&payload, &st).unwrap(),
            signature_verified: verified,
        };
        let inputs = Inputs {
            st: &st,
            library: &library,
            lab: Some(&lab),
            sbom: None,
        };
        dtsec_premarket::build(&inputs).unwrap()
    };
    let unverified = build(false);
    assert!(
        unverified
            .sections
            .iter()
            .all(|s| s.provenance != Provenance::LabVerified)
    );
    assert!(unverified.missing.iter().any(|m| m.input.contains("ETR")));
    assert!(
        unverified
            .cover
            .iter()
            .any(|(k, v)| k == "ETR" && v.contains("not verified"))
    );

    let verified = build(true);
    let lab: Vec<&str> = verified
        .sections
        .iter()
        .filter(|s| s.provenance == Provenance::LabVerified)
        .map(|s| s.id)
        .collect();
    assert_eq!(
        lab,
        ["risk-management", "risk-assessment", "anomalies", "testing"]
    );
    assert!(!verified.missing.iter().any(|m| m.input.contains("ETR")));
    let Some(Block::Table { rows, .. }) = verified
        .section("risk-management")
        .unwrap()
        .blocks
        .iter()
        .find(|b| matches!(b, Block::Table { .. }))
    else {
        panic!("no traceability table");
    };
    assert!(rows.iter().all(|r| r[4] == "pass" || r[2].starts_with('(')));
    assert!(
        rows.iter().any(|r| r[3].contains("EA")),
        "no EA work unit in {rows:?}"
    );
    // The date is the ETR's sealing time, not the clock's.
    assert_eq!(verified.date, payload["sealed_at"].as_str().unwrap());
}
