//! `dtsec premarket`: the FDA documentation set of the example pump ST from a sealed demo ETR
//! (lab-verified tags, verdicts in the traceability matrix, byte-identical re-runs, a PDF that
//! qpdf accepts and whose text has the section titles), without an ETR (no lab tag, missing
//! inputs listed), with an SBOM, and bad input refused with exit 2 naming the file.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{repo_file, report, run, s};

const SECTION_TITLES: [&str; 13] = [
    "Security risk management report",
    "Threat model",
    "Cybersecurity risk assessment",
    "Interoperability considerations",
    "SBOM and known-vulnerability assessment",
    "Unresolved anomalies",
    "TPLC security risk management metrics",
    "Security controls (Appendix 1 categories A–H)",
    "Architecture views",
    "Cybersecurity testing",
    "Labeling",
    "Cybersecurity management plan",
    "Section 524B statement",
];

const LAB_TAG: &str = "Provenance: verified by an approved lab";

const SBOM: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
  "metadata":{"component":{"type":"device","name":"pump","version":"2.1","bom-ref":"dev"}},
  "components":[
    {"type":"library","bom-ref":"tls","name":"mbedtls","version":"3.6.2","purl":"pkg:github/Mbed-TLS/mbedtls@3.6.2"},
    {"type":"library","bom-ref":"fw","name":"ble-stack","version":"5.0"}]}"#;

fn ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(out.status.success(), "dtsec {args:?}:\n{}", report(&out));
    out
}

/// A sealed bundle of the pump ST (every unit passed) and the lab's public key, in `dir`.
pub(crate) fn sealed_bundle(dir: &Path) -> (PathBuf, PathBuf) {
    sealed_bundle_with(dir, false)
}

/// The same, optionally with one residual vulnerability rated by the lab.
pub(crate) fn sealed_bundle_with(dir: &Path, vulnerability: bool) -> (PathBuf, PathBuf) {
    let st_path = crate::common::root().join("examples/pump-st.yaml");
    let (source, st) = dtsec_model::load_document(&st_path).unwrap();
    let library = dtsec_model::Library::with_builtins();
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
    if vulnerability {
        use dtsec_eval::vulns::{ElapsedTime, Equipment, Expertise, Factors, Knowledge, Window};
        ws.add_vuln(&dtsec_eval::observations::NewVulnerability {
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
            units: &[],
            by: "Alice",
        })
        .unwrap();
    }
    let key = dtsec_eval::seal::SigningKey::generate();
    let (_, public) = dtsec_eval::seal::write_key_pair(&dir.join("lab"), &key, false).unwrap();
    let sealed = dtsec_eval::bundle::seal_workspace(&ws, &key).unwrap();
    let bundle = dir.join("etr.bundle.json");
    std::fs::write(&bundle, sealed.to_json_pretty()).unwrap();
    (bundle, public)
}

/// The text of one section of the page, from its opening tag to the next section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[test]
fn from_a_sealed_etr_the_package_is_lab_verified_and_reruns_identically() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, public) = sealed_bundle(dir.path());
    let st = repo_file("examples/pump-st.yaml");
    let out_a = dir.path().join("a");
    let out_b = dir.path().join("b");
    for out in [&out_a, &out_b] {
        ok(&[
            "premarket",
            &st,
            "--etr",
            s(&bundle),
            "--key",
            s(&public),
            "-o",
            s(out),
        ]);
    }
    for f in ["index.html", "premarket.pdf"] {
        let a = std::fs::read(out_a.join(f)).unwrap();
        assert!(a.len() > 1000, "{f} is {} bytes", a.len());
        assert_eq!(
            a,
            std::fs::read(out_b.join(f)).unwrap(),
            "{f} differs on a re-run"
        );
    }
    let html = std::fs::read_to_string(out_a.join("index.html")).unwrap();
    assert_eq!(html.matches("<h1>").count(), 1);
    for id in ["risk-management", "risk-assessment", "anomalies", "testing"] {
        assert!(
            section(&html, id).contains(LAB_TAG),
            "{id} is not lab-verified"
        );
    }
    for id in ["threat-model", "controls", "architecture", "statement-524b"] {
        assert!(
            section(&html, id).contains("Provenance: manufacturer data"),
            "{id}"
        );
    }
    assert!(section(&html, "metrics").contains("Provenance: to be authored"));
    assert!(section(&html, "sbom").contains("Provenance: to be authored"));
    // The matrix carries the ETR's verdicts and EA work units, never "not evaluated".
    let matrix = section(&html, "risk-management");
    assert!(
        matrix.contains("<td>T.NETWORK_ATTACK</td><td>O.PEER_AUTH</td><td>FIA_PAIR_EXT.1</td>")
    );
    assert!(matrix.contains("<td>pass</td>"));
    assert!(!matrix.contains("not evaluated"));
    assert!(section(&html, "testing").contains("Example Lab"));
    // Missing inputs at the top: the SBOM, not the ETR.
    let missing = section(&html, "missing-inputs");
    assert!(missing.contains("an SBOM"));
    assert!(!missing.contains("sealed ETR"));
    assert!(html.find("missing-inputs").unwrap() < html.find("id=\"risk-management\"").unwrap());

    let pdf = out_a.join("premarket.pdf");
    if dtsec_testkit::tool("qpdf", "--version", "qpdf") {
        let check = std::process::Command::new("qpdf")
            .arg("--check")
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(check.status.success(), "qpdf --check: {}", report(&check));
    }
    if dtsec_testkit::tool("pdftotext", "-v", "poppler-utils") {
        let text = std::process::Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout).replace('\n', " ");
        for t in SECTION_TITLES.iter().chain(&[
            "Contents",
            "Missing inputs",
            "verified by an approved lab",
        ]) {
            assert!(text.contains(t), "pdftotext does not find {t:?}");
        }
    }
}

