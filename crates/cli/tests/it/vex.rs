//! `dtsec cvss score` and `dtsec vex …` end to end: scores and refusals (exit 2, JSON says
//! `"ok": false`), an assessment recorded, revised and shown with its FDA clocks, exported in
//! the three formats and imported back into a fresh store unchanged, and bad input refused
//! with the rule and the place.

use serde_json::Value;

use crate::common::{report, run, s, text};

const ASSESSMENT: &str = r#"{
  "vuln": {"id": "CVE-2026-0001", "aliases": ["GHSA-aaaa-bbbb-cccc"]},
  "product": {"name": "Example Pump", "version": "2.1.0",
              "sbom_serial": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "sbom_version": 1},
  "components": [{"bom_ref": "ble-stack", "purl": "pkg:generic/acme-ble@4.2"}],
  "status": {"state": "affected", "action": "Disable remote bolus until 2.1.1.", "responses": ["update"]},
  "scores": [{"source": "advisory", "vector": "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "score": 8.8}],
  "clinical": {"essential_performance_affected": true, "severity_of_harm": "critical",
               "exploitability": "high", "risk": "uncontrolled", "rationale": "Forged bolus commands."},
  "cc": {"rating": {"elapsed_time": "one-week", "expertise": "proficient", "knowledge": "public",
                    "window": "easy", "equipment": "specialised"}, "claimed_ava_van": "AVA_VAN.3"},
  "dates": {"aware": "2026-01-01"},
  "regulatory": {"isao_member": true, "serious_adverse_events_known": false}
}"#;

const ID: &str = "CVE-2026-0001/Example Pump@2.1.0";

#[test]
fn cvss_score_text_and_json() {
    let o = run(&[
        "cvss",
        "score",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    ]);
    assert!(o.status.success(), "{}", report(&o));
    assert!(
        text(&o).contains("score:         9.8 (critical)"),
        "{}",
        report(&o)
    );
    let o = run(&[
        "cvss",
        "score",
        "--format",
        "json",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N/S:P",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["safety"][0], "S:P");
    assert_eq!(v["nomenclature"], "CVSS-B");
}

#[test]
fn cvss_score_refuses_bad_vectors_with_exit_2() {
    let o = run(&[
        "cvss",
        "score",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(
        text(&o).contains("metric `A` appears twice"),
        "{}",
        report(&o)
    );
    let o = run(&["cvss", "score", "--format", "json", "AV:N/AC:L"]);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert!(v["error"].as_str().unwrap().contains("prefix"));
}

#[test]
fn record_revise_show_export_import() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let file = dir.path().join("a.json");
    std::fs::write(&file, ASSESSMENT).unwrap();
    let env_run = |args: &[&str]| {
        crate::common::dtsec(
            args,
            &[("NO_COLOR", "1"), ("SOURCE_DATE_EPOCH", "1767571200")],
        )
    };
    let o = env_run(&["vex", "new", "--store", s(&store), s(&file)]);
    assert!(o.status.success(), "{}", report(&o));
    // Recording it twice as new is refused.
    let o = env_run(&["vex", "new", "--store", s(&store), s(&file)]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));

    let o = env_run(&[
        "vex",
        "show",
        "--store",
        s(&store),
        ID,
        "--as-of",
        "2026-03-03",
    ]);
    let t = text(&o);
    assert!(
        t.contains("fix due 2026-03-02 (overdue)")
            && t.contains("customers due 2026-01-31 (overdue)"),
        "{t}"
    );
    assert!(t.contains("exploitable at the claimed level: true"), "{t}");
    assert!(t.contains("806:          report expected"), "{t}");

    let o = env_run(&[
        "vex",
        "set",
        "--store",
        s(&store),
        ID,
        "--date",
        "customers_notified=2026-01-20",
    ]);
    assert!(o.status.success(), "{}", report(&o));
    let o = env_run(&[
        "vex",
        "set",
        "--store",
        s(&store),
        ID,
        "--context-score",
        "manufacturer=CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L/CR:H",
    ]);
    assert!(o.status.success(), "{}", report(&o));
    let o = env_run(&[
        "vex",
        "set",
        "--store",
        s(&store),
        ID,
        "--context-score",
        "advisory=CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(
        text(&o).contains("/scores/2/device_context"),
        "{}",
        report(&o)
    );
    let o = env_run(&[
        "vex",
        "show",
        "--store",
        s(&store),
        ID,
        "--as-of",
        "2026-02-01",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["history"].as_array().unwrap().len(), 3);
    assert_eq!(
        v["latest"]["assessment"]["scores"][1]["device_context"],
        true
    );
    assert_eq!(v["latest"]["assessment"]["scores"][0]["score"], 8.8);
    assert_eq!(v["history"][1]["replaces"], v["history"][0]["hash"]);
    assert_eq!(v["history"][2]["replaces"], v["history"][1]["hash"]);
    assert_eq!(v["clocks"]["communication"], "met");

    for format in ["cyclonedx", "csaf", "openvex"] {
        let out = dir.path().join(format!("{format}.json"));
        let o = env_run(&[
            "vex",
            "export",
            "--store",
            s(&store),
            "--format",
            format,
            "--author",
            "Example Pumps",
            "-o",
            s(&out),
        ]);
        assert!(o.status.success(), "{}", report(&o));
        let fresh = dir.path().join(format!("fresh-{format}"));
        let o = env_run(&[
            "vex",
            "import",
            "--store",
            s(&fresh),
            "--format",
            format,
            s(&out),
        ]);
        assert!(o.status.success(), "{}", report(&o));
        let shown = |st: &std::path::Path| {
            let o = env_run(&[
                "vex",
                "show",
                "--store",
                s(st),
                ID,
                "--format",
                "json",
                "--as-of",
                "2026-02-01",
            ]);
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            v["latest"]["assessment"].clone()
        };
        assert_eq!(shown(&fresh), shown(&store), "{format}");
        // Importing the same document again records nothing new.
        let o = env_run(&[
            "vex",
            "import",
            "--store",
            s(&fresh),
            "--format",
            format,
            s(&out),
        ]);
        assert!(text(&o).contains("0 new versions"), "{}", report(&o));
    }

    // Issue 13: the store holds three versions, so the CSAF document is version 3 with
    // revisions 1, 2 and 3 (6.1.21), and `--doc-version 1` states the first version only.
    let csaf: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("csaf.json")).unwrap()).unwrap();
    let tracking = &csaf["document"]["tracking"];
    assert_eq!(tracking["version"], "3");
    let numbers: Vec<&str> = tracking["revision_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    let export_at = |version: &str| {
        let out = dir.path().join(format!("csaf-{version}.json"));
        let o = env_run(&[
            "vex",
            "export",
            "--store",
            s(&store),
            "--format",
            "csaf",
            "--author",
            "Example Pumps",
            "--doc-version",
            version,
            "-o",
            s(&out),
        ]);
        (o, out)
    };
    let (o, out) = export_at("1");
    assert!(o.status.success(), "{}", report(&o));
    let first: Value = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    assert_eq!(first["document"]["tracking"]["version"], "1");
    assert_eq!(
        first["document"]["tracking"]["revision_history"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (o, _) = export_at("4");
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(text(&o).contains("1 to 3"), "{}", report(&o));
}

#[test]
fn bad_assessment_and_bad_document_exit_2_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let file = dir.path().join("a.json");
    std::fs::write(
        &file,
        ASSESSMENT.replace("\"score\": 8.8", "\"score\": 9.9"),
    )
    .unwrap();
    let o = run(&["vex", "new", "--store", s(&store), s(&file)]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(text(&o).contains("/scores/0/score"), "{}", report(&o));

    std::fs::write(&file, "{\"vuln\": 1}").unwrap();
    let o = run(&["vex", "new", "--store", s(&store), s(&file)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("a.json:1:"), "{}", report(&o));

    let doc = dir.path().join("bad.json");
    std::fs::write(
        &doc,
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}"#,
    )
    .unwrap();
    let o = run(&[
        "vex",
        "import",
        "--store",
        s(&store),
        "--format",
        "openvex",
        s(&doc),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(text(&o).contains("schema"), "{}", report(&o));
}

/// Issue 13: an OpenVEX document another tool wrote imports with `--sbom` and `--product`,
/// tied to the SBOM's components; what it lacks is an exit-2 error naming the statement and the
/// flag, until the flag gives it. The OASIS CSAF examples import the same way (when `../shared`
/// is there).
#[test]
fn foreign_vex_documents_import_tied_to_the_sbom() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let doc = dir.path().join("other.openvex.json");
    std::fs::write(
        &doc,
        serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://other.example/vex/1",
            "author": "Other Tool",
            "timestamp": "2026-01-05T10:00:00Z",
            "version": 1,
            "statements": [
                {"vulnerability": {"name": "CVE-2026-0101"},
                 "products": [{"@id": "pkg:cargo/nimbus-ble@1.4.2"}],
                 "status": "affected", "action_statement": "Update the pump firmware to 2.0.1."},
                {"vulnerability": {"name": "CVE-2026-0102"},
                 "products": [{"@id": "pkg:cargo/dose-math@0.9.1"}],
                 "status": "fixed"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let sbom = crate::common::repo_file("examples/postmarket/pump-sbom.cdx.json");
    let import = |extra: &[&str]| {
        let mut args = vec![
            "vex",
            "import",
            "--store",
            s(&store),
            "--format",
            "openvex",
            s(&doc),
            "--sbom",
            &sbom,
            "--product",
            "Acme Nimbus Pump firmware@2.0.0",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let o = import(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(
        text(&o).contains("/statements/0") && text(&o).contains("--response"),
        "{}",
        report(&o)
    );
    let o = import(&["--response", "update"]);
    assert!(o.status.success(), "{}", report(&o));
    assert!(text(&o).contains("2 new versions"), "{}", report(&o));
    let o = run(&[
        "vex",
        "show",
        "--store",
        s(&store),
        "CVE-2026-0101/Acme Nimbus Pump firmware@2.0.0",
        "--format",
        "json",
        "--as-of",
        "2026-02-01",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = &v["latest"]["assessment"];
    assert_eq!(a["status"]["state"], "affected");
    assert_eq!(a["status"]["responses"][0], "update");
    assert_eq!(a["components"][0]["bom_ref"], "ble-stack");
    assert_eq!(
        a["product"]["sbom_serial"],
        "urn:uuid:5b0d7a4e-8c1f-4c61-9b0e-2f3c4d5e6f70"
    );

    // A product the SBOM does not describe: exit 2, saying so.
    let o = run(&[
        "vex",
        "import",
        "--store",
        s(&store),
        "--format",
        "openvex",
        s(&doc),
        "--sbom",
        &sbom,
        "--product",
        "Other Device@1.0",
        "--response",
        "update",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
    assert!(
        text(&o).contains("the SBOM describes Acme Nimbus Pump firmware 2.0.0"),
        "{}",
        report(&o)
    );
    // --product without --sbom is a usage error.
    let o = run(&[
        "vex",
        "import",
        "--store",
        s(&store),
        "--format",
        "openvex",
        s(&doc),
        "--product",
        "X@1",
    ]);
    assert!(!o.status.success());

    let Some(dir) = dtsec_testkit::shared("data/vex/csaf-2.0/examples/csaf_vex") else {
        return;
    };
    let example = dir.join("2022-evd-uc-01-f-001.json");
    // The example says DEF 1.1 is fixed: an SBOM describing DEF 1.1.
    let mut def: Value = serde_json::from_slice(&std::fs::read(&sbom).unwrap()).unwrap();
    def["metadata"]["component"]["name"] = "DEF".into();
    def["metadata"]["component"]["version"] = "1.1".into();
    let def_sbom = store.parent().unwrap().join("def.cdx.json");
    std::fs::write(&def_sbom, def.to_string()).unwrap();
    let o = run(&[
        "vex",
        "import",
        "--store",
        s(&store),
        "--format",
        "csaf",
        s(&example),
        "--sbom",
        s(&def_sbom),
        "--product",
        "DEF@1.1",
    ]);
    assert!(o.status.success(), "{}", report(&o));
    assert!(text(&o).contains("1 new versions"), "{}", report(&o));
}
