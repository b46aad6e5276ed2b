//! The crate's errors, one enum per concern, gathered under [`Error`].
//!
//! Policy: every function that reads bytes from outside (a tile, an entry bundle, a signed note,
//! a key, a proof) returns a [`ParseError`] that says which rule the bytes broke, never panics.
//! A proof that does not verify is a [`ProofError`]; a signature that does not verify is a
//! [`NoteError`]; a backend that fails is a [`StorageError`]. Stored data that contradicts
//! itself (a tile that does not match its entries, a checkpoint that does not match its tiles)
//! is a [`Mismatch`], which names the first object that is wrong and how. All enums are
//! `#[non_exhaustive]` so that new failure modes do not break callers.

use crate::hash::Hash;

/// Bytes that do not follow the format they claim (C2SP tlog-tiles, signed-note, checkpoint,
/// tlog-proof, or the key encodings).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// A path that is not `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`.
    #[error("malformed tile path {path:?}: {reason}")]
    TilePath {
        /// The path as given.
        path: String,
        /// The rule it broke.
        reason: &'static str,
    },
    /// A tile whose length is not the number of hashes its path promises.
    #[error("malformed tile: {found} bytes where {expected} were expected")]
    Tile {
        /// Bytes expected (32 times the width).
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// An entry bundle that is not a sequence of big-endian uint16 length-prefixed entries.
    #[error("malformed entry bundle: {reason}")]
    Bundle {
        /// What is wrong.
        reason: String,
    },
    /// A signed note that breaks c2sp.org/signed-note.
    #[error("malformed signed note: {reason}")]
    Note {
        /// The rule it broke.
        reason: &'static str,
    },
    /// A note text that breaks c2sp.org/tlog-checkpoint.
    #[error("malformed checkpoint: {reason}")]
    Checkpoint {
        /// The rule it broke.
        reason: &'static str,
    },
    /// A verifier or signer key string that is not `<name>+<hex id>+<base64 key>`.
    #[error("malformed key: {reason}")]
    Key {
        /// The rule it broke.
        reason: &'static str,
    },
    /// A proof that breaks c2sp.org/tlog-proof.
    #[error("malformed tlog-proof: {reason}")]
    TlogProof {
        /// The rule it broke.
        reason: &'static str,
    },
    /// A hash that is not 32 bytes in canonical base64 or hex.
    #[error("malformed hash: {reason}")]
    Hash {
        /// The rule it broke.
        reason: &'static str,
    },
}

/// A Merkle proof that does not prove what it was offered for (RFC 9162 §2.1.3.2, §2.1.4.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("entry {index} is not in a tree of size {size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof was asked for a tree that shrinks.
    #[error("tree size {new} is smaller than {old}: a log never shrinks")]
    SizeDecreases {
        /// The earlier tree size.
        old: u64,
        /// The later tree size.
        new: u64,
    },
    /// The proof has more or fewer hashes than the tree shape requires.
    #[error("the proof has the wrong number of hashes ({len}) for this tree shape")]
    WrongLength {
        /// Hashes in the proof.
        len: usize,
    },
    /// The proof leads to a root other than the one in the checkpoint.
    #[error("the proof leads to root {computed}, but the checkpoint says {expected}")]
    RootMismatch {
        /// The root the checkpoint states.
        expected: Hash,
        /// The root the proof computes.
        computed: Hash,
    },
    /// The consistency proof does not reproduce the earlier root.
    #[error(
        "the consistency proof leads to old root {computed}, but the old checkpoint says {expected}"
    )]
    OldRootMismatch {
        /// The root the old checkpoint states.
        expected: Hash,
        /// The root the proof computes.
        computed: Hash,
    },
    /// Two checkpoints of the same size with different roots: the log forked.
    #[error("two different roots for tree size {size}: {first} and {second}")]
    Fork {
        /// The common size.
        size: u64,
        /// One root.
        first: Hash,
        /// The other root.
        second: Hash,
    },
    /// The two checkpoints come from different logs.
    #[error("checkpoints of different logs: {first:?} and {second:?}")]
    DifferentLogs {
        /// Origin of the first checkpoint.
        first: String,
        /// Origin of the second checkpoint.
        second: String,
    },
}

/// A signed note that is well formed but not acceptable (c2sp.org/signed-note, "Signatures").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// The note could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A signature by a trusted key did not verify: the note was altered or forged.
    #[error("the signature by {name} (key id {key_id:08x}) does not verify: the note was altered")]
    InvalidSignature {
        /// Key name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// No signature by a trusted key is present.
    #[error("no signature by a trusted key (signed by: {signers:?})")]
    Unverified {
        /// The names that did sign.
        signers: Vec<String>,
    },
}

