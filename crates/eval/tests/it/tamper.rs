//! Tampering with each part of a sealed ETR bundle is detected, with a message naming it.

use crate::common;

use dtsec_eval::bundle::{VerifyOptions, seal_workspace, verify_bundle};
use dtsec_seal::SigningKey;
use serde_json::Value;

struct Sealed {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
    text: String,
    key: SigningKey,
}

fn sealed() -> Sealed {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ws");
    let ws = common::init_pump(&dir);
    let design = common::add_evidence(&ws, tmp.path(), "design.pdf", b"design v1");
    common::pass_everything(&ws, &design);
    let key = SigningKey::generate();
    let text = seal_workspace(&ws, &key).expect("sealed").to_json_pretty();
    Sealed {
        _tmp: tmp,
        dir,
        text,
        key,
    }
}

/// Applies `edit` to the bundle's JSON and returns the problems verification reports.
fn problems_after(s: &Sealed, edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut v: Value = serde_json::from_str(&s.text).expect("json");
    edit(&mut v);
    let text = serde_json::to_string_pretty(&v).expect("json");
    let vk = s.key.verifying_key();
    let r = verify_bundle(
        &text,
        VerifyOptions {
            key: Some(&vk),
            evidence: None,
        },
    )
    .expect("readable");
    assert!(!r.is_intact(), "tampering went unnoticed");
    r.problems
}

/// Seals a fresh bundle, applies `edit` to its JSON and asserts the verifier's problems mention
/// each of `needles`.
fn detects(edit: impl FnOnce(&mut Value), needles: &[&str]) {
    let s = sealed();
    assert_mentions(&problems_after(&s, edit), needles);
}

fn assert_mentions(problems: &[String], needles: &[&str]) {
    for n in needles {
        assert!(
            problems.iter().any(|p| p.contains(n)),
            "no problem mentions {n:?}: {problems:#?}"
        );
    }
}

#[test]
fn untouched_bundle_verifies() {
    let s = sealed();
    let vk = s.key.verifying_key();
    let r = verify_bundle(
        &s.text,
        VerifyOptions {
            key: Some(&vk),
            evidence: Some(&s.dir),
        },
    )
    .expect("ok");
    assert!(r.is_valid(), "{:?}", r.problems);
}

#[test]
fn changed_verdict_names_the_record() {
    let s = sealed();
    let p = problems_after(&s, |v| {
        let r = &mut v["payload"]["records"][11];
        r["verdict"] = "inconclusive".into();
    });
    let unit =
        serde_json::from_str::<Value>(&s.text).expect("json")["payload"]["records"][11]["unit"]
            .as_str()
            .expect("unit")
            .to_string();
    assert_mentions(
        &p,
        &[
            "signature invalid: payload modified",
            "section `records`",
            &format!("record 12 ({unit}) verdict differs from the signed roll-up"),
        ],
    );
}

#[test]
fn changed_record_detail() {
    detects(
        |v| v["payload"]["records"][0]["note"] = "added later".into(),
        &[
            "signature invalid: payload modified",
            "records: the verdict records",
        ],
    );
}

#[test]
fn changed_evidence_manifest_digest() {
    detects(
        |v| {
            v["payload"]["evidence"][0]["digest"] =
                "sha256:0000000000000000000000000000000000000000000000000000000000000000".into();
        },
        &[
            "section `evidence` (the evidence manifest)",
            "which is not in the evidence manifest",
        ],
    );
}

#[test]
fn changed_st_digest() {
    detects(
        |v| {
            v["payload"]["st"]["sha256"] =
                "1111111111111111111111111111111111111111111111111111111111111111".into();
        },
        &["section `st` (the ST digest)", "the ST digest (1111"],
    );
}

#[test]
fn changed_plan() {
    let s = sealed();
    let p = problems_after(&s, |v| {
        let units = v["payload"]["plan"]["classes"][0]["components"][0]["elements"][0]["units"]
            .as_array_mut()
            .expect("units");
        units.remove(0);
    });
    assert_mentions(
        &p,
        &["section `plan` (the work-unit plan)", "not in the plan"],
    );
}

#[test]
fn changed_rollup() {
    detects(
        |v| v["payload"]["overall"] = "fail".into(),
        &["signature invalid", "stated overall verdict"],
    );
}

#[test]
fn changed_signature() {
    detects(
        |v| {
            let sig = v["signatures"][0]["sig"].as_str().expect("sig").to_string();
            let mut bytes: Vec<char> = sig.chars().collect();
            bytes[5] = if bytes[5] == 'A' { 'B' } else { 'A' };
            v["signatures"][0]["sig"] = bytes.into_iter().collect::<String>().into();
        },
        &["signature invalid: the signature does not match the payload"],
    );
}

#[test]
fn changed_evidence_file_is_found_with_evidence_dir() {
    let s = sealed();
    let ws = dtsec_eval::Workspace::open(&s.dir).expect("ws");
    let item = ws.evidence().expect("manifest").items[0].clone();
    let stored = s.dir.join("evidence/sha256").join(item.hex());
    std::fs::write(&stored, b"design v2").expect("tamper");
    let vk = s.key.verifying_key();
    let r = verify_bundle(
        &s.text,
        VerifyOptions {
            key: Some(&vk),
            evidence: Some(&s.dir),
        },
    )
    .expect("ok");
    assert!(!r.is_intact());
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains(&item.digest) && p.contains("changed")),
        "{:?}",
        r.problems
    );
    std::fs::remove_file(&stored).expect("remove");
    let r = verify_bundle(
        &s.text,
        VerifyOptions {
            key: Some(&vk),
            evidence: Some(&s.dir),
        },
    )
    .expect("ok");
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains(&item.digest) && p.ends_with("missing")),
        "{:?}",
        r.problems
    );
    // And the workspace itself reports it.
    assert_eq!(ws.check_evidence().expect("check").len(), 1);
}
