//! Large documents out of the rows: a content-addressed blob store (issue 16).
//!
//! Why: a sealed ETR bundle is hundreds of kilobytes and an ST tens; kept in the `products` rows
//! they made the database grow by about half a megabyte per certificate, slowed backups and
//! every scan that touched the table, and tied document storage to the database server. The
//! rows now keep a document's SHA-256 and size; the bytes live here, named by that digest, so a
//! document is written once, never changes under its name, and can be checked whenever it is
//! read.
//!
//! The contract every [`BlobStore`] keeps:
//! - [`BlobStore::put`] is idempotent and durable on return: putting the same bytes twice is one
//!   blob, and a returned digest survives a crash.
//! - [`BlobStore::get`] checks the size bound **before** reading and the digest **after**: a
//!   blob that is missing, too large or whose bytes no longer hash to its name is an error that
//!   names the digest ([`BlobError`]), never returned as content.
//! - Blobs are never overwritten with other content. A blob written for a transaction that then
//!   rolled back, or whose rows are gone, is an unreferenced orphan: harmless, and removed only
//!   by the garbage collection (`dtsec blob-gc`, [`crate::Store::collect_blob_garbage`]), which
//!   compares the store ([`BlobStore::list`]) with the digests the rows name and removes an
//!   orphan only when it was last put before a grace period ([`BlobStore::remove_unless_newer`]).
//!   So that a put of bytes already stored counts as recent, `put` of an existing blob renews its
//!   time (a file's modification time in [`DirBlobStore`]).
//!
//! The trait is asynchronous and object-safe (boxed futures), so the S3-compatible object store
//! ([`s3::S3BlobStore`], for a deployment that outgrows one disk) sits beside [`DirBlobStore`]
//! without touching the callers: `put` maps to a conditional `PUT` of the key
//! `PREFIX/ab/cd/<hex>`, `get` to a size-checked `GET` with the same digest verification,
//! `exists` to `HEAD`. Both use the same layout (`ab/cd/<hex>`), so a directory store copies into
//! a bucket as it is; a federation of registries can share a store because names are content
//! digests, never row ids.
//! `list` and `remove_unless_newer` (for `dtsec blob-gc`) have default bodies that answer
//! [`BlobError::Unsupported`], so a store that cannot list (the S3 store, for now) is still a
//! store; it just cannot be collected.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest as _, Sha256};

use crate::store::BoxFuture;

pub mod s3;

/// The largest blob the registry stores or reads (bytes): the ETR bundle limit.
pub const MAX_BLOB_BYTES: u64 = 64 * 1024 * 1024;

/// What went wrong with a blob. Every variant about a stored blob names its digest, so that an
/// operator can find the row that refers to it and restore the file from backup.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// The store holds no blob under the digest a row names.
    #[error(
        "blob sha256:{digest} is missing from {store}; restore it from a backup of the blob directory (the database refers to it)"
    )]
    Missing {
        /// The digest the row names.
        digest: String,
        /// Where it was looked for.
        store: String,
    },
    /// The blob's bytes no longer hash to its name: tampered with or damaged on disk.
    #[error(
        "blob sha256:{digest} in {store} is corrupt (its content hashes to {actual}); restore it from a backup of the blob directory"
    )]
    Corrupt {
        /// The digest the blob is stored under.
        digest: String,
        /// What its content hashes to.
        actual: String,
        /// Where it is.
        store: String,
    },
    /// The blob is larger than the caller allows (checked before it is read or written).
    #[error("blob sha256:{digest} is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Its digest (of the bytes offered, for a put).
        digest: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The store cannot do this (e.g. list its blobs for the garbage collection).
    #[error("the blob store {store} cannot {what}")]
    Unsupported {
        /// Where the store is.
        store: String,
        /// What was asked.
        what: &'static str,
    },
    /// A digest that is not 64 lowercase hexadecimal digits (a row edited by hand).
    #[error("`{0}` is not a SHA-256 digest (64 lowercase hexadecimal digits)")]
    BadDigest(String),
    /// An object store could not be reached, refused a request, or answered what the store did
    /// not expect (the reason carries the status and the service's error code).
    #[error("blob store {store}: {reason}")]
    Remote {
        /// The store (bucket and endpoint; never credentials).
        store: String,
        /// What happened and, when known, what to check.
        reason: String,
    },
    /// The file system failed.
    #[error("blob store {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Results of blob operations.
