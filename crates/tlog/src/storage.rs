//! Where a log keeps its tiles, entry bundles and checkpoint: a small trait with a written
//! contract, a file backend, and an in-memory backend with fault injectors for tests.
//!
//! # The contract
//!
//! A [`Storage`] is a [`TileSource`] (reads by path, the checkpoint at `checkpoint`) that can
//! also write:
//!
//! - **Durable on return.** When [`Storage::write_all`] or [`Storage::swap_checkpoint`]
//!   returns `Ok`, the data survives a crash or power loss. An `Err` promises nothing about
//!   which objects were written, but it never leaves a *published* object changed: the log only
//!   writes objects that its current checkpoint does not reference.
//! - **Objects are replaced whole.** A reader sees an object's old bytes or its new bytes,
//!   never a mix (the file backend writes a temporary file, syncs it and renames it).
//! - **The checkpoint moves by compare-and-swap.** `swap_checkpoint(old, new)` replaces the
//!   checkpoint only if it is still `old` and fails with [`StorageError::Conflict`] otherwise,
//!   so a second writer cannot silently overwrite the first one's checkpoint.
//! - **One writer, many readers.** Readers may read at any time; the log is written by one
//!   [`crate::Log`] at a time (the file backend holds an exclusive lock on the directory; the
//!   compare-and-swap catches any other writer). Methods take `&self`; backends are `Send +
//!   Sync`.
//!
//! Writing tiles and bundles first and the checkpoint last is what makes a crash harmless: the
//! stored checkpoint only ever names objects that were durable before it was written.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::StorageError;
use crate::layout::{CHECKPOINT_PATH, Tile};
use crate::tile::{TileSource, join_inside, read_file};

/// A backend that stores a log. See the module documentation for the contract.
pub trait Storage: TileSource + Send + Sync {
    /// Writes every `(path, bytes)` pair (tiles and entry bundles, never the checkpoint),
    /// replacing any existing object at that path. Durable when it returns `Ok`.
    ///
    /// # Errors
    /// If any object could not be written durably.
    fn write_all(&self, objects: &[(String, Vec<u8>)]) -> Result<(), StorageError>;

    /// Replaces the checkpoint with `new` if it is currently `old` (`None`: no checkpoint).
    /// Durable when it returns `Ok`.
    ///
    /// # Errors
    /// [`StorageError::Conflict`] if the checkpoint is not `old`; another error if the write
    /// failed, in which case the stored checkpoint may be either `old` or `new`.
    fn swap_checkpoint(&self, old: Option<&[u8]>, new: &[u8]) -> Result<(), StorageError>;

    /// Removes every partial version (`<path>.p/<W>`, any width) of `full`, a tile or entry
    /// bundle that is stored full. Returns how many objects were removed.
    ///
    /// Why this is safe (c2sp.org/tlog-tiles): a partial tile is only a prefix of its full
    /// tile, and readers that find a partial tile missing fetch the full one and truncate it
    /// ([`crate::tile::read_tile`]). Without it, a log that publishes one decision at a time
    /// keeps every superseded partial tile and bundle: about 30 KB of disk per entry.
    ///
    /// # Errors
    /// [`StorageError::BadPath`] if `full` is not a full tile; an I/O error if removal failed
    /// (nothing published is affected: the caller may retry at any time).
    fn remove_partials(&self, full: &Tile) -> Result<u64, StorageError>;
}

/// Refuses to remove the partials of a tile that is itself partial.
fn require_full(full: &Tile) -> Result<(), StorageError> {
    if full.is_partial() {
        return Err(StorageError::BadPath { path: full.path() });
    }
    Ok(())
}

