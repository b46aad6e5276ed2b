//! An evaluation of the example pump ST at Enhanced-Basic from start to sealed, verified ETR:
//! once to a pass, once with one failing work unit (citing an observation report) to a fail.

use crate::common;

use dtsec_eval::bundle::{
    SignatureCheck, VerifyOptions, seal_workspace, state_from_payload, verify_bundle,
};
use dtsec_eval::observations::{NewObservation, NewVulnerability, Severity};
use dtsec_eval::records::Verdict;
use dtsec_eval::rollup::roll_up;
use dtsec_eval::vulns::{
    ElapsedTime, Equipment, Expertise, Factors, Knowledge, Outcome, Window, assess,
};
use dtsec_eval::{RecordRequest, report, status};
use dtsec_seal::SigningKey;

#[test]
fn pump_evaluation_passes_and_verifies() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ws");
    let ws = common::init_pump(&dir);
    let eval = ws.evaluation().expect("evaluation.json");
    assert_eq!(eval.assurance.ava_van.as_deref(), Some("AVA_VAN.3"));
    assert_eq!(eval.assurance.packages, vec!["cdd-eb 1.0".to_string()]);
    let st_bytes = std::fs::read(common::pump_st()).expect("st");
    assert_eq!(eval.st.sha256, dtsec_seal::sha256_hex(&st_bytes));
    assert_eq!(
        std::fs::read(dir.join(&eval.st.file)).expect("st copy"),
        st_bytes
    );

    let design = common::add_evidence(&ws, tmp.path(), "design.pdf", b"%PDF-1.7 design");
    let guidance = common::add_evidence(&ws, tmp.path(), "guidance.pdf", b"guidance text");
    assert_ne!(design, guidance);
    // Adding the same file again stores nothing new.
    let again = common::add_evidence(&ws, tmp.path(), "design.pdf", b"%PDF-1.7 design");
    assert_eq!(again, design);
    assert_eq!(ws.evidence().expect("manifest").items.len(), 2);

    // A test case for a test activity, run and passed, with a log as evidence.
    let t = ws
        .add_test(
            "EA:FCS_COP.1/Hash:test-1",
            "SHA-256 known answers",
            &["send the NIST vectors".into(), "compare digests".into()],
            "all digests match",
            common::EVALUATORS[1],
        )
        .expect("test added");
    let log = common::add_evidence(&ws, tmp.path(), "hash-test.log", b"ok 1..64");
    ws.test_result(
        &t.id,
        Verdict::Pass,
        "64/64 matched",
        std::slice::from_ref(&log),
        common::EVALUATORS[1],
    )
    .expect("result recorded");

    // A residual vulnerability (needs more than Enhanced-Basic potential).
    let v = ws
        .add_vuln(&NewVulnerability {
            title: "Fault injection on the secure element",
            description: "Glitching the SE during signature verification",
            factors: Factors {
                elapsed_time: ElapsedTime::TwoMonths,
                expertise: Expertise::Expert,
                knowledge: Knowledge::Restricted,
                window: Window::Moderate,
                equipment: Equipment::Bespoke,
            }
            .into(),
            units: &["AVA_VAN.3-1".to_string()],
            by: common::EVALUATORS[0],
        })
        .expect("vuln");
    assert_eq!(assess(&v, Some("AVA_VAN.3")).outcome, Outcome::Residual);

    let before = ws.load().expect("state");
    assert_eq!(
        roll_up(&before.plan, &before.records).overall,
        Verdict::Inconclusive
    );

    common::pass_everything(&ws, &design);
    let state = ws.load().expect("state");
    let rollup = roll_up(&state.plan, &state.records);
    assert_eq!(rollup.overall, Verdict::Pass);
    assert_eq!(rollup.counts.pass, state.plan.unit_count());
    let text = status::status_text(&state);
    assert!(text.contains("overall  PASS"), "{text}");
    assert!(text.contains("ADV  ██████████"), "{text}");

    // Reports.
    let html = report::report_html(&state);
    for s in [
        "1 TOE and ST identification",
        "2 Evaluation summary",
        "3 Verdicts per class",
        "4 Observation reports",
        "5 Test summary",
        "6 Vulnerability analysis",
        "7 Evidence manifest",
        "Overall verdict: PASS",
        &design,
    ] {
        assert!(html.contains(s), "HTML lacks {s}");
    }
    let pdf = report::report_pdf(&state);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(report::report_doc(&state).page_count() > 5);

    // Seal and verify, with the evidence in the workspace.
    let key = SigningKey::generate();
    let sealed = seal_workspace(&ws, &key).expect("sealed");
    let text = sealed.to_json_pretty();
    let vk = key.verifying_key();
    let v = verify_bundle(
        &text,
        VerifyOptions {
            key: Some(&vk),
            evidence: Some(&dir),
        },
    )
    .expect("verifies");
    assert!(v.is_valid(), "{:?} {:?}", v.signature, v.problems);
    assert_eq!(v.overall, Some(Verdict::Pass));
    // Another lab's key is not accepted.
    let other = SigningKey::generate().verifying_key();
    let v = verify_bundle(
        &text,
        VerifyOptions {
            key: Some(&other),
            evidence: None,
        },
    )
    .expect("reads");
    assert!(matches!(v.signature, SignatureCheck::NotSignedByKey { .. }));
    assert!(!v.is_intact());

    // Whoever holds only the bundle renders the very report the lab saw (the registry's ETR
    // review); a bundle without a section says which.
    let from_bundle = state_from_payload(&sealed.payload).expect("state from the bundle");
    assert_eq!(
        report::report_html(&from_bundle),
        report::report_html(&ws.load().expect("state"))
    );
    let mut broken = sealed.payload.clone();
    broken.as_object_mut().unwrap().remove("vulns");
    let e = state_from_payload(&broken).unwrap_err().to_string();
    assert!(e.contains("`vulns`"), "{e}");
}

