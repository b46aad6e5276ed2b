//! Issue 13 over HTTP: the manufacturer uploads an SBOM for a certified demo device, the
//! certification body syncs advisories, the match is in the manufacturer's view (not the
//! public's), an uncontrolled assessment makes the queue propose a review, the certifier acts,
//! and the public VEX states the assessed vulnerability.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use serde_json::json;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sbom_sync_assess_queue_act_vex() {
    for t in common::backends().await {
        let (_, cb) = t.token("certifier@demo.invalid").await;
        // An active demo certificate and an account of its manufacturer.
        let mut found = None;
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
                    found = Some((c.clone(), token));
                    break;
                }
            }
            if found.is_some() {
                break;
            }
        }
        let (cert, maker) =
            found.expect("the demo has an active certificate with a manufacturer account");
        let id = &cert.certificate_id;

        let sbom = data("pump-sbom.cdx.json");
        let path = format!("/api/v1/certificates/{id}/sbom");
        let (s, _) = t
            .post(&path, Some(&cb), "application/json", sbom.clone())
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "the certifier does not upload SBOMs"
        );
        let (s, body) = t
            .post(&path, Some(&maker), "application/json", sbom.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let (s, _) = t.post(&path, Some(&maker), "application/json", sbom).await;
        assert_eq!(s, StatusCode::OK, "the same SBOM again is not a new one");
        let (s, body) = t
            .post(
                &path,
                Some(&maker),
                "application/json",
                "{\"bomFormat\": 7}",
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

        let records: Vec<serde_json::Value> = ["PYSEC-2023-74.json", "x_DTSEC-TEST-0001.json"]
            .iter()
            .map(|f| serde_json::from_slice(&data(&format!("advisories/{f}"))).unwrap())
            .collect();
        let (s, _) = t
            .post_json("/api/v1/advisories/sync", Some(&maker), json!(records))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, body) = t
            .post_json("/api/v1/advisories/sync", Some(&cb), json!(records))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(common::json(&body)["matches"], 1);

        let matches = format!("/api/v1/certificates/{id}/matches");
        let (s, body) = get_as(&t, &matches, &maker).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(common::json(&body)[0]["group_key"], "CVE-2023-32681");
        assert_eq!(t.get(&matches).await.0, StatusCode::UNAUTHORIZED);
        let vex = format!("/api/v1/certificates/{id}/vex?format=openvex");
        assert_eq!(
            t.get(&vex).await.0,
            StatusCode::NOT_FOUND,
            "nothing assessed yet"
        );

        let mut a: serde_json::Value =
            serde_json::from_slice(&data("assessment-uncontrolled.json")).unwrap();
        a["product"]["name"] = json!(cert.product_name);
        a["product"]["version"] = json!(cert.product_version);
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{id}/assessments"),
                Some(&maker),
                a.clone(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let hash = common::json(&body)["hash"].as_str().unwrap().to_string();

        let (s, body) = get_as(&t, "/api/v1/postmarket/queue", &cb).await;
        assert_eq!(s, StatusCode::OK);
        let queue = common::json(&body);
        let n = queue
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["certificate_id"] == json!(id))
            .expect("the queue has the certificate")
            .clone();
        assert_eq!(
            (n["kind"].as_str(), n["assessment_hash"].as_str()),
            (Some("open-review"), Some(hash.as_str()))
        );
        assert_eq!(
            get_as(&t, "/api/v1/postmarket/queue", &maker).await.0,
            StatusCode::FORBIDDEN
        );
        let act = format!("/api/v1/postmarket/queue/{}/act", n["n"]);
        let (s, body) = t
            .post_json(
                &act,
                Some(&cb),
                json!({"reason": "uncontrolled risk", "assessment_hash": hash}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(common::json(&body)["certificate"]["status"], "under-review");

        let (s, body) = t.get(&vex).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert!(body.contains("CVE-2023-32681"));

        // A second version of the assessment: the public CSAF lists both revisions from 1
        // (mandatory test 6.1.21), not only the newest.
        a["impact_statement"] = json!("Reviewed again with the lab.");
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{id}/assessments"),
                Some(&maker),
                a,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let (s, body) = t
            .get(&format!("/api/v1/certificates/{id}/vex?format=csaf"))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let doc = common::json(&body);
        dtsec_vex::formats::csaf_checks::run(&doc).unwrap();
        let tr = &doc["document"]["tracking"];
        assert_eq!(tr["version"], "2");
        let numbers: Vec<&str> = tr["revision_history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["number"].as_str().unwrap())
            .collect();
        assert_eq!(numbers, ["1", "2"]);
        t.finish().await;
    }
}
