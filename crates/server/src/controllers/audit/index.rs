//! `GET /staff/audit` and `GET /api/v1/audit`: who did what, when, with the record before and
//! after, in keyset pages (issue 16): the whole trail newest first (`?before=SEQ` continues),
//! one record's history oldest first (`?entity=product&entity_id=…`, `?after=SEQ` continues),
//! or the whole trail oldest first after a `seq` (`?after=SEQ`: how `dtsec log audit --token`
//! recomputes the hash chain). The API's body stays a plain array; the next page is linked in a
//! `Link: <…>; rel="next"` header (RFC 8288), the page links it at the bottom. Nothing is
//! capped: every record is on some page.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use dtsec_registry::{AuditFilter, AuditPage};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::html::{Markup, html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// The filter.
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    /// The kind of record (`product`, `certificate`, `lab`, `user`, …).
    pub entity: Option<String>,
    /// Its id (with `entity`).
    pub entity_id: Option<String>,
    /// Records per page (1–1,000; default 100).
    pub limit: Option<u32>,
    /// Oldest first, only records after this `seq`: the next page of one record's history, or
    /// the whole trail in order, to recompute its hash chain (`dtsec log audit --token`).
    pub after: Option<i64>,
    /// Newest first, only records before this `seq`: the next page of the whole trail.
    pub before: Option<i64>,
}

impl AuditQuery {
    /// The query string of the page after `page`, keeping the record and page size.
    fn next_query(&self, next: dtsec_registry::AuditCursor) -> String {
        let mut q = next.query_param();
        if let (Some(e), Some(i)) = (&self.entity, &self.entity_id) {
            q.push_str(&format!("&entity={}&entity_id={}", url(e), url(i)));
        }
        if let Some(l) = self.limit {
            q.push_str(&format!("&limit={l}"));
        }
        q
    }
}

async fn entries(state: &AppState, caller: &Caller, q: &AuditQuery) -> AppResult<AuditPage> {
    let entity = q.entity.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let id = q
        .entity_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let of = match (entity, id) {
        (Some(e), Some(i)) => Some((e.to_string(), i.to_string())),
        (None, None) => None,
        _ => {
            return Err(AppError::bad_request(
                "give both `entity` and `entity_id`, or neither",
            ));
        }
    };
    let filter = AuditFilter {
        of,
        after: q.after,
        before: q.before,
        limit: q.limit,
    };
    Ok(state.store.audit_page(&caller.actor, &filter).await?)
}

/// The JSON list, one page; the next page in the `Link` header.
pub async fn api(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    caller.require_login()?;
    let page = entries(&state, &caller, &q).await?;
    let mut response = Json(page.entries).into_response();
    if let Some(next) = page.next
        && let Ok(link) = HeaderValue::from_str(&format!(
            "</api/v1/audit?{}>; rel=\"next\"",
            q.next_query(next)
        ))
    {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

fn json_cell(label: &str, v: Option<&str>) -> Markup {
    match v {
        None => html! { td data-label=(label) { "—" } },
        Some(v) => {
            let pretty = serde_json::from_str::<serde_json::Value>(v)
                .ok()
                .and_then(|j| serde_json::to_string_pretty(&j).ok())
                .unwrap_or_else(|| v.to_string());
            html! { td data-label=(label) { details { summary { "show" } pre { (pretty) } } } }
        }
    }
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let page = entries(&state, &caller, &q).await.map_err(AppError::html)?;
    let rows = &page.entries;
    let names = state
        .store
        .audit_actor_names(&caller.actor)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let b = html! {
        h1 { "Audit trail" }
        form method="get" action="/staff/audit" class="filters" {
            label for="a-entity" { "Record kind" }
            input id="a-entity" name="entity" placeholder="product";
            label for="a-id" { "Record id" }
            input id="a-id" name="entity_id";
            button type="submit" { "Show" }
        }
        p {
            (rows.len()) " records on this page. Every change to the registry writes one, in the same "
            "transaction as the change; none is ever updated or deleted."
        }
        table class="stack" {
            caption { "Audit records" }
            thead { tr {
                th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Who" }
                th scope="col" { "Action" } th scope="col" { "Record" } th scope="col" { "Before" }
                th scope="col" { "After" }
            } }
            tbody {
                @for e in rows {
                    tr {
                        td data-label="#" { (e.seq) }
                        td data-label="When" { (e.at) }
                        td data-label="Who" {
                            @match names.get(&e.actor) {
                                Some(name) => span title={ "user " (e.actor) } { (name) },
                                None => (e.actor),
                            }
                            " (" (e.actor_role) ")"
                        }
                        td data-label="Action" { (e.action) }
                        td data-label="Record" {
                            a href={ "/staff/audit?entity=" (url(&e.entity)) "&entity_id=" (url(&e.entity_id)) } {
                                (e.entity) " " (e.entity_id)
                            }
                        }
                        (json_cell("Before", e.before.as_deref()))
                        (json_cell("After", e.after.as_deref()))
                    }
                }
            }
        }
        @if let Some(next) = page.next {
            p { a rel="next" href={ "/staff/audit?" (q.next_query(next)) } { "Next page" } }
        }
    };
    Ok(Html(layout("Audit trail", caller.viewer(), b).into_string()).into_response())
}
