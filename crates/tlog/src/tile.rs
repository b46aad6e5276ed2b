//! The contents of tiles and entry bundles (c2sp.org/tlog-tiles, "Merkle Tree" and "Log
//! entries"), and a [`TileReader`] that computes proofs on the client side from tiles fetched
//! through any [`TileSource`]: a directory now, an HTTP client later.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::checkpoint::Checkpoint;
use crate::error::{Error, ParseError, StorageError};
use crate::hash::{HASH_SIZE, Hash, root_of};
use crate::layout::{self, TILE_HEIGHT, Tile};
use crate::proof::{self, SubtreeReader};

/// The longest entry an entry bundle can hold: its length is a big-endian uint16.
pub const MAX_ENTRY_SIZE: usize = u16::MAX as usize;

/// Where a verifier reads a log's checkpoint, tiles and entry bundles from, by their paths
/// relative to the log's prefix (`checkpoint`, `tile/0/000`, `tile/entries/000.p/3`).
pub trait TileSource {
    /// The object's bytes.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] if it does not exist; another [`StorageError`] if it cannot
    /// be read.
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError>;
}

impl<T: TileSource + ?Sized> TileSource for &T {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        (**self).read(path)
    }
}

/// Reads the tile or entry bundle `tile`. A partial one that the source no longer has is
/// read from its full tile instead and cut to `tile.width` (c2sp.org/tlog-tiles: a log may
/// delete partial tiles once the full tile exists, and clients fall back to the full one).
/// The cut copy is only what the full tile starts with; whether it is right is judged, as for
/// any tile, against a signed root.
///
/// # Errors
/// The error of the first read if the tile is full or the full tile is missing too; the
/// error of the second read otherwise.
pub fn read_tile<S: TileSource + ?Sized>(source: &S, tile: &Tile) -> Result<Vec<u8>, StorageError> {
    let first = match source.read(&tile.path()) {
        Ok(data) => return Ok(data),
        Err(e @ StorageError::NotFound { .. }) if tile.is_partial() => e,
        Err(e) => return Err(e),
    };
    let full = Tile {
        width: layout::TILE_WIDTH as u16,
        ..*tile
    };
    let data = match source.read(&full.path()) {
        Ok(data) => data,
        Err(StorageError::NotFound { .. }) => return Err(first),
        Err(e) => return Err(e),
    };
    Ok(match tile.kind {
        layout::TileKind::Hashes { .. } => {
            let keep = usize::from(tile.width) * HASH_SIZE;
            if data.len() == usize::from(full.width) * HASH_SIZE {
                data[..keep].to_vec()
            } else {
                // Malformed: hand it on whole so that the parser names it.
                data
            }
        }
        layout::TileKind::Entries => prefix_of_bundle(data, tile.width),
    })
}

/// The bytes of the first `width` entries of a bundle (all of it if it is malformed, so that
/// the parser reports the fault).
fn prefix_of_bundle(data: Vec<u8>, width: u16) -> Vec<u8> {
    let mut end = 0usize;
    for _ in 0..width {
        let Some(len) = data.get(end..end + 2) else {
            return data;
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        end += 2 + len;
        if end > data.len() {
            return data;
        }
    }
    let mut data = data;
    data.truncate(end);
    data
}

/// A log served from a directory (for example one written by `Log::export`), read-only.
#[derive(Debug, Clone)]
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    /// Reads the log rooted at `root`.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

/// Joins a log-relative path to a directory, refusing anything that could leave it.
pub(crate) fn join_inside(root: &Path, path: &str) -> Result<PathBuf, StorageError> {
    let rel = Path::new(path);
    let ok = !path.is_empty()
        && rel
            .components()
            .all(|c| matches!(c, Component::Normal(s) if !s.to_string_lossy().starts_with('.')));
    if !ok {
        return Err(StorageError::BadPath { path: path.into() });
    }
    Ok(root.join(rel))
}

pub(crate) fn read_file(root: &Path, path: &str) -> Result<Vec<u8>, StorageError> {
    let full = join_inside(root, path)?;
    std::fs::read(&full).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            StorageError::NotFound { path: path.into() }
        } else {
            StorageError::Io {
                path: full.display().to_string(),
                source: e,
            }
        }
    })
}

impl TileSource for DirSource {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        read_file(&self.root, path)
    }
}

/// Reads the hashes of a tile of `width` hashes.
///
/// # Errors
/// [`ParseError::Tile`] unless `data` is exactly `32 × width` bytes.
pub fn parse_tile(data: &[u8], width: u16) -> Result<Vec<Hash>, ParseError> {
    let expected = usize::from(width) * HASH_SIZE;
    if data.len() != expected || width == 0 {
        return Err(ParseError::Tile {
            expected,
            found: data.len(),
        });
    }
    Ok(data
        .chunks_exact(HASH_SIZE)
        .map(|c| {
            let mut h = [0u8; HASH_SIZE];
            h.copy_from_slice(c);
            Hash(h)
        })
        .collect())
}

