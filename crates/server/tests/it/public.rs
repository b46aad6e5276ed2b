//! The public pages and API: list, filters, device page, labs, PPs, certificates, CSV.

use crate::common;

use axum::http::StatusCode;

#[tokio::test]
async fn public_pages_and_api() {
    for t in common::backends().await {
        let b = t.backend;
        let (s, body) = t.get("/api/v1/devices").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let list = common::json(&body);
        let devices = list.as_array().unwrap();
        assert!(devices.len() >= 3, "{b}: {body}");
        let id = devices[0]["certificate_id"].as_str().unwrap().to_string();

        let (s, html) = t.get("/").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("<html lang=\"en\">") && html.contains("href=\"#main\""));
        assert!(html.contains(&id));
        assert!(html.contains("<label for=\"f-q\">"));

        // Filters narrow the list.
        let (_, body) = t.get("/api/v1/devices?status=revoked").await;
        let revoked = common::json(&body);
        assert!(
            revoked
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["status"] == "revoked")
        );
        // The search text matches the device type's name too: every pump, whatever its name.
        let (_, body) = t.get("/api/v1/devices?q=PUMP").await;
        let pumps: Vec<String> = common::json(&body)
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["toe_type"].as_str().unwrap().to_string())
            .collect();
        // A pump is a 2.0 `pump` (alone, or with its controller app) or a 1.0 `TT.PUMP`.
        let is_pump = |t: &serde_json::Value| t == "pump" || t == "TT.PUMP";
        let all_pumps = devices.iter().filter(|d| is_pump(&d["toe_type"])).count();
        assert_eq!(pumps.len(), all_pumps, "{b}: {body}");
        assert!(
            pumps.iter().all(|t| t == "pump" || t == "TT.PUMP"),
            "{b}: {pumps:?}"
        );
        assert!(
            devices.iter().any(|d| is_pump(&d["toe_type"])
                && !d["product_name"]
                    .as_str()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains("pump")),
            "{b}: the demo has a pump without `pump` in its name"
        );
        let (_, body) = t.get("/api/v1/devices?q=&status=&lab=").await;
        assert_eq!(common::json(&body).as_array().unwrap().len(), devices.len());

        // The public pages name devices in the PPs' words, not by id: the list by form, a
        // device page by its parts' forms and roles (the pump with its controller app).
        let (_, html) = t.get("/").await;
        for words in [
            "<td data-label=\"Type\">Insulin pump</td>",
            "<td data-label=\"Type\">Cloud data and remote-monitoring service</td>",
        ] {
            assert!(html.contains(words), "{b}: no {words} on the list");
        }
        assert!(
            !html.contains(">TT.PUMP</td>") && !html.contains(">pump</td>"),
            "{b}"
        );
        let system = devices
            .iter()
            .find(|d| d["product_name"] == "Acme Nimbus System")
            .unwrap_or_else(|| panic!("{b}: the demo certifies the pump with its controller app"));
        let (_, html) = t
            .get(&format!(
                "/devices/{}",
                system["certificate_id"].as_str().unwrap()
            ))
            .await;
        assert!(
            html.contains("Insulin pump — therapy delivery, AID host + Mobile app — command source, AID host, remote display"),
            "{b}: {html}"
        );

        let (s, html) = t.get(&format!("/devices/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {html}");
        assert!(html.contains("Status history"));
        let (s, body) = t.get(&format!("/api/v1/devices/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            common::json(&body)["summary"]["certificate_id"],
            id.as_str()
        );

        let (s, body) = t.get(&format!("/api/v1/certificates/{id}/status")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(common::json(&body)["revision"].as_i64().unwrap() >= 1);

        // The signed certificate verifies offline with the scheme key.
        let (s, doc) = t.get(&format!("/certificates/{id}.json")).await;
        assert_eq!(s, StatusCode::OK);
        let cert = dtsec_registry::verify_certificate(&doc, &t.store.scheme_public_key()).unwrap();
        assert_eq!(cert.certificate_id, id);
        let (s, html) = t.get(&format!("/certificates/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("dtsec verify"));

        let (s, html) = t.get("/labs").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Approved labs"));
        let (_, body) = t.get("/api/v1/labs").await;
        assert!(!common::json(&body).as_array().unwrap().is_empty());

        let (s, html) = t.get("/pps").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("/pps/cdd/1.0"));
        let (s, html) = t.get("/pps/cdd/1.0").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.starts_with("<!DOCTYPE html>"));

        let (s, csv) = t.get("/api/v1/devices.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.starts_with("Category,Name,Manufacturer,Scheme,"));
        assert_eq!(csv.lines().count(), devices.len() + 1);

        // Unknown things are 404 with a message; no internal detail leaks.
        let (s, body) = t.get("/api/v1/certificates/DTSEC-0000-0000/status").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(
            common::json(&body)["error"]
                .as_str()
                .unwrap()
                .contains("DTSEC-0000-0000")
        );
        let (s, _) = t.get("/devices/nope").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = t.get("/pps/nope/1").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        t.finish().await;
    }
}

/// The API description as users and generators see it, an insta snapshot
/// (`tests/snapshots/openapi.snap`; `cargo insta review` accepts a reviewed change).
#[test]
fn openapi_snapshot() {
    let doc = serde_json::to_string_pretty(&dtsec_server::openapi_document()).unwrap();
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("openapi", doc);
    });
}

