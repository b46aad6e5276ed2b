//! Shared set-up for the workbench tests: a fresh workspace for the example pump ST.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dtsec_eval::records::Verdict;
use dtsec_eval::{InitConfig, RecordRequest, Workspace};
use dtsec_model::{Library, load_document};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn pump_st() -> PathBuf {
    repo().join("examples/v1/pump-st.yaml")
}

pub const EVALUATORS: [&str; 2] = ["Alice Evaluator", "Bob Tester"];

/// Creates a workspace for the pump ST in `dir`.
pub fn init_pump(dir: &Path) -> Workspace {
    let (source, doc) = load_document(&pump_st()).expect("pump ST loads");
    let lib = Library::with_builtins();
    let evaluators: Vec<String> = EVALUATORS.iter().map(|s| s.to_string()).collect();
    dtsec_eval::init(
        dir,
        InitConfig {
            st_source: &source,
            st: &doc,
            st_file_name: "pump-st.yaml",
            library: &lib,
            lab: "Example Evaluation Lab",
            sponsor: "Acme Medical Devices",
            evaluators: &evaluators,
            cc_xml: None,
        },
    )
    .expect("init succeeds")
}

/// Adds one evidence file and returns its digest.
pub fn add_evidence(ws: &Workspace, dir: &Path, name: &str, content: &[u8]) -> String {
    let f = dir.join(name);
    std::fs::write(&f, content).expect("write evidence");
    let (item, _) = ws
        .add_evidence(
            &f,
            dtsec_eval::evidence::EvidenceKind::Design,
            EVALUATORS[0],
        )
        .expect("evidence added");
    item.digest
}

/// Records `pass` for every unit of the plan, citing `evidence`.
pub fn pass_everything(ws: &Workspace, evidence: &str) {
    let plan = ws.plan().expect("plan");
    let reqs: Vec<RecordRequest> = plan
        .units()
        .map(|u| RecordRequest {
            unit: u.unit.id.clone(),
            verdict: Some(Verdict::Pass),
            by: EVALUATORS[0].to_string(),
            evidence: vec![evidence.to_string()],
            note: None,
            observations: Vec::new(),
        })
        .collect();
    ws.record_many(&reqs).expect("records written");
}

/// A snapshot of every file under `dir` (path → bytes), to show nothing changed. The `.lock`
/// file is left out: a command creates it to take the workspace lock and leaves it behind.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("read dir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if e.file_name() != ".lock" {
                out.push((p.clone(), std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}
