//! Known-answer tests: the RFC 6962 reference tree of eight leaves, with the roots, inclusion
//! paths and consistency proofs published in certificate-transparency's
//! `cpp/merkletree/merkle_tree_test.cc` (google/certificate-transparency, `kInputs`,
//! `kSHA256Roots`, `kSHA256Paths`, `kSHA256Proofs`). That file numbers leaves from 1; the
//! indices below are 0-based. The negative cases follow its `VerifierCheck` and
//! `VerifierConsistencyCheck`.

use dtsec_tlog::hash::{Hash, empty_root, leaf_hash};
use dtsec_tlog::proof::{
    MemoryTree, consistency_proof, inclusion_proof, tree_hash, verify_consistency, verify_inclusion,
};

const INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, path)
const PATHS: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, proof)
const PROOFS: [(u64, u64, &[&str]); 4] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

fn h(hex: &str) -> Hash {
    Hash::from_hex(hex).expect("test vector is hex")
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

fn tree() -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in INPUTS {
        t.push_entry(&unhex(i));
    }
    t
}

fn root(size: u64) -> Hash {
    h(ROOTS[size as usize - 1])
}

#[test]
fn empty_tree_hash_is_sha256_of_nothing() {
    assert_eq!(
        empty_root().to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(tree_hash(&MemoryTree::new(), 0).ok(), Some(empty_root()));
}

#[test]
fn roots_for_every_size() {
    let t = tree();
    for size in 1..=8 {
        assert_eq!(t.root(size).ok(), Some(root(size)), "size {size}");
    }
}

#[test]
fn inclusion_paths_are_generated_and_verified() {
    let t = tree();
    for (index, size, path) in PATHS {
        let want: Vec<Hash> = path.iter().map(|x| h(x)).collect();
        assert_eq!(inclusion_proof(&t, index, size).ok(), Some(want.clone()));
        let leaf = leaf_hash(&unhex(INPUTS[index as usize]));
        verify_inclusion(&leaf, index, size, &want, &root(size)).expect("published path verifies");

        // Wrong index, wrong size, wrong leaf, wrong root: all refused.
        for bad_index in [index.wrapping_sub(1), index + 1, index ^ 2] {
            if bad_index != index {
                assert!(verify_inclusion(&leaf, bad_index, size, &want, &root(size)).is_err());
            }
        }
        for bad_size in [size * 2, size / 2] {
            assert!(verify_inclusion(&leaf, index, bad_size, &want, &root(size)).is_err());
        }
        assert!(
            verify_inclusion(&leaf_hash(b"WrongLeaf"), index, size, &want, &root(size)).is_err()
        );
        assert!(verify_inclusion(&leaf, index, size, &want, &empty_root()).is_err());
        // Altered, extended and shortened paths.
        for j in 0..want.len() {
            let mut p = want.clone();
            p[j] = empty_root();
            assert!(verify_inclusion(&leaf, index, size, &p, &root(size)).is_err());
        }
        let mut longer = want.clone();
        longer.push(root(size));
        assert!(verify_inclusion(&leaf, index, size, &longer, &root(size)).is_err());
        if !want.is_empty() {
            let shorter = &want[..want.len() - 1];
            assert!(verify_inclusion(&leaf, index, size, shorter, &root(size)).is_err());
        }
        let mut prefixed = vec![root(size)];
        prefixed.extend_from_slice(&want);
        assert!(verify_inclusion(&leaf, index, size, &prefixed, &root(size)).is_err());
    }
}

#[test]
fn consistency_proofs_are_generated_and_verified() {
    let t = tree();
    for (old, new, path) in PROOFS {
        let want: Vec<Hash> = path.iter().map(|x| h(x)).collect();
        assert_eq!(consistency_proof(&t, old, new).ok(), Some(want.clone()));
        verify_consistency(old, new, &root(old), &root(new), &want)
            .expect("published proof verifies");
        if want.is_empty() {
            continue;
        }
        for (bad_old, bad_new) in [
            (old - 1, new),
            (old + 1, new),
            (old ^ 2, new),
            (old, new * 2),
            (old, new / 2),
        ] {
            if (bad_old, bad_new) != (old, new) {
                assert!(
                    verify_consistency(bad_old, bad_new, &root(old), &root(new), &want).is_err()
                );
            }
        }
        let wrong = leaf_hash(b"WrongRoot");
        assert!(verify_consistency(old, new, &root(old), &wrong, &want).is_err());
        assert!(verify_consistency(old, new, &wrong, &root(new), &want).is_err());
        assert!(verify_consistency(old, new, &root(new), &root(old), &want).is_err());
        assert!(verify_consistency(old, new, &root(old), &root(new), &[]).is_err());
        for j in 0..want.len() {
            let mut p = want.clone();
            p[j] = empty_root();
            assert!(verify_consistency(old, new, &root(old), &root(new), &p).is_err());
        }
        let mut longer = want.clone();
        longer.push(want[want.len() - 1]);
        assert!(verify_consistency(old, new, &root(old), &root(new), &longer).is_err());
        assert!(
            verify_consistency(old, new, &root(old), &root(new), &want[..want.len() - 1]).is_err()
        );
    }
}

#[test]
fn degenerate_consistency_cases() {
    let e = empty_root();
    // The empty tree is a prefix of every tree; equal sizes need equal roots.
    assert!(verify_consistency(0, 0, &e, &e, &[]).is_ok());
    assert!(verify_consistency(0, 1, &e, &root(1), &[]).is_ok());
    assert!(verify_consistency(1, 1, &root(1), &root(1), &[]).is_ok());
    assert!(verify_consistency(1, 0, &root(1), &e, &[]).is_err());
    assert!(verify_consistency(1, 1, &root(1), &root(2), &[]).is_err());
    assert!(verify_consistency(1, 1, &root(1), &root(1), &[e]).is_err());
    assert!(verify_consistency(0, 1, &e, &root(1), &[e]).is_err());
    assert!(verify_consistency(1, 2, &root(1), &root(2), &[]).is_err());
    assert!(verify_inclusion(&e, 0, 0, &[], &e).is_err());
    assert!(verify_inclusion(&e, 1, 1, &[], &e).is_err());
}
