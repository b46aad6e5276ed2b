//! Ed25519 keys and signatures behind small wrapper types, so the rest of dtsec never touches
//! the cryptography crate directly and the key formats (PKCS#8 and SPKI PEM, key ids, base64
//! signatures) are decided in one place.
//!
//! Verification is strict (ed25519-dalek's `verify_strict`): non-canonical signatures and weak
//! (small-order) public keys are refused, so a signature cannot be altered into another valid one.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer as _;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};

use crate::{SealError, sha256_hex};

/// The name of the only signature algorithm, as written in [`crate::SignatureEntry::alg`].
pub const ALGORITHM: &str = "ed25519";

/// An Ed25519 secret key. Its `Debug` shows only the key id; the secret is written out only by
/// [`SigningKey::to_pkcs8_pem`] and is zeroed in memory when the key is dropped.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

/// An Ed25519 signature (64 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Signature(ed25519_dalek::Signature);

impl SigningKey {
    /// A new random key from the operating system's random number generator.
    pub fn generate() -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng))
    }

    /// The key whose 32-byte secret seed is `seed`. For reproducible test keys; real keys come
    /// from [`SigningKey::generate`].
    pub fn from_seed(seed: &[u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// Its public half.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }

    /// The key as PKCS#8 v1 PEM (`-----BEGIN PRIVATE KEY-----`, RFC 8410), byte for byte as
    /// `openssl genpkey -algorithm ed25519` writes it. This is the secret: write it only to a
    /// file of mode 0600.
    pub fn to_pkcs8_pem(&self) -> String {
        // The v1 form, without the optional public key: ed25519-dalek's default v2 form (RFC 5958
        // with the public key) is refused by OpenSSL 3.0 ("unsupported"), and the public key
        // is derived from the secret anyway.
        let bytes = KeypairBytes {
            secret_key: self.0.to_bytes(),
            public_key: None,
        };
        // Encoding 32 bytes into PKCS#8 cannot fail; an empty string would be refused on reading.
        bytes
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.as_str().to_owned())
            .unwrap_or_default()
    }

    /// Reads a PKCS#8 PEM Ed25519 private key (as written by [`SigningKey::to_pkcs8_pem`] or
    /// `openssl genpkey -algorithm ed25519`). If the file also carries the public key, it must
    /// match the secret one.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, SealError> {
        let pem = pem.trim();
        if pem.contains("-----BEGIN PUBLIC KEY-----") {
            return Err(SealError::KeyFormat(
                "this is a public key; signing needs the secret key (the .key file)".into(),
            ));
        }
        if let Some(reason) = unsupported_pem(pem) {
            return Err(SealError::KeyFormat(reason));
        }
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map(SigningKey)
            .map_err(|e| {
                SealError::KeyFormat(format!("not a PKCS#8 PEM Ed25519 private key ({e})"))
            })
    }

    /// Signs `msg`. Ed25519 signatures are deterministic: the same key and message give the
    /// same signature.
    pub fn sign(&self, msg: &[u8]) -> Signature {
        Signature(self.0.sign(msg))
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.verifying_key().key_id())
            .finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`, RFC 8410), the form
    /// `openssl pkey -pubout` writes.
    pub fn to_public_pem(&self) -> String {
        // Encoding 32 bytes into SPKI cannot fail; an empty string would be refused on reading.
        self.0.to_public_key_pem(LineEnding::LF).unwrap_or_default()
    }

    /// Reads a SubjectPublicKeyInfo PEM Ed25519 public key.
    pub fn from_public_pem(pem: &str) -> Result<Self, SealError> {
        let pem = pem.trim();
        if pem.contains("PRIVATE KEY-----") {
            return Err(SealError::KeyFormat(
                "this is a secret key where a public key was expected".into(),
            ));
        }
        if let Some(reason) = unsupported_pem(pem) {
            return Err(SealError::KeyFormat(reason));
        }
        let key = ed25519_dalek::VerifyingKey::from_public_key_pem(pem).map_err(|e| {
            SealError::KeyFormat(format!("not an SPKI PEM Ed25519 public key ({e})"))
        })?;
        Self::checked(key)
    }

    /// The key id: the first 16 hex digits of the SHA-256 of the raw 32-byte key. Used to say
    /// which key made a signature; it identifies a key but proves nothing by itself.
    pub fn key_id(&self) -> String {
        let mut id = sha256_hex(self.0.as_bytes());
        id.truncate(16);
        id
    }

    /// Checks that `sig` is this key's signature of `msg`.
    pub fn verify(&self, msg: &[u8], sig: &Signature) -> Result<(), SealError> {
        self.0
            .verify_strict(msg, &sig.0)
            .map_err(|_| SealError::SignatureInvalid {
                key_id: self.key_id(),
            })
    }

    /// The raw 32-byte key (RFC 8032 encoding).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key whose raw RFC 8032 encoding is `bytes`. Bytes that are not a point on the curve,
    /// or are a weak (small-order) point, are refused.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, SealError> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| {
            SealError::KeyFormat("32 bytes that are not an Ed25519 public key".into())
        })?;
        Self::checked(key)
    }

    fn checked(key: ed25519_dalek::VerifyingKey) -> Result<Self, SealError> {
        if key.is_weak() {
            return Err(SealError::KeyFormat(
                "a weak (small-order) Ed25519 public key, which proves nothing".into(),
            ));
        }
        Ok(VerifyingKey(key))
    }
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("key_id", &self.key_id())
            .finish()
    }
}

impl Signature {
    /// The 64 signature bytes in standard, padded base64 (RFC 4648 §4).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }

    /// Reads a signature written by [`Signature::to_base64`].
    pub fn from_base64(s: &str) -> Result<Self, SealError> {
        let bytes = STANDARD
            .decode(s.trim())
            .map_err(|e| SealError::Format(format!("a signature is not valid base64 ({e})")))?;
        let bytes: [u8; 64] = bytes.as_slice().try_into().map_err(|_| {
            SealError::Format(format!(
                "a signature is {} bytes long; an Ed25519 signature has 64",
                bytes.len()
            ))
        })?;
        Ok(Signature(ed25519_dalek::Signature::from_bytes(&bytes)))
    }

    /// The raw 64 signature bytes.
    pub fn to_bytes(&self) -> [u8; 64] {
        self.0.to_bytes()
    }
}

/// Recognises the PEM kinds people commonly hand over by mistake, to name them in the error.
fn unsupported_pem(pem: &str) -> Option<String> {
    let reason = if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        "the key is encrypted with a passphrase; dtsec reads unencrypted PKCS#8 keys \
         (`openssl pkey -in KEY -out PLAIN.key`)"
    } else if pem.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
        "this is an OpenSSH key; dtsec reads PKCS#8 PEM keys (`dtsec keys new`)"
    } else if pem.contains("-----BEGIN RSA PRIVATE KEY-----")
        || pem.contains("-----BEGIN EC PRIVATE KEY-----")
    {
        "this is an RSA or EC key; dtsec signs with Ed25519 only"
    } else if pem.contains("-----BEGIN CERTIFICATE-----") {
        "this is an X.509 certificate; give the public key itself (`openssl x509 -pubkey -noout`)"
    } else if !pem.contains("-----BEGIN ") {
        "the text is not PEM (no `-----BEGIN` line)"
    } else {
        return None;
    };
    Some(reason.to_owned())
}
