//! The sealed ETR bundle a certificate was issued on, for what the registry derives from it:
//! the regulatory coverage on the device page (each mapped SFR verified by the lab or asserted)
//! and the premarket package.
//!
//! Why a separate read: the bundle was verified when the lab submitted it (its signature with
//! the lab's registered key, its ST digest, its roll-up), so a certified case's bundle can back
//! "verified by an approved lab" without being verified again. The bundle itself is not public
//! ([`Store::etr_bundle`] is for the case's staff): callers derive from it and publish only what
//! the device page already shows in kind (per-SFR verdicts, as the ETR summary shows per class).

use super::certs::load_cert;
use super::postmarket::{SBOM_DOCUMENT_COLUMNS, StoredSbom};
use super::{Store, opt_text};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::error::{RegistryError, Result};

/// A certified case's ST and sealed ETR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertifiedEtr {
    /// The certificate.
    pub certificate_id: String,
    /// The ST's text, as submitted.
    pub st_text: String,
    /// Its SHA-256 (the certificate's `st_sha256`).
    pub st_sha256: String,
    /// The sealed ETR bundle's JSON, as submitted and verified.
    pub etr_bundle: String,
    /// Its SHA-256 (the certificate's `etr_sha256`): a key for what is derived from it.
    pub etr_sha256: String,
}

impl Store {
    /// The ST and sealed ETR a certificate was issued on; not found when the certificate or
    /// either document is missing.
    pub async fn certified_etr(&self, certificate_id: &str) -> Result<CertifiedEtr> {
        use super::documents::{ETR, ST};
        let row = sqlx::query(&format!(
            "SELECT {}, p.st_sha256, {}, p.etr_sha256 FROM certificates c \
             JOIN products p ON p.id = c.product_id WHERE c.certificate_id = $1",
            ST.select("p."),
            ETR.select("p.")
        ))
        .bind(certificate_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| RegistryError::not_found(format!("certificate {certificate_id}")))?;
        let missing =
            |what: &str| RegistryError::not_found(format!("the {what} of {certificate_id}"));
        Ok(CertifiedEtr {
            certificate_id: certificate_id.to_string(),
            st_text: self
                .held_document(&row, ST)
                .await?
                .ok_or_else(|| missing("Security Target"))?,
            st_sha256: opt_text(&row, "st_sha256")?.unwrap_or_default(),
            etr_bundle: self
                .held_document(&row, ETR)
                .await?
                .ok_or_else(|| missing("ETR"))?,
            etr_sha256: opt_text(&row, "etr_sha256")?.ok_or_else(|| missing("ETR"))?,
        })
    }

    /// What the premarket package of a certificate is made from: its ST and sealed ETR, and
    /// its current SBOM as uploaded (`None` when none was). For whoever may see the product
    /// (its manufacturer, the certification body, the scheme administrator, its lab): the
    /// package lists the ETR's unresolved vulnerabilities and the SBOM, neither of which is
    /// public.
    pub async fn premarket_inputs(
        &self,
        actor: &Actor,
        certificate_id: &str,
    ) -> Result<(CertifiedEtr, Option<String>)> {
        let mut conn = self.pool.acquire().await?;
        let cert = load_cert(&mut conn, certificate_id).await?;
        authorize(
            actor,
            Action::ViewProduct,
            &Resource::org(&cert.manufacturer_org),
        )?;
        let sbom = sqlx::query(&format!(
            "SELECT {SBOM_DOCUMENT_COLUMNS} FROM pm_sboms WHERE certificate_id = $1 \
             ORDER BY revision DESC LIMIT 1"
        ))
        .bind(certificate_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| StoredSbom::of_row(&r))
        .transpose()?;
        drop(conn);
        let sbom = match sbom {
            Some(stored) => Some(stored.text(self.blobs.as_ref()).await?),
            None => None,
        };
        Ok((self.certified_etr(certificate_id).await?, sbom))
    }
}
