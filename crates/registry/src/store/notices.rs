//! Vulnerability notices (issue 13, publishing): the certification body publishes what a
//! manufacturer assessed about a certificate's vulnerability as a CSAF 2.0 document, signed with
//! the scheme key and logged in the transparency log.
//!
//! Why this shape: CSAF is what aggregators and hospital tooling mirror (a provider serves
//! `/.well-known/csaf/<tlp>/<year>/<id>.json` with its `.sha256`), the scheme key is the key
//! readers already trust for certificates, and the log entry (`notice-published`) names the
//! document's SHA-256 and the assessment's hash, so a notice edited or withdrawn quietly after
//! publication shows. The document is the RFC 8785 canonical JSON of what `dtsec-vex` exports,
//! stored and served byte for byte, so its hash, its signature and its log entry all cover the
//! bytes a reader downloads. Notices are never rewritten: a changed assessment gets the notice's
//! next revision (CSAF `tracking.version` + 1, the whole `revision_history`, `interim` while the
//! device is affected without a distributed fix, `final` otherwise), signed and logged
//! (`notice-revised`) in its turn; every revision stays retrievable, and the CSAF directory,
//! provider metadata and feeds serve the current one. An affected device's notice is a
//! `csaf_security_advisory`, any other a `csaf_vex` (see `dtsec_vex::formats::csaf_notice`).

use dtsec_vex::Assessment;
use dtsec_vex::assessment::State as VexState;
use dtsec_vex::formats::csaf_notice::{self, NoticeCategory, NoticeMeta, Revision};
use dtsec_vex::formats::{self, Format};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::certs::load_cert;
use super::postmarket::latest_entries;
use super::posture::NoticeSummary;
use super::{Store, audit, text};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::error::{RegistryError, Result};

/// The distribution directory's TLP label (CSAF 2.0 §7.1.11: a directory per TLP label, in lower
/// case): every notice is public.
pub const CSAF_DIR: &str = "white";
/// The most notices one listing returns (feeds and the directory's `index.txt`).
pub const MAX_NOTICES_LISTED: usize = 10_000;
/// The most revisions one notice may have (each is a signed document and a log entry).
pub const MAX_REVISIONS: usize = 1000;
/// The longest vulnerability id accepted.
const MAX_VULN_ID: usize = 200;

/// Who publishes: the CSAF `document.publisher` of every notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsafPublisher {
    /// The scheme's name.
    pub name: String,
    /// The publisher's namespace: the registry's public URL.
    pub namespace: String,
}

/// A published notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NoticeRecord {
    /// `DTSEC-VN-YYYY-NNNN` (the CSAF `tracking.id`).
    pub notice_id: String,
    /// The certificate.
    pub certificate_id: String,
    /// The vulnerability id the assessment is about.
    pub vuln: String,
    /// The assessment's state.
    pub state: String,
    /// The assessment entry's hash (`sha256:…`).
    pub assessment_hash: String,
    /// The document's path under the registry.
    pub path: String,
    /// SHA-256 of the document (hex).
    pub sha256: String,
    /// The scheme key's detached signature over the document (`{alg, key_id, sig}`).
    pub signature: Value,
    /// When.
    pub published_at: String,
    /// Who published it.
    pub published_by: String,
    /// The revision (CSAF `tracking.version`): 1, then one more each time the assessment changes.
    pub revision: i64,
    /// The CSAF profile: `csaf_security_advisory` or `csaf_vex`.
    pub category: String,
    /// The CSAF `tracking.status`: `interim` (affected, no fix distributed yet) or `final`.
    pub tracking_status: String,
}

