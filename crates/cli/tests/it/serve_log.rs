//! `dtsec serve` logs one line per request on standard error, filtered by `DTSEC_LOG`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dtsec"));
    cmd.args(["serve", "--data-dir"])
        .arg(dir.path())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    match log {
        Some(l) => cmd.env("DTSEC_LOG", l),
        None => cmd.env_remove("DTSEC_LOG"),
    };
    let mut child = cmd.spawn().unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    let started = Instant::now();
    while !banner.contains("dtsec registry on") {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no start banner: {banner}"
        );
        err.read_line(&mut banner).unwrap();
    }
    assert!(get(port, "/healthz").contains("200 OK"));
    assert!(get(port, "/no-such-page").contains("404"));
    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    format!("{banner}{rest}")
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
