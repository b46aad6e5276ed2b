//! What the registry's transparency-log entries say, and the offline proof bundle (issue 6).
//!
//! Why here: the registry writes the entries (RFC 8785 canonical JSON, one per decision, see
//! `store/publish.rs`), so it is also the one place that says how to read them back. Verifiers
//! (`dtsec verify`, `dtsec log audit`, `dtsec log monitor`) and the server share these types, so
//! an entry is matched against a certificate by one rule everywhere.
//!
//! The rule that makes a log entry *about* a certificate revision: same `certificate_id`, same
//! `revision`, same `status`, and `certificate_sha256` equal to the SHA-256 of the sealed
//! document's canonical payload. A certificate whose entry is in a signed checkpoint was
//! therefore published to everyone who follows the log; a status the registry reports without
//! such an entry was not.

use dtsec_seal::{Sealed, VerifyingKey};
use dtsec_tlog::{Checkpoint, TlogProof, Verifier};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::certificate::{Certificate, verify_certificate};

/// The `kind` of a certificate proof bundle.
pub const BUNDLE_KIND: &str = "dtsec-certificate-bundle/1";

/// The largest bundle read (a certificate is a few KiB; a proof under 3 KiB).
pub const MAX_BUNDLE_BYTES: usize = 1 << 20;

/// Why a log entry, a bundle or a proof is not acceptable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransparencyError {
    /// The entry is not a decision the registry writes.
    #[error("the log entry is not a registry decision: {0}")]
    Entry(String),
    /// The entry is a decision, but about something else than the certificate at hand.
    #[error(
        "the log entry does not match the certificate: its {field} is {entry}, the certificate's is {certificate}"
    )]
    EntryMismatch {
        /// The field that differs.
        field: &'static str,
        /// The entry's value.
        entry: String,
        /// The certificate's value.
        certificate: String,
    },
    /// The bundle is not a bundle.
    #[error("malformed certificate bundle: {0}")]
    Bundle(String),
    /// The certificate in the bundle does not verify with the scheme key.
    #[error("certificate: {0}")]
    Certificate(String),
    /// The inclusion proof or its checkpoint does not verify with the log key.
    #[error("transparency log: {0}")]
    Log(#[from] dtsec_tlog::Error),
}

/// A certificate decision: issued, or a status change / extension that re-issued it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateEntry {
    /// `certificate-issued`, `certificate-suspend`, `certificate-extend`, ...
    pub kind: String,
    /// The certificate id.
    pub certificate_id: String,
    /// The revision this decision produced.
    pub revision: u64,
    /// The status of that revision.
    pub status: String,
    /// The certifier's reason, when given.
    #[serde(default)]
    pub reason: Option<String>,
    /// SHA-256 of the sealed revision's canonical payload.
    pub certificate_sha256: String,
    /// The hash of the postmarket assessment (a dtsec-vex history entry, `sha256:…`) a
    /// postmarket decision rests on (issue 13); absent for every other decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment_sha256: Option<String>,
    /// When (RFC 3339).
    pub at: String,
}

/// A lab approval change: applied, key registered, approved, suspended, withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabEntry {
    /// `lab-applied`, `lab-key-registered`, `lab-approved`, `lab-suspended`, `lab-withdrawn`.
    pub kind: String,
    /// The lab's organisation id.
    pub lab_org: String,
    /// Its name.
    pub lab_name: String,
    /// Its approval state after the change.
    pub state: String,
    /// Approved until (inclusive), when approved.
    #[serde(default)]
    pub approved_until: Option<String>,
    /// Its registered ETR signing key id.
    #[serde(default)]
    pub key_id: Option<String>,
    /// When (RFC 3339).
    pub at: String,
}

/// An ETR review: accepted or rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtrEntry {
    /// `etr-accepted` or `etr-rejected`.
    pub kind: String,
    /// The case.
    pub product_id: String,
    /// SHA-256 of the ETR bundle's canonical payload.
    #[serde(default)]
    pub etr_sha256: Option<String>,
    /// The certifier's reasons (rejections).
    #[serde(default)]
    pub reasons: Option<String>,
    /// When (RFC 3339).
    pub at: String,
}