/// A storage backend or tile source failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The object does not exist.
    #[error("{path} does not exist")]
    NotFound {
        /// The object's path, relative to the log's root.
        path: String,
    },
    /// An I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The checkpoint was not the one the writer expected: another writer got there first.
    #[error("the checkpoint changed under this writer: is another process writing the log?")]
    Conflict,
    /// The log directory is locked by another writer.
    #[error("{path} is locked by another writer")]
    Locked {
        /// The directory.
        path: String,
    },
    /// A path that would escape the log's root or is not a tile, bundle or checkpoint path.
    #[error("refusing to write {path:?}: not a path inside the log")]
    BadPath {
        /// The path.
        path: String,
    },
    /// A fault injected by a test backend (see [`crate::storage::Fault`]).
    #[error("injected fault: {fault}")]
    Injected {
        /// The fault's name.
        fault: &'static str,
    },
    /// Any other failure of a tile source (for example an HTTP client).
    #[error("{0}")]
    Other(String),
}

/// The first place where stored log data contradicts itself, found by [`crate::audit()`] or when
/// opening a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Mismatch {
    /// An entry bundle holds a different number of entries than its path says.
    #[error("{path} holds {found} entries, but its path says {expected}")]
    BundleWidth {
        /// The bundle's path.
        path: String,
        /// Entries the path promises.
        expected: u64,
        /// Entries found.
        found: u64,
    },
    /// A leaf hash in a level-0 tile is not the hash of the entry in the bundle.
    #[error(
        "entry {index}: {tile} has leaf hash {stored}, but the entry in {bundle} hashes to {computed}"
    )]
    LeafHash {
        /// The entry's index in the log.
        index: u64,
        /// The tile's path.
        tile: String,
        /// The bundle's path.
        bundle: String,
        /// The hash stored in the tile.
        stored: Hash,
        /// The hash of the stored entry.
        computed: Hash,
    },
    /// A hash in a tile above level 0 is not the hash of the tiles below it.
    #[error("{tile} hash {position} is {stored}, but the tiles below give {computed}")]
    TileHash {
        /// The tile's path.
        tile: String,
        /// The hash's position in the tile.
        position: u64,
        /// The hash stored in the tile.
        stored: Hash,
        /// The hash recomputed from below.
        computed: Hash,
    },
    /// The entries give a different root than the checkpoint states.
    #[error("the entries give root {computed} for size {size}, but the checkpoint says {expected}")]
    Root {
        /// The tree size.
        size: u64,
        /// The root the checkpoint states.
        expected: Hash,
        /// The root recomputed from the entries.
        computed: Hash,
    },
    /// A tile, bundle or checkpoint that the checkpoint requires is missing or unreadable.
    #[error("{path} is required by the checkpoint but cannot be read: {reason}")]
    Missing {
        /// The object's path.
        path: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// An object is present but malformed.
    #[error("{path}: {source}")]
    Malformed {
        /// The object's path.
        path: String,
        /// What is wrong with it.
        source: ParseError,
    },
}

/// Any failure of the log, its verification helpers or its storage.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed input.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A proof that does not verify.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// A signed note that does not verify.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The stored log contradicts itself.
    #[error("the stored log is inconsistent: {0}")]
    Mismatch(#[from] Mismatch),
    /// An entry longer than an entry bundle can hold (65,535 bytes).
    #[error("entry {position} of the batch is {len} bytes; entries are at most 65535 bytes")]
    EntryTooLarge {
        /// Position of the entry in the batch.
        position: usize,
        /// Its length.
        len: usize,
    },
    /// A tree size or index beyond the log.
    #[error("{what} {value} is beyond the log's size {size}")]
    OutOfRange {
        /// What was asked for ("entry", "tree size").
        what: &'static str,
        /// The value asked for.
        value: u64,
        /// The log's size.
        size: u64,
    },
    /// `Log::create` on storage that already holds a log (or part of one).
    #[error("the storage already holds a log ({0}); refusing to initialise it again")]
    AlreadyExists(String),
    /// `Log::open` on storage that holds no checkpoint.
    #[error("the storage holds no checkpoint: it is not a log (use create for a new one)")]
    NoCheckpoint,
    /// The checkpoint's origin is not the signer's key name.
    #[error("the checkpoint is for log {found:?}, not {expected:?}")]
    WrongLog {
        /// The expected origin.
        expected: String,
        /// The origin found.
        found: String,
    },
    /// A previous checkpoint update failed midway, so this handle no longer knows which
    /// checkpoint is stored; reopen the log.
    #[error("a checkpoint update failed midway; reopen the log to learn its state")]
    Poisoned,
    /// A signed checkpoint claims more entries than the auditor agreed to check. Checked before
    /// anything is fetched or allocated, because a hostile log can sign any size it likes.
    #[error(
        "the checkpoint claims {size} entries, more than the limit of {limit} this audit accepts"
    )]
    TooLarge {
        /// The size the checkpoint claims.
        size: u64,
        /// The limit given to the audit.
        limit: u64,
    },
}
