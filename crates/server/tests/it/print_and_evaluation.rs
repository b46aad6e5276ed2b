//! The printable certificate (page with a QR code, one-page PDF), the device page's evaluated
//! ST and ETR summary, and tokens from a password — on the demo registry.

use crate::common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_server::ServerConfig;
use http_body_util::BodyExt as _;
use serde_json::json;
use tower::ServiceExt as _;

const BASE: &str = "https://registry.example/dtsec";

async fn get_bytes(t: &common::TestApp, path: &str) -> (StatusCode, String, Vec<u8>) {
    let resp = t
        .app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, ct, bytes)
}

/// The dark modules drawn by the page's QR SVG (`M{x} {y}h{w}v{h}H{x}V{y}` per rectangle),
/// as (column, row) without the quiet zone.
fn svg_modules(html: &str) -> BTreeSet<(u32, u32)> {
    let svg_start = html.find("<svg").expect("an inline SVG");
    let svg = &html[svg_start..html[svg_start..].find("</svg>").unwrap() + svg_start];
    let d_start = svg.find(" d=\"").expect("a path") + 4;
    let d = &svg[d_start..d_start + svg[d_start..].find('"').unwrap()];
    let mut out = BTreeSet::new();
    for rect in d.split('M').filter(|s| !s.is_empty()) {
        let n: Vec<u32> = rect
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("a number"))
            .collect();
        let (x, y, w, h) = (n[0], n[1], n[2], n[3]);
        for r in y..y + h {
            for c in x..x + w {
                out.insert((c - 4, r - 4));
            }
        }
    }
    out
}

/// The dark modules of a freshly made QR code for `data`.
fn expected_modules(data: &str) -> BTreeSet<(u32, u32)> {
    let code = qrcode::QrCode::new(data.as_bytes()).unwrap();
    let w = code.width();
    code.to_colors()
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| ((i % w) as u32, (i / w) as u32))
        .collect()
}

