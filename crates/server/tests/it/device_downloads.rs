//! The device page links every download of a certified product (issue 14): among them the
//! POA&M of its open postmarket items, which, followed by the manufacturer, is a valid OSCAL
//! 1.2.1 plan of action and milestones; and every link on the page leads somewhere.

use axum::http::StatusCode;

use crate::common;

/// The local `href`s of a page, unescaped, in order.
fn local_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        let after = &rest[i + 6..];
        let Some(end) = after.find('"') else { break };
        let href = after[..end].replace("&amp;", "&");
        if href.starts_with('/') && !out.contains(&href) {
            out.push(href);
        }
        rest = &after[end..];
    }
    out
}

async fn get_as(t: &common::TestApp, path: &str, token: &str) -> (StatusCode, String) {
    t.send(
        axum::http::Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_page_links_the_poam_and_following_it_gives_valid_oscal() {
    for t in common::backends().await {
        let b = t.backend;
        // An active certificate and an account of its manufacturer.
        let mut found = None;
        'certs: for id in &t.demo.certificates {
            let c = t.store.certificate(id).await.unwrap();
            if c.status != "active" {
                continue;
            }
            for (email, role, _) in &t.demo.accounts {
                if role != "manufacturer" {
                    continue;
                }
                let (user, token) = t.token(email).await;
                if user.org_id.as_deref() == Some(c.manufacturer_org.as_str()) {
                    found = Some((c, token));
                    break 'certs;
                }
            }
        }
        let (cert, maker) = found.expect("an active certificate with a manufacturer account");
        let id = cert.certificate_id.clone();
        // Something open to plan: the SBOM and an affected, uncontrolled assessment of it.
        let sbom = include_str!("../../../registry/tests/data/postmarket/pump-sbom.cdx.json");
        let (s, body) = t
            .post(
                &format!("/api/v1/certificates/{id}/sbom"),
                Some(&maker),
                "application/json",
                sbom,
            )
            .await;
        assert!(s.is_success(), "{b}: {body}");
        let mut a: serde_json::Value = serde_json::from_str(include_str!(
            "../../../registry/tests/data/postmarket/assessment-uncontrolled.json"
        ))
        .unwrap();
        a["product"]["name"] = serde_json::json!(cert.product_name);
        a["product"]["version"] = serde_json::json!(cert.product_version);
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{id}/assessments"),
                Some(&maker),
                a,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {body}");

        // The public page names the POA&M and the other regulatory downloads.
        let (s, page) = t.get(&format!("/devices/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let links = local_links(&page);
        let poam = links
            .iter()
            .find(|l| l.ends_with("/poam"))
            .unwrap_or_else(|| panic!("{b}: no POA&M link among {links:?}"));
        assert_eq!(poam, &format!("/api/v1/certificates/{id}/poam"), "{b}");
        for want in [
            format!("/certificates/{id}/premarket"),
            format!("/certificates/{id}/premarket.pdf"),
            format!("/api/v1/devices/{id}/coverage"),
            format!("/api/v1/devices/{id}/etr-summary"),
            format!("/api/v1/devices/{id}/st"),
        ] {
            assert!(links.contains(&want), "{b}: no link {want} among {links:?}");
        }

        // Followed by the manufacturer, it is a valid OSCAL POA&M of this certificate.
        let (s, body) = get_as(&t, poam, &maker).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let doc = common::json(&body);
        let report = dtsec_oscal::validate(&doc, &[]).unwrap();
        assert_eq!(report.model, dtsec_oscal::Model::Poam, "{b}");
        assert!(report.problems.is_empty(), "{b}: {:#?}", report.problems);
        let plan = &doc["plan-of-action-and-milestones"];
        assert!(
            plan["risks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["title"].as_str().unwrap().starts_with("CVE-2023-32681")),
            "{b}: {plan}"
        );
        assert!(!plan["poam-items"].as_array().unwrap().is_empty(), "{b}");
        // Not for the public: the link says so, and the API asks for a login.
        assert!(page.contains("For the manufacturer and the certification body (sign in)"));
        let (s, _) = t.get(poam).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");

        // Every link on the page leads somewhere for the manufacturer.
        for l in &links {
            let (s, body) = get_as(&t, l, &maker).await;
            assert!(
                s.is_success(),
                "{b}: {l} answers {s}: {}",
                &body[..body.len().min(300)]
            );
        }
        t.finish().await;
    }
}
