//! The staff case list and the audit trail over HTTP in keyset pages (issue 16): the JSON
//! answers link their next page in `Link: <…>; rel="next"`, following the links reads every
//! row exactly once, and the pages link "next" for a browser; a bad cursor is a 422 with a
//! JSON error.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

use crate::common::{self, TestApp};

/// GET with a token; status, the `rel="next"` target of the Link header, body.
async fn get_page(t: &TestApp, path: &str, token: &str) -> (StatusCode, Option<String>, String) {
    let req = Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = t.app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let next = resp
        .headers()
        .get(header::LINK)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix('<'))
        .and_then(|v| v.split_once(">; rel=\"next\""))
        .map(|(target, _)| target.to_string());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, next, String::from_utf8_lossy(&bytes).into_owned())
}

/// Follows the Link headers from `first`; every item's `key`, in order.
async fn follow(t: &TestApp, first: &str, token: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = Some(first.to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let (s, n, body) = get_page(t, &path, token).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
        for item in common::json(&body).as_array().unwrap() {
            out.push(item[key].to_string());
        }
        next = n;
        pages += 1;
        assert!(pages < 1000, "paging does not end");
    }
    out
}

#[tokio::test]
async fn case_list_and_audit_trail_page_with_next_links() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let (_, admin) = t.token("admin@demo.invalid").await;

        // Cases: pages of 2 give the same cases as one page of all, each once.
        let all = follow(&t, "/api/v1/products?limit=1000", &cb, "id").await;
        assert!(all.len() > 2, "{b}: the demo has cases: {all:?}");
        let paged = follow(&t, "/api/v1/products?limit=2", &cb, "id").await;
        assert_eq!(paged, all, "{b}");
        let (_, next, _) = get_page(&t, "/api/v1/products?limit=2", &cb).await;
        assert!(
            next.unwrap().contains("limit=2"),
            "{b}: the page size is kept"
        );

        // The audit trail, newest first and oldest first: every record once.
        let newest = follow(&t, "/api/v1/audit?limit=7", &admin, "seq").await;
        let oldest = follow(&t, "/api/v1/audit?after=0&limit=5", &admin, "seq").await;
        let unique: BTreeSet<&String> = newest.iter().collect();
        assert_eq!(unique.len(), newest.len(), "{b}: a record twice");
        let mut reversed = oldest.clone();
        reversed.reverse();
        assert_eq!(newest, reversed, "{b}");
        assert_eq!(
            newest.len() as i64,
            t.store.count_rows("audit").await.unwrap(),
            "{b}: not every record"
        );
        // The page links the next page for a browser.
        let (s, _, page) = get_page(&t, "/staff/audit?limit=3", &admin).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(
            page.contains("rel=\"next\" href=\"/staff/audit?before="),
            "{b}: {page}"
        );

        // A cursor that is not one: 422 with a JSON error naming `after`.
        for path in [
            "/api/v1/products?after=x%27%3B%20DROP",
            "/api/v1/audit?before=5&after=1",
        ] {
            let (s, _, body) = get_page(&t, path, &admin).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {path}: {body}");
            assert!(common::json(&body)["error"].is_string(), "{b}: {body}");
        }
        t.finish().await;
    }
}
