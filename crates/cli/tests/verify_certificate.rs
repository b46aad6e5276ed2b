//! `dtsec verify CERT.json --key SCHEME.pub`: a certificate issued by the registry verifies
//! offline, and any change to it is caught.

use std::process::Command;

use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{Store, StoreConfig};

fn dtsec(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dtsec"))
        .args(args)
        .output()
        .expect("dtsec runs")
}

#[test]
fn registry_certificate_verifies_offline_and_tampering_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (document, scheme_pem) = rt.block_on(async {
        let mut cfg = StoreConfig::new(dir.path().join("data"));
        cfg.password_cost = PasswordCost::Fast;
        let store = Store::open(cfg).await.expect("store opens");
        let summary = dtsec_registry::demo::load(&store)
            .await
            .expect("demo loads");
        let id = summary.certificates.first().expect("a certificate").clone();
        let record = store.certificate(&id).await.expect("certificate");
        (record.document, store.scheme_public_key().to_public_pem())
    });
    let cert = dir.path().join("cert.json");
    let key = dir.path().join("scheme.pub");
    std::fs::write(&cert, &document).unwrap();
    std::fs::write(&key, scheme_pem).unwrap();

    let out = dtsec(&[
        "verify",
        &cert.display().to_string(),
        "--key",
        &key.display().to_string(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("verified: signed by the scheme key"),
        "{text}"
    );

    // Change the status inside the signed payload: the signature no longer matches.
    let tampered = document.replacen("\"status\": \"", "\"status\": \"x", 1);
    assert_ne!(tampered, document, "the test must change something");
    std::fs::write(&cert, tampered).unwrap();
    let out = dtsec(&[
        "verify",
        &cert.display().to_string(),
        "--key",
        &key.display().to_string(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("signature"), "{err}");

    // Without the scheme key there is nothing to verify against.
    let out = dtsec(&["verify", &cert.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
}
