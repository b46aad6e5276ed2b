//! Postmarket surveillance (issue 13): SBOMs bound to certificates, the certification body's
//! advisory snapshots, the matches between them, the manufacturer's assessments, and the
//! certification body's queue of proposed certificate actions.
//!
//! Why in the store: a match, an assessment and the decision acted on it must agree with each
//! other and with the certificate at one moment, so each change is one transaction (with its
//! audit record), and a decision on a proposal goes through the same re-issue and transparency
//! log path as every other status change — its log entry also names the hash of the assessment
//! it rests on (`assessment_sha256`). Matching and proposals are the pure functions of
//! `dtsec-advisories` and `dtsec-vex`; this module only stores their inputs and results.
//!
//! Roles reuse existing grants: the manufacturer uploads SBOMs and records assessments under
//! `FileImpactAnalysis` (own organisation: postmarket filings about its certified product), reads
//! them under `ViewProduct`; the certification body syncs advisories under `DecideMaintenance`
//! and reads and acts on the queue under `ChangeCertificateStatus`.

use std::collections::{BTreeMap, BTreeSet};

use dtsec_advisories::{Database, Verdict, import, matching};
use dtsec_vex::Assessment;
use dtsec_vex::actions::{self, ActionKind, CertStatus, Policy, ProposedAction, UnassessedMatch};
use dtsec_vex::history::{Entry, History};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::certs::load_cert;
use super::{Store, audit, text};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::blob::{BlobError, BlobStore};
use crate::error::{RegistryError, Result};
use crate::store::StatusRequest;
use crate::store::certs::CertificateRecord;

/// The largest SBOM accepted, checked before parsing.
pub const MAX_SBOM_BYTES: usize = 16 * 1024 * 1024;
/// The largest advisory set stored as one snapshot (its database JSON).
pub const MAX_SNAPSHOT_BYTES: usize = 256 * 1024 * 1024;
/// The most records one sync may bring (ZIP entries or array items).
pub const MAX_SYNC_RECORDS: usize = 200_000;
/// The most certificates re-matched by one sync (the register is far smaller).
pub const MAX_CERTIFICATES_MATCHED: i64 = 10_000;

/// A stored SBOM, without its document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SbomRecord {
    /// The certificate it describes.
    pub certificate_id: String,
    /// SHA-256 of the uploaded bytes (hex): its identity.
    pub sha256: String,
    /// 1 for the first SBOM of the certificate, then 2, …; the highest is current.
    pub revision: i64,
    /// `cyclonedx` or `spdx`.
    pub format: String,
    /// CycloneDX `serialNumber` or SPDX `documentNamespace`.
    pub serial: Option<String>,
    /// CycloneDX `version`.
    pub bom_version: Option<i64>,
    /// Components (nested ones included).
    pub components: i64,
    /// Who uploaded it (user id).
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
}

/// What a sync stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SyncReport {
    /// The snapshot id (SHA-256 over the record hashes): what matches are "as of".
    pub snapshot_id: String,
    /// Records accepted.
    pub records: usize,
    /// Records refused, `file: reason`.
    pub rejected: Vec<String>,
    /// False when this exact set was synced before (it becomes current again).
    pub new: bool,
    /// Certificates whose current SBOM was matched against it.
    pub certificates_matched: usize,
    /// Affected or unevaluable (component, advisory) pairs found over those certificates.
    pub matches: usize,
}

/// One affected or unevaluable (component, advisory) pair of a certificate's current SBOM.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MatchRecord {
    /// The snapshot it holds for.
    pub snapshot_id: String,
    /// The SBOM it was computed from.
    pub sbom_sha256: String,
    /// The advisory.
    pub advisory_id: String,
    /// The vulnerability's alias group key (what assessments and proposals are about).
    pub group_key: String,
    /// The component's ref.
    pub component_ref: String,
    /// `affected` or `unevaluable`.
    pub verdict: String,
    /// When the vulnerability was first reported for this certificate (YYYY-MM-DD).
    pub first_seen: String,
    /// Whether an assessment answers it.
    pub assessed: bool,
    /// The match as `dtsec-advisories` reports it.
    pub detail: Value,
}

