//! `GET /api/v1/products`: the cases the caller may see, newest first, in keyset pages (issue
//! 16: the certifier's list was every case in one answer). The body stays a plain array; the
//! next page is linked in a `Link: <…>; rel="next"` header (RFC 8288).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::AppResult;
use crate::html::url;
use crate::session::Caller;
use crate::state::AppState;

/// The page wanted.
#[derive(Deserialize, Default)]
pub struct ProductsQueryParams {
    /// The `next` of the page before (from the `Link` header).
    pub after: Option<String>,
    /// Cases per page (1–1,000; default 100).
    pub limit: Option<u32>,
}

/// The caller's cases, one page.
pub async fn index(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ProductsQueryParams>,
) -> AppResult<Response> {
    caller.require_login()?;
    let page = state
        .store
        .products_page(&caller.actor, q.after.as_deref(), q.limit)
        .await?;
    let mut response = Json(page.products).into_response();
    if let Some(next) = &page.next {
        let limit = q.limit.map(|l| format!("&limit={l}")).unwrap_or_default();
        if let Ok(link) = HeaderValue::from_str(&format!(
            "</api/v1/products?after={}{limit}>; rel=\"next\"",
            url(next)
        )) {
            response.headers_mut().insert(header::LINK, link);
        }
    }
    Ok(response)
}
