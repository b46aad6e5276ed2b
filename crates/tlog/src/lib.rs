//! A small transparency log: an append-only Merkle tree of opaque entries whose signed
//! checkpoints anyone can mirror, with proofs that an entry is in the log and that the log only
//! grew. It implements, and cites section by section:
//!
//! - RFC 6962 §2.1 / RFC 9162 §2.1 hashing, inclusion and consistency proofs ([`hash`],
//!   [`proof`]);
//! - [C2SP tlog-tiles](https://c2sp.org/tlog-tiles): tiles and entry bundles as static files
//!   ([`layout`], [`tile`]);
//! - [C2SP signed-note](https://c2sp.org/signed-note) and
//!   [tlog-checkpoint](https://c2sp.org/tlog-checkpoint) with Ed25519 ([`note`],
//!   [`checkpoint`]);
//! - [C2SP tlog-proof](https://c2sp.org/tlog-proof), offline proofs of inclusion
//!   ([`tlog_proof`]).
//!
//! The log knows nothing about what its entries mean: they are bytes. The writer is [`Log`],
//! over a [`Storage`] whose contract is in [`storage`]; verifiers use [`verify`] and
//! [`tile::TileReader`], trusting only the log's public key.
//!
//! # Example
//!
//! ```
//! use dtsec_tlog::{Log, MemoryStorage, Signer, TlogProof, audit, verify_consistency};
//!
//! // The caller supplies the key (this crate generates none).
//! let signer = Signer::new("log.example/dtsec", &[7; 32])?;
//! let storage = MemoryStorage::new();
//! let mut log = Log::create(storage.clone(), signer)?;
//!
//! let indices = log.append_batch(&[b"decision 1".as_slice(), b"decision 2"])?;
//! assert_eq!(indices, [0, 1]);
//! let first = log.checkpoint().clone();
//! log.append_batch(&[b"decision 3"])?;
//!
//! // A verifier holds only the log's public key.
//! let vkey = log.verifier().to_vkey();
//! let verifier = dtsec_tlog::Verifier::from_vkey(&vkey)?;
//!
//! // Offline: an entry, its tlog-proof, the key.
//! let proof = TlogProof::parse(log.tlog_proof(1)?.to_text().as_bytes())?;
//! let checkpoint = proof.verify(b"decision 2", &verifier)?;
//!
//! // The log only grew.
//! let consistency = log.consistency_proof(first.size, checkpoint.size)?;
//! verify_consistency(&first, &checkpoint, &consistency)?;
//!
//! // Anyone can recompute the whole tree from the tiles.
//! let report = audit(&storage, &verifier)?;
//! assert_eq!(report.checkpoint.size, 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod hash;
pub mod layout;
mod log;
pub mod note;
pub mod proof;
pub mod storage;
pub mod tile;
pub mod tlog_proof;
pub mod verify;

pub use checkpoint::Checkpoint;
pub use error::{Error, Mismatch, NoteError, ParseError, ProofError, StorageError};
pub use hash::{Hash, leaf_hash, node_hash};
pub use layout::{Tile, TileKind};
pub use log::Log;
pub use note::{Signer, Verifier};
pub use storage::{Fault, FileStorage, MemoryStorage, Storage};
pub use tile::{DirSource, TileReader, TileSource};
pub use tlog_proof::TlogProof;
pub use verify::{
    AuditReport, Audited, audit, audit_bounded, verify_consistency, verify_inclusion,
};

// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