pub type BlobResult<T> = std::result::Result<T, BlobError>;

/// A content-addressed store of immutable byte strings, named by their SHA-256 (lowercase hex).
/// See the module documentation for the contract.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` (at most [`MAX_BLOB_BYTES`]) and returns their SHA-256; durable on return.
    /// Storing bytes already present is a no-op that returns the same digest.
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, BlobResult<String>>;

    /// The bytes stored under `digest`, if their size is at most `max_bytes` (checked before
    /// reading) and they hash to `digest` (checked after).
    fn get<'a>(&'a self, digest: &'a str, max_bytes: u64) -> BoxFuture<'a, BlobResult<Vec<u8>>>;

    /// Whether a blob is stored under `digest` (its content is not verified).
    fn exists<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, BlobResult<bool>>;

    /// Where the blobs are, for messages (a directory, a bucket URL).
    fn location(&self) -> String;

    /// Up to `limit` blobs whose digest sorts after `after` (all, from the start, with `None`),
    /// in digest order: the garbage collection's pages.
    fn list<'a>(
        &'a self,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, BlobResult<Vec<BlobInfo>>> {
        let _ = (after, limit);
        Box::pin(async move {
            Err(BlobError::Unsupported {
                store: self.location(),
                what: "list its blobs",
            })
        })
    }

    /// Removes the blob named `digest` unless it was stored or put again at or after `cutoff`;
    /// true when it was removed, false when it was absent or too recent. A `put` racing with
    /// the removal either renews the blob first (it stays) or stores it anew (it is back): the
    /// blob a caller's `put` returned is never lost.
    fn remove_unless_newer<'a>(
        &'a self,
        digest: &'a str,
        cutoff: SystemTime,
    ) -> BoxFuture<'a, BlobResult<bool>> {
        let _ = (digest, cutoff);
        Box::pin(async move {
            Err(BlobError::Unsupported {
                store: self.location(),
                what: "remove blobs",
            })
        })
    }
}

/// One blob in a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobInfo {
    /// Its SHA-256 (its name).
    pub digest: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last stored or put again.
    pub modified: SystemTime,
}

/// SHA-256 of `bytes`, lowercase hex: a blob's name.
pub fn digest_of(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Refuses anything but 64 lowercase hex digits, so a digest can never name a path outside the
/// store (`..`, `/`).
/// `bytes` when their SHA-256 is `digest`, else [`BlobError::Corrupt`] naming the store: what
/// every store's `get` ends with, whatever it read from.
pub(crate) fn verified(
    digest: &str,
    bytes: Vec<u8>,
    store: impl FnOnce() -> String,
) -> BlobResult<Vec<u8>> {
    let actual = digest_of(&bytes);
    if actual != digest {
        return Err(BlobError::Corrupt {
            digest: digest.to_string(),
            actual,
            store: store(),
        });
    }
    Ok(bytes)
}

fn check_digest(digest: &str) -> BlobResult<()> {
    if digest.len() == 64
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(BlobError::BadDigest(digest.chars().take(80).collect()))
    }
}

/// Blobs as files in a directory: `ROOT/ab/cd/abcd…` (the first two bytes of the digest as two
/// levels of directories, so no directory grows beyond 65,536 entries per level). Files are
/// written with [`dtsec_fsio::write_atomic`] (a temporary file in the same directory, synced,
/// renamed), so a crash leaves a whole blob or none.
#[derive(Clone, Debug)]
pub struct DirBlobStore {
    root: PathBuf,
}

