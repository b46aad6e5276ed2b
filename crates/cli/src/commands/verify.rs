//! `dtsec verify`: checks a signed dtsec document offline — a certificate (against the scheme's
//! public key), a certificate bundle (also against the transparency log's key), or a sealed ETR
//! bundle (against the lab's, with its roll-up and evidence) — or a certificate online against
//! the registry and its log (`--registry`, in `verify_log.rs`).

use std::path::Path;

use dtsec_registry::{CERTIFICATE_KIND, verify_certificate};

pub fn run(
    file: &Path,
    key: Option<&Path>,
    evidence: Option<&Path>,
    log: &super::verify_log::LogArgs,
) -> u8 {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            eprintln!("  = help: check the path and the file's permissions");
            return 2;
        }
    };
    // The envelope says what it holds; anything that is not a certificate is an ETR bundle.
    let kind = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["payload"]["kind"].as_str().map(str::to_string));
    let is_bundle = dtsec_registry::transparency::CertificateBundle::is_bundle(&text);
    if let Some(url) = &log.registry {
        if is_bundle || kind.as_deref() == Some(CERTIFICATE_KIND) {
            return super::verify_log::online(file, &text, key, log, url);
        }
        eprintln!(
            "error: --registry checks certificates and certificate bundles; {} is neither",
            file.display()
        );
        return 2;
    }
    if is_bundle {
        return super::verify_log::bundle_offline(file, &text, key, log);
    }
    if kind.as_deref() == Some(CERTIFICATE_KIND) {
        return certificate(file, &text, key, log);
    }
    super::eval::verify(file, key, evidence)
}

fn certificate(
    file: &Path,
    text: &str,
    key: Option<&Path>,
    log: &super::verify_log::LogArgs,
) -> u8 {
    let Some(key_path) = key else {
        eprintln!(
            "error: {} is a certificate; give the scheme's public key",
            file.display()
        );
        eprintln!(
            "  = help: dtsec verify CERT.json --key SCHEME.pub (the registry serves it at /scheme.pub)"
        );
        return 2;
    };
    let key = match dtsec_seal::load_verifying_key(key_path) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("  = help: {}", e.help());
            return 2;
        }
    };
    match verify_certificate(text, &key) {
        Ok(cert) => {
            outln!(
                "certificate {} (revision {}): {} {} by {}",
                cert.certificate_id,
                cert.revision,
                cert.product_name,
                cert.product_version,
                cert.manufacturer
            );
            outln!("TOE type:     {}", cert.toe_type);
            outln!("status:       {} (as of {})", cert.status, cert.issued_at);
            outln!(
                "valid:        {} to {}",
                cert.certification_date,
                cert.expiry_date
            );
            outln!("ST sha256:    {}", cert.st_sha256);
            outln!("ETR sha256:   {}", cert.etr_sha256);
            outln!("verified: signed by the scheme key {}", key.key_id());
            super::verify_log::offline_validity(&cert, log)
        }
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            eprintln!("  = help: the certificate was altered or not signed by this scheme key");
            1
        }
    }
}