#[test]
fn one_failing_work_unit_fails_the_evaluation() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ws");
    let ws = common::init_pump(&dir);
    let design = common::add_evidence(&ws, tmp.path(), "design.pdf", b"design");
    common::pass_everything(&ws, &design);

    // A fail without an observation report is refused.
    let mut req = RecordRequest {
        unit: "ADV_FSP.3-4".into(),
        verdict: Some(Verdict::Fail),
        by: common::EVALUATORS[1].into(),
        evidence: vec![design[..15].to_string()],
        note: Some("two GATT characteristics are missing from the FSP".into()),
        observations: Vec::new(),
    };
    let err = ws.record(&req).expect_err("needs an OR");
    assert!(err.to_string().contains("observation report"), "{err}");

    let or = ws
        .add_observation(&NewObservation {
            title: "FSP omits the service characteristics",
            severity: Severity::Major,
            description: "The BLE service interface is incomplete.",
            units: &["ADV_FSP.3-4".to_string()],
            by: common::EVALUATORS[1],
        })
        .expect("OR");
    assert_eq!(or.id, "OR-1");
    req.observations = vec![or.id.clone()];
    let rec = ws.record(&req).expect("fail recorded");
    assert!(
        rec.replaces.is_some(),
        "the fail replaces the pass, which stays in the history"
    );
    assert_eq!(
        rec.evidence,
        vec![design.clone()],
        "prefix resolved to the full digest"
    );

    let state = ws.load().expect("state");
    let rollup = roll_up(&state.plan, &state.records);
    assert_eq!(rollup.overall, Verdict::Fail);
    assert_eq!(rollup.class("ADV").map(|c| c.verdict), Some(Verdict::Fail));
    assert_eq!(rollup.class("AGD").map(|c| c.verdict), Some(Verdict::Pass));
    assert_eq!(rollup.counts.fail, 1);
    assert_eq!(
        state.records.len(),
        state.plan.unit_count() + 1,
        "history is kept"
    );

    let key = SigningKey::generate();
    let sealed = seal_workspace(&ws, &key).expect("sealed");
    assert_eq!(sealed.payload["overall"], "fail");
    let vk = key.verifying_key();
    let v = verify_bundle(
        &sealed.to_json_pretty(),
        VerifyOptions {
            key: Some(&vk),
            evidence: Some(&dir),
        },
    )
    .expect("verifies");
    assert!(v.is_valid(), "{:?}", v.problems);
    assert_eq!(v.overall, Some(Verdict::Fail));
    let html = report::report_html(&state);
    assert!(html.contains("OR-1") && html.contains("Overall verdict: FAIL"));

    // An exploitable vulnerability is reported against a passed AVA class.
    ws.add_vuln(&NewVulnerability {
        title: "Replay of bolus commands",
        description: "",
        factors: Factors {
            elapsed_time: ElapsedTime::OneWeek,
            expertise: Expertise::Proficient,
            knowledge: Knowledge::Public,
            window: Window::Easy,
            equipment: Equipment::Specialised,
        }
        .into(),
        units: &[],
        by: common::EVALUATORS[0],
    })
    .expect("vuln");
    let state = ws.load().expect("state");
    let text = status::status_text(&state);
    assert!(
        text.contains("V-1") && text.contains("exploitable"),
        "{text}"
    );
}

/// A workspace with a fixed time source dates everything it writes by it — creation, verdicts,
/// the seal — and a reopened workspace goes back to the clock.
#[test]
fn a_fixed_time_source_dates_the_whole_evaluation() {
    use dtsec_eval::clock::TimeSource;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let (source, doc) = dtsec_model::load_document(&common::pump_st()).unwrap();
    let lib = dtsec_model::Library::with_builtins();
    let evaluators = vec!["Alice".to_string()];
    let ws = dtsec_eval::init_at(
        &dir,
        dtsec_eval::InitConfig {
            st_source: &source,
            st: &doc,
            st_file_name: "pump-st.yaml",
            library: &lib,
            lab: "Lab",
            sponsor: "Sponsor",
            evaluators: &evaluators,
            cc_xml: None,
        },
        TimeSource::Fixed(1_700_000_000),
    )
    .unwrap()
    .with_time(TimeSource::Fixed(1_700_086_400));
    assert_eq!(ws.evaluation().unwrap().created_at, "2023-11-14T22:13:20Z");
    let unit = ws.plan().unwrap().units().next().unwrap().unit.id.clone();
    ws.record(&dtsec_eval::RecordRequest {
        unit,
        verdict: Some(dtsec_eval::records::Verdict::Pass),
        by: "Alice".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(ws.records().unwrap()[0].at, "2023-11-15T22:13:20Z");
    let key = dtsec_seal::SigningKey::generate();
    let sealed = dtsec_eval::bundle::seal_workspace(&ws, &key).unwrap();
    assert_eq!(sealed.payload["sealed_at"], "2023-11-15T22:13:20Z");
    let reopened = dtsec_eval::Workspace::open(&dir).unwrap();
    let resealed = dtsec_eval::bundle::seal_workspace(&reopened, &key).unwrap();
    assert_ne!(resealed.payload["sealed_at"], "2023-11-15T22:13:20Z");
}