#[tokio::test]
async fn printable_certificate_page_and_pdf() {
    let server = ServerConfig {
        public_url: BASE.into(),
        ..ServerConfig::default()
    };
    for t in common::backends_with(server).await {
        let b = t.backend;
        let (_, body) = t.get("/api/v1/devices?status=active").await;
        let list = common::json(&body);
        let id = list[0]["certificate_id"].as_str().unwrap().to_string();
        let (_, doc) = t.get(&format!("/certificates/{id}.json")).await;
        let cert = dtsec_registry::verify_certificate(&doc, &t.store.scheme_public_key()).unwrap();

        let (s, html) = t.get(&format!("/certificates/{id}/print")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {html}");
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(html.contains("@media print"));
        assert_eq!(html.matches("<h1>").count(), 1);
        for v in [
            &cert.certificate_id,
            &cert.scheme,
            &cert.product_name,
            &cert.product_version,
            &cert.manufacturer,
            &cert.toe_type,
            &cert.lab.name,
            &cert.lab.key_id,
            &cert.certification_date,
            &cert.expiry_date,
            &cert.status,
            &cert.st_sha256,
            &cert.etr_sha256,
            &cert.issued_at,
            &cert.st_reference.id,
            &cert.pp_claim[0].id,
            &cert.build_ids[0],
        ] {
            assert!(html.contains(v.as_str()), "{b}: {v} missing from the page");
        }
        // The QR code is the configured public URL of the device page, module for module.
        let link = format!("{BASE}/devices/{id}");
        assert!(html.contains(&format!("href=\"{link}\"")), "{b}");
        assert!(html.contains("<svg role=\"img\" aria-label=\"QR code linking to"));
        let drawn = svg_modules(&html);
        assert_eq!(drawn, expected_modules(&link), "{b}");
        assert_ne!(drawn, expected_modules(&format!("{BASE}/devices/OTHER")));

        let (s, ct, pdf) = get_bytes(&t, &format!("/certificates/{id}/pdf")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(ct, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = dtsec_pdf::inspect::expanded(&pdf);
        let pages = text
            .match_indices("/Type /Page")
            .filter(|(i, _)| !text[i + 11..].starts_with('s'))
            .count();
        assert_eq!(pages, 1, "{b}: the certificate is one page");
        // The QR code is drawn as filled rectangles: at least one per dark row.
        assert!(text.matches(" re\nf\n").count() >= 21, "{b}");
        // It is a tagged figure whose alternative text says where it leads.
        assert!(text.contains("/S /Figure"), "{b}");
        assert!(
            text.contains(&format!("/Alt (QR code linking to {link}")),
            "{b}"
        );
        assert!(text.contains("/StructTreeRoot"), "{b}");
        pdftotext_shows(&pdf, &[&cert.product_name, &id, &cert.manufacturer, &link]);

        // Issue 12: names in any script print as they are ("Łódź 血糖" printed as "?ód? ??").
        let mut unicode = cert.clone();
        unicode.product_name = "Łódź 血糖 Pumpe Ω".into();
        unicode.manufacturer = "Müller Ελλάδα Москва 株式会社".into();
        let cells = dtsec_server::qr::cells(&link).unwrap();
        let pdf = dtsec_server::certificate_pdf(&unicode, &cells, &link, BASE);
        pdftotext_shows(
            &pdf,
            &["Łódź 血糖 Pumpe Ω", "Müller Ελλάδα Москва 株式会社"],
        );

        for path in [
            "/certificates/DTSEC-0000-0000/print",
            "/certificates/DTSEC-0000-0000/pdf",
        ] {
            let (s, _) = t.get(path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {path}");
        }
        t.finish().await;
    }
}

fn pdftotext_shows(pdf: &[u8], needles: &[&str]) {
    if !dtsec_testkit::tool("pdftotext", "-v", "poppler-utils") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text =
        dtsec_testkit::output_of(std::process::Command::new("pdftotext").arg(&path).arg("-"));
    // Long values may wrap; compare without line breaks.
    let text = text.replace('\n', " ");
    for n in needles {
        assert!(text.contains(n), "{n:?} missing from the PDF text:\n{text}");
    }
}

#[tokio::test]
async fn device_page_shows_the_evaluated_st_and_etr_summary() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, body) = t.get("/api/v1/devices?status=active").await;
        let id = common::json(&body)[0]["certificate_id"]
            .as_str()
            .unwrap()
            .to_string();
        let (_, doc) = t.get(&format!("/certificates/{id}.json")).await;
        let cert = dtsec_registry::verify_certificate(&doc, &t.store.scheme_public_key()).unwrap();

        // The ST as submitted: its SHA-256 is the certificate's.
        let (s, yaml) = t.get(&format!("/api/v1/devices/{id}/st")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(dtsec_seal::sha256_hex(yaml.as_bytes()), cert.st_sha256);
        assert!(yaml.contains("kind: security-target"), "{b}");

        // Rendered with the built-in PPs: a whole document, with the way back.
        let (s, html) = t.get(&format!("/devices/{id}/st")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(&format!("href=\"/devices/{id}\"")));
        assert!(html.contains(&cert.st_reference.id), "{b}");
        assert!(html.contains("FCS_COP.1"), "{b}: the SFRs are rendered");

        let (s, body) = t.get(&format!("/api/v1/devices/{id}/etr-summary")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let e = common::json(&body);
        assert_eq!(e["verdict"], "pass");
        assert_eq!(e["lab"], cert.lab.name.as_str());
        assert_eq!(e["lab_key_id"], cert.lab.key_id.as_str());
        assert_eq!(e["st_sha256"], cert.st_sha256.as_str());
        let total = e["work_units"]["total"].as_u64().unwrap();
        assert!(total > 100, "{b}: {total}");
        assert_eq!(e["work_units"]["pass"].as_u64().unwrap(), total);
        let by_class: u64 = e["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["counts"]["total"].as_u64().unwrap())
            .sum();
        assert_eq!(by_class, total, "{b}: the classes add up");
        assert!(e["submitted_at"].is_string() && e["accepted_at"].is_string());
        assert!(!e["sars"].as_array().unwrap().is_empty(), "{b}");
        assert!(e["assurance_packages"].is_array(), "{b}");

        let (s, html) = t.get(&format!("/devices/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("<h2 id=\"evaluation\">Evaluation</h2>"),
            "{b}"
        );
        assert!(html.contains(&format!("{total} in all: {total} pass, 0 fail")));
        assert!(html.contains(&format!("href=\"/devices/{id}/st\"")));
        assert!(html.contains(&format!("href=\"/certificates/{id}/print\"")));
        assert!(html.contains("Status history") && html.contains("Assurance maintenance"));

        for path in [
            "/devices/DTSEC-0000-0000/st",
            "/api/v1/devices/DTSEC-0000-0000/st",
            "/api/v1/devices/DTSEC-0000-0000/etr-summary",
        ] {
            let (s, _) = t.get(path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {path}");
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn a_password_buys_a_token_and_a_wrong_one_does_not() {
    for t in common::backends().await {
        let b = t.backend;
        let (s, body) = t
            .post_json(
                "/api/v1/tokens/password",
                None,
                json!({"email": "security@acme.demo.invalid", "password": dtsec_registry::demo::DEMO_PASSWORD, "name": "ci"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let v = common::json(&body);
        assert_eq!(v["role"], "manufacturer");
        let token = v["token"].as_str().unwrap().to_string();
        let resp = t
            .app
            .clone()
            .oneshot(
                Request::get("/api/v1/products")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{b}");

        let (s, body) = t
            .post_json(
                "/api/v1/tokens/password",
                None,
                json!({"email": "security@acme.demo.invalid", "password": "wrong", "name": "ci"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: {body}");
        assert!(!body.contains("dtsec_"), "{b}: no token in a refusal");
        let (s, _) = t
            .post(
                "/api/v1/tokens/password",
                None,
                "application/x-www-form-urlencoded",
                "email=a&password=b&name=c",
            )
            .await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{b}");
        let (s, _) = t
            .post_json("/api/v1/tokens/password", None, json!({"email": "x"}))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        t.finish().await;
    }
}