/// One revision of a notice, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NoticeRevision {
    /// The notice id.
    pub notice_id: String,
    /// The revision number (CSAF `tracking.version`).
    pub revision: i64,
    /// The CSAF profile of this revision.
    pub category: String,
    /// Its CSAF `tracking.status`.
    pub tracking_status: String,
    /// The assessment's state it states.
    pub state: String,
    /// The assessment entry's hash (`sha256:…`).
    pub assessment_hash: String,
    /// Its `revision_history` summary.
    pub summary: String,
    /// SHA-256 of its document (hex).
    pub sha256: String,
    /// The scheme key's detached signature over its document.
    pub signature: Value,
    /// When.
    pub published_at: String,
    /// Who published it.
    pub published_by: String,
    /// Where its document is served.
    pub path: String,
}

/// One served notice: its bytes, hash and signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeFile {
    /// The notice id.
    pub notice_id: String,
    /// The CSAF document (canonical JSON).
    pub document: String,
    /// SHA-256 of `document` (hex).
    pub sha256: String,
    /// The detached signature (JSON text).
    pub signature: String,
}

/// The document's file name (CSAF 2.0 §5.1: the `tracking.id` in lower case, any character other
/// than `+`, `-`, `a-z`, `0-9` replaced by `_`, then `.json`).
pub fn file_name(notice_id: &str) -> String {
    let stem: String = notice_id
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c == '+' || c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}.json")
}

/// The document's path relative to the distribution directory (`2026/dtsec-vn-2026-0001.json`).
pub fn relative_path(year: i64, notice_id: &str) -> String {
    format!("{year}/{}", file_name(notice_id))
}

fn path_of(year: i64, notice_id: &str) -> String {
    format!(
        "/.well-known/csaf/{CSAF_DIR}/{}",
        relative_path(year, notice_id)
    )
}

fn summary_from_row(r: &AnyRow) -> Result<NoticeSummary> {
    let notice_id = text(r, "notice_id")?;
    let year: i64 = r.try_get("year")?;
    Ok(NoticeSummary {
        path: path_of(year, &notice_id),
        notice_id,
        certificate_id: text(r, "certificate_id")?,
        vuln: text(r, "vuln")?,
        state: text(r, "state")?,
        sha256: text(r, "sha256")?,
        published_at: text(r, "published_at")?,
        open: false,
    })
}

/// Notices, newest first, of one certificate or of all; at most `limit`.
pub(super) async fn list(
    conn: &mut AnyConnection,
    certificate_id: Option<&str>,
    limit: usize,
) -> Result<Vec<NoticeSummary>> {
    let limit = i64::try_from(limit.min(MAX_NOTICES_LISTED)).unwrap_or(0);
    const COLUMNS: &str = "notice_id, year, certificate_id, vuln, state, sha256, published_at";
    let rows = match certificate_id {
        Some(id) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM pm_notices WHERE certificate_id = $1 \
                 ORDER BY published_at DESC, notice_id DESC LIMIT $2"
            ))
            .bind(id)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM pm_notices \
                 ORDER BY published_at DESC, notice_id DESC LIMIT $1"
            ))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.iter().map(summary_from_row).collect()
}

/// A notice as the Atom feeds show it: its summary, with its current revision and that
/// revision's own publication date (from `pm_notice_revisions`, which is never updated), so a
/// revised notice's entry says which revision it is and when that revision appeared.
pub(super) struct FeedNotice {
    pub summary: NoticeSummary,
    pub revision: i64,
    pub revised_at: String,
}

/// Notices for the feeds, newest revision first, of one certificate or of all; at most `limit`.
pub(super) async fn list_for_feed(
    conn: &mut AnyConnection,
    certificate_id: Option<&str>,
    limit: usize,
) -> Result<Vec<FeedNotice>> {
    let limit = i64::try_from(limit.min(MAX_NOTICES_LISTED)).unwrap_or(0);
    const SQL: &str = "SELECT n.notice_id, n.year, n.certificate_id, n.vuln, n.state, n.sha256, \
         n.published_at, n.revision, r.published_at AS revised_at FROM pm_notices n \
         JOIN pm_notice_revisions r ON r.notice_id = n.notice_id AND r.revision = n.revision";
    let rows = match certificate_id {
        Some(id) => {
            sqlx::query(&format!(
                "{SQL} WHERE n.certificate_id = $1 \
                 ORDER BY r.published_at DESC, n.notice_id DESC LIMIT $2"
            ))
            .bind(id)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{SQL} ORDER BY r.published_at DESC, n.notice_id DESC LIMIT $1"
            ))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(FeedNotice {
                summary: summary_from_row(r)?,
                revision: r.try_get("revision")?,
                revised_at: text(r, "revised_at")?,
            })
        })
        .collect()
}

