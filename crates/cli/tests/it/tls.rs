//! HTTPS end to end: `dtsec serve --tls-cert --tls-key` with a certificate from a test CA, and
//! the clients (`dtsec registry`, `dtsec log audit`) trusting that CA through `DTSEC_CA_CERT` —
//! and refusing the server, with a hint, when they do not.

use crate::common;

use common::{dtsec, s, text};
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};

const ADMIN: &str = "admin@tls.test.invalid";
const PASSWORD: &str = "correct horse battery staple";

/// (CA certificate PEM, server certificate PEM, server key PEM) for `localhost` and 127.0.0.1.
fn test_pki() -> (String, String, String) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "dtsec test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    let key = KeyPair::generate().expect("server key");
    let mut leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .expect("server params");
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = leaf
        .signed_by(&key, &ca_cert, &ca_key)
        .expect("server certificate");
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}

#[test]
fn clients_reach_an_https_registry_that_trusts_a_private_ca() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let (ca, cert, key) = test_pki();
    let (ca_file, cert_file, key_file) = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(&ca_file, ca).unwrap();
    std::fs::write(&cert_file, cert).unwrap();
    std::fs::write(&key_file, key).unwrap();
    let data = dir.join("data");
    let out = dtsec(
        &["bootstrap-admin", "--data-dir", s(&data), "--email", ADMIN],
        &[("DTSEC_ADMIN_PASSWORD", PASSWORD)],
    );
    assert!(out.status.success(), "{}", text(&out));

    // A key that is not a key stops the server before it listens.
    let out = dtsec(
        &[
            "serve",
            "--data-dir",
            s(&data),
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            s(&cert_file),
            "--tls-key",
            s(&ca_file),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("ca.pem"), "{}", text(&out));

    let server = common::serve(
        &[
            "--data-dir",
            s(&data),
            "--tls-cert",
            s(&cert_file),
            "--tls-key",
            s(&key_file),
        ],
        &[],
        &dir.join("serve.log"),
    );
    assert!(server.base.starts_with("https://"), "{}", server.base);
    // The certificate names `localhost`, not the loopback address the banner shows.
    let url = format!("https://localhost:{}", server.port);
    let trusted = [("DTSEC_CA_CERT", s(&ca_file)), ("DTSEC_PASSWORD", PASSWORD)];
    let login = ["registry", "--registry", &url, "login", "--email", ADMIN];
    let started = Instant::now();
    let token = loop {
        let out = dtsec(&login, &trusted);
        if out.status.success() {
            break String::from_utf8_lossy(&out.stdout).trim().to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no HTTPS login: {}\n{}",
            text(&out),
            std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(token.starts_with("dtsec_"), "{token}");

    // The transparency log over HTTPS.
    let audit = |state: &str, env: &[(&str, &str)]| {
        let state = dir.join(state);
        dtsec(
            &["log", "audit", "--registry", &url, "--state", s(&state)],
            env,
        )
    };
    let out = audit("state.json", &[("DTSEC_CA_CERT", s(&ca_file))]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("audit passed"), "{}", text(&out));

    // Without the CA the server is not trusted: exit 2, and the hint names DTSEC_CA_CERT.
    let out = dtsec(&login, &[("DTSEC_PASSWORD", PASSWORD)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("DTSEC_CA_CERT"), "{}", text(&out));
    let out = audit("s2.json", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("DTSEC_CA_CERT"), "{}", text(&out));
    // A CA file that is not one is refused by name.
    let out = dtsec(
        &login,
        &[
            ("DTSEC_CA_CERT", s(&key_file)),
            ("DTSEC_PASSWORD", PASSWORD),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("key.pem"), "{}", text(&out));
    // Plain HTTP to the HTTPS port gets no answer.
    let out = dtsec(
        &[
            "registry",
            "--registry",
            &format!("http://127.0.0.1:{}", server.port),
            "login",
            "--email",
            ADMIN,
        ],
        &[("DTSEC_PASSWORD", PASSWORD)],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
