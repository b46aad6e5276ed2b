//! Signed notes (c2sp.org/signed-note) with Ed25519 keys, and the key encodings of the Go
//! reference implementation (`golang.org/x/mod/sumdb/note`), which the wider ecosystem
//! (witnesses, monitors, Sigsum, Sunlight) uses to name a log's public key:
//!
//! - verifier key: `<name>+<8 hex digits of key ID>+<base64(0x01 || 32-byte public key)>`
//! - signer key: `PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte seed)>`
//! - key ID: `SHA-256(name || 0x0A || 0x01 || public key)[:4]` ("Ed25519 signatures")
//!
//! A note is text ending in a newline, a blank line, then signature lines
//! `— <name> <base64(key ID || signature)>` ("Format"). Parsing is strict: UTF-8, no control
//! characters other than newline, canonical base64, at most [`MAX_SIGNATURES`] signatures.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{NoteError, ParseError};

/// The signature type byte of Ed25519 ("Signature types").
pub const ED25519: u8 = 0x01;
/// The most signature lines a note may carry; the spec requires accepting at least 16.
pub const MAX_SIGNATURES: usize = 100;
/// The largest note accepted, in bytes.
pub const MAX_NOTE_SIZE: usize = 1 << 20;

const SIG_PREFIX: &str = "\u{2014} ";

/// Whether `name` may name a key: non-empty, without Unicode spaces or `+` ("Format").
#[must_use]
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

/// The key ID of an Ed25519 key (`SHA-256(name || 0x0A || 0x01 || key)[:4]`, big-endian).
#[must_use]
pub fn key_id(name: &str, key: &VerifyingKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(key.as_bytes());
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A public key that checks a log's (or a witness's) signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

impl Verifier {
    /// A verifier for `key` under `name`.
    ///
    /// # Errors
    /// [`ParseError::Key`] if the name is not a valid key name.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, ParseError> {
        if !is_valid_key_name(name) {
            return Err(ParseError::Key {
                reason: "invalid key name",
            });
        }
        Ok(Self {
            name: name.into(),
            id: key_id(name, &key),
            key,
        })
    }

    /// Reads `<name>+<hex key ID>+<base64(0x01 || key)>`.
    ///
    /// # Errors
    /// [`ParseError::Key`] if the string is malformed, names another algorithm, or its key ID
    /// is not the one its name and key give.
    pub fn from_vkey(vkey: &str) -> Result<Self, ParseError> {
        let (name, id, key) = split_key(vkey)?;
        let key: [u8; 32] = key.try_into().map_err(|_| ParseError::Key {
            reason: "an Ed25519 public key is 32 bytes",
        })?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| ParseError::Key {
            reason: "not an Ed25519 public key",
        })?;
        let v = Self::new(name, key)?;
        if v.id != id {
            return Err(ParseError::Key {
                reason: "the key ID does not match the name and key",
            });
        }
        Ok(v)
    }

    /// The `<name>+<hex key ID>+<base64(0x01 || key)>` form.
    #[must_use]
    pub fn to_vkey(&self) -> String {
        let mut material = vec![ED25519];
        material.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.id,
            STANDARD.encode(material)
        )
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    #[must_use]
    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// The public key.
    #[must_use]
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// A private key that signs notes. Its `Debug` form hides the key.
#[derive(Clone)]
pub struct Signer {
    name: String,
    id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({}+{:08x})", self.name, self.id)
    }
}

impl Signer {
    /// A signer from a 32-byte Ed25519 seed (RFC 8032 private key). The caller supplies the
    /// randomness: this crate generates no keys.
    ///
    /// # Errors
    /// [`ParseError::Key`] if the name is not a valid key name.
    pub fn new(name: &str, seed: &[u8; 32]) -> Result<Self, ParseError> {
        let key = SigningKey::from_bytes(seed);
        let v = Verifier::new(name, key.verifying_key())?;
        Ok(Self {
            name: v.name,
            id: v.id,
            key,
        })
    }

    /// Reads `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`.
    ///
    /// # Errors
    /// [`ParseError::Key`] if the string is malformed or its key ID is wrong.
    pub fn from_skey(skey: &str) -> Result<Self, ParseError> {
        let rest = skey.strip_prefix("PRIVATE+KEY+").ok_or(ParseError::Key {
            reason: "a signer key starts with PRIVATE+KEY+",
        })?;
        let (name, id, seed) = split_key(rest)?;
        let seed: [u8; 32] = seed.try_into().map_err(|_| ParseError::Key {
            reason: "an Ed25519 seed is 32 bytes",
        })?;
        let s = Self::new(name, &seed)?;
        if s.id != id {
            return Err(ParseError::Key {
                reason: "the key ID does not match the name and key",
            });
        }
        Ok(s)
    }

    /// The `PRIVATE+KEY+...` form. It contains the private key: store it as a secret.
    #[must_use]
    pub fn to_skey(&self) -> String {
        let mut material = vec![ED25519];
        material.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            STANDARD.encode(material)
        )
    }

    /// The matching verifier.
    #[must_use]
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signature line for `text`: `— <name> <base64(key ID || signature)>\n`.
    fn signature_line(&self, text: &str) -> String {
        let sig = self.key.sign(text.as_bytes());
        let mut blob = self.id.to_be_bytes().to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        format!("{SIG_PREFIX}{} {}\n", self.name, STANDARD.encode(blob))
    }
}

