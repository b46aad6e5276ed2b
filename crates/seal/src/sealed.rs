//! The sealed envelope: a JSON payload with detached Ed25519 signatures over its RFC 8785
//! canonical form. ETR bundles, certificates and log entries are all carried in it, so one
//! verifier checks them all.
//!
//! The file is ordinary pretty JSON that people can read and diff; the signature covers
//! `canonical_json(payload)`, so whitespace and member order in the file do not matter, while
//! any change to a name, value or array order does. Reading is strict: duplicate member names
//! and unknown fields are refused, because two parsers that resolve them differently could
//! otherwise be shown different payloads under one valid signature.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::keys::ALGORITHM;
use crate::{SealError, Signature, SigningKey, VerifyingKey, canonical_json, sha256_hex};

/// The value of [`Sealed::format`] this version writes and reads.
pub const SEALED_FORMAT: &str = "dtsec-sealed/v1";

/// The largest sealed document [`Sealed::from_json`] reads: 256 MB.
pub const MAX_SEALED_BYTES: u64 = 256 * 1024 * 1024;

/// A signed JSON envelope: each signature covers `canonical_json(payload)`.
///
/// Read one with [`Sealed::from_json`] rather than through serde directly: it adds the size limit,
/// the refusal of duplicate member names and the format check.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// Always [`SEALED_FORMAT`] (`"dtsec-sealed/v1"`).
    pub format: String,
    /// What was signed.
    pub payload: Value,
    /// One entry per signer.
    pub signatures: Vec<SignatureEntry>,
}

/// One signature in a [`Sealed`] document.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SignatureEntry {
    /// Always `"ed25519"`.
    pub alg: String,
    /// [`VerifyingKey::key_id`] of the signer: a hint to find the key, not a proof.
    pub key_id: String,
    /// [`Signature::to_base64`] of the signature over `canonical_json(payload)`.
    pub sig: String,
}

/// Seals `payload` with `key`: a [`Sealed`] document with one signature.
///
/// ```
/// use dtsec_seal::{SigningKey, seal};
/// let key = SigningKey::generate();
/// let sealed = seal(serde_json::json!({"verdict": "pass"}), &key);
/// let payload = sealed.verify(&key.verifying_key()).unwrap();
/// assert_eq!(payload["verdict"], "pass");
/// ```
pub fn seal(payload: Value, key: &SigningKey) -> Sealed {
    let mut sealed = Sealed {
        format: SEALED_FORMAT.to_owned(),
        payload,
        signatures: Vec::new(),
    };
    sealed.add_signature(key);
    sealed
}

impl Sealed {
    /// Adds `key`'s signature over the payload (a co-signature), replacing an earlier one by the
    /// same key.
    pub fn add_signature(&mut self, key: &SigningKey) {
        let key_id = key.verifying_key().key_id();
        let sig = key.sign(&canonical_json(&self.payload)).to_base64();
        self.signatures.retain(|e| e.key_id != key_id);
        self.signatures.push(SignatureEntry {
            alg: ALGORITHM.to_owned(),
            key_id,
            sig,
        });
    }

    /// Checks the document against `key` and returns the payload it vouches for.
    ///
    /// Fails with [`SealError::Format`] for another format or algorithm,
    /// [`SealError::UnknownKey`] if no signature names this key, and
    /// [`SealError::SignatureInvalid`] if a signature naming it does not verify (every one that
    /// names it must).
    pub fn verify(&self, key: &VerifyingKey) -> Result<&Value, SealError> {
        if self.format != SEALED_FORMAT {
            return Err(SealError::Format(format!(
                "format is `{}`; this version of dtsec reads `{SEALED_FORMAT}`",
                self.format
            )));
        }
        let key_id = key.key_id();
        let mine: Vec<&SignatureEntry> = self
            .signatures
            .iter()
            .filter(|e| e.key_id == key_id)
            .collect();
        if mine.is_empty() {
            return Err(SealError::UnknownKey { key_id });
        }
        let message = canonical_json(&self.payload);
        for entry in mine {
            if entry.alg != ALGORITHM {
                return Err(SealError::Format(format!(
                    "the signature by key {key_id} uses algorithm `{}`; only `{ALGORITHM}` is supported",
                    entry.alg
                )));
            }
            // A signature that does not even decode was altered just like one that does not
            // verify, so both are reported as an invalid signature.
            let sig =
                Signature::from_base64(&entry.sig).map_err(|_| SealError::SignatureInvalid {
                    key_id: key_id.clone(),
                })?;
            key.verify(&message, &sig)?;
        }
        Ok(&self.payload)
    }

    /// The key ids of the signatures, in order.
    pub fn signed_by(&self) -> Vec<&str> {
        self.signatures.iter().map(|e| e.key_id.as_str()).collect()
    }

    /// `sha256_hex(canonical_json(payload))`: the digest that names this payload, independent of
    /// the file's formatting and of who signed it.
    pub fn payload_sha256(&self) -> String {
        sha256_hex(&canonical_json(&self.payload))
    }

    /// The document as pretty-printed JSON (two-space indent, no trailing newline).
    pub fn to_json_pretty(&self) -> String {
        // Serializing strings, numbers and `Value`s with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a sealed document. Refuses input over [`MAX_SEALED_BYTES`], nesting deeper than
    /// serde_json's limit (128), duplicate member names anywhere, unknown fields, and a
    /// `format` other than [`SEALED_FORMAT`]. It does not check signatures: call
    /// [`Sealed::verify`].
    pub fn from_json(s: &str) -> Result<Self, SealError> {
        let size = s.len() as u64;
        if size > MAX_SEALED_BYTES {
            return Err(SealError::TooLarge {
                size,
                limit: MAX_SEALED_BYTES,
            });
        }
        let mut de = serde_json::Deserializer::from_str(s);
        let value = StrictValue
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| SealError::Format(e.to_string()))?;
        let sealed: Sealed = serde_json::from_value(value)
            .map_err(|e| SealError::Format(format!("not a sealed document: {e}")))?;
        if sealed.format != SEALED_FORMAT {
            return Err(SealError::Format(format!(
                "format is `{}`; this version of dtsec reads `{SEALED_FORMAT}`",
                sealed.format
            )));
        }
        Ok(sealed)
    }
}

/// Deserializes a [`Value`] like serde_json does, but refuses an object with a repeated member
/// name instead of silently keeping the last one.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                return Err(de::Error::custom(format!(
                    "the member name `{name}` appears twice in one object"
                )));
            }
            let value = map.next_value_seed(StrictValue)?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}