/// The notice a certificate already has about a vulnerability: its current revision.
struct Current {
    notice_id: String,
    year: i64,
    revision: i64,
    category: NoticeCategory,
    state: String,
    assessment_hash: String,
}

async fn current_notice(
    conn: &mut AnyConnection,
    certificate_id: &str,
    vuln: &str,
) -> Result<Option<Current>> {
    let Some(r) = sqlx::query(
        "SELECT notice_id, year, revision, category, state, assessment_hash FROM pm_notices \
         WHERE certificate_id = $1 AND vuln = $2 ORDER BY published_at DESC, notice_id DESC LIMIT 1",
    )
    .bind(certificate_id)
    .bind(vuln)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let category = text(&r, "category")?;
    Ok(Some(Current {
        notice_id: text(&r, "notice_id")?,
        year: r.try_get("year")?,
        revision: r.try_get("revision")?,
        category: NoticeCategory::parse(&category).ok_or_else(|| {
            RegistryError::invalid(format!("stored notice category `{category}`"))
        })?,
        state: text(&r, "state")?,
        assessment_hash: text(&r, "assessment_hash")?,
    }))
}

/// The revision history of a notice so far (oldest first), bounded by [`MAX_REVISIONS`].
async fn revision_history(conn: &mut AnyConnection, notice_id: &str) -> Result<Vec<Revision>> {
    let rows = sqlx::query(
        "SELECT revision, published_at, summary FROM pm_notice_revisions \
         WHERE notice_id = $1 ORDER BY revision LIMIT $2",
    )
    .bind(notice_id)
    .bind(i64::try_from(MAX_REVISIONS).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let n: i64 = r.try_get("revision")?;
            Ok(Revision {
                number: u32::try_from(n)
                    .map_err(|_| RegistryError::invalid(format!("stored revision {n}")))?,
                date: text(r, "published_at")?,
                summary: text(r, "summary")?,
            })
        })
        .collect()
}

/// What a revision changed, for its `revision_history` entry.
fn revision_summary(before: Option<&Current>, a: &Assessment) -> String {
    let Some(before) = before else {
        return "Initial publication.".into();
    };
    let mut s = format!(
        "The manufacturer's assessment changed ({} to {})",
        before.state,
        a.status.name()
    );
    if let Some(d) = a.dates.fix_distributed {
        s.push_str(&format!("; fix distributed on {d}"));
    }
    s.push('.');
    s
}

