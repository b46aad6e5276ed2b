//! Property tests: tree hashes and proofs for random tree sizes from 1 to 100,000 leaves
//! (drawn log-uniformly, 64 cases) equal a straightforward recursive transcription of
//! RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF), verify, and stop verifying when altered;
//! proofs a client computes from tiles equal the server's.

use std::collections::HashMap;

use dtsec_tlog::hash::{Hash, empty_root, leaf_hash, node_hash};
use dtsec_tlog::layout;
use dtsec_tlog::proof::{
    MemoryTree, consistency_proof, inclusion_proof, tree_hash, verify_consistency, verify_inclusion,
};
use dtsec_tlog::tile::{TileReader, TileSource, encode_tile};
use dtsec_tlog::{StorageError, TileKind};
use proptest::prelude::*;

fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

fn mth(d: &[Hash]) -> Hash {
    match d.len() {
        0 => empty_root(),
        1 => d[0],
        n => {
            let k = k_of(n);
            node_hash(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
    let n = d.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = k_of(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(d)] };
    }
    let k = k_of(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn leaves(n: u64) -> Vec<Hash> {
    (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

fn memory_tree(leaves: &[Hash]) -> MemoryTree {
    let mut t = MemoryTree::new();
    for l in leaves {
        t.push_leaf_hash(*l);
    }
    t
}

/// Sizes from 1 to 100,000, log-uniform; an index and an old size inside them.
fn case() -> impl Strategy<Value = (u64, u64, u64)> {
    (0u32..17, any::<u64>(), any::<u64>(), any::<u64>()).prop_map(|(bits, a, b, c)| {
        let size = ((1u64 << bits) + a % (1u64 << bits)).clamp(1, 100_000);
        (size, b % size, 1 + c % size)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn proofs_match_the_reference((size, index, old) in case()) {
        let d = leaves(size);
        let t = memory_tree(&d);
        let root = mth(&d);
        prop_assert_eq!(tree_hash(&t, size).ok(), Some(root));

        let p = inclusion_proof(&t, index, size).ok();
        prop_assert_eq!(p.as_ref(), Some(&path(index as usize, &d)));
        let p = p.unwrap_or_default();
        prop_assert!(verify_inclusion(&d[index as usize], index, size, &p, &root).is_ok());
        if let Some(first) = p.first() {
            let mut bad = p.clone();
            bad[0] = node_hash(first, first);
            prop_assert!(verify_inclusion(&d[index as usize], index, size, &bad, &root).is_err());
        }

        let old_root = mth(&d[..old as usize]);
        let c = consistency_proof(&t, old, size).ok();
        let want = if old == size { Vec::new() } else { subproof(old as usize, &d, true) };
        prop_assert_eq!(c.as_ref(), Some(&want));
        let c = c.unwrap_or_default();
        prop_assert!(verify_consistency(old, size, &old_root, &root, &c).is_ok());
        if let Some(last) = c.last() {
            let mut bad = c.clone();
            let n = bad.len();
            bad[n - 1] = node_hash(last, last);
            prop_assert!(verify_consistency(old, size, &old_root, &root, &bad).is_err());
        }
    }
}

/// The tiles of a [`MemoryTree`], served from a map like a static directory would.
struct Tiles(HashMap<String, Vec<u8>>);

impl TileSource for Tiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| StorageError::NotFound { path: path.into() })
    }
}

fn tiles_of(t: &MemoryTree, size: u64) -> Tiles {
    let mut map = HashMap::new();
    for tile in layout::tiles(size) {
        let TileKind::Hashes { level } = tile.kind else {
            continue;
        };
        let start = (tile.index * 256) as usize;
        let hashes = &t.level(level * 8)[start..start + usize::from(tile.width)];
        map.insert(tile.path(), encode_tile(hashes));
    }
    Tiles(map)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn tile_reader_proofs_equal_server_proofs((size, index, old) in case()) {
        let d = leaves(size);
        let t = memory_tree(&d);
        let reader = TileReader::new(tiles_of(&t, size), size);
        prop_assert_eq!(reader.tree_hash().ok(), t.root(size).ok());
        prop_assert_eq!(reader.inclusion_proof(index).ok(), inclusion_proof(&t, index, size).ok());
        prop_assert_eq!(reader.consistency_proof(old).ok(), consistency_proof(&t, old, size).ok());
    }
}
