//! Derived coverage: the CDD PP 2.0 per role against FDA Appendix 1, and the example pump ST,
//! whose coverage follows its selections.

use dtsec_model::{Document, Library, SourceFile, parse_document};
use dtsec_regulatory::coverage::{ItemCoverage, Status, derive};
use dtsec_regulatory::target::{MappingChoice, coverage_report};
use dtsec_regulatory::{Profile, builtin, framework};

fn pp(lib: &Library) -> &Document {
    &lib.find("cdd", "2.0").unwrap().document
}

fn fda_for_role(lib: &Library, role: &str) -> Vec<ItemCoverage> {
    let (_, mapping) = builtin::find("cdd", "2.0", "fda-2026").unwrap();
    let fda = framework::builtin("fda").unwrap();
    derive(
        pp(lib),
        &mapping,
        &fda,
        &Profile::for_pp_role(pp(lib), role),
    )
}

#[test]
fn fda_appendix_1_a_to_h_is_covered_for_every_role_of_the_cdd_pp_2_0() {
    let lib = Library::with_builtins();
    let roles: Vec<String> = pp(&lib).roles.iter().map(|r| r.id.value.clone()).collect();
    assert_eq!(roles.len(), 5);
    for role in &roles {
        let cov = fda_for_role(&lib, role);
        let gaps: Vec<&str> = cov
            .iter()
            .filter(|i| i.kind == "category" && i.status != Status::Covered)
            .map(|i| i.id.as_str())
            .collect();
        assert!(
            gaps.is_empty(),
            "role {role}: categories not covered by a mandatory SFR: {gaps:?}"
        );
        // The sub-item the PP leaves to the ST's choices: planning for a change of algorithms
        // (C.3) is reached only when an ST selects a post-quantum signature.
        let sub_gaps: Vec<&str> = cov
            .iter()
            .filter(|i| i.kind == "item" && i.status == Status::NotCovered)
            .map(|i| i.id.as_str())
            .collect();
        // Checking safety-critical commands (A.2) is the therapy device's duty in this PP (dose
        // limits, FDP_TCL_EXT.1): the roles that send or show data do not receive such commands.
        let expected: &[&str] = if role == "therapy-delivery" {
            &["C.3"]
        } else {
            &["A.2", "C.3"]
        };
        assert_eq!(sub_gaps, expected, "role {role}");
    }
}

#[test]
fn role_conditions_and_role_bound_sfrs_change_the_paths() {
    let lib = Library::with_builtins();
    let a2 = |role: &str| {
        fda_for_role(&lib, role)
            .into_iter()
            .find(|i| i.id == "A.2")
            .unwrap()
    };
    let pump = a2("therapy-delivery");
    assert!(
        pump.paths
            .iter()
            .any(|p| p.steps.contains(&"FDP_TCL_EXT.1".to_string()))
    );
    let sensor = a2("sensor-source");
    assert!(
        sensor
            .paths
            .iter()
            .all(|p| !p.steps.contains(&"FDP_TCL_EXT.1".to_string()))
    );
}

#[test]
fn paths_run_from_threat_through_objective_and_sfr_to_the_item() {
    let lib = Library::with_builtins();
    let cov = fda_for_role(&lib, "therapy-delivery");
    let f1 = cov.iter().find(|i| i.id == "F.1").unwrap();
    let p = f1
        .paths
        .iter()
        .find(|p| p.steps.contains(&"FAU_GEN.1".to_string()))
        .unwrap();
    assert_eq!(p.steps, ["P.USER_ALERT", "O.AUDIT", "FAU_GEN.1", "F.1"]);
    assert!(
        !p.reviewed,
        "the built-in edges await a specialist's review"
    );
}

fn pump_st(
    lib: &Library,
    edit: impl Fn(&str) -> String,
) -> dtsec_regulatory::report::CoverageReport {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    let text = edit(&std::fs::read_to_string(path).unwrap());
    let st = parse_document(&SourceFile::new("pump-st.yaml", text)).unwrap();
    coverage_report(&st, lib, "fda", None, MappingChoice::Builtin).unwrap()
}

#[test]
fn st_coverage_follows_the_sts_selections() {
    let lib = Library::with_builtins();
    let c3 = |r: &dtsec_regulatory::report::CoverageReport| {
        r.scopes[0]
            .items
            .iter()
            .find(|i| i.id == "C.3")
            .unwrap()
            .clone()
    };
    let as_written = pump_st(&lib, str::to_string);
    assert_eq!(as_written.target_kind, "security-target");
    assert_eq!(c3(&as_written).status, Status::NotCovered);
    let anchor = "      - ecdsa-p256\n- id: FCS_RBG.1";
    let with_pq = pump_st(&lib, |t| {
        assert!(
            t.contains(anchor),
            "the example changed; update the test's anchor"
        );
        t.replace(
            anchor,
            "      - ecdsa-p256\n      - ml-dsa\n- id: FCS_RBG.1",
        )
    });
    let c = c3(&with_pq);
    assert_eq!(c.status, Status::Covered);
    assert!(
        c.paths[0]
            .steps
            .contains(&"FCS_COP.1/SigVer#sigver_alg=ml-dsa".to_string())
    );
    // The pump's categories are all covered by what it claims.
    assert!(
        as_written.scopes[0]
            .items
            .iter()
            .filter(|i| i.kind == "category")
            .all(|i| i.status == Status::Covered)
    );
}

