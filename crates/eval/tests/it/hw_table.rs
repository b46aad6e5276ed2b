//! The hardware-device attack-potential table (review finding F20): a vulnerability rated with
//! it is judged by the table's own thresholds, the ETR names the table beside the factors, a
//! sealed bundle with it verifies, and a vulnerability file written before the table existed
//! (Annex B factors only) still loads and is judged as before.

use crate::common;

use dtsec_eval::bundle::{SignatureCheck, VerifyOptions, seal_workspace, verify_bundle};
use dtsec_eval::hw_potential::HwFactors;
use dtsec_eval::observations::NewVulnerability;
use dtsec_eval::report;
use dtsec_eval::vulns::{Outcome, Rating, RatingTable, Vulnerability, assess};
use dtsec_seal::SigningKey;

#[test]
fn hardware_rated_vulnerability_is_judged_reported_and_sealed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ws");
    let ws = common::init_pump(&dir);
    // Probing the secure element: 2+5+4+1+3+2 = 17 to identify, 3+2+0+0+4 = 9 to exploit.
    let f = HwFactors::parse(
        "week,expert,sensitive,under-30,specialised,restricted",
        "day,proficient,public,under-10,specialised",
    )
    .expect("valid levels");
    let v = ws
        .add_vuln(&NewVulnerability {
            title: "Microprobing the key store",
            description: "Depackage the SE and probe the bus during key load",
            factors: Rating::Hardware(Box::new(f)),
            units: &[],
            by: common::EVALUATORS[0],
        })
        .expect("vuln");
    let a = assess(&v, Some("AVA_VAN.3"));
    assert_eq!(a.table, RatingTable::Hardware);
    assert_eq!(a.total, Some(26));
    // 26 needs High potential under the hardware table; under Annex B's ranges it would
    // already be beyond High, so the table changes the verdict's reasoning, not only the label.
    assert_eq!(a.outcome, Outcome::Residual);
    assert!(a.reasoning.contains("hardware devices"), "{}", a.reasoning);
    assert_eq!(
        assess(&v, Some("AVA_VAN.5")).outcome,
        Outcome::Exploitable,
        "High is what AVA_VAN.5 resists"
    );

    let state = ws.load().expect("state");
    let html = report::report_html(&state);
    assert!(
        html.contains("hardware devices (JIL style): identification: time week"),
        "the ETR names the table beside the factors"
    );

    let key = SigningKey::generate();
    let sealed = seal_workspace(&ws, &key).expect("sealed");
    let vk = key.verifying_key();
    let check = verify_bundle(
        &sealed.to_json_pretty(),
        VerifyOptions {
            key: Some(&vk),
            evidence: None,
        },
    )
    .expect("verifies");
    assert!(check.is_valid(), "{:?}", check.problems);
    assert!(matches!(check.signature, SignatureCheck::Valid { .. }));
    let vulns = &sealed.payload["vulns"];
    assert!(
        vulns.to_string().contains("\"identification\""),
        "the bundle keeps the phases: {vulns}"
    );
}

#[test]
fn an_annex_b_entry_from_before_the_table_still_loads() {
    let old = r#"{"id":"V-1","title":"Replay","description":"","factors":{"elapsed_time":"one-week","expertise":"proficient","knowledge":"public","window":"easy","equipment":"specialised"},"status":"open","by":"Alice","at":"2025-01-01T00:00:00Z"}"#;
    let v: Vulnerability = serde_json::from_str(old).expect("old shape loads");
    assert_eq!(v.factors.table(), RatingTable::CemAnnexB);
    let a = assess(&v, Some("AVA_VAN.3"));
    assert_eq!(a.total, Some(1 + 3 + 1 + 4));
    assert_eq!(a.outcome, Outcome::Exploitable);
    // Written back byte for byte as before (no new field), so sealed digests do not move.
    assert_eq!(serde_json::to_string(&v).expect("serialises"), old);
}