/// A published vulnerability notice (issue 13): the certification body's CSAF document about an
/// assessed vulnerability of a certificate. The entry names the served document's SHA-256, so a
/// notice changed after publication no longer matches its entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeEntry {
    /// `notice-published` (revision 1) or `notice-revised` (a later revision of the notice).
    pub kind: String,
    /// The notice id (`DTSEC-VN-YYYY-NNNN`, the CSAF `tracking.id`).
    pub notice_id: String,
    /// The certificate the notice is about.
    pub certificate_id: String,
    /// The vulnerability.
    pub vuln: String,
    /// The hash of the assessment entry (`sha256:…`) the notice states.
    pub assessment_sha256: String,
    /// SHA-256 (hex) of the CSAF document as served (its RFC 8785 canonical JSON).
    pub document_sha256: String,
    /// The notice's revision (CSAF `tracking.version`); absent in entries written before
    /// notices had revisions, which were all revision 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// The CSAF profile (`csaf_security_advisory` or `csaf_vex`); absent in entries written
    /// before notices could be advisories, which were all `csaf_vex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// When (RFC 3339).
    pub at: String,
}

/// One log entry, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// About a certificate.
    Certificate(CertificateEntry),
    /// About a lab's approval.
    Lab(LabEntry),
    /// About an ETR.
    Etr(EtrEntry),
    /// A published vulnerability notice.
    Notice(NoticeEntry),
}

impl Decision {
    /// Reads an entry: UTF-8, RFC 8785 canonical JSON (as the registry writes it), an object
    /// whose `kind` is a known decision with its fields.
    ///
    /// # Errors
    /// [`TransparencyError::Entry`] saying what is wrong.
    pub fn parse(entry: &[u8]) -> Result<Decision, TransparencyError> {
        let bad = |m: String| TransparencyError::Entry(m);
        let text = std::str::from_utf8(entry).map_err(|_| bad("not UTF-8".into()))?;
        let value: Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not JSON ({e})")))?;
        if dtsec_seal::canonical_json(&value) != entry {
            return Err(bad("not in canonical JSON form (RFC 8785)".into()));
        }
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no `kind`".into()))?
            .to_string();
        let field_err = |e: serde_json::Error| bad(format!("{kind}: {e}"));
        if kind.starts_with("certificate-") {
            serde_json::from_value(value)
                .map(Decision::Certificate)
                .map_err(field_err)
        } else if kind.starts_with("lab-") {
            serde_json::from_value(value)
                .map(Decision::Lab)
                .map_err(field_err)
        } else if kind.starts_with("etr-") {
            serde_json::from_value(value)
                .map(Decision::Etr)
                .map_err(field_err)
        } else if kind.starts_with("notice-") {
            serde_json::from_value(value)
                .map(Decision::Notice)
                .map_err(field_err)
        } else {
            Err(bad(format!("unknown kind `{kind}`")))
        }
    }

    /// One line for people: what was decided about what.
    pub fn summary(&self) -> String {
        match self {
            Decision::Certificate(c) => format!(
                "{} {} revision {}: {}{}{}",
                c.kind,
                c.certificate_id,
                c.revision,
                c.status,
                c.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                c.assessment_sha256
                    .as_deref()
                    .map(|h| format!(" [assessment {h}]"))
                    .unwrap_or_default()
            ),
            Decision::Lab(l) => format!(
                "{} {} ({}): {}{}",
                l.kind,
                l.lab_name,
                l.lab_org,
                l.state,
                l.approved_until
                    .as_deref()
                    .map(|u| format!(" until {u}"))
                    .unwrap_or_default()
            ),
            Decision::Etr(e) => format!("{} for case {}", e.kind, e.product_id),
            Decision::Notice(n) => format!(
                "{} {}{} about {} of {} [assessment {}] document sha256 {}",
                n.kind,
                n.notice_id,
                n.revision
                    .map(|r| format!(" revision {r}"))
                    .unwrap_or_default(),
                n.vuln,
                n.certificate_id,
                n.assessment_sha256,
                n.document_sha256
            ),
        }
    }

    /// When it was decided.
    pub fn at(&self) -> &str {
        match self {
            Decision::Certificate(c) => &c.at,
            Decision::Lab(l) => &l.at,
            Decision::Etr(e) => &e.at,
            Decision::Notice(n) => &n.at,
        }
    }
}

