//! Issue 13, publishing, over HTTP: the device page's security posture before and after the
//! grace period (acceptance check 10: a count with a disclaimer and a dispute link, never a
//! per-CVE claim without an assessment), and CSAF notices — schema-valid, signed with the scheme
//! key, logged with their hash, served in the provider's directory beside valid provider
//! metadata.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_tlog::tile::parse_bundle;
use dtsec_tlog::{DirSource, TileSource, Verifier, audit, layout};
use dtsec_vex::formats::{Format, csaf_checks, schemas};
use serde_json::{Value, json};

use crate::common;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../registry/tests/data/postmarket"
);

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{name}")).unwrap()
}

async fn get_as(t: &common::TestApp, path: &str, token: &str) -> (StatusCode, String) {
    t.send(
        Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// An active demo certificate and a token of its manufacturer.
pub(crate) async fn active_certificate_with_maker(
    t: &common::TestApp,
) -> (dtsec_registry::CertificateRecord, String) {
    for id in &t.demo.certificates {
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
                return (c, token);
            }
        }
    }
    panic!("the demo has an active certificate with a manufacturer account")
}

/// Every entry of the transparency log, after `audit` verified checkpoint and tiles.
fn log_entries(store: &dtsec_registry::Store) -> Vec<Vec<u8>> {
    let verifier = Verifier::from_vkey(&store.log_vkey().unwrap()).unwrap();
    let source = DirSource::new(store.log_dir());
    let report = audit(&source, &verifier).expect("the log audits");
    let mut out = Vec::new();
    for bundle in layout::bundles(report.checkpoint.size) {
        let data = source.read(&bundle.path()).unwrap();
        out.extend(parse_bundle(&data).unwrap().into_iter().map(|e| e.to_vec()));
    }
    out
}

