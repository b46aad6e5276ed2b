//! Replays every file of the committed fuzz corpus (`fuzz/corpus/<target>/`) through the same
//! functions the cargo-fuzz targets call, so CI exercises the parsers on stable Rust without
//! libFuzzer; a crash the fuzzer found stays fixed once its input is committed there.
//! `UPDATE=1` rewrites the `seed-*` sealed envelopes, which are signed with the fuzzing key.

use std::path::{Path, PathBuf};

use dtsec_fuzzing as fuzzing;

/// A fuzz target's body.
type Target = fn(&[u8]);

/// Every target, by its name in `fuzz/Cargo.toml` and its corpus directory.
const TARGETS: [(&str, Target); 8] = [
    ("yaml", fuzzing::yaml),
    ("niap", fuzzing::niap),
    ("check", fuzzing::check),
    ("sealed", fuzzing::sealed),
    ("load_any", fuzzing::load_any),
    ("certificate", fuzzing::certificate),
    ("etr_bundle", fuzzing::etr_bundle),
    ("eval_records", fuzzing::eval_records),
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

/// A certificate payload in the registry's shape (fictional values).
fn certificate_payload() -> serde_json::Value {
    serde_json::json!({
        "kind": dtsec_registry::CERTIFICATE_KIND,
        "certificate_id": "DTSEC-2026-0001",
        "revision": 1,
        "scheme": "DTSec (fuzzing)",
        "product_name": "Acme Nimbus Pump",
        "product_version": "3.0.0",
        "build_ids": ["fw-3.0.0"],
        "manufacturer": "Acme Medical Devices (fictional)",
        "toe_type": "pump",
        "pp_claim": [{"id": "cdd", "version": "2.0"}],
        "package_claims": [{"id": "cdd-eb", "version": "2.0"}],
        "st_reference": {"id": "acme-nimbus-st", "version": "2.0"},
        "lab": {"name": "Northwind Security Evaluation Lab", "key_id": "ed25519:0000"},
        "certification_date": "2026-12-01",
        "expiry_date": "2029-12-01",
        "status": "active",
        "status_reason": null,
        "st_sha256": "0".repeat(64),
        "etr_sha256": "1".repeat(64),
        "maintenance_history": [{"version": "3.0.1", "build_ids": ["fw-3.0.1"], "date": "2026-12-05", "change_class": "minor", "changes": ["a fix"]}],
        "issued_at": "2026-12-01T00:00:00Z"
    })
}

/// Seeds of the certificate target: a sealed certificate, and an offline bundle whose entry is
/// in a one-entry log signed with the fuzzing log key; the ETR target starts from the sealed
/// seeds; the records target from two record lines.
fn write_certificate_seeds() {
    let key = fuzzing::fuzz_signing_key();
    let sealed = dtsec_seal::seal(certificate_payload(), &key);
    let entry = serde_json::json!({
        "kind": "certificate-issued",
        "certificate_id": "DTSEC-2026-0001",
        "revision": 1,
        "status": "active",
        "certificate_sha256": sealed.payload_sha256(),
        "at": "2026-12-01T00:00:00Z"
    });
    let entry = String::from_utf8(dtsec_seal::canonical_json(&entry)).expect("UTF-8");
    let storage = dtsec_tlog::MemoryStorage::new();
    let mut log = dtsec_tlog::Log::create(storage, fuzzing::fuzz_log_signer()).expect("log");
    log.append_batch(&[entry.as_bytes()]).expect("append");
    let proof = log.tlog_proof(0).expect("proof").to_text();
    let bundle = serde_json::json!({
        "kind": dtsec_registry::transparency::BUNDLE_KIND,
        "certificate": serde_json::from_str::<serde_json::Value>(&sealed.to_json_pretty()).expect("json"),
        "log_entry": entry,
        "tlog_proof": proof,
    });
    let dir = corpus().join("certificate");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("seed-certificate"), sealed.to_json_pretty()).expect("write");
    std::fs::write(
        dir.join("seed-bundle"),
        serde_json::to_string_pretty(&bundle).expect("json"),
    )
    .expect("write");
    let records = "{\"seq\":1,\"unit\":\"ADV_FSP.3-1\",\"verdict\":\"pass\",\"by\":\"Alice\",\"at\":\"2026-12-01T00:00:00Z\",\"evidence\":[\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"],\"note\":\"FSP v2\"}\n{\"seq\":2,\"unit\":\"ATE_IND.2-3\",\"verdict\":\"fail\",\"by\":\"Bob\",\"at\":\"2026-12-02T00:00:00Z\",\"observations\":[\"OR-1\"],\"replaces\":null}\n";
    let dir = corpus().join("eval_records");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("seed-records"), records).expect("write");
    let dir = corpus().join("etr_bundle");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("seed-etr"),
        dtsec_seal::seal(
            serde_json::json!({"kind": dtsec_eval::bundle::BUNDLE_KIND, "digests": {}}),
            &key,
        )
        .to_json_pretty(),
    )
    .expect("write");
}

#[test]
fn every_corpus_file_runs_through_every_target() {
    if std::env::var_os("UPDATE").is_some() {
        write_sealed_seeds();
        write_certificate_seeds();
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
    let cert = String::from_utf8(read("certificate", "seed-certificate")).expect("UTF-8");
    dtsec_registry::verify_certificate(&cert, &key).expect("certificate seed verifies");
    let bundle = String::from_utf8(read("certificate", "seed-bundle")).expect("UTF-8");
    dtsec_registry::transparency::CertificateBundle::from_json(&bundle)
        .expect("bundle seed parses")
        .verify(&key, &fuzzing::fuzz_log_signer().verifier())
        .expect("bundle seed verifies");
    let records = String::from_utf8(read("eval_records", "seed-records")).expect("UTF-8");
    assert_eq!(
        dtsec_eval::records::parse_jsonl(&records)
            .expect("records seed parses")
            .len(),
        2
    );
}
