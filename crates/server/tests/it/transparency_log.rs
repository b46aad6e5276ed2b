//! Issue 6 over HTTP: the log's checkpoint, key and C2SP tiles as static files (caching, 404
//! beyond the tree, no path traversal), proofs and the offline bundle as JSON, and the `/log`
//! page — all checked with nothing but the published keys.

use crate::common;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dtsec_registry::transparency::CertificateBundle;
use dtsec_tlog::layout::{self, CHECKPOINT_PATH};
use dtsec_tlog::{Checkpoint, StorageError, TileSource, TlogProof, Verifier, audit};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// Status, headers and body bytes.
async fn fetch(t: &common::TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let resp = t
        .app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

/// Objects fetched over HTTP, for `audit`.
struct Fetched(HashMap<String, Vec<u8>>);

impl TileSource for Fetched {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| StorageError::NotFound { path: path.into() })
    }
}

async fn verifier(t: &common::TestApp) -> Verifier {
    let (s, h, vkey) = fetch(t, "/log/vkey").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    Verifier::from_vkey(String::from_utf8(vkey).unwrap().trim()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_served_as_c2sp_tiles_and_audits() {
    for t in common::backends().await {
        let b = t.backend;
        let verifier = verifier(&t).await;
        let (s, h, signed) = fetch(&t, "/log/checkpoint").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        let checkpoint = Checkpoint::open(&signed, &verifier).unwrap();
        assert!(checkpoint.size > 10, "{b}: the demo makes decisions");

        // Every tile and bundle the checkpoint requires, over HTTP, audits.
        let mut objects = HashMap::from([(CHECKPOINT_PATH.to_string(), signed.clone())]);
        for tile in layout::tiles(checkpoint.size)
            .into_iter()
            .chain(layout::bundles(checkpoint.size))
        {
            let (s, h, body) = fetch(&t, &format!("/log/{}", tile.path())).await;
            assert_eq!(s, StatusCode::OK, "{b}: {}", tile.path());
            let cache = h[header::CACHE_CONTROL].to_str().unwrap();
            if tile.is_partial() {
                assert_eq!(cache, "public, max-age=60");
            } else {
                assert!(cache.contains("immutable"), "{cache}");
            }
            objects.insert(tile.path(), body);
        }
        let report = audit(&Fetched(objects), &verifier).unwrap();
        assert_eq!(report.checkpoint, checkpoint);

        // Beyond the tree, malformed, or outside the log: 404, never a file.
        let size = checkpoint.size;
        for path in [
            format!("/log/tile/0/000.p/{}", size + 1),
            format!("/log/tile/entries/000.p/{}", size + 1),
            "/log/tile/0/001".to_string(),
            "/log/tile/1/000".to_string(),
            "/log/tile/0/000.p/0".to_string(),
            "/log/tile/0/0".to_string(),
            "/log/tile/../../registry.sqlite3".to_string(),
            "/log/tile/entries/..%2F..%2Fscheme.key".to_string(),
            "/log/tile/0/.000.p.tmp".to_string(),
            "/log/tile/checkpoint".to_string(),
        ] {
            let (s, _, body) = fetch(&t, &path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {path}");
            assert!(!body.starts_with(b"-----BEGIN"), "{path}");
        }
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_bundles_and_the_page() {
    for t in common::backends().await {
        let b = t.backend;
        let verifier = verifier(&t).await;
        let (_, body) = t.get("/api/v1/devices").await;
        let id = common::json(&body)[0]["certificate_id"]
            .as_str()
            .unwrap()
            .to_string();

        // Inclusion proof of the current revision, checked with the log key alone.
        let (s, body) = t.get(&format!("/api/v1/certificates/{id}/proof")).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let p = common::json(&body);
        let entry = p["entry"].as_str().unwrap();
        let proof = TlogProof::parse(p["tlog_proof"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(proof.index, p["log_index"].as_u64().unwrap());
        let checkpoint = proof.verify(entry.as_bytes(), &verifier).unwrap();
        assert_eq!(checkpoint.size, p["tree_size"].as_u64().unwrap());
        assert!(entry.contains(&format!("\"certificate_id\":\"{id}\"")));
        let (s, body) = t
            .get(&format!("/api/v1/certificates/{id}/proof?revision=1"))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(common::json(&body)["revision"], 1);
        let (s, body) = t
            .get(&format!("/api/v1/certificates/{id}/proof?revision=x"))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(body.contains("revision"), "{body}");
        let (s, _) = t.get("/api/v1/certificates/DTSEC-0000-0000/proof").await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Consistency from an earlier size to the latest.
        let (s, body) = t.get("/api/v1/log/consistency?from=3").await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let c = common::json(&body);
        assert_eq!(c["from"], 3);
        let latest =
            Checkpoint::open(c["checkpoint"].as_str().unwrap().as_bytes(), &verifier).unwrap();
        assert_eq!(c["to"].as_u64().unwrap(), latest.size);
        for bad in [
            "/api/v1/log/consistency",
            "/api/v1/log/consistency?from=-1",
            "/api/v1/log/consistency?from=2&to=x",
        ] {
            let (s, _) = t.get(bad).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
        }
        let (s, body) = t
            .get(&format!(
                "/api/v1/log/consistency?from={}&to=1",
                latest.size
            ))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("never shrinks"), "{body}");

        // The certificate download with its proof verifies offline with the two keys.
        let (s, h, bundle) = fetch(&t, &format!("/certificates/{id}.bundle.json")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(
            h[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains(".bundle.json")
        );
        let bundle = CertificateBundle::from_json(std::str::from_utf8(&bundle).unwrap()).unwrap();
        let verified = bundle
            .verify(&t.store.scheme_public_key(), &verifier)
            .unwrap();
        assert_eq!(verified.certificate.certificate_id, id);
        let (s, _) = t.get(&format!("/api/v1/certificates/{id}/bundle")).await;
        assert_eq!(s, StatusCode::OK);
        let (_, html) = t.get(&format!("/certificates/{id}")).await;
        assert!(html.contains(".bundle.json"), "{html}");

        // The page: headings, the checkpoint, the key, a table of entries, how to verify.
        let (s, html) = t.get("/log").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(html.contains("<h1>Transparency log</h1>"));
        assert!(html.contains(&verifier.to_vkey()));
        assert!(html.contains(&latest.root.to_base64()));
        assert!(html.contains("verifies with the verifier key below"));
        assert!(html.contains("<th scope=\"col\">Decision</th>"));
        assert!(html.contains("dtsec verify"));
        assert!(html.contains(&format!(
            "<tr><td data-label=\"Index\">{}</td>",
            latest.size - 1
        )));
        // A decision about a certificate links to that certificate's page.
        assert!(
            html.contains("<td data-label=\"Decision\"><a href=\"/certificates/DTSEC-"),
            "{b}: the log's certificate entries are not linked"
        );
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_tiles_are_immutable_and_the_grown_log_still_audits() {
    // SQLite only: growing the log past one full tile takes a few hundred decisions.
    let mut all = common::backends().await;
    let t = all.remove(0);
    for other in all {
        other.finish().await;
    }
    let verifier = verifier(&t).await;
    let certifier = t.user("certifier@demo.invalid").await.actor();
    let id = t.active_certificate().await;
    let (_, _, signed) = fetch(&t, "/log/checkpoint").await;
    let before = Checkpoint::open(&signed, &verifier).unwrap();
    let mut size = before.size;
    let mut suspend = true;
    while size <= 256 {
        let request = if suspend {
            dtsec_registry::StatusRequest::Suspend
        } else {
            dtsec_registry::StatusRequest::Reinstate
        };
        t.store
            .change_certificate_status(&certifier, &id, request, "tile test")
            .await
            .unwrap();
        suspend = !suspend;
        size += 1;
    }
    let (_, _, signed) = fetch(&t, "/log/checkpoint").await;
    let checkpoint = Checkpoint::open(&signed, &verifier).unwrap();
    assert_eq!(checkpoint.size, size);
    let (s, h, full) = fetch(&t, "/log/tile/0/000").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        h[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(full.len(), 256 * 32);
    let (s, h, _) = fetch(&t, "/log/tile/entries/000").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let (s, _, level1) = fetch(&t, "/log/tile/1/000.p/1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(level1.len(), 32);
    // An earlier partial tile is a correct prefix and still served; the grown log audits and
    // extends the earlier checkpoint.
    let (s, _, _) = fetch(&t, &format!("/log/tile/0/000.p/{}", before.size)).await;
    assert_eq!(s, StatusCode::OK);
    let mut objects = HashMap::from([(CHECKPOINT_PATH.to_string(), signed)]);
    for tile in layout::tiles(size).into_iter().chain(layout::bundles(size)) {
        let (s, _, body) = fetch(&t, &format!("/log/{}", tile.path())).await;
        assert_eq!(s, StatusCode::OK, "{}", tile.path());
        objects.insert(tile.path(), body);
    }
    let source = Fetched(objects);
    audit(&source, &verifier).unwrap();
    let proof = dtsec_tlog::TileReader::new(&source, size)
        .consistency_proof(before.size)
        .unwrap();
    dtsec_tlog::verify_consistency(&before, &checkpoint, &proof).unwrap();
    t.finish().await;
}
