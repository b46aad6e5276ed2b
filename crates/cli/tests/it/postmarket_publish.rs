//! `dtsec registry postmarket publish` against the real `dtsec serve --demo`: the certification
//! body publishes a notice for a vulnerability the manufacturer just assessed (the notice id on
//! standard output, the document in the CSAF directory), and a second publication of the demo's
//! already published assessment is refused with the registry's words and exit 1. The server runs
//! with `--postmarket-grace-days 0`, so the unassessed match is counted publicly at once.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::{self, dtsec, s, text};

/// A plain HTTP GET on loopback: the body of a 200 answer.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_string())
}

#[test]
fn the_certification_body_publishes_a_notice_from_the_terminal() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let server = common::serve(
        &[
            "--demo",
            "--data-dir",
            s(&data),
            "--postmarket-grace-days",
            "0",
        ],
        &[],
        &tmp.path().join("serve.log"),
    );
    let reg = ("DTSEC_REGISTRY", server.base.as_str());
    let login = |email: &str| {
        let o = dtsec(
            &["registry", "login", "--email", email],
            &[reg, ("DTSEC_PASSWORD", "demo-password")],
        );
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let cb = login("certifier@demo.invalid");
    let maker = login("security@acme.demo.invalid");

    let list = http_get(server.port, "/api/v1/devices?q=Nimbus+System").expect("device list");
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let cert = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["product_name"] == "Acme Nimbus System" && d["status"] == "active")
        .expect("the demo certifies the Acme Nimbus System");
    let id = cert["certificate_id"].as_str().unwrap();

    // The demo's notice was published already: a second one is refused.
    let o = dtsec(
        &["registry", "postmarket", "publish", id, "x_DTSEC-DEMO-0001"],
        &[reg, ("DTSEC_TOKEN", cb.as_str())],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("was published as"), "{}", text(&o));

    // With no grace period, the public sees the unassessed GIT-only advisory counted, never named.
    let device = http_get(server.port, &format!("/api/v1/devices/{id}")).expect("device");
    let posture = &serde_json::from_str::<serde_json::Value>(&device).unwrap()["posture"];
    assert_eq!(posture["unassessed"]["grace_days"], 0);
    assert_eq!(posture["unassessed"]["past_grace"], 1, "{posture}");
    assert!(!device.contains("x_DTSEC-DEMO-0002"));

    // The manufacturer assesses the GIT-only advisory; the certification body publishes it.
    let a = serde_json::json!({
        "vuln": {"id": "x_DTSEC-DEMO-0002", "aliases": []},
        "product": {"name": "Acme Nimbus System", "version": cert["product_version"],
                    "sbom_serial": "urn:uuid:6c1e8b5f-9d20-4d72-8a1f-3e4d5f607182", "sbom_version": 1},
        "components": [{"bom_ref": "tinycrypt", "purl": "pkg:github/acme-example/tinycrypt@v0.2.8"}],
        "status": {"state": "not_affected", "justification": "code_not_reachable"},
        "impact_statement": "The device never uses tinycrypt's ECDH; pairing uses the BLE controller's."
    });
    let file = tmp.path().join("a.json");
    std::fs::write(&file, a.to_string()).unwrap();
    let o = dtsec(
        &[
            "registry",
            "assess",
            id,
            "x_DTSEC-DEMO-0002",
            "--file",
            s(&file),
        ],
        &[reg, ("DTSEC_TOKEN", maker.as_str())],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = dtsec(
        &["registry", "postmarket", "publish", id, "x_DTSEC-DEMO-0002"],
        &[reg, ("DTSEC_TOKEN", maker.as_str())],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "the manufacturer does not publish: {}",
        text(&o)
    );
    let o = dtsec(
        &["registry", "postmarket", "publish", id, "x_DTSEC-DEMO-0002"],
        &[reg, ("DTSEC_TOKEN", cb.as_str())],
    );
    assert!(o.status.success(), "{}", text(&o));
    let notice = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(notice.starts_with("DTSEC-VN-"), "{notice}");
    let index = http_get(server.port, "/.well-known/csaf/white/index.txt").expect("index.txt");
    assert!(
        index.contains(&format!("{}.json", notice.to_ascii_lowercase())),
        "{index}"
    );
    // The demo's affected assessment, changed by flags (no JSON to write): the fix is out. The
    // certification body publishes again: the same notice's revision 2, final. (The demo's aware
    // date is the day it ran, so no earlier fix date is given.)
    let o = dtsec(
        &[
            "registry",
            "assess",
            id,
            "x_DTSEC-DEMO-0001",
            "--state",
            "fixed",
        ],
        &[reg, ("DTSEC_TOKEN", maker.as_str())],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("fixed"), "{}", text(&o));
    let o = dtsec(
        &[
            "registry",
            "assess",
            id,
            "x_DTSEC-DEMO-0001",
            "--state",
            "not_affected",
        ],
        &[reg, ("DTSEC_TOKEN", maker.as_str())],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("justification"), "{}", text(&o));
    let o = dtsec(
        &["registry", "assess", id, "x_DTSEC-DEMO-0001"],
        &[reg, ("DTSEC_TOKEN", maker.as_str())],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("say what changes"), "{}", text(&o));
    let o = dtsec(
        &["registry", "postmarket", "publish", id, "x_DTSEC-DEMO-0001"],
        &[reg, ("DTSEC_TOKEN", cb.as_str())],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("revision 2 (csaf_security_advisory, final)"),
        "{}",
        text(&o)
    );
    let revised = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let revisions =
        http_get(server.port, &format!("/api/v1/notices/{revised}/revisions")).expect("revisions");
    let revisions: serde_json::Value = serde_json::from_str(&revisions).unwrap();
    assert_eq!(revisions.as_array().unwrap().len(), 2, "{revisions}");
    assert_eq!(revisions[1]["state"], "fixed");

    // Assessed, it is no longer counted.
    let device = http_get(server.port, &format!("/api/v1/devices/{id}")).expect("device");
    let posture = &serde_json::from_str::<serde_json::Value>(&device).unwrap()["posture"];
    assert_eq!(posture["unassessed"]["past_grace"], 0, "{posture}");
}