/// Reads the checkpoint, `None` if there is none.
///
/// # Errors
/// If it exists but cannot be read.
pub fn read_checkpoint<S: TileSource + ?Sized>(s: &S) -> Result<Option<Vec<u8>>, StorageError> {
    match s.read(CHECKPOINT_PATH) {
        Ok(b) => Ok(Some(b)),
        Err(StorageError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A failure that [`MemoryStorage`] injects, named by what the test sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Object writes succeed `n` times, then every write fails (a full disk, a lost volume).
    FailAfterNWrites(u64),
    /// After `n` good object writes, the next one stores only the first half of its bytes and
    /// fails: a crash in the middle of a write on a backend without atomic replacement.
    TornTileWrite(u64),
    /// The checkpoint swap fails without changing anything (a crash just before it).
    CrashBeforeCheckpoint,
    /// The checkpoint swap takes effect but reports failure (the acknowledgement was lost).
    LostCheckpointAck,
    /// Another writer swaps in a different checkpoint just before ours.
    ConcurrentWriter,
}

#[derive(Debug, Default)]
struct Memory {
    objects: BTreeMap<String, Vec<u8>>,
    checkpoint: Option<Vec<u8>>,
    writes: u64,
    fault: Option<Fault>,
}

/// An in-memory backend. Clones share the same store, so a test can keep one to inspect,
/// tamper with or reopen the log after a [`crate::Log`] took the other.
#[derive(Debug, Clone, Default)]
pub struct MemoryStorage {
    inner: Arc<Mutex<Memory>>,
}

impl MemoryStorage {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Memory> {
        // A poisoned lock only means a test thread panicked; the map itself is still whole.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Arms a fault (replacing any armed one); object writes are counted from now.
    pub fn inject(&self, fault: Fault) {
        let mut m = self.lock();
        m.fault = Some(fault);
        m.writes = 0;
    }

    /// Disarms any fault.
    pub fn heal(&self) {
        self.lock().fault = None;
    }

    /// Changes a stored object (or the checkpoint, at `checkpoint`) behind the log's back.
    pub fn tamper(&self, path: &str, change: impl FnOnce(&mut Vec<u8>)) {
        let mut m = self.lock();
        if path == CHECKPOINT_PATH {
            if let Some(c) = m.checkpoint.as_mut() {
                change(c);
            }
        } else if let Some(o) = m.objects.get_mut(path) {
            change(o);
        }
    }

    /// Removes a stored object behind the log's back.
    pub fn remove(&self, path: &str) {
        let mut m = self.lock();
        if path == CHECKPOINT_PATH {
            m.checkpoint = None;
        } else {
            m.objects.remove(path);
        }
    }

    /// Stores a checkpoint behind the log's back (for example an older one: a rollback).
    pub fn put_checkpoint(&self, bytes: &[u8]) {
        self.lock().checkpoint = Some(bytes.to_vec());
    }

    /// The paths of every stored object, sorted.
    #[must_use]
    pub fn paths(&self) -> Vec<String> {
        self.lock().objects.keys().cloned().collect()
    }
}

impl TileSource for MemoryStorage {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        let m = self.lock();
        let found = if path == CHECKPOINT_PATH {
            m.checkpoint.clone()
        } else {
            m.objects.get(path).cloned()
        };
        found.ok_or_else(|| StorageError::NotFound { path: path.into() })
    }
}

impl Storage for MemoryStorage {
    fn write_all(&self, objects: &[(String, Vec<u8>)]) -> Result<(), StorageError> {
        let mut m = self.lock();
        for (path, bytes) in objects {
            if path == CHECKPOINT_PATH {
                return Err(StorageError::BadPath { path: path.clone() });
            }
            match m.fault {
                Some(Fault::FailAfterNWrites(n)) if m.writes >= n => {
                    return Err(StorageError::Injected {
                        fault: "FailAfterNWrites",
                    });
                }
                Some(Fault::TornTileWrite(n)) if m.writes == n => {
                    m.writes += 1;
                    let half = bytes[..bytes.len() / 2].to_vec();
                    m.objects.insert(path.clone(), half);
                    return Err(StorageError::Injected {
                        fault: "TornTileWrite",
                    });
                }
                _ => {}
            }
            m.writes += 1;
            m.objects.insert(path.clone(), bytes.clone());
        }
        Ok(())
    }

    fn swap_checkpoint(&self, old: Option<&[u8]>, new: &[u8]) -> Result<(), StorageError> {
        let mut m = self.lock();
        match m.fault {
            Some(Fault::CrashBeforeCheckpoint) => {
                return Err(StorageError::Injected {
                    fault: "CrashBeforeCheckpoint",
                });
            }
            Some(Fault::ConcurrentWriter) => {
                m.checkpoint = Some(b"another writer's checkpoint\n".to_vec());
            }
            _ => {}
        }
        if m.checkpoint.as_deref() != old {
            return Err(StorageError::Conflict);
        }
        m.checkpoint = Some(new.to_vec());
        if m.fault == Some(Fault::LostCheckpointAck) {
            return Err(StorageError::Injected {
                fault: "LostCheckpointAck",
            });
        }
        Ok(())
    }

    fn remove_partials(&self, full: &Tile) -> Result<u64, StorageError> {
        require_full(full)?;
        let prefix = format!("{}.p/", full.path());
        let mut m = self.lock();
        let before = m.objects.len();
        m.objects.retain(|path, _| !path.starts_with(&prefix));
        Ok((before - m.objects.len()) as u64)
    }
}

/// A log kept in a directory, in exactly the layout it is served in (`checkpoint`,
/// `tile/...`), so the directory can be served as it is.
///
/// Every object is written to a temporary file in its directory (named with a leading dot, so
/// never a valid tile path), synced, renamed into place, and the directories are synced before
/// the call returns. The checkpoint is written the same way, last. While open, the handle holds
/// an exclusive advisory lock on the directory, so a second writer is refused.
#[derive(Debug)]
pub struct FileStorage {
    root: PathBuf,
    // Held for its lock; dropping it releases the lock.
    _lock: File,
    // Serialises checkpoint swaps within this process.
    swap: Mutex<()>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |source| StorageError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn sync_dir(dir: &Path) -> Result<(), StorageError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

/// The temporary name beside `path` (a leading dot: never a valid tile path).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Runs `sync` on every item, up to 16 at a time on their own threads: concurrent fsyncs share
/// one device flush, so a batch of files costs about one fsync's latency instead of one each.
fn sync_concurrently<T: Sync>(
    items: &[T],
    sync: impl Fn(&T) -> Result<(), StorageError> + Sync,
) -> Result<(), StorageError> {
    for group in items.chunks(16) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = group
                .iter()
                .map(|item| scope.spawn(|| sync(item)))
                .collect();
            handles.into_iter().try_for_each(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(StorageError::Other("a sync thread panicked".into())))
            })
        })?;
    }
    Ok(())
}

