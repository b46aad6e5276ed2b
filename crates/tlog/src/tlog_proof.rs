//! Offline proofs of inclusion (c2sp.org/tlog-proof): an entry's index, its inclusion proof
//! and the signed checkpoint it leads to, in one text file that anyone holding the log's
//! public key can check without contacting the log.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! [extra <base64>]
//! index <decimal>
//! <base64 hash>      (zero or more, from the leaf's sibling up)
//!
//! <signed checkpoint, verbatim>
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::checkpoint::Checkpoint;
use crate::error::{Error, ParseError};
use crate::hash::{Hash, leaf_hash};
use crate::note::Verifier;
use crate::proof;

/// The first line of a tlog-proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A parsed tlog-proof. Nothing in it is trusted until [`TlogProof::verify`] has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque, unauthenticated extra data ("Applications MUST NOT implicitly trust" it).
    pub extra: Option<Vec<u8>>,
    /// The entry's index in the log.
    pub index: u64,
    /// The inclusion proof, from the leaf's sibling up to the root's child.
    pub proof: Vec<Hash>,
    /// The signed checkpoint, verbatim.
    pub checkpoint: String,
}

impl TlogProof {
    /// The text form.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            out.push_str(&h.to_base64());
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Reads the text form strictly (the checkpoint is kept verbatim and checked by
    /// [`TlogProof::verify`]).
    ///
    /// # Errors
    /// [`ParseError::TlogProof`] naming the broken rule.
    pub fn parse(text: &[u8]) -> Result<Self, ParseError> {
        let bad = |reason| ParseError::TlogProof { reason };
        if text.len() > crate::note::MAX_NOTE_SIZE {
            return Err(bad("larger than 1 MiB"));
        }
        let text = std::str::from_utf8(text).map_err(|_| bad("not UTF-8"))?;
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or(bad("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(bad("the first line is not c2sp.org/tlog-proof@v1"));
        }
        let mut line = lines.next().ok_or(bad("no index line"))?;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix("extra ") {
            extra = Some(
                STANDARD
                    .decode(b64)
                    .map_err(|_| bad("the extra data is not base64"))?,
            );
            line = lines.next().ok_or(bad("no index line"))?;
        }
        let index = line.strip_prefix("index ").ok_or(bad("no index line"))?;
        let index_ok = !index.is_empty()
            && index.bytes().all(|b| b.is_ascii_digit())
            && (index == "0" || !index.starts_with('0'));
        if !index_ok {
            return Err(bad("the index is not a decimal without leading zeroes"));
        }
        let index = index.parse().map_err(|_| bad("the index exceeds 2^64"))?;
        let mut proof = Vec::new();
        for line in lines {
            if proof.len() == 64 {
                return Err(bad("more than 64 proof hashes"));
            }
            proof.push(Hash::from_base64(line).map_err(|_| bad("a proof line is not a hash"))?);
        }
        Ok(Self {
            extra,
            index,
            proof,
            checkpoint: checkpoint.into(),
        })
    }

    /// Verifies that `entry` is in the log whose key is `verifier`: the checkpoint is signed
    /// by that key and the proof leads from the entry to its root. Returns the checkpoint.
    ///
    /// # Errors
    /// [`Error::Note`] or [`Error::WrongLog`] for the checkpoint, [`Error::Proof`] for the
    /// proof.
    pub fn verify(&self, entry: &[u8], verifier: &Verifier) -> Result<Checkpoint, Error> {
        let checkpoint = Checkpoint::open(self.checkpoint.as_bytes(), verifier)?;
        proof::verify_inclusion(
            &leaf_hash(entry),
            self.index,
            checkpoint.size,
            &self.proof,
            &checkpoint.root,
        )?;
        Ok(checkpoint)
    }
}