#[test]
fn report_renders_as_json_and_csv() {
    let lib = Library::with_builtins();
    let report = coverage_report(
        pp(&lib),
        &lib,
        "csf",
        Some("aid-host"),
        MappingChoice::Builtin,
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["framework"]["id"], "csf-2.0");
    assert_eq!(json["scopes"].as_array().unwrap().len(), 1);
    assert_eq!(json["scopes"][0]["role"], "aid-host");
    let items = json["scopes"][0]["items"].as_array().unwrap();
    // 6 functions, 22 categories and 106 subcategories are active in CSF 2.0.
    assert_eq!(items.len(), 134);
    let csv = report.to_csv();
    assert!(csv.starts_with("scope,item,kind,status,title,path,relation,reviewed\n"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("aid-host,PR.DS-02,subcategory,covered,"))
    );
    let err =
        coverage_report(pp(&lib), &lib, "csf", Some("pilot"), MappingChoice::Builtin).unwrap_err();
    assert!(err.to_string().contains("therapy-delivery"), "{err}");
}

#[test]
fn cdd_1_0_is_covered_per_toe_type_and_2_0_closes_its_b1_and_g2_gaps() {
    let lib = Library::with_builtins();
    let v1 = &lib.find("cdd", "1.0").unwrap().document;
    let report = coverage_report(v1, &lib, "fda", None, MappingChoice::Builtin).unwrap();
    assert_eq!(report.scopes.len(), 8, "one scope per CDD 1.0 TOE type");
    for scope in &report.scopes {
        let ty = scope.toe_type.as_deref().unwrap();
        assert!(scope.role.is_none());
        let gaps: Vec<&str> = scope
            .items
            .iter()
            .filter(|i| i.status == Status::NotCovered)
            .map(|i| i.id.as_str())
            .collect();
        assert!(
            gaps.iter().all(|g| g.contains('.')),
            "{ty}: a category is uncovered: {gaps:?}"
        );
        // 1.0 has no new-peer confirmation (B.1) and no mandatory resource quota on devices
        // (FRU_RSA.1 is the cloud's only); 2.0 has both for every role.
        assert!(gaps.contains(&"B.1"), "{ty}: {gaps:?}");
        assert_eq!(gaps.contains(&"G.2"), ty != "TT.CLOUD", "{ty}: {gaps:?}");
    }
    for role in ["therapy-delivery", "sensor-source"] {
        let cov = fda_for_role(&lib, role);
        for id in ["B.1", "G.2"] {
            let item = cov.iter().find(|i| i.id == id).unwrap();
            assert_eq!(item.status, Status::Covered, "2.0, {role}, {id}");
        }
    }
}

#[test]
fn lab_results_mark_each_mapped_sfr_verified_or_asserted() {
    use dtsec_regulatory::evidence::{EvidenceStatus, LabResults, LabVerdict};
    let lib = Library::with_builtins();
    let plain = pump_st(&lib, str::to_string);
    assert!(plain.evidence.is_none());
    let json: serde_json::Value = serde_json::from_str(&plain.to_json()).unwrap();
    assert!(json["evidence"].is_null());
    assert!(json["scopes"][0]["items"][0]["evidence"].is_null());
    // Take the SFR of H's first path: the lab passed it; another SFR failed; the rest have no
    // work units and stay asserted.
    let h = plain.scopes[0].items.iter().find(|i| i.id == "H").unwrap();
    let passed = h.paths[0].sfr.clone().expect("a TOE path names its SFR");
    let other = plain.scopes[0]
        .items
        .iter()
        .flat_map(|i| &i.paths)
        .filter_map(|p| p.sfr.clone())
        .find(|s| *s != passed)
        .unwrap();
    let lab = LabResults {
        lab: "Example Lab".to_string(),
        sealed_at: "2026-01-02T03:04:05Z".to_string(),
        verdicts: [
            (passed.clone(), LabVerdict::Pass),
            (other.clone(), LabVerdict::Fail),
        ]
        .into_iter()
        .collect(),
    };
    let report = pump_st(&lib, str::to_string).with_lab_results(&lab);
    let e = report.evidence.as_ref().unwrap();
    assert_eq!(e.sfrs[&passed], EvidenceStatus::LabVerified);
    assert_eq!(e.sfrs[&other], EvidenceStatus::LabFailed);
    assert!(
        e.sfrs
            .iter()
            .filter(|(s, _)| **s != passed && **s != other)
            .all(|(_, st)| *st == EvidenceStatus::Asserted)
    );
    let h = report.scopes[0].items.iter().find(|i| i.id == "H").unwrap();
    assert_eq!(report.item_evidence(h), Some(EvidenceStatus::LabVerified));
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["evidence"]["lab"], "Example Lab");
    let first = &json["scopes"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "H")
        .unwrap()["paths"][0];
    assert_eq!(first["sfr"], passed.as_str());
    assert_eq!(first["evidence"], "lab-verified");
    let text = report.to_text();
    assert!(text.contains("1 of "), "{text}");
    assert!(
        text.contains(&format!("[{passed}: verified by an approved lab]")),
        "{text}"
    );
    assert!(
        text.contains(&format!("[{other}: failed in the lab's evaluation]")),
        "{text}"
    );
    assert!(text.contains("asserted by the manufacturer"), "{text}");
    let csv = report.to_csv();
    assert!(csv.starts_with("scope,item,kind,status,title,path,relation,reviewed,sfr,evidence\n"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("st,H,") && l.ends_with(&format!(",{passed},lab-verified"))),
        "{csv}"
    );
}
