//! A certified device's security posture (issue 13, publishing): what the public may know of its
//! postmarket state — the current assessments, the notices published about it, its SBOM's
//! support data and disclosure contact — and the grace period that keeps unassessed matches
//! private.
//!
//! Why a grace period: an automated match is not a finding. A match nobody has assessed stays
//! private to the manufacturer and the certification body for `grace_days` from the day it was
//! first seen (design notes §8, default 30 days, FDA's communication clock); after that the public
//! sees only how many such matches there are, never which vulnerabilities, so the register never
//! calls a device "vulnerable to X" without the manufacturer's assessment (sec-certs #526: the
//! reputational harm of automated CVE matches).

use dtsec_vex::assessment::State as VexState;
use serde::Serialize;
use serde_json::Value;

use super::Store;
use super::certs::load_cert;
use super::postmarket::{SBOM_DOCUMENT_COLUMNS, StoredSbom, latest_entries, matches_of};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::error::{RegistryError, Result};

/// Days an unassessed match stays private (design notes §8).
pub const DEFAULT_GRACE_DAYS: i64 = 30;
/// The most assessments and notices a posture lists (a device has a handful; the rest is in the
/// VEX and the notice directory).
pub const MAX_POSTURE_ITEMS: usize = 200;

/// One current, public assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PublicAssessment {
    /// The vulnerability id.
    pub vuln: String,
    /// Its aliases.
    pub aliases: Vec<String>,
    /// `under_investigation`, `not_affected`, `affected`, `fixed` or `false_positive`.
    pub state: String,
    /// Why not affected (the CycloneDX justification), when not affected.
    pub justification: Option<String>,
    /// What users should do, when affected.
    pub action: Option<String>,
    /// `controlled` or `uncontrolled`, when the manufacturer judged the clinical risk.
    pub risk: Option<String>,
    /// When this version was recorded (RFC 3339).
    pub recorded_at: String,
    /// The entry's hash (`sha256:…`).
    pub hash: String,
}

/// A published notice, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NoticeSummary {
    /// `DTSEC-VN-YYYY-NNNN`.
    pub notice_id: String,
    /// The certificate.
    pub certificate_id: String,
    /// The vulnerability.
    pub vuln: String,
    /// The state the notice states.
    pub state: String,
    /// The CSAF document's path under the registry (`/.well-known/csaf/white/…json`).
    pub path: String,
    /// SHA-256 of the document (hex).
    pub sha256: String,
    /// When it was published.
    pub published_at: String,
    /// Whether it is open: the vulnerability's current assessment still says affected or under
    /// investigation.
    pub open: bool,
}

/// The SBOM as the public sees it: that it exists, not its contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SbomAvailability {
    /// `cyclonedx` or `spdx`.
    pub format: String,
    /// Its revision (1, 2, …).
    pub revision: i64,
    /// Components listed.
    pub components: i64,
    /// When it was uploaded.
    pub uploaded_at: String,
}

/// The support data of the SBOM's components.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SupportSummary {
    /// The earliest end of support any component declares (YYYY-MM-DD).
    pub end_of_support: Option<String>,
    /// Components whose declared support has ended as of today, or which are declared
    /// end-of-life or abandoned.
    pub unsupported: usize,
    /// Components with neither a support level nor an end-of-support date.
    pub without_support_data: usize,
}

/// Unassessed matches: public only as a count, after the grace period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UnassessedSummary {
    /// The grace period, in days.
    pub grace_days: i64,
    /// Vulnerabilities matched more than `grace_days` ago that no assessment answers.
    pub past_grace: usize,
    /// Those still within the grace period: only for the manufacturer and the certification body
    /// (absent for everyone else).
    pub within_grace: Option<usize>,
}

