//! What the Atom feeds carry (issue 13, publishing): certificate decisions (every signed
//! revision: issued, reviewed, suspended, reinstated, revoked, extended) and published
//! vulnerability notices, newest first, for one certificate or for the whole register.
//!
//! Why one list of both: a hospital following a device wants one feed that says "something
//! changed about this certificate", whether the certification body re-issued it or published a
//! notice. Both are public and both are in the transparency log; the feed only points to them.

use serde::Serialize;
use sqlx::Row;

use super::{Store, text};
use crate::error::Result;

/// The most entries a feed holds.
pub const MAX_FEED_ENTRIES: usize = 200;

/// What a feed entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedKind {
    /// A certificate revision: a certification decision.
    Decision,
    /// A published vulnerability notice.
    Notice,
}

/// One feed entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FeedEntry {
    /// What it is.
    pub kind: FeedKind,
    /// The certificate.
    pub certificate_id: String,
    /// The product and version.
    pub product: String,
    /// A stable key within the certificate (`revision-3`, `DTSEC-VN-2026-0001`).
    pub key: String,
    /// One line.
    pub title: String,
    /// A sentence or two.
    pub summary: String,
    /// The registry path it links to.
    pub path: String,
    /// When (RFC 3339).
    pub at: String,
}

fn decision_words(status: &str) -> &'static str {
    match status {
        "active" => "certified (active)",
        "maintained" => "maintained (an assurance maintenance was accepted)",
        "under-review" => "under review by the certification body",
        "suspended" => "suspended",
        "revoked" => "revoked",
        "archived" => "archived (validity ended)",
        _ => "changed",
    }
}

impl Store {
    /// The newest `limit` (at most [`MAX_FEED_ENTRIES`]) decisions and notices, of one
    /// certificate or of all, newest first. An unknown certificate is
    /// [`crate::RegistryError::NotFound`].
    pub async fn feed(&self, certificate_id: Option<&str>, limit: usize) -> Result<Vec<FeedEntry>> {
        let limit = limit.min(MAX_FEED_ENTRIES);
        let mut conn = self.pool.acquire().await?;
        let n = i64::try_from(limit).unwrap_or(0);
        const SQL: &str = "SELECT r.certificate_id, r.revision, r.status, r.reason, r.created_at, \
             c.product_name, c.product_version FROM certificate_revisions r \
             JOIN certificates c ON c.certificate_id = r.certificate_id";
        let rows = match certificate_id {
            Some(id) => {
                super::certs::load_cert(&mut conn, id).await?;
                sqlx::query(&format!(
                    "{SQL} WHERE r.certificate_id = $1 ORDER BY r.created_at DESC, r.revision DESC LIMIT $2"
                ))
                .bind(id)
                .bind(n)
                .fetch_all(&mut *conn)
                .await?
            }
            None => sqlx::query(&format!(
                "{SQL} ORDER BY r.created_at DESC, r.certificate_id DESC, r.revision DESC LIMIT $1"
            ))
            .bind(n)
            .fetch_all(&mut *conn)
            .await?,
        };
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id = text(r, "certificate_id")?;
            let revision: i64 = r.try_get("revision")?;
            let status = text(r, "status")?;
            let reason: Option<String> = r.try_get("reason")?;
            let product = format!(
                "{} {}",
                text(r, "product_name")?,
                text(r, "product_version")?
            );
            out.push(FeedEntry {
                kind: FeedKind::Decision,
                title: format!("{product}: certificate {id} {}", decision_words(&status)),
                summary: format!(
                    "Certificate {id}, revision {revision}: {status}{}",
                    reason
                        .filter(|r| !r.trim().is_empty())
                        .map(|r| format!(". Reason: {r}"))
                        .unwrap_or_default()
                ),
                path: format!("/devices/{id}"),
                key: format!("revision-{revision}"),
                certificate_id: id,
                product,
                at: text(r, "created_at")?,
            });
        }
        let notices = super::notices::list_for_feed(&mut conn, certificate_id, limit).await?;
        for f in notices {
            let n = f.summary;
            let product = match out.iter().find(|e| e.certificate_id == n.certificate_id) {
                Some(e) => e.product.clone(),
                None => {
                    let c = super::certs::load_cert(&mut conn, &n.certificate_id).await?;
                    format!("{} {}", c.product_name, c.product_version)
                }
            };
            // A revised notice keeps its entry (same key, so the same Atom id) and says which
            // revision it now is, dated by that revision: readers see it as updated.
            let (title, verb) = if f.revision > 1 {
                (
                    format!(
                        "{product}: vulnerability notice {} ({}), revision {}",
                        n.notice_id, n.vuln, f.revision
                    ),
                    format!("revised notice {} (revision {})", n.notice_id, f.revision),
                )
            } else {
                (
                    format!(
                        "{product}: vulnerability notice {} ({})",
                        n.notice_id, n.vuln
                    ),
                    format!("published notice {}", n.notice_id),
                )
            };
            out.push(FeedEntry {
                kind: FeedKind::Notice,
                title,
                summary: format!(
                    "The certification body {verb} about {} of certificate {}: the manufacturer's assessment is {}.",
                    n.vuln,
                    n.certificate_id,
                    n.state.replace('_', " ")
                ),
                key: n.notice_id,
                certificate_id: n.certificate_id,
                product,
                path: n.path,
                at: f.revised_at,
            });
        }
        out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.key.cmp(&a.key)));
        out.truncate(limit);
        Ok(out)
    }
}
