//! `dtsec map coverage ST --etr BUNDLE --key LAB.pub`: the coverage of the example pump joined
//! with a sealed demo ETR (every mapped SFR with work units verified by the lab, the others
//! asserted by the manufacturer; text, JSON and CSV), and a bundle that does not verify or a
//! PP given with an ETR refused with exit 2.

use crate::common::{repo_file, report, run, s};
use crate::premarket::sealed_bundle;

#[test]
fn coverage_with_a_sealed_etr_marks_mapped_sfrs_lab_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, public) = sealed_bundle(dir.path());
    let st = repo_file("examples/pump-st.yaml");
    let args = |format: &'static str| {
        vec![
            "map".to_string(),
            "coverage".to_string(),
            st.clone(),
            "--framework".to_string(),
            "fda".to_string(),
            "--etr".to_string(),
            s(&bundle).to_string(),
            "--key".to_string(),
            s(&public).to_string(),
            "--format".to_string(),
            format.to_string(),
        ]
    };
    let run_with = |format| {
        let a = args(format);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(&a);
        assert_eq!(o.status.code(), Some(0), "{}", report(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run_with("json")).unwrap();
    let evidence = &json["evidence"];
    assert_eq!(evidence["lab"], "Example Lab");
    let sfrs = evidence["sfrs"].as_array().unwrap();
    assert!(!sfrs.is_empty());
    // Every unit passed: an SFR with evaluation activities is verified; one without any is
    // only asserted (the CLI never upgrades it from the overall verdict).
    let verified = sfrs
        .iter()
        .filter(|s| s["status"] == "lab-verified")
        .count();
    assert!(verified > 0, "{evidence}");
    assert!(
        sfrs.iter()
            .all(|s| s["status"] == "lab-verified" || s["status"] == "asserted"),
        "{evidence}"
    );
    let scope = &json["scopes"][0];
    assert!(scope["lab_verified"].as_u64().unwrap() > 0);
    for item in scope["items"].as_array().unwrap() {
        match item["status"].as_str().unwrap() {
            "covered" => assert!(item["evidence"].is_string(), "{item}"),
            _ => assert!(item["evidence"].is_null(), "{item}"),
        }
    }
    let text = run_with("text");
    assert!(
        text.contains("evidence: ETR sealed by Example Lab"),
        "{text}"
    );
    assert!(text.contains("verified by an approved lab"), "{text}");
    let csv = run_with("csv");
    assert!(csv.starts_with("scope,item,kind,status,title,path,relation,reviewed,sfr,evidence\n"));
    assert!(csv.lines().any(|l| l.ends_with(",lab-verified")), "{csv}");

    // Without the ETR the same report says nothing about evidence.
    let o = run(&[
        "map",
        "coverage",
        &st,
        "--framework",
        "fda",
        "--format",
        "json",
    ]);
    let plain: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(plain["evidence"].is_null());
}

#[test]
fn coverage_refuses_an_etr_that_does_not_verify_or_a_pp_with_an_etr() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, _) = sealed_bundle(dir.path());
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let (_, wrong_key) = sealed_bundle(&other);
    let st = repo_file("examples/pump-st.yaml");
    let o = run(&[
        "map",
        "coverage",
        &st,
        "--framework",
        "fda",
        "--etr",
        s(&bundle),
        "--key",
        s(&wrong_key),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("etr.bundle.json"), "{err}");
    assert!(err.contains("does not verify"), "{err}");
    let o = run(&[
        "map",
        "coverage",
        "cdd@2.0",
        "--framework",
        "fda",
        "--etr",
        s(&bundle),
        "--key",
        s(&wrong_key),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a Security Target"));
    let o = run(&[
        "map",
        "coverage",
        &st,
        "--framework",
        "fda",
        "--etr",
        s(&bundle),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
}