/// A device's security posture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SecurityPosture {
    /// The date it holds for (the store's today).
    pub as_of: String,
    /// The current version of each assessment, by vulnerability id.
    pub assessments: Vec<PublicAssessment>,
    /// Notices published about the certificate, newest first.
    pub notices: Vec<NoticeSummary>,
    /// The current SBOM, when one was uploaded.
    pub sbom: Option<SbomAvailability>,
    /// Its components' support data.
    pub support: Option<SupportSummary>,
    /// How to report a vulnerability: the SBOM's `security-contact` reference (CycloneDX, on the
    /// product's metadata component) or its described package's `SECURITY`/`url` reference
    /// (SPDX 2.x), when it declares one.
    pub disclosure_contact: Option<String>,
    /// Unassessed matches.
    pub unassessed: UnassessedSummary,
}

fn state_fields(s: &VexState) -> (Option<String>, Option<String>) {
    match s {
        VexState::NotAffected { justification } => (
            serde_json::to_value(justification)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
            None,
        ),
        VexState::Affected { action, .. } => (None, Some(action.clone())),
        _ => (None, None),
    }
}

/// How to report a vulnerability, as the SBOM declares it: CycloneDX has a `security-contact`
/// external reference (on the metadata component, else the BOM's own); SPDX 2.x has no contact
/// type, so an SPDX SBOM's contact is a `SECURITY`/`url` external reference (SPDX 2.3 Annex F.2,
/// "other security information") of a package the document describes — the device, never one
/// of its components, whose references speak of the component. Among several, a `mailto:`
/// locator wins, since a disclosure contact is an address before it is a page.
fn security_contact(document: &str) -> Option<String> {
    let v: Value = serde_json::from_str(document).ok()?;
    if v.get("spdxVersion").is_some() {
        return spdx_security_contact(&v);
    }
    let refs = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| r.get("type").and_then(Value::as_str) == Some("security-contact"))
            .and_then(|r| r.get("url").and_then(Value::as_str))
            .map(str::to_string)
    };
    refs("/metadata/component/externalReferences").or_else(|| refs("/externalReferences"))
}

/// The SPDX 2.x half of [`security_contact`]: the described packages are `documentDescribes`
/// and the targets of the document's `DESCRIBES` relationships (SPDX 2.3 §6.10, §11).
fn spdx_security_contact(v: &Value) -> Option<String> {
    let doc_id = v
        .get("SPDXID")
        .and_then(Value::as_str)
        .unwrap_or("SPDXRef-DOCUMENT");
    let mut described: Vec<&str> = v
        .get("documentDescribes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    described.extend(
        v.get("relationships")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|r| {
                r.get("spdxElementId").and_then(Value::as_str) == Some(doc_id)
                    && r.get("relationshipType").and_then(Value::as_str) == Some("DESCRIBES")
            })
            .filter_map(|r| r.get("relatedSpdxElement").and_then(Value::as_str)),
    );
    let urls: Vec<&str> = v
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| {
            p.get("SPDXID")
                .and_then(Value::as_str)
                .is_some_and(|id| described.contains(&id))
        })
        .flat_map(|p| {
            p.get("externalRefs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter(|r| {
            // Both spellings of the category are valid in SPDX 2.3's schema; only SECURITY has one.
            r.get("referenceCategory").and_then(Value::as_str) == Some("SECURITY")
                && r.get("referenceType").and_then(Value::as_str) == Some("url")
        })
        .filter_map(|r| r.get("referenceLocator").and_then(Value::as_str))
        .collect();
    urls.iter()
        .find(|u| u.starts_with("mailto:"))
        .or_else(|| urls.first())
        .map(|u| (*u).to_string())
}

/// What the posture needs of an SBOM's content, read once per SBOM (by its digest, in the
/// store's memo) instead of ingesting the document on every page view.
#[derive(Debug)]
pub(crate) struct SbomFacts {
    /// Each component's end of support (YYYY-MM-DD, when declared) and support level; `None`
    /// when the stored document no longer ingests (it did when it was uploaded).
    components: Option<Vec<(Option<String>, dtsec_sbom::SupportLevel)>>,
    /// The disclosure contact the SBOM declares.
    contact: Option<String>,
}