impl DirBlobStore {
    /// Opens (creating when missing) the store in `root`.
    pub fn open(root: impl Into<PathBuf>) -> BlobResult<DirBlobStore> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|source| BlobError::Io {
            path: root.clone(),
            source,
        })?;
        Ok(DirBlobStore { root })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob named `digest` lives (the digest must have been checked).
    pub fn path_of(&self, digest: &str) -> PathBuf {
        self.root
            .join(&digest[0..2])
            .join(&digest[2..4])
            .join(digest)
    }

    fn put_blocking(&self, bytes: &[u8]) -> BlobResult<String> {
        let digest = digest_of(bytes);
        let size = bytes.len() as u64;
        if size > MAX_BLOB_BYTES {
            return Err(BlobError::TooLarge {
                digest,
                size,
                limit: MAX_BLOB_BYTES,
            });
        }
        // Already there and whole: nothing to do. A damaged copy is replaced by the good bytes.
        let path = self.path_of(&digest);
        match self.get_blocking(&digest, MAX_BLOB_BYTES) {
            // Renewed, so the garbage collection's grace period counts from this put. Gone since
            // the read (a collection removed it), or a file this process may read but not
            // touch (restored from a backup by another user, read-only): written again below,
            // which needs only the directory and gives the blob a fresh time too.
            Ok(_) => {
                if renew(&path).is_ok() {
                    return Ok(digest);
                }
            }
            Err(BlobError::Missing { .. } | BlobError::Corrupt { .. }) => {}
            Err(e) => return Err(e),
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| BlobError::Io { path, source }
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        dtsec_fsio::write_atomic(&path, bytes).map_err(io(&path))?;
        Ok(digest)
    }

    fn get_blocking(&self, digest: &str, max_bytes: u64) -> BlobResult<Vec<u8>> {
        check_digest(digest)?;
        let path = self.path_of(digest);
        // A collection stopped between setting a blob aside and deciding: put it back.
        let aside = set_aside_path(&path);
        if !path.exists() && aside.exists() {
            let _ = std::fs::rename(&aside, &path);
        }
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::Missing {
                    digest: digest.to_string(),
                    store: self.location(),
                });
            }
            Err(source) => return Err(BlobError::Io { path, source }),
        };
        let size = file
            .metadata()
            .map_err(|source| BlobError::Io {
                path: path.clone(),
                source,
            })?
            .len();
        if size > max_bytes {
            return Err(BlobError::TooLarge {
                digest: digest.to_string(),
                size,
                limit: max_bytes,
            });
        }
        // Read at most one byte past the bound, in case the file grew since `metadata`.
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        (&mut file)
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| BlobError::Io {
                path: path.clone(),
                source,
            })?;
        verified(digest, bytes, || self.location())
    }

    fn exists_blocking(&self, digest: &str) -> BlobResult<bool> {
        check_digest(digest)?;
        let path = self.path_of(digest);
        match std::fs::metadata(&path) {
            Ok(m) => Ok(m.is_file()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(BlobError::Io { path, source }),
        }
    }

    /// Up to `limit` blobs after `after`, in digest order: the two directory levels and each
    /// leaf directory are read sorted, skipping whole directories before `after`'s prefix.
    /// Files that are not blobs (a write's temporary file, a blob set aside) are not listed.
    fn list_blocking(&self, after: Option<&str>, limit: usize) -> BlobResult<Vec<BlobInfo>> {
        if let Some(a) = after {
            check_digest(a)?;
        }
        let after = after.unwrap_or("");
        let mut out = Vec::new();
        for top in self.sorted_names(&self.root, 2)? {
            if top.as_str() < after.get(0..2).unwrap_or("") {
                continue;
            }
            let top_dir = self.root.join(&top);
            for second in self.sorted_names(&top_dir, 2)? {
                if format!("{top}{second}").as_str() < after.get(0..4).unwrap_or("") {
                    continue;
                }
                let dir = top_dir.join(&second);
                for name in self.sorted_names(&dir, 64)? {
                    if name.as_str() <= after || !name.starts_with(&format!("{top}{second}")) {
                        continue;
                    }
                    let path = dir.join(&name);
                    let meta = match std::fs::metadata(&path) {
                        Ok(m) => m,
                        // Removed since the directory was read.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(source) => return Err(BlobError::Io { path, source }),
                    };
                    let modified = meta
                        .modified()
                        .map_err(|source| BlobError::Io { path, source })?;
                    out.push(BlobInfo {
                        digest: name,
                        size: meta.len(),
                        modified,
                    });
                    if out.len() >= limit {
                        return Ok(out);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The names in `dir` that are `len` lowercase hex digits, sorted (none when `dir` is gone).
    fn sorted_names(&self, dir: &Path, len: usize) -> BlobResult<Vec<String>> {
        let io = |source| BlobError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(e)),
        };
        let mut names = Vec::new();
        for e in entries {
            let name = e.map_err(io)?.file_name();
            if let Some(n) = name.to_str()
                && n.len() == len
                && n.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                names.push(n.to_string());
            }
        }
        names.sort_unstable();
        Ok(names)
    }

    /// Sets the blob aside (a rename, so a concurrent `put` either renewed it before and the
    /// renewed time is seen here, or finds it missing and writes it again), then removes it
    /// only when its time is still before `cutoff`, else puts it back.
    fn remove_blocking(&self, digest: &str, cutoff: SystemTime) -> BlobResult<bool> {
        check_digest(digest)?;
        let path = self.path_of(digest);
        let aside = set_aside_path(&path);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| BlobError::Io { path, source }
        };
        match std::fs::rename(&path, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io(&path)(e)),
        }
        let modified = std::fs::metadata(&aside)
            .and_then(|m| m.modified())
            .map_err(io(&aside))?;
        if modified >= cutoff {
            // Put again meanwhile: back under its name (a new copy written meanwhile has the
            // same bytes, so replacing it is harmless).
            std::fs::rename(&aside, &path).map_err(io(&path))?;
            return Ok(false);
        }
        std::fs::remove_file(&aside).map_err(io(&aside))?;
        Ok(true)
    }
}

