//! Issue 12: one API token can be revoked over HTTP, a token can be scoped and short-lived.

use crate::common;

use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_single_token_is_revoked_over_http_and_scopes_hold() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, admin) = t.token("security@acme.demo.invalid").await;
        // A second token, scoped to reading cases, for 7 days.
        let (s, body) = t
            .post_json(
                "/api/v1/tokens",
                Some(&admin),
                json!({"name": "ci", "days": 7, "scope": "ViewProduct"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let v = common::json(&body);
        let (id, ci) = (
            v["id"].as_str().unwrap().to_string(),
            v["token"].as_str().unwrap().to_string(),
        );
        // Within its scope it works; outside it is refused.
        let (s, body) = t
            .post_json(
                "/api/v1/products",
                Some(&ci),
                json!({"name": "X", "version": "1", "toe_type": "TT.PUMP", "build_ids": []}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {body}");
        assert!(body.contains("scope"), "{b}: {body}");
        // An unknown action in a scope is refused.
        let (s, _) = t
            .post_json(
                "/api/v1/tokens",
                Some(&admin),
                json!({"name": "x", "scope": "Everything"}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        // Revoked with the other token: it stops at once, the other keeps working.
        let (s, body) = t
            .post_json(
                &format!("/api/v1/tokens/{id}/revoke"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (s, _) = t
            .post_json(
                "/api/v1/tokens",
                Some(&ci),
                json!({"name": "after revocation"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        let (s, body) = t
            .post_json("/api/v1/tokens", Some(&admin), json!({"name": "still"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        t.finish().await;
    }
}