/// Removes the temporary files (`.<name>.tmp`) a writer killed mid-write left behind. Only
/// called with the directory lock held, so no live writer owns them; they were never renamed into
/// place, so no checkpoint references them. Removing them keeps "nothing half-written remains"
/// true of the directory itself, not only of what the checkpoint names.
fn remove_stale_temp_files(dir: &Path) -> Result<(), StorageError> {
    let entries = std::fs::read_dir(dir).map_err(io_err(dir))?;
    for entry in entries {
        let entry = entry.map_err(io_err(dir))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(io_err(&path))?;
        if kind.is_dir() && !name.starts_with('.') {
            remove_stale_temp_files(&path)?;
        } else if kind.is_file() && name.starts_with('.') && name.ends_with(".tmp") {
            std::fs::remove_file(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

impl FileStorage {
    /// Opens (creating it if needed) the directory `root`, locks it for writing, and removes
    /// temporary files left by a writer that died mid-write.
    ///
    /// # Errors
    /// [`StorageError::Locked`] if another writer holds it, or an I/O error.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(io_err(&root))?;
        let lock = File::open(&root).map_err(io_err(&root))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StorageError::Locked {
                    path: root.display().to_string(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&root)(e)),
        }
        remove_stale_temp_files(&root)?;
        Ok(Self {
            root,
            _lock: lock,
            swap: Mutex::new(()),
        })
    }

    /// The directory.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl TileSource for FileStorage {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        read_file(&self.root, path)
    }
}

impl Storage for FileStorage {
    /// Four phases: write every temporary file, sync them all (concurrently), rename them all
    /// into place, sync every directory touched (concurrently).
    fn write_all(&self, objects: &[(String, Vec<u8>)]) -> Result<(), StorageError> {
        let mut dirs = BTreeSet::new();
        let mut staged = Vec::with_capacity(objects.len());
        for (path, bytes) in objects {
            if path == CHECKPOINT_PATH {
                return Err(StorageError::BadPath { path: path.clone() });
            }
            let full = join_inside(&self.root, path)?;
            if let Some(parent) = full.parent() {
                if !parent.is_dir() {
                    // A new directory must itself be recorded durably in its parent, and so
                    // on up to the first one that already existed.
                    let mut p = parent;
                    while !p.is_dir() && p != self.root {
                        dirs.insert(p.to_path_buf());
                        match p.parent() {
                            Some(up) => p = up,
                            None => break,
                        }
                    }
                    dirs.insert(p.to_path_buf());
                    std::fs::create_dir_all(parent).map_err(io_err(parent))?;
                }
                dirs.insert(parent.to_path_buf());
            }
            let tmp = temp_path(&full);
            let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
            f.write_all(bytes).map_err(io_err(&tmp))?;
            staged.push((tmp, full, f));
        }
        sync_concurrently(&staged, |(tmp, _, f)| f.sync_all().map_err(io_err(tmp)))?;
        for (tmp, full, f) in staged {
            drop(f);
            std::fs::rename(&tmp, &full).map_err(io_err(&full))?;
        }
        let dirs: Vec<PathBuf> = dirs.into_iter().collect();
        sync_concurrently(&dirs, |d| sync_dir(d))
    }

    fn swap_checkpoint(&self, old: Option<&[u8]>, new: &[u8]) -> Result<(), StorageError> {
        let _guard = self
            .swap
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let current = read_checkpoint(self)?;
        if current.as_deref() != old {
            return Err(StorageError::Conflict);
        }
        // Temporary file, sync, rename, sync of the directory.
        let path = self.root.join(CHECKPOINT_PATH);
        dtsec_fsio::write_atomic(&path, new).map_err(io_err(&path))
    }

    /// The partial versions of a tile all live in one directory, `<path>.p/`: removing it is
    /// one walk of at most 255 files. Not synced: a removal lost in a crash only leaves
    /// garbage that the next [`crate::Log::open`] removes again.
    fn remove_partials(&self, full: &Tile) -> Result<u64, StorageError> {
        require_full(full)?;
        let dir = join_inside(&self.root, &format!("{}.p", full.path()))?;
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(io_err(&dir)(e)),
        };
        let mut removed = 0;
        for entry in entries {
            let path = entry.map_err(io_err(&dir))?.path();
            std::fs::remove_file(&path).map_err(io_err(&path))?;
            removed += 1;
        }
        std::fs::remove_dir(&dir).map_err(io_err(&dir))?;
        Ok(removed)
    }
}

impl FileStorage {
    /// Bytes stored under the log's directory (files only), for reporting disk per entry.
    ///
    /// # Errors
    /// If the directory cannot be walked.
    pub fn disk_usage(&self) -> Result<u64, StorageError> {
        fn walk(dir: &Path, total: &mut u64) -> Result<(), StorageError> {
            for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
                let entry = entry.map_err(io_err(dir))?;
                let kind = entry.file_type().map_err(io_err(&entry.path()))?;
                if kind.is_dir() {
                    walk(&entry.path(), total)?;
                } else if kind.is_file() {
                    *total += entry.metadata().map_err(io_err(&entry.path()))?.len();
                }
            }
            Ok(())
        }
        let mut total = 0;
        walk(&self.root, &mut total)?;
        Ok(total)
    }
}
