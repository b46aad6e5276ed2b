//! Key files on disk: reading a `.key` or `.pub`, and writing a new pair so that the secret is
//! never readable by others and never half-written, and an existing key is never lost by
//! accident.
//!
//! A key pair is `PREFIX.key` (PKCS#8 PEM, mode 0600) and `PREFIX.pub` (SPKI PEM, mode 0644).
//! Each is written to a temporary file in the same directory, synced, then moved into place:
//! without `force` by a hard link, which fails if the name is taken (so even a concurrent writer
//! cannot be overwritten); with `force` by a rename.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use rand_core::RngCore as _;

use crate::{SealError, SigningKey, VerifyingKey};

/// Key files are a few hundred bytes; anything far larger is not a key, and is not read whole.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// What a key file held: a public key, or a secret key (whose public half can be derived).
#[derive(Debug)]
pub enum KeyFile {
    /// A `.pub` file: SPKI PEM.
    Public(VerifyingKey),
    /// A `.key` file: PKCS#8 PEM.
    Secret(SigningKey),
}

impl KeyFile {
    /// The public key, derived when the file held the secret one.
    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            KeyFile::Public(k) => *k,
            KeyFile::Secret(k) => k.verifying_key(),
        }
    }
}

/// Reads a key file of either kind, telling which it was.
pub fn load_key_file(path: &Path) -> Result<KeyFile, SealError> {
    let text = read_key_text(path)?;
    let in_file = |e: SealError| match e {
        SealError::KeyFormat(msg) => SealError::KeyFormat(format!("{}: {msg}", path.display())),
        other => other,
    };
    if text.contains("-----BEGIN PRIVATE KEY-----") {
        SigningKey::from_pkcs8_pem(&text)
            .map(KeyFile::Secret)
            .map_err(in_file)
    } else {
        VerifyingKey::from_public_pem(&text)
            .map(KeyFile::Public)
            .map_err(in_file)
    }
}

/// Reads a secret key file (`PREFIX.key`).
pub fn load_signing_key(path: &Path) -> Result<SigningKey, SealError> {
    match load_key_file(path)? {
        KeyFile::Secret(k) => Ok(k),
        KeyFile::Public(_) => Err(SealError::KeyFormat(format!(
            "{}: this is a public key; signing needs the secret key (the .key file)",
            path.display()
        ))),
    }
}

/// Reads a public key: from a `.pub` file, or derived from a `.key` file.
pub fn load_verifying_key(path: &Path) -> Result<VerifyingKey, SealError> {
    load_key_file(path).map(|k| k.verifying_key())
}

fn read_key_text(path: &Path) -> Result<String, SealError> {
    let io_err = |source| SealError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(SealError::KeyFormat(format!(
            "{}: larger than {MAX_KEY_FILE_BYTES} bytes, so not a key file",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        SealError::KeyFormat(format!(
            "{}: not text, so not a PEM key file",
            path.display()
        ))
    })
}

/// `PREFIX.key` and `PREFIX.pub` for a prefix: the suffix is appended, so `keys/lab.v2` gives
/// `keys/lab.v2.key`.
pub fn key_pair_paths(prefix: &Path) -> (PathBuf, PathBuf) {
    let with = |ext: &str| {
        let mut s: OsString = prefix.as_os_str().to_owned();
        s.push(ext);
        PathBuf::from(s)
    };
    (with(".key"), with(".pub"))
}

/// Writes `key` as `PREFIX.key` (secret, mode 0600) and its public half as `PREFIX.pub`, and
/// returns the two paths. Missing parent directories are created. Without `force`, an existing
/// file of either name is an error ([`SealError::KeyExists`]) and nothing is written; with it,
/// both are replaced. Each file appears whole or not at all.
pub fn write_key_pair(
    prefix: &Path,
    key: &SigningKey,
    force: bool,
) -> Result<(PathBuf, PathBuf), SealError> {
    let io_err = |path: &Path| {
        let path = path.to_owned();
        move |source| SealError::Io { path, source }
    };
    if prefix.file_name().is_none() || prefix.as_os_str().to_string_lossy().ends_with('/') {
        return Err(SealError::Io {
            path: prefix.to_owned(),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "a key path prefix must end in a file name, e.g. keys/lab",
            ),
        });
    }
    let (key_path, pub_path) = key_pair_paths(prefix);
    if !force {
        for p in [&key_path, &pub_path] {
            if p.symlink_metadata().is_ok() {
                return Err(SealError::KeyExists { path: p.clone() });
            }
        }
    }
    let dir = match prefix.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;

    let secret = TempFile::create(&dir, &key_path, 0o600, key.to_pkcs8_pem().as_bytes())?;
    let public = TempFile::create(
        &dir,
        &pub_path,
        0o644,
        key.verifying_key().to_public_pem().as_bytes(),
    )?;
    secret.publish(&key_path, force)?;
    if let Err(e) = public.publish(&pub_path, force) {
        if !force {
            // We just created the secret file ourselves; do not leave half a pair behind.
            let _ = fs::remove_file(&key_path);
        }
        return Err(e);
    }
    sync_dir(&dir);
    Ok((key_path, pub_path))
}

/// A temporary file beside its final name, removed on drop unless it was published.
struct TempFile {
    path: PathBuf,
}

impl TempFile {
    fn create(dir: &Path, final_path: &Path, mode: u32, content: &[u8]) -> Result<Self, SealError> {
        let name = final_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = dir.join(format!(
            ".{name}.tmp-{}-{:016x}",
            std::process::id(),
            rand_core::OsRng.next_u64()
        ));
        let io_err = |source| SealError::Io {
            path: path.clone(),
            source,
        };
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options.open(&path).map_err(io_err)?;
        let temp = TempFile { path: path.clone() };
        file.write_all(content).map_err(io_err)?;
        file.sync_all().map_err(io_err)?;
        Ok(temp)
    }

    /// Moves the file to `to`: replacing what is there when `force`, refusing otherwise.
    fn publish(self, to: &Path, force: bool) -> Result<(), SealError> {
        let io_err = |source| SealError::Io {
            path: to.to_owned(),
            source,
        };
        if force {
            fs::rename(&self.path, to).map_err(io_err)?;
        } else {
            match fs::hard_link(&self.path, to) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(SealError::KeyExists {
                        path: to.to_owned(),
                    });
                }
                // A file system without hard links: check, then rename (a small race remains).
                Err(_) => {
                    if to.symlink_metadata().is_ok() {
                        return Err(SealError::KeyExists {
                            path: to.to_owned(),
                        });
                    }
                    fs::rename(&self.path, to).map_err(io_err)?;
                }
            }
        }
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // After a rename the temporary name is gone already and this fails quietly; after a hard
        // link it removes the second name; after an error it removes the leftover.
        let _ = fs::remove_file(&self.path);
    }
}

/// Makes the new directory entries durable. Best effort: some platforms cannot sync a directory,
/// and the files themselves were synced already.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
