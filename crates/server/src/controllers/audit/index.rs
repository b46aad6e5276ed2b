//! `GET /staff/audit` and `GET /api/v1/audit`: who did what, when, with the record before and
//! after. `?entity=product&entity_id=…` narrows it to one record (oldest first); otherwise the
//! latest `limit` records (default 200), newest first; `?after=SEQ` pages the whole trail
//! oldest first.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use dtsec_registry::AuditEntry;
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
    /// How many of the latest records (1–10,000; default 200).
    pub limit: Option<u32>,
    /// Only records after this `seq`, oldest first (pages of `limit`): the whole trail, to
    /// recompute its hash chain (`dtsec log audit --token`).
    pub after: Option<i64>,
}

async fn entries(state: &AppState, caller: &Caller, q: &AuditQuery) -> AppResult<Vec<AuditEntry>> {
    let store = &state.store;
    let entity = q.entity.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let id = q
        .entity_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(after) = q.after {
        if entity.is_some() || id.is_some() {
            return Err(AppError::bad_request(
                "`after` pages the whole trail; it does not combine with `entity`",
            ));
        }
        return Ok(store
            .audit_after(&caller.actor, after, q.limit.unwrap_or(1000).max(1))
            .await?);
    }
    Ok(match (entity, id) {
        (Some(e), Some(i)) => store.audit_trail(&caller.actor, e, i).await?,
        (None, None) => {
            store
                .recent_audit(&caller.actor, q.limit.unwrap_or(200).max(1))
                .await?
        }
        _ => {
            return Err(AppError::bad_request(
                "give both `entity` and `entity_id`, or neither",
            ));
        }
    })
}

/// The JSON list.
pub async fn api(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    caller.require_login()?;
    Ok(Json(entries(&state, &caller, &q).await?).into_response())
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
    let rows = entries(&state, &caller, &q).await.map_err(AppError::html)?;
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
            (rows.len()) " records. Every change to the registry writes one, in the same transaction as "
            "the change; none is ever updated or deleted."
        }
        table class="stack" {
            caption { "Audit records" }
            thead { tr {
                th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "Who" }
                th scope="col" { "Action" } th scope="col" { "Record" } th scope="col" { "Before" }
                th scope="col" { "After" }
            } }
            tbody {
                @for e in &rows {
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
    };
    Ok(Html(layout("Audit trail", caller.viewer(), b).into_string()).into_response())
}
