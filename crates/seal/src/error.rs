//! The one error type of the crate, so that every caller (the CLI, the workbench, the registry)
//! can say precisely what is wrong with a key, a file or a sealed document.
//!
//! Policy: every failure is a [`SealError`] value; nothing in this crate panics on input. An
//! error names the file, the key id or the field at fault and never contains secret key
//! material. [`SealError::help`] gives the one-line advice the CLI prints under the error.

use std::path::PathBuf;

/// What went wrong while reading, writing, signing or verifying.
#[non_exhaustive]
#[derive(thiserror::Error, Debug)]
pub enum SealError {
    /// A key file (or its directory) could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Text that should hold a key does not: not PEM, not Ed25519, encrypted, a weak key, and so
    /// on. The message says which, and names the file when there is one.
    #[error("not a usable Ed25519 key: {0}")]
    KeyFormat(String),
    /// A signature by this key is present but does not match the payload: the payload or the
    /// signature was changed after sealing.
    #[error(
        "the signature by key {key_id} does not match the payload: the payload or the signature was changed after sealing"
    )]
    SignatureInvalid {
        /// The key id of the key whose signature failed.
        key_id: String,
    },
    /// The document carries no signature by this key.
    #[error("the document is not signed by key {key_id}")]
    UnknownKey {
        /// The key id that was looked for.
        key_id: String,
    },
    /// A sealed document or signature is malformed: wrong `format`, unknown fields, duplicate
    /// JSON keys, a signature that is not base64 of 64 bytes, an unsupported algorithm.
    #[error("malformed sealed document: {0}")]
    Format(String),
    /// `write_key_pair` found a key file already there and was not told to replace it.
    #[error("{} already exists; refusing to overwrite a key", path.display())]
    KeyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// A sealed document is larger than [`crate::MAX_SEALED_BYTES`].
    #[error("the sealed document is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
}

impl SealError {
    /// One line of advice for a person who met this error.
    pub fn help(&self) -> &'static str {
        match self {
            SealError::Io { source, .. } if source.kind() == std::io::ErrorKind::InvalidInput => {
                "give a path prefix that ends in a file name, e.g. --out keys/lab"
            }
            SealError::Io { .. } => "check that the path exists and that you may read or write it",
            SealError::KeyFormat(_) => {
                "use a PEM file made by `dtsec keys new` (PREFIX.key is secret, PREFIX.pub is public)"
            }
            SealError::SignatureInvalid { .. } => {
                "the document was changed after it was sealed; obtain the original from its sender"
            }
            SealError::UnknownKey { .. } => {
                "check that you hold the signer's public key (`dtsec keys show FILE` prints its key id)"
            }
            SealError::Format(_) => {
                "the file is not a dtsec sealed document (format `dtsec-sealed/v1`), or it was edited by hand"
            }
            SealError::KeyExists { .. } => {
                "choose another --out prefix, or pass --force to replace the existing key (the old key is lost)"
            }
            SealError::TooLarge { .. } => "a sealed document must be at most 256 MB",
        }
    }
}
