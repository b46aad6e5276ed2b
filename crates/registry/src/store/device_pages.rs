//! Anonymous device pages kept in the database (issue 16; migration 0025), so a device page read
//! at random costs one indexed read instead of about ten queries and its rendering.
//!
//! The registry does not render HTML: the server does, and hands the pages here. What this
//! module owns is whether a kept page is still *the* page. The database answers that itself:
//! triggers on every table a device page shows forget the certificate's page (its `version`
//! grows, its `day` empties) in the transaction that changes it, whoever writes. A page is kept
//! only under the version read before it was rendered ([`Store::device_pages_to_make`] →
//! [`Store::keep_device_pages`]), so a change that lands while it renders is never hidden.
//! A kept page is served only for the registry's day and the current epoch (a new advisory
//! snapshot, or a server start: [`Store::new_device_page_epoch`]).

use sqlx::Row;

use super::{Backend, Store, text};
use crate::error::Result;

/// A kept page: its bytes, compressed, and the entity tag of the page itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptPage {
    /// The strong entity tag of the page's HTML, quoted (`"…"`), as the server sends it.
    pub etag: String,
    /// The HTML, gzip-compressed (RFC 1952) by the server: a device page is about 20 KB of
    /// HTML and 5 KB compressed, and a browser takes the compressed bytes as they are.
    pub gzip: Vec<u8>,
}

/// A page to render, with the version its rendering must be kept under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageToMake {
    /// The certificate.
    pub certificate_id: String,
    /// The page's version when it was listed.
    pub version: i64,
}

/// What to render now: the pages that are missing or out of date, and the epoch and day they
/// are to be kept for (read before the list, so a change after it forgets them again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageWork {
    /// The epoch the pages are rendered for.
    pub epoch: i64,
    /// The registry's day the pages are rendered for (`YYYY-MM-DD`).
    pub day: String,
    /// The pages, at most the number asked for.
    pub pages: Vec<PageToMake>,
}

/// The most pages listed or kept in one call: one transaction of kept pages stays short, so the
/// writers it holds back on SQLite wait milliseconds.
pub const MAX_PAGES_PER_BATCH: u32 = 256;

impl Store {
    /// The kept anonymous page of certificate `certificate_id`, if one is kept for today and the
    /// current epoch and nothing it shows has changed since. One query.
    ///
    /// # Errors
    /// A database failure.
    pub async fn kept_device_page(&self, certificate_id: &str) -> Result<Option<KeptPage>> {
        let row = sqlx::query(
            "SELECT b.etag, b.gzip FROM device_pages p \
             JOIN device_page_bodies b ON b.certificate_id = p.certificate_id \
             WHERE p.certificate_id = $1 AND p.day = $2 \
             AND p.epoch = (SELECT epoch FROM device_page_epoch WHERE id = 1)",
        )
        .bind(certificate_id)
        .bind(self.clock().today().to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(KeptPage {
                etag: text(&r, "etag")?,
                gzip: r.try_get("gzip")?,
            })
        })
        .transpose()
    }

    /// Up to `limit` (at most [`MAX_PAGES_PER_BATCH`]) pages that are missing or out of date,
    /// found by the index on (epoch, day): a page of an older epoch, then one forgotten or made
    /// on another day.
    ///
    /// # Errors
    /// A database failure.
    pub async fn device_pages_to_make(&self, limit: u32) -> Result<PageWork> {
        let limit = i64::from(limit.clamp(1, MAX_PAGES_PER_BATCH));
        let epoch: i64 = sqlx::query("SELECT epoch FROM device_page_epoch WHERE id = 1")
            .fetch_one(&self.pool)
            .await?
            .try_get("epoch")?;
        let day = self.clock().today().to_string();
        let mut pages = Vec::new();
        // Each an index range: an `OR` of them might not be.
        for condition in [
            "epoch < $1",
            "epoch = $1 AND day < $2",
            "epoch = $1 AND day > $2",
        ] {
            let left = limit - pages.len() as i64;
            if left <= 0 {
                break;
            }
            let rows = sqlx::query(&format!(
                "SELECT certificate_id, version FROM device_pages WHERE {condition} LIMIT $3"
            ))
            .bind(epoch)
            .bind(&day)
            .bind(left)
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                pages.push(PageToMake {
                    certificate_id: text(r, "certificate_id")?,
                    version: r.try_get("version")?,
                });
            }
        }
        Ok(PageWork { epoch, day, pages })
    }

    /// Keeps the rendered `pages` of `work`, each only if its version is still the one listed
    /// (a page whose certificate changed while it was rendered is dropped, to be made again).
    /// A page given as `None` could not be rendered: nothing is kept for it (each view renders
    /// it, and says why), and it is not listed again until its certificate changes or a new day
    /// or epoch begins. One transaction. Returns how many pages were kept.
    ///
    /// # Errors
    /// A database failure (nothing is kept then).
    pub async fn keep_device_pages(
        &self,
        epoch: i64,
        day: &str,
        pages: &[(PageToMake, Option<KeptPage>)],
    ) -> Result<usize> {
        if pages.is_empty() {
            return Ok(0);
        }
        // On PostgreSQL rows are locked one by one, and a writer whose triggers forget many
        // pages in one transaction (an advisory sync, an organisation's new name) locks them in
        // its own order: a batch that waited for such a row could deadlock with it, and the
        // writer might be the one aborted. So the keeper skips a row a writer holds (the
        // writer is changing it: it will be listed again) and never waits. SQLite has one
        // writer at a time.
        let set_current = match self.backend() {
            Backend::Postgres => {
                "UPDATE device_pages SET epoch = $1, day = $2 \
                 WHERE certificate_id = (SELECT certificate_id FROM device_pages \
                 WHERE certificate_id = $3 AND version = $4 FOR UPDATE SKIP LOCKED)"
            }
            Backend::Sqlite => {
                "UPDATE device_pages SET epoch = $1, day = $2 \
                 WHERE certificate_id = $3 AND version = $4"
            }
        };
        let mut tx = self.begin().await?;
        let mut kept = 0;
        for (to_make, page) in pages.iter().take(MAX_PAGES_PER_BATCH as usize) {
            let done = sqlx::query(set_current)
                .bind(epoch)
                .bind(day)
                .bind(&to_make.certificate_id)
                .bind(to_make.version)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                continue;
            }
            let Some(page) = page else {
                sqlx::query("DELETE FROM device_page_bodies WHERE certificate_id = $1")
                    .bind(&to_make.certificate_id)
                    .execute(&mut *tx)
                    .await?;
                continue;
            };
            sqlx::query(
                "INSERT INTO device_page_bodies (certificate_id, etag, gzip) VALUES ($1, $2, $3) \
                 ON CONFLICT (certificate_id) DO UPDATE SET etag = excluded.etag, gzip = excluded.gzip",
            )
            .bind(&to_make.certificate_id)
            .bind(&page.etag)
            .bind(&page.gzip)
            .execute(&mut *tx)
            .await?;
            kept += 1;
        }
        tx.commit().await?;
        Ok(kept)
    }

    /// Starts a new epoch: every kept page is out of date. A server calls it when it starts,
    /// since a new release may render pages differently, and so may its settings.
    ///
    /// # Errors
    /// A database failure.
    pub async fn new_device_page_epoch(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE device_page_epoch SET epoch = epoch + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
