//! Tree heads, inclusion proofs and consistency proofs (RFC 9162 §2.1.3, §2.1.4), generated
//! from any source of complete-subtree hashes and verified with the RFC's own algorithms.
//!
//! Generation needs only the hashes of *complete* subtrees (`2^level` leaves starting at a
//! multiple of `2^level`): every node a proof needs is either such a subtree or a right edge
//! folded from a few of them. The server keeps all of them in a [`MemoryTree`]; a client
//! reads them from tiles through [`crate::tile::TileReader`]. Both implement
//! [`SubtreeReader`], so the same code proves on both sides.

use crate::error::{Error, ProofError};
use crate::hash::{Hash, empty_root, leaf_hash, node_hash};

/// A source of complete-subtree hashes for one tree.
pub trait SubtreeReader {
    /// The hash of the complete subtree of `2^level` leaves starting at leaf `index << level`.
    ///
    /// # Errors
    /// If the subtree is not complete in this tree, or cannot be read.
    fn subtree(&self, level: u8, index: u64) -> Result<Hash, Error>;
}

/// Every complete-subtree hash of a tree, kept in memory: `levels[l][i]` is the hash of leaves
/// `i·2^l .. (i+1)·2^l`. About 64 bytes per entry; appending is amortised O(1) hashes.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends an entry, returning its index.
    pub fn push_entry(&mut self, entry: &[u8]) -> u64 {
        self.push_leaf_hash(leaf_hash(entry))
    }

    /// Appends a leaf hash, returning its index.
    pub fn push_leaf_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.size();
        let mut carry = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(carry);
            if row.len() % 2 == 1 {
                break;
            }
            let n = row.len();
            carry = node_hash(&row[n - 2], &row[n - 1]);
            level += 1;
        }
        index
    }

    /// Forgets every leaf at or after `size` (used to roll back a failed append).
    pub fn truncate(&mut self, size: u64) {
        for (level, row) in self.levels.iter_mut().enumerate() {
            let keep = usize::try_from(size >> level).unwrap_or(usize::MAX);
            row.truncate(keep);
        }
        while self.levels.last().is_some_and(Vec::is_empty) {
            self.levels.pop();
        }
    }

    /// The complete-subtree hashes at one level (level 0: leaf hashes).
    #[must_use]
    pub fn level(&self, level: u8) -> &[Hash] {
        self.levels
            .get(usize::from(level))
            .map_or(&[], Vec::as_slice)
    }

    /// The tree hash at `size` (any size up to the current one).
    ///
    /// # Errors
    /// [`Error::OutOfRange`] if `size` exceeds the tree.
    pub fn root(&self, size: u64) -> Result<Hash, Error> {
        self.check_size(size)?;
        tree_hash(self, size)
    }

    fn check_size(&self, size: u64) -> Result<(), Error> {
        within_tree(size, self.size())
    }
}

/// Refuses a tree size beyond the `tree_size` entries there are ([`Error::OutOfRange`]): a
/// proof or root for a larger tree cannot be computed from what is stored.
pub(crate) fn within_tree(size: u64, tree_size: u64) -> Result<(), Error> {
    if size > tree_size {
        return Err(Error::OutOfRange {
            what: "tree size",
            value: size,
            size: tree_size,
        });
    }
    Ok(())
}

impl SubtreeReader for MemoryTree {
    fn subtree(&self, level: u8, index: u64) -> Result<Hash, Error> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels.get(usize::from(level))?.get(i))
            .copied()
            .ok_or(Error::OutOfRange {
                what: "subtree",
                value: index,
                size: self.size(),
            })
    }
}

/// The largest power of two strictly below `n` (`n >= 2`), the RFC's split point `k`.
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// MTH of leaves `lo..hi`, where `lo` is a multiple of a power of two at least `hi - lo` (true
/// of every range the RFC's recursions visit): the binary digits of `hi - lo`, largest first,
/// are complete subtrees, folded from the right.
fn range_hash<R: SubtreeReader + ?Sized>(r: &R, lo: u64, hi: u64) -> Result<Hash, Error> {
    if hi <= lo {
        return Ok(empty_root());
    }
    let mut parts = [Hash::default(); 64];
    let mut count = 0;
    let mut start = lo;
    let mut rem = hi - lo;
    while rem > 0 {
        let level = 63 - rem.leading_zeros();
        parts[count] = r.subtree(level as u8, start >> level)?;
        count += 1;
        start += 1 << level;
        rem -= 1 << level;
    }
    let mut acc = parts[count - 1];
    for part in parts[..count - 1].iter().rev() {
        acc = node_hash(part, &acc);
    }
    Ok(acc)
}

/// The tree hash `MTH(D[0:size])` (RFC 6962 §2.1).
///
/// # Errors
/// If the reader fails.
pub fn tree_hash<R: SubtreeReader + ?Sized>(r: &R, size: u64) -> Result<Hash, Error> {
    range_hash(r, 0, size)
}