/// Where [`DirBlobStore::remove_blocking`] sets a blob aside while it decides.
fn set_aside_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".gc");
    PathBuf::from(p)
}

/// Sets a blob's modification time to now (it was put again).
fn renew(path: &Path) -> std::io::Result<()> {
    std::fs::File::options()
        .append(true)
        .open(path)?
        .set_modified(SystemTime::now())
}

/// Runs file work off the async workers (a 300 KB write and its fsync would stall them).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> BlobResult<T> + Send + 'static,
    root: &Path,
) -> BlobResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BlobError::Io {
            path: root.to_path_buf(),
            source: std::io::Error::other(format!("the blob task stopped: {e}")),
        })?
}

impl BlobStore for DirBlobStore {
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, BlobResult<String>> {
        let store = self.clone();
        let bytes = bytes.to_vec();
        Box::pin(async move { blocking(move || store.put_blocking(&bytes), &self.root).await })
    }

    fn get<'a>(&'a self, digest: &'a str, max_bytes: u64) -> BoxFuture<'a, BlobResult<Vec<u8>>> {
        let store = self.clone();
        let digest = digest.to_string();
        Box::pin(async move {
            blocking(move || store.get_blocking(&digest, max_bytes), &self.root).await
        })
    }

    fn exists<'a>(&'a self, digest: &'a str) -> BoxFuture<'a, BlobResult<bool>> {
        let store = self.clone();
        let digest = digest.to_string();
        Box::pin(async move { blocking(move || store.exists_blocking(&digest), &self.root).await })
    }

    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn list<'a>(
        &'a self,
        after: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, BlobResult<Vec<BlobInfo>>> {
        let store = self.clone();
        let after = after.map(str::to_string);
        Box::pin(async move {
            blocking(
                move || store.list_blocking(after.as_deref(), limit),
                &self.root,
            )
            .await
        })
    }

