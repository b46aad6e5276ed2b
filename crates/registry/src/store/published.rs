//! What the registry publishes about a certified device beyond its certificate: the evaluated
//! Security Target and a summary of the accepted ETR.
//!
//! Why public without an actor: a certificate is public, and a CC scheme publishes the ST it
//! certified and a certification report alongside it, so that a reader can see what was claimed
//! and how it was evaluated. Only cases that led to a certificate are reachable here (the
//! lookup goes from the certificate to its case); the ETR bundle itself stays with the case and
//! its staff ([`Store::etr_bundle`]). The ETR summary is read from `etr_summaries` (computed at
//! submission; issue 16), never by parsing the bundle per request.

use sqlx::Row;

use super::{Store, opt_text, text};
use crate::error::{RegistryError, Result};
use crate::etr_summary::EtrSummary;

/// The ST a certificate was issued on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertifiedSt {
    /// The certificate.
    pub certificate_id: String,
    /// The ST's text, as submitted (its SHA-256 is the certificate's `st_sha256`).
    pub text: String,
    /// SHA-256 of that text.
    pub sha256: String,
}

impl Store {
    /// The last sequence number of the audit trail (0 when it is empty): every change a public
    /// page shows is recorded there in the transaction that makes it, whichever process makes
    /// it, so an answer made at one number is the current answer while the number is the same
    /// (the server keeps public answers by it, `http_cache.rs`). One read of the key's index.
    pub async fn public_generation(&self) -> Result<i64> {
        let row = sqlx::query("SELECT MAX(seq) AS g FROM audit")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<Option<i64>, _>("g")?.unwrap_or(0))
    }

    /// The product case behind a certificate, with the columns asked for (public: certified
    /// cases only).
    async fn certified_case_row(
        &self,
        certificate_id: &str,
        columns: &str,
    ) -> Result<sqlx::any::AnyRow> {
        sqlx::query(&format!(
            "SELECT p.id AS product_id, {columns} FROM certificates c \
             JOIN products p ON p.id = c.product_id WHERE c.certificate_id = $1"
        ))
        .bind(certificate_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| RegistryError::not_found(format!("certificate {certificate_id}")))
    }

    /// The Security Target a certificate was issued on (public).
    pub async fn certified_st(&self, certificate_id: &str) -> Result<CertifiedSt> {
        let row = self
            .certified_case_row(
                certificate_id,
                &format!("{}, p.st_sha256", super::documents::ST.select("p.")),
            )
            .await?;
        let text = self
            .held_document(&row, super::documents::ST)
            .await?
            .ok_or_else(|| {
                RegistryError::not_found(format!("the Security Target of {certificate_id}"))
            })?;
        Ok(CertifiedSt {
            certificate_id: certificate_id.to_string(),
            sha256: opt_text(&row, "st_sha256")?.unwrap_or_default(),
            text,
        })
    }

    /// The SHA-256 of the Security Target a certificate was issued on, without reading the ST:
    /// the key of what is derived from it.
    pub async fn certified_st_digest(&self, certificate_id: &str) -> Result<Option<String>> {
        let row = self
            .certified_case_row(certificate_id, "p.st_sha256")
            .await?;
        Ok(opt_text(&row, "st_sha256")?.filter(|d| !d.is_empty()))
    }

    /// The SHA-256 of the sealed ETR bundle a certificate was issued on, without reading the
    /// bundle (hundreds of kilobytes): the key of what is derived from it. `None` when the
    /// certificate rests on no sealed ETR.
    pub async fn certified_etr_digest(&self, certificate_id: &str) -> Result<Option<String>> {
        let row = self
            .certified_case_row(certificate_id, "p.etr_sha256")
            .await?;
        Ok(opt_text(&row, "etr_sha256")?.filter(|d| !d.is_empty()))
    }

    /// The summary of the ETR a certificate was issued on (public), with the dates the audit
    /// trail records for its submission and acceptance.
    pub async fn etr_summary(&self, certificate_id: &str) -> Result<EtrSummary> {
        let facts = self
            .etr_facts(certificate_id)
            .await?
            .ok_or_else(|| RegistryError::not_found(format!("the ETR of {certificate_id}")))?;
        self.etr_summary_from(certificate_id, &facts).await
    }

    /// [`Store::etr_summary`] from the facts the caller already read ([`Store::etr_facts`]; the
    /// device page reads them once for its words, summary and coverage).
    pub async fn etr_summary_from(
        &self,
        certificate_id: &str,
        facts: &crate::etr_facts::EtrFacts,
    ) -> Result<EtrSummary> {
        let row = self
            .certified_case_row(certificate_id, "p.etr_sha256, p.etr_key_id")
            .await?;
        let product_id = text(&row, "product_id")?;
        let sha = opt_text(&row, "etr_sha256")?
            .ok_or_else(|| RegistryError::not_found(format!("the ETR of {certificate_id}")))?;
        let key_id = opt_text(&row, "etr_key_id")?;
        let mut summary = facts.summary.clone().map_err(|why| {
            RegistryError::invalid(format!(
                "the ETR of {certificate_id} (SHA-256 {sha}): {why}"
            ))
        })?;
        summary.lab_key_id = key_id;
        // The latest submission and acceptance of this case (a rejected ETR may precede them).
        let rows = sqlx::query(
            "SELECT action, at FROM audit WHERE entity = 'product' AND entity_id = $1 \
             AND action IN ('product.submit-etr', 'product.accept-etr') ORDER BY seq",
        )
        .bind(&product_id)
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let at: String = r.try_get("at")?;
            match text(r, "action")?.as_str() {
                "product.submit-etr" => summary.submitted_at = Some(at),
                _ => summary.accepted_at = Some(at),
            }
        }
        Ok(summary)
    }
}
