//! A cache of read documents, by the SHA-256 of their bytes: what `check`, `render` and a claim
//! read from a file is kept in the model's compiled form (`dtsec_model::compiled`, MessagePack
//! with every span), so the next run over the same bytes decodes it instead of parsing again.
//!
//! Why: the YAML parse of a Security Target is half of a `dtsec check`, and reading NIAP XML
//! (a PP and the packages it includes, a megabyte or more) is most of a NIAP check; both are
//! paid again on every run of an editor's save loop or a CI job over unchanged files (issue 11;
//! `docs/notes/startup.md`). Decoding the compiled form is a plain byte walk.
//!
//! Staying true to the file: the key is the SHA-256 of the file's bytes and of the running
//! binary's identity (its version, size and modification time), so an edited file or a rebuilt
//! dtsec never meets an entry made from something else. Only documents that read without error
//! are kept (errors are always reported by a fresh parse), and only when the text the reader
//! keeps for diagnostics is exactly the file's bytes (so the cached run shows the same
//! snippets). An entry that cannot be decoded is parsed again and replaced.
//!
//! Where: `DTSEC_CACHE_DIR`, else `$XDG_CACHE_HOME/dtsec`, else `$HOME/.cache/dtsec`; the
//! entries live in `documents/` under it. `DTSEC_NO_CACHE=1` (or an empty `DTSEC_CACHE_DIR`)
//! turns it off. The directory is the user's own, trusted as their files are; an entry is
//! still read with a size bound and written whole or not at all. At most [`MAX_ENTRIES`] are
//! kept: a write that finds more removes the least recently modified.

use std::path::{Path, PathBuf};

use dtsec_model::{Document, SourceFile};
use sha2::{Digest as _, Sha256};

/// Entries kept; a miss that finds more removes the oldest (a NIAP PP's entry is about half
/// its XML's size, a Security Target's about twice its YAML's).
pub const MAX_ENTRIES: usize = 512;

/// The largest entry read back (a document is at most a few tens of MB of text).
const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;

/// The cache directory of this run, when there is one.
#[derive(Debug)]
pub struct DocCache {
    dir: PathBuf,
    /// The running binary's identity, hashed into every key.
    binary: String,
}

