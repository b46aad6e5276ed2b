//! The file-based assessment store the offline CLI uses (`dtsec vex --store DIR`): one JSON file
//! per assessment id holding its whole [`History`], written atomically
//! (`dtsec_fsio::write_atomic`), verified on every read. The only module of the crate that
//! touches the disk; the registry keeps the same [`Entry`] values in its database instead.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use sha2::{Digest as _, Sha256};

use crate::assessment::Assessment;
use crate::error::VexError;
use crate::history::{Entry, History};

/// Largest history file read (bytes).
pub const MAX_FILE: u64 = 32 * 1024 * 1024;
/// Most assessment files a store may hold.
pub const MAX_FILES: usize = 100_000;

/// A directory of assessment histories.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

fn io(path: &Path, source: std::io::Error) -> VexError {
    VexError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The file name of an id: readable characters kept, the rest `_`, plus a short hash of the
/// exact id so two ids that differ only in punctuation never share a file.
fn file_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .take(80)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let h = Sha256::digest(id.as_bytes());
    format!(
        "{safe}.{:02x}{:02x}{:02x}{:02x}.json",
        h[0], h[1], h[2], h[3]
    )
}

impl FileStore {
    /// A store in `dir`, created when missing.
    pub fn open(dir: &Path) -> Result<FileStore, VexError> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        Ok(FileStore {
            dir: dir.to_path_buf(),
        })
    }

    fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(file_name(id))
    }

    fn read(&self, path: &Path) -> Result<History, VexError> {
        let len = std::fs::metadata(path).map_err(|e| io(path, e))?.len();
        if len > MAX_FILE {
            return Err(VexError::TooLarge {
                what: path.display().to_string(),
                size: len,
                limit: MAX_FILE,
            });
        }
        let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
        let h: History = serde_json::from_slice(&bytes).map_err(|source| VexError::Json {
            what: path.display().to_string(),
            source,
        })?;
        h.verify()?;
        Ok(h)
    }

    /// The history of an id, if recorded.
    pub fn load(&self, id: &str) -> Result<Option<History>, VexError> {
        let path = self.path_of(id);
        if !path.exists() {
            return Ok(None);
        }
        let h = self.read(&path)?;
        match h.latest() {
            Some(e) if e.assessment.id() == id => Ok(Some(h)),
            _ => Err(VexError::History {
                id: id.to_string(),
                rule: format!("{} holds another assessment", path.display()),
            }),
        }
    }

    /// Records an assessment: the first entry of a new id (`must_be_new`), or a new version of an
    /// existing one. Returns the new entry.
    pub fn record(
        &self,
        a: Assessment,
        at: Timestamp,
        must_be_new: bool,
    ) -> Result<Entry, VexError> {
        let id = a.id();
        let mut h = self.load(&id)?.unwrap_or_default();
        if must_be_new && !h.entries.is_empty() {
            return Err(VexError::History {
                id,
                rule: "already recorded; use `dtsec vex set` to record a new version".into(),
            });
        }
        if !must_be_new && h.entries.is_empty() {
            return Err(VexError::History {
                id,
                rule: "not recorded yet; use `dtsec vex new` first".into(),
            });
        }
        let entry = h.append(a, at)?.clone();
        let bytes = serde_json::to_vec_pretty(&h).map_err(|source| VexError::Json {
            what: id.clone(),
            source,
        })?;
        let path = self.path_of(&id);
        dtsec_fsio::write_atomic(&path, &bytes).map_err(|e| io(&path, e))?;
        Ok(entry)
    }

    /// Every history in the store, sorted by id.
    pub fn all(&self) -> Result<Vec<History>, VexError> {
        let mut out = Vec::new();
        let rd = std::fs::read_dir(&self.dir).map_err(|e| io(&self.dir, e))?;
        for (n, entry) in rd.enumerate() {
            if n >= MAX_FILES {
                return Err(VexError::TooLarge {
                    what: self.dir.display().to_string(),
                    size: n as u64,
                    limit: MAX_FILES as u64,
                });
            }
            let path = entry.map_err(|e| io(&self.dir, e))?.path();
            if path.extension().and_then(|e| e.to_str()) == Some("json") {
                out.push(self.read(&path)?);
            }
        }
        out.sort_by_key(|h| h.latest().map(|e| e.assessment.id()));
        Ok(out)
    }
}
