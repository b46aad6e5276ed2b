//! Reading and writing workspace files: whole-file atomic replace, strict reading, and a lock.
//!
//! Why: the workspace is the lab's evaluation record. A crash or a full disk must never leave a
//! half-written file, a hand-edited or truncated file must be reported (naming the file and
//! position) rather than silently read as empty, and two commands running at once must not
//! lose each other's records. So: every write goes to a temporary file beside the target, is
//! synced and renamed over it; every read of a JSON file that exists must parse; and commands
//! that change the workspace hold `.lock` (created exclusively) while they run.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::EvalError;

/// Largest workspace JSON file read (records of a large evaluation are a few MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Writes `bytes` to `path` whole or not at all.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), EvalError> {
    dtsec_fsio::write_atomic(path, bytes).map_err(EvalError::io(path))
}

/// Serializes `value` as pretty JSON with a final newline and writes it atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), EvalError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| EvalError::Corrupt {
        path: path.to_owned(),
        message: format!("cannot serialize: {e}"),
    })?;
    text.push('\n');
    atomic_write(path, text.as_bytes())
}

/// Reads a file, refusing ones over [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, EvalError> {
    let meta = std::fs::metadata(path).map_err(EvalError::io(path))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(EvalError::Corrupt {
            path: path.to_owned(),
            message: format!("{} bytes, over the {MAX_FILE_BYTES}-byte limit", meta.len()),
        });
    }
    std::fs::read(path).map_err(EvalError::io(path))
}

/// Reads and parses a JSON workspace file; a missing file gives `default()`.
pub fn read_json_or<T: DeserializeOwned>(
    path: &Path,
    default: impl FnOnce() -> T,
) -> Result<T, EvalError> {
    if !path.exists() {
        return Ok(default());
    }
    read_json(path)
}

/// Reads and parses a JSON workspace file that must exist.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, EvalError> {
    let bytes = read_bytes(path)?;
    serde_json::from_slice(&bytes).map_err(|e| EvalError::Corrupt {
        path: path.to_owned(),
        message: describe_json_error(&e),
    })
}

/// "line 3, column 7: EOF while parsing an object (the file looks truncated)".
pub fn describe_json_error(e: &serde_json::Error) -> String {
    let hint = if e.is_eof() {
        " (the file looks truncated)"
    } else {
        ""
    };
    let msg = e.to_string();
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => &msg,
    };
    format!("line {}, column {}: {msg}{hint}", e.line(), e.column())
}

/// An exclusive lock on a workspace, released on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes `DIR/.lock`, failing at once if another process holds it.
    pub fn acquire(dir: &Path) -> Result<Lock, EvalError> {
        let path = dir.join(".lock");
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                let _ = writeln!(f, "{}", std::process::id());
                Ok(Lock { path })
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(EvalError::Locked { path })
            }
            Err(e) => Err(EvalError::Io { path, source: e }),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