impl DocCache {
    /// The cache the environment names, or `None` when it is turned off or no directory can
    /// be found (no home directory: nothing is cached, nothing fails).
    pub fn from_env() -> Option<DocCache> {
        if std::env::var_os("DTSEC_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0") {
            return None;
        }
        let root = match std::env::var_os("DTSEC_CACHE_DIR") {
            Some(dir) if dir.is_empty() => return None,
            Some(dir) => PathBuf::from(dir),
            None => match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
                Some(dir) => PathBuf::from(dir).join("dtsec"),
                None => PathBuf::from(std::env::var_os("HOME").filter(|d| !d.is_empty())?)
                    .join(".cache")
                    .join("dtsec"),
            },
        };
        let dir = root.join("documents");
        if !private_dir(&dir) {
            return None;
        }
        Some(DocCache {
            dir,
            binary: binary_identity()?,
        })
    }

    /// A cache in `dir` (tests).
    #[cfg(test)]
    fn in_dir(dir: PathBuf, binary: &str) -> DocCache {
        DocCache {
            dir,
            binary: binary.to_owned(),
        }
    }

    /// The entry's file for the file `name` with `bytes` (the name is in the key because a
    /// reader may write it into the document, e.g. as a note's file).
    fn entry_path(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let mut hash = Sha256::new();
        hash.update(self.binary.as_bytes());
        hash.update([0]);
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(bytes);
        let digest = hash.finalize();
        let mut name = String::with_capacity(68);
        for b in digest {
            name.push_str(&format!("{b:02x}"));
        }
        name.push_str(".mpk");
        self.dir.join(name)
    }

    /// The document kept for these bytes; `None` on a miss (or an entry that does not
    /// decode). The caller makes the source text from the bytes (which it has checked are
    /// UTF-8): a document is kept only when its text is exactly its bytes ([`DocCache::put`]).
    pub fn get(&self, name: &str, bytes: &[u8]) -> Option<Document> {
        let entry =
            dtsec_model::read_bounded(&self.entry_path(name, bytes), MAX_ENTRY_BYTES).ok()?;
        dtsec_model::compiled::decode(&entry).ok()
    }

    /// Keeps `document`, read from `bytes` with `source` as its text. Best effort: a cache
    /// that cannot be written is not an error (the next run parses again).
    pub fn put(&self, bytes: &[u8], source: &SourceFile, document: &Document) {
        if source.text.as_bytes() != bytes {
            return;
        }
        let Ok(encoded) = dtsec_model::compiled::encode(&source.name, document) else {
            return;
        };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        self.prune(MAX_ENTRIES.saturating_sub(1));
        let _ = dtsec_fsio::write_atomic(&self.entry_path(&source.name, bytes), &encoded);
    }

    /// Removes the least recently modified entries until at most `keep` remain.
    fn prune(&self, keep: usize) {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
            .filter_map(Result::ok)
            .take(MAX_ENTRIES * 4)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".mpk"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if entries.len() <= keep {
            return;
        }
        entries.sort();
        let excess = entries.len() - keep;
        for (_, path) in entries.into_iter().take(excess) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Whether `dir` is this user's own and no one else may write in it, creating it (mode 0700)
/// when missing. Why: an entry is believed in place of a parse, so a cache directory pointed at
/// a shared place (`/tmp`) must not let another user plant one; such a directory is not used.
#[cfg(unix)]
fn private_dir(dir: &Path) -> bool {
    use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _};
    if !dir.is_dir() {
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    match std::fs::symlink_metadata(dir) {
        Ok(meta) => {
            meta.is_dir()
                && meta.uid() == rustix::process::geteuid().as_raw()
                && meta.mode() & 0o022 == 0
        }
        Err(_) => false,
    }
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> bool {
    std::fs::create_dir_all(dir).is_ok()
}

/// The running binary's version, size and modification time: a rebuilt binary (whose model
/// may read or write the compiled form differently) never reads an older binary's entries.
fn binary_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    identity_of(&exe)
}

fn identity_of(exe: &Path) -> Option<String> {
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "dtsec {} {} {}.{:09}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ST: &str = include_str!("../../../examples/pump-st.yaml");

    fn parsed(text: &str) -> (SourceFile, Document) {
        let source = SourceFile::new(String::from("st.yaml"), text.to_owned());
        let document = dtsec_model::load::parse_document(&source).unwrap();
        (source, document)
    }

    #[test]
    fn a_kept_document_reads_back_as_parsed_and_only_for_the_same_bytes_and_binary() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DocCache::in_dir(dir.path().join("documents"), "binary one");
        let (source, document) = parsed(ST);
        assert!(cache.get("st.yaml", ST.as_bytes()).is_none());
        cache.put(ST.as_bytes(), &source, &document);
        let back = cache.get("st.yaml", ST.as_bytes()).unwrap();
        assert!(cache.get("elsewhere/st.yaml", ST.as_bytes()).is_none());
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::to_value(&document).unwrap()
        );
        // Other bytes, or another binary, miss.
        assert!(cache.get("st.yaml", b"dtsec: st\n").is_none());
        let rebuilt = DocCache::in_dir(dir.path().join("documents"), "binary two");
        assert!(rebuilt.get("st.yaml", ST.as_bytes()).is_none());
    }

    #[test]
    fn a_damaged_entry_is_a_miss_and_a_put_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DocCache::in_dir(dir.path().join("documents"), "binary");
        let (source, document) = parsed(ST);
        cache.put(ST.as_bytes(), &source, &document);
        let path = cache.entry_path("st.yaml", ST.as_bytes());
        std::fs::write(&path, b"\xc1 not messagepack").unwrap();
        assert!(cache.get("st.yaml", ST.as_bytes()).is_none());
        cache.put(ST.as_bytes(), &source, &document);
        assert!(cache.get("st.yaml", ST.as_bytes()).is_some());
    }

    #[test]
    fn text_that_is_not_the_files_bytes_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DocCache::in_dir(dir.path().join("documents"), "binary");
        let (source, document) = parsed(ST);
        let bytes = [b"\xef\xbb\xbf".as_slice(), ST.as_bytes()].concat();
        cache.put(&bytes, &source, &document);
        assert!(cache.get("st.yaml", &bytes).is_none());
    }

    #[test]
    fn the_oldest_entries_go_first_when_full() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DocCache::in_dir(dir.path().to_path_buf(), "binary");
        for i in 0..5u64 {
            let path = dir.path().join(format!("{i:064x}.mpk"));
            std::fs::write(&path, b"x").unwrap();
            let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000 + i);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(at)
                .unwrap();
        }
        cache.prune(2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [format!("{:064x}.mpk", 3), format!("{:064x}.mpk", 4)]);
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_others_may_write_in_is_not_used() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("own");
        assert!(private_dir(&own), "created, mode 0700");
        let mode = std::fs::metadata(&own).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(!private_dir(&shared), "world-writable");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&own, &link).unwrap();
        assert!(!private_dir(&link), "a symbolic link");
    }

    #[test]
    fn the_binary_identity_changes_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("dtsec");
        std::fs::write(&exe, b"one").unwrap();
        let first = identity_of(&exe).unwrap();
        std::fs::write(&exe, b"three").unwrap();
        assert_ne!(identity_of(&exe).unwrap(), first);
    }
}
