//! `GET /staff/postmarket`: the certification body's postmarket queue as a page — each proposed
//! action with the form that decides it (a reason, and the assessment hash the item rests on, so
//! a queue that moved is refused rather than acted on the wrong item) and, for an assessed
//! vulnerability, the form that publishes its notice.
//!
//! Why a page as well as the JSON: the certifier decides with the reason in front of them, and
//! the forms post to the same endpoints a script uses (`/api/v1/postmarket/queue/{n}/act`,
//! `/api/v1/certificates/{id}/notices`), which redirect back here after a change.

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::controllers::staff::index::{StaffQuery, form};
use crate::error::{AppError, AppResult};
use crate::html::{html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// What a proposal of this kind asks of the certifier, and whether it is decided here.
fn decided_here(kind: &str) -> Option<&'static str> {
    match kind {
        "open-review" | "review-controlled-exploited" => Some("Open the review"),
        "suspend" => Some("Suspend the certificate"),
        "revoke" => Some("Revoke the certificate"),
        _ => None,
    }
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<StaffQuery>,
) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let items = state
        .store
        .postmarket_queue(&caller.actor)
        .await
        .map_err(|e| AppError::from(e).html())?;
    let b = html! {
        h1 { "Postmarket queue" }
        @if q.done.is_some() {
            p class="flash" role="status" { "Done: your change was saved, logged and recorded in the audit trail." }
        }
        p {
            "Proposed certificate actions from the manufacturers' assessments and from matches nobody "
            "has assessed, as of " (state.store.clock().today()) ". Every decision is a certification "
            "decision: the certificate is re-signed and the transparency log entry names the "
            "assessment's hash."
        }
        @if items.is_empty() {
            p { "Nothing is proposed." }
        } @else {
            table class="stack" {
                thead { tr {
                    th scope="col" { "#" } th scope="col" { "Certificate" } th scope="col" { "Proposed" }
                    th scope="col" { "Vulnerability" } th scope="col" { "Why" } th scope="col" { "Decision" }
                } }
                tbody {
                    @for i in &items {
                        tr {
                            td data-label="#" { (i.n) }
                            td data-label="Certificate" {
                                a href={ "/devices/" (url(&i.certificate_id)) } { (i.certificate_id) }
                                " (" (i.certificate_status) ")"
                            }
                            td data-label="Proposed" { (i.kind.replace('-', " ")) }
                            td data-label="Vulnerability" { (i.vuln) }
                            td data-label="Why" {
                                (i.reason)
                                @if let Some(h) = &i.assessment_hash { br; "Assessment " code { (h) } }
                            }
                            td data-label="Decision" {
                                @if let Some(button) = decided_here(&i.kind) {
                                    (form(&caller, &format!("/api/v1/postmarket/queue/{}/act", i.n), html! {
                                        label for={ "reason-" (i.n) } { "Reason (published with the status)" }
                                        textarea id={ "reason-" (i.n) } name="reason" required {}
                                        @if let Some(h) = &i.assessment_hash {
                                            input type="hidden" name="assessment_hash" value=(h);
                                        }
                                    }, button))
                                } @else if i.kind == "extend" {
                                    "Through maintenance: the manufacturer files the vulnerability-fix impact analysis and the lab reviews the fix."
                                } @else {
                                    "A reminder, not a decision: ask the manufacturer to assess the match."
                                }
                                @if i.assessment_hash.is_some() {
                                    (form(&caller, &format!("/api/v1/certificates/{}/notices", url(&i.certificate_id)), html! {
                                        input type="hidden" name="vuln" value=(i.vuln);
                                    }, "Publish a notice (CSAF)"))
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/staff" { "Back to my work" } " · " a href="/api/v1/postmarket/queue" { "Queue (JSON)" } }
    };
    Ok(Html(layout("Postmarket queue", caller.viewer(), b).into_string()).into_response())
}
