//! `dtsec serve` logs one line per request on standard error, filtered by `DTSEC_LOG`.

use crate::common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Starts the server with `log` as `DTSEC_LOG`, requests two paths, stops it; returns stderr.
fn run(log: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env: &[(&str, &str)] = match log {
        Some(l) => &[("DTSEC_LOG", l)],
        None => &[],
    };
    let mut server = common::serve(
        &["--data-dir", common::s(&data)],
        env,
        &dir.path().join("serve.log"),
    );
    assert!(get(server.port, "/healthz").contains("200 OK"));
    assert!(get(server.port, "/no-such-page").contains("404"));
    server.stop()
}

#[test]
fn every_request_is_logged_and_dtsec_log_filters() {
    let log = run(None);
    assert!(
        log.lines()
            .any(|l| l.contains("uri=/healthz") && l.contains("status=200")),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("uri=/no-such-page") && l.contains("status=404")),
        "{log}"
    );
    let quiet = run(Some("warn"));
    assert!(!quiet.contains("uri=/healthz"), "{quiet}");
    let bad = run(Some("=!="));
    assert!(bad.contains("DTSEC_LOG"), "{bad}");
    assert!(bad.contains("uri=/healthz"), "the default applies: {bad}");
}