impl CertificateEntry {
    /// Checks that this entry records exactly this certificate revision (see the module
    /// documentation for the rule); `payload_sha256` is the sealed document's
    /// [`Sealed::payload_sha256`].
    ///
    /// # Errors
    /// [`TransparencyError::EntryMismatch`] naming the first field that differs.
    pub fn check_matches(
        &self,
        cert: &Certificate,
        payload_sha256: &str,
    ) -> Result<(), TransparencyError> {
        let pairs = [
            ("certificate_id", &self.certificate_id, &cert.certificate_id),
            (
                "revision",
                &self.revision.to_string(),
                &cert.revision.to_string(),
            ),
            ("status", &self.status, &cert.status),
            (
                "certificate_sha256",
                &self.certificate_sha256,
                &payload_sha256.to_string(),
            ),
        ];
        for (field, entry, certificate) in pairs {
            if entry != certificate {
                return Err(TransparencyError::EntryMismatch {
                    field,
                    entry: entry.clone(),
                    certificate: certificate.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Everything needed to check a certificate offline, in one JSON file: the sealed certificate,
/// its log entry, and a C2SP tlog-proof of that entry (index, inclusion proof, signed
/// checkpoint). With the scheme's key and the log's key, [`CertificateBundle::verify`] shows the
/// certificate is genuine **and** was published in the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateBundle {
    /// Always [`BUNDLE_KIND`].
    pub kind: String,
    /// The sealed certificate (a `dtsec-sealed/v1` document).
    pub certificate: Value,
    /// The log entry (canonical JSON text) of this certificate revision.
    pub log_entry: String,
    /// The entry's c2sp.org/tlog-proof (text).
    pub tlog_proof: String,
}

/// What a verified bundle showed.
#[derive(Clone, Debug)]
pub struct VerifiedBundle {
    /// The certificate, signed by the scheme key.
    pub certificate: Certificate,
    /// Its log entry.
    pub entry: CertificateEntry,
    /// The entry's index in the log.
    pub log_index: u64,
    /// The checkpoint (signed by the log key) that includes it.
    pub checkpoint: Checkpoint,
}

impl CertificateBundle {
    /// Whether a JSON document claims to be a bundle (for routing `dtsec verify`).
    pub fn is_bundle(text: &str) -> bool {
        serde_json::from_str::<Value>(text)
            .ok()
            .is_some_and(|v| v.get("kind").and_then(Value::as_str) == Some(BUNDLE_KIND))
    }

    /// Reads a bundle (size-limited, strict fields, known kind). Nothing in it is trusted until
    /// [`CertificateBundle::verify`].
    ///
    /// # Errors
    /// [`TransparencyError::Bundle`].
    pub fn from_json(text: &str) -> Result<CertificateBundle, TransparencyError> {
        if text.len() > MAX_BUNDLE_BYTES {
            return Err(TransparencyError::Bundle(format!(
                "{} bytes; a bundle is at most {MAX_BUNDLE_BYTES}",
                text.len()
            )));
        }
        let b: CertificateBundle =
            serde_json::from_str(text).map_err(|e| TransparencyError::Bundle(e.to_string()))?;
        if b.kind != BUNDLE_KIND {
            return Err(TransparencyError::Bundle(format!(
                "kind is `{}`, expected `{BUNDLE_KIND}`",
                b.kind
            )));
        }
        Ok(b)
    }

    /// The bundle as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Verifies offline: the certificate is signed by `scheme`; the entry records exactly this
    /// revision; the tlog-proof puts the entry into a checkpoint signed by `log`.
    ///
    /// # Errors
    /// The first check that fails, as a [`TransparencyError`].
    pub fn verify(
        &self,
        scheme: &VerifyingKey,
        log: &Verifier,
    ) -> Result<VerifiedBundle, TransparencyError> {
        let sealed_text = self.certificate.to_string();
        let certificate = verify_certificate(&sealed_text, scheme)
            .map_err(|e| TransparencyError::Certificate(e.to_string()))?;
        let payload_sha256 = Sealed::from_json(&sealed_text)
            .map_err(|e| TransparencyError::Certificate(e.to_string()))?
            .payload_sha256();
        let entry = match Decision::parse(self.log_entry.as_bytes())? {
            Decision::Certificate(c) => c,
            other => {
                return Err(TransparencyError::Entry(format!(
                    "expected a certificate decision, found: {}",
                    other.summary()
                )));
            }
        };
        entry.check_matches(&certificate, &payload_sha256)?;
        let proof =
            TlogProof::parse(self.tlog_proof.as_bytes()).map_err(dtsec_tlog::Error::from)?;
        let checkpoint = proof.verify(self.log_entry.as_bytes(), log)?;
        Ok(VerifiedBundle {
            certificate,
            entry,
            log_index: proof.index,
            checkpoint,
        })
    }
}
