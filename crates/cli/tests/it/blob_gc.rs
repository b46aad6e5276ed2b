//! Issue 16: `dtsec blob-gc` removes the blobs no row names once they are older than the grace
//! period; `--dry-run` lists them and removes nothing; the documents the registry's rows name
//! are never removed, even with no grace at all.

use std::time::{Duration, SystemTime};

use crate::common;

/// The blob files under `dir`, sorted by name.
fn blob_names(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read blob dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn blob_gc_removes_old_orphans_and_never_a_referenced_blob() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let mut server = common::serve(
        &["--demo", "--data-dir", common::s(&data)],
        &[],
        &tmp.path().join("serve.log"),
    );
    server.stop();
    let blob_dir = data.join("registry.sqlite3.blobs");
    let referenced = blob_names(&blob_dir);
    assert!(
        referenced.len() >= 4,
        "the demo's STs and ETRs: {referenced:?}"
    );

    // An orphan (an upload whose transaction rolled back), stored two hours ago.
    let bytes = b"a sealed ETR whose case was refused";
    let digest = dtsec_seal::sha256_hex(bytes);
    let path = blob_dir
        .join(&digest[0..2])
        .join(&digest[2..4])
        .join(&digest);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    std::fs::File::options()
        .append(true)
        .open(&path)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(7200))
        .unwrap();

    let dry = common::run(&["blob-gc", "--data-dir", common::s(&data), "--dry-run"]);
    let out = common::text(&dry);
    assert_eq!(dry.status.code(), Some(0), "{}", common::report(&dry));
    assert!(
        out.contains(&format!(
            "would remove sha256:{digest} ({} bytes)",
            bytes.len()
        )),
        "{out}"
    );
    assert_eq!(out.matches("would remove sha256:").count(), 1, "{out}");
    assert!(path.is_file(), "a dry run removes nothing");

    let gc = common::run(&[
        "blob-gc",
        "--data-dir",
        common::s(&data),
        "--grace-minutes",
        "0",
    ]);
    let out = common::text(&gc);
    assert_eq!(gc.status.code(), Some(0), "{}", common::report(&gc));
    assert!(out.contains(&format!("removed sha256:{digest}")), "{out}");
    assert!(!path.exists());
    assert_eq!(
        blob_names(&blob_dir),
        referenced,
        "every referenced blob stays"
    );

    // A grace period out of range is a usage error, not a collection.
    let bad = common::run(&[
        "blob-gc",
        "--data-dir",
        common::s(&data),
        "--grace-minutes",
        "-1",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", common::report(&bad));
}
