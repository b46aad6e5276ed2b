//! Importing OSV records: reading them from a directory or a ZIP (bounded: entry count, sizes,
//! no paths that escape, no symlinks followed), then validating each against the OSV schema
//! and building a [`Database`]. Invalid records are rejected with a reason and counted, never
//! silently dropped; withdrawn and malicious-package records are flagged; an empty `affected`
//! is a data-quality note.

use crate::db::{Database, FORMAT_VERSION, Note, Rejected, Snapshot, StoredRecord, snapshot_id};
use crate::osv::OsvRecord;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

const OSV_SCHEMA: &str = include_str!("../schemas/osv-schema.json");

/// Caps on an import, checked before each read.
#[derive(Clone, Copy, Debug)]
pub struct ImportLimits {
    /// The most record files (and ZIP entries).
    pub max_files: usize,
    /// The largest record file, in bytes.
    pub max_record_bytes: u64,
    /// The most bytes read in total (uncompressed).
    pub max_total_bytes: u64,
    /// The deepest directory nesting walked.
    pub max_dir_depth: usize,
}

impl Default for ImportLimits {
    fn default() -> ImportLimits {
        ImportLimits {
            max_files: 2_000_000,
            max_record_bytes: 8 * 1024 * 1024,
            max_total_bytes: 16 * 1024 * 1024 * 1024,
            max_dir_depth: 8,
        }
    }
}

/// Why an import stopped (a bad *record* does not stop it: it is rejected and counted).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Reading failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The source is neither a directory nor a ZIP archive.
    #[error("{path}: not a directory or a ZIP archive of OSV JSON records: {reason}")]
    BadSource {
        /// The source.
        path: PathBuf,
        /// What was found.
        reason: String,
    },
    /// A cap was reached.
    #[error("{path}: {what} exceeds the limit of {limit}: import a smaller set or raise the limit")]
    Limit {
        /// The source.
        path: PathBuf,
        /// Which cap.
        what: &'static str,
        /// Its value.
        limit: u64,
    },
    /// The built-in OSV schema did not compile (a bug).
    #[error("the built-in OSV schema did not compile: {0}")]
    Schema(String),
}

/// A file read from the source, or why it could not be.
pub enum Entry {
    /// Its name and bytes.
    File(String, Vec<u8>),
    /// Its name and why it was refused (too large, path escapes).
    Refused(String, String),
}

/// Reads every `*.json` file of a directory (recursively) or a ZIP archive.
pub fn read_source(path: &Path, limits: &ImportLimits) -> Result<Vec<Entry>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let mut out = Vec::new();
    let mut total = 0u64;
    if meta.is_dir() {
        walk(path, path, 0, limits, &mut total, &mut out)?;
        out.sort_by(|a, b| name(a).cmp(name(b)));
        return Ok(out);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        ImportError::BadSource {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    })?;
    if zip.len() > limits.max_files {
        return Err(limit(
            path,
            "the number of ZIP entries",
            limits.max_files as u64,
        ));
    }
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| ImportError::BadSource {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let raw = f.name().to_string();
        if f.is_dir() || !raw.ends_with(".json") {
            continue;
        }
        let Some(safe) = f.enclosed_name() else {
            out.push(Entry::Refused(
                raw,
                "the entry's path escapes the archive".into(),
            ));
            continue;
        };
        let shown = safe.to_string_lossy().into_owned();
        if f.size() > limits.max_record_bytes {
            out.push(Entry::Refused(
                shown,
                format!(
                    "{} bytes, over the record limit of {}",
                    f.size(),
                    limits.max_record_bytes
                ),
            ));
            continue;
        }
        // The header's size may lie: read at most one byte past the cap.
        let mut bytes = Vec::with_capacity(f.size() as usize);
        (&mut f)
            .take(limits.max_record_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > limits.max_record_bytes {
            out.push(Entry::Refused(
                shown,
                format!("over the record limit of {} bytes", limits.max_record_bytes),
            ));
            continue;
        }
        total += bytes.len() as u64;
        if total > limits.max_total_bytes {
            return Err(limit(
                path,
                "the total uncompressed size",
                limits.max_total_bytes,
            ));
        }
        out.push(Entry::File(shown, bytes));
    }
    out.sort_by(|a, b| name(a).cmp(name(b)));
    Ok(out)
}

fn name(e: &Entry) -> &str {
    match e {
        Entry::File(n, _) | Entry::Refused(n, _) => n,
    }
}

