//! Device pages kept in the database (`device_pages.rs`, migration 0025, issue 16): the keeper
//! renders the public's page and keeps it; the public is answered from it, byte for byte what a
//! rendering gives, with its ETag and 304s; a signed-in caller never is; and every change it
//! shows — through the registry, behind its back in SQL, while the page is being rendered, a new
//! epoch, a new day — makes the next answer a fresh rendering.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::common;

/// The kept page's HTML.
fn expand(gzip: &[u8]) -> String {
    dtsec_server::device_pages::expand(gzip).expect("the kept bytes expand")
}

/// Runs the keeper until it has nothing left to render; returns how many pages it kept.
async fn keep_all(t: &common::TestApp) -> usize {
    let mut kept = 0;
    for _ in 0..100 {
        let round = dtsec_server::device_pages::round(&t.state).await.unwrap();
        assert_eq!(round.failed, 0, "{}", t.backend);
        kept += round.kept;
        if round.rendered == 0 {
            return kept;
        }
    }
    panic!("{}: the keeper never finished", t.backend);
}

/// Renames the certificate's product in plain SQL, behind the registry's back.
async fn rename_in_sql(t: &common::TestApp, id: &str, name: &str) {
    sqlx::query("UPDATE certificates SET product_name = $1 WHERE certificate_id = $2")
        .bind(name)
        .bind(id)
        .execute(t.store.pool())
        .await
        .unwrap();
}

/// GET as the public: status, ETag (if any) and body.
async fn public_get(t: &common::TestApp, path: &str) -> (StatusCode, Option<String>, String) {
    let resp = tower::ServiceExt::oneshot(
        t.app.clone(),
        Request::get(path).body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    let status = resp.status();
    let etag = resp
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, etag, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_public_is_answered_from_the_kept_page_until_anything_on_it_changes() {
    for t in common::backends().await {
        let b = t.backend;
        let id = t.active_certificate().await;
        let path = format!("/devices/{id}");
        // Nothing kept yet: rendered per view.
        assert_eq!(t.store.kept_device_page(&id).await.unwrap(), None, "{b}");
        let (s, live_etag, live) = public_get(&t, &path).await;
        assert_eq!(s, StatusCode::OK, "{b}");

        // Kept: every certificate of the demo, the same bytes and tag as the rendering.
        let certificates: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates")
            .fetch_one(t.store.pool())
            .await
            .unwrap();
        assert_eq!(keep_all(&t).await as i64, certificates, "{b}");
        let kept = t.store.kept_device_page(&id).await.unwrap().expect("kept");
        assert_eq!(expand(&kept.gzip), live, "{b}");
        assert_eq!(Some(&kept.etag), live_etag.as_ref(), "{b}");
        let (s, etag, body) = public_get(&t, &path).await;
        assert_eq!(
            (s, etag.as_ref(), &body),
            (StatusCode::OK, Some(&kept.etag), &live),
            "{b}"
        );
        // A client that takes gzip gets the kept bytes as they are, under a tag of their own.
        let resp = tower::ServiceExt::oneshot(
            t.app.clone(),
            Request::get(&path)
                .header(header::ACCEPT_ENCODING, "br, gzip;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(resp.headers()[header::CONTENT_ENCODING], "gzip", "{b}");
        let vary = resp.headers()[header::VARY].to_str().unwrap().to_string();
        assert!(vary.contains("Accept-Encoding"), "{b}: {vary}");
        let gzip_etag = resp.headers()[header::ETAG].to_str().unwrap().to_string();
        assert_ne!(gzip_etag, kept.etag, "{b}");
        let bytes = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert_eq!(bytes.as_ref(), kept.gzip.as_slice(), "{b}");
        let (s, _) = t
            .send(
                Request::get(&path)
                    .header(header::ACCEPT_ENCODING, "gzip")
                    .header(header::IF_NONE_MATCH, &gzip_etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_MODIFIED, "{b}");
        let (s, _) = t
            .send(
                Request::get(&path)
                    .header(header::IF_NONE_MATCH, &kept.etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_MODIFIED, "{b}");
        // A signed-in caller gets the page rendered for them, not the public's.
        let (_, token) = t.token("certifier@demo.invalid").await;
        let (s, mine) = t
            .send(
                Request::get(&path)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_ne!(mine, live, "{b}");

        // A decision through the registry: forgotten in its own transaction.
        let certifier = t.user("certifier@demo.invalid").await.actor();
        t.store
            .change_certificate_status(
                &certifier,
                &id,
                dtsec_registry::StatusRequest::Suspend,
                "device pages test",
            )
            .await
            .unwrap();
        assert_eq!(t.store.kept_device_page(&id).await.unwrap(), None, "{b}");
        let (_, _, body) = public_get(&t, &path).await;
        assert!(body.contains("status-suspended"), "{b}");
        assert_eq!(
            keep_all(&t).await,
            1,
            "{b}: only the changed page is made again"
        );
        let kept = t.store.kept_device_page(&id).await.unwrap().expect("kept");
        assert!(expand(&kept.gzip).contains("status-suspended"), "{b}");

        // A change made behind the registry's back, in SQL: forgotten all the same.
        rename_in_sql(&t, &id, "Renamed In SQL").await;
        let (_, _, body) = public_get(&t, &path).await;
        assert!(body.contains("Renamed In SQL"), "{b}");
        keep_all(&t).await;

        // A change while the page is being rendered: the page rendered before it is not kept.
        let work = t.store.device_pages_to_make(10).await.unwrap();
        assert!(work.pages.is_empty(), "{b}: {work:?}");
        rename_in_sql(&t, &id, "Renamed Again").await;
        let work = t.store.device_pages_to_make(10).await.unwrap();
        assert_eq!(work.pages.len(), 1, "{b}");
        let stale = dtsec_registry::KeptPage {
            etag: "\"stale\"".into(),
            gzip: dtsec_server::device_pages::compress("rendered before the change"),
        };
        rename_in_sql(&t, &id, "Renamed Thrice").await;
        let kept = t
            .store
            .keep_device_pages(
                work.epoch,
                &work.day,
                &[(work.pages[0].clone(), Some(stale))],
            )
            .await
            .unwrap();
        assert_eq!(kept, 0, "{b}");
        let (_, _, body) = public_get(&t, &path).await;
        assert!(body.contains("Renamed Thrice"), "{b}");
        keep_all(&t).await;
        assert!(
            t.store.kept_device_page(&id).await.unwrap().is_some(),
            "{b}"
        );

        // A new epoch (a server start, a new advisory snapshot) and a new day: nothing kept is
        // served until made again.
        t.store.new_device_page_epoch().await.unwrap();
        assert_eq!(t.store.kept_device_page(&id).await.unwrap(), None, "{b}");
        assert_eq!(keep_all(&t).await as i64, certificates, "{b}");
        t.store.clock().advance_days(1);
        assert_eq!(t.store.kept_device_page(&id).await.unwrap(), None, "{b}");
        assert_eq!(keep_all(&t).await as i64, certificates, "{b}");
        assert!(
            t.store.kept_device_page(&id).await.unwrap().is_some(),
            "{b}"
        );
        t.store.clock().reset();
        assert_eq!(
            t.store.kept_device_page(&id).await.unwrap(),
            None,
            "{b}: a day back"
        );
        assert_eq!(keep_all(&t).await as i64, certificates, "{b}");
        t.finish().await;
    }
}
