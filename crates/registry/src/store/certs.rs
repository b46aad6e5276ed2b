//! Certificates: issue, status changes (each re-issues the signed document), archiving at the
//! end of the validity period, and assurance maintenance (impact analysis, extension).
//!
//! Why every change re-signs: a certificate holder carries one file; if a status change only
//! touched a database row, the file would keep claiming "active". Each revision is signed, kept,
//! and logged as a decision (see `crate::certificate` for the choice).

use dtsec_seal::seal;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::cases::{NewProduct, Product, load_product, update_product};
use super::{Store, audit, expect_one, json_list, opt_text, text};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::certificate::{CERTIFICATE_KIND, Certificate, Claim, LabRef, MaintenanceEntry};
use crate::error::{RegistryError, Result};
use crate::maintenance::{
    ChangeClass, ImpactAnalysis, MaintenanceState, classify, validate as validate_ia,
};
use crate::secrets;
use crate::time::Date;
use crate::validate;
use crate::workflow::{Event, State, next};

/// A certificate as stored: the current revision's sealed document and the columns the lists
/// filter on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CertificateRecord {
    /// `DTSEC-YYYY-NNNN`.
    pub certificate_id: String,
    /// The case it came from.
    pub product_id: String,
    /// Current status.
    pub status: State,
    /// Current revision.
    pub revision: i64,
    /// YYYY-MM-DD.
    pub certification_date: String,
    /// YYYY-MM-DD.
    pub expiry_date: String,
    /// Product name.
    pub product_name: String,
    /// Version covered now.
    pub product_version: String,
    /// Manufacturer organisation id.
    pub manufacturer_org: String,
    /// Lab organisation id.
    pub lab_org: String,
    /// TOE type.
    pub toe_type: String,
    /// The current sealed document (pretty JSON): what to download and verify.
    pub document: String,
    /// Last change.
    pub updated_at: String,
}

impl CertificateRecord {
    /// The certificate's fields, read from the stored document (trusted: we signed it).
    pub fn certificate(&self) -> Result<Certificate> {
        let sealed = dtsec_seal::Sealed::from_json(&self.document)
            .map_err(|e| RegistryError::invalid(format!("stored certificate: {e}")))?;
        serde_json::from_value(sealed.payload)
            .map_err(|e| RegistryError::invalid(format!("stored certificate: {e}")))
    }

    /// The parsed status.
    pub fn state(&self) -> State {
        self.status
    }
}

/// One revision of a certificate: what changed it, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StatusChange {
    /// Revision number.
    pub revision: i64,
    /// Status after the change.
    pub status: String,
    /// The certifier's reason, when given.
    pub reason: Option<String>,
    /// When.
    pub at: String,
}

/// A filed impact analysis and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MaintenanceRecord {
    /// Its id.
    pub id: String,
    /// The certificate it concerns.
    pub certificate_id: String,
    /// The new version.
    pub new_version: String,
    /// Its build ids.
    pub build_ids: Vec<String>,
    /// The declared changes: `description [areas]`.
    pub changes: Vec<String>,
    /// `minor`, `vulnerability-fix` or `major` ([`ChangeClass`]).
    pub change_class: String,
    /// [`MaintenanceState`]: `filed` (minor, awaiting the certifier), `lab-review` (a
    /// vulnerability fix awaiting the lab's focused review), `fix-verified` (the review passed,
    /// awaiting the certifier), `fix-failed`, `extended`, or `re-evaluation` (major: a new case
    /// was opened, [`MaintenanceRecord::new_product_id`]).
    pub state: MaintenanceState,
    /// The vulnerabilities the changes fix (a vulnerability fix names at least one).
    pub fixed_vulnerabilities: Vec<String>,
    /// The SFRs the changes touch: what the lab regression-tests.
    pub touched_sfrs: Vec<String>,
    /// The lab that reviews a vulnerability fix (the one that evaluated the certificate).
    pub lab_org: Option<String>,
    /// The lab's review of a vulnerability fix, once submitted.
    pub fix_review: Option<FixReviewRecord>,
    /// The re-evaluation case, for a major change.
    pub new_product_id: Option<String>,
    /// When filed.
    pub filed_at: String,
    /// When decided.
    pub decided_at: Option<String>,
}