/// One stored assessment history entry.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AssessmentRecord {
    /// The certificate.
    pub certificate_id: String,
    /// `vuln/product@version`.
    pub assessment_id: String,
    /// 0 for the first entry of the id, then 1, …
    pub seq: i64,
    /// The vulnerability id.
    pub vuln: String,
    /// The entry's hash (`sha256:…`), what a decision on it names.
    pub hash: String,
    /// Who recorded it (user id).
    pub recorded_by: String,
    /// The `dtsec-vex` history entry.
    pub entry: Value,
}

/// One item of the certification body's postmarket queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct QueueItem {
    /// Its position (1-based) in the queue as computed now.
    pub n: usize,
    /// The certificate.
    pub certificate_id: String,
    /// Its status.
    pub certificate_status: String,
    /// `overdue-triage`, `open-review`, `suspend`, `revoke`, `extend`,
    /// `review-controlled-exploited`.
    pub kind: String,
    /// The vulnerability.
    pub vuln: String,
    /// The assessment entry's hash it rests on (none for an unassessed match).
    pub assessment_hash: Option<String>,
    /// Why, in words.
    pub reason: String,
}

fn action_name(kind: ActionKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The status request a proposal becomes when the certification body acts on it, or why it
/// cannot be acted on here.
fn request_for(kind: ActionKind) -> std::result::Result<StatusRequest, &'static str> {
    match kind {
        ActionKind::OpenReview | ActionKind::ReviewControlledExploited => {
            Ok(StatusRequest::OpenReview)
        }
        ActionKind::Suspend => Ok(StatusRequest::Suspend),
        ActionKind::Revoke => Ok(StatusRequest::Revoke),
        ActionKind::Extend => Err(
            "an extension goes through maintenance: the manufacturer files the vulnerability-fix impact analysis, the lab reviews the fix, then the certifier extends",
        ),
        ActionKind::OverdueTriage => Err(
            "an overdue triage is a reminder, not a decision: ask the manufacturer to assess the match",
        ),
    }
}

fn sbom_from_row(r: &AnyRow) -> Result<SbomRecord> {
    Ok(SbomRecord {
        certificate_id: text(r, "certificate_id")?,
        sha256: text(r, "sha256")?,
        revision: r.try_get("revision")?,
        format: text(r, "format")?,
        serial: r.try_get("serial")?,
        bom_version: r.try_get("bom_version")?,
        components: r.try_get("components")?,
        uploaded_by: text(r, "uploaded_by")?,
        uploaded_at: text(r, "uploaded_at")?,
    })
}

const SBOM_COLUMNS: &str = "certificate_id, sha256, revision, format, serial, bom_version, \
    components, uploaded_by, uploaded_at";

/// The columns that hold an SBOM's document: in the row (`document`, before migration 0021)
/// or in the blob store (`blob_sha256`, `blob_size`; `document` then empty).
pub(super) const SBOM_DOCUMENT_COLUMNS: &str = "document, blob_sha256, blob_size";

/// An SBOM's document as its row holds it (issue 16: new SBOMs are blobs; rows written before
/// migration 0021 keep theirs inline and are read as they are).
pub(super) enum StoredSbom {
    /// The document in the row.
    Inline(String),
    /// The document in the blob store.
    Blob {
        /// Its SHA-256 (the blob's name).
        digest: String,
        /// Its size, as recorded.
        size: i64,
    },
}

impl StoredSbom {
    /// Reads [`SBOM_DOCUMENT_COLUMNS`] of `row`.
    pub(super) fn of_row(row: &sqlx::any::AnyRow) -> Result<StoredSbom> {
        match (
            row.try_get::<Option<String>, _>("blob_sha256")?,
            row.try_get::<Option<i64>, _>("blob_size")?,
        ) {
            (Some(digest), Some(size)) => Ok(StoredSbom::Blob { digest, size }),
            _ => Ok(StoredSbom::Inline(text(row, "document")?)),
        }
    }

