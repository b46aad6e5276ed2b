//! Issue 12: a log that signs absurd claims. A registry's log key signs whatever its operator
//! likes; a signed checkpoint of 2^40 entries once drove `dtsec log audit` to 23 GB because the
//! client listed every tile the size implies before fetching one. The commands must refuse such
//! a size before fetching or allocating anything, say why, and still audit a real log.

use std::path::Path;

use dtsec_tlog::{Checkpoint, Log, MemoryStorage, Signer};

const ORIGIN: &str = "registry.test/log";

use crate::common::{report as text, with_fresh_state as dtsec};

/// Writes a real log of `entries` entries into `dir` (checkpoint, tiles, bundles) and its
/// verifier key beside it; returns the key file.
fn real_log(dir: &Path, entries: usize) -> std::path::PathBuf {
    let signer = Signer::new(ORIGIN, &[9; 32]).expect("signer");
    let storage = MemoryStorage::new();
    let mut log = Log::create(storage.clone(), signer.clone()).expect("log");
    // Lab decisions in canonical JSON (keys sorted), so that the replay finds nothing wrong.
    let items: Vec<Vec<u8>> = (0..entries)
        .map(|i| {
            format!(
                r#"{{"at":"2025-01-01T00:00:00Z","kind":"lab-applied","lab_name":"Lab {i}","lab_org":"org-{i}","state":"applied"}}"#
            )
            .into_bytes()
        })
        .collect();
    let refs: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
    log.append_batch(&refs).expect("append");
    log.export(dir).expect("export");
    let vkey = dir.with_extension("vkey");
    std::fs::write(&vkey, signer.verifier().to_vkey()).expect("vkey");
    vkey
}

/// Replaces the directory's checkpoint by one, validly signed, that claims `size` entries.
fn claim_size(dir: &Path, size: u64) {
    let signer = Signer::new(ORIGIN, &[9; 32]).expect("signer");
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size,
        root: dtsec_tlog::leaf_hash(b"nothing"),
        extensions: Vec::new(),
    };
    std::fs::write(
        dir.join("checkpoint"),
        checkpoint.sign(&signer).expect("sign"),
    )
    .expect("write");
}

#[test]
fn a_signed_checkpoint_of_two_to_the_forty_entries_is_refused_unread() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let log = tmp.path().join("log");
    let vkey = real_log(&log, 3);
    claim_size(&log, 1 << 40);
    let key = vkey.to_str().expect("utf-8");
    let dir = log.to_str().expect("utf-8");

    let o = dtsec(&["log", "audit", "--dir", dir, "--log-key", key]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("claims 1099511627776 entries"), "{t}");
    assert!(t.contains("--max-entries"), "{t}");

    let out = tmp.path().join("mirror");
    let o = dtsec(&[
        "log",
        "export",
        out.to_str().expect("utf-8"),
        "--dir",
        dir,
        "--log-key",
        key,
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("claims 1099511627776 entries"), "{t}");
    assert!(!out.join("checkpoint").exists(), "{t}");
}

#[test]
fn a_real_log_audits_and_exports_streaming_within_the_limit_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let log = tmp.path().join("log");
    let vkey = real_log(&log, 700);
    let key = vkey.to_str().expect("utf-8");
    let dir = log.to_str().expect("utf-8");

    let o = dtsec(&["log", "audit", "--dir", dir, "--log-key", key]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let o = dtsec(&[
        "log",
        "audit",
        "--dir",
        dir,
        "--log-key",
        key,
        "--max-entries",
        "699",
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("claims 700 entries, more than the 699"), "{t}");

    let out = tmp.path().join("mirror");
    let mirror = out.to_str().expect("utf-8");
    let o = dtsec(&["log", "export", mirror, "--dir", dir, "--log-key", key]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = dtsec(&["log", "audit", "--dir", mirror, "--log-key", key]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Exporting again changes nothing and is accepted.
    let o = dtsec(&["log", "export", mirror, "--dir", dir, "--log-key", key]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}
