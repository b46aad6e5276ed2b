//! Keys and key files: PEM round trips, refusing bad input without panicking, file modes, never
//! overwriting a key by accident, and interoperation with OpenSSL where it is installed.

use std::path::Path;
use std::process::Command;

use dtsec_seal::{
    KeyFile, SealError, Signature, SigningKey, VerifyingKey, load_key_file, load_signing_key,
    load_verifying_key, sha256_hex, write_key_pair,
};

#[test]
fn pem_round_trip() {
    let k = SigningKey::generate();
    let pem = k.to_pkcs8_pem();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let back = SigningKey::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(back.verifying_key(), k.verifying_key());

    let public = k.verifying_key().to_public_pem();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert_eq!(
        VerifyingKey::from_public_pem(&public).unwrap(),
        k.verifying_key()
    );
    // Surrounding whitespace, as in a file with a blank line at its end, is accepted.
    assert!(VerifyingKey::from_public_pem(&format!("\n{public}\n\n")).is_ok());
}

#[test]
fn generated_keys_differ() {
    assert_ne!(
        SigningKey::generate().verifying_key(),
        SigningKey::generate().verifying_key()
    );
}

#[test]
fn key_id_is_first_16_hex_of_sha256_of_raw_key() {
    let vk = SigningKey::from_seed(&[7; 32]).verifying_key();
    let id = vk.key_id();
    assert_eq!(id.len(), 16);
    assert_eq!(id, sha256_hex(&vk.to_bytes())[..16]);
    assert_eq!(VerifyingKey::from_bytes(&vk.to_bytes()).unwrap(), vk);
}

/// RFC 8032 §7.1, test 2: a known key signs a known message to a known signature.
#[test]
fn rfc_8032_test_vector() {
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let seed: [u8; 32] = hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        .try_into()
        .unwrap();
    let k = SigningKey::from_seed(&seed);
    assert_eq!(
        k.verifying_key().to_bytes().to_vec(),
        hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
    );
    let sig = k.sign(&[0x72]);
    assert_eq!(
        sig.to_bytes().to_vec(),
        hex(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        )
    );
    k.verifying_key().verify(&[0x72], &sig).unwrap();
    assert!(matches!(
        k.verifying_key().verify(&[0x73], &sig),
        Err(SealError::SignatureInvalid { .. })
    ));
}

#[test]
fn signature_base64_round_trip_and_errors() {
    let sig = SigningKey::from_seed(&[1; 32]).sign(b"hello");
    let b64 = sig.to_base64();
    assert_eq!(b64.len(), 88);
    assert_eq!(Signature::from_base64(&b64).unwrap(), sig);
    for bad in ["", "!!!!", "AAAA", &b64[..80]] {
        assert!(
            matches!(Signature::from_base64(bad), Err(SealError::Format(_))),
            "{bad}"
        );
    }
}

#[test]
fn bad_pem_is_a_key_format_error() {
    let public = SigningKey::generate().verifying_key().to_public_pem();
    let secret = SigningKey::generate().to_pkcs8_pem();
    let truncated = &secret[..secret.len() / 2];
    let corrupted = secret.replacen('M', "N", 1);
    let cases: &[(&str, &str)] = &[
        ("", "not PEM"),
        ("hello", "not PEM"),
        (
            "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n",
            "PKCS#8",
        ),
        (truncated, "PKCS#8"),
        (&corrupted, "PKCS#8"),
        (&public, "public key"),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "encrypted",
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAA==\n-----END OPENSSH PRIVATE KEY-----\n",
            "OpenSSH",
        ),
    ];
    for (pem, why) in cases {
        match SigningKey::from_pkcs8_pem(pem) {
            Err(SealError::KeyFormat(m)) => {
                assert!(m.contains(why), "{m:?} should mention {why:?}")
            }
            other => panic!("expected KeyFormat for {pem:?}, got {other:?}"),
        }
    }
    for pem in [
        "",
        "junk",
        &secret,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    ] {
        assert!(
            matches!(
                VerifyingKey::from_public_pem(pem),
                Err(SealError::KeyFormat(_))
            ),
            "{pem}"
        );
    }
}

/// An RSA public key in valid SPKI PEM is refused as not Ed25519.
#[test]
fn other_algorithms_are_refused() {
    let rsa_spki = "-----BEGIN PUBLIC KEY-----\n\
        MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n\
        9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n\
        -----END PUBLIC KEY-----\n";
    assert!(matches!(
        VerifyingKey::from_public_pem(rsa_spki),
        Err(SealError::KeyFormat(_))
    ));
}

/// The identity point and other small-order points are refused: they would "verify" forged
/// signatures.
#[test]
fn weak_public_keys_are_refused() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(
        matches!(VerifyingKey::from_bytes(&identity), Err(SealError::KeyFormat(m)) if m.contains("weak"))
    );
}

