//! `dtsec verify CERT.json --key SCHEME.pub`: a certificate issued by the registry verifies
//! offline, and any change to it is caught; an authentic revision that says revoked, or has
//! expired, verifies but exits 1 ("NOT VALID").

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
    let (document, revoked, scheme_pem) = rt.block_on(async {
        let mut cfg = StoreConfig::new(dir.path().join("data"));
        cfg.password_cost = PasswordCost::Fast;
        let store = Store::open(cfg).await.expect("store opens");
        let summary = dtsec_registry::demo::load(&store)
            .await
            .expect("demo loads");
        let mut active = None;
        for id in &summary.certificates {
            let r = store.certificate(id).await.expect("certificate");
            if r.status == "active" {
                active = Some(r);
            }
        }
        let record = active.expect("the demo has an active certificate");
        let mut revoked = None;
        for other in &summary.certificates {
            let r = store.certificate(other).await.expect("certificate");
            if r.status == "revoked" {
                revoked = Some(r.document);
            }
        }
        (
            record.document,
            revoked.expect("the demo has a revoked certificate"),
            store.scheme_public_key().to_public_pem(),
        )
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

    // Authentic but past its expiry date (judged a century on): NOT VALID, exit 1 — and
    // SOURCE_DATE_EPOCH (a build setting) does not move the judgement day.
    let key_arg = key.display().to_string();
    let cert_arg = cert.display().to_string();
    let out = dtsec(&["verify", &cert_arg, "--key", &key_arg, "--at", "2100-01-01"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("NOT VALID") && text.contains("expired on"),
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_dtsec"))
        .args(["verify", &cert_arg, "--key", &key_arg])
        .env("SOURCE_DATE_EPOCH", "4102444800")
        .output()
        .expect("dtsec runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = dtsec(&["verify", &cert_arg, "--key", &key_arg, "--at", "2100-13-01"]);
    assert_eq!(out.status.code(), Some(2), "a bad --at is a usage error");

    // Authentic but revoked: NOT VALID, exit 1.
    let revoked_file = dir.path().join("revoked.json");
    std::fs::write(&revoked_file, &revoked).unwrap();
    let out = dtsec(&[
        "verify",
        &revoked_file.display().to_string(),
        "--key",
        &key.display().to_string(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("verified: signed by the scheme key"),
        "{text}"
    );
    assert!(
        text.contains("NOT VALID") && text.contains("says revoked"),
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
