//! What a verifier runs: inclusion of an entry in a checkpoint, consistency between two
//! checkpoints, and a full audit that recomputes the tree from the entry bundles.
//!
//! None of these trust the log's storage or server: the only trusted input is the log's
//! public key (a [`Verifier`]), and for the proof helpers, checkpoints already opened with it.

use crate::checkpoint::Checkpoint;
use crate::error::{Error, Mismatch, ProofError, StorageError};
use crate::hash::{Hash, leaf_hash};
use crate::layout::{self, TILE_HEIGHT, TILE_WIDTH, Tile, TileKind};
use crate::note::Verifier;
use crate::proof::{self, MemoryTree};
use crate::storage::read_checkpoint;
use crate::tile::{TileSource, parse_bundle, parse_tile};

/// Verifies that `entry` is entry `index` of the tree a (verified) checkpoint commits to.
///
/// # Errors
/// The [`ProofError`] saying why not.
pub fn verify_inclusion(
    entry: &[u8],
    index: u64,
    proof: &[Hash],
    checkpoint: &Checkpoint,
) -> Result<(), ProofError> {
    proof::verify_inclusion(
        &leaf_hash(entry),
        index,
        checkpoint.size,
        proof,
        &checkpoint.root,
    )
}

/// Verifies that `new` extends `old`: same log, and the proof shows `old`'s tree is a prefix of
/// `new`'s. Both checkpoints must already have been opened with the log's key.
///
/// # Errors
/// [`ProofError::DifferentLogs`], [`ProofError::SizeDecreases`] (a rollback),
/// [`ProofError::Fork`] or another [`ProofError`].
pub fn verify_consistency(
    old: &Checkpoint,
    new: &Checkpoint,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old.origin != new.origin {
        return Err(ProofError::DifferentLogs {
            first: old.origin.clone(),
            second: new.origin.clone(),
        });
    }
    proof::verify_consistency(old.size, new.size, &old.root, &new.root, proof)
}

/// What [`audit`] checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// The verified checkpoint.
    pub checkpoint: Checkpoint,
    /// Entry bundles read.
    pub bundles: u64,
    /// Hash tiles read.
    pub tiles: u64,
}

/// Recomputes the whole tree from the entry bundles and checks every tile and the latest
/// checkpoint against it: the checkpoint is signed by `verifier`'s key, every leaf hash in
/// every level-0 tile is the hash of its entry, every higher tile hashes the tiles below, and
/// the root is the checkpoint's.
///
/// # Errors
/// [`Error::Mismatch`] naming the first object that is wrong (in order: entries, level 0,
/// higher levels, root), or the error that stopped the audit.
pub fn audit<S: TileSource + ?Sized>(
    source: &S,
    verifier: &Verifier,
) -> Result<AuditReport, Error> {
    audit_bounded(source, verifier, u64::MAX, |_| Ok(()))
}

/// One object [`audit_bounded`] has checked, handed to its visitor.
#[derive(Debug)]
pub struct Audited<'a> {
    /// The object's path (`tile/...`).
    pub path: &'a str,
    /// Its bytes, as read.
    pub bytes: &'a [u8],
    /// For an entry bundle, its entries; empty for a hash tile.
    pub entries: &'a [&'a [u8]],
    /// For an entry bundle, the index of its first entry.
    pub first_index: u64,
}

