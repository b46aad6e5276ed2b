//! `dtsec registry` postmarket commands refuse bad input before any request: an assessment file
//! about another vulnerability, a file that is not JSON, an advisory source that is neither a
//! directory nor a ZIP — each with exit code 2 and a message naming the file and what to do.
//! (The HTTP flow itself is tested in `crates/server/tests/it/postmarket.rs`.)

use crate::common::{dtsec, s, text};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../registry/tests/data/postmarket"
);

#[test]
fn assess_refuses_a_file_about_another_vulnerability() {
    let file = format!("{DATA}/assessment-uncontrolled.json");
    let out = dtsec(
        &[
            "registry",
            "--registry",
            "http://127.0.0.1:9",
            "--token",
            "dtsec_test_token_0000000000000000",
            "assess",
            "DTSEC-2025-0001",
            "CVE-2000-0001",
            "--file",
            &file,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("assessment-uncontrolled.json") && t.contains("CVE-2023-32681"),
        "{t}"
    );
}

#[test]
fn assess_and_sync_refuse_unreadable_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("a.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let out = dtsec(
        &[
            "registry",
            "--registry",
            "http://127.0.0.1:9",
            "--token",
            "dtsec_test_token_0000000000000000",
            "assess",
            "C",
            "V",
            "--file",
            s(&bad),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("line 1, column 3"), "{}", text(&out));
    let out = dtsec(
        &[
            "registry",
            "--registry",
            "http://127.0.0.1:9",
            "--token",
            "dtsec_test_token_0000000000000000",
            "advisories-sync",
            s(&bad),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not a directory or a ZIP"),
        "{}",
        text(&out)
    );
}
