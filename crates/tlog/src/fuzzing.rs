//! Entry points shared by the cargo-fuzz targets in `fuzz/` and by the plain test that replays
//! the committed corpus (`tests/it/fuzz_corpus.rs`), so CI exercises the parsers on stable Rust.
//! Each function must never panic, whatever the bytes; where a parse succeeds it also checks
//! that the format round-trips exactly (strict parsing means one spelling per value).

use crate::checkpoint::Checkpoint;
use crate::hash::{HASH_SIZE, Hash};
use crate::layout::Tile;
use crate::note::{self, Signer, Verifier};
use crate::proof;
use crate::tile::{encode_bundle, parse_bundle, parse_tile};
use crate::tlog_proof::TlogProof;

/// The key the fuzz corpus is signed with (`fuzz.example/log`, seed of 42s).
#[must_use]
pub fn fuzz_signer() -> Signer {
    Signer::new("fuzz.example/log", &[42; 32]).unwrap_or_else(|_| unreachable!())
}

/// The fuzz key's verifier, derived once: deriving it is an Ed25519 key generation, which cost
/// more than parsing a typical input and was paid by every input of `checkpoint` and `proofs`.
fn verifier() -> &'static Verifier {
    static VERIFIER: std::sync::OnceLock<Verifier> = std::sync::OnceLock::new();
    VERIFIER.get_or_init(|| fuzz_signer().verifier())
}

/// Signed notes, checkpoints and key strings.
pub fn checkpoint(data: &[u8]) {
    if let Ok(n) = note::parse(data) {
        assert!(n.signatures.len() <= note::MAX_SIGNATURES);
    }
    let _ = Checkpoint::open(data, verifier());
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(c) = Checkpoint::parse_text(text) {
            assert_eq!(c.to_text(), text, "a checkpoint text has one spelling");
        }
        if let Ok(v) = Verifier::from_vkey(text) {
            assert_eq!(v.to_vkey(), text);
        }
        if let Ok(s) = Signer::from_skey(text) {
            assert_eq!(s.to_skey(), text);
        }
    }
}

/// Tile paths, tiles and entry bundles.
pub fn tiles(data: &[u8]) {
    if let Ok(path) = std::str::from_utf8(data)
        && let Ok(t) = Tile::parse_path(path)
    {
        assert_eq!(t.path(), path, "a tile path has one spelling");
    }
    if let Ok(entries) = parse_bundle(data) {
        let again = encode_bundle(&entries).unwrap_or_default();
        assert_eq!(again, data, "a bundle has one encoding");
    }
    if let Some((&w, rest)) = data.split_first()
        && let Ok(hashes) = parse_tile(rest, u16::from(w))
    {
        assert_eq!(hashes.len(), usize::from(w));
    }
}

/// tlog-proofs, and raw proof verification with arbitrary sizes, indices and hashes.
pub fn proofs(data: &[u8]) {
    if let Ok(p) = TlogProof::parse(data) {
        assert_eq!(
            p.to_text().as_bytes(),
            data,
            "a tlog-proof has one spelling"
        );
        let _ = p.verify(b"entry", verifier());
    }
    let word = |i: usize| {
        let mut b = [0u8; 8];
        for (j, x) in b.iter_mut().enumerate() {
            *x = data.get(i * 8 + j).copied().unwrap_or(0);
        }
        u64::from_le_bytes(b)
    };
    let (a, b) = (word(0), word(1));
    let hashes: Vec<Hash> = data
        .get(16..)
        .unwrap_or_default()
        .chunks_exact(HASH_SIZE)
        .map(|c| {
            let mut h = [0u8; HASH_SIZE];
            h.copy_from_slice(c);
            Hash(h)
        })
        .collect();
    let (first, rest) = hashes
        .split_first()
        .map_or((Hash::default(), &[][..]), |(f, r)| (*f, r));
    let _ = proof::verify_inclusion(&first, a, b, rest, &first);
    let _ = proof::verify_consistency(a, b, &first, &first, rest);
    let _ = proof::verify_consistency(a % 1024, b % 2048, &first, &first, rest);
    let _ = proof::verify_inclusion(&first, a % 1024, b % 2048, rest, &first);
}
