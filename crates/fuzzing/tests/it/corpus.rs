//! Replays every file of the committed fuzz corpus (`fuzz/corpus/<target>/`) through the same
//! functions the cargo-fuzz targets call, so CI exercises the parsers on stable Rust without
//! libFuzzer; a crash the fuzzer found stays fixed once its input is committed there.
//! `UPDATE=1` rewrites the `seed-*` sealed envelopes, which are signed with the fuzzing key.

use std::path::{Path, PathBuf};

use dtsec_fuzzing as fuzzing;

/// A fuzz target's body.
type Target = fn(&[u8]);

/// Every target, by its name in `fuzz/Cargo.toml` and its corpus directory.
const TARGETS: [(&str, Target); 17] = [
    ("yaml", fuzzing::yaml),
    ("niap", fuzzing::niap),
    ("check", fuzzing::check),
    ("sealed", fuzzing::sealed),
    ("load_any", fuzzing::load_any),
    ("certificate", fuzzing::certificate),
    ("etr_bundle", fuzzing::etr_bundle),
    ("eval_records", fuzzing::eval_records),
    ("sbom", fuzzing::sbom),
    ("purl", fuzzing::purl),
    ("osv_import", fuzzing::osv_import),
    ("osv_versions", fuzzing::osv_versions),
    ("cvss", fuzzing::cvss),
    ("vex_import", fuzzing::vex_import),
    ("oscal_import", fuzzing::oscal_import),
    ("mapping", fuzzing::mapping),
    ("compiled", fuzzing::compiled),
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

/// A fictional assessment with every part the three VEX formats carry.
fn vex_assessment(status: dtsec_vex::assessment::State) -> dtsec_vex::Assessment {
    use dtsec_vex::assessment::*;
    Assessment {
        vuln: VulnRef {
            id: "CVE-2024-3094".into(),
            aliases: vec!["GHSA-rxwq-x6h5-x525".into()],
        },
        product: ProductRef {
            name: "Fuzz Pump (fictional)".into(),
            version: "2.1.0".into(),
            sbom_serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
            sbom_version: 1,
        },
        components: vec![
            ComponentRef {
                bom_ref: "xz-utils".into(),
                purl: Some("pkg:generic/xz-utils@5.6.0".into()),
            },
            ComponentRef {
                bom_ref: "liblzma".into(),
                purl: None,
            },
        ],
        status,
        impact_statement: Some("The firmware does not ship the affected build step.".into()),
        scores: vec![
            ScoreRecord::new(
                ScoreSource::Advisory,
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H",
                false,
            )
            .expect("vector"),
        ],
        clinical: None,
        cc: None,
        dates: Dates::default(),
        regulatory: Regulatory::default(),
    }
}

/// Seeds of the postmarket targets that are our own exports: one VEX document per format
/// (two assessments each), and the OSCAL catalog of the mini PP of the check fixtures.
fn write_postmarket_seeds() {
    use dtsec_vex::assessment::{Justification, Response, State};
    use dtsec_vex::formats::{self, DocMeta, Format};
    let list = [
        vex_assessment(State::NotAffected {
            justification: Justification::CodeNotPresent,
        }),
        vex_assessment(State::Affected {
            action: "Update the pump firmware to 2.1.1.".into(),
            responses: vec![Response::Update],
        }),
    ];
    let meta = DocMeta {
        author: "Fuzz Pumps Inc. (fictional)".into(),
        namespace: "https://pumps.fuzz.invalid".into(),
        id: "FUZZ-VEX-SEED".into(),
        version: 2,
        timestamp: "2026-02-01T10:00:00Z".parse().expect("timestamp"),
    };
    let dir = corpus().join("vex_import");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for format in [Format::Cyclonedx, Format::Csaf, Format::Openvex] {
        // Version 2 lists revisions 1 and 2 (CSAF 6.1.21: the history starts at 1, no gaps).
        let revisions = [
            formats::Revision {
                number: 1,
                date: "2026-01-15T10:00:00Z".into(),
                summary: "First statements.".into(),
            },
            formats::Revision {
                number: 2,
                date: "2026-02-01T10:00:00Z".into(),
                summary: "Statements as recorded in dtsec.".into(),
            },
        ];
        let doc = formats::export_revised(format, &list, &meta, &revisions).expect("export");
        let text = serde_json::to_string_pretty(&doc).expect("json");
        let name = format!("seed-{}", format.name().to_lowercase());
        std::fs::write(dir.join(name), text).expect("write");
    }
    let pp = std::fs::read(corpus().join("yaml/mini-pp.yaml")).expect("mini PP");
    let source = dtsec_model::source_from_bytes("mini-pp.yaml".into(), pp).expect("UTF-8");
    let mut document = dtsec_model::parse_document(&source).expect("mini PP parses");
    // A catalog's `last-modified` is the document's date, which the fixture leaves out.
    document.identification.date = Some("2026-01-15".into());
    let catalog = dtsec_oscal::catalog(&document, &Default::default()).expect("catalog");
    let dir = corpus().join("oscal_import");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("seed-catalog"),
        serde_json::to_string_pretty(&catalog).expect("json"),
    )
    .expect("write");
}

