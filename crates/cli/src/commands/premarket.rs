//! `dtsec premarket ST [--etr SEALED.json --key LAB.pub] [--sbom FILE] -o DIR`: the FDA premarket
//! cybersecurity documentation set (`dtsec-premarket`) as `index.html` and `premarket.pdf`.
//! Offline from a certificate: `--etr SEALED.json --certificate CERT.json --key SCHEME.pub`
//! (a certificate or certificate bundle the registry serves, signed by the scheme, naming the
//! ETR and the ST by their SHA-256), for whoever holds the certificate but not the lab's key.
//!
//! The sealed ETR is read as `dtsec oscal ssp|ap|ar` read it: its signature must verify with the
//! lab's key (a bundle that does not verify, or was sealed for another ST, is refused with exit
//! 2), because only a verified bundle may tag sections "verified by an approved lab". Missing
//! optional inputs are not errors: they are listed at the top of the package and on standard
//! error, and the run exits 0.

use std::path::{Path, PathBuf};

use dtsec_premarket::{Etr, Inputs, LabEvidence, SbomInput};

use crate::PpArgs;
use crate::error::{CliError, CliResult, Exit};

/// What `dtsec premarket` reads.
#[derive(clap::Args)]
pub struct PremarketArgs {
    /// The Security Target.
    st: PathBuf,
    /// The sealed ETR bundle (`dtsec eval seal`) of this ST.
    #[arg(long, value_name = "SEALED.json", requires = "key")]
    etr: Option<PathBuf>,
    /// The lab's public key the ETR's signature is verified with; with `--certificate`, the
    /// scheme's public key the certificate's signature is verified with.
    #[arg(long, value_name = "LAB.pub", requires = "etr")]
    key: Option<PathBuf>,
    /// The signed certificate (`dtsec registry certificate`) or certificate bundle
    /// (`/certificates/ID.bundle.json`) issued on this ST and ETR. The ETR is then accepted
    /// when the certificate names it (its SHA-256), since the registry verified the lab's
    /// signature when the ETR was submitted; `--key` is the scheme's key.
    #[arg(long, value_name = "CERT.json", requires = "etr")]
    certificate: Option<PathBuf>,
    /// The product's SBOM (CycloneDX or SPDX JSON).
    #[arg(long, value_name = "FILE")]
    sbom: Option<PathBuf>,
    /// The directory to write `index.html` and `premarket.pdf` into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    #[command(flatten)]
    pps: PpArgs,
}

/// Reads and verifies the sealed ETR; returns the bundle's payload (also `dtsec map coverage
/// --etr`).
pub(crate) fn read_etr(
    bundle: &Path,
    key: &Path,
    st: &Path,
) -> Result<serde_json::Value, CliError> {
    let name = bundle.display().to_string();
    let text = crate::input::read_text(bundle, dtsec_seal::MAX_SEALED_BYTES, "the ETR bundle")?;
    let key = dtsec_seal::load_verifying_key(key)?;
    let verification = dtsec_eval::bundle::verify_bundle(
        &text,
        dtsec_eval::bundle::VerifyOptions {
            key: Some(&key),
            evidence: None,
        },
    )
    .map_err(|e| CliError::unusable(format!("{name}: {e}")))?;
    if !verification.is_valid() {
        let mut error = CliError::unusable(format!(
            "{name}: the ETR bundle does not verify with the given key ({:?})",
            verification.signature
        ))
        .with_help("give the bundle the lab sealed and the lab's public key; `dtsec verify` says what is wrong");
        for p in &verification.problems {
            error = error.with_detail(format!("  {p}"));
        }
        return Err(error);
    }
    let sealed = dtsec_seal::Sealed::from_json(&text)?;
    let st_bytes =
        crate::input::read_file(st, dtsec_model::load::MAX_DOCUMENT_BYTES as u64, "the ST")?;
    let digest = dtsec_seal::sha256_hex(&st_bytes);
    let sealed_digest = sealed.payload["st"]["sha256"].as_str().unwrap_or_default();
    if digest != sealed_digest {
        return Err(CliError::unusable(format!(
            "{}: SHA-256 {digest} is not the ST the bundle {name} was sealed for (/st/sha256 = {sealed_digest})",
            st.display()
        ))
        .with_help("give the ST file exactly as it was evaluated"));
    }
    Ok(sealed.payload)
}

