//! Entry points for fuzzing the parsers that read untrusted input (issue 17): the YAML document
//! loader, NIAP XML import and ST reading, the checker on whatever those accept, sealed-envelope
//! parsing and verification, the YAML-vs-XML input routing, signed certificates and offline
//! certificate bundles (with their tlog-proof), sealed ETR bundles, and the evaluation
//! workspace's record file; and (module `postmarket`) SBOMs, OSV records and version
//! orderings, CVSS vectors, VEX documents, OSCAL catalogs and regulatory mapping YAML. They
//! live in one library so the
//! cargo-fuzz targets in `fuzz/` and the plain test that replays the committed corpus
//! (`tests/it/corpus.rs`, stable Rust, part of `cargo test`) run exactly the same code.
//!
//! Each function takes arbitrary bytes and must never panic; where it can, it also asserts a
//! property or budget of the result (the checker's findings are bounded by the input's length).
#![forbid(unsafe_code)]

use std::sync::OnceLock;

mod postmarket;

pub use postmarket::{
    cvss, mapping, oscal_import, osv_import, osv_versions, purl, sbom, vex_import,
};

use dtsec_model::{Document, Library, SourceFile, parse_document, source_from_bytes};
use dtsec_seal::{Sealed, SigningKey, VerifyingKey};

/// The name fuzz inputs are given in messages and as document ids.
const NAME: &str = "fuzz-input";

/// At most this many findings per byte of input, plus [`DIAGNOSTICS_BASE`]: a finding needs
/// some text to be about, so more than this means a rule reports one fault over and over.
pub const DIAGNOSTICS_PER_BYTE: usize = 1;

/// The findings an (almost) empty document may draw (missing sections, claims that do not
/// resolve, …) regardless of its length.
pub const DIAGNOSTICS_BASE: usize = 256;

/// The key the sealed corpus is signed with (seed of 42s): a test key, never a real one.
#[must_use]
pub fn fuzz_signing_key() -> SigningKey {
    SigningKey::from_seed(&[42; 32])
}

fn verifying_key() -> &'static VerifyingKey {
    static KEY: OnceLock<VerifyingKey> = OnceLock::new();
    KEY.get_or_init(|| fuzz_signing_key().verifying_key())
}

thread_local! {
    /// The built-in PPs, loaded once per thread (a `Library` is not `Sync`).
    static LIBRARY: Library = Library::with_builtins();
}

/// The YAML document loader: size limit, UTF-8, then the parser with spans.
pub fn yaml(data: &[u8]) {
    let _ = load_yaml(data);
}

fn load_yaml(data: &[u8]) -> Option<(SourceFile, Document)> {
    let source = source_from_bytes(NAME.to_string(), data.to_vec()).ok()?;
    let document = parse_document(&source).ok()?;
    Some((source, document))
}

/// The compiled form (`dtsec_model::compiled`): what `dtsec`'s document cache reads back from
/// the cache directory. Whatever decodes must encode and decode again to the same document.
pub fn compiled(data: &[u8]) {
    let Ok(document) = dtsec_model::compiled::decode(data) else {
        return;
    };
    let again = dtsec_model::compiled::encode(NAME, &document)
        .and_then(|bytes| dtsec_model::compiled::decode(&bytes))
        .unwrap_or_else(|e| panic!("a decoded document does not round-trip: {e}"));
    assert_eq!(
        serde_json::to_value(&again).ok(),
        serde_json::to_value(&document).ok(),
        "the compiled form changed a document"
    );
}

/// NIAP XML: PP / PP-Module / Package import, and the reader that also takes NIAP-format STs.
pub fn niap(data: &[u8]) {
    let _ = dtsec_niap::import_bytes(data, NAME);
    let _ = dtsec_niap::read_document_bytes(data, NAME);
}

