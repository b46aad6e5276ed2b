//! What the public site and the staff pages read: certified devices with search and filters, a
//! device's certificate with its history, the CSV export, and the audit trail.
//!
//! Why here: the HTTP layer should render, not assemble; each page is one call. Filters are
//! bound parameters (never spliced into SQL), and text search goes through each database's
//! full-text index (`search.rs`: SQLite FTS5, PostgreSQL `tsvector`), with the same results.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::certs::{CertificateRecord, MaintenanceRecord, StatusChange, cert_from_row};
use super::{Backend, Store, opt_text, search, text};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::certificate::Certificate;
use crate::error::{RegistryError, Result};

/// Filters for the certified-devices list; every field is optional and they combine with AND.
#[derive(Clone, Debug, Default)]
pub struct DeviceFilter {
    /// Words to find in the product name, manufacturer name or certificate id.
    pub text: Option<String>,
    /// TOE type (`TT.PUMP`).
    pub toe_type: Option<String>,
    /// Manufacturer organisation id.
    pub manufacturer: Option<String>,
    /// Package id (`cdd-eb`).
    pub package: Option<String>,
    /// Status (`active`, `maintained`, …).
    pub status: Option<String>,
    /// Lab organisation id.
    pub lab: Option<String>,
    /// Continue after this position (the `next` of the page before; see [`DevicePage`]).
    pub after: Option<String>,
    /// At most this many per page (default [`DEFAULT_PAGE`], at most [`MAX_PAGE`]).
    pub limit: Option<u32>,
}

/// Rows per page when the caller does not say.
pub const DEFAULT_PAGE: u32 = 100;
/// The largest page a caller may ask for.
pub const MAX_PAGE: u32 = 1000;

/// One page of the certified-devices list, newest certification first.
///
/// Why keyset pages (issue 16): an offset re-reads every earlier row, and a fixed cap hid
/// older certificates from the list, the CSV and the audit. `next` names the last row of
/// this page (its certification date and certificate id, the sort key); the next page starts
/// strictly after it, so a certificate issued while someone pages is neither repeated nor
/// skipped among those already sorted before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DevicePage {
    /// The rows of this page.
    pub devices: Vec<DeviceSummary>,
    /// The `after` of the next page; `None` on the last page.
    pub next: Option<String>,
}

/// A position in the list: `<certification date>~<certificate id>`.
fn encode_cursor(d: &DeviceSummary) -> String {
    format!("{}~{}", d.certification_date, d.certificate_id)
}

/// Reads a cursor; both halves are checked against the characters dates and ids are made of,
/// so a hand-edited one is refused with a clear message instead of matching nothing.
fn decode_cursor(s: &str) -> Result<(String, String)> {
    let bad = || {
        RegistryError::invalid(format!(
            "`after` must be the `next` value of an earlier page (date~certificate id), not {:?}",
            s.chars().take(80).collect::<String>()
        ))
    };
    let (date, id) = s.split_once('~').ok_or_else(bad)?;
    let date_ok = !date.is_empty()
        && date.len() <= 40
        && date
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'.' | b'+'));
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !(date_ok && id_ok) {
        return Err(bad());
    }
    Ok((date.to_string(), id.to_string()))
}

/// One row of the certified-devices list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DeviceSummary {
    /// Certificate id.
    pub certificate_id: String,
    /// Product name.
    pub product_name: String,
    /// Version covered.
    pub product_version: String,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Manufacturer organisation id.
    pub manufacturer_org: String,
    /// TOE type.
    pub toe_type: String,
    /// Package claims, `id@version`.
    pub packages: Vec<String>,
    /// Lab name.
    pub lab: String,
    /// Lab organisation id.
    pub lab_org: String,
    /// Status.
    pub status: String,
    /// Certification date.
    pub certification_date: String,
    /// Expiry date.
    pub expiry_date: String,
}