#[test]
fn without_an_etr_no_section_is_lab_verified_and_the_missing_inputs_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&[
        "premarket",
        &repo_file("examples/pump-st.yaml"),
        "-o",
        s(dir.path()),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing input: a sealed ETR"));
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(!html.contains(LAB_TAG));
    assert_eq!(
        html.matches("<section id=").count(),
        14,
        "13 sections and the missing inputs"
    );
    let missing = section(&html, "missing-inputs");
    for m in ["sealed ETR", "an SBOM", "authored: Cybersecurity testing"] {
        assert!(missing.contains(m), "{m} not listed");
    }
    assert!(section(&html, "risk-management").contains("not evaluated"));
    assert!(section(&html, "risk-management").contains("Provenance: manufacturer data"));
    for t in SECTION_TITLES {
        let t = t.replace('&', "&amp;");
        assert!(html.contains(&format!("{t}</h2>")), "no heading {t}");
    }
}

#[test]
fn with_an_sbom_its_components_are_listed_as_manufacturer_data() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = dir.path().join("pump.cdx.json");
    std::fs::write(&sbom, SBOM).unwrap();
    ok(&[
        "premarket",
        &repo_file("examples/pump-st.yaml"),
        "--sbom",
        s(&sbom),
        "-o",
        s(&dir.path().join("out")),
    ]);
    let html = std::fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    let part = section(&html, "sbom");
    assert!(part.contains("Provenance: manufacturer data"));
    assert!(part.contains("<td>mbedtls</td><td>3.6.2</td>"));
    assert!(part.contains("2 components"));
    assert!(!section(&html, "missing-inputs").contains("an SBOM"));
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, public) = sealed_bundle(dir.path());
    let out_dir = dir.path().join("out");
    let refused = |args: &[&str], needle: &str| {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", report(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(needle),
            "{args:?}: expected {needle:?} in {err}"
        );
    };
    // Another ST than the one sealed.
    refused(
        &[
            "premarket",
            &repo_file("examples/cgm-st.yaml"),
            "--etr",
            s(&bundle),
            "--key",
            s(&public),
            "-o",
            s(&out_dir),
        ],
        "is not the ST the bundle",
    );
    // A tampered bundle.
    let tampered = dir.path().join("tampered.json");
    let text = std::fs::read_to_string(&bundle)
        .unwrap()
        .replacen("\"pass\"", "\"fail\"", 1);
    std::fs::write(&tampered, text).unwrap();
    refused(
        &[
            "premarket",
            &repo_file("examples/pump-st.yaml"),
            "--etr",
            s(&tampered),
            "--key",
            s(&public),
            "-o",
            s(&out_dir),
        ],
        "tampered.json",
    );
    // Another key.
    let other = dtsec_eval::seal::SigningKey::generate();
    let (_, other_pub) =
        dtsec_eval::seal::write_key_pair(&dir.path().join("other"), &other, false).unwrap();
    refused(
        &[
            "premarket",
            &repo_file("examples/pump-st.yaml"),
            "--etr",
            s(&bundle),
            "--key",
            s(&other_pub),
            "-o",
            s(&out_dir),
        ],
        "does not verify",
    );
    // An ETR without the key to verify it.
    refused(
        &[
            "premarket",
            &repo_file("examples/pump-st.yaml"),
            "--etr",
            s(&bundle),
            "-o",
            s(&out_dir),
        ],
        "--key",
    );
    // An SBOM that is not one.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"bomFormat\": 7}").unwrap();
    refused(
        &[
            "premarket",
            &repo_file("examples/pump-st.yaml"),
            "--sbom",
            s(&bad),
            "-o",
            s(&out_dir),
        ],
        "bad.json",
    );
    assert!(
        !out_dir.join("index.html").exists(),
        "nothing is written for refused input"
    );
}

#[test]
fn oscal_poam_lists_the_residual_vulnerability_and_the_premarket_risk_section_rates_it() {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, public) = sealed_bundle_with(dir.path(), true);
    let st = repo_file("examples/pump-st.yaml");
    let poam = dir.path().join("poam.json");
    ok(&[
        "oscal",
        "poam",
        s(&bundle),
        "--st",
        &st,
        "--key",
        s(&public),
        "-o",
        s(&poam),
    ]);
    let v = ok(&["oscal", "validate", s(&poam), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v:#}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&poam).unwrap()).unwrap();
    let items = doc["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 1);
    let out = dir.path().join("pkg");
    ok(&[
        "premarket",
        &st,
        "--etr",
        s(&bundle),
        "--key",
        s(&public),
        "-o",
        s(&out),
    ]);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(section(&html, "risk-assessment").contains("Fault injection on the secure element"));
    assert!(section(&html, "anomalies").contains("(residual)"));

    // Without an unresolved vulnerability there is nothing to plan: exit 2.
    let clean = dir.path().join("clean");
    std::fs::create_dir(&clean).unwrap();
    let (bundle, public) = sealed_bundle(&clean);
    let out = run(&[
        "oscal",
        "poam",
        s(&bundle),
        "--st",
        &st,
        "--key",
        s(&public),
        "-o",
        s(&poam),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to plan"));
}