impl SbomFacts {
    fn of(document: &str) -> SbomFacts {
        let ingester = dtsec_sbom::Ingester::new(dtsec_sbom::Limits {
            max_bytes: super::MAX_SBOM_BYTES as u64,
            ..dtsec_sbom::Limits::default()
        });
        let components = ingester.ingest(document.as_bytes()).ok().map(|(doc, _)| {
            doc.components
                .iter()
                .map(|c| {
                    let eos = c
                        .end_of_support
                        .as_deref()
                        .map(|d| d.get(..10).unwrap_or(d).to_string());
                    (eos, c.support_level)
                })
                .collect()
        });
        SbomFacts {
            components,
            contact: security_contact(document),
        }
    }

    /// The support summary as of `today` (YYYY-MM-DD).
    fn support(&self, today: &str) -> Option<SupportSummary> {
        use dtsec_sbom::SupportLevel;
        let mut out = SupportSummary {
            end_of_support: None,
            unsupported: 0,
            without_support_data: 0,
        };
        for (eos, level) in self.components.as_ref()? {
            let eos = eos.as_deref();
            if let Some(d) = eos
                && out.end_of_support.as_deref().is_none_or(|e| d < e)
            {
                out.end_of_support = Some(d.to_string());
            }
            let ended = eos.is_some_and(|d| d < today);
            if ended || matches!(level, SupportLevel::Eol | SupportLevel::Abandoned) {
                out.unsupported += 1;
            }
            if *level == SupportLevel::Unknown && eos.is_none() {
                out.without_support_data += 1;
            }
        }
        Some(out)
    }
}

/// The document of the certificate's SBOM with digest `digest`, still where it is stored.
async fn sbom_document(
    conn: &mut sqlx::AnyConnection,
    certificate_id: &str,
    digest: &str,
) -> Result<StoredSbom> {
    let row = sqlx::query(&format!(
        "SELECT {SBOM_DOCUMENT_COLUMNS} FROM pm_sboms WHERE certificate_id = $1 AND sha256 = $2 \
         ORDER BY revision DESC LIMIT 1"
    ))
    .bind(certificate_id)
    .bind(digest)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| RegistryError::not_found(format!("the SBOM {digest} of {certificate_id}")))?;
    StoredSbom::of_row(&row)
}

/// The certificate's current SBOM as the posture lists it, with its digest — not its document.
async fn current_sbom_availability(
    conn: &mut sqlx::AnyConnection,
    certificate_id: &str,
) -> Result<Option<(SbomAvailability, String)>> {
    use sqlx::Row as _;
    let row = sqlx::query(
        "SELECT sha256, revision, format, components, uploaded_at FROM pm_sboms \
         WHERE certificate_id = $1 ORDER BY revision DESC LIMIT 1",
    )
    .bind(certificate_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok((
            SbomAvailability {
                format: super::text(&r, "format")?,
                revision: r.try_get("revision")?,
                components: r.try_get("components")?,
                uploaded_at: super::text(&r, "uploaded_at")?,
            },
            super::text(&r, "sha256")?,
        ))
    })
    .transpose()
}

/// Most assessment entries (all versions of all assessments) a certificate's public VEX reads:
/// the document's revision history lists each one, and a certificate far beyond this many is
/// refused with a clear error rather than read without bound.
pub const MAX_PUBLIC_ENTRIES: i64 = 10_000;

impl Store {
    /// Every recorded version of each public assessment of a certificate, as histories (oldest
    /// first): what a public VEX document's revision history is built from (CSAF 6.1.21 asks for
    /// every revision from 1). Every assessment's latest version is public, so its earlier
    /// versions are too.
    pub async fn public_assessment_histories(
        &self,
        certificate_id: &str,
    ) -> Result<Vec<dtsec_vex::history::History>> {
        use sqlx::Row as _;
        let mut conn = self.pool.acquire().await?;
        load_cert(&mut conn, certificate_id).await?;
        let rows = sqlx::query(
            "SELECT assessment_id, entry FROM pm_assessments WHERE certificate_id = $1 \
             ORDER BY assessment_id, seq LIMIT $2",
        )
        .bind(certificate_id)
        .bind(MAX_PUBLIC_ENTRIES + 1)
        .fetch_all(&mut *conn)
        .await?;
        if rows.len() as i64 > MAX_PUBLIC_ENTRIES {
            return Err(RegistryError::invalid(format!(
                "certificate {certificate_id} has more than {MAX_PUBLIC_ENTRIES} assessment versions; its VEX history is too long to publish in one document"
            )));
        }
        let mut out: Vec<(String, dtsec_vex::history::History)> = Vec::new();
        for r in &rows {
            let id: String = r.try_get("assessment_id")?;
            let text: String = r.try_get("entry")?;
            let entry: dtsec_vex::history::Entry = serde_json::from_str(&text)
                .map_err(|e| RegistryError::invalid(format!("stored assessment: {e}")))?;
            match out.last_mut() {
                Some((last, h)) if *last == id => h.entries.push(entry),
                _ => out.push((
                    id,
                    dtsec_vex::history::History {
                        entries: vec![entry],
                    },
                )),
            }
        }
        Ok(out.into_iter().map(|(_, h)| h).collect())
    }

