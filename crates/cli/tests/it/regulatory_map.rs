//! `dtsec map`: mapping checks (codes, JSON and SARIF, exit 0/1/2), coverage reports (text,
//! JSON, CSV; ST and PP), and `dtsec explain` of the DT-MAP codes.

use crate::common::{repo_file, report, run, s};

fn fixture(name: &str) -> String {
    repo_file(&format!("crates/regulatory/tests/fixtures/mappings/{name}"))
}

#[test]
fn map_check_rejects_a_withdrawn_csf_id_with_exit_1_and_json_and_sarif_say_so() {
    let f = fixture("withdrawn-csf-id.yaml");
    let o = run(&["map", "check", &f, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", report(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "DT-MAP-002");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(9), Some(8))
    );
    let o = run(&[
        "map",
        "check",
        &fixture("edge-without-rationale.yaml"),
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", report(&o));
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["ruleId"] == "DT-MAP-003"));
}

#[test]
fn map_check_of_a_builtin_style_mapping_passes_and_bad_input_exits_2() {
    let good = repo_file("crates/regulatory/data/mappings/cdd-2.0--fda-2026.yaml");
    let o = run(&["map", "check", &good]);
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("m.yaml");
    std::fs::write(&bad, "kind: framework-mapping\nid: m\npp: {id: cdd, version: '2.0'}\nframework: {id: fda-2026, version: '2026-02-03'}\nedges:\n- {from: X, to: [A], relation: equal, rationale: r, status: reviewed}\n").unwrap();
    let o = run(&["map", "check", s(&bad)]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("m.yaml:6:"), "{err}");
    let missing = dir.path().join("absent.yaml");
    assert_eq!(run(&["map", "check", s(&missing)]).status.code(), Some(2));
}

#[test]
fn map_coverage_of_the_pump_st_as_json_csv_and_file() {
    let st = repo_file("examples/pump-st.yaml");
    let o = run(&[
        "map",
        "coverage",
        &st,
        "--framework",
        "fda",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["ok"], true);
    assert_eq!(json["target_kind"], "security-target");
    assert_eq!(json["pp"], "cdd 2.0");
    let scope = &json["scopes"][0];
    assert!(scope["role"].is_null());
    let items = scope["items"].as_array().unwrap();
    let h = items.iter().find(|i| i["id"] == "H").unwrap();
    assert_eq!(h["status"], "covered");
    let steps = h["paths"][0]["steps"].as_array().unwrap();
    assert_eq!(
        steps.last().unwrap().as_str().unwrap().chars().next(),
        Some('H')
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cov.csv");
    let o = run(&[
        "map",
        "coverage",
        &st,
        "--framework",
        "62443",
        "--format",
        "csv",
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    // The pump selects a keyed MAC for its stored settings: the choice reaches CR 3.4.
    assert!(csv.lines().any(|l| l.starts_with("st,CR 3.4,") && l.contains("FDP_SDI.2#sdi_mechanism=keyed-mac")), "{csv}");
}

#[test]
fn map_coverage_of_the_pp_per_role_and_its_errors() {
    let o = run(&[
        "map",
        "coverage",
        "cdd@2.0",
        "--framework",
        "csf",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let roles: Vec<&str> = json["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "therapy-delivery",
            "command-source",
            "sensor-source",
            "aid-host",
            "remote-display"
        ]
    );
    for (args, want) in [
        (
            vec!["map", "coverage", "cdd", "--framework", "hipaa"],
            "unknown framework",
        ),
        (
            vec![
                "map",
                "coverage",
                "cdd",
                "--framework",
                "fda",
                "--role",
                "pilot",
            ],
            "not a role",
        ),
        (
            vec!["map", "coverage", "nosuchpp", "--framework", "fda"],
            "neither a file nor a PP",
        ),
        (
            vec!["map", "coverage", "cdd@1.0", "--framework", "csf"],
            "no built-in mapping",
        ),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", report(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(want),
            "{args:?}: {}",
            report(&o)
        );
    }
    // A user's mapping with errors is refused before any coverage is derived from it.
    let o = run(&[
        "map",
        "coverage",
        "cdd",
        "--framework",
        "csf",
        "--mapping",
        &fixture("withdrawn-csf-id.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("DT-MAP-002"));
}

#[test]
fn explain_knows_the_map_codes() {
    for code in [
        "DT-MAP-001",
        "DT-MAP-002",
        "DT-MAP-003",
        "DT-MAP-004",
        "DT-MAP-005",
        "DT-MAP-006",
        "DT-MAP-007",
        "DT-MAP-008",
    ] {
        let o = run(&["explain", code]);
        assert_eq!(o.status.code(), Some(0), "{code}: {}", report(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains(code));
    }
    let list = run(&["explain"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("withdrawn-framework-item"));
}

/// `dtsec map ST --framework …` (the issue's own wording) is the coverage report; a usage error
/// in it is clap's (exit 2, naming the argument).
#[test]
fn map_target_is_shorthand_for_map_coverage() {
    let st = repo_file("examples/pump-st.yaml");
    for framework in ["fda", "csf", "81001", "62443"] {
        let long = run(&[
            "map",
            "coverage",
            &st,
            "--framework",
            framework,
            "--format",
            "csv",
        ]);
        let short = run(&["map", &st, "--framework", framework, "--format", "csv"]);
        assert_eq!(long.status.code(), Some(0), "{}", report(&long));
        assert_eq!(short.status.code(), Some(0), "{}", report(&short));
        assert_eq!(short.stdout, long.stdout, "{framework}");
    }
    let o = run(&["map", &st]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--framework"),
        "{}",
        report(&o)
    );
}
