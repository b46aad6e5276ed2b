//! The whole workflow through the API, and bad input refused with nothing changed: a forged
//! bundle, an oversized upload, a malformed ST, a form without its CSRF token.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_registry::demo::{PUMP_ST, seal_passing_etr};
use dtsec_server::ServerConfig;
use serde_json::json;

#[tokio::test]
async fn whole_workflow_and_refusals() {
    let server = ServerConfig {
        max_body_bytes: 2 * 1024 * 1024,
        ..ServerConfig::default()
    };
    for t in common::backends_with(server).await {
        let b = t.backend;
        let (admin, _) = t.token("admin@demo.invalid").await;
        let (_, maker) = t.token("security@acme.demo.invalid").await;
        let (lab_user, lab) = t.token("evaluator@northwind.demo.invalid").await;
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let lab_org = lab_user.org_id.clone().unwrap();
        let key = dtsec_seal::SigningKey::generate();
        t.store
            .register_lab_key(
                &admin.actor(),
                &lab_org,
                &key.verifying_key().to_public_pem(),
            )
            .await
            .unwrap();

        let (s, body) = t
            .post_json(
                "/api/v1/products",
                Some(&maker),
                json!({"name": "Acme Nimbus Pump", "version": "2.4.1", "toe_type": "TT.PUMP", "build_ids": ["hw-1"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let id = common::json(&body)["id"].as_str().unwrap().to_string();

        // A malformed ST is refused with the checker's findings.
        let (s, body) = t
            .post(
                &format!("/api/v1/products/{id}/st"),
                Some(&maker),
                "application/yaml",
                "kind: [",
            )
            .await;
        assert!(s.is_client_error(), "{b}: {s} {body}");
        assert!(common::json(&body)["error"].is_string());

        let (s, body) = t
            .post(
                &format!("/api/v1/products/{id}/st"),
                Some(&maker),
                "application/yaml",
                PUMP_ST,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (s, body) = t
            .post_json(
                &format!("/api/v1/products/{id}/lab"),
                Some(&maker),
                json!({"lab": lab_org}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (s, body) = t
            .post_json(
                &format!("/api/v1/products/{id}/evaluation"),
                Some(&lab),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");

        let bundle = seal_passing_etr(
            "st.yaml",
            PUMP_ST,
            "Northwind Security Evaluation Lab",
            // The ETR names its case's sponsor, the demo's Acme.
            "Acme Medical Devices (fictional)",
            &key,
        )
        .unwrap();
        let audit_before = t.store.count_rows("audit").await.unwrap();

        // A forged bundle (signed by another key) is refused with a reason; nothing changes.
        let other = dtsec_seal::SigningKey::generate();
        let forged = seal_passing_etr(
            "st.yaml",
            PUMP_ST,
            "Northwind Security Evaluation Lab",
            // The ETR names its case's sponsor, the demo's Acme.
            "Acme Medical Devices (fictional)",
            &other,
        )
        .unwrap();
        let (s, body) = t
            .post(
                &format!("/api/v1/products/{id}/etr"),
                Some(&lab),
                "application/json",
                forged,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        assert!(common::json(&body)["error"].as_str().unwrap().len() > 10);
        // A tampered bundle too.
        let tampered = bundle.replacen("pass", "PASS", 1);
        let (s, _) = t
            .post(
                &format!("/api/v1/products/{id}/etr"),
                Some(&lab),
                "application/json",
                tampered,
            )
            .await;
        assert!(s.is_client_error(), "{b}: {s}");
        // An oversized upload is 413 before any handler runs.
        let big = "x".repeat(3 * 1024 * 1024);
        let (s, _) = t
            .post(
                &format!("/api/v1/products/{id}/etr"),
                Some(&lab),
                "application/json",
                big,
            )
            .await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        assert_eq!(t.store.count_rows("audit").await.unwrap(), audit_before);
        let (_, body) = t
            .send(
                Request::get(format!("/api/v1/products/{id}"))
                    .header("authorization", format!("Bearer {lab}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            common::json(&body)["state"],
            "evaluation-in-progress",
            "{b}"
        );

        let (s, body) = t
            .post(
                &format!("/api/v1/products/{id}/etr"),
                Some(&lab),
                "application/json",
                bundle,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        // Only the certifier reviews.
        let (s, _) = t
            .post_json(
                &format!("/api/v1/products/{id}/review"),
                Some(&maker),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, body) = t
            .post_json(
                &format!("/api/v1/products/{id}/review"),
                Some(&cb),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (s, body) = t
            .post_json(
                &format!("/api/v1/products/{id}/certificate"),
                Some(&cb),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let cert = common::json(&body)["certificate_id"]
            .as_str()
            .unwrap()
            .to_string();

        let (_, body) = t.get(&format!("/api/v1/certificates/{cert}/status")).await;
        assert_eq!(common::json(&body)["status"], "active", "{b}");
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{cert}/status"),
                Some(&cb),
                json!({"action": "suspend", "confirm": true}),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: a suspension needs a reason: {body}"
        );
        let (s, _) = t
            .post_json(
                &format!("/api/v1/certificates/{cert}/status"),
                Some(&cb),
                json!({"action": "suspend", "reason": "CVE under analysis", "confirm": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (_, body) = t.get(&format!("/api/v1/certificates/{cert}/status")).await;
        let v = common::json(&body);
        assert_eq!(v["status"], "suspended");
        assert_eq!(v["revision"], 2);
        let (_, html) = t.get(&format!("/devices/{cert}")).await;
        assert!(html.contains("CVE under analysis"), "{b}");

        // Bad tokens are 401.
        let (s, _) = t
            .post_json("/api/v1/products", Some("dtsec_nope"), json!({}))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = t.post_json("/api/v1/products", None, json!({})).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        t.finish().await;
    }
}

fn set_cookie(resp: &axum::http::Response<Body>, name: &str) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

#[tokio::test]
async fn login_session_and_csrf() {
    use tower::ServiceExt as _;
    for t in common::backends().await {
        let resp = t
            .app
            .clone()
            .oneshot(Request::get("/login").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let login_cookie = set_cookie(&resp, "dtsec_login_csrf").unwrap();
        let token = login_cookie.split_once('=').unwrap().1.to_string();
        // Without the matching CSRF value the login form is refused.
        let (s, _) = t
            .send(
                Request::post("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(
                        "email=security%40acme.demo.invalid&password=demo-password&csrf=wrong",
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // A wrong password is 401 with the form again.
        let (s, html) = t
            .send(
                Request::post("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &login_cookie)
                    .body(Body::from(format!(
                        "email=security%40acme.demo.invalid&password=wrong-password&csrf={token}"
                    )))
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(html.contains("authentication failed"));
        let resp = t
            .app
            .clone()
            .oneshot(
                Request::post("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &login_cookie)
                    .body(Body::from(format!(
                        "email=security%40acme.demo.invalid&password=demo-password&csrf={token}"
                    )))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let header = resp
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(header.contains("HttpOnly") && header.contains("SameSite=Lax"));
        let session = set_cookie(&resp, "dtsec_session").unwrap();

        let (s, html) = t
            .send(
                Request::get("/staff")
                    .header("cookie", &session)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Register a product"));
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        let products = t.store.count_rows("products").await.unwrap();
        let form = "name=Form+Pump&version=1&toe_type=TT.PUMP&build_ids=a%2Cb";
        // Cookie without CSRF token: refused, nothing changed.
        let (s, body) = t
            .send(
                Request::post("/api/v1/products")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &session)
                    .body(Body::from(form))
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("CSRF"));
        assert_eq!(t.store.count_rows("products").await.unwrap(), products);
        // With it: done, and redirected back to the staff page.
        let (s, _) = t
            .send(
                Request::post("/api/v1/products")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &session)
                    .body(Body::from(format!("{form}&csrf={csrf}")))
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(t.store.count_rows("products").await.unwrap(), products + 1);
        // The session is the database's: a restarted server (a new store and app over the same
        // database) still knows it, with the same CSRF token.
        let restarted_store = dtsec_registry::Store::open(t.store.config().clone())
            .await
            .unwrap();
        let restarted = dtsec_server::app(dtsec_server::AppState::new(
            restarted_store.clone(),
            dtsec_server::ServerConfig::default(),
        ));
        let resp = restarted
            .clone()
            .oneshot(
                Request::get("/staff")
                    .header("cookie", &session)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{}", t.backend);
        let bytes = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert!(String::from_utf8_lossy(&bytes).contains(&csrf));
        restarted_store.close().await;
        // Logout ends the session.
        let (s, _) = t
            .send(
                Request::post("/logout")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &session)
                    .body(Body::from(format!("csrf={csrf}")))
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, _) = t
            .send(
                Request::get("/api/v1/products")
                    .header("cookie", &session)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        t.finish().await;
    }
}
