//! Labs in public: a lab's application carries its location, scope, accreditation and contact
//! (checked: bounded, the contact an e-mail address or an https URL; a refused application
//! stores nothing), and the public labs page and `/api/v1/labs` show them, on both databases.

use crate::common;

use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_labs_application_carries_its_public_profile() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, admin) = t.token("admin@demo.invalid").await;
        // The demo's labs show their profiles on the public page and in the API.
        let (s, html) = t.get("/labs").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        for want in [
            "Minneapolis, United States",
            "ISO/IEC 17025 (fictional accreditation NVLAP 200999-0)",
            "href=\"mailto:evaluations@northwind.demo.invalid\"",
            "Insulin pumps, CGMs and AID controllers",
        ] {
            assert!(html.contains(want), "{b}: /labs lacks {want}");
        }
        let (_, body) = t.get("/api/v1/labs").await;
        let labs = common::json(&body);
        let northwind = labs
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == "Northwind Security Evaluation Lab")
            .unwrap_or_else(|| panic!("{b}: {body}"));
        assert_eq!(northwind["location"], "Minneapolis, United States", "{b}");
        assert_eq!(
            northwind["contact"], "evaluations@northwind.demo.invalid",
            "{b}"
        );

        // Tailspin is withdrawn and applies again: incomplete or wrong profiles are refused by
        // field, and nothing changes; a good one is stored and shown once approved.
        let org = approved_lab_id(&t, "Tailspin Medical Security Lab").await;
        let (s, body) = t
            .post_json(
                &format!("/api/v1/labs/{org}/withdrawal"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (_, eva) = t.token("evaluator@tailspin.demo.invalid").await;
        let apply = format!("/api/v1/labs/{org}/application");
        let good = json!({
            "location": "Halifax, Canada",
            "scope": "Insulin pens; CC EAL2",
            "accreditation": "ISO/IEC 17025 (fictional SCC 1234)",
            "contact": "https://tailspin.demo.invalid/contact",
        });
        let (s, body) = t.post_json(&apply, Some(&eva), json!({})).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: {body}");
        assert!(body.contains("location"), "{b}: {body}");
        for (field, value, says) in [
            ("contact", json!("javascript:alert(1)"), "contact"),
            ("contact", json!("http://tailspin.demo.invalid"), "https"),
            ("contact", json!("nobody"), "e-mail"),
            ("scope", json!("x".repeat(501)), "scope"),
            ("location", json!("  "), "location"),
            ("accreditation", json!("a\u{7}b"), "accreditation"),
        ] {
            let mut bad = good.clone();
            bad[field] = value;
            let (s, body) = t.post_json(&apply, Some(&eva), bad).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {field}: {body}");
            assert!(
                common::json(&body)["error"]
                    .as_str()
                    .is_some_and(|e| e.contains(says)),
                "{b}: {field}: {body}"
            );
            let lab = t.store.lab(&org).await.unwrap();
            assert_eq!(lab.state.to_string(), "withdrawn", "{b}: {field}");
            assert_eq!(
                lab.location.as_deref(),
                Some("Toronto, Canada"),
                "{b}: {field}"
            );
        }
        let (s, body) = t.post_json(&apply, Some(&eva), good.clone()).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let v = common::json(&body);
        assert_eq!(v["location"], "Halifax, Canada", "{b}");
        assert_eq!(v["contact"], "https://tailspin.demo.invalid/contact", "{b}");
        let lab = t.store.lab(&org).await.unwrap();
        assert_eq!(
            lab.accreditation.as_deref(),
            Some("ISO/IEC 17025 (fictional SCC 1234)"),
            "{b}"
        );
        let (s, body) = t
            .post_json(
                &format!("/api/v1/labs/{org}/approval"),
                Some(&admin),
                json!({"until": "2027-01-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (_, html) = t.get("/labs").await;
        assert!(html.contains("Halifax, Canada"), "{b}");
        assert!(
            html.contains("<a href=\"https://tailspin.demo.invalid/contact\">"),
            "{b}: the contact URL is not a link"
        );
        t.finish().await;
    }
}

/// The organisation id of the demo lab called `name`.
async fn approved_lab_id(t: &common::TestApp, name: &str) -> String {
    let (_, body) = t.get("/api/v1/labs").await;
    common::json(&body)
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == name)
        .and_then(|l| l["org_id"].as_str())
        .unwrap_or_else(|| panic!("no approved lab {name}: {body}"))
        .to_string()
}
