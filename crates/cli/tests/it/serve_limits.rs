//! Issue 12: idle sockets must not starve the server. 300 connections that never sent a
//! request once kept `/healthz` from answering: there was no deadline for a request's header and
//! no cap on connections. `dtsec serve --header-timeout-secs` closes a connection whose header
//! is late (a trickled one too), `--max-connections` caps how many are open at once, and the
//! health check is answered while the idle sockets stay open on the client's side.

use crate::common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn idle_and_trickling_sockets_are_closed_and_healthz_answers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let server = common::serve(
        &[
            "--data-dir",
            &data.display().to_string(),
            "--max-connections",
            "8",
            "--header-timeout-secs",
            "1",
        ],
        &[],
        &tmp.path().join("serve.log"),
    );
    let addr = format!("127.0.0.1:{}", server.port);
    // Three times the cap: some idle, some sending a header that never ends.
    let mut idle: Vec<TcpStream> = (0..24)
        .map(|i| {
            let mut s = TcpStream::connect(&addr).expect("connect");
            if i % 2 == 1 {
                s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                    .expect("partial header");
            }
            s
        })
        .collect();
    let url = format!("{}/healthz", server.base);
    let client = common::http();
    let body = dtsec_testkit::wait_until(
        "/healthz answers while idle sockets are open",
        Duration::from_secs(60),
        Duration::from_millis(200),
        || {
            client
                .get(&url)
                .timeout(Duration::from_secs(5))
                .send()
                .ok()?
                .text()
                .ok()
        },
    );
    assert_eq!(body, "ok");
    // The server closed the first idle socket (end of stream, or reset), though the client
    // never did.
    let first = &mut idle[0];
    first
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    match first.read(&mut buf) {
        Ok(0) => {}
        Err(e)
            if !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => panic!("expected the idle socket closed by the server, got {other:?}"),
    }
    drop(server);
}
