//! A sealed ETR bundle of the pump ST as SSP → AP → AR: all three validate with zero problems,
//! the AR has one finding per ST SFR and one risk per vulnerability, and output is
//! byte-identical for the same bundle.

use dtsec_eval::clock::TimeSource;
use dtsec_eval::evidence::EvidenceKind;
use dtsec_eval::observations::NewVulnerability;
use dtsec_eval::records::Verdict;
use dtsec_eval::vulns::{ElapsedTime, Equipment, Expertise, Factors, Knowledge, Window};
use dtsec_eval::{InitConfig, RecordRequest};
use dtsec_model::Library;
use dtsec_oscal::assessment::{Etr, assessment_plan, assessment_results, ssp};
use dtsec_oscal::validate;
use dtsec_oscal::validate::{Model, schema_problems};
use serde_json::Value;

use crate::common::{claimed_catalogs, example};

/// A sealed bundle's payload: the pump ST evaluated at a fixed time, every unit passed, one
/// residual vulnerability.
pub(crate) fn sealed_pump_payload(dir: &std::path::Path) -> Value {
    let (source, st) = example("pump-st.yaml");
    let library = Library::with_builtins();
    let evaluators = vec!["Alice Evaluator".to_string()];
    let ws = dtsec_eval::init_at(
        &dir.join("ws"),
        InitConfig {
            st_source: &source,
            st: &st,
            st_file_name: "pump-st.yaml",
            library: &library,
            lab: "Example Lab",
            sponsor: "Acme",
            evaluators: &evaluators,
            cc_xml: None,
        },
        TimeSource::Fixed(1_780_000_000),
    )
    .expect("workspace");
    let f = dir.join("design.txt");
    std::fs::write(&f, b"design notes").unwrap();
    let (item, _) = ws
        .add_evidence(&f, EvidenceKind::Design, "Alice Evaluator")
        .unwrap();
    let reqs: Vec<RecordRequest> = ws
        .plan()
        .unwrap()
        .units()
        .map(|u| RecordRequest {
            unit: u.unit.id.clone(),
            verdict: Some(Verdict::Pass),
            by: "Alice Evaluator".to_string(),
            evidence: vec![item.digest.clone()],
            note: None,
            observations: Vec::new(),
        })
        .collect();
    ws.record_many(&reqs).unwrap();
    let ava: Vec<String> = ws
        .plan()
        .unwrap()
        .units()
        .filter(|u| u.unit.id.starts_with("AVA_VAN"))
        .map(|u| u.unit.id.clone())
        .take(1)
        .collect();
    ws.add_vuln(&NewVulnerability {
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
        units: &ava,
        by: "Alice Evaluator",
    })
    .unwrap();
    let key = dtsec_seal::SigningKey::from_seed(&[7; 32]);
    dtsec_eval::bundle::seal_workspace(&ws, &key)
        .expect("sealed")
        .payload
}

#[test]
fn ssp_ap_ar_validate_and_carry_findings_and_risks() {
    let dir = tempfile::tempdir().unwrap();
    let payload = sealed_pump_payload(dir.path());
    let (source, st) = example("pump-st.yaml");
    let library = Library::with_builtins();
    let (_, catalogs) = claimed_catalogs(&st, &source, &library);
    let refs: Vec<&Value> = catalogs.iter().collect();
    let etr = Etr::from_payload(&payload, &st).unwrap();
    for (doc, model) in [
        (ssp(&etr), Model::SystemSecurityPlan),
        (assessment_plan(&etr), Model::AssessmentPlan),
        (assessment_results(&etr), Model::AssessmentResults),
    ] {
        let report = validate(&doc, &refs).unwrap();
        assert_eq!(report.model, model);
        assert!(
            report.problems.is_empty(),
            "{model:?}: {:#?}",
            &report.problems[..report.problems.len().min(8)]
        );
    }
    let ar = assessment_results(&etr);
    let result = &ar["assessment-results"]["results"][0];
    assert_eq!(result["findings"].as_array().unwrap().len(), st.sfrs.len());
    assert!(
        result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["target"]["status"]["state"] == "satisfied")
    );
    assert_eq!(
        result["observations"].as_array().unwrap().len(),
        etr.state.records.len()
    );
    let risks = result["risks"].as_array().unwrap();
    assert_eq!(risks.len(), 1);
    assert_eq!(
        risks[0]["status"], "deviation-approved",
        "a residual vulnerability"
    );

    // Mirrors the shared README's check: without `start` a result has exactly one error.
    let mut broken = ar.clone();
    broken["assessment-results"]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("start");
    assert_eq!(
        schema_problems(Model::AssessmentResults, &broken)
            .unwrap()
            .len(),
        1
    );

    // The same bundle gives the same bytes.
    let again = Etr::from_payload(&payload, &st).unwrap();
    assert_eq!(
        serde_json::to_string(&assessment_results(&again)).unwrap(),
        serde_json::to_string(&ar).unwrap()
    );
}

#[test]
fn a_failed_unit_makes_its_sfr_not_satisfied() {
    let dir = tempfile::tempdir().unwrap();
    let mut payload = sealed_pump_payload(dir.path());
    let (_, st) = example("pump-st.yaml");
    // Turn the record of one evaluation activity into a fail (the payload is not re-verified here).
    let plan: dtsec_eval::plan::Plan = serde_json::from_value(payload["plan"].clone()).unwrap();
    let ea = plan
        .units()
        .find(|u| u.class.id == "EA")
        .expect("an evaluation activity");
    let (unit, sfr) = (ea.unit.id.clone(), ea.component.id.clone());
    let records = payload["records"].as_array_mut().unwrap();
    for r in records.iter_mut().filter(|r| r["unit"] == unit.as_str()) {
        r["verdict"] = "fail".into();
    }
    payload["overall"] = "fail".into();
    let etr = Etr::from_payload(&payload, &st).unwrap();
    let ar = assessment_results(&etr);
    let findings = ar["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap();
    let f = findings
        .iter()
        .find(|f| f["props"][0]["value"] == sfr.as_str())
        .unwrap();
    assert_eq!(f["target"]["status"]["state"], "not-satisfied");
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["target"]["status"]["state"] == "not-satisfied")
            .count(),
        1
    );
}
