//! The writer: a [`Log`] appends batches of opaque entries, stores the new tiles and entry
//! bundles durably, then publishes a new signed checkpoint by compare-and-swap.
//!
//! The order of an append is what makes it crash-safe:
//!
//! 1. compute the new tree in memory;
//! 2. write the new entry bundles and tiles (only objects the current checkpoint does not
//!    reference, so a failure can never damage what is published);
//! 3. swap the checkpoint; only when that is durable are the entries acknowledged.
//!
//! A crash before step 3 leaves the old checkpoint, which still matches its tiles; the stray
//! new objects are never referenced and are overwritten by the next append. Opening a log
//! re-verifies everything the checkpoint references and refuses storage that does not match
//! (no silent re-initialisation).

use std::path::Path;

use crate::checkpoint::Checkpoint;
use crate::error::{Error, Mismatch};
use crate::hash::{Hash, empty_root};
use crate::layout::{self, TILE_HEIGHT, TILE_WIDTH, Tile, TileKind};
use crate::note::{Signer, Verifier};
use crate::proof::{self, MemoryTree};
use crate::storage::{FileStorage, Storage, read_checkpoint};
use crate::tile::{MAX_ENTRY_SIZE, TileReader, encode_bundle, encode_tile};
use crate::tlog_proof::TlogProof;
use crate::verify::rebuild;

/// A transparency log of opaque entries, written through a [`Storage`].
///
/// All complete-subtree hashes are kept in memory (about 64 bytes per entry) so that proofs
/// cost no I/O. One `Log` writes a store at a time; `&mut self` on [`Log::append_batch`]
/// makes that explicit.
#[derive(Debug)]
pub struct Log<S: Storage> {
    storage: S,
    signer: Signer,
    verifier: Verifier,
    tree: MemoryTree,
    /// Entries of the last, partial entry bundle (fewer than 256).
    tail: Vec<Vec<u8>>,
    checkpoint: Checkpoint,
    signed: Vec<u8>,
    poisoned: bool,
}

impl<S: Storage> Log<S> {
    /// Starts a new, empty log on empty storage. Its origin is the signer's key name.
    ///
    /// # Errors
    /// [`Error::AlreadyExists`] if the storage holds a checkpoint or any tile of the first
    /// entry: an existing log is never initialised again.
    pub fn create(storage: S, signer: Signer) -> Result<Self, Error> {
        if read_checkpoint(&storage)?.is_some() {
            return Err(Error::AlreadyExists("it has a checkpoint".into()));
        }
        // Without a checkpoint there is no index to list: probe every possible first tile
        // and entry bundle, full or partial.
        for width in 1..=TILE_WIDTH as u16 {
            for tile in [Tile::hashes(0, 0, width), Tile::entries(0, width)] {
                let path = tile.path();
                if storage.read(&path).is_ok() {
                    return Err(Error::AlreadyExists(format!(
                        "it has {path} but no checkpoint"
                    )));
                }
            }
        }
        let checkpoint = Checkpoint {
            origin: signer.name().into(),
            size: 0,
            root: empty_root(),
            extensions: Vec::new(),
        };
        let signed = checkpoint.sign(&signer)?.into_bytes();
        storage.swap_checkpoint(None, &signed)?;
        let verifier = signer.verifier();
        Ok(Self {
            storage,
            signer,
            verifier,
            tree: MemoryTree::new(),
            tail: Vec::new(),
            checkpoint,
            signed,
            poisoned: false,
        })
    }

    /// Opens an existing log, re-verifying everything: the checkpoint's signature and origin,
    /// every entry against its leaf hash, every tile, and the root.
    ///
    /// # Errors
    /// [`Error::NoCheckpoint`] on empty storage, [`Error::Mismatch`] naming the first object
    /// that contradicts the checkpoint, or a signature or storage error.
    pub fn open(storage: S, signer: Signer) -> Result<Self, Error> {
        let signed = read_checkpoint(&storage)?.ok_or(Error::NoCheckpoint)?;
        let verifier = signer.verifier();
        let checkpoint = Checkpoint::open(&signed, &verifier)?;
        let rebuilt = rebuild(&storage, &checkpoint)?;
        let log = Self {
            storage,
            signer,
            verifier,
            tree: rebuilt.tree,
            tail: rebuilt.tail,
            checkpoint,
            signed,
            poisoned: false,
        };
        log.compact()?;
        Ok(log)
    }