/// The lab's focused review of a vulnerability fix, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FixReviewRecord {
    /// AVA_VAN on the fix: `pass` or `fail`.
    pub ava_van: String,
    /// Regression of the touched SFRs: `pass` or `fail`.
    pub regression: String,
    /// What the lab did and found.
    pub summary: String,
    /// The evaluator who submitted it (user id).
    pub by: String,
    /// When.
    pub at: String,
}

impl MaintenanceRecord {
    /// The typed state; an unknown stored state is an error.
    pub fn maintenance_state(&self) -> Result<MaintenanceState> {
        Ok(self.state)
    }

    /// The typed class; an unknown stored class is an error.
    pub fn class(&self) -> Result<ChangeClass> {
        ChangeClass::parse(&self.change_class).ok_or_else(|| {
            RegistryError::invalid(format!("unknown change class `{}`", self.change_class))
        })
    }
}

/// A status change a certifier can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusRequest {
    /// Open a review of a valid certificate.
    OpenReview,
    /// Suspend it.
    Suspend,
    /// End a review or suspension.
    Reinstate,
    /// Revoke it (final).
    Revoke,
}

impl StatusRequest {
    /// Every request.
    pub const ALL: [StatusRequest; 4] = [
        StatusRequest::OpenReview,
        StatusRequest::Suspend,
        StatusRequest::Reinstate,
        StatusRequest::Revoke,
    ];

