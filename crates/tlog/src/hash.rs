//! Merkle tree hashing as RFC 6962 §2.1 defines it (RFC 9162 §2.1.1 restates it): the hash
//! of an entry and of two children, with distinct prefixes so that a leaf can never be passed
//! off as an interior node.
//!
//! - leaf hash: `SHA-256(0x00 || entry)`
//! - node hash: `SHA-256(0x01 || left || right)`
//! - the Merkle Tree Hash (MTH) of `n` leaves splits at the largest power of two below `n`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::error::ParseError;

/// Bytes in a SHA-256 hash.
pub const HASH_SIZE: usize = 32;

/// A SHA-256 hash: a leaf hash, a node hash or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; HASH_SIZE]);

impl Hash {
    /// The hash in standard base64 (RFC 4648 §4), as checkpoints and tlog-proofs write it.
    #[must_use]
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Reads a hash from canonical standard base64 (exactly 44 characters, padded).
    ///
    /// # Errors
    /// [`ParseError::Hash`] if the text is not canonical base64 of 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self, ParseError> {
        if text.len() != 44 {
            return Err(ParseError::Hash {
                reason: "not 44 base64 characters",
            });
        }
        let bytes = STANDARD.decode(text).map_err(|_| ParseError::Hash {
            reason: "invalid base64",
        })?;
        let array: [u8; HASH_SIZE] = bytes.try_into().map_err(|_| ParseError::Hash {
            reason: "not 32 bytes",
        })?;
        let hash = Self(array);
        // Non-zero trailing bits would give two spellings of one hash; refuse them.
        if hash.to_base64() != text {
            return Err(ParseError::Hash {
                reason: "non-canonical base64",
            });
        }
        Ok(hash)
    }

    /// The hash in lower-case hex.
    #[must_use]
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads a hash from 64 hex digits.
    ///
    /// # Errors
    /// [`ParseError::Hash`] if the text is not 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, ParseError> {
        let bad = ParseError::Hash {
            reason: "not 64 hex digits",
        };
        if text.len() != 2 * HASH_SIZE || !text.is_ascii() {
            return Err(bad);
        }
        let mut out = [0u8; HASH_SIZE];
        for (i, byte) in out.iter_mut().enumerate() {
            let pair = text.get(2 * i..2 * i + 2).ok_or_else(|| bad.clone())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad.clone())?;
        }
        Ok(Self(out))
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

/// The root of the empty tree: `SHA-256()` (RFC 6962 §2.1).
#[must_use]
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// The leaf hash of an entry: `SHA-256(0x00 || entry)` (RFC 6962 §2.1).
#[must_use]
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(entry);
    Hash(h.finalize().into())
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)` (RFC 6962 §2.1).
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut buf = [0u8; 1 + 2 * HASH_SIZE];
    buf[0] = 0x01;
    buf[1..=HASH_SIZE].copy_from_slice(&left.0);
    buf[1 + HASH_SIZE..].copy_from_slice(&right.0);
    Hash(Sha256::digest(buf).into())
}

/// The Merkle Tree Hash (RFC 6962 §2.1) of a sequence of leaf hashes (or of subtree hashes of
/// equal, complete subtrees, as in a tile).
///
/// Computed bottom-up, pairing neighbours and carrying an odd last node up a level, which gives
/// the same tree as the RFC's split at the largest power of two.
#[must_use]
pub fn root_of(hashes: &[Hash]) -> Hash {
    match hashes {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let mut level: Vec<Hash> = hashes.to_vec();
            while level.len() > 1 {
                let mut next = Vec::with_capacity(level.len().div_ceil(2));
                for pair in level.chunks(2) {
                    match pair {
                        [l, r] => next.push(node_hash(l, r)),
                        [odd] => next.push(*odd),
                        _ => {}
                    }
                }
                level = next;
            }
            level.first().copied().unwrap_or_else(empty_root)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_hex_round_trip_and_refuse_non_canonical_forms() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_base64(&h.to_base64()), Ok(h));
        assert_eq!(Hash::from_hex(&h.to_hex()), Ok(h));
        // The last base64 character carries 4 unused bits; flipping them must be refused.
        let mut b64 = h.to_base64();
        let last = b64.remove(42);
        let alt = if last == 'A' { 'B' } else { 'A' };
        b64.insert(42, alt);
        assert!(Hash::from_base64(&b64).is_err() || Hash::from_base64(&b64) != Ok(h));
        assert!(Hash::from_base64("").is_err());
        assert!(Hash::from_hex("zz").is_err());
        assert!(Hash::from_hex(&"é".repeat(32)).is_err());
    }
}
