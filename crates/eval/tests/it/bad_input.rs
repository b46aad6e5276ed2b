//! Bad input gets a clear error and loses nothing: unknown work units, unknown evaluators,
//! unknown evidence, corrupt workspace files, and workspaces that would overwrite files.

use crate::common;

use dtsec_eval::records::Verdict;
use dtsec_eval::{EvalError, RecordRequest, Workspace};

fn req(unit: &str, by: &str) -> RecordRequest {
    RecordRequest {
        unit: unit.into(),
        verdict: Some(Verdict::Pass),
        by: by.into(),
        ..RecordRequest::default()
    }
}

#[test]
fn unknown_work_unit_is_refused_with_a_suggestion() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = common::init_pump(&tmp.path().join("ws"));
    let before = common::snapshot(ws.root());
    let e = ws
        .record(&req("ADV_FSP.3-99", common::EVALUATORS[0]))
        .expect_err("unknown");
    match &e {
        EvalError::UnknownWorkUnit { suggestion, .. } => assert!(suggestion.is_some()),
        other => panic!("wrong error: {other}"),
    }
    assert!(e.to_string().contains("did you mean"), "{e}");
    let e = ws
        .record(&req("ADV_FSP.3", common::EVALUATORS[0]))
        .expect_err("a component is not a unit");
    assert!(e.to_string().contains("ADV_FSP.3-1"), "{e}");
    let e = ws
        .record(&req("ADV_FSP.4-1", common::EVALUATORS[0]))
        .expect_err("not claimed");
    assert!(matches!(e, EvalError::UnknownWorkUnit { .. }));
    assert_eq!(common::snapshot(ws.root()), before, "nothing changed");
}

#[test]
fn evaluator_must_belong_to_the_evaluation() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = common::init_pump(&tmp.path().join("ws"));
    let before = common::snapshot(ws.root());
    let e = ws
        .record(&req("ADV_FSP.3-1", "Mallory"))
        .expect_err("not an evaluator");
    assert!(
        e.to_string().contains("Mallory") && e.to_string().contains("Alice Evaluator"),
        "{e}"
    );
    // Names match ignoring case and are stored as the evaluation spells them.
    let r = ws
        .record(&req("adv_fsp.3-1", "alice evaluator"))
        .expect("recorded");
    assert_eq!(r.by, "Alice Evaluator");
    assert_eq!(r.unit, "ADV_FSP.3-1");
    assert_ne!(common::snapshot(ws.root()), before);
}

#[test]
fn unknown_evidence_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = common::init_pump(&tmp.path().join("ws"));
    let mut r = req("ADV_FSP.3-1", common::EVALUATORS[0]);
    r.evidence = vec!["sha256:deadbeefdeadbeef".into()];
    let e = ws.record(&r).expect_err("unknown evidence");
    assert!(
        e.to_string().contains("not in the evidence manifest"),
        "{e}"
    );
    assert!(ws.records().expect("records").is_empty());
}

#[test]
fn truncated_workspace_file_is_reported_and_left_alone() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ws = common::init_pump(&tmp.path().join("ws"));
    ws.record(&req("ADV_FSP.3-1", common::EVALUATORS[0]))
        .expect("recorded");
    ws.record(&req("ADV_FSP.3-2", common::EVALUATORS[0]))
        .expect("recorded");
    for name in [
        "records.jsonl",
        "evidence.json",
        "observations.json",
        "plan.json",
        "evaluation.json",
    ] {
        let path = ws.root().join(name);
        let good = std::fs::read(&path).expect("read");
        let cut = &good[..good.len() * 2 / 3];
        std::fs::write(&path, cut).expect("truncate");
        let before = common::snapshot(ws.root());
        let e = ws
            .record(&req("ADV_FSP.3-3", common::EVALUATORS[0]))
            .expect_err("corrupt");
        let msg = e.to_string();
        assert!(matches!(e, EvalError::Corrupt { .. }), "{name}: {msg}");
        assert!(msg.contains(name), "{name}: {msg}");
        assert_eq!(
            common::snapshot(ws.root()),
            before,
            "{name}: nothing changed"
        );
        std::fs::write(&path, &good).expect("restore");
    }
    assert_eq!(ws.records().expect("records").len(), 2, "no record lost");
    assert!(ws.load().is_ok());
}

#[test]
fn init_refuses_a_non_empty_directory_and_a_bad_st() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ws");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), b"keep me").expect("write");
    let (source, doc) = dtsec_model::load_document(&common::pump_st()).expect("st");
    let lib = dtsec_model::Library::with_builtins();
    let evaluators = vec!["A".to_string()];
    let cfg = dtsec_eval::InitConfig {
        st_source: &source,
        st: &doc,
        st_file_name: "st.yaml",
        library: &lib,
        lab: "L",
        sponsor: "S",
        evaluators: &evaluators,
        cc_xml: None,
    };
    let e = dtsec_eval::init(&dir, cfg).expect_err("not empty");
    assert!(matches!(e, EvalError::NotEmpty { .. }));
    assert_eq!(
        std::fs::read(dir.join("notes.txt")).expect("kept"),
        b"keep me"
    );

    // An ST that claims a package it does not meet has errors: no workspace.
    let bad = source
        .text
        .replace("- id: FPT_TUD_EXT.2", "- id: FPT_TUD_EXT.9");
    let bad_src = dtsec_model::SourceFile::new("bad-st.yaml", bad);
    let bad_doc = dtsec_model::parse_document(&bad_src).expect("parses");
    let dir2 = tmp.path().join("ws2");
    let e = dtsec_eval::init(
        &dir2,
        dtsec_eval::InitConfig {
            st_source: &bad_src,
            st: &bad_doc,
            ..cfg
        },
    )
    .expect_err("errors");
    assert!(matches!(e, EvalError::StHasErrors { .. }), "{e}");
    assert!(!dir2.exists(), "no workspace left behind");
    assert!(matches!(
        Workspace::open(&dir2),
        Err(EvalError::NotAWorkspace { .. })
    ));
}