/// Uploads the test SBOM and syncs the advisory that matches it (CVE-2023-32681 in `requests`).
async fn sbom_and_match(t: &common::TestApp, id: &str, maker: &str, cb: &str) {
    let (s, body) = t
        .post(
            &format!("/api/v1/certificates/{id}/sbom"),
            Some(maker),
            "application/json",
            data("pump-sbom.cdx.json"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let records: Vec<Value> = ["PYSEC-2023-74.json", "x_DTSEC-TEST-0001.json"]
        .iter()
        .map(|f| serde_json::from_slice(&data(&format!("advisories/{f}"))).unwrap())
        .collect();
    let (s, body) = t
        .post_json("/api/v1/advisories/sync", Some(cb), json!(records))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_page_before_and_after_the_grace_period() {
    for t in common::backends().await {
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let (cert, maker) = active_certificate_with_maker(&t).await;
        let id = &cert.certificate_id;
        sbom_and_match(&t, id, &maker, &cb).await;
        let page = format!("/devices/{id}");

        // Within the grace period the public sees no trace of the match.
        let (s, html) = t.get(&page).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Security posture"), "{html}");
        assert!(html.contains("No unassessed match is older than the 30-day grace period"));
        assert!(!html.contains("under investigation"));
        assert!(!html.contains("CVE-2023-32681") && !html.contains("PYSEC-2023-74"));
        assert!(!html.contains("Visible to the manufacturer"));
        // The SBOM's existence and its missing support data are public; its contents are not.
        assert!(
            html.contains(
                "available to the certification body (cyclonedx, revision 1, 2 components"
            )
        );
        assert!(html.contains("2 components have no support data"));
        assert!(!html.contains("pkg:pypi/requests"));
        // The manufacturer sees the private count on the same page.
        let (_, own) = get_as(&t, &page, &maker).await;
        assert!(own.contains("1 match within the grace period"), "{own}");

        // Day 29: still private; day 30 after the first match: public, as a count only.
        t.store.clock().advance_days(29);
        assert!(!t.get(&page).await.1.contains("under investigation"));
        t.store.clock().advance_days(1);
        let (_, html) = t.get(&page).await;
        assert!(
            html.contains("1 vulnerability under investigation"),
            "{html}"
        );
        assert!(html.contains("Disclaimer: this is a count of automated matches"));
        assert!(html.contains("href=\"/postmarket#dispute\""));
        assert!(
            !html.contains("CVE-2023-32681") && !html.contains("PYSEC-2023-74"),
            "never a per-CVE claim without an assessment"
        );
        let (s, body) = t.get(&format!("/api/v1/devices/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        let posture = &common::json(&body)["posture"];
        assert_eq!(posture["unassessed"]["past_grace"], 1);
        assert_eq!(posture["unassessed"]["within_grace"], Value::Null);
        assert!(!body.contains("CVE-2023-32681"));
        let (s, method) = t.get("/postmarket").await;
        assert_eq!(s, StatusCode::OK);
        assert!(method.contains("id=\"dispute\""));

        // The manufacturer's assessment replaces the count with its statement.
        let mut a: Value = serde_json::from_slice(&data("assessment-uncontrolled.json")).unwrap();
        a["product"]["name"] = json!(cert.product_name);
        a["product"]["version"] = json!(cert.product_version);
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{id}/assessments"),
                Some(&maker),
                a,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let (_, html) = t.get(&page).await;
        assert!(!html.contains("under investigation"), "{html}");
        assert!(html.contains("CVE-2023-32681"));
        assert!(html.contains("uncontrolled"));
        assert!(html.contains("Disable the cloud uplink until firmware 1.1."));
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csaf_notice_is_valid_signed_logged_and_served() {
    for t in common::backends().await {
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let (cert, maker) = active_certificate_with_maker(&t).await;
        let id = &cert.certificate_id;
        sbom_and_match(&t, id, &maker, &cb).await;
        let publish = format!("/api/v1/certificates/{id}/notices");
        let (s, body) = t
            .post_json(&publish, Some(&cb), json!({"vuln": "CVE-2023-32681"}))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "nothing assessed yet: {body}");
        let mut a: Value = serde_json::from_slice(&data("assessment-uncontrolled.json")).unwrap();
        a["product"]["name"] = json!(cert.product_name);
        a["product"]["version"] = json!(cert.product_version);
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{id}/assessments"),
                Some(&maker),
                a,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let assessment_hash = common::json(&body)["hash"].as_str().unwrap().to_string();

        let (s, _) = t
            .post_json(&publish, Some(&maker), json!({"vuln": "CVE-2023-32681"}))
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the manufacturer does not publish notices"
        );
        let (s, body) = t.post_json(&publish, Some(&cb), json!({"vuln": ""})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        // A day later (so the notice is the newest thing in the feeds), by an alias: the notice
        // is about the assessment's vulnerability.
        t.store.clock().advance_days(1);
        let (s, body) = t
            .post_json(&publish, Some(&cb), json!({"vuln": "PYSEC-2023-74"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let record = common::json(&body);
        // Numbered within the year after the demo's own notice.
        let notice_id = record["notice_id"].as_str().unwrap().to_string();
        assert!(notice_id.starts_with("DTSEC-VN-2025-"), "{notice_id}");
        let file = format!("{}.json", notice_id.to_ascii_lowercase());
        assert_eq!(record["vuln"], "CVE-2023-32681");
        assert_eq!(record["assessment_hash"], json!(assessment_hash));
        let (s, body) = t
            .post_json(&publish, Some(&cb), json!({"vuln": "CVE-2023-32681"}))
            .await;
        assert_eq!(
            s,
            StatusCode::CONFLICT,
            "published once per assessment version: {body}"
        );

        // The document as served: schema-valid CSAF 2.0 passing the mandatory tests.
        let path = record["path"].as_str().unwrap();
        assert_eq!(path, format!("/.well-known/csaf/white/2025/{file}"));
        let (s, doc_text) = t.get(path).await;
        assert_eq!(s, StatusCode::OK);
        let doc: Value = serde_json::from_str(&doc_text).unwrap();
        schemas::validate(Format::Csaf, &doc).expect("the notice is schema-valid CSAF 2.0");
        csaf_checks::run(&doc).expect("the notice passes the mandatory tests");
        assert_eq!(doc["document"]["tracking"]["id"], json!(notice_id));
        assert_eq!(doc["document"]["publisher"]["category"], "coordinator");
        assert_eq!(doc["vulnerabilities"][0]["cve"], "CVE-2023-32681");

        // Its hash, served and recorded.
        let sha = dtsec_seal::sha256_hex(doc_text.as_bytes());
        assert_eq!(record["sha256"], json!(sha));
        let (s, sha_file) = t.get(&format!("{path}.sha256")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(sha_file, format!("{sha}  {file}\n"));

        // The signature verifies with the scheme's published key; a changed document does not.
        let (_, pem) = t.get("/scheme.pub").await;
        let key = dtsec_seal::VerifyingKey::from_public_pem(&pem).unwrap();
        let (s, sig_text) = t.get(&format!("{path}.sig")).await;
        assert_eq!(s, StatusCode::OK);
        let sig_json: Value = serde_json::from_str(&sig_text).unwrap();
        assert_eq!(sig_json["key_id"], json!(key.key_id()));
        let sig = dtsec_seal::Signature::from_base64(sig_json["sig"].as_str().unwrap()).unwrap();
        key.verify(doc_text.as_bytes(), &sig)
            .expect("the notice is signed by the scheme key");
        let tampered = doc_text.replacen("known_affected", "known_not_affected", 1);
        assert_ne!(tampered, doc_text);
        assert!(key.verify(tampered.as_bytes(), &sig).is_err());
        assert_ne!(dtsec_seal::sha256_hex(tampered.as_bytes()), sha);

        // The transparency log's last entry is the notice, with both hashes.
        let entries = log_entries(&t.store);
        let last = entries.last().unwrap();
        match dtsec_registry::transparency::Decision::parse(last).unwrap() {
            dtsec_registry::transparency::Decision::Notice(n) => {
                assert_eq!(n.notice_id, notice_id);
                assert_eq!(n.document_sha256, sha);
                assert_eq!(n.assessment_sha256, assessment_hash);
                assert_eq!(&n.certificate_id, id);
            }
            other => panic!("the last log entry is {other:?}"),
        }

        // The provider: valid metadata naming the directory and the key; the directory lists it.
        let (s, body) = t.get("/.well-known/csaf/provider-metadata.json").await;
        assert_eq!(s, StatusCode::OK);
        let meta = common::json(&body);
        schemas::validate_provider_metadata(&meta).expect("provider metadata is schema-valid");
        assert!(
            meta["distributions"][0]["directory_url"]
                .as_str()
                .unwrap()
                .ends_with("/.well-known/csaf/white/")
        );
        assert_eq!(
            meta["public_openpgp_keys"][0]["fingerprint"],
            json!(dtsec_seal::sha256_hex(&key.to_bytes()).to_ascii_uppercase())
        );
        let mut broken = meta.clone();
        broken["role"] = json!("csaf_anything");
        assert!(schemas::validate_provider_metadata(&broken).is_err());
        let (_, index) = t.get("/.well-known/csaf/white/index.txt").await;
        assert_eq!(
            index.lines().next(),
            Some(format!("2025/{file}").as_str()),
            "newest first"
        );
        assert_eq!(
            t.get("/.well-known/csaf/white/2025/dtsec-vn-2025-9999.json")
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.get("/.well-known/csaf/white/2025/../../x.json").await.0,
            StatusCode::NOT_FOUND
        );

        // The device page lists the notice as open, with its files.
        let (_, html) = t.get(&format!("/devices/{id}")).await;
        assert!(html.contains(&notice_id), "{html}");
        assert!(html.contains("(open, published"));
        assert!(html.contains(&format!("{path}.sig")));
        let (_, list) = t.get(&format!("/api/v1/notices?certificate={id}")).await;
        assert_eq!(common::json(&list)[0]["notice_id"], json!(notice_id));
        assert_eq!(
            t.get("/api/v1/notices?limit=0").await.0,
            StatusCode::BAD_REQUEST
        );

        // The Atom feeds: well-formed, newest first, the notice then the certificate's decisions;
        // linked from the pages.
        assert!(html.contains(&format!(
            "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/devices/{id}/feed.atom\""
        )));
        let (_, home) = t.get("/").await;
        assert!(
            home.contains(
                "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed.atom\""
            )
        );
        for feed in [format!("/devices/{id}/feed.atom"), "/feed.atom".to_string()] {
            let (s, xml) = t.get(&feed).await;
            assert_eq!(s, StatusCode::OK, "{feed}");
            let doc = roxmltree::Document::parse(&xml).expect("the feed is well-formed XML");
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "feed");
            assert_eq!(
                root.tag_name().namespace(),
                Some("http://www.w3.org/2005/Atom")
            );
            let entries: Vec<_> = root
                .children()
                .filter(|n| n.has_tag_name("entry"))
                .collect();
            assert!(
                entries.len() >= 2 && entries.len() <= dtsec_registry::MAX_FEED_ENTRIES,
                "{xml}"
            );
            let child = |e: &roxmltree::Node<'_, '_>, name: &str| {
                e.children()
                    .find(|n| n.has_tag_name(name))
                    .and_then(|n| n.text())
                    .unwrap_or("")
                    .to_string()
            };
            assert!(child(&entries[0], "title").contains(&notice_id), "{xml}");
            let updated: Vec<String> = entries.iter().map(|e| child(e, "updated")).collect();
            assert!(
                updated.windows(2).all(|w| w[0] >= w[1]),
                "newest first: {updated:?}"
            );
            assert!(entries.iter().any(|e| {
                child(e, "title").contains(&format!("certificate {id}"))
                    && e.children().any(|n| {
                        n.has_tag_name("category")
                            && n.attribute("term") == Some("certificate-decision")
                    })
            }));
            let ids: std::collections::BTreeSet<String> =
                entries.iter().map(|e| child(e, "id")).collect();
            assert_eq!(ids.len(), entries.len(), "entry ids are unique");
        }
        assert_eq!(
            t.get("/devices/NO-SUCH/feed.atom").await.0,
            StatusCode::NOT_FOUND
        );
        t.finish().await;
    }
}

/// A form post in a certifier's browser session.
async fn post_form(
    t: &common::TestApp,
    path: &str,
    cookie: &str,
    body: String,
) -> (StatusCode, String) {
    use tower::ServiceExt as _;
    let resp = t
        .app
        .clone()
        .oneshot(
            Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", cookie)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cb_queue_page_decides_and_publishes_through_its_forms() {
    for t in common::backends().await {
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let (cert, maker) = active_certificate_with_maker(&t).await;
        let id = &cert.certificate_id;
        sbom_and_match(&t, id, &maker, &cb).await;
        let mut a: Value = serde_json::from_slice(&data("assessment-uncontrolled.json")).unwrap();
        a["product"]["name"] = json!(cert.product_name);
        a["product"]["version"] = json!(cert.product_version);
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{id}/assessments"),
                Some(&maker),
                a,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let hash = common::json(&body)["hash"].as_str().unwrap().to_string();

        // The public is sent to log in; a manufacturer may not see the queue.
        let (s, _) = t.get("/staff/postmarket").await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, _) = get_as(&t, "/staff/postmarket", &maker).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let user = t.user("certifier@demo.invalid").await;
        let (sid, session) = t.store.start_session(&user, 3600).await.unwrap();
        let cookie = format!("{}={sid}", dtsec_server::SESSION_COOKIE);
        let page = |path: &'static str| {
            let cookie = cookie.clone();
            let t = &t;
            async move {
                t.send(
                    Request::get(path)
                        .header("cookie", cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
            }
        };
        let (s, html) = page("/staff/postmarket").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        let n = t
            .store
            .postmarket_queue(&user.actor())
            .await
            .unwrap()
            .into_iter()
            .find(|i| &i.certificate_id == id && i.kind == "open-review")
            .expect("the queue proposes a review")
            .n;
        assert!(
            html.contains(&format!("action=\"/api/v1/postmarket/queue/{n}/act\"")),
            "{html}"
        );
        assert!(html.contains(&format!("name=\"assessment_hash\" value=\"{hash}\"")));
        assert!(html.contains(&format!("action=\"/api/v1/certificates/{id}/notices\"")));
        assert!(html.contains("Open the review"));
        let (_, staff) = page("/staff").await;
        assert!(staff.contains("href=\"/staff/postmarket\""));

        // Publish the notice through its form: back to the queue, and the notice exists.
        let csrf = &session.csrf;
        let (s, _) = post_form(
            &t,
            &format!("/api/v1/certificates/{id}/notices"),
            &cookie,
            "vuln=CVE-2023-32681".to_string(),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "a form without its CSRF token is refused"
        );
        assert!(t.store.notices(Some(id), 10).await.unwrap().is_empty());
        let (s, location) = post_form(
            &t,
            &format!("/api/v1/certificates/{id}/notices"),
            &cookie,
            format!("vuln=CVE-2023-32681&csrf={csrf}"),
        )
        .await;
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/staff/postmarket?done=1")
        );
        assert_eq!(t.store.notices(Some(id), 10).await.unwrap().len(), 1);

        // Decide the review: a reason is required; with it the certificate is under review.
        let act = format!("/api/v1/postmarket/queue/{n}/act");
        let enc_hash = hash.replace(':', "%3A");
        let (s, _) = post_form(
            &t,
            &act,
            &cookie,
            format!("reason=&assessment_hash={enc_hash}&csrf={csrf}"),
        )
        .await;
        assert!(s.is_client_error(), "{s}");
        assert_eq!(t.store.certificate(id).await.unwrap().status, "active");
        let (s, location) = post_form(
            &t,
            &act,
            &cookie,
            format!(
                "reason=Uncontrolled+risk+in+the+uplink&assessment_hash={enc_hash}&csrf={csrf}"
            ),
        )
        .await;
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/staff/postmarket?done=1")
        );
        assert_eq!(
            t.store.certificate(id).await.unwrap().status,
            "under-review"
        );
        let (_, html) = page("/staff/postmarket?done=1").await;
        assert!(html.contains("Done: your change was saved"));
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_the_postmarket_pages() {
    for t in common::backends().await {
        let mut nimbus = None;
        for id in &t.demo.certificates {
            let c = t.store.certificate(id).await.unwrap();
            if c.product_name == "Acme Nimbus System" && c.status == "active" {
                nimbus = Some(c);
            }
        }
        let cert = nimbus.expect("the demo certifies the Acme Nimbus System");
        let id = &cert.certificate_id;
        let (s, html) = t.get(&format!("/devices/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("x_DTSEC-DEMO-0001"), "{html}");
        assert!(html.contains("controlled"));
        assert!(html.contains("href=\"mailto:psirt@acme.demo.invalid\""));
        assert!(html.contains("earliest declared by a component: 2029-06-30"));
        assert!(
            !html.contains("x_DTSEC-DEMO-0002"),
            "the unassessed GIT-only advisory is never named"
        );
        let notices = t.store.notices(Some(id), 10).await.unwrap();
        assert_eq!(notices.len(), 1);
        assert!(html.contains(&notices[0].notice_id));
        let (s, doc) = t.get(&notices[0].path).await;
        assert_eq!(s, StatusCode::OK);
        let doc: Value = serde_json::from_str(&doc).unwrap();
        schemas::validate(Format::Csaf, &doc).expect("the demo's notice is valid CSAF");
        let (_, feed) = t.get("/feed.atom").await;
        assert!(feed.contains(&notices[0].notice_id));
        t.finish().await;
    }
}

/// Issue 13, known gaps 1 and 2: an affected, uncontrolled assessment is published as a CSAF
/// `csaf_security_advisory` (interim); when the manufacturer records the fix distributed, the
/// same notice gets revision 2 (final, both revisions in its history, a new signature and a
/// `notice-revised` log entry); revision 1 stays retrievable byte for byte, and the CSAF
/// directory, provider metadata and feeds serve the current revision.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_affected_notice_is_an_advisory_and_a_changed_assessment_revises_it() {
    for t in common::backends().await {
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let (cert, maker) = active_certificate_with_maker(&t).await;
        let id = &cert.certificate_id;
        sbom_and_match(&t, id, &maker, &cb).await;
        let mut a: Value = serde_json::from_slice(&data("assessment-uncontrolled.json")).unwrap();
        a["product"]["name"] = json!(cert.product_name);
        a["product"]["version"] = json!(cert.product_version);
        let assess = format!("/api/v1/certificates/{id}/assessments");
        let (s, body) = t.post_json(&assess, Some(&maker), a.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let publish = format!("/api/v1/certificates/{id}/notices");
        t.store.clock().advance_days(1);
        let (s, body) = t
            .post_json(&publish, Some(&cb), json!({"vuln": "CVE-2023-32681"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let first = common::json(&body);
        let notice_id = first["notice_id"].as_str().unwrap().to_string();
        assert_eq!(first["revision"], 1);
        assert_eq!(first["category"], "csaf_security_advisory");
        assert_eq!(first["tracking_status"], "interim");
        let path = first["path"].as_str().unwrap().to_string();
        let (_, first_text) = t.get(&path).await;
        let doc: Value = serde_json::from_str(&first_text).unwrap();
        schemas::validate(Format::Csaf, &doc).expect("the advisory is schema-valid CSAF 2.0");
        csaf_checks::run(&doc).expect("the advisory passes the mandatory tests");
        assert_eq!(doc["document"]["category"], "csaf_security_advisory");
        assert_eq!(doc["document"]["tracking"]["status"], "interim");
        let v = &doc["vulnerabilities"][0];
        assert_eq!(v["remediations"][0]["category"], "vendor_fix");
        assert!(
            v["remediations"][0]["details"]
                .as_str()
                .unwrap()
                .contains("Disable the cloud uplink")
        );
        assert_eq!(v["threats"][0]["category"], "impact");
        assert!(
            v["threats"][0]["details"]
                .as_str()
                .unwrap()
                .contains("uncontrolled")
        );

        // The fix is distributed: the manufacturer records it, the CB publishes again.
        t.store.clock().advance_days(20);
        let mut fixed = a.clone();
        fixed["status"] = json!({"state": "fixed"});
        fixed["dates"]["fix_validated"] = json!("2025-03-20");
        fixed["dates"]["fix_distributed"] = json!("2025-03-21");
        let (s, body) = t.post_json(&assess, Some(&maker), fixed).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let fixed_hash = common::json(&body)["hash"].as_str().unwrap().to_string();
        let (s, body) = t
            .post_json(&publish, Some(&cb), json!({"vuln": "CVE-2023-32681"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let second = common::json(&body);
        assert_eq!(second["notice_id"], json!(notice_id), "the same notice");
        assert_eq!(second["revision"], 2);
        assert_eq!(second["category"], "csaf_security_advisory");
        assert_eq!(second["tracking_status"], "final");
        assert_eq!(second["path"], json!(path));
        assert_ne!(second["sha256"], first["sha256"]);
        let (s, _) = t
            .post_json(&publish, Some(&cb), json!({"vuln": "CVE-2023-32681"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "no revision without a change");

        // The directory serves revision 2, with its own hash and signature.
        let (_, current_text) = t.get(&path).await;
        let current: Value = serde_json::from_str(&current_text).unwrap();
        schemas::validate(Format::Csaf, &current).unwrap();
        csaf_checks::run(&current).unwrap();
        let tr = &current["document"]["tracking"];
        assert_eq!(tr["version"], "2");
        assert_eq!(tr["status"], "final");
        assert_eq!(tr["initial_release_date"], first["published_at"]);
        assert_eq!(tr["current_release_date"], second["published_at"]);
        let history = tr["revision_history"].as_array().unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0]["number"], "1");
        assert!(
            history[1]["summary"]
                .as_str()
                .unwrap()
                .contains("affected to fixed"),
            "{history:?}"
        );
        assert_eq!(
            current["vulnerabilities"][0]["product_status"]["fixed"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let (_, pem) = t.get("/scheme.pub").await;
        let key = dtsec_seal::VerifyingKey::from_public_pem(&pem).unwrap();
        let verify = |text: &str, sig: &Value| {
            let sig = dtsec_seal::Signature::from_base64(sig["sig"].as_str().unwrap()).unwrap();
            key.verify(text.as_bytes(), &sig)
        };
        let (_, sig_text) = t.get(&format!("{path}.sig")).await;
        let sig: Value = serde_json::from_str(&sig_text).unwrap();
        verify(&current_text, &sig).expect("revision 2 is signed by the scheme key");
        assert!(verify(&first_text, &sig).is_err());
        let (_, sha_file) = t.get(&format!("{path}.sha256")).await;
        assert!(sha_file.starts_with(second["sha256"].as_str().unwrap()));

        // Revision 1 stays retrievable, byte for byte, and its listed signature verifies.
        let (s, body) = t
            .get(&format!("/api/v1/notices/{notice_id}/revisions"))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let revisions = common::json(&body);
        let revisions = revisions.as_array().unwrap();
        assert_eq!(revisions.len(), 2);
        assert_eq!(revisions[0]["tracking_status"], "interim");
        assert_eq!(revisions[1]["assessment_hash"], json!(fixed_hash));
        let (s, old_text) = t.get(revisions[0]["path"].as_str().unwrap()).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(old_text, first_text);
        assert_eq!(
            revisions[0]["sha256"],
            json!(dtsec_seal::sha256_hex(old_text.as_bytes()))
        );
        verify(&old_text, &revisions[0]["signature"]).expect("revision 1's signature verifies");
        assert_eq!(
            t.get(&format!("/api/v1/notices/{notice_id}/revisions/3"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.get("/api/v1/notices/DTSEC-VN-1999-0001/revisions")
                .await
                .0,
            StatusCode::NOT_FOUND
        );

        // The log: revision 1 published, revision 2 revised, each with its document's hash.
        let notices: Vec<_> = log_entries(&t.store)
            .iter()
            .filter_map(
                |e| match dtsec_registry::transparency::Decision::parse(e).unwrap() {
                    dtsec_registry::transparency::Decision::Notice(n)
                        if n.notice_id == notice_id =>
                    {
                        Some(n)
                    }
                    _ => None,
                },
            )
            .collect();
        assert_eq!(notices.len(), 2);
        assert_eq!(notices[0].kind, "notice-published");
        assert_eq!(notices[0].revision, Some(1));
        assert_eq!(notices[1].kind, "notice-revised");
        assert_eq!(notices[1].revision, Some(2));
        assert_eq!(
            notices[1].category.as_deref(),
            Some("csaf_security_advisory")
        );
        assert_eq!(json!(notices[1].document_sha256), second["sha256"]);
        assert_eq!(notices[1].assessment_sha256, fixed_hash);

        // Provider metadata, the directory index and the feeds point at the current revision.
        let (_, body) = t.get("/.well-known/csaf/provider-metadata.json").await;
        assert_eq!(common::json(&body)["last_updated"], second["published_at"]);
        let (_, index) = t.get("/.well-known/csaf/white/index.txt").await;
        let file = path.rsplit('/').next().unwrap();
        assert_eq!(index.lines().filter(|l| l.ends_with(file)).count(), 1);
        let (_, changes) = t.get("/.well-known/csaf/white/changes.csv").await;
        let published_at = second["published_at"].as_str().unwrap();
        assert!(
            changes.lines().next().unwrap().contains(published_at),
            "{changes}"
        );
        let (_, list) = t.get(&format!("/api/v1/notices?certificate={id}")).await;
        let list = common::json(&list);
        assert_eq!(list[0]["notice_id"], json!(notice_id));
        assert_eq!(list[0]["state"], "fixed");
        assert_eq!(list[0]["sha256"], second["sha256"]);
        // The feeds' entry of the notice says it is revision 2 and is dated by revision 2 (the
        // certificate's decisions are older, so it is the first entry).
        for feed in [format!("/devices/{id}/feed.atom"), "/feed.atom".to_string()] {
            let (_, xml) = t.get(&feed).await;
            let doc = roxmltree::Document::parse(&xml).expect("the feed is well-formed XML");
            let entry = doc
                .root_element()
                .children()
                .find(|n| {
                    n.has_tag_name("entry")
                        && n.children().any(|c| {
                            c.has_tag_name("title")
                                && c.text().is_some_and(|t| t.contains(notice_id.as_str()))
                        })
                })
                .unwrap_or_else(|| panic!("no entry of {notice_id}: {xml}"));
            let child = |name: &str| {
                entry
                    .children()
                    .find(|n| n.has_tag_name(name))
                    .and_then(|n| n.text())
                    .unwrap_or("")
                    .to_string()
            };
            assert!(child("title").ends_with("revision 2"), "{xml}");
            assert!(child("summary").contains("revised notice"), "{xml}");
            assert!(child("summary").contains("(revision 2)"), "{xml}");
            assert_eq!(child("updated"), published_at, "{xml}");
            assert_ne!(child("updated"), first["published_at"].as_str().unwrap());
        }
        t.finish().await;
    }
}