/// The checker, on whatever the YAML loader or the NIAP reader accepts. Asserts the budget on
/// the number of findings.
pub fn check(data: &[u8]) {
    let budget = data
        .len()
        .saturating_mul(DIAGNOSTICS_PER_BYTE)
        .saturating_add(DIAGNOSTICS_BASE);
    let run = |source: &SourceFile, document: &Document| {
        let found = LIBRARY.with(|library| {
            dtsec_check::check(dtsec_check::CheckInput {
                source,
                document,
                library,
            })
        });
        assert!(
            found.len() <= budget,
            "{} findings for {} bytes of input (budget {budget})",
            found.len(),
            data.len()
        );
    };
    if let Some((source, document)) = load_yaml(data) {
        run(&source, &document);
    }
    if let Ok(imported) = dtsec_niap::read_document_bytes(data, NAME) {
        let source = SourceFile::new(NAME, String::from_utf8_lossy(data).into_owned());
        run(&source, &imported.document);
    }
}

/// Sealed envelopes: strict parsing, then verification against the fixed test key. A payload
/// that verifies is also checked to survive a write and re-read unchanged.
pub fn sealed(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sealed) = Sealed::from_json(text) else {
        return;
    };
    let _ = sealed.signed_by();
    let _ = sealed.payload_sha256();
    if sealed.verify(verifying_key()).is_ok() {
        assert!(
            sealed
                .signed_by()
                .contains(&verifying_key().key_id().as_str()),
            "a verified envelope names the key"
        );
    }
}

/// The input routing of the command line and the registry's upload: NIAP XML when it looks
/// like it, else YAML. The route taken must match the error kind returned.
pub fn load_any(data: &[u8]) {
    let xml = dtsec_niap::looks_like_niap_xml(data);
    match dtsec_niap::load_any(NAME, data.to_vec()) {
        Ok(_) => {}
        Err(dtsec_niap::AnyError::Import(_)) => assert!(xml, "an XML error for a YAML route"),
        Err(dtsec_niap::AnyError::Load(_)) => assert!(!xml, "a YAML error for an XML route"),
        Err(_) => {}
    }
}

/// The log key the certificate-bundle corpus names (seed of 43s): a test key.
#[must_use]
pub fn fuzz_log_signer() -> dtsec_tlog::Signer {
    dtsec_tlog::Signer::new("log.fuzz.invalid", &[43; 32]).unwrap_or_else(|e| panic!("{e}"))
}

fn log_verifier() -> &'static dtsec_tlog::Verifier {
    static VERIFIER: OnceLock<dtsec_tlog::Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| fuzz_log_signer().verifier())
}

/// A signed certificate (`dtsec verify CERT.json`) and an offline certificate bundle with its
/// log entry and tlog-proof (`dtsec verify CERT.bundle.json`): parsed, then verified against the
/// fixed test keys. A certificate that verifies must name the key's scheme fields it was read
/// from (its id is not empty).
pub fn certificate(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cert) = dtsec_registry::verify_certificate(text, verifying_key()) {
        assert_eq!(cert.kind, dtsec_registry::CERTIFICATE_KIND);
    }
    let _ = dtsec_registry::transparency::CertificateBundle::is_bundle(text);
    if let Ok(bundle) = dtsec_registry::transparency::CertificateBundle::from_json(text) {
        let _ = bundle.verify(verifying_key(), log_verifier());
    }
}

/// A sealed ETR bundle (`dtsec verify ETR.json --key LAB.pub`): verified against the test key,
/// and with integrity checks only. Judging it must never fail for content: a bad bundle is a
/// list of problems, not an error.
pub fn etr_bundle(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for key in [Some(verifying_key()), None] {
        let _ = dtsec_eval::bundle::verify_bundle(
            text,
            dtsec_eval::bundle::VerifyOptions {
                key,
                evidence: None,
            },
        );
    }
}

/// The evaluation workspace's `records.jsonl`: parsed; what parses is written back and read
/// again unchanged (the workbench rewrites the file on every record).
pub fn eval_records(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(records) = dtsec_eval::records::parse_jsonl(text) else {
        return;
    };
    let again: String = records
        .iter()
        .map(dtsec_eval::records::to_jsonl_line)
        .collect();
    let reread = dtsec_eval::records::parse_jsonl(&again).unwrap_or_else(|(line, e)| {
        panic!("a written record does not read back: line {line}: {e}")
    });
    assert_eq!(reread.len(), records.len());
    let twice: String = reread
        .iter()
        .map(dtsec_eval::records::to_jsonl_line)
        .collect();
    assert_eq!(twice, again, "writing records is not stable");
}
