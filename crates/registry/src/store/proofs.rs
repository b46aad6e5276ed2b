//! Proofs out of the transparency log (issue 6): a certificate revision's entry with its
//! inclusion proof, consistency between two tree sizes, and the offline certificate bundle.
//!
//! Why from the writer's memory: the open [`dtsec_tlog::Log`] keeps every subtree hash, so a
//! proof costs no I/O, and taking the proof and the checkpoint under the same lock guarantees
//! they belong together. The entry itself comes from the `decision_log` outbox, found through
//! `decision_subject` (indexed by certificate and revision), and its index from
//! `decision_log_index`; a verifier hashes the entry text itself, so an outbox row altered
//! after publication yields a proof that fails, not a false one.

use dtsec_tlog::{Hash, TlogProof};
use serde::Serialize;
use sqlx::Row;

use super::Store;
use crate::error::{RegistryError, Result};
use crate::transparency::{BUNDLE_KIND, CertificateBundle, Decision};

/// A certificate revision's log entry and its inclusion proof in the latest checkpoint.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CertificateProof {
    /// The certificate.
    pub certificate_id: String,
    /// The revision the entry records.
    pub revision: u64,
    /// The entry's index in the log.
    pub log_index: u64,
    /// The entry (canonical JSON text); its leaf hash is what the proof starts from.
    pub entry: String,
    /// The tree size the proof is for (the checkpoint's).
    pub tree_size: u64,
    /// RFC 9162 inclusion proof, base64 hashes from the leaf's sibling up.
    pub inclusion_proof: Vec<String>,
    /// The signed checkpoint (C2SP signed note) the proof leads to.
    pub checkpoint: String,
    /// The same as a C2SP tlog-proof (text), for offline use.
    pub tlog_proof: String,
}

/// A consistency proof between two tree sizes, and the latest checkpoint.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ConsistencyProof {
    /// The older size.
    pub from: u64,
    /// The newer size.
    pub to: u64,
    /// RFC 9162 consistency proof, base64 hashes.
    pub proof: Vec<String>,
    /// The latest signed checkpoint (its size is `to` when `to` was not given).
    pub checkpoint: String,
}

fn b64(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_base64).collect()
}

fn log_err(e: impl std::fmt::Display) -> RegistryError {
    RegistryError::Log(e.to_string())
}

/// Certificate ids are `DTSEC-YYYY-NNNN`; anything else cannot have an entry.
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Store {
    /// The log entry of a certificate revision and its log index, if published.
    async fn certificate_entry(&self, id: &str, revision: u64) -> Result<(String, Option<u64>)> {
        if !plausible_id(id) {
            return Err(RegistryError::not_found(format!("certificate {id}")));
        }
        // By index (decision_subject, issue 16); the entry is still parsed and compared below,
        // so the index only narrows where to look.
        let rows = sqlx::query(
            "SELECT d.seq, d.entry, i.log_index FROM decision_subject s \
             JOIN decision_log d ON d.seq = s.seq \
             LEFT JOIN decision_log_index i ON i.seq = d.seq \
             WHERE s.certificate_id = $1 AND s.revision = $2 ORDER BY d.seq",
        )
        .bind(id)
        .bind(i64::try_from(revision).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let mut found = None;
        for r in &rows {
            let entry: String = r.try_get("entry")?;
            if let Ok(Decision::Certificate(c)) = Decision::parse(entry.as_bytes())
                && c.certificate_id == id
                && c.revision == revision
            {
                let index: Option<i64> = r.try_get("log_index")?;
                found = Some((entry, index.and_then(|i| u64::try_from(i).ok())));
            }
        }
        found.ok_or_else(|| {
            RegistryError::not_found(format!(
                "a log entry for certificate {id} revision {revision}"
            ))
        })
    }

    /// The log entry of certificate `id` at `revision` (the current one when `None`) with its
    /// inclusion proof in the latest checkpoint.
    ///
    /// # Errors
    /// `NotFound` for an unknown certificate, revision or entry; `Log` when this process does not
    /// hold the log or the entry is not yet published.
    pub async fn certificate_proof(
        &self,
        id: &str,
        revision: Option<u64>,
    ) -> Result<CertificateProof> {
        let revision = match revision {
            Some(r) => r,
            None => {
                let (_, rev, _) = self.certificate_status(id).await?;
                u64::try_from(rev).unwrap_or(0)
            }
        };
        let (mut entry, mut index) = self.certificate_entry(id, revision).await?;
        if index.is_none() {
            // Committed but not yet sequenced (a publish failed earlier): try once more.
            self.publish_log().await?;
            (entry, index) = self.certificate_entry(id, revision).await?;
        }
        let index = index.ok_or_else(|| {
            log_err(format!(
                "the entry of certificate {id} revision {revision} is not yet published"
            ))
        })?;
        let Some(p) = &self.publisher else {
            return Err(log_err(
                "this registry process does not hold the transparency log",
            ));
        };
        let log = p.log.lock().await;
        let proof = log.tlog_proof(index).map_err(log_err)?;
        Ok(CertificateProof {
            certificate_id: id.to_string(),
            revision,
            log_index: index,
            entry,
            tree_size: log.size(),
            inclusion_proof: b64(&proof.proof),
            checkpoint: proof.checkpoint.clone(),
            tlog_proof: proof.to_text(),
        })
    }

    /// The offline bundle of certificate `id`'s current revision: the sealed document, its log
    /// entry and its tlog-proof.
    ///
    /// # Errors
    /// As [`Store::certificate_proof`].
    pub async fn certificate_bundle(&self, id: &str) -> Result<CertificateBundle> {
        let record = self.certificate(id).await?;
        let revision = u64::try_from(record.revision).unwrap_or(0);
        let proof = self.certificate_proof(id, Some(revision)).await?;
        let certificate = serde_json::from_str(&record.document)
            .map_err(|e| log_err(format!("stored certificate {id} is not JSON: {e}")))?;
        Ok(CertificateBundle {
            kind: BUNDLE_KIND.into(),
            certificate,
            log_entry: proof.entry,
            tlog_proof: proof.tlog_proof,
        })
    }

    /// A consistency proof from tree size `from` to `to` (the latest size when `None`).
    ///
    /// # Errors
    /// `Validation` when `from > to` or `to` is beyond the log; `Log` when this process does
    /// not hold the log.
    pub async fn log_consistency(&self, from: u64, to: Option<u64>) -> Result<ConsistencyProof> {
        let Some(p) = &self.publisher else {
            return Err(log_err(
                "this registry process does not hold the transparency log",
            ));
        };
        let log = p.log.lock().await;
        let size = log.size();
        let to = to.unwrap_or(size);
        if to > size {
            return Err(RegistryError::invalid(format!(
                "tree size {to} is beyond the log's size {size}"
            )));
        }
        if from > to {
            return Err(RegistryError::invalid(format!(
                "from ({from}) is larger than to ({to}): a log never shrinks"
            )));
        }
        let proof = log.consistency_proof(from, to).map_err(log_err)?;
        Ok(ConsistencyProof {
            from,
            to,
            proof: b64(&proof),
            checkpoint: String::from_utf8_lossy(log.signed_checkpoint()).into_owned(),
        })
    }
}

impl CertificateProof {
    /// The proof as a parsed C2SP tlog-proof.
    ///
    /// # Errors
    /// Never for a proof made by [`Store::certificate_proof`].
    pub fn to_tlog_proof(&self) -> std::result::Result<TlogProof, dtsec_tlog::ParseError> {
        TlogProof::parse(self.tlog_proof.as_bytes())
    }
}
