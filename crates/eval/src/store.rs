//! Reading and writing workspace files: whole-file atomic replace, strict reading, and a lock.
//!
//! Why: the workspace is the lab's evaluation record. A crash or a full disk must never leave a
//! half-written file, a hand-edited or truncated file must be reported (naming the file and
//! position) rather than silently read as empty, and two commands running at once must not
//! lose each other's records. So: every write goes to a temporary file beside the target, is
//! synced and renamed over it; every read of a JSON file that exists must parse; and commands
//! that change the workspace hold an operating-system lock on `.lock` while they run (as the
//! transparency log's file storage locks its directory). The OS drops the lock when its holder
//! exits, crashed or not, so a `.lock` left behind blocks nobody.

use std::io::Write as _;
use std::path::Path;

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

/// An exclusive lock on a workspace, released on drop (or by the OS if the process dies).
///
/// The file itself stays: deleting it on release would let a process that had opened it just
/// before lock the deleted file while a third creates and locks a new one, and both would go
/// ahead. Its content (the last holder's process id) is for people; the lock is what counts.
#[derive(Debug)]
pub struct Lock {
    // Held for its lock; dropping it releases the lock.
    _file: std::fs::File,
}

impl Lock {
    /// Takes the lock on `DIR/.lock` (creating the file if needed), failing at once with
    /// [`EvalError::Locked`] if another holder, in this process or another, has it.
    pub fn acquire(dir: &Path) -> Result<Lock, EvalError> {
        let path = dir.join(".lock");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(EvalError::io(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(EvalError::Locked { path }),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(EvalError::Io { path, source: e });
            }
        }
        // Best effort, for people looking at the file: who holds (or last held) the lock.
        let _ = file.set_len(0);
        let _ = writeln!(file, "{}", std::process::id());
        Ok(Lock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::Lock;
    use crate::EvalError;

    #[test]
    fn a_lock_file_left_by_a_dead_process_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        // What a killed command leaves: the file, with its process id, and no holder.
        std::fs::write(dir.path().join(".lock"), "4294967295\n").unwrap();
        let lock = Lock::acquire(dir.path()).unwrap();
        drop(lock);
        // Released on drop: the next command takes it again.
        Lock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn a_second_holder_is_refused_while_the_first_lives() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path()).unwrap();
        match Lock::acquire(dir.path()) {
            Err(EvalError::Locked { path }) => assert_eq!(path, dir.path().join(".lock")),
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(first);
        Lock::acquire(dir.path()).unwrap();
    }
}
