//! Anonymous answers kept between writes (`http_cache.rs`, issue 16): the same page asked again
//! is the same bytes; a decision, made through the store as any process would, shows in the
//! very next answer; a change no audit row records shows once the time bound has passed; a
//! signed-in caller is never answered from what was kept for the public.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::common;

async fn get_with_etag(t: &common::TestApp, path: &str) -> (String, String) {
    let resp = tower::ServiceExt::oneshot(
        t.app.clone(),
        Request::get(path).body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    let etag = resp.headers()[header::ETAG].to_str().unwrap().to_string();
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    (etag, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_kept_answer_never_outlives_a_write() {
    for t in common::backends().await {
        let b = t.backend;
        let certifier = t.user("certifier@demo.invalid").await.actor();
        let id = t.active_certificate().await;
        let page = format!("/devices/{id}");
        let (etag, first) = get_with_etag(&t, &page).await;
        let (again_etag, again) = get_with_etag(&t, &page).await;
        assert_eq!((&again_etag, &again), (&etag, &first), "{b}");
        assert!(first.contains("status-active"), "{b}");
        // A kept answer still honours If-None-Match.
        let (s, _) = t
            .send(
                Request::get(&page)
                    .header(header::IF_NONE_MATCH, &etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_MODIFIED, "{b}");

        // A decision: the next answer shows it, the list's too.
        let (_, list_before) = get_with_etag(&t, "/").await;
        t.store
            .change_certificate_status(
                &certifier,
                &id,
                dtsec_registry::StatusRequest::Suspend,
                "kept answers test",
            )
            .await
            .unwrap();
        let (after_etag, after) = get_with_etag(&t, &page).await;
        assert_ne!(after_etag, etag, "{b}");
        assert!(after.contains("status-suspended"), "{b}");
        let (_, list_after) = get_with_etag(&t, "/").await;
        assert_ne!(list_after, list_before, "{b}");

        // A change no audit row records (made behind the registry's back): shown once the
        // time bound has passed.
        sqlx::query(
            "UPDATE certificates SET product_name = 'Renamed In SQL' WHERE certificate_id = $1",
        )
        .bind(&id)
        .execute(t.store.pool())
        .await
        .unwrap();
        tokio::time::sleep(
            dtsec_registry::STATUS_FRESH_FOR + std::time::Duration::from_millis(200),
        )
        .await;
        let (_, renamed) = get_with_etag(&t, &page).await;
        assert!(renamed.contains("Renamed In SQL"), "{b}");

        // A signed-in caller gets its own answer, never the public's kept one.
        let (_, token) = t.token("certifier@demo.invalid").await;
        let resp = tower::ServiceExt::oneshot(
            t.app.clone(),
            Request::get(&page)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{b}");
        assert!(resp.headers().get(header::ETAG).is_none(), "{b}");
        t.finish().await;
    }
}
