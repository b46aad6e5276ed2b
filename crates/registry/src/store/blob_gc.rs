//! The blob store's garbage collection (issue 16): removes blobs no row names.
//!
//! Why: blobs are put **before** the transaction that records their digest (so a row never
//! names a missing blob), which leaves an orphan whenever that transaction rolls back — a
//! refused ETR, a crash, a lost race. Nothing else ever removes a blob, so orphans only grow.
//!
//! Safe against a concurrent upload by a grace period: the collection reads every digest the
//! rows name, then removes a listed blob only when no row names it **and** it was last stored
//! before `start - grace` ([`BlobStore::remove_unless_newer`]). An upload puts (or renews) its
//! blob, then commits its row within moments; if the row was committed after the digests were
//! read, the blob was put less than `grace` before that and so after the cutoff, and it stays.
//! The grace must exceed the longest upload transaction (the default, an hour, does by far).
//!
//! One registry per blob store: a store shared by several registries (the contract allows it)
//! must not be collected from one of them, since the others' rows are not read.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use sqlx::Row as _;

use super::Store;
use crate::blob::{BlobError, BlobInfo};
use crate::error::{RegistryError, Result};

/// Every column that names a blob: (table, its primary key's text columns, the digest column).
/// A new kind of document kept in the blob store must be added here, or the collection would
/// remove it; a test (`blob_gc`) stores one of every kind and collects.
pub(crate) const BLOB_REFERENCES: &[(&str, &[&str], &str)] = &[
    ("products", &["id"], "st_blob_sha256"),
    ("products", &["id"], "etr_blob_sha256"),
    ("pm_sboms", &["certificate_id", "sha256"], "blob_sha256"),
    ("etr_summaries", &["etr_sha256"], "facts_sha256"),
];

/// The default grace period.
pub const DEFAULT_GC_GRACE: Duration = Duration::from_secs(3600);

/// The most digests the collection holds in memory (32 bytes each): far above a million
/// certificates' documents; a larger registry is refused rather than read unbounded.
const MAX_REFERENCED: usize = 50_000_000;

/// Rows read per query, and blobs listed per page.
const PAGE: usize = 5000;

/// What a collection found and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Blobs in the store.
    pub blobs: u64,
    /// Their bytes.
    pub blob_bytes: u64,
    /// Distinct digests the rows name.
    pub referenced: u64,
    /// Unreferenced blobs kept because they were stored within the grace period.
    pub recent: u64,
    /// Unreferenced blobs removed (or, in a dry run, that would be), with their sizes.
    pub removed: Vec<(String, u64)>,
    /// Bytes of those.
    pub removed_bytes: u64,
    /// Whether this was a dry run (nothing removed).
    pub dry_run: bool,
}

impl Store {
    /// Removes the blobs no row names and that were last stored more than `grace` ago; with
    /// `dry_run`, only lists them. For the operator with the data directory (`dtsec blob-gc`),
    /// like `bootstrap_admin`: not reachable over HTTP.
    pub async fn collect_blob_garbage(&self, grace: Duration, dry_run: bool) -> Result<GcReport> {
        let cutoff = SystemTime::now()
            .checked_sub(grace)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let referenced = self.referenced_blobs().await?;
        let mut report = GcReport {
            referenced: referenced.len() as u64,
            dry_run,
            ..GcReport::default()
        };
        let mut after: Option<String> = None;
        loop {
            let page = self.blobs.list(after.as_deref(), PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.digest.clone());
            for BlobInfo {
                digest,
                size,
                modified,
            } in page
            {
                report.blobs += 1;
                report.blob_bytes += size;
                if referenced.contains(&digest_bytes(&digest)?) {
                    continue;
                }
                if modified >= cutoff {
                    report.recent += 1;
                    continue;
                }
                if dry_run || self.blobs.remove_unless_newer(&digest, cutoff).await? {
                    report.removed_bytes += size;
                    report.removed.push((digest, size));
                } else {
                    report.recent += 1;
                }
            }
        }
        Ok(report)
    }

    /// Every digest a row names, read in primary-key pages.
    async fn referenced_blobs(&self) -> Result<HashSet<[u8; 32]>> {
        let mut set = HashSet::new();
        for (table, key, column) in BLOB_REFERENCES {
            // Keyset pages by the primary key: `(k1, k2) > ($1, $2) ORDER BY k1, k2`.
            let cols = key.join(", ");
            let params = (1..=key.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT {cols}, {column} AS d FROM {table} WHERE ({cols}) > ({params}) \
                 ORDER BY {cols} LIMIT {PAGE}"
            );
            let mut after = vec![String::new(); key.len()];
            loop {
                let mut q = sqlx::query(&sql);
                for a in &after {
                    q = q.bind(a.clone());
                }
                let rows = q.fetch_all(&self.pool).await?;
                let Some(last) = rows.last() else { break };
                after = key
                    .iter()
                    .map(|k| last.try_get::<String, _>(*k))
                    .collect::<std::result::Result<_, _>>()?;
                for r in &rows {
                    if let Some(d) = r.try_get::<Option<String>, _>("d")? {
                        set.insert(digest_bytes(&d)?);
                    }
                }
                if set.len() > MAX_REFERENCED {
                    return Err(RegistryError::invalid(format!(
                        "the rows name more than {MAX_REFERENCED} blobs, more than the garbage collection holds"
                    )));
                }
            }
        }
        Ok(set)
    }
}

/// A digest as 32 bytes (a set of a million costs 32 MB, not the 100 MB of hex strings).
fn digest_bytes(hex: &str) -> Result<[u8; 32]> {
    let bad = || RegistryError::Blob(BlobError::BadDigest(hex.chars().take(80).collect()));
    if hex.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or_else(bad)?, 16)
            .map_err(|_| bad())?;
    }
    Ok(out)
}