    /// The document's text: a blob is checked against its recorded size (before reading, as
    /// the bound) and its digest (by the store).
    pub(super) async fn text(self, blobs: &dyn BlobStore) -> Result<String> {
        match self {
            StoredSbom::Inline(t) => Ok(t),
            StoredSbom::Blob { digest, size } => {
                let limit = u64::try_from(size).unwrap_or(0).min(MAX_SBOM_BYTES as u64);
                let bytes = blobs.get(&digest, limit).await?;
                if bytes.len() as u64 != limit {
                    return Err(BlobError::Corrupt {
                        digest: digest.clone(),
                        actual: crate::blob::digest_of(&bytes),
                        store: blobs.location(),
                    }
                    .into());
                }
                String::from_utf8(bytes).map_err(|_| {
                    RegistryError::invalid(format!("the SBOM blob sha256:{digest} is not UTF-8"))
                })
            }
        }
    }
}

/// The certificate's current SBOM with its document, still where it is stored.
pub(super) async fn current_sbom(
    conn: &mut AnyConnection,
    certificate_id: &str,
) -> Result<Option<(SbomRecord, StoredSbom)>> {
    let row = sqlx::query(&format!(
        "SELECT {SBOM_COLUMNS}, {SBOM_DOCUMENT_COLUMNS} FROM pm_sboms WHERE certificate_id = $1 \
         ORDER BY revision DESC LIMIT 1"
    ))
    .bind(certificate_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((sbom_from_row(&r)?, StoredSbom::of_row(&r)?)))
        .transpose()
}

/// The current advisory snapshot.
async fn current_snapshot(conn: &mut AnyConnection) -> Result<Option<Database>> {
    let row = sqlx::query("SELECT db FROM pm_snapshots ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        serde_json::from_str(&text(&r, "db")?)
            .map_err(|e| RegistryError::invalid(format!("stored advisory snapshot: {e}")))
    })
    .transpose()
}

async fn current_snapshot_id(conn: &mut AnyConnection) -> Result<Option<String>> {
    sqlx::query("SELECT id FROM pm_snapshots ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| text(&r, "id"))
        .transpose()
}

fn ingest(bytes: &[u8]) -> Result<dtsec_sbom::SbomDoc> {
    let ingester = dtsec_sbom::Ingester::new(dtsec_sbom::Limits {
        max_bytes: MAX_SBOM_BYTES as u64,
        ..dtsec_sbom::Limits::default()
    });
    ingester
        .ingest(bytes)
        .map(|(doc, _)| doc)
        .map_err(|e| RegistryError::invalid(format!("SBOM refused: {e}")))
}

/// Matches `sbom` against `db` for the certificate and stores the pairs (and first-seen dates).
/// Returns how many pairs.
async fn store_matches(
    conn: &mut AnyConnection,
    certificate_id: &str,
    sbom: &dtsec_sbom::SbomDoc,
    db: &Database,
    today: &str,
) -> Result<usize> {
    let index = matching::Index::build(db);
    let report = matching::match_sbom(&index, sbom);
    for m in &report.matches {
        let verdict = match m.verdict {
            Verdict::Affected { .. } => "affected",
            _ => "unevaluable",
        };
        let detail =
            serde_json::to_string(m).map_err(|e| RegistryError::invalid(format!("match: {e}")))?;
        sqlx::query(
            "INSERT INTO pm_matches (certificate_id, snapshot_id, sbom_sha256, advisory_id, \
             component_ref, group_key, verdict, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT DO NOTHING",
        )
        .bind(certificate_id)
        .bind(&report.snapshot)
        .bind(&sbom.sha256)
        .bind(&m.advisory_id)
        .bind(&m.component_ref)
        .bind(&m.group_key)
        .bind(verdict)
        .bind(detail)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO pm_first_seen (certificate_id, group_key, first_seen) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(certificate_id)
        .bind(&m.group_key)
        .bind(today)
        .execute(&mut *conn)
        .await?;
    }
    Ok(report.matches.len())
}

/// The latest entry of each of the certificate's assessments.
pub(super) async fn latest_entries(
    conn: &mut AnyConnection,
    certificate_id: &str,
) -> Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT a.entry FROM pm_assessments a WHERE a.certificate_id = $1 AND a.seq = \
         (SELECT MAX(b.seq) FROM pm_assessments b WHERE b.certificate_id = a.certificate_id \
          AND b.assessment_id = a.assessment_id) ORDER BY a.assessment_id",
    )
    .bind(certificate_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&text(r, "entry")?)
                .map_err(|e| RegistryError::invalid(format!("stored assessment: {e}")))
        })
        .collect()
}

