//! The certificate document: what the scheme signs, and its offline verification.
//!
//! A certificate is a `dtsec-seal` sealed JSON document whose payload has `kind`
//! [`CERTIFICATE_KIND`] and the fields of `shared/design/cdd-pp.md`. **Every status change
//! re-issues it**: the same `certificate_id` with the next `revision`, the new `status`, and
//! `issued_at` of that revision, signed again by the scheme key. All revisions are kept. A
//! signed document therefore says "this was the status at `issued_at`"; whether a later revision
//! exists (a suspension, a revocation) is what the registry's public status lookup answers. The
//! choice keeps one document type for holders and verifiers, instead of a certificate plus
//! separately signed status statements.

use dtsec_seal::{Sealed, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::RegistryError;

/// The payload `kind` of a certificate.
pub const CERTIFICATE_KIND: &str = "dtsec-certificate/1";

/// A claimed PP or package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The document id (`cdd`, `cdd-eb`).
    pub id: String,
    /// Its version.
    pub version: String,
}

/// The evaluation facility, as it was registered when the ETR was accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabRef {
    /// The lab's name.
    pub name: String,
    /// The key id the ETR bundle was verified with.
    pub key_id: String,
}

/// One assurance-maintenance entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceEntry {
    /// The version the certificate was extended to.
    pub version: String,
    /// The build ids of that version.
    pub build_ids: Vec<String>,
    /// The date of the decision.
    pub date: String,
    /// `minor` (only minor changes are extended).
    pub change_class: String,
    /// What changed, one line per change.
    pub changes: Vec<String>,
}

/// The certificate's fields (the payload of the sealed document).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Always [`CERTIFICATE_KIND`].
    pub kind: String,
    /// Scheme-unique id, `DTSEC-YYYY-NNNN`.
    pub certificate_id: String,
    /// 1 for the first issue; each status change or maintenance adds one.
    pub revision: u64,
    /// The scheme's name.
    pub scheme: String,
    /// The product name.
    pub product_name: String,
    /// The version covered (the latest, after maintenance).
    pub product_version: String,
    /// Hardware, firmware and app build ids of that version.
    pub build_ids: Vec<String>,
    /// The manufacturer.
    pub manufacturer: String,
    /// The TOE type (`TT.PUMP`).
    pub toe_type: String,
    /// The claimed PPs.
    pub pp_claim: Vec<Claim>,
    /// The claimed packages.
    pub package_claims: Vec<Claim>,
    /// The Security Target: id and version.
    pub st_reference: Claim,
    /// The evaluation facility.
    pub lab: LabRef,
    /// Date of certification.
    pub certification_date: String,
    /// End of the validity period.
    pub expiry_date: String,
    /// `active`, `maintained`, `under-review`, `suspended`, `revoked`, `archived`.
    pub status: String,
    /// Why the status is what it is, when a certifier said.
    pub status_reason: Option<String>,
    /// SHA-256 of the submitted ST file's bytes.
    pub st_sha256: String,
    /// SHA-256 of the ETR bundle's canonical payload (`Sealed::payload_sha256`).
    pub etr_sha256: String,
    /// Assurance maintenance, oldest first.
    pub maintenance_history: Vec<MaintenanceEntry>,
    /// When this revision was issued (RFC 3339).
    pub issued_at: String,
}

/// Checks a sealed certificate (its JSON text) against the scheme's public key, offline, and
/// returns its fields. Fails if the text is not a sealed document, the signature is not the
/// scheme's or does not match, or the payload is not a certificate.
///
/// The result says what the certificate said at `issued_at`; ask the registry whether a later
/// revision changed the status.
pub fn verify_certificate(
    sealed_json: &str,
    scheme_pub: &VerifyingKey,
) -> Result<Certificate, RegistryError> {
    let sealed = Sealed::from_json(sealed_json)
        .map_err(|e| RegistryError::invalid(format!("not a sealed certificate: {e}")))?;
    let payload = sealed
        .verify(scheme_pub)
        .map_err(|e| RegistryError::invalid(format!("certificate signature: {e}")))?;
    let cert: Certificate = serde_json::from_value(payload.clone())
        .map_err(|e| RegistryError::invalid(format!("not a certificate payload: {e}")))?;
    if cert.kind != CERTIFICATE_KIND {
        return Err(RegistryError::invalid(format!(
            "payload kind is `{}`, expected `{CERTIFICATE_KIND}`",
            cert.kind
        )));
    }
    Ok(cert)
}

impl Certificate {
    /// The payload as JSON.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
