//! Checkpoints (c2sp.org/tlog-checkpoint): the signed statement "log `origin` had `size`
//! entries with root `root`", as the note text
//!
//! ```text
//! <origin>
//! <size in decimal, no leading zeroes>
//! <base64 root hash>
//! [extension lines]
//! ```
//!
//! signed as a note ([`crate::note`]). A dtsec log names its key after its origin, so a
//! checkpoint is accepted only when the verifier's key name is the checkpoint's origin: a
//! checkpoint of one log can never be passed off as another's.

use crate::error::{Error, NoteError, ParseError};
use crate::hash::Hash;
use crate::note::{self, Signer, Verifier};

/// A tree head: the log's origin, size and root hash ("Note text").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity, conventionally a schema-less URL (`example.com/log`).
    pub origin: String,
    /// Entries in the tree.
    pub size: u64,
    /// The RFC 6962 Merkle tree hash of those entries.
    pub root: Hash,
    /// Opaque extension lines (not recommended by the spec; dtsec writes none).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text, ending in a newline.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        );
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Reads a note text strictly: at least three lines, a non-empty origin, a decimal size
    /// without leading zeroes, a canonical base64 32-byte root, non-empty extension lines,
    /// and a final newline.
    ///
    /// # Errors
    /// [`ParseError::Checkpoint`] naming the broken rule.
    pub fn parse_text(text: &str) -> Result<Self, ParseError> {
        let bad = |reason| ParseError::Checkpoint { reason };
        let body = text
            .strip_suffix('\n')
            .ok_or(bad("does not end in a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(bad("empty origin line"));
        }
        if origin.chars().any(char::is_control) {
            return Err(bad("control character in the origin"));
        }
        let size = lines.next().ok_or(bad("no tree size line"))?;
        let size_ok = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        if !size_ok {
            return Err(bad("the tree size is not a decimal without leading zeroes"));
        }
        let size: u64 = size
            .parse()
            .map_err(|_| bad("the tree size exceeds 2^64"))?;
        let root = lines.next().ok_or(bad("no root hash line"))?;
        let root =
            Hash::from_base64(root).map_err(|_| bad("the root hash is not base64 of 32 bytes"))?;
        let mut extensions = Vec::new();
        for line in lines {
            if line.is_empty() {
                return Err(bad("empty extension line"));
            }
            if line.chars().any(char::is_control) {
                return Err(bad("control character in an extension line"));
            }
            extensions.push(line.to_string());
        }
        Ok(Self {
            origin: origin.into(),
            size,
            root,
            extensions,
        })
    }

    /// The signed checkpoint: the note text and the signer's signature line.
    ///
    /// # Errors
    /// [`ParseError`] if the checkpoint could not be read back (an origin with a newline, an
    /// empty extension line).
    pub fn sign(&self, signer: &Signer) -> Result<String, ParseError> {
        let text = self.to_text();
        if Self::parse_text(&text)? != *self {
            return Err(ParseError::Checkpoint {
                reason: "does not survive a round trip through its text",
            });
        }
        note::sign(&text, &[signer])
    }

    /// Verifies a signed checkpoint by the log whose key is `verifier`, and reads it.
    ///
    /// # Errors
    /// [`Error::Note`] if no valid signature by `verifier` is present, [`Error::Parse`] if the
    /// text is not a checkpoint, [`Error::WrongLog`] if its origin is not the key's name.
    pub fn open(signed: &[u8], verifier: &Verifier) -> Result<Self, Error> {
        let (note, _) = note::open(signed, std::slice::from_ref(verifier))?;
        let checkpoint = Self::parse_text(&note.text).map_err(NoteError::from)?;
        if checkpoint.origin != verifier.name() {
            return Err(Error::WrongLog {
                expected: verifier.name().into(),
                found: checkpoint.origin,
            });
        }
        Ok(checkpoint)
    }
}
