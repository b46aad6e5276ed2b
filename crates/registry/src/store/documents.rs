//! The case's documents (the submitted ST, the sealed ETR bundle) in the blob store, and the
//! one-time move of documents that older versions kept in the rows (issue 16, migration 0017).
//!
//! Why here and not in each reader: every reader of a document goes through
//! [`Store::held_document`], so a missing or corrupt blob is always the same error (naming the
//! digest the row holds), and a row not yet moved is still readable.
//!
//! Writes put the blob **before** the transaction that records its digest: a blob is immutable
//! and idempotent, so a rolled-back transaction leaves at most an unreferenced blob, never a
//! row naming a blob that is not there.

use std::path::PathBuf;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::{Backend, Store, StoreConfig, opt_text};
use crate::blob::{BlobError, BlobStore, MAX_BLOB_BYTES};
use crate::error::{RegistryError, Result};

/// Rows moved per transaction by [`move_inline_documents`]: bounds the memory held (a bundle is
/// at most 64 MiB, typically 340 KB) and the time the SQLite write lock is held.
const MOVE_BATCH: i64 = 20;

/// One kind of document a case holds: its legacy in-row column and its blob columns.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DocumentColumns {
    /// The column older versions stored the text in (now NULL once moved).
    pub inline: &'static str,
    /// The blob's digest.
    pub digest: &'static str,
    /// The blob's size in bytes.
    pub size: &'static str,
}

/// The submitted Security Target.
pub(crate) const ST: DocumentColumns = DocumentColumns {
    inline: "st_yaml",
    digest: "st_blob_sha256",
    size: "st_blob_size",
};

/// The sealed ETR bundle.
pub(crate) const ETR: DocumentColumns = DocumentColumns {
    inline: "etr_bundle",
    digest: "etr_blob_sha256",
    size: "etr_blob_size",
};

impl DocumentColumns {
    /// The columns to select for [`Store::held_document`], with `prefix` (`p.` in joins).
    pub(crate) fn select(&self, prefix: &str) -> String {
        format!(
            "{prefix}{}, {prefix}{}, {prefix}{}",
            self.inline, self.digest, self.size
        )
    }
}

/// Where the blobs of a store opened with `config` live: the configured directory, or beside
/// the SQLite file (`registry.sqlite3.blobs/`), or `DATA_DIR/blobs/` for PostgreSQL and
/// in-memory SQLite.
pub(crate) fn blob_dir(config: &StoreConfig, backend: Backend) -> PathBuf {
    if let Some(dir) = &config.blob_dir {
        return dir.clone();
    }
    let file = match &config.database_url {
        // The default file is named from the path, not from its URL (which percent-encodes).
        None => Some(config.data_dir.join(super::SQLITE_FILE)),
        Some(url) if backend == Backend::Sqlite => sqlite_file(url),
        Some(_) => None,
    };
    match file {
        Some(file) => {
            let mut name = file.into_os_string();
            name.push(".blobs");
            PathBuf::from(name)
        }
        None => config.data_dir.join(super::BLOB_DIR),
    }
}

/// The database file a `sqlite://PATH?…` URL names, if it names one.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

impl Store {
    /// The blob store holding the cases' documents.
    pub fn blobs(&self) -> &std::sync::Arc<dyn BlobStore> {
        &self.blobs
    }

    /// Puts a document into the blob store; its (digest, size) for the row.
    pub(crate) async fn put_document(&self, text: &str) -> Result<(String, i64)> {
        let digest = self.blobs.put(text.as_bytes()).await?;
        Ok((digest, i64::try_from(text.len()).unwrap_or(i64::MAX)))
    }

    /// The document of kind `cols` that `row` refers to (selected with
    /// [`DocumentColumns::select`]): `None` when the case holds none; an error naming the digest
    /// when the row names a blob that is missing, corrupt or not the recorded size.
    pub(crate) async fn held_document(
        &self,
        row: &AnyRow,
        cols: DocumentColumns,
    ) -> Result<Option<String>> {
        held_document(self.blobs.as_ref(), row, cols).await
    }
}