/// The vulnerability ids (and aliases) the entries answer.
fn answered(latest: &[Entry]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in latest {
        out.insert(e.assessment.vuln.id.clone());
        out.extend(e.assessment.vuln.aliases.iter().cloned());
    }
    out
}

/// The certificate's matches as of the current snapshot and SBOM.
pub(super) async fn matches_of(
    conn: &mut AnyConnection,
    certificate_id: &str,
) -> Result<Vec<MatchRecord>> {
    let (Some(snapshot), Some((sbom, _))) = (
        current_snapshot_id(conn).await?,
        current_sbom(conn, certificate_id).await?,
    ) else {
        return Ok(Vec::new());
    };
    let done = answered(&latest_entries(conn, certificate_id).await?);
    let rows = sqlx::query(
        "SELECT m.advisory_id, m.component_ref, m.group_key, m.verdict, m.detail, f.first_seen \
         FROM pm_matches m JOIN pm_first_seen f ON f.certificate_id = m.certificate_id \
         AND f.group_key = m.group_key WHERE m.certificate_id = $1 AND m.snapshot_id = $2 \
         AND m.sbom_sha256 = $3 ORDER BY m.group_key, m.advisory_id, m.component_ref",
    )
    .bind(certificate_id)
    .bind(&snapshot)
    .bind(&sbom.sha256)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let advisory_id = text(r, "advisory_id")?;
            let group_key = text(r, "group_key")?;
            Ok(MatchRecord {
                assessed: done.contains(&group_key) || done.contains(&advisory_id),
                snapshot_id: snapshot.clone(),
                sbom_sha256: sbom.sha256.clone(),
                advisory_id,
                group_key,
                component_ref: text(r, "component_ref")?,
                verdict: text(r, "verdict")?,
                first_seen: text(r, "first_seen")?,
                detail: serde_json::from_str(&text(r, "detail")?).unwrap_or(Value::Null),
            })
        })
        .collect()
}

fn jiff_date(s: &str) -> Result<jiff::civil::Date> {
    s.get(..10)
        .unwrap_or(s)
        .parse()
        .map_err(|e| RegistryError::invalid(format!("stored date `{s}`: {e}")))
}

/// The proposals for one certificate, as of `today`.
async fn proposals_for(
    conn: &mut AnyConnection,
    cert: &CertificateRecord,
    today: jiff::civil::Date,
) -> Result<Vec<ProposedAction>> {
    let status = match cert.status.as_str() {
        "active" | "maintained" => CertStatus::Active,
        "under-review" => CertStatus::UnderReview,
        "suspended" => CertStatus::Suspended {
            since: jiff_date(&cert.updated_at)?,
        },
        _ => return Ok(Vec::new()),
    };
    let latest = latest_entries(conn, &cert.certificate_id).await?;
    let mut unassessed: BTreeMap<String, jiff::civil::Date> = BTreeMap::new();
    for m in matches_of(conn, &cert.certificate_id).await? {
        if !m.assessed {
            unassessed.insert(m.group_key.clone(), jiff_date(&m.first_seen)?);
        }
    }
    let unassessed: Vec<UnassessedMatch> = unassessed
        .into_iter()
        .map(|(vuln, first_seen)| UnassessedMatch { vuln, first_seen })
        .collect();
    Ok(actions::propose(
        &latest,
        &unassessed,
        status,
        Policy::default(),
        today,
    ))
}

/// The whole queue: every certificate with postmarket data, in certificate order.
async fn queue(conn: &mut AnyConnection, today: jiff::civil::Date) -> Result<Vec<QueueItem>> {
    let ids: Vec<String> = sqlx::query(
        "SELECT certificate_id FROM pm_sboms UNION SELECT certificate_id FROM pm_assessments \
         ORDER BY certificate_id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| text(r, "certificate_id"))
    .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        let cert = load_cert(conn, &id).await?;
        for p in proposals_for(conn, &cert, today).await? {
            out.push(QueueItem {
                n: out.len() + 1,
                certificate_id: cert.certificate_id.clone(),
                certificate_status: cert.status.as_str().to_owned(),
                kind: action_name(p.kind),
                vuln: p.vuln,
                assessment_hash: p.assessment_hash,
                reason: p.reason,
            });
        }
    }
    Ok(out)
}

fn kind_of(name: &str) -> Option<ActionKind> {
    serde_json::from_value(json!(name)).ok()
}