fn read_sbom(path: &Path) -> Result<SbomInput, CliError> {
    let ingester = dtsec_sbom::Ingester::new(dtsec_sbom::Limits::default());
    let bytes = crate::input::read_file(path, ingester.limits().max_bytes, "the SBOM")?;
    let (doc, report) = ingester.ingest(&bytes).map_err(|e| {
        let mut error = CliError::unusable(format!("{}: not a usable SBOM: {e}", path.display()))
            .with_help("give a CycloneDX 1.4–1.7 or SPDX 2.2/2.3 JSON SBOM; `dtsec sbom check` lists every problem");
        if let dtsec_sbom::SbomError::Invalid { violations } = &e {
            for v in violations.iter().take(10) {
                error = error.with_detail(format!("  {}#{}: [{}] {}", path.display(), v.pointer, v.rule, v.message));
            }
        }
        error
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(SbomInput { name, doc, report })
}

/// Reads the sealed ETR on the authority of a certificate: the certificate's signature must
/// verify with the scheme's key, and it must name this ETR (`etr_sha256`, the payload's
/// SHA-256) and this ST (`st_sha256`); the ETR must be intact. Returns the payload.
fn read_certified_etr(
    bundle: &Path,
    certificate: &Path,
    scheme_key: &Path,
    st: &Path,
) -> Result<serde_json::Value, CliError> {
    let cert_name = certificate.display().to_string();
    let text =
        crate::input::read_text(certificate, dtsec_seal::MAX_SEALED_BYTES, "the certificate")?;
    let cert_text = if dtsec_registry::transparency::CertificateBundle::is_bundle(&text) {
        dtsec_registry::transparency::CertificateBundle::from_json(&text)
            .map_err(|e| CliError::unusable(format!("{cert_name}: {e}")))?
            .certificate
            .to_string()
    } else {
        text
    };
    let key = dtsec_seal::load_verifying_key(scheme_key)?;
    let cert = dtsec_registry::verify_certificate(&cert_text, &key).map_err(|e| {
        CliError::unusable(format!("{cert_name}: {e}")).with_help(
            "give the certificate as the registry serves it and the scheme's public key (/scheme.pub); `dtsec verify` says what is wrong",
        )
    })?;
    let name = bundle.display().to_string();
    let etr_text = crate::input::read_text(bundle, dtsec_seal::MAX_SEALED_BYTES, "the ETR bundle")?;
    let verification = dtsec_eval::bundle::verify_bundle(
        &etr_text,
        dtsec_eval::bundle::VerifyOptions {
            key: None,
            evidence: None,
        },
    )
    .map_err(|e| CliError::unusable(format!("{name}: {e}")))?;
    if !verification.is_intact() {
        let mut error = CliError::unusable(format!("{name}: the ETR bundle is not intact"))
            .with_help("give the bundle exactly as the lab sealed it; `dtsec verify --integrity-only` says what is wrong");
        for p in &verification.problems {
            error = error.with_detail(format!("  {p}"));
        }
        return Err(error);
    }
    let sealed = dtsec_seal::Sealed::from_json(&etr_text)?;
    let etr_digest = sealed.payload_sha256();
    if etr_digest != cert.etr_sha256 {
        return Err(CliError::unusable(format!(
            "{name}: payload SHA-256 {etr_digest} is not the ETR certificate {} was issued on (etr_sha256 = {})",
            cert.certificate_id, cert.etr_sha256
        ))
        .with_help("give the sealed ETR bundle the lab submitted for this certificate"));
    }
    let st_bytes =
        crate::input::read_file(st, dtsec_model::load::MAX_DOCUMENT_BYTES as u64, "the ST")?;
    let digest = dtsec_seal::sha256_hex(&st_bytes);
    let sealed_digest = sealed.payload["st"]["sha256"].as_str().unwrap_or_default();
    if digest != cert.st_sha256 || digest != sealed_digest {
        return Err(CliError::unusable(format!(
            "{}: SHA-256 {digest} is not the ST certificate {} was issued on (st_sha256 = {})",
            st.display(),
            cert.certificate_id,
            cert.st_sha256
        ))
        .with_help("give the ST file exactly as it was submitted"));
    }
    if !matches!(cert.status.as_str(), "active" | "maintained") {
        crate::error::warning(format!(
            "{cert_name}: certificate {} says `{}`{}",
            cert.certificate_id,
            cert.status,
            cert.status_reason
                .as_deref()
                .map_or_else(String::new, |r| format!(" ({r})"))
        ));
    }
    eprintln!(
        "{name}: the ETR certificate {} ({}, signed by the scheme key {}) was issued on",
        cert.certificate_id,
        cert.status,
        key.key_id()
    );
    Ok(sealed.payload)
}

pub fn run(args: &PremarketArgs) -> CliResult {
    let input = crate::input::load(&args.st)?;
    let library = crate::library::build(&args.pps)?;
    let sbom = args.sbom.as_deref().map(read_sbom).transpose()?;
    let payload = match (&args.etr, &args.key, &args.certificate) {
        (Some(etr), Some(key), Some(cert)) => Some(read_certified_etr(etr, cert, key, &args.st)?),
        (Some(etr), Some(key), None) => Some(read_etr(etr, key, &args.st)?),
        _ => None,
    };
    let lab = match (&payload, &args.etr) {
        (Some(p), Some(etr)) => Some(LabEvidence {
            etr: Etr::from_payload(p, &input.document)
                .map_err(|e| CliError::unusable(format!("{}: {e}", etr.display())))?,
            signature_verified: true,
        }),
        _ => None,
    };
    let inputs = Inputs {
        st: &input.document,
        library: &library,
        lab: lab.as_ref(),
        sbom: sbom.as_ref(),
    };
    let package = dtsec_premarket::build(&inputs).map_err(|e| {
        CliError::unusable(format!("{}: {e}", args.st.display()))
            .with_help("give an ST that claims a PP dtsec knows (or pass it with --pp)")
    })?;
    let html = dtsec_premarket::html::render(&package);
    let pdf = dtsec_premarket::pdf::render(&package);
    std::fs::create_dir_all(&args.output)
        .map_err(|e| CliError::unusable(format!("cannot create {}: {e}", args.output.display())))?;
    for (name, bytes) in [
        ("index.html", html.as_bytes()),
        ("premarket.pdf", pdf.as_slice()),
    ] {
        let path = args.output.join(name);
        crate::write::atomic_write(&path, bytes)
            .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("wrote {}", path.display());
    }
    for m in &package.missing {
        crate::error::warning(format!("missing input: {} ({})", m.input, m.gives));
    }
    Ok(Exit::Success)
}
