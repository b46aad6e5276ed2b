//! The CDD PP 2.0 in CC 3.1 R5 (issue 10 item 8): `dtsec pp derive` writes the PP, its packages
//! and modules as derived by the component mapping and each checks clean; the CC 3.1 R5 example
//! ST checks clean against them; a CC:2022-only id in that ST is flagged where it is written;
//! `dtsec pp show --edition` shows the derived profile and a document with no mapping is refused.

use crate::common::{repo_file, root, run as dtsec, s, text};

const DERIVED: [&str; 5] = [
    "cdd@2.0",
    "cdd-eb@2.0",
    "cdd-moderate@2.0",
    "cdd-cloud@2.0",
    "cdd-app@2.0",
];

#[test]
fn every_derived_document_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for spec in DERIVED {
        let path = dir.path().join(format!("{}.yaml", spec.replace('@', "-")));
        let out = dtsec(&[
            "pp",
            "derive",
            spec,
            "--edition",
            "CC 3.1 R5",
            "-o",
            s(&path),
        ]);
        assert_eq!(out.status.code(), Some(0), "{spec}: {}", text(&out));
        let yaml = std::fs::read_to_string(&path).unwrap();
        assert!(yaml.contains("cc_edition: CC 3.1 R5"), "{spec}");
        files.push(path);
    }
    let cdd = std::fs::read_to_string(&files[0]).unwrap();
    for id in [
        "FCS_CKM.4.1",
        "FAU_STG.4.1",
        "FCS_RBG_EXT.1",
        "FCS_CKM_EXT.5",
    ] {
        assert!(cdd.contains(id), "{id} in the derived PP");
    }
    for gone in ["id: FCS_CKM.6", "id: FAU_STG.5", "id: FCS_RBG.1"] {
        assert!(!cdd.contains(gone), "{gone} left in the derived PP");
    }
    let mut args = vec!["check"];
    args.extend(files.iter().map(|f| s(f)));
    let out = dtsec(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("ok: no findings in 5 files"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_cc31_example_checks_clean() {
    let out = dtsec(&["check", &repo_file("examples/cc31/pump-st.yaml")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("ok: no findings"), "{}", text(&out));
}

#[test]
fn a_cc2022_only_id_in_a_cc31_st_is_flagged_at_its_line() {
    let st = std::fs::read_to_string(root().join("examples/cc31/pump-st.yaml")).unwrap();
    // CC:2022's key derivation, as the CC:2022 ST writes it.
    let bad = st.replace("- id: FCS_CKM_EXT.5\n", "- id: FCS_CKM.5\n");
    assert_ne!(bad, st);
    let line = bad
        .lines()
        .position(|l| l == "- id: FCS_CKM.5")
        .map(|i| i + 1)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pump-st.yaml");
    std::fs::write(&path, &bad).unwrap();
    let out = dtsec(&["check", "--format", "json", s(&path)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let cat = diags
        .iter()
        .find(|d| d["code"] == "DT-CAT-001")
        .unwrap_or_else(|| panic!("no DT-CAT-001 in {diags:#?}"));
    assert_eq!(cat["line"].as_u64(), Some(line as u64), "{cat:#}");
    assert!(
        cat["message"].as_str().unwrap().contains("CC 3.1 R5"),
        "{cat:#}"
    );
    // The derived PP's FCS_CKM_EXT.5 is then missing where the FTP_ITC.1 selection needs it.
    assert!(
        diags.iter().any(|d| d["code"] == "DT-CONF-003"),
        "{diags:#?}"
    );
}

#[test]
fn the_same_st_in_cc2022_claims_the_pp_as_written() {
    // The CC:2022 example keeps claiming the PP as written: no derivation for its edition.
    let out = dtsec(&["check", &repo_file("examples/pump-st.yaml")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let st = std::fs::read_to_string(root().join("examples/cc31/pump-st.yaml")).unwrap();
    let as_2022 = st.replace("cc_edition: CC 3.1 R5", "cc_edition: CC:2022 R1");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pump-st.yaml");
    std::fs::write(&path, as_2022).unwrap();
    let out = dtsec(&["check", s(&path)]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "3.1 ids under CC:2022: {}",
        text(&out)
    );
}

#[test]
fn pp_show_in_an_edition_and_a_document_without_a_mapping() {
    let out = dtsec(&[
        "pp",
        "show",
        "cdd",
        "--version",
        "2.0",
        "--edition",
        "CC 3.1 R5",
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("CC edition: CC 3.1 R5"), "{t}");
    assert!(
        t.contains("FCS_CKM.4 ") && t.contains("FCS_RBG_EXT.1"),
        "{t}"
    );
    let out = dtsec(&["pp", "show", "cdd", "--version", "2.0"]);
    assert!(
        text(&out).contains("CC edition: CC:2022 R1"),
        "{}",
        text(&out)
    );
    let out = dtsec(&["pp", "derive", "cdd@1.0", "--edition", "CC 3.1 R5"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("no component mapping"),
        "{}",
        text(&out)
    );
    let out = dtsec(&["pp", "derive", "cdd@2.0", "--edition", "CC 9"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("unknown CC edition"), "{}", text(&out));
}

#[test]
fn render_and_the_evaluation_plan_read_the_derived_profile() {
    let dir = tempfile::tempdir().unwrap();
    let st = repo_file("examples/cc31/pump-st.yaml");
    let html = dir.path().join("st.html");
    let out = dtsec(&["render", &st, "-o", s(&html)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let html = std::fs::read_to_string(&html).unwrap();
    // FCS_CKM.4.1's text comes from the derived PP (the two CC:2022 elements, merged).
    assert!(
        html.contains("destroy keys and key material by"),
        "FCS_CKM.4.1 text"
    );
    let ws = dir.path().join("eval");
    let out = dtsec(&[
        "eval",
        "init",
        "--st",
        &st,
        "--lab",
        "Lab",
        "--sponsor",
        "Sponsor",
        "--evaluator",
        "A",
        s(&ws),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = dtsec(&["eval", "plan", s(&ws)]);
    let plan = text(&out);
    assert_eq!(out.status.code(), Some(0), "{plan}");
    // The PP's evaluation activities of the renamed SFRs are planned under their CC 3.1 R5 ids.
    for id in [
        "EA:FCS_CKM.4:tss",
        "EA:FAU_STG.4:tss",
        "EA:FCS_RBG_EXT.1:tss",
    ] {
        assert!(plan.contains(id), "{id} in\n{plan}");
    }
}
