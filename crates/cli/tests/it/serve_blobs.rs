//! Issue 16: `dtsec serve --blob-dir DIR` keeps the cases' documents (STs, sealed ETR bundles)
//! in DIR, named by their SHA-256, and the public ST page is served from there; a blob removed
//! from under the server is an error answer (naming nothing private), never a wrong document.

use crate::common;

/// Every file under `dir`, as (name, bytes).
fn blobs(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read blob dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read(&p).expect("read blob")));
            }
        }
    }
    out
}

#[test]
fn the_demo_keeps_its_documents_in_the_blob_directory_given() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let blob_dir = tmp.path().join("elsewhere").join("blobs");
    let server = common::serve(
        &[
            "--demo",
            "--data-dir",
            common::s(&data),
            "--blob-dir",
            common::s(&blob_dir),
        ],
        &[],
        &tmp.path().join("serve.log"),
    );
    // Not in the default place beside the database.
    assert!(!data.join("registry.sqlite3.blobs").exists());
    let stored = blobs(&blob_dir);
    assert!(stored.len() >= 4, "STs and ETRs as blobs: {}", stored.len());
    for (name, bytes) in &stored {
        assert_eq!(
            &dtsec_seal::sha256_hex(bytes),
            name,
            "a blob is named by its digest"
        );
    }

    let http = common::http();
    let list: serde_json::Value = http
        .get(format!("{}/api/v1/devices", server.base))
        .send()
        .expect("device list")
        .json()
        .expect("JSON");
    let id = list[0]["certificate_id"]
        .as_str()
        .expect("a certified device");
    let st_url = format!("{}/api/v1/devices/{id}/st", server.base);
    let st = http.get(&st_url).send().expect("ST");
    assert_eq!(st.status(), 200, "{}", server.log());
    let st = st.bytes().expect("ST bytes");
    let digest = dtsec_seal::sha256_hex(&st);
    assert!(
        stored.iter().any(|(name, _)| *name == digest),
        "the published ST is the blob {digest}"
    );

    // The blob removed from under the server: an error, never another document.
    let path = blob_dir
        .join(&digest[0..2])
        .join(&digest[2..4])
        .join(&digest);
    std::fs::remove_file(&path).expect("remove the ST's blob");
    // The public answer may be kept for this long (`http_cache.rs`): the same bytes, no other.
    std::thread::sleep(dtsec_registry::STATUS_FRESH_FOR + std::time::Duration::from_millis(200));
    let gone = http.get(&st_url).send().expect("ST again");
    assert_eq!(gone.status(), 500);
    drop(server);
}
