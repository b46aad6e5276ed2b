//! `dtsec oscal …`: the export chain from the example pump ST and a sealed ETR bundle, each file
//! validated by `dtsec oscal validate` with zero problems, exit statuses for bad input, the
//! import of our own catalog, and compliance-trestle reading what we write (where installed).

use std::path::Path;
use std::process::Output;

use crate::common::{repo_file, report, run, s};

fn ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(out.status.success(), "dtsec {args:?}:\n{}", report(&out));
    out
}

/// Writes the catalogs, profile and component-definition of the pump ST into `dir`.
fn export_pump(dir: &Path) {
    let catalog = dir.join("cdd-2.0.catalog.json");
    ok(&[
        "oscal",
        "catalog",
        "cdd",
        "--version",
        "2.0",
        "-o",
        s(&catalog),
    ]);
    ok(&[
        "oscal",
        "catalog",
        "cdd-eb",
        "-o",
        s(&dir.join("cdd-eb-2.0.catalog.json")),
    ]);
    let st = repo_file("examples/pump-st.yaml");
    ok(&[
        "oscal",
        "profile",
        &st,
        "-o",
        s(&dir.join("acme-nimbus-pump-st-2.0.profile.json")),
    ]);
    ok(&[
        "oscal",
        "component",
        &st,
        "-o",
        s(&dir.join("pump.component.json")),
    ]);
}

fn validate(dir: &Path, file: &str) -> serde_json::Value {
    let out = run(&[
        "oscal",
        "validate",
        s(&dir.join(file)),
        "--catalog",
        s(&dir.join("cdd-2.0.catalog.json")),
        "--catalog",
        s(&dir.join("cdd-eb-2.0.catalog.json")),
        "--format",
        "json",
    ]);
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", report(&out)));
    assert_eq!(
        json["ok"].as_bool(),
        Some(out.status.success()),
        "{}",
        report(&out)
    );
    json
}

#[test]
fn pump_exports_validate_with_zero_problems_and_rerun_identically() {
    let dir = tempfile::tempdir().unwrap();
    export_pump(dir.path());
    for file in [
        "cdd-2.0.catalog.json",
        "cdd-eb-2.0.catalog.json",
        "acme-nimbus-pump-st-2.0.profile.json",
        "pump.component.json",
    ] {
        let v = validate(dir.path(), file);
        assert_eq!(v["ok"], true, "{file}: {v:#}");
    }
    let first = std::fs::read(dir.path().join("cdd-2.0.catalog.json")).unwrap();
    let again = dir.path().join("again.json");
    ok(&[
        "oscal",
        "catalog",
        "cdd",
        "--version",
        "2.0",
        "-o",
        s(&again),
    ]);
    assert_eq!(
        first,
        std::fs::read(&again).unwrap(),
        "byte-identical on re-run"
    );
}