/// The bytes of a tile: its hashes concatenated.
#[must_use]
pub fn encode_tile(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

/// The bytes of an entry bundle: each entry as a big-endian uint16 length and its bytes.
///
/// # Errors
/// [`Error::EntryTooLarge`] for an entry over 65,535 bytes.
pub fn encode_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, Error> {
    let total = entries.iter().map(|e| 2 + e.as_ref().len()).sum();
    let mut out = Vec::with_capacity(total);
    for (position, e) in entries.iter().enumerate() {
        let e = e.as_ref();
        let len = u16::try_from(e.len()).map_err(|_| Error::EntryTooLarge {
            position,
            len: e.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Reads the entries of an entry bundle.
///
/// # Errors
/// [`ParseError::Bundle`] if a length runs past the end, or the bundle holds more than 256
/// entries.
pub fn parse_bundle(data: &[u8]) -> Result<Vec<&[u8]>, ParseError> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        if out.len() as u64 == layout::TILE_WIDTH {
            return Err(ParseError::Bundle {
                reason: "more than 256 entries".into(),
            });
        }
        let (len, tail) = match rest {
            [a, b, tail @ ..] => (usize::from(u16::from_be_bytes([*a, *b])), tail),
            _ => {
                return Err(ParseError::Bundle {
                    reason: format!("a length prefix is cut short after entry {}", out.len()),
                });
            }
        };
        let entry = tail.get(..len).ok_or_else(|| ParseError::Bundle {
            reason: format!(
                "entry {} claims {len} bytes but only {} remain",
                out.len(),
                tail.len()
            ),
        })?;
        out.push(entry);
        rest = &tail[len..];
    }
    Ok(out)
}

/// Computes tree hashes and proofs for one tree size from the tiles of a [`TileSource`],
/// fetching only the tiles it needs, each at most once.
///
/// Only tiles that a tree of this size requires are fetched, as the spec demands ("Clients
/// MUST NOT fetch arbitrary partial tiles without verifying a checkpoint with a size that
/// requires their existence"). The hashes it reads are not trusted: a proof made from wrong
/// tiles fails to verify against the checkpoint's root.
pub struct TileReader<S> {
    source: S,
    size: u64,
    cache: RefCell<HashMap<Tile, Vec<Hash>>>,
}

impl<S: TileSource> TileReader<S> {
    /// A reader for the tree of `size` entries (the size of a verified checkpoint).
    pub fn new(source: S, size: u64) -> Self {
        Self {
            source,
            size,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// The tree size it reads.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Fetches a tile into the cache unless it is there already.
    fn load(&self, tile: Tile) -> Result<(), Error> {
        if self.cache.borrow().contains_key(&tile) {
            return Ok(());
        }
        let data = read_tile(&self.source, &tile)?;
        let hashes = parse_tile(&data, tile.width)?;
        self.cache.borrow_mut().insert(tile, hashes);
        Ok(())
    }

    /// The tree hash, recomputed from the tiles.
    ///
    /// # Errors
    /// If a tile cannot be read or is malformed.
    pub fn tree_hash(&self) -> Result<Hash, Error> {
        proof::tree_hash(self, self.size)
    }

    /// The inclusion proof of entry `index` in this tree.
    ///
    /// # Errors
    /// If `index` is not in the tree or a tile cannot be read.
    pub fn inclusion_proof(&self, index: u64) -> Result<Vec<Hash>, Error> {
        proof::inclusion_proof(self, index, self.size)
    }

    /// The consistency proof from the tree of `old` entries to this one.
    ///
    /// # Errors
    /// If `old` exceeds this tree or a tile cannot be read.
    pub fn consistency_proof(&self, old: u64) -> Result<Vec<Hash>, Error> {
        proof::consistency_proof(self, old, self.size)
    }

    /// Entry `index`, read from its entry bundle. Its hash is not checked here: verify it
    /// with an inclusion proof.
    ///
    /// # Errors
    /// If `index` is not in the tree or the bundle cannot be read.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, Error> {
        let tile = layout::tile_for(0, index, self.size).ok_or(Error::OutOfRange {
            what: "entry",
            value: index,
            size: self.size,
        })?;
        let bundle = Tile::entries(tile.index, tile.width);
        let data = read_tile(&self.source, &bundle)?;
        let entries = parse_bundle(&data)?;
        let position = (index % layout::TILE_WIDTH) as usize;
        entries.get(position).map(|e| e.to_vec()).ok_or_else(|| {
            ParseError::Bundle {
                reason: format!("{} holds {} entries", bundle.path(), entries.len()),
            }
            .into()
        })
    }

    /// Verifies that the tiles agree with a checkpoint's root (`checkpoint.size` must be this
    /// reader's size).
    ///
    /// # Errors
    /// [`crate::ProofError::RootMismatch`] if they do not.
    pub fn check_root(&self, checkpoint: &Checkpoint) -> Result<(), Error> {
        let computed = self.tree_hash()?;
        if computed != checkpoint.root || checkpoint.size != self.size {
            return Err(crate::ProofError::RootMismatch {
                expected: checkpoint.root,
                computed,
            }
            .into());
        }
        Ok(())
    }
}

impl<S: TileSource> SubtreeReader for TileReader<S> {
    /// A subtree at tree level `8t + r` is the root of `2^r` consecutive hashes of a tile at
    /// tile level `t`.
    fn subtree(&self, level: u8, index: u64) -> Result<Hash, Error> {
        let (tile_level, rest) = (level / TILE_HEIGHT, level % TILE_HEIGHT);
        let out_of_range = || Error::OutOfRange {
            what: "subtree",
            value: index,
            size: self.size,
        };
        let first = index
            .checked_shl(u32::from(rest))
            .ok_or_else(out_of_range)?;
        let count = 1u64 << rest;
        let last = first.checked_add(count - 1).ok_or_else(out_of_range)?;
        let tile = layout::tile_for(tile_level, last, self.size).ok_or_else(out_of_range)?;
        self.load(tile)?;
        let cache = self.cache.borrow();
        let start = (first % layout::TILE_WIDTH) as usize;
        let run = cache
            .get(&tile)
            .and_then(|hashes| hashes.get(start..start + count as usize))
            .ok_or_else(out_of_range)?;
        Ok(root_of(run))
    }
}
