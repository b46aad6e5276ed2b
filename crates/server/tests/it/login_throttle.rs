//! Issue 12: login throttling behind a proxy. Every connection through a TLS-terminating proxy
//! comes from the proxy, so five bad logins by anyone once locked every account out for 15
//! minutes. The throttle counts per account and per client; the client is the forwarded
//! address only when the peer is a configured trusted proxy.

use crate::common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use dtsec_server::ServerConfig;
use dtsec_server::forwarded::Cidr;
use serde_json::json;

const PROXY: &str = "10.0.0.1";

/// `POST /api/v1/tokens/password` from `peer`, forwarding `forwarded` when given.
async fn login(
    t: &common::TestApp,
    peer: &str,
    forwarded: Option<&str>,
    email: &str,
    password: &str,
) -> StatusCode {
    let body = json!({"email": email, "password": password, "name": "t"}).to_string();
    let mut r = Request::post("/api/v1/tokens/password").header("content-type", "application/json");
    if let Some(f) = forwarded {
        r = r.header("x-forwarded-for", f);
    }
    let mut req = r.body(Body::from(body)).unwrap();
    let addr: SocketAddr = format!("{peer}:443").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    t.send(req).await.0
}

#[tokio::test]
async fn one_client_behind_the_proxy_does_not_lock_out_the_others() {
    let server = ServerConfig {
        trusted_proxies: vec![Cidr::parse(PROXY).unwrap()],
        ..ServerConfig::default()
    };
    let good = dtsec_registry::demo::DEMO_PASSWORD;
    for t in common::backends_with(server).await {
        let b = t.backend;
        // An attacker behind the proxy guesses one account's password.
        for _ in 0..6 {
            let s = login(
                &t,
                PROXY,
                Some("203.0.113.5"),
                "certifier@demo.invalid",
                "wrong",
            )
            .await;
            assert_ne!(s, StatusCode::OK, "{b}");
        }
        // Another user behind the same proxy logs in.
        let s = login(
            &t,
            PROXY,
            Some("198.51.100.9"),
            "security@acme.demo.invalid",
            good,
        )
        .await;
        assert_eq!(
            s,
            StatusCode::OK,
            "{b}: one client locked out everyone behind the proxy"
        );
        // The attacker's address is throttled, whichever account it tries.
        let s = login(&t, PROXY, Some("203.0.113.5"), "admin@demo.invalid", good).await;
        assert_ne!(s, StatusCode::OK, "{b}: the guessing client is throttled");
        // The guessed account is throttled from anywhere.
        let s = login(
            &t,
            PROXY,
            Some("192.0.2.77"),
            "certifier@demo.invalid",
            good,
        )
        .await;
        assert_ne!(s, StatusCode::OK, "{b}: the guessed account is throttled");
        // A client that is not a trusted proxy cannot escape by forging the header.
        for i in 0..6 {
            let forged = format!("198.18.0.{i}");
            let s = login(
                &t,
                "192.0.2.7",
                Some(&forged),
                "nobody@demo.invalid",
                "wrong",
            )
            .await;
            assert_ne!(s, StatusCode::OK, "{b}");
        }
        let s = login(
            &t,
            "192.0.2.7",
            Some("198.18.0.99"),
            "evaluator@northwind.demo.invalid",
            good,
        )
        .await;
        assert_ne!(
            s,
            StatusCode::OK,
            "{b}: a forged X-Forwarded-For is not believed"
        );
        t.finish().await;
    }
}