fn limit(path: &Path, what: &'static str, limit: u64) -> ImportError {
    ImportError::Limit {
        path: path.to_path_buf(),
        what,
        limit,
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    depth: usize,
    limits: &ImportLimits,
    total: &mut u64,
    out: &mut Vec<Entry>,
) -> Result<(), ImportError> {
    if depth > limits.max_dir_depth {
        return Err(limit(
            dir,
            "the directory depth",
            limits.max_dir_depth as u64,
        ));
    }
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| ImportError::Io { path: p, source }
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let p = e.path();
        // symlink_metadata: a link is neither followed nor read.
        let m = std::fs::symlink_metadata(&p).map_err(io(&p))?;
        let shown = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned();
        if m.is_dir() {
            walk(root, &p, depth + 1, limits, total, out)?;
        } else if m.is_file() && shown.ends_with(".json") {
            if out.len() >= limits.max_files {
                return Err(limit(
                    root,
                    "the number of record files",
                    limits.max_files as u64,
                ));
            }
            if m.len() > limits.max_record_bytes {
                out.push(Entry::Refused(
                    shown,
                    format!(
                        "{} bytes, over the record limit of {}",
                        m.len(),
                        limits.max_record_bytes
                    ),
                ));
                continue;
            }
            *total += m.len();
            if *total > limits.max_total_bytes {
                return Err(limit(root, "the total size", limits.max_total_bytes));
            }
            let bytes = std::fs::read(&p).map_err(io(&p))?;
            out.push(Entry::File(shown, bytes));
        }
    }
    Ok(())
}

/// The compiled OSV schema, built once per process.
///
/// Why: compiling the schema costs far more than validating one record against it, so a
/// process that builds more than one database (the registry's server on each upload, a fuzzer
/// on each input) must not pay it per build. A schema that fails to compile fails the same way
/// every time, so the error is kept too.
fn osv_validator() -> Result<&'static jsonschema::Validator, ImportError> {
    static COMPILED: std::sync::OnceLock<Result<jsonschema::Validator, String>> =
        std::sync::OnceLock::new();
    COMPILED
        .get_or_init(|| {
            let schema: serde_json::Value =
                serde_json::from_str(OSV_SCHEMA).map_err(|e| e.to_string())?;
            jsonschema::options()
                .should_validate_formats(false)
                .build(&schema)
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| ImportError::Schema(e.clone()))
}

/// Builds a database from read entries: each record validated against the OSV schema. Calls
/// `progress(done, total)` every 1,000 records and at the end.
pub fn build(
    entries: Vec<Entry>,
    loaded_at: String,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Database, ImportError> {
    let validator = osv_validator()?;
    let total = entries.len();
    let mut snapshot = Snapshot {
        loaded_at,
        ..Snapshot::default()
    };
    let mut records = Vec::with_capacity(total);
    for (k, entry) in entries.into_iter().enumerate() {
        if k % 1000 == 999 {
            progress(k + 1, total);
        }
        let (file, bytes) = match entry {
            Entry::File(f, b) => (f, b),
            Entry::Refused(file, reason) => {
                snapshot.rejected.push(Rejected { file, reason });
                continue;
            }
        };
        let reject = |reason: String| Rejected {
            file: file.clone(),
            reason,
        };
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t,
            Err(e) => {
                snapshot
                    .rejected
                    .push(reject(format!("not UTF-8 at byte {}", e.valid_up_to())));
                continue;
            }
        };
        let value = match dtsec_sbom::strict_json::parse(text, 64) {
            Ok(v) => v,
            Err(e) => {
                snapshot.rejected.push(reject(format!(
                    "line {}, column {}: {}",
                    e.line, e.column, e.message
                )));
                continue;
            }
        };
        if !validator.is_valid(&value) {
            let why = validator
                .iter_errors(&value)
                .next()
                .map(|e| {
                    format!(
                        "OSV schema: at {}: {} (schema keyword `{}`)",
                        display_pointer(e.instance_path().as_str()),
                        e.masked(),
                        dtsec_sbom::schema_keyword(e.schema_path().as_str())
                    )
                })
                .unwrap_or_else(|| "OSV schema: invalid".into());
            snapshot.rejected.push(reject(why));
            continue;
        }
        let record: OsvRecord = match serde_json::from_value(value) {
            Ok(r) => r,
            Err(e) => {
                snapshot
                    .rejected
                    .push(reject(format!("not an OSV record dtsec can read: {e}")));
                continue;
            }
        };
        let withdrawn = record.withdrawn.is_some();
        let malicious = record.id.starts_with("MAL-");
        if withdrawn {
            snapshot.withdrawn.push(record.id.clone());
        }
        if malicious {
            snapshot.malicious.push(record.id.clone());
        }
        if record.affected.is_empty() {
            snapshot.notes.push(Note {
                id: record.id.clone(),
                file: file.clone(),
                note: "`affected` is empty: the record can match nothing".into(),
            });
        }
        records.push(StoredRecord {
            sha256: dtsec_sbom::hex(&Sha256::digest(&bytes)),
            file,
            withdrawn,
            malicious,
            record,
        });
    }
    progress(total, total);
    records.sort_by(|a, b| (&a.record.id, &a.sha256).cmp(&(&b.record.id, &b.sha256)));
    // The same bytes twice (two paths, or a re-export) are one record.
    records.dedup_by(|a, b| a.sha256 == b.sha256);
    snapshot.id = snapshot_id(records.iter().map(|r| r.sha256.as_str()));
    snapshot.count = records.len();
    Ok(Database {
        format_version: FORMAT_VERSION,
        snapshot,
        records,
    })
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}
