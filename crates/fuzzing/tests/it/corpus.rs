//! Replays every file of the committed fuzz corpus (`fuzz/corpus/<target>/`) through the same
//! functions the cargo-fuzz targets call, so CI exercises the parsers on stable Rust without
//! libFuzzer; a crash the fuzzer found stays fixed once its input is committed there.
//! `UPDATE=1` rewrites the `seed-*` sealed envelopes, which are signed with the fuzzing key.

use std::path::{Path, PathBuf};

use dtsec_fuzzing as fuzzing;

/// A fuzz target's body.
type Target = fn(&[u8]);

/// Every target, by its name in `fuzz/Cargo.toml` and its corpus directory.
const TARGETS: [(&str, Target); 5] = [
    ("yaml", fuzzing::yaml),
    ("niap", fuzzing::niap),
    ("check", fuzzing::check),
    ("sealed", fuzzing::sealed),
    ("load_any", fuzzing::load_any),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

fn files(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = corpus().join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read corpus file");
            (e.path(), bytes)
        })
        .collect();
    out.sort();
    out
}

fn write_sealed_seeds() {
    let key = fuzzing::fuzz_signing_key();
    let other = dtsec_seal::SigningKey::from_seed(&[7; 32]);
    let payload = serde_json::json!({
        "kind": "etr",
        "verdict": "pass",
        "units": [{"id": "ASE_INT.1", "verdict": "pass"}, {"id": "ALC_FLR.2", "verdict": "fail"}],
        "numbers": [0, -1, 1.5, 1e300, 18446744073709551615u64],
        "text": "caf\u{e9} \u{1F600} \"quoted\" \\ /",
        "null": null,
        "nested": {"a": {"b": {"c": [true, false]}}}
    });
    let mut cosigned = dtsec_seal::seal(payload.clone(), &key);
    cosigned.add_signature(&other);
    let seeds = [
        (
            "seed-etr",
            dtsec_seal::seal(payload.clone(), &key).to_json_pretty(),
        ),
        ("seed-cosigned", cosigned.to_json_pretty()),
        (
            "seed-other-key",
            dtsec_seal::seal(payload, &other).to_json_pretty(),
        ),
        (
            "seed-empty",
            dtsec_seal::seal(serde_json::json!({}), &key).to_json_pretty(),
        ),
    ];
    let dir = corpus().join("sealed");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, text) in seeds {
        std::fs::write(dir.join(name), text).expect("write seed");
    }
}

#[test]
fn every_corpus_file_runs_through_every_target() {
    if std::env::var_os("UPDATE").is_some() {
        write_sealed_seeds();
    }
    // Every target sees every target's corpus: the inputs of one are good starting points, and
    // hostile cases, for the others (YAML for the XML reader, XML for the router, …).
    let all: Vec<(PathBuf, Vec<u8>)> = TARGETS.iter().flat_map(|(t, _)| files(t)).collect();
    for (target, _) in TARGETS {
        assert!(!files(target).is_empty(), "no corpus for {target}");
    }
    for (target, run) in TARGETS {
        for (path, bytes) in &all {
            let result = std::panic::catch_unwind(|| run(bytes));
            assert!(
                result.is_ok(),
                "target {target} panicked on {}",
                path.display()
            );
        }
    }
}

#[test]
fn the_seeds_parse_so_the_fuzzer_starts_from_valid_inputs() {
    let key = fuzzing::fuzz_signing_key().verifying_key();
    let read = |t: &str, n: &str| std::fs::read(corpus().join(t).join(n)).expect("seed");
    let text = String::from_utf8(read("sealed", "seed-etr")).expect("UTF-8");
    let sealed = dtsec_seal::Sealed::from_json(&text).expect("sealed seed parses");
    sealed.verify(&key).expect("sealed seed verifies");
    for name in ["pump-st.yaml", "mini-st.yaml"] {
        dtsec_niap::load_any(name, read("yaml", name)).expect("YAML seed loads");
    }
    dtsec_niap::import_bytes(&read("niap", "mini-pp.xml"), "mini-pp").expect("NIAP seed imports");
    dtsec_niap::read_document_bytes(&read("niap", "st-mini.xml"), "st-mini")
        .expect("NIAP ST seed reads");
}
