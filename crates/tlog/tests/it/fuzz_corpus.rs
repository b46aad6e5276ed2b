//! Replays every file of the committed fuzz corpus (`fuzz/corpus/<target>/`) through the same
//! functions the cargo-fuzz targets call, so CI exercises the parsers on stable Rust without
//! libFuzzer. `UPDATE=1` rewrites the `seed-*` files from real log output.

use std::path::{Path, PathBuf};

use dtsec_tlog::fuzzing::{self, fuzz_signer};
use dtsec_tlog::{Log, MemoryStorage, TileSource};

/// A fuzz target's body.
type Target = fn(&[u8]);

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

fn write_seeds() {
    let mut log = Log::create(MemoryStorage::new(), fuzz_signer()).expect("create");
    let entries: Vec<Vec<u8>> = std::iter::once(b"entry".to_vec())
        .chain((1..300u32).map(|i| i.to_be_bytes().repeat((i % 7) as usize)))
        .collect();
    log.append_batch(&entries).expect("append");
    let storage = log.storage().clone();
    let seeds: Vec<(&str, &str, Vec<u8>)> = vec![
        ("checkpoint", "seed-checkpoint", log.signed_checkpoint().to_vec()),
        ("checkpoint", "seed-checkpoint-text", log.checkpoint().to_text().into_bytes()),
        ("checkpoint", "seed-vkey", log.verifier().to_vkey().into_bytes()),
        ("checkpoint", "seed-skey", fuzz_signer().to_skey().into_bytes()),
        (
            "checkpoint",
            "seed-extension",
            b"example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\n\n\xe2\x80\x94 a AAAAAAA=\n"
                .to_vec(),
        ),
        ("tiles", "seed-path-full", b"tile/0/x001/x234/067".to_vec()),
        ("tiles", "seed-path-partial", b"tile/1/000.p/1".to_vec()),
        ("tiles", "seed-path-entries", b"tile/entries/001.p/44".to_vec()),
        ("tiles", "seed-bundle", storage.read("tile/entries/001.p/44").expect("bundle")),
        ("tiles", "seed-bundle-empty-entry", vec![0, 0, 0, 1, 7]),
        ("tiles", "seed-tile", {
            let mut t = vec![44u8];
            t.extend(storage.read("tile/0/001.p/44").expect("tile"));
            t
        }),
        ("proofs", "seed-tlog-proof", log.tlog_proof(0).expect("proof").to_text().into_bytes()),
        ("proofs", "seed-tlog-proof-extra", {
            let mut p = log.tlog_proof(299).expect("proof");
            p.extra = Some(b"opaque".to_vec());
            p.to_text().into_bytes()
        }),
        ("proofs", "seed-raw", {
            let mut raw = 5u64.to_le_bytes().to_vec();
            raw.extend(8u64.to_le_bytes());
            for h in log.inclusion_proof(5, 8).expect("proof") {
                raw.extend(h.0);
            }
            raw
        }),
    ];
    for (target, name, bytes) in seeds {
        let dir = corpus().join(target);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join(name), bytes).expect("write seed");
    }
}

#[test]
fn every_corpus_file_runs_through_its_target() {
    if std::env::var_os("UPDATE").is_some() {
        write_seeds();
    }
    let targets: [(&str, Target); 3] = [
        ("checkpoint", fuzzing::checkpoint),
        ("tiles", fuzzing::tiles),
        ("proofs", fuzzing::proofs),
    ];
    for (target, run) in targets {
        let dir = corpus().join(target);
        let mut count = 0;
        for e in std::fs::read_dir(&dir).expect("corpus directory").flatten() {
            let bytes = std::fs::read(e.path()).expect("read corpus file");
            run(&bytes);
            count += 1;
        }
        assert!(count > 0, "no corpus for {target}");
    }
}

#[test]
fn the_seeds_parse_so_the_fuzzer_starts_from_valid_inputs() {
    let read = |t: &str, n: &str| std::fs::read(corpus().join(t).join(n)).expect("seed");
    let signer = fuzz_signer();
    dtsec_tlog::Checkpoint::open(&read("checkpoint", "seed-checkpoint"), &signer.verifier())
        .expect("checkpoint seed verifies");
    let proof = dtsec_tlog::TlogProof::parse(&read("proofs", "seed-tlog-proof")).expect("parses");
    proof
        .verify(b"entry", &signer.verifier())
        .expect("proof seed verifies");
    assert_eq!(
        dtsec_tlog::tile::parse_bundle(&read("tiles", "seed-bundle")).map(|b| b.len()),
        Ok(44)
    );
}