#[tokio::test]
async fn every_answer_is_hardened_and_staff_answers_are_not_cached() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt as _;
    for t in common::backends().await {
        let headers = |req: Request<Body>| {
            let app = t.app.clone();
            async move { app.oneshot(req).await.unwrap().headers().clone() }
        };
        let page = headers(Request::get("/").body(Body::empty()).unwrap()).await;
        let csp = page["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(page["x-content-type-options"], "nosniff");
        assert_eq!(page["x-frame-options"], "DENY");
        // Public pages may be cached, but a cache asks every time (they show statuses).
        assert_eq!(page["cache-control"], "no-cache");
        assert!(page.contains_key("etag"));
        // JSON gets the general headers but no page policy.
        let api = headers(Request::get("/api/v1/devices").body(Body::empty()).unwrap()).await;
        assert_eq!(api["x-content-type-options"], "nosniff");
        assert!(!api.contains_key("content-security-policy"));
        // A handler's own caching rule stands.
        let checkpoint =
            headers(Request::get("/log/checkpoint").body(Body::empty()).unwrap()).await;
        assert_eq!(checkpoint["cache-control"], "no-cache");
        // With credentials: not stored.
        let (_, token) = t.token("admin@demo.invalid").await;
        let staff = headers(
            Request::get("/api/v1/users")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(staff["cache-control"], "no-store");
        assert!(
            !staff.contains_key("strict-transport-security"),
            "plain HTTP"
        );
        // The login form sets a cookie: not stored either.
        let login = headers(Request::get("/login").body(Body::empty()).unwrap()).await;
        assert!(login.contains_key("set-cookie"));
        assert_eq!(login["cache-control"], "no-store");
        // Over HTTPS, browsers are told to keep to it.
        let https = dtsec_server::app(dtsec_server::AppState::new(
            t.store.clone(),
            dtsec_server::ServerConfig {
                secure_cookies: true,
                ..dtsec_server::ServerConfig::default()
            },
        ));
        let page = https
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(
            page.headers()["strict-transport-security"],
            "max-age=31536000"
        );
        t.finish().await;
    }
}

/// Issue 16: the list comes in keyset pages. The API links the next page in a `Link` header,
/// the page has a "Next page" link, following them lists every device once, and the CSV link
/// keeps the filters and has every matching device.
#[tokio::test]
async fn the_device_list_pages_with_next_links() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    for t in common::backends().await {
        let b = t.backend;
        let (_, body) = t.get("/api/v1/devices?limit=1000").await;
        let all: Vec<String> = common::json(&body)
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["certificate_id"].as_str().unwrap().to_string())
            .collect();
        assert!(all.len() >= 3, "{b}: {body}");
        let mut seen = Vec::new();
        let mut path = "/api/v1/devices?limit=2".to_string();
        loop {
            let resp = t
                .app
                .clone()
                .oneshot(Request::get(&path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{b}: {path}");
            let link = resp
                .headers()
                .get("link")
                .map(|v| v.to_str().unwrap().to_string());
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            let page = common::json(&String::from_utf8_lossy(&bytes));
            let page = page.as_array().unwrap();
            assert!(page.len() <= 2);
            seen.extend(
                page.iter()
                    .map(|d| d["certificate_id"].as_str().unwrap().to_string()),
            );
            match link {
                Some(link) => {
                    assert!(link.ends_with("; rel=\"next\""), "{b}: {link}");
                    path = link
                        .trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap()
                        .to_string();
                    assert!(
                        path.contains("limit=2") && path.contains("after="),
                        "{path}"
                    );
                }
                None => break,
            }
            assert!(seen.len() <= all.len(), "{b}: paging does not end");
        }
        assert_eq!(seen, all, "{b}");

        // The HTML list: a next link that keeps the filters.
        let (_, html) = t.get("/?limit=1&status=active").await;
        assert!(html.contains("rel=\"next\""), "{b}");
        assert!(html.contains("status=active&amp;limit=1&amp;after="), "{b}");
        assert!(html.contains("/api/v1/devices.csv?status=active"), "{b}");
        // A cursor that is not one is a clear 4xx, not an empty list.
        let (s, body) = t.get("/api/v1/devices?after=nonsense").await;
        assert!(s.is_client_error(), "{b}: {s} {body}");
        assert!(body.contains("next"), "{b}: {body}");
        t.finish().await;
    }
}

/// Issue 16: anonymous answers carry a strong ETag and a Cache-Control a CDN can act on; the
/// same request with `If-None-Match` gets 304 and no body; status-bearing answers are always
/// revalidated; signed-in answers stay `no-store`.
#[tokio::test]
async fn public_answers_have_validators_and_revalidate_with_304() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    for t in common::backends().await {
        let b = t.backend;
        let (_, body) = t.get("/api/v1/devices").await;
        let id = common::json(&body)[0]["certificate_id"]
            .as_str()
            .unwrap()
            .to_string();
        for (path, cache) in [
            ("/".to_string(), "no-cache"),
            (format!("/devices/{id}"), "no-cache"),
            (format!("/api/v1/certificates/{id}/status"), "no-cache"),
            ("/pps/cdd/2.0".to_string(), "public, max-age=3600"),
        ] {
            let resp = t
                .app
                .clone()
                .oneshot(Request::get(&path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{b}: {path}");
            let h = resp.headers().clone();
            assert_eq!(h["cache-control"], cache, "{b}: {path}");
            let etag = h["etag"].to_str().unwrap().to_string();
            assert!(
                etag.starts_with('"') && etag.len() == 34,
                "{b}: {path}: {etag}"
            );
            let again = t
                .app
                .clone()
                .oneshot(
                    Request::get(&path)
                        .header("if-none-match", &etag)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{b}: {path}");
            assert_eq!(again.headers()["etag"], etag.as_str());
            let bytes = again.into_body().collect().await.unwrap().to_bytes();
            assert!(bytes.is_empty(), "{b}: {path}: a 304 with a body");
            let stale = t
                .app
                .clone()
                .oneshot(
                    Request::get(&path)
                        .header("if-none-match", "\"0000\"")
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(stale.status(), StatusCode::OK, "{b}: {path}");
        }
        // A signed-in request is personal: no validator, no shared caching.
        let (_, token) = t.token("certifier@demo.invalid").await;
        let resp = t
            .app
            .clone()
            .oneshot(
                Request::get("/api/v1/devices")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.headers()["cache-control"], "no-store", "{b}");
        assert!(resp.headers().get("etag").is_none(), "{b}");
        t.finish().await;
    }
}