/// The inclusion proof `PATH(index, D[0:size])` (RFC 9162 §2.1.3.1): sibling hashes from the
/// leaf up to the root's child.
///
/// # Errors
/// [`ProofError::IndexOutOfRange`] if `index >= size`, or if the reader fails.
pub fn inclusion_proof<R: SubtreeReader + ?Sized>(
    r: &R,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, Error> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size }.into());
    }
    let (mut lo, mut hi) = (0, size);
    let mut top_down = Vec::with_capacity(64);
    while hi - lo > 1 {
        let k = split(hi - lo);
        if index < lo + k {
            top_down.push(range_hash(r, lo + k, hi)?);
            hi = lo + k;
        } else {
            top_down.push(range_hash(r, lo, lo + k)?);
            lo += k;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// The consistency proof `PROOF(old, D[0:new])` (RFC 9162 §2.1.4.1). Empty when `old` is 0
/// or equals `new`.
///
/// # Errors
/// [`ProofError::SizeDecreases`] if `old > new`, or if the reader fails.
pub fn consistency_proof<R: SubtreeReader + ?Sized>(
    r: &R,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, Error> {
    if old > new {
        return Err(ProofError::SizeDecreases { old, new }.into());
    }
    if old == 0 || old == new {
        return Ok(Vec::new());
    }
    // SUBPROOF(m, D[lo:hi], b), unrolled: each step either descends left (the old tree ends in
    // the left half; the right half is new) or right (the left half is shared).
    let (mut lo, mut hi) = (0, new);
    let mut whole = true;
    let mut top_down = Vec::with_capacity(64);
    loop {
        let m = old - lo;
        let n = hi - lo;
        if m == n {
            if !whole {
                top_down.push(range_hash(r, lo, hi)?);
            }
            break;
        }
        let k = split(n);
        if m <= k {
            top_down.push(range_hash(r, lo + k, hi)?);
            hi = lo + k;
        } else {
            top_down.push(range_hash(r, lo, lo + k)?);
            lo += k;
            whole = false;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// The root an inclusion proof leads to, by RFC 9162 §2.1.3.2 steps 1–4.
///
/// # Errors
/// [`ProofError::IndexOutOfRange`] or [`ProofError::WrongLength`].
pub fn root_from_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let wrong = ProofError::WrongLength { len: proof.len() };
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(wrong);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(wrong);
    }
    Ok(r)
}

/// Verifies that `leaf` is entry `index` of the tree of `size` leaves with `root`
/// (RFC 9162 §2.1.3.2).
///
/// # Errors
/// The [`ProofError`] saying why it does not.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion(leaf, index, size, proof)?;
    if computed != *root {
        return Err(ProofError::RootMismatch {
            expected: *root,
            computed,
        });
    }
    Ok(())
}

/// Verifies that the tree of `old` leaves with `old_root` is a prefix of the tree of `new`
/// leaves with `new_root` (RFC 9162 §2.1.4.2; sizes 0 and equal sizes need an empty proof).
///
/// # Errors
/// The [`ProofError`] saying why it is not.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    let wrong = ProofError::WrongLength { len: proof.len() };
    if old > new {
        return Err(ProofError::SizeDecreases { old, new });
    }
    if old == new {
        if !proof.is_empty() {
            return Err(wrong);
        }
        if old_root != new_root {
            return Err(ProofError::Fork {
                size: old,
                first: *old_root,
                second: *new_root,
            });
        }
        return Ok(());
    }
    if old == 0 {
        // Every tree extends the empty tree; there is nothing to prove.
        if !proof.is_empty() {
            return Err(wrong);
        }
        if *old_root != empty_root() {
            return Err(ProofError::OldRootMismatch {
                expected: *old_root,
                computed: empty_root(),
            });
        }
        return Ok(());
    }
    // Step 1.
    if proof.is_empty() {
        return Err(wrong);
    }
    // Step 2: a power-of-two old tree is itself a node of the new tree; its root starts the path.
    let mut path = proof.iter().copied();
    let first_in_path;
    let first_hash = if old.is_power_of_two() {
        first_in_path = *old_root;
        first_in_path
    } else {
        path.next().ok_or(wrong.clone())?
    };
    // Step 3.
    let (mut fnode, mut snode) = (old - 1, new - 1);
    // Step 4.
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (first_hash, first_hash);
    // Step 6.
    for c in path {
        if snode == 0 {
            return Err(wrong);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(&c, &fr);
            sr = node_hash(&c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, &c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 7.
    if snode != 0 {
        return Err(wrong);
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch {
            expected: *old_root,
            computed: fr,
        });
    }
    if sr != *new_root {
        return Err(ProofError::RootMismatch {
            expected: *new_root,
            computed: sr,
        });
    }
    Ok(())
}
