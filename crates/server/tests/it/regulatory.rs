//! The registry's regulatory coverage of a certified device (issue 14): the FDA Appendix 1
//! items its ST reaches, each SFR marked verified by the lab from the sealed ETR the
//! certificate was issued on, as JSON (`/api/v1/devices/{id}/coverage`) and on the device page;
//! derived once per bundle; 404 for an unknown certificate.

use axum::http::StatusCode;

use crate::common;

#[tokio::test]
async fn device_coverage_marks_lab_verified_sfrs_in_json_and_on_the_page() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, body) = t.get("/api/v1/devices?status=active").await;
        let ids: Vec<String> = common::json(&body)
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["certificate_id"].as_str().unwrap().to_string())
            .collect();
        let mut shown = 0;
        for id in &ids {
            let (s, body) = t.get(&format!("/api/v1/devices/{id}/coverage")).await;
            if s == StatusCode::NOT_FOUND {
                // A PP without a built-in mapping: said so, as JSON.
                assert!(
                    common::json(&body)["error"]
                        .as_str()
                        .unwrap()
                        .contains("mapping"),
                    "{b}: {body}"
                );
                continue;
            }
            assert_eq!(s, StatusCode::OK, "{b}: {id}: {body}");
            shown += 1;
            let c = common::json(&body);
            assert_eq!(c["certificate_id"], id.as_str());
            assert!(
                c["framework"].as_str().unwrap().starts_with("fda-2026 "),
                "{b}: {c}"
            );
            let (_, detail) = t.get(&format!("/api/v1/devices/{id}")).await;
            let lab = common::json(&detail)["certificate"]["lab"]["name"].clone();
            assert_eq!(c["lab"], lab, "{b}");
            let items = c["items"].as_array().unwrap();
            let categories: Vec<&serde_json::Value> =
                items.iter().filter(|i| i["kind"] == "category").collect();
            assert_eq!(categories.len(), 8, "{b}: A–H");
            // The demo's evaluations passed every unit: an item reached through the TOE is
            // backed by at least one lab-verified SFR, and every SFR has a status.
            for i in items {
                match i["status"].as_str().unwrap() {
                    "covered" => {
                        assert!(i["evidence"].is_string(), "{b}: {i}");
                        assert!(!i["sfrs"].as_array().unwrap().is_empty(), "{b}: {i}");
                    }
                    "environment" | "not-covered" => assert!(i["evidence"].is_null(), "{b}: {i}"),
                    other => panic!("{b}: status {other}"),
                }
            }
            assert!(
                items.iter().any(|i| i["evidence"] == "lab-verified"),
                "{b}: {c}"
            );
            // Derived once: a second answer is the same.
            let (_, again) = t.get(&format!("/api/v1/devices/{id}/coverage")).await;
            assert_eq!(again, body);

            let (s, html) = t.get(&format!("/devices/{id}")).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            assert!(
                html.contains("<h2 id=\"coverage\">Regulatory coverage</h2>"),
                "{b}"
            );
            assert!(html.contains("verified by an approved lab"), "{b}");
            assert!(
                html.contains(&format!("href=\"/api/v1/devices/{id}/coverage\"")),
                "{b}"
            );
        }
        assert!(
            shown > 0,
            "{b}: no demo device has a mapped PP among {ids:?}"
        );
        let (s, body) = t.get("/api/v1/devices/DTSEC-0000-0000/coverage").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        assert!(common::json(&body)["error"].is_string());
        let (_, api) = t.get("/openapi.json").await;
        assert!(api.contains("/api/v1/devices/{id}/coverage"));
        t.finish().await;
    }
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
async fn the_premarket_package_of_a_certificate_for_its_manufacturer_and_certifier() {
    use base64::Engine as _;
    for t in common::backends().await {
        let b = t.backend;
        let (_, cb) = t.token("certifier@demo.invalid").await;
        // An active certificate, an account of its manufacturer and one of another.
        let mut found = None;
        for id in &t.demo.certificates {
            let c = t.store.certificate(id).await.unwrap();
            if c.status != "active" {
                continue;
            }
            let mut own = None;
            let mut other = None;
            for (email, role, _) in &t.demo.accounts {
                if role != "manufacturer" {
                    continue;
                }
                let (user, token) = t.token(email).await;
                if user.org_id.as_deref() == Some(c.manufacturer_org.as_str()) {
                    own.get_or_insert(token);
                } else {
                    other.get_or_insert(token);
                }
            }
            if let Some(own) = own {
                found = Some((c.certificate_id.clone(), own, other));
                break;
            }
        }
        let (id, maker, other) = found.expect("an active certificate with a manufacturer account");
        let path = format!("/api/v1/certificates/{id}/premarket");

        let (s, body) = get_as(&t, &path, &maker).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let p = common::json(&body);
        assert_eq!(p["certificate_id"], id.as_str());
        let sections = p["sections"].as_array().unwrap();
        assert_eq!(sections.len(), 13, "{b}");
        // From the registry's verified ETR: the lab tag is earned.
        assert!(
            sections.iter().any(|s| s["provenance"] == "lab-verified"),
            "{b}"
        );
        let html = p["html"].as_str().unwrap();
        assert!(
            html.contains("Provenance: verified by an approved lab"),
            "{b}"
        );
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(p["pdf_base64"].as_str().unwrap())
            .unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{b}");
        // No SBOM was uploaded for the demo certificate: listed as missing, not an error.
        assert!(
            p["missing"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["input"].as_str().unwrap().contains("SBOM")),
            "{b}: {}",
            p["missing"]
        );
        // The same package for the certifier; the PDF and the page as downloads.
        let (s, again) = get_as(&t, &path, &cb).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(
            common::json(&again)["html"],
            p["html"],
            "{b}: deterministic"
        );
        let (s, page) = get_as(&t, &format!("/certificates/{id}/premarket"), &maker).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(page, html, "{b}");
        let (s, _) = get_as(&t, &format!("/certificates/{id}/premarket.pdf"), &maker).await;
        assert_eq!(s, StatusCode::OK, "{b}");

        // Not public, not another manufacturer's.
        let (s, _) = t.get(&path).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        if let Some(other) = other {
            let (s, _) = get_as(&t, &path, &other).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        }
        let (s, _) = get_as(&t, "/api/v1/certificates/DTSEC-0000-0000/premarket", &cb).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        let (_, device) = t.get(&format!("/devices/{id}")).await;
        assert!(
            device.contains(&format!("href=\"/certificates/{id}/premarket\"")),
            "{b}"
        );
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poam_of_a_certificate_from_its_open_assessments() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let mut found = None;
        for id in &t.demo.certificates {
            let c = t.store.certificate(id).await.unwrap();
            if c.status != "active" {
                continue;
            }
            let mut own = None;
            let mut other = None;
            for (email, role, _) in &t.demo.accounts {
                if role != "manufacturer" {
                    continue;
                }
                let (user, token) = t.token(email).await;
                if user.org_id.as_deref() == Some(c.manufacturer_org.as_str()) {
                    own.get_or_insert(token);
                } else {
                    other.get_or_insert(token);
                }
            }
            if let Some(own) = own {
                found = Some((c, own, other));
                break;
            }
        }
        let (cert, maker, other) = found.expect("an active certificate with a manufacturer");
        let id = cert.certificate_id.clone();
        let path = format!("/api/v1/certificates/{id}/poam");
        let (s, before) = get_as(&t, &path, &cb).await;
        assert!(
            s == StatusCode::OK || s == StatusCode::NOT_FOUND,
            "{b}: {s} {before}"
        );
        let risks_before = if s == StatusCode::OK {
            common::json(&before)["plan-of-action-and-milestones"]["risks"]
                .as_array()
                .unwrap()
                .len()
        } else {
            assert!(before.contains("no assessment is under investigation or affected"));
            0
        };
        // The manufacturer uploads the SBOM and records an affected, uncontrolled assessment
        // of it (T0 2025-03-01).
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

        let (s, body) = get_as(&t, &format!("{path}?as_of=2025-04-15"), &maker).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let doc = common::json(&body);
        let report = dtsec_oscal::validate(&doc, &[]).unwrap();
        assert!(report.problems.is_empty(), "{b}: {:#?}", report.problems);
        let p = &doc["plan-of-action-and-milestones"];
        assert_eq!(p["metadata"]["last-modified"], "2025-04-15T00:00:00Z");
        let risks = p["risks"].as_array().unwrap();
        assert_eq!(risks.len(), risks_before + 1, "{b}");
        let risk = risks
            .iter()
            .find(|r| r["title"].as_str().unwrap().starts_with("CVE-2023-32681"))
            .unwrap();
        let tasks = risk["remediations"][0]["tasks"].as_array().unwrap();
        let due: Vec<&str> = tasks
            .iter()
            .map(|t| t["timing"]["on-date"]["date"].as_str().unwrap())
            .collect();
        assert_eq!(due, ["2025-03-31T00:00:00Z", "2025-04-30T00:00:00Z"], "{b}");
        // As of 2025-04-15 customers were not told within 30 days: overdue; the fix is open.
        let status = |t: &serde_json::Value| {
            t["props"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "status")
                .unwrap()["value"]
                .clone()
        };
        assert_eq!(status(&tasks[0]), "overdue", "{b}");
        assert_eq!(status(&tasks[1]), "open", "{b}");
        // Deterministic for one date; the certifier sees the same plan.
        let (_, again) = get_as(&t, &format!("{path}?as_of=2025-04-15"), &cb).await;
        assert_eq!(again, body, "{b}");

        let (s, body) = get_as(&t, &format!("{path}?as_of=soon"), &cb).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: {body}");
        assert!(body.contains("as_of `soon`"), "{b}: {body}");
        let (s, _) = t.get(&path).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        if let Some(other) = other {
            let (s, _) = get_as(&t, &path, &other).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        }
        let (s, _) = get_as(&t, "/api/v1/certificates/DTSEC-0000-0000/poam", &cb).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        t.finish().await;
    }
}