    /// Appends entries, stores them durably and publishes a checkpoint that includes them.
    /// Returns their indices. An empty batch changes nothing.
    ///
    /// On error nothing was acknowledged: the stored checkpoint is the old one (or, if the
    /// checkpoint write itself failed, possibly the new one; the handle then refuses further
    /// appends with [`Error::Poisoned`] until the log is reopened).
    ///
    /// # Errors
    /// [`Error::EntryTooLarge`], [`Error::Poisoned`] or a storage error.
    pub fn append_batch<E: AsRef<[u8]>>(&mut self, entries: &[E]) -> Result<Vec<u64>, Error> {
        if self.poisoned {
            return Err(Error::Poisoned);
        }
        if let Some((position, e)) = entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.as_ref().len() > MAX_ENTRY_SIZE)
        {
            return Err(Error::EntryTooLarge {
                position,
                len: e.as_ref().len(),
            });
        }
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let old = self.tree.size();
        for e in entries {
            self.tree.push_entry(e.as_ref());
        }
        let new = self.tree.size();
        let result = self.publish(old, new, entries);
        if result.is_err() {
            self.tree.truncate(old);
        }
        result.map(|tail| {
            self.tail = tail;
            (old..new).collect()
        })
    }

    /// Steps 2 and 3 of an append; returns the new tail on success.
    fn publish<E: AsRef<[u8]>>(
        &mut self,
        old: u64,
        new: u64,
        entries: &[E],
    ) -> Result<Vec<Vec<u8>>, Error> {
        // The entries from the start of the first bundle that changes.
        let first_bundle_start = old - old % TILE_WIDTH;
        let mut pending: Vec<&[u8]> = self.tail.iter().map(Vec::as_slice).collect();
        pending.extend(entries.iter().map(AsRef::as_ref));
        let mut objects = Vec::new();
        let mut new_tail = Vec::new();
        for bundle in layout::new_bundles(old, new) {
            let from = (bundle.index * TILE_WIDTH - first_bundle_start) as usize;
            let these = pending
                .get(from..from + usize::from(bundle.width))
                .unwrap_or_default();
            objects.push((bundle.path(), encode_bundle(these)?));
            if bundle.is_partial() {
                new_tail = these.iter().map(|e| e.to_vec()).collect();
            }
        }
        for tile in layout::new_tiles(old, new) {
            objects.push((tile.path(), encode_tile(self.tile_hashes(tile))));
        }
        self.storage.write_all(&objects)?;

        let checkpoint = Checkpoint {
            origin: self.signer.name().into(),
            size: new,
            root: proof::tree_hash(&self.tree, new)?,
            extensions: Vec::new(),
        };
        let signed = checkpoint.sign(&self.signer)?.into_bytes();
        if let Err(e) = self.storage.swap_checkpoint(Some(&self.signed), &signed) {
            // Whether the new checkpoint is stored is now unknown.
            self.poisoned = true;
            return Err(e.into());
        }
        self.checkpoint = checkpoint;
        self.signed = signed;
        // The tiles and bundles this append filled are published: their partial versions are
        // garbage now. A failure here is not the append's (it is acknowledged); the garbage
        // stays until the next `open` or `compact`.
        let filled: Vec<Tile> = layout::new_bundles(old, new)
            .into_iter()
            .chain(layout::new_tiles(old, new))
            .filter(|t| !t.is_partial())
            .collect();
        for tile in &filled {
            if self.storage.remove_partials(tile).is_err() {
                break;
            }
        }
        Ok(new_tail)
    }

    /// Removes the partial versions of every full tile and bundle of the published tree;
    /// returns how many objects went. [`Log::open`] runs it, so a log written before partial
    /// tiles were removed (or whose removal was interrupted) is compacted on its next start.
    ///
    /// # Errors
    /// If the storage cannot remove an object.
    pub fn compact(&self) -> Result<u64, Error> {
        let size = self.size();
        let mut removed = 0;
        for tile in layout::bundles(size)
            .into_iter()
            .chain(layout::tiles(size))
            .filter(|t| !t.is_partial())
        {
            removed += self.storage.remove_partials(&tile)?;
        }
        Ok(removed)
    }

    /// The hashes of a tile of the current tree.
    fn tile_hashes(&self, tile: Tile) -> &[Hash] {
        let TileKind::Hashes { level } = tile.kind else {
            return &[];
        };
        let start = (tile.index * TILE_WIDTH) as usize;
        self.tree
            .level(level.saturating_mul(TILE_HEIGHT))
            .get(start..start + usize::from(tile.width))
            .unwrap_or_default()
    }

    /// Entries in the log (as of the latest checkpoint).
    #[must_use]
    pub fn size(&self) -> u64 {
        self.checkpoint.size
    }

    /// The latest checkpoint.
    #[must_use]
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The latest checkpoint, signed, exactly as stored and served.
    #[must_use]
    pub fn signed_checkpoint(&self) -> &[u8] {
        &self.signed
    }

    /// The log's public key, for verifiers.
    #[must_use]
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The storage.
    #[must_use]
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The root hash of the tree at any `size` up to the current one.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] beyond the log.
    pub fn tree_hash(&self, size: u64) -> Result<Hash, Error> {
        self.check_size(size)?;
        self.tree.root(size)
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] or [`crate::ProofError::IndexOutOfRange`].
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, Error> {
        self.check_size(size)?;
        proof::inclusion_proof(&self.tree, index, size)
    }

    /// The consistency proof from the tree of `old` entries to the tree of `new` entries.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] or [`crate::ProofError::SizeDecreases`].
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, Error> {
        self.check_size(new)?;
        proof::consistency_proof(&self.tree, old, new)
    }

    /// An offline proof (c2sp.org/tlog-proof) that entry `index` is in the latest checkpoint.
    ///
    /// # Errors
    /// [`crate::ProofError::IndexOutOfRange`] if there is no such entry.
    pub fn tlog_proof(&self, index: u64) -> Result<TlogProof, Error> {
        Ok(TlogProof {
            extra: None,
            index,
            proof: self.inclusion_proof(index, self.size())?,
            checkpoint: String::from_utf8_lossy(&self.signed).into_owned(),
        })
    }

    /// Entry `index`, read back from storage.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] or a storage error.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, Error> {
        TileReader::new(&self.storage, self.size()).entry(index)
    }

    /// Writes the static tile tree of the latest checkpoint (checkpoint, tiles, entry
    /// bundles) into `dir`, ready for any web server. If `dir` already holds an earlier
    /// checkpoint of this log, it is brought up to date; any other content is refused.
    ///
    /// # Errors
    /// [`Error::AlreadyExists`] if `dir` holds another log or a newer or inconsistent
    /// checkpoint, or a storage error.
    pub fn export(&self, dir: &Path) -> Result<(), Error> {
        let target = FileStorage::open(dir)?;
        let existing = read_checkpoint(&target)?;
        if let Some(bytes) = &existing {
            let theirs = Checkpoint::open(bytes, &self.verifier).map_err(|e| {
                Error::AlreadyExists(format!("its checkpoint is not this log's: {e}"))
            })?;
            if theirs.size > self.size() || self.tree.root(theirs.size)? != theirs.root {
                return Err(Error::AlreadyExists(format!(
                    "its checkpoint (size {}) is not an earlier state of this log",
                    theirs.size
                )));
            }
        }
        let size = self.size();
        let mut objects = Vec::new();
        for tile in layout::tiles(size) {
            objects.push((tile.path(), encode_tile(self.tile_hashes(tile))));
        }
        for bundle in layout::bundles(size) {
            let path = bundle.path();
            let data = self.storage.read(&path).map_err(|e| Mismatch::Missing {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            objects.push((path, data));
        }
        // Write in bounded chunks so that a large log does not sit in memory twice.
        for chunk in objects.chunks(1024) {
            target.write_all(chunk)?;
        }
        target.swap_checkpoint(existing.as_deref(), &self.signed)?;
        // An earlier export's partial versions of tiles that are full now.
        for tile in layout::bundles(size)
            .into_iter()
            .chain(layout::tiles(size))
            .filter(|t| !t.is_partial())
        {
            target.remove_partials(&tile)?;
        }
        Ok(())
    }

    fn check_size(&self, size: u64) -> Result<(), Error> {
        crate::proof::within_tree(size, self.size())
    }
}