impl Store {
    /// The certification body publishes a notice about `vuln` (an id or alias) of a certificate:
    /// the current version of the manufacturer's assessment of it, as a CSAF 2.0 document in the
    /// profile the assessment calls for ([`NoticeCategory::of`]: a `csaf_security_advisory`
    /// when the device is affected or its risk uncontrolled, else `csaf_vex`), validated against
    /// the CSAF schema and the mandatory tests, signed with the scheme key, stored and logged in
    /// one transaction.
    ///
    /// When the certificate already has a notice about the vulnerability and the assessment has
    /// changed since, this publishes the notice's next revision instead (same id, the next
    /// `tracking.version`, the whole revision history, its own signature and log entry
    /// `notice-revised`); the earlier revisions stay retrievable ([`Store::notice_revisions`]).
    ///
    /// Refused: an unknown certificate or vulnerability, an assessment still under investigation
    /// (a notice states an assessed vulnerability), and an assessment already published
    /// ([`RegistryError::Conflict`] naming the notice).
    pub async fn publish_notice(
        &self,
        actor: &Actor,
        certificate_id: &str,
        vuln: &str,
        publisher: &CsafPublisher,
    ) -> Result<NoticeRecord> {
        authorize(actor, Action::ChangeCertificateStatus, &Resource::Global)?;
        crate::validate::text("vuln", vuln, MAX_VULN_ID)?;
        let vuln = vuln.trim();
        let mut tx = self.begin().await?;
        let cert = load_cert(&mut tx, certificate_id).await?;
        let entry = latest_entries(&mut tx, certificate_id)
            .await?
            .into_iter()
            .find(|e| e.assessment.vuln.id == vuln || e.assessment.vuln.aliases.iter().any(|a| a == vuln))
            .ok_or_else(|| {
                RegistryError::not_found(format!(
                    "an assessment of {vuln} for {certificate_id} (the manufacturer records one first)"
                ))
            })?;
        if entry.assessment.status == VexState::UnderInvestigation {
            return Err(RegistryError::invalid(format!(
                "{vuln} of {certificate_id} is still under investigation: a notice states an assessed vulnerability; publish once the manufacturer has assessed it"
            )));
        }
        let a = &entry.assessment;
        let before = current_notice(&mut tx, certificate_id, &a.vuln.id).await?;
        if let Some(b) = &before
            && b.assessment_hash == entry.hash
        {
            return Err(RegistryError::Conflict(format!(
                "this assessment of {vuln} ({}) was published as {} revision {}: a notice gets a new revision only when the assessment changes",
                entry.hash, b.notice_id, b.revision
            )));
        }
        let now = self.now();
        let (notice_id, year, revision, mut revisions) = match &before {
            Some(b) => {
                if usize::try_from(b.revision).unwrap_or(usize::MAX) >= MAX_REVISIONS {
                    return Err(RegistryError::invalid(format!(
                        "{} has {} revisions, the most a notice may have",
                        b.notice_id, b.revision
                    )));
                }
                let history = revision_history(&mut tx, &b.notice_id).await?;
                (b.notice_id.clone(), b.year, b.revision + 1, history)
            }
            None => {
                let year = i64::from(self.today_jiff().year());
                let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM pm_notices WHERE year = $1")
                    .bind(year)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
                (
                    format!("DTSEC-VN-{year:04}-{:04}", n + 1),
                    year,
                    1,
                    Vec::new(),
                )
            }
        };
        let summary = revision_summary(before.as_ref(), a);
        revisions.push(Revision {
            number: u32::try_from(revision).unwrap_or(u32::MAX),
            date: now.clone(),
            summary: summary.clone(),
        });
        // An advisory stays an advisory: the revision that says "fixed" closes it.
        let category = match before.as_ref().map(|b| b.category) {
            Some(NoticeCategory::SecurityAdvisory) => NoticeCategory::SecurityAdvisory,
            _ => NoticeCategory::of(a),
        };
        let namespace = publisher.namespace.trim_end_matches('/').to_string();
        let path = path_of(year, &notice_id);
        let meta = NoticeMeta {
            publisher: publisher.name.clone(),
            namespace: namespace.clone(),
            id: notice_id.clone(),
            title: format!(
                "{notice_id}: {} in {} {} (certificate {certificate_id})",
                a.vuln.id, cert.product_name, cert.product_version
            ),
            revisions,
            references: vec![
                json!({"category": "self", "summary": format!("This notice ({notice_id})"), "url": format!("{namespace}{path}")}),
                json!({"category": "external", "summary": format!("The certified device's public page ({certificate_id})"), "url": format!("{namespace}/devices/{certificate_id}")}),
            ],
        };
        let doc = csaf_notice::notice(a, category, &meta).ok_or_else(|| {
            RegistryError::invalid(format!(
                "the notice's revision history has a date that is not RFC 3339 ({now})"
            ))
        })?;
        formats::schemas::validate(Format::Csaf, &doc)
            .and_then(|()| formats::csaf_checks::run(&doc))
            .map_err(|e| {
                RegistryError::invalid(format!("the notice's CSAF document does not validate: {e}"))
            })?;
        let tracking_status = csaf_notice::tracking_status(a);
        let bytes = dtsec_seal::canonical_json(&doc);
        let sha256 = dtsec_seal::sha256_hex(&bytes);
        let signature = json!({
            "alg": "ed25519",
            "key_id": self.key.verifying_key().key_id(),
            "sig": self.key.sign(&bytes).to_base64(),
        });
        let document = String::from_utf8(bytes)
            .map_err(|e| RegistryError::invalid(format!("notice document: {e}")))?;
        let record = NoticeRecord {
            notice_id: notice_id.clone(),
            certificate_id: certificate_id.to_string(),
            vuln: a.vuln.id.clone(),
            state: a.status.name().to_string(),
            assessment_hash: entry.hash.clone(),
            path,
            sha256: sha256.clone(),
            signature: signature.clone(),
            published_at: now.clone(),
            published_by: actor.audit_name(),
            revision,
            category: category.name().to_string(),
            tracking_status: tracking_status.to_string(),
        };
        if before.is_some() {
            sqlx::query(
                "UPDATE pm_notices SET state = $1, assessment_hash = $2, document = $3, \
                 sha256 = $4, signature = $5, published_at = $6, published_by = $7, \
                 revision = $8, category = $9, tracking_status = $10 WHERE notice_id = $11",
            )
            .bind(&record.state)
            .bind(&record.assessment_hash)
            .bind(&document)
            .bind(&record.sha256)
            .bind(signature.to_string())
            .bind(&record.published_at)
            .bind(&record.published_by)
            .bind(revision)
            .bind(&record.category)
            .bind(&record.tracking_status)
            .bind(&record.notice_id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO pm_notices (notice_id, year, certificate_id, vuln, state, assessment_hash, \
                 document, sha256, signature, published_at, published_by, revision, category, \
                 tracking_status, first_published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(&record.notice_id)
            .bind(year)
            .bind(&record.certificate_id)
            .bind(&record.vuln)
            .bind(&record.state)
            .bind(&record.assessment_hash)
            .bind(&document)
            .bind(&record.sha256)
            .bind(signature.to_string())
            .bind(&record.published_at)
            .bind(&record.published_by)
            .bind(revision)
            .bind(&record.category)
            .bind(&record.tracking_status)
            .bind(&record.published_at)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO pm_notice_revisions (notice_id, revision, category, tracking_status, \
             state, assessment_hash, summary, document, sha256, signature, published_at, \
             published_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&record.notice_id)
        .bind(revision)
        .bind(&record.category)
        .bind(&record.tracking_status)
        .bind(&record.state)
        .bind(&record.assessment_hash)
        .bind(&summary)
        .bind(&document)
        .bind(&record.sha256)
        .bind(signature.to_string())
        .bind(&record.published_at)
        .bind(&record.published_by)
        .execute(&mut *tx)
        .await?;
        self.log_decision(
            &mut tx,
            &json!({
                "kind": if revision == 1 { "notice-published" } else { "notice-revised" },
                "notice_id": record.notice_id,
                "certificate_id": record.certificate_id,
                "vuln": record.vuln,
                "assessment_sha256": record.assessment_hash,
                "document_sha256": record.sha256,
                "revision": revision,
                "category": record.category,
                "at": now,
            }),
        )
        .await?;
        let after = serde_json::to_value(&record).unwrap_or(Value::Null);
        audit(
            &mut tx,
            &now,
            actor,
            if revision == 1 {
                "notice.publish"
            } else {
                "notice.revise"
            },
            "certificate",
            certificate_id,
            None,
            Some(&after),
        )
        .await?;
        self.commit_decision(tx).await?;
        Ok(record)
    }

    /// Every revision of a notice, oldest first (public): what each stated, its document's hash
    /// and signature, and where its document is served.
    pub async fn notice_revisions(&self, notice_id: &str) -> Result<Vec<NoticeRevision>> {
        let notice_id = notice_id.trim().to_ascii_uppercase();
        if notice_id.len() > MAX_VULN_ID {
            return Err(RegistryError::not_found(format!("notice {notice_id}")));
        }
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT revision, category, tracking_status, state, assessment_hash, summary, sha256, \
             signature, published_at, published_by FROM pm_notice_revisions \
             WHERE notice_id = $1 ORDER BY revision LIMIT $2",
        )
        .bind(&notice_id)
        .bind(i64::try_from(MAX_REVISIONS).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Err(RegistryError::not_found(format!("notice {notice_id}")));
        }
        rows.iter()
            .map(|r| {
                let revision: i64 = r.try_get("revision")?;
                let signature = text(r, "signature")?;
                Ok(NoticeRevision {
                    notice_id: notice_id.clone(),
                    revision,
                    category: text(r, "category")?,
                    tracking_status: text(r, "tracking_status")?,
                    state: text(r, "state")?,
                    assessment_hash: text(r, "assessment_hash")?,
                    summary: text(r, "summary")?,
                    sha256: text(r, "sha256")?,
                    signature: serde_json::from_str(&signature).unwrap_or(Value::Null),
                    published_at: text(r, "published_at")?,
                    published_by: text(r, "published_by")?,
                    path: format!("/api/v1/notices/{notice_id}/revisions/{revision}"),
                })
            })
            .collect()
    }

    /// One revision's served document (public), byte for byte as signed.
    pub async fn notice_revision_file(
        &self,
        notice_id: &str,
        revision: &str,
    ) -> Result<NoticeFile> {
        let notice_id = notice_id.trim().to_ascii_uppercase();
        let missing =
            || RegistryError::not_found(format!("revision {revision} of notice {notice_id}"));
        if notice_id.len() > MAX_VULN_ID || revision.len() > 20 {
            return Err(missing());
        }
        let revision: i64 = revision.parse().map_err(|_| missing())?;
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(
            "SELECT notice_id, document, sha256, signature FROM pm_notice_revisions \
             WHERE notice_id = $1 AND revision = $2",
        )
        .bind(&notice_id)
        .bind(revision)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(missing)?;
        Ok(NoticeFile {
            notice_id: text(&row, "notice_id")?,
            document: text(&row, "document")?,
            sha256: text(&row, "sha256")?,
            signature: text(&row, "signature")?,
        })
    }

    /// Published notices, newest first (public), at most `limit` (capped at
    /// [`MAX_NOTICES_LISTED`]); of one certificate when given.
    pub async fn notices(
        &self,
        certificate_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<NoticeSummary>> {
        let mut conn = self.pool.acquire().await?;
        list(&mut conn, certificate_id, limit).await
    }

    /// A notice's served file by its place in the distribution directory: `year` and the file
    /// name `dtsec-vn-YYYY-NNNN.json` (public).
    pub async fn notice_file(&self, year: &str, file: &str) -> Result<NoticeFile> {
        let missing = || RegistryError::not_found(format!("notice {year}/{file}"));
        let stem = file.strip_suffix(".json").ok_or_else(missing)?;
        let year: i64 = year.parse().map_err(|_| missing())?;
        if stem.len() > MAX_VULN_ID || !stem.bytes().all(|b| b == b'-' || b.is_ascii_alphanumeric())
        {
            return Err(missing());
        }
        let notice_id = stem.to_ascii_uppercase();
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(
            "SELECT notice_id, document, sha256, signature FROM pm_notices \
             WHERE notice_id = $1 AND year = $2",
        )
        .bind(&notice_id)
        .bind(year)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(missing)?;
        Ok(NoticeFile {
            notice_id: text(&row, "notice_id")?,
            document: text(&row, "document")?,
            sha256: text(&row, "sha256")?,
            signature: text(&row, "signature")?,
        })
    }
}
