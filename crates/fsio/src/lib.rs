//! Durable file writes: a file is replaced whole or not at all, and stays replaced after a crash.
//!
//! Why a crate of its own: the command line, the evaluation workspace, the renderer and the
//! transparency log all write files that must never be seen half-written, and they sit in
//! different layers with no common lower crate. One implementation is easier to get right (and
//! to audit) than four.
//!
//! [`write_atomic`] writes to a new temporary file in the target's directory (so the rename stays
//! on one file system), syncs it, renames it over the target and syncs the directory so the
//! rename itself is durable. On any error the temporary file is removed.
//! **Absent:** no locking (callers that need one writer hold their own lock), no file modes
//! (new files get the process default; key files are written by `dtsec-seal`).

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically and durably: a reader sees the old content or the new
/// content, never a mix, and once this returns `Ok` the new content survives a crash.
///
/// The error is the underlying I/O error; callers name `path` when they report it (as with
/// [`std::fs::write`]).
///
/// # Errors
/// Any I/O error creating, writing or syncing the temporary file, renaming it, or syncing the
/// directory; `InvalidInput` if `path` has no file name. A directory that cannot be synced
/// because its file system does not support it is not an error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` does not name a file", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (tmp, mut file) = create_temp(dir, &name.to_string_lossy())?;
    let written = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        // Closed before the rename (Windows cannot rename an open file) and before any removal.
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

/// Creates a new temporary file beside the target: `.NAME.PID.N.tmp`, never an existing file
/// (a stale one left by a crash is skipped, a symbolic link is never followed).
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut attempts = 0;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => attempts += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Makes a rename in `dir` durable. Only Unix can open and sync a directory; a file system
/// that refuses to sync one (`EINVAL`) offers nothing better, so that is not an error.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_atomic;
    use std::path::Path;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn creates_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn replaces_an_existing_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, &[b'x'; 10_000]).unwrap();
        write_atomic(&path, b"short").unwrap();
        // No tail of the longer old content survives.
        assert_eq!(std::fs::read(&path).unwrap(), b"short");
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file_and_the_target_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the temporary file is written, then the rename
        // over it fails.
        let target = dir.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), b"keep").unwrap();
        assert!(write_atomic(&target, b"new").is_err());
        assert_eq!(names(dir.path()), ["taken"]);
        assert_eq!(std::fs::read(target.join("inside")).unwrap(), b"keep");
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(&dir.path().join("no/such/out.txt"), b"x").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        let err = write_atomic(Path::new("/"), b"x").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }

    #[test]
    fn concurrent_writers_each_leave_a_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let path = &path;
                s.spawn(move || write_atomic(path, &[b'a' + i; 4096]).unwrap());
            }
        });
        let content = std::fs::read(&path).unwrap();
        assert_eq!(content.len(), 4096);
        assert!(content.iter().all(|&b| b == content[0]));
        assert_eq!(names(dir.path()), ["out.txt"]);
    }
}