/// [`audit`] for a log nobody vouches for: refuses a checkpoint that claims more than
/// `max_entries` entries before reading anything else ([`Error::TooLarge`]), reads each object
/// once and keeps none of them — only the tree's hashes (about 64 bytes per entry) — and hands
/// each checked object to `visit` (to write a mirror, to replay the entries). An object is
/// visited once its hashes match the entries below it; the root is compared last, so a visitor
/// must not treat what it saw as published before this returns `Ok`.
///
/// # Errors
/// As [`audit`], [`Error::TooLarge`], or the visitor's error.
pub fn audit_bounded<S, F>(
    source: &S,
    verifier: &Verifier,
    max_entries: u64,
    visit: F,
) -> Result<AuditReport, Error>
where
    S: TileSource + ?Sized,
    F: FnMut(&Audited<'_>) -> Result<(), StorageError>,
{
    let signed = read_checkpoint(source)?.ok_or_else(|| Mismatch::Missing {
        path: layout::CHECKPOINT_PATH.into(),
        reason: "no checkpoint".into(),
    })?;
    let checkpoint = Checkpoint::open(&signed, verifier)?;
    if checkpoint.size > max_entries {
        return Err(Error::TooLarge {
            size: checkpoint.size,
            limit: max_entries,
        });
    }
    let rebuilt = rebuild_visiting(source, &checkpoint, visit)?;
    Ok(AuditReport {
        checkpoint,
        bundles: rebuilt.bundles,
        tiles: rebuilt.tiles,
    })
}

/// A tree rebuilt from storage, and the entries of its last, partial bundle.
pub(crate) struct Rebuilt {
    pub(crate) tree: MemoryTree,
    pub(crate) tail: Vec<Vec<u8>>,
    bundles: u64,
    tiles: u64,
}

fn fetch<S: TileSource + ?Sized>(source: &S, tile: &Tile) -> Result<Vec<u8>, Error> {
    let path = tile.path();
    crate::tile::read_tile(source, tile).map_err(|e| match e {
        StorageError::NotFound { .. } => Mismatch::Missing {
            path,
            reason: "not found".into(),
        }
        .into(),
        other => other.into(),
    })
}

/// Rebuilds the tree that `checkpoint` commits to from `source`, checking everything.
pub(crate) fn rebuild<S: TileSource + ?Sized>(
    source: &S,
    checkpoint: &Checkpoint,
) -> Result<Rebuilt, Error> {
    rebuild_visiting(source, checkpoint, |_| Ok(()))
}

/// [`rebuild`], handing every checked object to `visit` as it goes.
fn rebuild_visiting<S, F>(
    source: &S,
    checkpoint: &Checkpoint,
    mut visit: F,
) -> Result<Rebuilt, Error>
where
    S: TileSource + ?Sized,
    F: FnMut(&Audited<'_>) -> Result<(), StorageError>,
{
    let size = checkpoint.size;
    let mut tree = MemoryTree::new();
    let mut tail = Vec::new();
    let mut bundles = 0;
    let mut tiles = 0;
    for bundle in layout::bundles(size) {
        let bundle_path = bundle.path();
        let data = fetch(source, &bundle)?;
        let entries = parse_bundle(&data).map_err(|e| Mismatch::Malformed {
            path: bundle_path.clone(),
            source: e,
        })?;
        if entries.len() != usize::from(bundle.width) {
            return Err(Mismatch::BundleWidth {
                path: bundle_path,
                expected: bundle.width.into(),
                found: entries.len() as u64,
            }
            .into());
        }
        let tile = Tile::hashes(0, bundle.index, bundle.width);
        let tile_path = tile.path();
        let tile_bytes = fetch(source, &tile)?;
        let stored = parse_tile(&tile_bytes, tile.width).map_err(|e| Mismatch::Malformed {
            path: tile_path.clone(),
            source: e,
        })?;
        for (i, (entry, stored)) in entries.iter().zip(&stored).enumerate() {
            let computed = leaf_hash(entry);
            if computed != *stored {
                return Err(Mismatch::LeafHash {
                    index: bundle.index * TILE_WIDTH + i as u64,
                    tile: tile_path,
                    bundle: bundle_path,
                    stored: *stored,
                    computed,
                }
                .into());
            }
            tree.push_leaf_hash(computed);
        }
        visit(&Audited {
            path: &tile_path,
            bytes: &tile_bytes,
            entries: &[],
            first_index: 0,
        })?;
        visit(&Audited {
            path: &bundle_path,
            bytes: &data,
            entries: &entries,
            first_index: bundle.index * TILE_WIDTH,
        })?;
        if bundle.is_partial() {
            tail = entries.iter().map(|e| e.to_vec()).collect();
        }
        bundles += 1;
        tiles += 1;
    }
    for tile in layout::tiles(size) {
        let TileKind::Hashes { level } = tile.kind else {
            continue;
        };
        if level == 0 {
            continue;
        }
        let path = tile.path();
        let data = fetch(source, &tile)?;
        let stored = parse_tile(&data, tile.width).map_err(|e| Mismatch::Malformed {
            path: path.clone(),
            source: e,
        })?;
        let tree_level = level.saturating_mul(TILE_HEIGHT);
        let start = (tile.index * TILE_WIDTH) as usize;
        let computed = tree
            .level(tree_level)
            .get(start..start + stored.len())
            .unwrap_or_default();
        for (position, (s, c)) in stored.iter().zip(computed).enumerate() {
            if s != c {
                return Err(Mismatch::TileHash {
                    tile: path,
                    position: position as u64,
                    stored: *s,
                    computed: *c,
                }
                .into());
            }
        }
        visit(&Audited {
            path: &path,
            bytes: &data,
            entries: &[],
            first_index: 0,
        })?;
        tiles += 1;
    }
    let computed = proof::tree_hash(&tree, size)?;
    if computed != checkpoint.root {
        return Err(Mismatch::Root {
            size,
            expected: checkpoint.root,
            computed,
        }
        .into());
    }
    Ok(Rebuilt {
        tree,
        tail,
        bundles,
        tiles,
    })
}
