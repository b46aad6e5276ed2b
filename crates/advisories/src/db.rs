//! The offline advisory database: every accepted record with its hash and flags, and the
//! snapshot that names the set (`id` = SHA-256 over the sorted record hashes), so any match
//! result can say "as of snapshot X" and be reproduced. Stored as one JSON file written
//! atomically (`advisories.json`) plus the snapshot alone (`snapshot.json`) for quick display;
//! the lookup index is rebuilt in memory on load (linear in the records).

use crate::osv::OsvRecord;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The on-disk format's version; a reader refuses others.
pub const FORMAT_VERSION: u32 = 1;
/// The database file inside the database directory.
pub const DB_FILE: &str = "advisories.json";
/// The snapshot summary inside the database directory.
pub const SNAPSHOT_FILE: &str = "snapshot.json";

/// An imported set of advisories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Database {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// What the set is.
    pub snapshot: Snapshot,
    /// The accepted records, sorted by id then hash.
    pub records: Vec<StoredRecord>,
}

/// The identity and import report of a set of advisories.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// SHA-256 (hex) over the sorted per-record hashes, each followed by a newline.
    pub id: String,
    /// When it was imported (RFC 3339, UTC), as the importer was told.
    pub loaded_at: String,
    /// How many records were accepted.
    pub count: usize,
    /// Records refused, with the reason.
    pub rejected: Vec<Rejected>,
    /// Ids of withdrawn records (kept, never matched).
    pub withdrawn: Vec<String>,
    /// Ids of malicious-package records (`MAL-…`).
    pub malicious: Vec<String>,
    /// Data-quality notes (e.g. an empty `affected`).
    pub notes: Vec<Note>,
}

/// A refused record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The file (path in the directory or archive).
    pub file: String,
    /// Why, with the JSON pointer where the schema says so.
    pub reason: String,
}

/// A remark about an accepted record that will not match as its author may expect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The record id.
    pub id: String,
    /// The file it came from.
    pub file: String,
    /// The remark.
    pub note: String,
}

/// One accepted record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// SHA-256 (hex) of the record file's bytes.
    pub sha256: String,
    /// The file it came from.
    pub file: String,
    /// Set when the source withdrew the record.
    pub withdrawn: bool,
    /// Set for malicious-package records (`MAL-…`): category `malicious-component`.
    pub malicious: bool,
    /// The record.
    pub record: OsvRecord,
}

/// Why a database could not be saved or loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a dtsec advisory database, or not this version of one.
    #[error(
        "{path}: not a dtsec advisory database ({reason}): run `dtsec advisories import SRC --into DIR` again"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file is larger than the cap.
    #[error("{path}: {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The cap.
        limit: u64,
    },
}

/// The snapshot id of a set of record hashes.
pub fn snapshot_id<'a>(hashes: impl IntoIterator<Item = &'a str>) -> String {
    let mut sorted: Vec<&str> = hashes.into_iter().collect();
    sorted.sort_unstable();
    let mut h = Sha256::new();
    for s in sorted {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    dtsec_sbom::hex(&h.finalize())
}

impl Database {
    /// Writes the database into `dir` (created if needed), each file atomically: the records
    /// first, then the snapshot, so a reader never sees a snapshot without its records.
    pub fn save(&self, dir: &Path) -> Result<(), DbError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| DbError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let db = dir.join(DB_FILE);
        let bytes = serde_json::to_vec(self).map_err(|e| DbError::Corrupt {
            path: db.clone(),
            reason: e.to_string(),
        })?;
        dtsec_fsio::write_atomic(&db, &bytes).map_err(io(&db))?;
        let snap = dir.join(SNAPSHOT_FILE);
        let bytes = serde_json::to_vec_pretty(&self.snapshot).map_err(|e| DbError::Corrupt {
            path: snap.clone(),
            reason: e.to_string(),
        })?;
        dtsec_fsio::write_atomic(&snap, &bytes).map_err(io(&snap))
    }

    /// Reads the database in `dir`, refusing files over `max_bytes` and a database whose
    /// records do not hash to its snapshot id.
    pub fn load(dir: &Path, max_bytes: u64) -> Result<Database, DbError> {
        let path = dir.join(DB_FILE);
        let io = |source| DbError::Io {
            path: path.clone(),
            source,
        };
        let size = std::fs::metadata(&path).map_err(io)?.len();
        if size > max_bytes {
            return Err(DbError::TooLarge {
                path,
                size,
                limit: max_bytes,
            });
        }
        let bytes = std::fs::read(&path).map_err(io)?;
        let db: Database = serde_json::from_slice(&bytes).map_err(|e| DbError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if db.format_version != FORMAT_VERSION {
            return Err(DbError::Corrupt {
                path,
                reason: format!(
                    "format version {}, expected {FORMAT_VERSION}",
                    db.format_version
                ),
            });
        }
        let id = snapshot_id(db.records.iter().map(|r| r.sha256.as_str()));
        if id != db.snapshot.id || db.records.len() != db.snapshot.count {
            return Err(DbError::Corrupt {
                path,
                reason: "its records do not hash to its snapshot id".into(),
            });
        }
        Ok(db)
    }
}
