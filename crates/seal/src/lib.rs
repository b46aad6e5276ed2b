//! dtsec's signatures: Ed25519 keys, RFC 8785 canonical JSON, and the sealed JSON envelope that
//! carries evaluation reports (ETR bundles), certificates and transparency-log entries.
//!
//! A lab or the scheme makes a key pair once ([`SigningKey::generate`], [`write_key_pair`]:
//! `PREFIX.key` secret, `PREFIX.pub` public). [`seal`] signs a JSON payload: the signature covers
//! [`canonical_json`] of the payload, so the sealed file can be pretty-printed, re-indented or
//! have its members reordered and still verify, while any change of a name, a value or an
//! array's order breaks it. [`Sealed::verify`] checks a document against a public key the
//! verifier already trusts and returns the payload.
//!
//! The crate knows nothing about the Common Criteria, evaluations or certificates: it signs and
//! verifies JSON. It does no I/O except reading and writing the key files it is given.
//!
//! ```
//! use dtsec_seal::{Sealed, SealError, SigningKey, seal};
//!
//! let lab = SigningKey::generate();
//! let sealed = seal(serde_json::json!({"toe": "pump", "verdict": "pass"}), &lab);
//! let text = sealed.to_json_pretty();
//!
//! // The certification body reads the file and checks it with the lab's registered key.
//! let read = Sealed::from_json(&text).unwrap();
//! assert_eq!(read.verify(&lab.verifying_key()).unwrap()["verdict"], "pass");
//!
//! // Changing the payload is detected.
//! let forged = text.replace("\"pass\"", "\"fail\"");
//! let read = Sealed::from_json(&forged).unwrap();
//! assert!(matches!(read.verify(&lab.verifying_key()), Err(SealError::SignatureInvalid { .. })));
//! ```
#![forbid(unsafe_code)]

mod canonical;
mod error;
mod files;
mod keys;
mod sealed;

pub use canonical::canonical_json;
pub use error::SealError;
pub use files::{
    KeyFile, key_pair_paths, load_key_file, load_signing_key, load_verifying_key, write_key_pair,
};
pub use keys::{ALGORITHM, Signature, SigningKey, VerifyingKey};
pub use sealed::{MAX_SEALED_BYTES, SEALED_FORMAT, Sealed, SignatureEntry, seal};

/// The SHA-256 of `bytes` as 64 lower-case hex digits.
///
/// ```
/// assert_eq!(
///     dtsec_seal::sha256_hex(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let digest = sha2::Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

// The README's examples are compiled and run as doctests, so they cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
