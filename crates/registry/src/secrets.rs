//! Passwords and API tokens.
//!
//! Passwords are hashed with Argon2id (PHC string, salt from the OS RNG); the parameters are
//! inside the hash, so raising the cost later still verifies old hashes. API tokens are 32 random
//! bytes shown to the user once (`dtsec_…`); only their SHA-256 is stored, so a database leak
//! does not leak usable tokens, and lookup is one indexed equality.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use rand_core::{OsRng, RngCore};

use crate::error::RegistryError;

/// How expensive password hashing is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PasswordCost {
    /// OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane. Use this in production.
    #[default]
    Standard,
    /// 1 MiB, 1 pass: for tests and the demo only, where hundreds of hashes would be slow.
    Fast,
}

fn argon2(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::Fast => Params::new(1024, 1, 1, None),
    }
    .unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Hashes a password (Argon2id PHC string).
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, RegistryError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(RegistryError::invalid(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(RegistryError::invalid("a password has at most 1024 bytes"));
    }
    let salt = SaltString::generate(&mut OsRng);
    argon2(cost)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| RegistryError::invalid(format!("cannot hash password: {e}")))
}

/// True when `password` matches the stored hash. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    // The parameters come from the hash itself.
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// The prefix of every API token, so a leaked one is recognisable by secret scanners.
pub const TOKEN_PREFIX: &str = "dtsec_";

/// A new API token: (the secret to show once, its SHA-256 to store).
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let digest = dtsec_seal::sha256_hex(secret.as_bytes());
    (secret, digest)
}

/// The stored form of a token the client presents.
pub fn token_digest(secret: &str) -> String {
    dtsec_seal::sha256_hex(secret.trim().as_bytes())
}

/// A new browser session id or CSRF token: 32 random bytes, URL-safe base64 (cookie-safe).
pub fn new_session_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A random id (16 bytes, hex), used as primary key.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("correct horse battery", PasswordCost::Fast).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(hash_password("short", PasswordCost::Fast).is_err());
        let (secret, digest) = new_token();
        assert!(secret.starts_with(TOKEN_PREFIX));
        assert_eq!(token_digest(&secret), digest);
        assert_eq!(new_id().len(), 32);
    }
}