/// [`Store::held_document`] for callers holding only the blob store.
pub(crate) async fn held_document(
    blobs: &dyn BlobStore,
    row: &AnyRow,
    cols: DocumentColumns,
) -> Result<Option<String>> {
    let Some(digest) = opt_text(row, cols.digest)? else {
        // Not moved yet (written by an older version after this one opened the database).
        return opt_text(row, cols.inline);
    };
    let size: Option<i64> = row.try_get(cols.size)?;
    let limit = size
        .and_then(|s| u64::try_from(s).ok())
        .unwrap_or(MAX_BLOB_BYTES)
        .min(MAX_BLOB_BYTES);
    let bytes = blobs.get(&digest, limit).await?;
    if size.is_some_and(|s| u64::try_from(s).ok() != Some(bytes.len() as u64)) {
        return Err(RegistryError::Blob(BlobError::Corrupt {
            actual: format!("{} bytes where the row records {size:?}", bytes.len()),
            digest,
            store: blobs.location(),
        }));
    }
    String::from_utf8(bytes).map(Some).map_err(|_| {
        RegistryError::Blob(BlobError::Corrupt {
            actual: "text that is not UTF-8".into(),
            digest,
            store: blobs.location(),
        })
    })
}

/// Moves documents kept in rows by versions before migration 0017 into the blob store, a batch
/// of rows per transaction; returns how many documents moved. Idempotent: only rows whose
/// in-row column is still set are touched, and a put of bytes already stored is a no-op, so a
/// crash mid-way is finished by the next open.
pub(crate) async fn move_inline_documents(
    pool: &AnyPool,
    blobs: &dyn BlobStore,
    sqlite: bool,
) -> Result<u64> {
    let mut moved = 0u64;
    for cols in [ST, ETR] {
        loop {
            let mut tx = if sqlite {
                pool.begin_with("BEGIN IMMEDIATE").await?
            } else {
                pool.begin().await?
            };
            // Read inside the transaction that clears the column, so no other writer can
            // change the text between the read and the update.
            let rows = sqlx::query(&format!(
                "SELECT id, {inline} FROM products WHERE {inline} IS NOT NULL ORDER BY id LIMIT $1",
                inline = cols.inline
            ))
            .bind(MOVE_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let id: String = r.try_get("id")?;
                let text: String = r.try_get(cols.inline)?;
                let digest = blobs.put(text.as_bytes()).await?;
                sqlx::query(&format!(
                    "UPDATE products SET {digest_col} = $1, {size_col} = $2, {inline} = NULL \
                     WHERE id = $3",
                    digest_col = cols.digest,
                    size_col = cols.size,
                    inline = cols.inline
                ))
                .bind(&digest)
                .bind(i64::try_from(text.len()).unwrap_or(i64::MAX))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                moved += 1;
            }
            tx.commit().await?;
        }
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_for(url: Option<&str>, backend: Backend) -> PathBuf {
        let mut config = StoreConfig::new("/data dir");
        config.database_url = url.map(str::to_string);
        blob_dir(&config, backend)
    }

    #[test]
    fn the_default_blob_directory_is_beside_the_database_file() {
        assert_eq!(
            dir_for(None, Backend::Sqlite),
            PathBuf::from("/data dir/registry.sqlite3.blobs")
        );
        assert_eq!(
            dir_for(Some("sqlite:///srv/reg.db?mode=rwc"), Backend::Sqlite),
            PathBuf::from("/srv/reg.db.blobs")
        );
        assert_eq!(
            dir_for(Some("sqlite::memory:"), Backend::Sqlite),
            PathBuf::from("/data dir/blobs")
        );
        assert_eq!(
            dir_for(Some("postgres://db/registry"), Backend::Postgres),
            PathBuf::from("/data dir/blobs")
        );
        let mut config = StoreConfig::new("/d");
        config.blob_dir = Some("/elsewhere".into());
        assert_eq!(
            blob_dir(&config, Backend::Sqlite),
            PathBuf::from("/elsewhere")
        );
    }
}
