//! `dtsec verify`: checks a signed dtsec document offline — a certificate (against the scheme's
//! public key), a certificate bundle (also against the transparency log's key), or a sealed ETR
//! bundle (against the lab's, with its roll-up and evidence) — or a certificate online against
//! the registry and its log (`--registry`, in `verify_log.rs`). An ETR bundle needs the lab's
//! key, or an explicit `--integrity-only`: an intact bundle is not an authentic one.

use std::path::Path;

use dtsec_registry::{CERTIFICATE_KIND, verify_certificate};

use crate::error::{CliError, CliResult};

pub fn run(
    file: &Path,
    key: Option<&Path>,
    evidence: Option<&Path>,
    integrity_only: bool,
    log: &super::verify_log::LogArgs,
) -> CliResult {
    // A sealed bundle is the largest document verified; its limit is checked before reading.
    let text = crate::input::read_text(file, dtsec_seal::MAX_SEALED_BYTES, "the signed document")?;
    // The envelope says what it holds; anything that is not a certificate is an ETR bundle.
    let kind = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["payload"]["kind"].as_str().map(str::to_string));
    let is_bundle = dtsec_registry::transparency::CertificateBundle::is_bundle(&text);
    if let Some(url) = &log.registry {
        if is_bundle || kind.as_deref() == Some(CERTIFICATE_KIND) {
            return super::verify_log::online(file, &text, key, log, url);
        }
        return Err(CliError::unusable(format!(
            "--registry checks certificates and certificate bundles; {} is neither",
            file.display()
        )));
    }
    if is_bundle {
        return super::verify_log::bundle_offline(file, &text, key, log);
    }
    if kind.as_deref() == Some(CERTIFICATE_KIND) {
        return certificate(file, &text, key, log);
    }
    if integrity_only && key.is_some() {
        return Err(CliError::unusable(
            "--integrity-only and --key exclude each other",
        ));
    }
    if key.is_none() && !integrity_only {
        // An intact bundle proves nothing about who made it: anyone can seal one with a key of
        // their own. Exit 0 must not be read as "authentic" by a script.
        return Err(CliError::unusable(format!(
            "{}: an ETR bundle is authentic only if signed by its lab's key; none was given",
            file.display()
        ))
        .with_help(
            "give --key LAB.pub (the key the lab registered), or --integrity-only to check only that the bundle is intact",
        ));
    }
    super::eval::verify(file, key, evidence)
}

fn certificate(
    file: &Path,
    text: &str,
    key: Option<&Path>,
    log: &super::verify_log::LogArgs,
) -> CliResult {
    let key_path = key.ok_or_else(|| {
        CliError::unusable(format!(
            "{} is a certificate; give the scheme's public key",
            file.display()
        ))
        .with_help(
            "dtsec verify CERT.json --key SCHEME.pub (the registry serves it at /scheme.pub)",
        )
    })?;
    let key = dtsec_seal::load_verifying_key(key_path)?;
    match verify_certificate(text, &key) {
        Ok(cert) => {
            super::verify_log::print_certificate(&cert);
            outln!("ST sha256:    {}", cert.st_sha256);
            outln!("ETR sha256:   {}", cert.etr_sha256);
            outln!("verified: signed by the scheme key {}", key.key_id());
            Ok(super::verify_log::offline_validity(&cert, log))
        }
        Err(e) => Err(CliError::failed(format!("{}: {e}", file.display()))
            .with_help("the certificate was altered or not signed by this scheme key")),
    }
}
