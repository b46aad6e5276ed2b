//! The public list of products in evaluation (`/evaluations`, `/api/v1/evaluations`): exactly the
//! cases whose evaluation is under way, with product, manufacturer, lab, claims in words, since
//! when and the stage — and nothing confidential (no ST, ETR, findings or rejection reasons; a
//! returned report reads like one still being evaluated), on both databases.

use crate::common;

use axum::http::StatusCode;
use dtsec_registry::workflow::State;

#[tokio::test]
async fn products_in_evaluation_are_public_and_nothing_more() {
    for t in common::backends().await {
        let b = t.backend;
        let (cb, _) = t.token("certifier@demo.invalid").await;
        let all = t.store.products(&cb.actor()).await.unwrap();
        let mut want: Vec<String> = all
            .iter()
            .filter(|p| {
                matches!(
                    p.state,
                    State::EvaluationInProgress
                        | State::EtrSubmitted
                        | State::Rejected
                        | State::Accepted
                )
            })
            .map(|p| format!("{} {}", p.name, p.version))
            .collect();
        want.sort();
        assert!(want.len() >= 2, "{b}: the demo has cases in evaluation");
        assert!(
            all.iter().any(|p| p.state == State::Rejected),
            "{b}: the demo has a rejected case (to check it is not told apart)"
        );

        let (s, body) = t.get("/api/v1/evaluations").await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let listed = common::json(&body);
        let listed = listed.as_array().unwrap();
        let mut got: Vec<String> = listed
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p["product_name"].as_str().unwrap(),
                    p["product_version"].as_str().unwrap()
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, want, "{b}");
        for p in listed {
            let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                [
                    "device_type",
                    "lab",
                    "manufacturer",
                    "packages",
                    "product_name",
                    "product_version",
                    "protection_profiles",
                    "since",
                    "stage"
                ],
                "{b}: {p}"
            );
            assert!(
                matches!(
                    p["stage"].as_str(),
                    Some("evaluation" | "certification-review")
                ),
                "{b}: {p}"
            );
            let since = p["since"].as_str().unwrap();
            assert!(dtsec_registry::Date::parse(since).is_ok(), "{b}: {since}");
            let pp = &p["protection_profiles"][0];
            assert!(
                !pp["title"].as_str().unwrap().contains('@'),
                "{b}: a claim not in words: {p}"
            );
            assert!(
                !p["device_type"].as_str().unwrap().starts_with("TT."),
                "{b}: {p}"
            );
        }
        // A case whose report was returned reads as being evaluated, like any other.
        let rejected = all.iter().find(|p| p.state == State::Rejected).unwrap();
        let row = listed
            .iter()
            .find(|p| p["product_name"] == rejected.name.as_str())
            .unwrap();
        assert_eq!(row["stage"], "evaluation", "{b}");
        assert!(
            !body.contains("review_reasons") && !body.contains("sha256"),
            "{b}"
        );
        if let Some(reasons) = &rejected.review_reasons {
            assert!(!body.contains(reasons.as_str()), "{b}: reasons leaked");
        }

        // The page, linked from the home page, shows the same products in words.
        let (_, home) = t.get("/").await;
        assert!(home.contains("href=\"/evaluations\""), "{b}");
        let (s, html) = t.get("/evaluations").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(html.contains("<h1>Products in evaluation</h1>"), "{b}");
        for name in &want {
            let (product, _) = name.rsplit_once(' ').unwrap();
            assert!(html.contains(product), "{b}: /evaluations lacks {name}");
        }
        assert!(
            html.contains("certification review") || html.contains("being evaluated"),
            "{b}"
        );
        t.finish().await;
    }
}