#[test]
fn a_broken_file_fails_validation_with_exit_1_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    export_pump(dir.path());
    let path = dir.path().join("pump.component.json");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "\"control-id\": \"fau_gen.1\"",
        "\"control-id\": \"fau_gen.9\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let v = validate(dir.path(), "pump.component.json");
    assert_eq!(v["ok"], false);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{v:#}");
    assert_eq!(problems[0]["rule"], "control-resolves");
    assert!(
        problems[0]["pointer"]
            .as_str()
            .unwrap()
            .ends_with("/control-id")
    );
    let out = run(&[
        "oscal",
        "validate",
        s(&path),
        "--catalog",
        s(&dir.path().join("cdd-2.0.catalog.json")),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", report(&out));
}

#[test]
fn unusable_input_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("x.json");
    let out = run(&["oscal", "catalog", "no-such-pp", "-o", s(&out_file)]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("known ids: cdd"),
        "{}",
        report(&out)
    );
    // An ST is not a catalog.
    let out = run(&[
        "oscal",
        "catalog",
        &repo_file("examples/pump-st.yaml"),
        "-o",
        s(&out_file),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    // YAML is not OSCAL JSON: the position is named.
    let out = run(&["oscal", "validate", &repo_file("examples/pump-st.yaml")]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pump-st.yaml:1:1: not JSON"),
        "{}",
        report(&out)
    );
    assert!(!out_file.exists());
}

#[test]
fn an_exported_catalog_imports_back_into_a_document() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("cdd.json");
    ok(&[
        "oscal",
        "catalog",
        "cdd",
        "--version",
        "2.0",
        "-o",
        s(&catalog),
    ]);
    let yaml = dir.path().join("cdd.yaml");
    ok(&["oscal", "import", s(&catalog), "-o", s(&yaml)]);
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(
        text.contains("kind: protection-profile") && text.contains("FCS_CKM.1"),
        "{}",
        &text[..300.min(text.len())]
    );
    // A foreign catalog (NIST's) is refused with a pointer.
    if let Some(basic) = dtsec_testkit::shared("data/oscal-schemas/examples/basic-catalog.json") {
        let out = run(&["oscal", "import", s(&basic)]);
        assert_eq!(out.status.code(), Some(2), "{}", report(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("#/catalog/metadata/props"),
            "{}",
            report(&out)
        );
    }
}

/// A sealed bundle of the pump ST (every unit passed), the lab's public key, in `dir`.
fn sealed_bundle(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
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
    let key = dtsec_eval::seal::SigningKey::generate();
    let (_, public) = dtsec_eval::seal::write_key_pair(&dir.join("lab"), &key, false).unwrap();
    let sealed = dtsec_eval::bundle::seal_workspace(&ws, &key).unwrap();
    let bundle = dir.join("etr.bundle.json");
    std::fs::write(&bundle, sealed.to_json_pretty()).unwrap();
    (bundle, public)
}

#[test]
fn ssp_ap_ar_from_a_sealed_bundle_validate() {
    let dir = tempfile::tempdir().unwrap();
    export_pump(dir.path());
    let (bundle, public) = sealed_bundle(dir.path());
    let st = repo_file("examples/pump-st.yaml");
    for (cmd, file) in [
        ("ssp", "acme-nimbus-pump-st-2.0.ssp.json"),
        ("ap", "acme-nimbus-pump-st-2.0.ap.json"),
        ("ar", "ar.json"),
    ] {
        ok(&[
            "oscal",
            cmd,
            s(&bundle),
            "--st",
            &st,
            "--key",
            s(&public),
            "-o",
            s(&dir.path().join(file)),
        ]);
        let v = validate(dir.path(), file);
        assert_eq!(v["ok"], true, "{cmd}: {v:#}");
    }
    let ar: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("ar.json")).unwrap()).unwrap();
    let (_, doc) = dtsec_model::load_document(Path::new(&st)).unwrap();
    assert_eq!(
        ar["assessment-results"]["results"][0]["findings"]
            .as_array()
            .unwrap()
            .len(),
        doc.sfrs.len()
    );

    // Another ST than the one sealed: refused.
    let out = run(&[
        "oscal",
        "ar",
        s(&bundle),
        "--st",
        &repo_file("examples/cgm-st.yaml"),
        "-o",
        s(&dir.path().join("x.json")),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not the ST the bundle was sealed for"),
        "{}",
        report(&out)
    );
    // A tampered bundle: refused.
    let text = std::fs::read_to_string(&bundle)
        .unwrap()
        .replacen("\"pass\"", "\"fail\"", 1);
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, text).unwrap();
    let out = run(&[
        "oscal",
        "ar",
        s(&tampered),
        "--st",
        &st,
        "--key",
        s(&public),
        "-o",
        s(&dir.path().join("x.json")),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(!dir.path().join("x.json").exists());
}

/// compliance-trestle (`pip install compliance-trestle`) imports and validates the catalog,
/// profile and component-definition.
#[test]
fn trestle_reads_and_validates_our_exports() {
    if !dtsec_testkit::tool(
        "trestle",
        "version",
        "python3-pip && pip install compliance-trestle",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    export_pump(dir.path());
    let project = dir.path().join("trestle");
    std::fs::create_dir(&project).unwrap();
    let trestle = |args: &[&str]| {
        dtsec_testkit::output_of(
            std::process::Command::new("trestle")
                .args(args)
                .current_dir(&project),
        )
    };
    trestle(&["init"]);
    for (file, name) in [
        ("cdd-2.0.catalog.json", "cdd"),
        ("acme-nimbus-pump-st-2.0.profile.json", "pump-profile"),
        ("pump.component.json", "pump-component"),
    ] {
        trestle(&["import", "-f", s(&dir.path().join(file)), "-o", name]);
    }
    let out = trestle(&["validate", "-a"]);
    assert_eq!(out.matches("VALID: Model").count(), 3, "{out}");
    assert!(!out.contains("INVALID"), "{out}");
}

/// The README's assessment, recorded and exported as CSAF; returns the export.
fn postmarket_export(dir: &Path, state: &[&str]) -> std::path::PathBuf {
    let store = dir.join("vex");
    ok(&[
        "vex",
        "new",
        "--store",
        s(&store),
        &repo_file("examples/postmarket/assessment.json"),
    ]);
    let id = "x_DTSEC-EX-2026-0001/Acme Nimbus Pump firmware@2.0.0";
    let mut args = vec!["vex", "set", "--store", s(&store), id];
    args.extend_from_slice(state);
    ok(&args);
    let out = dir.join("pump.csaf.json");
    ok(&[
        "vex",
        "export",
        "--store",
        s(&store),
        "--format",
        "csaf",
        "--author",
        "Acme Medical",
        "-o",
        s(&out),
    ]);
    out
}

#[test]
fn poam_from_open_postmarket_items_validates_and_reruns_identically() {
    let dir = tempfile::tempdir().unwrap();
    let vex = postmarket_export(
        dir.path(),
        &[
            "--state",
            "affected",
            "--response",
            "update",
            "--action",
            "Update to firmware 2.0.1",
            "--date",
            "assessed=2026-11-24",
        ],
    );
    let poam = dir.path().join("pump.poam.json");
    let args = [
        "oscal",
        "poam",
        "--postmarket",
        s(&vex),
        "--certificate",
        "DTSEC-2026-0001",
        "-o",
        s(&poam),
    ];
    ok(&args);
    let first = std::fs::read(&poam).unwrap();
    ok(&args);
    assert_eq!(first, std::fs::read(&poam).unwrap(), "not byte-identical");
    let v: serde_json::Value = serde_json::from_slice(&first).unwrap();
    let p = &v["plan-of-action-and-milestones"];
    // As of the latest date the assessment records (assessed 2026-11-24), from the export's
    // author, with the FDA clocks of T0 2026-11-20 as the milestones.
    assert_eq!(p["metadata"]["last-modified"], "2026-11-24T00:00:00Z");
    assert_eq!(p["metadata"]["parties"][0]["name"], "Acme Medical");
    let risk = &p["risks"][0];
    assert_eq!(
        risk["remediations"][0]["description"],
        "Update to firmware 2.0.1"
    );
    let tasks = risk["remediations"][0]["tasks"].as_array().unwrap();
    let dates: Vec<&str> = tasks
        .iter()
        .map(|t| t["timing"]["on-date"]["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-12-20T00:00:00Z", "2027-01-19T00:00:00Z"]);
    let out = run(&["oscal", "validate", s(&poam), "--format", "json"]);
    assert!(out.status.success(), "{}", report(&out));
    // The same assessments exported in the other two formats give the same bytes.
    for format in ["cyclonedx", "openvex"] {
        let other = dir.path().join(format!("pump.{format}.json"));
        ok(&[
            "vex",
            "export",
            "--store",
            s(&dir.path().join("vex")),
            "--format",
            format,
            "--author",
            "Acme Medical",
            "-o",
            s(&other),
        ]);
        let again = dir.path().join(format!("{format}.poam.json"));
        ok(&[
            "oscal",
            "poam",
            "--postmarket",
            s(&other),
            "--certificate",
            "DTSEC-2026-0001",
            "-o",
            s(&again),
        ]);
        assert_eq!(first, std::fs::read(&again).unwrap(), "{format}");
    }

    // Judged on a later date, the same items are overdue; a bad date is refused.
    let late = dir.path().join("late.json");
    ok(&[
        "oscal",
        "poam",
        "--postmarket",
        s(&vex),
        "--as-of",
        "2027-03-01",
        "-o",
        s(&late),
    ]);
    assert!(
        std::fs::read_to_string(&late)
            .unwrap()
            .contains("\"overdue\"")
    );
    let out = run(&[
        "oscal",
        "poam",
        "--postmarket",
        s(&vex),
        "--as-of",
        "soon",
        "-o",
        s(&late),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of `soon`"));
    // A product the document does not cover is refused, naming the ones it does.
    let out = run(&[
        "oscal",
        "poam",
        "--postmarket",
        s(&vex),
        "--product",
        "Other@1.0",
        "-o",
        s(&late),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Acme Nimbus Pump firmware@2.0.0"),
        "{}",
        report(&out)
    );
}

#[test]
fn poam_with_nothing_open_or_no_vex_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let vex = postmarket_export(
        dir.path(),
        &[
            "--state",
            "not_affected",
            "--justification",
            "code_not_reachable",
            "--impact",
            "The pairing service is never started in this product.",
        ],
    );
    let out_file = dir.path().join("poam.json");
    let out = run(&["oscal", "poam", "--postmarket", s(&vex), "-o", s(&out_file)]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no open postmarket item"),
        "{}",
        report(&out)
    );
    assert!(!out_file.exists());
    let catalog = dir.path().join("cdd.json");
    ok(&["oscal", "catalog", "cdd", "-o", s(&catalog)]);
    let out = run(&[
        "oscal",
        "poam",
        "--postmarket",
        s(&catalog),
        "-o",
        s(&out_file),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a VEX document"));
    // Neither a bundle nor --postmarket.
    let out = run(&["oscal", "poam", "-o", s(&out_file)]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
}

#[test]
fn a_catalog_imports_back_with_its_profile_and_checks_as_the_original() {
    let dir = tempfile::tempdir().unwrap();
    // The pump ST claiming the Moderate package, which narrows the key store to hardware.
    let pump = std::fs::read_to_string(repo_file("examples/pump-st.yaml")).unwrap();
    let st = dir.path().join("st.yaml");
    std::fs::write(
        &st,
        pump.replace("  - id: cdd-eb\n", "  - id: cdd-moderate\n"),
    )
    .unwrap();
    let catalog = dir.path().join("moderate.json");
    let profile = dir.path().join("profile.json");
    ok(&["oscal", "catalog", "cdd-moderate", "-o", s(&catalog)]);
    ok(&["oscal", "profile", s(&st), "-o", s(&profile)]);
    let alone = dir.path().join("alone.yaml");
    let with = dir.path().join("with.yaml");
    ok(&["oscal", "import", s(&catalog), "-o", s(&alone)]);
    ok(&[
        "oscal",
        "import",
        s(&catalog),
        "--profile",
        s(&profile),
        "-o",
        s(&with),
    ]);
    assert!(
        !std::fs::read_to_string(&alone)
            .unwrap()
            .contains("restrict:")
    );
    let text = std::fs::read_to_string(&with).unwrap();
    assert!(
        text.contains("restrict:") && text.contains("key_store_type:"),
        "{text}"
    );
    // The imported package checks as the built-in one does (no findings).
    let out = run(&["check", s(&with)]);
    assert!(out.status.success(), "{}", report(&out));
    let builtin = run(&[
        "check",
        &repo_file("crates/model/builtin/cdd-moderate-2.0.yaml"),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&builtin.stdout)
    );
    // A file that is not a profile is refused, naming it.
    let out = run(&["oscal", "import", s(&catalog), "--profile", s(&catalog)]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("moderate.json#/profile"),
        "{}",
        report(&out)
    );
}

/// The CDD PP 2.0 through OSCAL, as a user does it: catalog, the pump ST's profile, import of
/// both, check. The extended component definitions (the `_EXT` families, their dependencies,
/// hierarchy and operation slots) and the unmet dependencies ride along, so the imported PP
/// checks with no findings, as the built-in does; a second export of the import is the same
/// catalog to the byte.
#[test]
fn the_cdd_pp_comes_back_through_catalog_and_profile_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("cdd-2.0.catalog.json");
    let profile = dir.path().join("pump.profile.json");
    let yaml = dir.path().join("cdd-imported.yaml");
    ok(&[
        "oscal",
        "catalog",
        "cdd",
        "--version",
        "2.0",
        "-o",
        s(&catalog),
    ]);
    ok(&[
        "oscal",
        "profile",
        &repo_file("examples/pump-st.yaml"),
        "-o",
        s(&profile),
    ]);
    ok(&[
        "oscal",
        "import",
        s(&catalog),
        "--profile",
        s(&profile),
        "-o",
        s(&yaml),
    ]);
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(
        text.contains("extended_components:") && text.contains("FPT_TUD_EXT.1"),
        "{}",
        &text[..300.min(text.len())]
    );
    let out = run(&["check", s(&yaml)]);
    assert!(out.status.success(), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no findings"),
        "{}",
        report(&out)
    );
    // The import exports to a catalog with the same controls, groups, parts and params
    // (everything with an id): nothing was lost or invented on the way.
    let again = dir.path().join("again.json");
    ok(&["oscal", "catalog", s(&yaml), "-o", s(&again)]);
    ok(&["oscal", "validate", s(&again)]);
    let ids = |file: &Path| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut out = std::collections::BTreeSet::new();
        collect_ids(&v, &mut out);
        out
    };
    let (before, after) = (ids(&catalog), ids(&again));
    assert!(
        before.iter().any(|id| id.starts_with("ecd_fpt_tud_ext")),
        "{before:?}"
    );
    assert_eq!(before, after);
}

/// Every `id` string in an OSCAL document.
fn collect_ids(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    ("id", Some(id)) => drop(out.insert(id.to_string())),
                    _ => collect_ids(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_ids(x, out)),
        _ => {}
    }
}