    /// The grace period the store applies (days).
    pub fn grace_days(&self) -> i64 {
        self.config.postmarket_grace_days
    }

    /// The certificate's security posture as `viewer` may see it: everyone sees the current
    /// assessments, the notices, the SBOM's availability and support data and the count of
    /// unassessed matches past the grace period; the manufacturer and the certification body
    /// also see how many are still within it.
    pub async fn security_posture(
        &self,
        certificate_id: &str,
        viewer: Option<&Actor>,
    ) -> Result<SecurityPosture> {
        let mut conn = self.pool.acquire().await?;
        let cert = load_cert(&mut conn, certificate_id).await?;
        let private = viewer.is_some_and(|a| {
            authorize(
                a,
                Action::ViewProduct,
                &Resource::org(&cert.manufacturer_org),
            )
            .is_ok()
        });
        let today = self.today_jiff();
        let latest = latest_entries(&mut conn, certificate_id).await?;
        let mut assessments: Vec<PublicAssessment> = latest
            .iter()
            .take(MAX_POSTURE_ITEMS)
            .map(|e| {
                let a = &e.assessment;
                let (justification, action) = state_fields(&a.status);
                PublicAssessment {
                    vuln: a.vuln.id.clone(),
                    aliases: a.vuln.aliases.clone(),
                    state: a.status.name().to_string(),
                    justification,
                    action,
                    risk: a.clinical.as_ref().and_then(|c| {
                        serde_json::to_value(c.risk)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                    }),
                    recorded_at: e.recorded_at.to_string(),
                    hash: e.hash.clone(),
                }
            })
            .collect();
        assessments.sort_by(|a, b| a.vuln.cmp(&b.vuln));
        let open_vulns: std::collections::BTreeSet<String> = latest
            .iter()
            .filter(|e| {
                matches!(
                    e.assessment.status,
                    VexState::Affected { .. } | VexState::UnderInvestigation
                )
            })
            .flat_map(|e| {
                std::iter::once(e.assessment.vuln.id.clone())
                    .chain(e.assessment.vuln.aliases.iter().cloned())
            })
            .collect();
        let mut notices =
            super::notices::list(&mut conn, Some(certificate_id), MAX_POSTURE_ITEMS).await?;
        for n in &mut notices {
            n.open = open_vulns.contains(&n.vuln);
        }
        let today_text = today.to_string();
        let (availability, support, contact) =
            match current_sbom_availability(&mut conn, certificate_id).await? {
                Some((availability, digest)) => {
                    let facts = match self.derived.sbom_facts.get(&digest) {
                        Some(facts) => facts,
                        None => {
                            // By its digest, so the facts kept are the document's own
                            // even if another revision arrived in between.
                            let document = sbom_document(&mut conn, certificate_id, &digest)
                                .await?
                                .text(self.blobs.as_ref())
                                .await?;
                            let facts = std::sync::Arc::new(SbomFacts::of(&document));
                            self.derived.sbom_facts.insert(&digest, facts.clone());
                            facts
                        }
                    };
                    (
                        Some(availability),
                        facts.support(&today_text),
                        facts.contact.clone(),
                    )
                }
                None => (None, None, None),
            };
        let grace = self.grace_days();
        let mut past = std::collections::BTreeSet::new();
        let mut within = std::collections::BTreeSet::new();
        // Matches are of the current SBOM: without one there are none to read.
        let matches = if availability.is_some() {
            matches_of(&mut conn, certificate_id).await?
        } else {
            Vec::new()
        };
        for m in matches {
            if m.assessed {
                continue;
            }
            let first: jiff::civil::Date = m
                .first_seen
                .get(..10)
                .unwrap_or(&m.first_seen)
                .parse()
                .map_err(|e| {
                    RegistryError::invalid(format!("stored date `{}`: {e}", m.first_seen))
                })?;
            let public_from = jiff::Span::new()
                .try_days(grace)
                .and_then(|span| first.checked_add(span))
                .unwrap_or(jiff::civil::Date::MAX);
            if today >= public_from {
                past.insert(m.group_key);
            } else {
                within.insert(m.group_key);
            }
        }
        Ok(SecurityPosture {
            as_of: today_text,
            assessments,
            notices,
            sbom: availability,
            support,
            disclosure_contact: contact,
            unassessed: UnassessedSummary {
                grace_days: grace,
                past_grace: past.len(),
                within_grace: private.then_some(within.len()),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::security_contact;

    fn spdx(refs: serde_json::Value, component_refs: serde_json::Value) -> String {
        serde_json::json!({
            "spdxVersion": "SPDX-2.3",
            "SPDXID": "SPDXRef-DOCUMENT",
            "documentDescribes": ["SPDXRef-pump"],
            "packages": [
                {"SPDXID": "SPDXRef-pump", "name": "pump", "externalRefs": refs},
                {"SPDXID": "SPDXRef-zlib", "name": "zlib", "externalRefs": component_refs},
            ],
        })
        .to_string()
    }

    fn sec(kind: &str, locator: &str) -> serde_json::Value {
        serde_json::json!({"referenceCategory": "SECURITY", "referenceType": kind, "referenceLocator": locator})
    }

    #[test]
    fn spdx_contact_is_the_described_packages_security_url_preferring_mailto() {
        let doc = spdx(
            serde_json::json!([
                sec(
                    "advisory",
                    "https://nvd.nist.gov/vuln/detail/CVE-2020-28498"
                ),
                sec("url", "https://pump.example/security"),
                sec("url", "mailto:psirt@pump.example"),
            ]),
            serde_json::json!([]),
        );
        assert_eq!(
            security_contact(&doc).as_deref(),
            Some("mailto:psirt@pump.example")
        );
        let doc = spdx(
            serde_json::json!([sec("url", "https://pump.example/security")]),
            serde_json::json!([]),
        );
        assert_eq!(
            security_contact(&doc).as_deref(),
            Some("https://pump.example/security")
        );
    }

    #[test]
    fn spdx_component_urls_advisories_and_other_categories_are_not_the_contact() {
        let other = serde_json::json!({"referenceCategory": "OTHER", "referenceType": "url", "referenceLocator": "mailto:x@pump.example"});
        let doc = spdx(
            serde_json::json!([sec("advisory", "https://nvd.example/CVE-1"), other]),
            serde_json::json!([sec("url", "mailto:security@zlib.example")]),
        );
        assert_eq!(security_contact(&doc), None);
    }

    #[test]
    fn spdx_described_by_relationship_counts_too() {
        let doc = serde_json::json!({
            "spdxVersion": "SPDX-2.2",
            "SPDXID": "SPDXRef-DOCUMENT",
            "packages": [{"SPDXID": "SPDXRef-pump", "externalRefs": [sec("url", "mailto:psirt@pump.example")]}],
            "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-pump"}],
        })
        .to_string();
        assert_eq!(
            security_contact(&doc).as_deref(),
            Some("mailto:psirt@pump.example")
        );
    }

    #[test]
    fn cyclonedx_security_contact_still_read() {
        let doc = serde_json::json!({
            "bomFormat": "CycloneDX",
            "metadata": {"component": {"externalReferences": [{"type": "security-contact", "url": "mailto:psirt@pump.example"}]}},
        })
        .to_string();
        assert_eq!(
            security_contact(&doc).as_deref(),
            Some("mailto:psirt@pump.example")
        );
    }
}