    fn remove_unless_newer<'a>(
        &'a self,
        digest: &'a str,
        cutoff: SystemTime,
    ) -> BoxFuture<'a, BlobResult<bool>> {
        let store = self.clone();
        let digest = digest.to_string();
        Box::pin(async move {
            blocking(move || store.remove_blocking(&digest, cutoff), &self.root).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(root: &Path) -> Vec<String> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, root, out);
                } else {
                    out.push(p.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        walk(root, root, &mut out);
        out.sort();
        out
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[test]
    fn put_then_get_round_trips_under_a_content_address() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path().join("blobs")).unwrap();
        rt().block_on(async {
            let d = store.put(b"hello").await.unwrap();
            assert_eq!(
                d,
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
            );
            assert_eq!(store.get(&d, 100).await.unwrap(), b"hello");
            assert!(store.exists(&d).await.unwrap());
            assert_eq!(
                files(store.root()),
                [format!("2c/f2/{d}").replace('/', std::path::MAIN_SEPARATOR_STR)]
            );
            // Idempotent: the same bytes again are the same one file.
            assert_eq!(store.put(b"hello").await.unwrap(), d);
            assert_eq!(files(store.root()).len(), 1);
            // The empty document is a blob too.
            let e = store.put(b"").await.unwrap();
            assert_eq!(store.get(&e, 0).await.unwrap(), b"");
        });
    }

    #[test]
    fn a_missing_blob_is_an_error_naming_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path()).unwrap();
        let d = digest_of(b"never stored");
        let err = rt().block_on(store.get(&d, 100)).unwrap_err();
        assert!(matches!(err, BlobError::Missing { .. }), "{err}");
        assert!(err.to_string().contains(&d), "{err}");
        assert!(!rt().block_on(store.exists(&d)).unwrap());
    }

    #[test]
    fn a_tampered_blob_is_refused_and_a_put_repairs_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path()).unwrap();
        let rt = rt();
        let d = rt.block_on(store.put(b"sealed ETR")).unwrap();
        std::fs::write(store.path_of(&d), b"sealed ETX").unwrap();
        let err = rt.block_on(store.get(&d, 100)).unwrap_err();
        assert!(matches!(err, BlobError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains(&d), "{err}");
        // Putting the true bytes again restores the blob.
        rt.block_on(store.put(b"sealed ETR")).unwrap();
        assert_eq!(rt.block_on(store.get(&d, 100)).unwrap(), b"sealed ETR");
    }

    #[test]
    fn the_size_bound_is_checked_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path()).unwrap();
        let rt = rt();
        let d = rt.block_on(store.put(&[7u8; 1000])).unwrap();
        let err = rt.block_on(store.get(&d, 999)).unwrap_err();
        assert!(
            matches!(
                err,
                BlobError::TooLarge {
                    size: 1000,
                    limit: 999,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(rt.block_on(store.get(&d, 1000)).unwrap().len(), 1000);
    }

    #[test]
    fn digests_that_are_not_hex_never_reach_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path().join("b")).unwrap();
        for bad in ["../../etc/passwd", "", &"A".repeat(64), &"a".repeat(63)] {
            let err = rt().block_on(store.get(bad, 10)).unwrap_err();
            assert!(matches!(err, BlobError::BadDigest(_)), "{bad}: {err}");
            assert!(rt().block_on(store.exists(bad)).is_err());
        }
    }

    #[test]
    fn a_failed_write_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path()).unwrap();
        let d = digest_of(b"document");
        // The blob's path is taken by a non-empty directory: the temporary file is written, then
        // the rename over it fails.
        let target = store.path_of(&d);
        std::fs::create_dir_all(target.join("inside")).unwrap();
        let rt = rt();
        assert!(rt.block_on(store.put(b"document")).is_err());
        let left = files(store.root());
        assert!(left.is_empty(), "left behind: {left:?}");
        // Once the obstacle is gone the same put succeeds, leaving exactly the blob.
        std::fs::remove_dir_all(&target).unwrap();
        rt.block_on(store.put(b"document")).unwrap();
        assert_eq!(files(store.root()).len(), 1);
    }

    #[test]
    fn listing_pages_in_digest_order_and_skips_files_that_are_not_blobs() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path()).unwrap();
        let rt = rt();
        let mut digests: Vec<String> = (0..40)
            .map(|i| {
                rt.block_on(store.put(format!("blob {i}").as_bytes()))
                    .unwrap()
            })
            .collect();
        digests.sort();
        // A write's temporary file and a blob set aside are not blobs.
        let leaf = store.path_of(&digests[0]);
        std::fs::write(leaf.with_file_name(".tmp123"), b"x").unwrap();
        std::fs::write(set_aside_path(&store.path_of(&digests[1])), b"y").unwrap();
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = rt.block_on(store.list(after.as_deref(), 7)).unwrap();
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= 7);
            after = page.last().map(|b| b.digest.clone());
            seen.extend(page.into_iter().map(|b| b.digest));
        }
        assert_eq!(seen, digests);
    }

    #[test]
    fn removal_spares_a_blob_put_again_after_the_cutoff() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path()).unwrap();
        let rt = rt();
        let old = rt.block_on(store.put(b"orphan")).unwrap();
        let past = SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::options()
            .append(true)
            .open(store.path_of(&old))
            .unwrap()
            .set_modified(past)
            .unwrap();
        let cutoff = SystemTime::now() - std::time::Duration::from_secs(3600);
        // Put again: its time is renewed, so it is no longer before the cutoff.
        rt.block_on(store.put(b"orphan")).unwrap();
        assert!(
            !rt.block_on(store.remove_unless_newer(&old, cutoff))
                .unwrap()
        );
        assert_eq!(rt.block_on(store.get(&old, 100)).unwrap(), b"orphan");
        // Old again: removed, and a later put stores it anew.
        std::fs::File::options()
            .append(true)
            .open(store.path_of(&old))
            .unwrap()
            .set_modified(past)
            .unwrap();
        assert!(
            rt.block_on(store.remove_unless_newer(&old, cutoff))
                .unwrap()
        );
        assert!(!rt.block_on(store.exists(&old)).unwrap());
        assert!(files(store.root()).is_empty());
        assert!(
            !rt.block_on(store.remove_unless_newer(&old, cutoff))
                .unwrap()
        );
        rt.block_on(store.put(b"orphan")).unwrap();
        assert_eq!(rt.block_on(store.get(&old, 100)).unwrap(), b"orphan");
        // A blob left set aside by a stopped collection is put back when read.
        std::fs::rename(store.path_of(&old), set_aside_path(&store.path_of(&old))).unwrap();
        assert_eq!(rt.block_on(store.get(&old, 100)).unwrap(), b"orphan");
    }

    #[test]
    fn concurrent_puts_of_the_same_bytes_leave_one_whole_blob() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirBlobStore::open(dir.path()).unwrap();
        let bytes = vec![42u8; 200_000];
        std::thread::scope(|s| {
            for _ in 0..6 {
                let (store, bytes) = (&store, &bytes);
                s.spawn(move || store.put_blocking(bytes).unwrap());
            }
        });
        let d = digest_of(&bytes);
        assert_eq!(files(store.root()).len(), 1);
        assert_eq!(store.get_blocking(&d, MAX_BLOB_BYTES).unwrap(), bytes);
    }
}
