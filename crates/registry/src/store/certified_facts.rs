//! Where the facts derived from a certificate's sealed ETR are kept and read
//! ([`crate::etr_facts`]): one blob per bundle, named in the bundle's `etr_summaries` row
//! (`facts_sha256`, migration 0022), and the store's memo in front of it.
//!
//! A page view reads one row and, on the memo's miss, one blob of a few kilobytes: never the
//! bundle or the ST. Facts missing (a bundle submitted before they were stored), unreadable or
//! made by another derivation are derived again, once, and stored the same way.

use std::sync::Arc;

use super::Store;
use super::opt_text;
use crate::error::{RegistryError, Result};
use crate::etr_facts::{EtrFacts, derivation_id};

/// The largest facts blob read back (the facts of the largest ETR the registry accepts are far
/// smaller); a larger one is not read, and the facts are derived again.
const MAX_FACTS_BYTES: u64 = 4 * 1024 * 1024;

impl Store {
    /// The facts derived from the sealed ETR certificate `certificate_id` was issued on
    /// (public: only what the device page shows), `None` when it rests on no sealed ETR.
    ///
    /// # Errors
    /// Not found for an unknown certificate; a database or blob store failure.
    pub async fn etr_facts(&self, certificate_id: &str) -> Result<Option<Arc<EtrFacts>>> {
        let row = sqlx::query(
            "SELECT p.etr_sha256, s.facts_sha256 FROM certificates c \
             JOIN products p ON p.id = c.product_id \
             LEFT JOIN etr_summaries s ON s.etr_sha256 = p.etr_sha256 \
             WHERE c.certificate_id = $1",
        )
        .bind(certificate_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| RegistryError::not_found(format!("certificate {certificate_id}")))?;
        let Some(etr_sha) = opt_text(&row, "etr_sha256")?.filter(|d| !d.is_empty()) else {
            return Ok(None);
        };
        if let Some(hit) = self.derived.etr_facts.get(&etr_sha) {
            return Ok(Some(hit));
        }
        if let Some(facts_sha) = opt_text(&row, "facts_sha256")?
            && let Some(facts) = self.stored_facts(&facts_sha).await
        {
            let facts = Arc::new(facts);
            self.derived.etr_facts.insert(&etr_sha, facts.clone());
            return Ok(Some(facts));
        }
        // Not stored, unreadable or another derivation's: derived again from the documents.
        let c = self.certified_etr(certificate_id).await?;
        let describe = self.describer();
        let name = format!("{certificate_id}-st.yaml");
        let id = certificate_id.to_string();
        let want = etr_sha.clone();
        let facts = tokio::task::spawn_blocking(move || {
            // Only the bundle the certificate rests on may give its facts, which are kept for
            // good: its payload's digest is the one the case recorded when it was verified.
            let sealed = dtsec_seal::Sealed::from_json(&c.etr_bundle).ok();
            if sealed.map(|b| b.payload_sha256()) != Some(want.clone()) {
                return Err(RegistryError::invalid(format!(
                    "the stored ETR of {id} is not the bundle it was issued on (payload SHA-256 {want}); restore the bundle's blob"
                )));
            }
            if crate::blob::digest_of(c.st_text.as_bytes()) != c.st_sha256 {
                return Err(RegistryError::invalid(format!(
                    "the stored ST of {id} is not the one it was issued on (SHA-256 {}); restore the ST's blob",
                    c.st_sha256
                )));
            }
            Ok(crate::etr_facts::derive(&name, &c.st_text, &c.etr_bundle, describe))
        })
        .await
        .map_err(|e| RegistryError::invalid(format!("deriving the ETR's facts stopped: {e}")))??;
        let facts_sha = self.put_facts(&facts).await?;
        let mut conn = self.pool.acquire().await?;
        keep_facts(&mut conn, &etr_sha, &facts_sha, &self.now()).await?;
        let facts = Arc::new(facts);
        self.derived.etr_facts.insert(&etr_sha, facts.clone());
        Ok(Some(facts))
    }

    /// The facts in blob `digest` when they are readable and this build's derivation's; `None`
    /// otherwise (they are then derived again, so a lost or damaged blob heals itself).
    async fn stored_facts(&self, digest: &str) -> Option<EtrFacts> {
        let bytes = self.blobs.get(digest, MAX_FACTS_BYTES).await.ok()?;
        let facts: EtrFacts = serde_json::from_slice(&bytes).ok()?;
        (facts.derivation == derivation_id()).then_some(facts)
    }

    /// Stores `facts` as a blob (before the transaction that names it, as documents are);
    /// returns its digest.
    pub(crate) async fn put_facts(&self, facts: &EtrFacts) -> Result<String> {
        let json = serde_json::to_vec(facts).map_err(|e| {
            RegistryError::invalid(format!("the ETR's facts cannot be written: {e}"))
        })?;
        Ok(self.blobs.put(&json).await?)
    }
}

/// Names `facts_sha` as the facts of the bundle `etr_sha` (the row is made when missing: a
/// bundle submitted before summaries were stored has none). The row's `summary_json` is left
/// empty for a new row: the summary is in the facts.
pub(crate) async fn keep_facts(
    conn: &mut sqlx::AnyConnection,
    etr_sha: &str,
    facts_sha: &str,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO etr_summaries (etr_sha256, summary_json, created_at, facts_sha256) \
         VALUES ($1, '', $2, $3) \
         ON CONFLICT (etr_sha256) DO UPDATE SET facts_sha256 = excluded.facts_sha256",
    )
    .bind(etr_sha)
    .bind(now)
    .bind(facts_sha)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