/// A device page: the certificate, its revisions and its maintenance.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DeviceDetail {
    /// The list row.
    pub summary: DeviceSummary,
    /// The current certificate's fields.
    pub certificate: Certificate,
    /// The current signed document (download).
    pub document: String,
    /// Every status change, oldest first.
    pub history: Vec<StatusChange>,
    /// Impact analyses, oldest first.
    pub maintenance: Vec<MaintenanceRecord>,
}

/// One audit record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AuditEntry {
    /// Order of writing.
    pub seq: i64,
    /// When.
    pub at: String,
    /// The user id (or role for the system).
    pub actor: String,
    /// The actor's role.
    pub actor_role: String,
    /// What was done (`product.submit-st`).
    pub action: String,
    /// The kind of record.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Before the change (JSON), if the record existed: the old value of each field that
    /// changed or was removed (records written before issue 16's compact trail: the whole
    /// record). A value over 256 bytes is `{"$sha256": …, "bytes": …}`.
    pub before: Option<String>,
    /// After the change (JSON), if the record still exists: the new value of each field that
    /// changed or was added; for a record created, the whole record.
    pub after: Option<String>,
}

const DEVICE_SELECT: &str = "SELECT c.certificate_id, c.product_name, c.product_version, \
    m.name AS manufacturer, c.manufacturer_org, c.toe_type, c.packages, l.name AS lab, c.lab_org, \
    c.status, c.certification_date, c.expiry_date FROM certificates c \
    JOIN organisations m ON m.id = c.manufacturer_org JOIN organisations l ON l.id = c.lab_org";

/// One certificate's [`DEVICE_SELECT`] columns and the certificate record's
/// ([`super::certs::CERT_COLUMNS`], the signed document of its current revision) in one row.
const DEVICE_DETAIL_SELECT: &str = "SELECT c.certificate_id, c.product_name, c.product_version, \
    m.name AS manufacturer, c.manufacturer_org, c.toe_type, c.packages, l.name AS lab, c.lab_org, \
    c.status, c.certification_date, c.expiry_date, c.product_id, c.revision, c.updated_at, \
    COALESCE((SELECT r.document FROM certificate_revisions r \
              WHERE r.certificate_id = c.certificate_id AND r.revision = c.revision), \
             c.document) AS document \
    FROM certificates c \
    JOIN organisations m ON m.id = c.manufacturer_org JOIN organisations l ON l.id = c.lab_org \
    WHERE c.certificate_id = $1";

fn device_from_row(r: &AnyRow) -> Result<DeviceSummary> {
    Ok(DeviceSummary {
        certificate_id: text(r, "certificate_id")?,
        product_name: text(r, "product_name")?,
        product_version: text(r, "product_version")?,
        manufacturer: text(r, "manufacturer")?,
        manufacturer_org: text(r, "manufacturer_org")?,
        toe_type: text(r, "toe_type")?,
        packages: text(r, "packages")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        lab: text(r, "lab")?,
        lab_org: text(r, "lab_org")?,
        status: text(r, "status")?,
        certification_date: text(r, "certification_date")?,
        expiry_date: text(r, "expiry_date")?,
    })
}