/// Splits `<name>+<8 hex>+<base64(0x01 || material)>` (the base64 may itself contain `+`).
fn split_key(s: &str) -> Result<(&str, u32, Vec<u8>), ParseError> {
    let bad = |reason| ParseError::Key { reason };
    let (name, rest) = s.split_once('+').ok_or(bad("no + after the key name"))?;
    let (id, material) = rest.split_once('+').ok_or(bad("no + after the key ID"))?;
    if !is_valid_key_name(name) {
        return Err(bad("invalid key name"));
    }
    if id.len() != 8 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(bad("the key ID is not 8 lower-case hex digits"));
    }
    let id = u32::from_str_radix(id, 16).map_err(|_| bad("the key ID is not hex"))?;
    let material = STANDARD
        .decode(material)
        .map_err(|_| bad("the key is not base64"))?;
    match material.split_first() {
        Some((&ED25519, key)) => Ok((name, id, key.to_vec())),
        Some(_) => Err(bad("not an Ed25519 key (type byte 0x01)")),
        None => Err(bad("empty key")),
    }
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key ID (first four bytes of the decoded blob).
    pub key_id: u32,
    /// The signature proper (the rest of the blob).
    pub signature: Vec<u8>,
}

/// A parsed signed note. Its text must be ignored until [`open`] has verified it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    /// The signature lines, in order.
    pub signatures: Vec<NoteSignature>,
}

/// Parses a signed note without verifying it.
///
/// # Errors
/// [`ParseError::Note`] for anything that breaks the format.
pub fn parse(note: &[u8]) -> Result<Note, ParseError> {
    let bad = |reason| ParseError::Note { reason };
    if note.len() > MAX_NOTE_SIZE {
        return Err(bad("larger than 1 MiB"));
    }
    let s = std::str::from_utf8(note).map_err(|_| bad("not UTF-8"))?;
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(bad("a control character other than newline"));
    }
    let split = s
        .rfind("\n\n")
        .ok_or(bad("no blank line before the signatures"))?;
    let (text, sigs) = (&s[..=split], &s[split + 2..]);
    if !sigs.ends_with('\n') {
        return Err(bad("the last signature line does not end in a newline"));
    }
    let mut signatures = Vec::new();
    for line in sigs[..sigs.len() - 1].split('\n') {
        if signatures.len() == MAX_SIGNATURES {
            return Err(bad("more than 100 signatures"));
        }
        let rest = line.strip_prefix(SIG_PREFIX).ok_or(bad(
            "a signature line does not start with an em dash and a space",
        ))?;
        let (name, blob) = rest
            .split_once(' ')
            .ok_or(bad("a signature line has no space after the key name"))?;
        if !is_valid_key_name(name) {
            return Err(bad("invalid key name in a signature line"));
        }
        let blob = STANDARD
            .decode(blob)
            .map_err(|_| bad("a signature is not base64"))?;
        if blob.len() < 5 {
            return Err(bad("a signature is shorter than a key ID and one byte"));
        }
        let (id, signature) = blob.split_at(4);
        signatures.push(NoteSignature {
            name: name.into(),
            key_id: u32::from_be_bytes([id[0], id[1], id[2], id[3]]),
            signature: signature.to_vec(),
        });
    }
    Ok(Note {
        text: text.into(),
        signatures,
    })
}

/// Signs `text` (which must end in a newline and follow the note format) with each signer.
///
/// # Errors
/// [`ParseError::Note`] if the text could not be read back as the text of a note.
pub fn sign(text: &str, signers: &[&Signer]) -> Result<String, ParseError> {
    if signers.is_empty() || signers.len() > MAX_SIGNATURES {
        return Err(ParseError::Note {
            reason: "a note needs between 1 and 100 signatures",
        });
    }
    let mut out = String::with_capacity(text.len() + 1 + 120 * signers.len());
    out.push_str(text);
    out.push('\n');
    for s in signers {
        out.push_str(&s.signature_line(text));
    }
    // Refuse to sign anything that would not parse back to exactly this text.
    let back = parse(out.as_bytes())?;
    if back.text != text {
        return Err(ParseError::Note {
            reason: "the text must end in a newline and contain no blank last line",
        });
    }
    Ok(out)
}

/// Parses a note and verifies it against trusted keys ("Signatures"): signatures by unknown
/// keys are ignored, a signature by a known key that fails rejects the note, and at least one
/// known key must have signed. Returns the note and the names of the keys that verified.
///
/// # Errors
/// [`NoteError::Parse`], [`NoteError::InvalidSignature`] or [`NoteError::Unverified`].
pub fn open(note: &[u8], verifiers: &[Verifier]) -> Result<(Note, Vec<String>), NoteError> {
    let parsed = parse(note)?;
    let mut verified: Vec<String> = Vec::new();
    for sig in &parsed.signatures {
        let Some(v) = verifiers
            .iter()
            .find(|v| v.name == sig.name && v.id == sig.key_id)
        else {
            continue;
        };
        let invalid = || NoteError::InvalidSignature {
            name: sig.name.clone(),
            key_id: sig.key_id,
        };
        let bytes: [u8; 64] = sig.signature.as_slice().try_into().map_err(|_| invalid())?;
        v.key
            .verify_strict(parsed.text.as_bytes(), &Signature::from_bytes(&bytes))
            .map_err(|_| invalid())?;
        if !verified.contains(&v.name) {
            verified.push(v.name.clone());
        }
    }
    if verified.is_empty() {
        return Err(NoteError::Unverified {
            signers: parsed.signatures.iter().map(|s| s.name.clone()).collect(),
        });
    }
    Ok((parsed, verified))
}