    /// The wire name (`open-review`, `suspend`, `reinstate`, `revoke`).
    pub fn as_str(self) -> &'static str {
        match self {
            StatusRequest::OpenReview => "open-review",
            StatusRequest::Suspend => "suspend",
            StatusRequest::Reinstate => "reinstate",
            StatusRequest::Revoke => "revoke",
        }
    }

    /// Reads a wire name.
    pub fn parse(s: &str) -> Option<StatusRequest> {
        StatusRequest::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The workflow event (reinstating returns to `maintained` when the certificate was
    /// extended before).
    pub fn event(self, maintained: bool) -> Event {
        match self {
            StatusRequest::OpenReview => Event::OpenReview,
            StatusRequest::Suspend => Event::Suspend,
            StatusRequest::Reinstate => Event::Reinstate { maintained },
            StatusRequest::Revoke => Event::Revoke,
        }
    }

    /// The requests the workflow allows from `status`, so a form offers only those (none after
    /// revocation: it is final).
    pub fn allowed_from(status: State) -> Vec<StatusRequest> {
        StatusRequest::ALL
            .into_iter()
            .filter(|r| next(status, r.event(false)).is_ok())
            .collect()
    }
}

pub(crate) const CERT_COLUMNS: &str = "certificate_id, product_id, status, revision, certification_date, \
    expiry_date, product_name, product_version, manufacturer_org, lab_org, toe_type, updated_at, \
    COALESCE((SELECT r.document FROM certificate_revisions r \
              WHERE r.certificate_id = certificates.certificate_id AND r.revision = certificates.revision), \
             certificates.document) AS document";

/// What `certificates.document` holds for a certificate written since the database-size work of
/// issue 16: nothing. The signed document of each revision is kept once, in
/// `certificate_revisions` (the current one is the row whose revision the certificate names;
/// [`CERT_COLUMNS`] reads it from there), where it used to be stored twice. Rows written before
/// keep their copy, which is read only when no revision row holds the document.
const CURRENT_DOCUMENT_IN_REVISIONS: &str = "";

pub(crate) fn cert_from_row(r: &AnyRow) -> Result<CertificateRecord> {
    let certificate_id = text(r, "certificate_id")?;
    Ok(CertificateRecord {
        status: State::from_stored(
            &text(r, "status")?,
            "certificate",
            &certificate_id,
            "status",
        )?,
        certificate_id,
        product_id: text(r, "product_id")?,
        revision: r.try_get::<i64, _>("revision")?,
        certification_date: text(r, "certification_date")?,
        expiry_date: text(r, "expiry_date")?,
        product_name: text(r, "product_name")?,
        product_version: text(r, "product_version")?,
        manufacturer_org: text(r, "manufacturer_org")?,
        lab_org: text(r, "lab_org")?,
        toe_type: text(r, "toe_type")?,
        document: text(r, "document")?,
        updated_at: text(r, "updated_at")?,
    })
}

fn opt_json_list(r: &AnyRow, col: &str) -> Result<Vec<String>> {
    match opt_text(r, col)? {
        None => Ok(Vec::new()),
        Some(_) => json_list(r, col),
    }
}

pub(crate) fn maintenance_from_row(r: &AnyRow) -> Result<MaintenanceRecord> {
    let fix_review = match opt_text(r, "fix_review")? {
        None => None,
        Some(t) => Some(serde_json::from_str(&t).map_err(|e| {
            RegistryError::invalid(format!("stored review of impact analysis: {e}"))
        })?),
    };
    let id = text(r, "id")?;
    let record = MaintenanceRecord {
        state: MaintenanceState::from_stored(&text(r, "state")?, &id)?,
        id,
        certificate_id: text(r, "certificate_id")?,
        new_version: text(r, "new_version")?,
        build_ids: json_list(r, "build_ids")?,
        changes: json_list(r, "changes")?,
        change_class: text(r, "change_class")?,
        new_product_id: opt_text(r, "new_product_id")?,
        filed_at: text(r, "filed_at")?,
        decided_at: opt_text(r, "decided_at")?,
        fixed_vulnerabilities: opt_json_list(r, "fixed_vulnerabilities")?,
        touched_sfrs: opt_json_list(r, "touched_sfrs")?,
        lab_org: opt_text(r, "lab_org")?,
        fix_review,
    };
    // An unknown stored class is an error here, not a surprise later (the state was typed above).
    record.class()?;
    Ok(record)
}

pub(crate) async fn load_cert(conn: &mut AnyConnection, id: &str) -> Result<CertificateRecord> {
    let sql = format!("SELECT {CERT_COLUMNS} FROM certificates WHERE certificate_id = $1");
    super::load_row(conn, &sql, id, &format!("certificate {id}"), cert_from_row).await
}

fn parse_claims(list: &[String]) -> Vec<Claim> {
    list.iter()
        .map(|c| {
            let (id, version) = c.split_once('@').unwrap_or((c.as_str(), ""));
            Claim {
                id: id.into(),
                version: version.into(),
            }
        })
        .collect()
}

/// `,id@version,` per package: the filter column (`LIKE '%,cdd-eb@%'`).
fn packages_column(p: &Product) -> String {
    let mut s = String::from(",");
    for c in &p.package_claims {
        s.push_str(c);
        s.push(',');
    }
    s
}

fn cert_audit_json(c: &CertificateRecord) -> Value {
    json!({
        "status": c.status,
        "revision": c.revision,
        "product_version": c.product_version,
        "expiry_date": c.expiry_date,
    })
}

/// How long a status read is answered from the memo before it is read again: the bound on how
/// late a decision committed by another process on the same database shows.
pub const STATUS_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(1);

impl Store {
    /// A certificate by id (public).
    pub async fn certificate(&self, id: &str) -> Result<CertificateRecord> {
        let mut conn = self.pool.acquire().await?;
        load_cert(&mut conn, id).await
    }

    /// The fast status lookup (public; the status endpoint and the benchmark):
    /// (status, revision, expiry date).
    ///
    /// Kept between calls, at most [`STATUS_FRESH_FOR`]: a decision this store commits makes
    /// every kept status unreachable at once (the count of its decisions is part of the key,
    /// raised after each commit and after each publication of decisions other processes
    /// committed), and a decision committed by another process on the same database (a second
    /// server, one being replaced) shows within that time. A store that does not publish the
    /// log reads every time.
    pub async fn certificate_status(&self, id: &str) -> Result<(String, i64, String)> {
        let key = self.publisher.is_some().then(|| {
            let seen = self
                .derived
                .decisions
                .load(std::sync::atomic::Ordering::Acquire);
            format!("{seen}:{id}")
        });
        if let Some((read_at, kept)) = key.as_deref().and_then(|k| self.derived.status.get(k))
            && read_at.elapsed() < STATUS_FRESH_FOR
        {
            return Ok(kept);
        }
        let read_at = std::time::Instant::now();
        let status = self.read_certificate_status(id).await?;
        if let Some(key) = &key {
            self.derived.status.replace(key, (read_at, status.clone()));
        }
        Ok(status)
    }

    async fn read_certificate_status(&self, id: &str) -> Result<(String, i64, String)> {
        let row = sqlx::query(
            "SELECT status, revision, expiry_date FROM certificates WHERE certificate_id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| RegistryError::not_found(format!("certificate {id}")))?;
        Ok((
            text(&row, "status")?,
            row.try_get::<i64, _>("revision")?,
            text(&row, "expiry_date")?,
        ))
    }

    /// Every revision of a certificate, oldest first, with its signed document.
    pub async fn certificate_revisions(&self, id: &str) -> Result<Vec<(StatusChange, String)>> {
        let rows = sqlx::query(
            "SELECT revision, status, reason, created_at, document FROM certificate_revisions \
             WHERE certificate_id = $1 ORDER BY revision",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    StatusChange {
                        revision: r.try_get::<i64, _>("revision")?,
                        status: text(r, "status")?,
                        reason: opt_text(r, "reason")?,
                        at: text(r, "created_at")?,
                    },
                    text(r, "document")?,
                ))
            })
            .collect()
    }

    /// The certifier issues the certificate for an accepted case: builds the document from the
    /// case (ST claims, lab, digests), signs it with the scheme key, stores revision 1, and logs
    /// the decision — in one transaction.
    pub async fn issue_certificate(
        &self,
        actor: &Actor,
        product_id: &str,
    ) -> Result<CertificateRecord> {
        // The assurance rule is judged again on what the case holds, before the write
        // transaction (see `judge_assurance`), once the actor may issue at all.
        let pre = self.product_row(product_id).await?;
        authorize(actor, Action::IssueCertificate, &pre.resource())?;
        next(pre.state(), Event::Issue)?;
        let judged = self
            .judge_assurance(product_id, "issue the certificate")
            .await?;
        let now = self.now();
        let today = self.clock().today();
        let mut tx = self.begin().await?;
        let before = load_product(&mut tx, product_id).await?;
        authorize(actor, Action::IssueCertificate, &before.resource())?;
        let to = next(before.state(), Event::Issue)?;
        // The scheme's rules on what the case holds (issue 10, F21 and F22).
        self.check_certification_rules(&mut tx, &before, &judged)
            .await?;
        let lab_org = before
            .lab_org
            .clone()
            .ok_or_else(|| RegistryError::invalid("the case has no lab"))?;
        let manufacturer = org_name(&mut tx, &before.manufacturer_org).await?;
        let lab_name = org_name(&mut tx, &lab_org).await?;
        let (y, _, _) = today.ymd();
        let prefix = format!("DTSEC-{y:04}-");
        // The year's counter, incremented in this transaction: its row lock makes a concurrent
        // issuer wait for this commit and then take the next number.
        sqlx::query(
            "INSERT INTO certificate_counters (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING",
        )
        .bind(y)
        .execute(&mut *tx)
        .await?;
        let number = sqlx::query(
            "UPDATE certificate_counters SET last = last + 1 WHERE year = $1 RETURNING last",
        )
        .bind(y)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("last")?;
        let certificate_id = format!("{prefix}{number:04}");
        let cert = Certificate {
            kind: CERTIFICATE_KIND.into(),
            certificate_id: certificate_id.clone(),
            revision: 1,
            scheme: self.config.scheme_name.clone(),
            product_name: before.name.clone(),
            product_version: before.version.clone(),
            build_ids: before.build_ids.clone(),
            manufacturer,
            toe_type: before.toe_type.clone(),
            pp_claim: parse_claims(&before.pp_claims),
            package_claims: parse_claims(&before.package_claims),
            st_reference: Claim {
                id: before.st_id.clone().unwrap_or_default(),
                version: before.st_version.clone().unwrap_or_default(),
            },
            lab: LabRef {
                name: lab_name,
                key_id: before.etr_key_id.clone().unwrap_or_default(),
            },
            certification_date: today.to_string(),
            expiry_date: today.add_years(self.config.validity_years).to_string(),
            status: State::Active.as_str().into(),
            status_reason: None,
            st_sha256: before.st_sha256.clone().unwrap_or_default(),
            etr_sha256: before.etr_sha256.clone().unwrap_or_default(),
            maintenance_history: Vec::new(),
            issued_at: now.clone(),
        };
        let document = seal(cert.to_value(), &self.key).to_json_pretty();
        sqlx::query(
            "INSERT INTO certificates (certificate_id, product_id, status, revision, certification_date, \
             expiry_date, product_name, product_version, manufacturer_org, lab_org, toe_type, packages, \
             document, updated_at) VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&certificate_id)
        .bind(product_id)
        .bind(&cert.status)
        .bind(&cert.certification_date)
        .bind(&cert.expiry_date)
        .bind(&cert.product_name)
        .bind(&cert.product_version)
        .bind(&before.manufacturer_org)
        .bind(&lab_org)
        .bind(&cert.toe_type)
        .bind(packages_column(&before))
        .bind(CURRENT_DOCUMENT_IN_REVISIONS)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        insert_revision(
            &mut tx,
            &certificate_id,
            1,
            &cert.status,
            None,
            &document,
            &now,
        )
        .await?;
        update_product(
            &mut tx,
            product_id,
            before.state(),
            to,
            &now,
            &[("certificate_id", Some(certificate_id.clone()))],
        )
        .await?;
        self.log_certificate_decision(&mut tx, "certificate-issued", &cert, &document, None, None)
            .await?;
        let record = load_cert(&mut tx, &certificate_id).await?;
        audit(
            &mut tx,
            &now,
            actor,
            "certificate.issue",
            "certificate",
            &certificate_id,
            None,
            Some(&cert_audit_json(&record)),
        )
        .await?;
        self.finish_step(tx, actor, "product.issue-certificate", &before, &now)
            .await?;
        Ok(record)
    }

    /// The certifier opens a review, suspends, reinstates or revokes. Every change of a
    /// certificate's public status states its reason (it is signed into the new revision and
    /// shown beside the status); revocation is final. Re-issues the signed document.
    pub async fn change_certificate_status(
        &self,
        actor: &Actor,
        certificate_id: &str,
        request: StatusRequest,
        reason: &str,
    ) -> Result<CertificateRecord> {
        if reason.trim().is_empty() {
            return Err(RegistryError::invalid(format!(
                "a status change ({}) states its reason: it is published with the new status",
                request.as_str()
            )));
        }
        validate::text("reason", reason, 10_000)?;
        let mut tx = self.begin().await?;
        let cur = load_cert(&mut tx, certificate_id).await?;
        authorize(
            actor,
            Action::ChangeCertificateStatus,
            &Resource::org(&cur.manufacturer_org),
        )?;
        let event = request.event(!cur.certificate()?.maintenance_history.is_empty());
        let record = self
            .reissue(&mut tx, actor, &cur, event, Some(reason.trim()), |_| {})
            .await?;
        self.commit_decision(tx).await?;
        Ok(record)
    }

    /// Archives every certificate whose validity period ended before `as_of` (valid through its
    /// expiry date; archived from the day after). Returns the archived ids.
    pub async fn archive_expired(&self, actor: &Actor, as_of: Date) -> Result<Vec<String>> {
        authorize(actor, Action::ArchiveExpired, &Resource::Global)?;
        let rows = sqlx::query(
            "SELECT certificate_id FROM certificates WHERE expiry_date < $1 \
             AND status IN ('active', 'maintained', 'under-review', 'suspended') ORDER BY certificate_id",
        )
        .bind(as_of.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut done = Vec::new();
        for r in rows {
            let id = text(&r, "certificate_id")?;
            let mut tx = self.begin().await?;
            let cur = load_cert(&mut tx, &id).await?;
            let reason = format!("validity period ended on {}", cur.expiry_date);
            self.reissue(&mut tx, actor, &cur, Event::Archive, Some(&reason), |_| {})
                .await?;
            self.commit_decision(tx).await?;
            done.push(id);
        }
        Ok(done)
    }

    /// Applies a certificate event inside `tx`: next status, re-signed revision, case state,
    /// audit and decision log.
    async fn reissue(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        cur: &CertificateRecord,
        event: Event,
        reason: Option<&str>,
        edit: impl FnOnce(&mut Certificate),
    ) -> Result<CertificateRecord> {
        self.reissue_on_basis(tx, actor, cur, event, reason, None, edit)
            .await
    }

    /// [`Store::reissue`], with the hash of the postmarket assessment the decision rests on
    /// (issue 13): it is written into the log entry, so the published decision names its basis.
    #[expect(
        clippy::too_many_arguments,
        reason = "the reissue's inputs plus its basis"
    )]
    pub(super) async fn reissue_on_basis(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        cur: &CertificateRecord,
        event: Event,
        reason: Option<&str>,
        basis: Option<&str>,
        edit: impl FnOnce(&mut Certificate),
    ) -> Result<CertificateRecord> {
        let from = cur.state();
        let to = next(from, event)?;
        let now = self.now();
        let mut cert = cur.certificate()?;
        cert.revision = u64::try_from(cur.revision + 1).unwrap_or(u64::MAX);
        cert.status = to.as_str().into();
        cert.status_reason = reason.map(str::to_string);
        cert.issued_at = now.clone();
        edit(&mut cert);
        let document = seal(cert.to_value(), &self.key).to_json_pretty();
        let revision = cur.revision + 1;
        let n = sqlx::query(
            "UPDATE certificates SET status = $1, revision = $2, product_version = $3, document = $4, \
             updated_at = $5 WHERE certificate_id = $6 AND revision = $7",
        )
        .bind(to.as_str())
        .bind(revision)
        .bind(&cert.product_version)
        .bind(CURRENT_DOCUMENT_IN_REVISIONS)
        .bind(&now)
        .bind(&cur.certificate_id)
        .bind(cur.revision)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        expect_one(n, "the certificate")?;
        insert_revision(
            tx,
            &cur.certificate_id,
            revision,
            to.as_str(),
            reason,
            &document,
            &now,
        )
        .await?;
        // The case mirrors the certificate's status.
        let product = load_product(tx, &cur.product_id).await?;
        update_product(tx, &cur.product_id, product.state(), to, &now, &[]).await?;
        let after = load_product(tx, &cur.product_id).await?;
        audit(
            tx,
            &now,
            actor,
            "product.certificate-status",
            "product",
            &cur.product_id,
            Some(&product.to_json()),
            Some(&after.to_json()),
        )
        .await?;
        let kind = format!("certificate-{}", event.name());
        self.log_certificate_decision(tx, &kind, &cert, &document, reason, basis)
            .await?;
        let record = load_cert(tx, &cur.certificate_id).await?;
        audit(
            tx,
            &now,
            actor,
            &format!("certificate.{}", event.name()),
            "certificate",
            &cur.certificate_id,
            Some(&cert_audit_json(cur)),
            Some(&cert_audit_json(&record)),
        )
        .await?;
        Ok(record)
    }

    async fn log_certificate_decision(
        &self,
        tx: &mut AnyConnection,
        kind: &str,
        cert: &Certificate,
        document: &str,
        reason: Option<&str>,
        basis: Option<&str>,
    ) -> Result<()> {
        let payload_sha = dtsec_seal::Sealed::from_json(document)
            .map(|s| s.payload_sha256())
            .unwrap_or_default();
        let mut entry = json!({
            "kind": kind,
            "certificate_id": cert.certificate_id,
            "revision": cert.revision,
            "status": cert.status,
            "reason": reason,
            "certificate_sha256": payload_sha,
            "at": cert.issued_at,
        });
        // Only postmarket decisions carry the field, so every other entry keeps its bytes.
        if let (Some(hash), Some(map)) = (basis, entry.as_object_mut()) {
            map.insert("assessment_sha256".into(), json!(hash));
        }
        self.log_decision(tx, &entry).await
    }

    /// The manufacturer files an impact analysis for a new version of a certified product. The
    /// registry classifies it ([`classify`]): a minor change waits for the certifier's
    /// [`Store::extend_certificate`]; a major one opens a new case (re-evaluation) at once.
    pub async fn file_impact_analysis(
        &self,
        actor: &Actor,
        certificate_id: &str,
        ia: &ImpactAnalysis,
    ) -> Result<MaintenanceRecord> {
        validate_ia(ia)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let cert = load_cert(&mut tx, certificate_id).await?;
        authorize(
            actor,
            Action::FileImpactAnalysis,
            &Resource::org(&cert.manufacturer_org),
        )?;
        if !matches!(cert.state(), State::Active | State::Maintained) {
            return Err(RegistryError::InvalidTransition {
                from: cert.status.to_string(),
                to: "impact-analysis".into(),
                why: "only an active or maintained certificate can be maintained".into(),
            });
        }
        let class = classify(&ia.changes);
        let changes: Vec<String> = ia
            .changes
            .iter()
            .map(|c| {
                let areas: Vec<&str> = c.areas.iter().map(|a| a.as_str()).collect();
                let fixes: Vec<&str> = c.fixes.iter().map(|f| f.trim()).collect();
                if fixes.is_empty() {
                    format!("{} [{}]", c.description.trim(), areas.join(", "))
                } else {
                    format!(
                        "{} [{}] fixes {}",
                        c.description.trim(),
                        areas.join(", "),
                        fixes.join(", ")
                    )
                }
            })
            .collect();
        let touched_sfrs: Vec<String> = ia
            .touched_sfrs
            .iter()
            .map(|s| s.trim().to_string())
            .collect();
        // The focused review of a fix is the evaluating lab's: it knows the TOE and its ETR.
        let review_lab = (class == ChangeClass::VulnerabilityFix).then(|| cert.lab_org.clone());
        let id = secrets::new_id();
        let new_product_id = if class == ChangeClass::Major {
            let old = load_product(&mut tx, &cert.product_id).await?;
            let p = self
                .insert_product(
                    &mut tx,
                    actor,
                    &NewProduct {
                        manufacturer_org: old.manufacturer_org.clone(),
                        name: old.name.clone(),
                        version: ia.new_version.trim().into(),
                        build_ids: ia.build_ids.clone(),
                        toe_type: old.toe_type.clone(),
                    },
                    Some(certificate_id),
                    "product.register-reevaluation",
                )
                .await?;
            Some(p.id)
        } else {
            None
        };
        let state = MaintenanceState::initial(class).as_str();
        sqlx::query(
            "INSERT INTO maintenance (id, certificate_id, new_version, build_ids, changes, change_class, \
             state, new_product_id, filed_at, fixed_vulnerabilities, touched_sfrs, lab_org) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(certificate_id)
        .bind(ia.new_version.trim())
        .bind(serde_json::to_string(&ia.build_ids).unwrap_or_else(|_| "[]".into()))
        .bind(serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into()))
        .bind(class.as_str())
        .bind(state)
        .bind(&new_product_id)
        .bind(&now)
        .bind(serde_json::to_string(&ia.fixed_vulnerabilities()).unwrap_or_else(|_| "[]".into()))
        .bind(serde_json::to_string(&touched_sfrs).unwrap_or_else(|_| "[]".into()))
        .bind(&review_lab)
        .execute(&mut *tx)
        .await?;
        let record = load_maintenance(&mut tx, &id).await?;
        audit(
            &mut tx,
            &now,
            actor,
            "maintenance.file",
            "maintenance",
            &id,
            None,
            Some(&serde_json::to_value(&record).unwrap_or(Value::Null)),
        )
        .await?;
        self.commit_decision(tx).await?;
        Ok(record)
    }

    /// The certifier extends a certificate to the new version of a filed minor change, or of a
    /// vulnerability fix the lab's focused review verified: a maintenance entry, status
    /// `maintained`, a new signed revision.
    pub async fn extend_certificate(
        &self,
        actor: &Actor,
        maintenance_id: &str,
    ) -> Result<CertificateRecord> {
        let now = self.now();
        let mut tx = self.begin().await?;
        let m = load_maintenance(&mut tx, maintenance_id).await?;
        let cur = load_cert(&mut tx, &m.certificate_id).await?;
        authorize(
            actor,
            Action::DecideMaintenance,
            &Resource::org(&cur.manufacturer_org),
        )?;
        let state = m.maintenance_state()?;
        if m.class()? == ChangeClass::Major {
            return Err(RegistryError::InvalidTransition {
                from: format!("{} change", m.change_class),
                to: "extend".into(),
                why: "a major change needs a re-evaluation, not an extension".into(),
            });
        }
        if !state.is_extendable() {
            let why = match state {
                MaintenanceState::LabReview => {
                    "the lab has not yet reviewed this vulnerability fix (AVA_VAN on the fix, regression of the touched SFRs)"
                }
                MaintenanceState::FixFailed => {
                    "the lab's review of this vulnerability fix failed; the manufacturer files a corrected fix, or the change is re-evaluated"
                }
                _ => "this impact analysis was decided already",
            };
            return Err(RegistryError::InvalidTransition {
                from: m.state.to_string(),
                to: "extend".into(),
                why: why.into(),
            });
        }
        let entry = MaintenanceEntry {
            version: m.new_version.clone(),
            build_ids: m.build_ids.clone(),
            date: self.clock().today().to_string(),
            change_class: m.change_class.clone(),
            changes: m.changes.clone(),
        };
        let record = self
            .reissue(&mut tx, actor, &cur, Event::Extend, None, |c| {
                c.product_version = entry.version.clone();
                c.build_ids = entry.build_ids.clone();
                c.maintenance_history.push(entry);
            })
            .await?;
        let n = sqlx::query(
            "UPDATE maintenance SET state = 'extended', decided_at = $1 WHERE id = $2 AND state = $3",
        )
        .bind(&now)
        .bind(maintenance_id)
        .bind(state.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        expect_one(n, "the impact analysis")?;
        audit(
            &mut tx,
            &now,
            actor,
            "maintenance.extend",
            "maintenance",
            maintenance_id,
            Some(&json!({"state": state.as_str()})),
            Some(&json!({"state": "extended"})),
        )
        .await?;
        self.commit_decision(tx).await?;
        Ok(record)
    }

    /// The maintenance records of a certificate, oldest first (public).
    pub async fn maintenance_of(&self, certificate_id: &str) -> Result<Vec<MaintenanceRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM maintenance WHERE certificate_id = $1 ORDER BY filed_at, id",
        )
        .bind(certificate_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(maintenance_from_row).collect()
    }

    /// Impact analyses waiting for the certifier: minor changes, and vulnerability fixes the
    /// lab's review verified.
    pub async fn pending_maintenance(&self, actor: &Actor) -> Result<Vec<MaintenanceRecord>> {
        authorize(actor, Action::DecideMaintenance, &Resource::Global)?;
        let rows = sqlx::query(
            "SELECT * FROM maintenance WHERE state IN ('filed', 'fix-verified') ORDER BY filed_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(maintenance_from_row).collect()
    }
}

pub(crate) async fn load_maintenance(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<MaintenanceRecord> {
    let sql = "SELECT * FROM maintenance WHERE id = $1";
    let what = format!("impact analysis {id}");
    super::load_row(conn, sql, id, &what, maintenance_from_row).await
}

async fn org_name(conn: &mut AnyConnection, id: &str) -> Result<String> {
    let sql = "SELECT name FROM organisations WHERE id = $1";
    let what = format!("organisation {id}");
    super::load_row(conn, sql, id, &what, |row| text(row, "name")).await
}

async fn insert_revision(
    conn: &mut AnyConnection,
    id: &str,
    revision: i64,
    status: &str,
    reason: Option<&str>,
    document: &str,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO certificate_revisions (certificate_id, revision, status, reason, document, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(revision)
    .bind(status)
    .bind(reason)
    .bind(document)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