/// `s` with LIKE's wildcards escaped (escape character `\`).
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Store {
    /// One page of the certified devices matching `filter`, newest certification first
    /// (public).
    ///
    /// # Errors
    /// `Invalid` for a search text over 200 characters or an `after` that is not a cursor.
    pub async fn device_page(&self, filter: &DeviceFilter) -> Result<DevicePage> {
        let mut sql = format!("{DEVICE_SELECT} WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let mut param = |sql: &mut String, clause: &str, value: String| {
            binds.push(value);
            sql.push_str(&clause.replace("$?", &format!("${}", binds.len())));
        };
        if let Some(t) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if t.chars().count() > 200 {
                return Err(RegistryError::invalid(
                    "search text is longer than 200 characters",
                ));
            }
            // The device type by its name too ("pump" finds every insulin pump): the matching
            // type ids become literals of a fixed alphabet, never the user's text.
            let lower = t.to_lowercase();
            let types: Vec<String> = self
                .toe_types()
                .iter()
                .filter(|(id, name)| {
                    name.to_lowercase().contains(&lower)
                        && id.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-'
                        })
                })
                .map(|(id, _)| format!("'{id}'"))
                .collect();
            let by_type = if types.is_empty() {
                String::new()
            } else {
                format!(" OR c.toe_type IN ({})", types.join(", "))
            };
            // The words, through the full-text index (`search.rs`); a text without a word
            // (only punctuation) matches no certificate by its words.
            let words = search::terms(t);
            let fts = match self.backend {
                _ if words.is_empty() => None,
                Backend::Sqlite => search::sqlite_query(&self.pool, &words).await?,
                Backend::Postgres => Some(search::query(self.backend, &words)),
            };
            match fts {
                None => sql.push_str(&format!(" AND (1 = 0{by_type})")),
                Some(fts) => {
                    let cond = search::condition(self.backend, "$?");
                    param(&mut sql, &format!(" AND ({cond}{by_type})"), fts);
                }
            }
        }
        if let Some(v) = &filter.toe_type {
            param(&mut sql, " AND c.toe_type = $?", v.clone());
        }
        if let Some(v) = &filter.manufacturer {
            param(&mut sql, " AND c.manufacturer_org = $?", v.clone());
        }
        if let Some(v) = &filter.package {
            param(
                &mut sql,
                " AND c.packages LIKE $? ESCAPE '\\'",
                format!("%,{}@%", like_escape(v)),
            );
        }
        if let Some(v) = &filter.status {
            param(&mut sql, " AND c.status = $?", v.clone());
        }
        if let Some(v) = &filter.lab {
            param(&mut sql, " AND c.lab_org = $?", v.clone());
        }
        if let Some(after) = &filter.after {
            let (date, id) = decode_cursor(after)?;
            binds.push(date);
            let d = binds.len();
            binds.push(id);
            let i = binds.len();
            sql.push_str(&format!(
                " AND (c.certification_date < ${d} OR (c.certification_date = ${d} AND c.certificate_id > ${i}))"
            ));
        }
        let limit = filter.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        // One row more than the page, to know whether there is a next page.
        sql.push_str(&format!(
            " ORDER BY c.certification_date DESC, c.certificate_id LIMIT {}",
            limit + 1
        ));
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut devices = rows
            .iter()
            .map(device_from_row)
            .collect::<Result<Vec<_>>>()?;
        let next = if devices.len() > limit as usize {
            devices.truncate(limit as usize);
            devices.last().map(encode_cursor)
        } else {
            None
        };
        Ok(DevicePage { devices, next })
    }

    /// Every certified device matching `filter` (its `after` and `limit` ignored), read page
    /// by page with [`Store::device_page`]: for the CSV export and for callers that need the
    /// whole list. Nothing is capped.
    ///
    /// # Errors
    /// As [`Store::device_page`].
    pub async fn search_devices(&self, filter: &DeviceFilter) -> Result<Vec<DeviceSummary>> {
        let mut filter = DeviceFilter {
            after: None,
            limit: Some(MAX_PAGE),
            ..filter.clone()
        };
        let mut out = Vec::new();
        loop {
            let page = self.device_page(&filter).await?;
            out.extend(page.devices);
            match page.next {
                Some(next) => filter.after = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// A device page by certificate id (public).
    pub async fn device(&self, certificate_id: &str) -> Result<DeviceDetail> {
        // The list's columns and the certificate record's in one row: every query to SQLite is
        // a round trip to its connection's thread, and a device page is read at random, so
        // nothing kept spares them (issue 16).
        let row = sqlx::query(DEVICE_DETAIL_SELECT)
            .bind(certificate_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| RegistryError::not_found(format!("certificate {certificate_id}")))?;
        let summary = device_from_row(&row)?;
        let record: CertificateRecord = cert_from_row(&row)?;
        let history = self
            .certificate_revisions(certificate_id)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        Ok(DeviceDetail {
            summary,
            certificate: record.certificate()?,
            document: record.document,
            history,
            maintenance: self.maintenance_of(certificate_id).await?,
        })
    }

    /// The audit trail of one record (scheme administrator and certifier), oldest first.
    pub async fn audit_trail(
        &self,
        actor: &Actor,
        entity: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>> {
        authorize(actor, Action::ViewAudit, &Resource::Global)?;
        self.audit_rows(Some((entity, entity_id)), None).await
    }

    /// Who the audit trail's actors are, for reading it: user id → "Name <e-mail>" (scheme
    /// administrator and certifier, as the trail itself). The trail keeps ids, which never
    /// change; the names are looked up when shown. Bounded by the number of accounts.
    pub async fn audit_actor_names(
        &self,
        actor: &Actor,
    ) -> Result<std::collections::HashMap<String, String>> {
        authorize(actor, Action::ViewAudit, &Resource::Global)?;
        let rows = sqlx::query("SELECT id, name, email FROM users")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    text(r, "id")?,
                    format!("{} <{}>", text(r, "name")?, text(r, "email")?),
                ))
            })
            .collect()
    }

    /// The latest `limit` audit records (scheme administrator and certifier), newest first.
    pub async fn recent_audit(&self, actor: &Actor, limit: u32) -> Result<Vec<AuditEntry>> {
        authorize(actor, Action::ViewAudit, &Resource::Global)?;
        self.audit_rows(None, Some(limit.min(10_000))).await
    }

    /// A case's history (audit records of the case), for whoever may see the case.
    pub async fn product_history(
        &self,
        actor: &Actor,
        product_id: &str,
    ) -> Result<Vec<AuditEntry>> {
        self.product(actor, product_id).await?;
        self.audit_rows(Some(("product", product_id)), None).await
    }

    async fn audit_rows(
        &self,
        of: Option<(&str, &str)>,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEntry>> {
        let cols = "seq, at, actor, actor_role, action, entity, entity_id, before_json, after_json";
        let rows = match (of, limit) {
            (Some((e, id)), _) => {
                sqlx::query(&format!(
                    "SELECT {cols} FROM audit WHERE entity = $1 AND entity_id = $2 ORDER BY seq"
                ))
                .bind(e)
                .bind(id)
                .fetch_all(&self.pool)
                .await?
            }
            (None, l) => {
                sqlx::query(&format!(
                    "SELECT {cols} FROM audit ORDER BY seq DESC LIMIT {}",
                    l.unwrap_or(100)
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(audit_entry).collect()
    }

    /// Up to `limit` audit records after `after` (a `seq`), oldest first: the whole trail in
    /// pages, for recomputing its hash chain (scheme administrator and certifier).
    pub async fn audit_after(
        &self,
        actor: &Actor,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        authorize(actor, Action::ViewAudit, &Resource::Global)?;
        let rows = sqlx::query(
            "SELECT seq, at, actor, actor_role, action, entity, entity_id, before_json, after_json \
             FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit.clamp(1, 10_000)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_entry).collect()
    }

    /// The decision log's entries (canonical JSON), in order, for the transparency log (issue 6)
    /// and for tests.
    pub async fn decision_entries(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT entry FROM decision_log ORDER BY seq")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| text(r, "entry")).collect()
    }
}

/// The CSV columns, in the shape of the CC portal's certified products list.
pub const CSV_COLUMNS: [&str; 11] = [
    "Category",
    "Name",
    "Manufacturer",
    "Scheme",
    "Certification Date",
    "Archive Date",
    "Protection Profile(s)",
    "Assurance Level / Packages",
    "Lab",
    "Certificate ID",
    "Status",
];

/// The certified-devices list as CSV (RFC 4180: CRLF, fields quoted when needed). Category is
/// the TOE type's name; Archive Date the expiry date; the PP column the claimed PPs.
pub fn csv_export(devices: &[(DeviceSummary, Certificate)], types: &[(String, String)]) -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_COLUMNS.iter().map(|s| (*s).to_string()));
    for (d, c) in devices {
        let category = types
            .iter()
            .find(|(id, _)| id == &d.toe_type)
            .map_or_else(|| d.toe_type.clone(), |(_, name)| name.clone());
        let pps: Vec<String> = c
            .pp_claim
            .iter()
            .map(|p| format!("{} {}", p.id, p.version))
            .collect();
        let packages: Vec<String> = if c.package_claims.is_empty() {
            vec!["base".into()]
        } else {
            c.package_claims
                .iter()
                .map(|p| format!("{} {}", p.id, p.version))
                .collect()
        };
        push_row(
            &mut out,
            [
                category,
                format!("{} {}", d.product_name, d.product_version),
                d.manufacturer.clone(),
                c.scheme.clone(),
                d.certification_date.clone(),
                d.expiry_date.clone(),
                pps.join("; "),
                packages.join("; "),
                d.lab.clone(),
                d.certificate_id.clone(),
                d.status.clone(),
            ]
            .into_iter(),
        );
    }
    out
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    let mut first = true;
    for f in fields {
        if !first {
            out.push(',');
        }
        first = false;
        // A leading formula character is neutralised, so a spreadsheet never evaluates a name.
        let f = if f.starts_with(['=', '+', '-', '@']) {
            format!("'{f}")
        } else {
            f
        };
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
}

impl Store {
    /// The CSV export of the devices matching `filter` (public).
    pub async fn devices_csv(&self, filter: &DeviceFilter) -> Result<String> {
        // Page by page, each page's signed certificates read in one query: one query per row
        // made the export of 27,000 devices take 4.3 s (issue 16).
        let mut filter = DeviceFilter {
            after: None,
            limit: Some(MAX_PAGE),
            ..filter.clone()
        };
        let mut rows = Vec::new();
        loop {
            let page = self.device_page(&filter).await?;
            let mut certs = self
                .certificates_by_id(page.devices.iter().map(|d| d.certificate_id.as_str()))
                .await?;
            for d in page.devices {
                let c = certs
                    .remove(&d.certificate_id)
                    .ok_or_else(|| {
                        RegistryError::not_found(format!("certificate {}", d.certificate_id))
                    })?
                    .certificate()?;
                rows.push((d, c));
            }
            match page.next {
                Some(next) => filter.after = Some(next),
                None => return Ok(csv_export(&rows, self.toe_types())),
            }
        }
    }

    /// The certificate records of `ids` (at most [`MAX_PAGE`]), in one query, by id.
    async fn certificates_by_id<'a>(
        &self,
        ids: impl ExactSizeIterator<Item = &'a str>,
    ) -> Result<std::collections::HashMap<String, CertificateRecord>> {
        if ids.len() == 0 {
            return Ok(std::collections::HashMap::new());
        }
        if ids.len() > MAX_PAGE as usize {
            return Err(RegistryError::invalid(format!(
                "at most {MAX_PAGE} certificates are read at once, not {}",
                ids.len()
            )));
        }
        let ids: Vec<&str> = ids.collect();
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {} FROM certificates WHERE certificate_id IN ({})",
            super::certs::CERT_COLUMNS,
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| cert_from_row(r).map(|c| (c.certificate_id.clone(), c)))
            .collect()
    }
}

/// An audit row as read from the table.
pub(crate) fn audit_entry(r: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get::<i64, _>("seq")?,
        at: text(r, "at")?,
        actor: text(r, "actor")?,
        actor_role: text(r, "actor_role")?,
        action: text(r, "action")?,
        entity: text(r, "entity")?,
        entity_id: text(r, "entity_id")?,
        before: opt_text(r, "before_json")?,
        after: opt_text(r, "after_json")?,
    })
}