#[test]
fn every_corpus_file_runs_through_every_target() {
    if std::env::var_os("UPDATE").is_some() {
        write_sealed_seeds();
        write_certificate_seeds();
        write_postmarket_seeds();
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
    postmarket_seeds_are_accepted(&read);
}

/// The postmarket seeds are inputs the parsers accept, so the fuzzer starts inside them.
fn postmarket_seeds_are_accepted(read: &dyn Fn(&str, &str) -> Vec<u8>) {
    let ingester = dtsec_sbom::Ingester::new(dtsec_sbom::Limits::default());
    let (doc, _) = ingester
        .ingest(&read("sbom", "seed-purls.json"))
        .expect("SBOM seed ingests");
    assert_eq!(doc.components.len(), 5);
    let osv = dtsec_advisories::import::Entry::File(
        "GO-2020-0001.json".into(),
        read("osv_import", "GO-2020-0001.json"),
    );
    let db =
        dtsec_advisories::import::build(vec![osv], "2026-01-01T00:00:00Z".into(), &mut |_, _| {})
            .expect("build");
    assert_eq!(db.records.len(), 1, "the OSV seed imports");
    for name in ["seed-v31", "seed-v40-full"] {
        let text = String::from_utf8(read("cvss", name)).expect("UTF-8");
        dtsec_vex::cvss::score(&text).expect("CVSS seed scores");
    }
    for (format, name) in [
        (dtsec_vex::formats::Format::Cyclonedx, "seed-cyclonedx"),
        (dtsec_vex::formats::Format::Csaf, "seed-csaf"),
        (dtsec_vex::formats::Format::Openvex, "seed-openvex"),
    ] {
        let got = dtsec_vex::formats::import_bytes(format, name, &read("vex_import", name))
            .expect("VEX seed imports");
        assert_eq!(got.len(), 2, "{name}");
    }
    let catalog: serde_json::Value =
        serde_json::from_slice(&read("oscal_import", "seed-catalog")).expect("JSON");
    dtsec_oscal::import::catalog_document(&catalog).expect("the OSCAL seed imports");
    let mapping =
        dtsec_model::source_from_bytes("m.yaml".into(), read("mapping", "cdd-2.0--fda-524b.yaml"))
            .expect("UTF-8");
    dtsec_regulatory::mapping::parse(&mapping).expect("the mapping seed parses");
    let text = String::from_utf8(read("purl", "seed-npm-scope")).expect("UTF-8");
    assert_eq!(
        dtsec_sbom::purl::normalize(&text).expect("purl seed").name,
        "core"
    );
}