#[test]
fn debug_never_shows_the_secret() {
    let k = SigningKey::from_seed(&[0xab; 32]);
    let shown = format!("{k:?}");
    assert!(shown.contains(&k.verifying_key().key_id()));
    assert!(!shown.contains("171, 171") && !shown.to_lowercase().contains("abab"));
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn write_key_pair_writes_both_files_with_modes() {
    let dir = tempfile::tempdir().unwrap();
    let k = SigningKey::generate();
    let (key_path, pub_path) = write_key_pair(&dir.path().join("sub/lab.v2"), &k, false).unwrap();
    assert_eq!(key_path, dir.path().join("sub/lab.v2.key"));
    assert_eq!(pub_path, dir.path().join("sub/lab.v2.pub"));
    #[cfg(unix)]
    {
        assert_eq!(mode(&key_path), 0o600);
        assert_eq!(
            mode(&pub_path) & 0o077,
            mode(&pub_path) & 0o044,
            "public key is not group/other writable"
        );
    }
    assert_eq!(
        load_signing_key(&key_path).unwrap().verifying_key(),
        k.verifying_key()
    );
    assert_eq!(load_verifying_key(&pub_path).unwrap(), k.verifying_key());
    assert_eq!(load_verifying_key(&key_path).unwrap(), k.verifying_key());
    assert!(matches!(
        load_key_file(&pub_path).unwrap(),
        KeyFile::Public(_)
    ));
    assert!(matches!(
        load_key_file(&key_path).unwrap(),
        KeyFile::Secret(_)
    ));
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn write_key_pair_refuses_to_overwrite_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("lab");
    let first = SigningKey::generate();
    let (key_path, pub_path) = write_key_pair(&prefix, &first, false).unwrap();

    let second = SigningKey::generate();
    match write_key_pair(&prefix, &second, false) {
        Err(SealError::KeyExists { path }) => assert_eq!(path, key_path),
        other => panic!("expected KeyExists, got {other:?}"),
    }
    assert_eq!(
        load_verifying_key(&key_path).unwrap(),
        first.verifying_key()
    );

    // Only the .pub being there is enough to refuse, and nothing is written.
    std::fs::remove_file(&key_path).unwrap();
    assert!(
        matches!(write_key_pair(&prefix, &second, false), Err(SealError::KeyExists { path }) if path == pub_path)
    );
    assert!(!key_path.exists());

    write_key_pair(&prefix, &second, true).unwrap();
    assert_eq!(
        load_verifying_key(&key_path).unwrap(),
        second.verifying_key()
    );
    assert_eq!(
        load_verifying_key(&pub_path).unwrap(),
        second.verifying_key()
    );
    #[cfg(unix)]
    assert_eq!(mode(&key_path), 0o600);
}

#[test]
fn write_key_pair_needs_a_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let k = SigningKey::generate();
    let with_slash = format!("{}/", dir.path().display());
    assert!(matches!(
        write_key_pair(Path::new(&with_slash), &k, false),
        Err(SealError::Io { .. })
    ));
}

#[test]
fn loading_bad_files_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pub");
    assert!(
        matches!(load_verifying_key(&missing), Err(SealError::Io { path, .. }) if path == missing)
    );

    let junk = dir.path().join("junk.pub");
    std::fs::write(&junk, b"\xff\xfe not text").unwrap();
    assert!(
        matches!(load_verifying_key(&junk), Err(SealError::KeyFormat(m)) if m.contains("junk.pub"))
    );

    let big = dir.path().join("big.key");
    std::fs::write(&big, vec![b'A'; 100_000]).unwrap();
    assert!(matches!(load_signing_key(&big), Err(SealError::KeyFormat(m)) if m.contains("larger")));

    let public = dir.path().join("lab.pub");
    std::fs::write(
        &public,
        SigningKey::generate().verifying_key().to_public_pem(),
    )
    .unwrap();
    assert!(
        matches!(load_signing_key(&public), Err(SealError::KeyFormat(m)) if m.contains("lab.pub") && m.contains("secret"))
    );

    assert!(matches!(
        load_verifying_key(dir.path()),
        Err(SealError::Io { .. } | SealError::KeyFormat(_))
    ));
}

fn openssl() -> bool {
    dtsec_testkit::tool("openssl", "version", "openssl")
}

/// OpenSSL reads our secret key and derives exactly our public key file from it.
#[test]
fn openssl_reads_our_keys() {
    if !openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (key_path, pub_path) =
        write_key_pair(&dir.path().join("lab"), &SigningKey::generate(), false).unwrap();
    let public = dtsec_testkit::output_of(
        Command::new("openssl")
            .arg("pkey")
            .arg("-in")
            .arg(&key_path)
            .arg("-pubout"),
    );
    assert_eq!(public, std::fs::read_to_string(&pub_path).unwrap());
    dtsec_testkit::output_of(
        Command::new("openssl")
            .arg("pkey")
            .arg("-pubin")
            .arg("-in")
            .arg(&pub_path)
            .arg("-noout"),
    );
}

/// We read OpenSSL's keys, and OpenSSL verifies our signatures.
#[test]
fn openssl_keys_and_signatures_interoperate() {
    if !openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("openssl.key");
    let st = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&key_path)
        .status()
        .unwrap();
    assert!(st.success());
    let k = load_signing_key(&key_path).unwrap();

    let msg = b"{\"overall\":\"pass\"}";
    let msg_path = dir.path().join("msg");
    let sig_path = dir.path().join("sig");
    let pub_path = dir.path().join("openssl.pub");
    std::fs::write(&msg_path, msg).unwrap();
    std::fs::write(&sig_path, k.sign(msg).to_bytes()).unwrap();
    std::fs::write(&pub_path, k.verifying_key().to_public_pem()).unwrap();
    dtsec_testkit::output_of(
        Command::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
            .arg(&pub_path)
            .arg("-in")
            .arg(&msg_path)
            .arg("-sigfile")
            .arg(&sig_path),
    );
}