fn assessment_from_row(r: &AnyRow) -> Result<AssessmentRecord> {
    Ok(AssessmentRecord {
        certificate_id: text(r, "certificate_id")?,
        assessment_id: text(r, "assessment_id")?,
        seq: r.try_get("seq")?,
        vuln: text(r, "vuln")?,
        hash: text(r, "hash")?,
        recorded_by: text(r, "recorded_by")?,
        entry: serde_json::from_str(&text(r, "entry")?)
            .map_err(|e| RegistryError::invalid(format!("stored assessment: {e}")))?,
    })
}

impl Store {
    pub(super) fn today_jiff(&self) -> jiff::civil::Date {
        let ts = jiff::Timestamp::from_second(self.config.clock.now_unix())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        jiff::tz::TimeZone::UTC.to_datetime(ts).date()
    }

    /// The manufacturer of a certificate uploads its SBOM (CycloneDX or SPDX JSON, validated by
    /// `dtsec-sbom`). Idempotent by SHA-256: the same bytes again return the stored record and
    /// `false`. A new SBOM becomes current and is matched against the current advisory snapshot
    /// in the same transaction.
    pub async fn upload_sbom(
        &self,
        actor: &Actor,
        certificate_id: &str,
        bytes: &[u8],
    ) -> Result<(SbomRecord, bool)> {
        if bytes.len() > MAX_SBOM_BYTES {
            return Err(RegistryError::invalid(format!(
                "the SBOM is {} bytes, over the limit of {MAX_SBOM_BYTES}: split it per firmware image",
                bytes.len()
            )));
        }
        {
            let mut conn = self.pool.acquire().await?;
            let cert = load_cert(&mut conn, certificate_id).await?;
            authorize(
                actor,
                Action::FileImpactAnalysis,
                &Resource::org(&cert.manufacturer_org),
            )?;
        }
        let doc = ingest(bytes)?;
        let document = String::from_utf8_lossy(bytes).into_owned();
        // The blob before the transaction that names it (a rollback leaves only an orphan).
        let blob = self.blobs.put(document.as_bytes()).await?;
        let mut tx = self.begin().await?;
        let cert = load_cert(&mut tx, certificate_id).await?;
        if let Some(r) = sqlx::query(&format!(
            "SELECT {SBOM_COLUMNS} FROM pm_sboms WHERE certificate_id = $1 AND sha256 = $2"
        ))
        .bind(certificate_id)
        .bind(&doc.sha256)
        .fetch_optional(&mut *tx)
        .await?
        {
            return Ok((sbom_from_row(&r)?, false));
        }
        let revision: i64 = sqlx::query(
            "SELECT COALESCE(MAX(revision), 0) AS n FROM pm_sboms WHERE certificate_id = $1",
        )
        .bind(certificate_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?
            + 1;
        let now = self.now();
        let record = SbomRecord {
            certificate_id: cert.certificate_id.clone(),
            sha256: doc.sha256.clone(),
            revision,
            format: format!("{:?}", doc.format).to_lowercase(),
            serial: doc.serial.clone(),
            bom_version: doc.bom_version.and_then(|v| i64::try_from(v).ok()),
            components: i64::try_from(doc.components.len()).unwrap_or(i64::MAX),
            uploaded_by: actor.audit_name(),
            uploaded_at: now.clone(),
        };
        sqlx::query(
            "INSERT INTO pm_sboms (certificate_id, sha256, revision, format, serial, bom_version, \
             components, document, uploaded_by, uploaded_at, blob_sha256, blob_size) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10, $11)",
        )
        .bind(&record.certificate_id)
        .bind(&record.sha256)
        .bind(record.revision)
        .bind(&record.format)
        .bind(record.serial.clone())
        .bind(record.bom_version)
        .bind(record.components)
        .bind(&record.uploaded_by)
        .bind(&now)
        .bind(&blob)
        .bind(i64::try_from(document.len()).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        if let Some(db) = current_snapshot(&mut tx).await? {
            store_matches(
                &mut tx,
                certificate_id,
                &doc,
                &db,
                &self.today_jiff().to_string(),
            )
            .await?;
        }
        let after = serde_json::to_value(&record).unwrap_or(Value::Null);
        audit(
            &mut tx,
            &now,
            actor,
            "certificate.sbom-upload",
            "certificate",
            certificate_id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok((record, true))
    }

    /// The certificate's current SBOM and its document (manufacturer and certification body).
    pub async fn certificate_sbom(
        &self,
        actor: &Actor,
        certificate_id: &str,
    ) -> Result<(SbomRecord, String)> {
        let mut conn = self.pool.acquire().await?;
        let cert = load_cert(&mut conn, certificate_id).await?;
        authorize(
            actor,
            Action::ViewProduct,
            &Resource::org(&cert.manufacturer_org),
        )?;
        let (record, stored) = current_sbom(&mut conn, certificate_id)
            .await?
            .ok_or_else(|| RegistryError::not_found(format!("an SBOM of {certificate_id}")))?;
        drop(conn);
        Ok((record, stored.text(self.blobs.as_ref()).await?))
    }

    /// The certification body syncs an advisory set: `entries` as `dtsec-advisories` reads a
    /// directory or ZIP (invalid records are refused and reported, not stored). The set becomes
    /// the current snapshot and every certificate's current SBOM is matched against it, in one
    /// transaction.
    pub async fn sync_advisories(
        &self,
        actor: &Actor,
        entries: Vec<import::Entry>,
    ) -> Result<SyncReport> {
        authorize(actor, Action::DecideMaintenance, &Resource::Global)?;
        if entries.len() > MAX_SYNC_RECORDS {
            return Err(RegistryError::invalid(format!(
                "{} advisory records, over the limit of {MAX_SYNC_RECORDS} per sync: sync the ecosystems the register's SBOMs use",
                entries.len()
            )));
        }
        let now = self.now();
        let db = import::build(entries, now.clone(), &mut |_, _| {})
            .map_err(|e| RegistryError::invalid(format!("advisories: {e}")))?;
        let rejected: Vec<String> = db
            .snapshot
            .rejected
            .iter()
            .map(|r| format!("{}: {}", r.file, r.reason))
            .collect();
        if db.records.is_empty() {
            return Err(RegistryError::invalid(format!(
                "no valid OSV record to sync ({} refused{}): fix the records or check the source",
                rejected.len(),
                rejected
                    .first()
                    .map(|r| format!("; first: {r}"))
                    .unwrap_or_default()
            )));
        }
        let db_json = serde_json::to_string(&db)
            .map_err(|e| RegistryError::invalid(format!("advisories: {e}")))?;
        if db_json.len() > MAX_SNAPSHOT_BYTES {
            return Err(RegistryError::invalid(format!(
                "the advisory set is {} bytes stored, over the limit of {MAX_SNAPSHOT_BYTES}: sync fewer ecosystems",
                db_json.len()
            )));
        }
        let report_json = serde_json::to_string(&db.snapshot)
            .map_err(|e| RegistryError::invalid(format!("advisories: {e}")))?;
        let mut tx = self.begin().await?;
        let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS n FROM pm_snapshots")
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("n")?
            + 1;
        let exists = sqlx::query("SELECT id FROM pm_snapshots WHERE id = $1")
            .bind(&db.snapshot.id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if exists {
            sqlx::query("UPDATE pm_snapshots SET seq = $1 WHERE id = $2")
                .bind(seq)
                .bind(&db.snapshot.id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO pm_snapshots (id, seq, loaded_at, records, report, db, synced_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&db.snapshot.id)
            .bind(seq)
            .bind(&now)
            .bind(i64::try_from(db.records.len()).unwrap_or(i64::MAX))
            .bind(&report_json)
            .bind(&db_json)
            .bind(actor.audit_name())
            .execute(&mut *tx)
            .await?;
        }
        let certs: Vec<String> = sqlx::query(
            "SELECT DISTINCT s.certificate_id FROM pm_sboms s JOIN certificates c \
             ON c.certificate_id = s.certificate_id \
             WHERE c.status IN ('active', 'maintained', 'under-review', 'suspended') \
             ORDER BY s.certificate_id LIMIT $1",
        )
        .bind(MAX_CERTIFICATES_MATCHED)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| text(r, "certificate_id"))
        .collect::<Result<_>>()?;
        let today = self.today_jiff().to_string();
        let mut matches = 0;
        for id in &certs {
            if let Some((_, stored)) = current_sbom(&mut tx, id).await? {
                let document = stored.text(self.blobs.as_ref()).await?;
                let doc = ingest(document.as_bytes())?;
                matches += store_matches(&mut tx, id, &doc, &db, &today).await?;
            }
        }
        let report = SyncReport {
            snapshot_id: db.snapshot.id.clone(),
            records: db.records.len(),
            rejected,
            new: !exists,
            certificates_matched: certs.len(),
            matches,
        };
        let after = serde_json::to_value(&report).unwrap_or(Value::Null);
        audit(
            &mut tx,
            &now,
            actor,
            "advisories.sync",
            "advisory-snapshot",
            &db.snapshot.id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The certificate's matches as of the current snapshot and SBOM (manufacturer and
    /// certification body: unassessed matches are never public).
    pub async fn certificate_matches(
        &self,
        actor: &Actor,
        certificate_id: &str,
    ) -> Result<Vec<MatchRecord>> {
        let mut conn = self.pool.acquire().await?;
        let cert = load_cert(&mut conn, certificate_id).await?;
        authorize(
            actor,
            Action::ViewProduct,
            &Resource::org(&cert.manufacturer_org),
        )?;
        matches_of(&mut conn, certificate_id).await
    }

    /// The manufacturer records an assessment (a new version of it when one exists: the
    /// `dtsec-vex` history, append-only and hash-chained). It must be about the certificate's
    /// product and current version, and cite one of its uploaded SBOMs by serial number.
    pub async fn record_assessment(
        &self,
        actor: &Actor,
        certificate_id: &str,
        assessment: Assessment,
    ) -> Result<AssessmentRecord> {
        let mut tx = self.begin().await?;
        let cert = load_cert(&mut tx, certificate_id).await?;
        authorize(
            actor,
            Action::FileImpactAnalysis,
            &Resource::org(&cert.manufacturer_org),
        )?;
        if assessment.product.name != cert.product_name
            || assessment.product.version != cert.product_version
        {
            return Err(RegistryError::invalid(format!(
                "/product: the assessment is about {}@{}, but {certificate_id} covers {}@{}: assess the certified product and version",
                assessment.product.name,
                assessment.product.version,
                cert.product_name,
                cert.product_version
            )));
        }
        let serial_known = sqlx::query(
            "SELECT sha256 FROM pm_sboms WHERE certificate_id = $1 AND serial = $2 LIMIT 1",
        )
        .bind(certificate_id)
        .bind(&assessment.product.sbom_serial)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        if !serial_known {
            return Err(RegistryError::invalid(format!(
                "/product/sbom_serial: {} is not the serial number of an SBOM uploaded for {certificate_id}: upload the SBOM first",
                assessment.product.sbom_serial
            )));
        }
        let id = assessment.id();
        let rows = sqlx::query(
            "SELECT entry FROM pm_assessments WHERE certificate_id = $1 AND assessment_id = $2 \
             ORDER BY seq",
        )
        .bind(certificate_id)
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        let mut history = History::default();
        for r in &rows {
            history.entries.push(
                serde_json::from_str(&text(r, "entry")?)
                    .map_err(|e| RegistryError::invalid(format!("stored assessment: {e}")))?,
            );
        }
        let at = jiff::Timestamp::from_second(self.config.clock.now_unix())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let entry = history
            .append(assessment, at)
            .map_err(|e| RegistryError::invalid(format!("assessment refused: {e}")))?
            .clone();
        let entry_json = serde_json::to_value(&entry)
            .map_err(|e| RegistryError::invalid(format!("assessment: {e}")))?;
        let record = AssessmentRecord {
            certificate_id: certificate_id.to_string(),
            assessment_id: id,
            seq: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            vuln: entry.assessment.vuln.id.clone(),
            hash: entry.hash.clone(),
            recorded_by: actor.audit_name(),
            entry: entry_json,
        };
        // The primary key (certificate, id, seq) refuses a racing second version of the same
        // predecessor.
        sqlx::query(
            "INSERT INTO pm_assessments (certificate_id, assessment_id, seq, vuln, hash, entry, \
             recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&record.certificate_id)
        .bind(&record.assessment_id)
        .bind(record.seq)
        .bind(&record.vuln)
        .bind(&record.hash)
        .bind(record.entry.to_string())
        .bind(&record.recorded_by)
        .execute(&mut *tx)
        .await?;
        let now = self.now();
        audit(
            &mut tx,
            &now,
            actor,
            "certificate.assessment",
            "certificate",
            certificate_id,
            None,
            Some(&json!({"assessment_id": record.assessment_id, "hash": record.hash})),
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Every stored assessment entry of the certificate, oldest first per id (manufacturer and
    /// certification body).
    pub async fn certificate_assessments(
        &self,
        actor: &Actor,
        certificate_id: &str,
    ) -> Result<Vec<AssessmentRecord>> {
        let mut conn = self.pool.acquire().await?;
        let cert = load_cert(&mut conn, certificate_id).await?;
        authorize(
            actor,
            Action::ViewProduct,
            &Resource::org(&cert.manufacturer_org),
        )?;
        let rows = sqlx::query(
            "SELECT certificate_id, assessment_id, seq, vuln, hash, entry, recorded_by \
             FROM pm_assessments WHERE certificate_id = $1 ORDER BY assessment_id, seq",
        )
        .bind(certificate_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(assessment_from_row).collect()
    }

    /// The current version of each assessment of a certificate: what its public VEX states
    /// (assessed items only; unassessed matches never leave the registry).
    pub async fn public_assessments(&self, certificate_id: &str) -> Result<Vec<Entry>> {
        let mut conn = self.pool.acquire().await?;
        load_cert(&mut conn, certificate_id).await?;
        latest_entries(&mut conn, certificate_id).await
    }

    /// The certification body's postmarket queue: `dtsec_vex::actions::propose` over each
    /// certificate's assessments and unassessed matches, as of the store's clock.
    pub async fn postmarket_queue(&self, actor: &Actor) -> Result<Vec<QueueItem>> {
        authorize(actor, Action::ChangeCertificateStatus, &Resource::Global)?;
        let mut conn = self.pool.acquire().await?;
        queue(&mut conn, self.today_jiff()).await
    }

    /// The certification body acts on queue item `n` (as [`Store::postmarket_queue`] numbers
    /// it): the proposal becomes a status change with `reason`, re-issued and logged like any
    /// other, and its log entry names the assessment's hash. `expect_hash`, when given, must be
    /// the item's assessment hash, so that a queue that moved under the caller is refused rather
    /// than acted on the wrong item.
    pub async fn act_on_proposal(
        &self,
        actor: &Actor,
        n: usize,
        reason: &str,
        expect_hash: Option<&str>,
    ) -> Result<(QueueItem, CertificateRecord)> {
        authorize(actor, Action::ChangeCertificateStatus, &Resource::Global)?;
        if reason.trim().is_empty() {
            return Err(RegistryError::invalid(
                "acting on a proposal states its reason: it is published with the new status",
            ));
        }
        crate::validate::text("reason", reason, 10_000)?;
        let mut tx = self.begin().await?;
        let items = queue(&mut tx, self.today_jiff()).await?;
        let Some(item) = n.checked_sub(1).and_then(|i| items.get(i)).cloned() else {
            return Err(RegistryError::not_found(format!(
                "queue item {n} (the queue has {} item(s)): list it again",
                items.len()
            )));
        };
        if let Some(want) = expect_hash
            && item.assessment_hash.as_deref() != Some(want)
        {
            return Err(RegistryError::Conflict(format!(
                "queue item {n} now rests on {}, not {want}: list the queue again",
                item.assessment_hash.as_deref().unwrap_or("no assessment")
            )));
        }
        let kind = kind_of(&item.kind)
            .ok_or_else(|| RegistryError::invalid(format!("unknown action `{}`", item.kind)))?;
        let request = request_for(kind).map_err(|why| RegistryError::InvalidTransition {
            from: item.certificate_status.clone(),
            to: item.kind.clone(),
            why: why.to_string(),
        })?;
        let cur = load_cert(&mut tx, &item.certificate_id).await?;
        let event = request.event(!cur.certificate()?.maintenance_history.is_empty());
        let record = self
            .reissue_on_basis(
                &mut tx,
                actor,
                &cur,
                event,
                Some(reason.trim()),
                item.assessment_hash.as_deref(),
                |_| {},
            )
            .await?;
        self.commit_decision(tx).await?;
        Ok((item, record))
    }
}
