//! The literal tile tree in `testdata/tree/`: 300 entries signed with a fixed test key,
//! committed so that any other implementation (or a future version of this one) can be
//! checked against real bytes. The test re-reads and verifies it, and checks that generating it
//! again gives the same bytes. Regenerate with `UPDATE=1 cargo test -p dtsec-tlog --test
//! testdata_tree` (only if the format deliberately changed).

use std::path::{Path, PathBuf};

use dtsec_tlog::{DirSource, Log, MemoryStorage, Signer, TileReader, TlogProof, Verifier, audit};

const ORIGIN: &str = "testdata.dtsec.example/log";
const SIZE: u64 = 300;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

fn entry(i: u64) -> Vec<u8> {
    format!("dtsec testdata entry {i}").into_bytes()
}

/// Builds the tree in three batches (100, 150, 50) and writes it, its verifier key and a
/// tlog-proof of the last entry into `dir`.
fn generate(dir: &Path) {
    let signer = Signer::new(ORIGIN, &[0x5e; 32]).expect("signer");
    let mut log = Log::create(MemoryStorage::new(), signer).expect("create");
    let mut next = 0;
    for n in [100, 150, 50] {
        let batch: Vec<Vec<u8>> = (next..next + n).map(entry).collect();
        log.append_batch(&batch).expect("append");
        next += n;
    }
    log.export(&dir.join("tree")).expect("export");
    std::fs::write(
        dir.join("tree.vkey"),
        format!("{}\n", log.verifier().to_vkey()),
    )
    .expect("vkey");
    let proof = log.tlog_proof(SIZE - 1).expect("proof");
    std::fs::write(dir.join("entry-299.tlog-proof"), proof.to_text()).expect("proof");
}

fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_committed_tile_tree_verifies_and_is_reproducible() {
    if std::env::var_os("UPDATE").is_some() {
        let _ = std::fs::remove_dir_all(testdata());
        std::fs::create_dir_all(testdata()).expect("mkdir");
        generate(&testdata());
    }
    let vkey = std::fs::read_to_string(testdata().join("tree.vkey")).expect("tree.vkey");
    let verifier = Verifier::from_vkey(vkey.trim_end()).expect("vkey parses");
    let source = DirSource::new(testdata().join("tree"));
    let report = audit(&source, &verifier).expect("the committed tree audits");
    assert_eq!(report.checkpoint.size, SIZE);
    assert_eq!(report.checkpoint.origin, ORIGIN);

    let paths: Vec<String> = files(&testdata().join("tree"))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        paths,
        [
            "checkpoint",
            "tile/0/000",
            "tile/0/001.p/44",
            "tile/1/000.p/1",
            "tile/entries/000",
            "tile/entries/001.p/44"
        ]
    );

    let reader = TileReader::new(&source, SIZE);
    for i in [0, 1, 255, 256, 299] {
        assert_eq!(reader.entry(i).ok(), Some(entry(i)));
        let p = reader.inclusion_proof(i).expect("proof from tiles");
        dtsec_tlog::verify_inclusion(&entry(i), i, &p, &report.checkpoint).expect("inclusion");
    }

    let text = std::fs::read(testdata().join("entry-299.tlog-proof")).expect("tlog-proof");
    let proof = TlogProof::parse(&text).expect("tlog-proof parses");
    assert_eq!(
        proof.verify(&entry(299), &verifier).ok(),
        Some(report.checkpoint.clone())
    );
    assert!(proof.verify(&entry(298), &verifier).is_err());

    // Generating again gives the same bytes (Ed25519 signatures are deterministic).
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path());
    assert_eq!(
        files(dir.path()),
        files(&testdata()),
        "testdata/ is stale: run with UPDATE=1"
    );
}
