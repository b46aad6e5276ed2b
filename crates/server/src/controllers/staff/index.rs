//! `GET /staff`: the logged-in user's work. The forms shown follow the case's state and the
//! user's role as a convenience only; every action is authorised by the registry when posted.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dtsec_registry::{Role, workflow::State as S};

use crate::error::{AppError, AppResult};
use crate::html::{esc, layout, url};
use crate::session::Caller;
use crate::state::AppState;

fn form(caller: &Caller, action: &str, inner: &str, button: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\">{}{inner}<button type=\"submit\">{}</button></form>",
        caller.csrf_field(),
        esc(button)
    )
}

/// The staff page.
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let err = |e: dtsec_registry::RegistryError| AppError::from(e).html();
    let role = caller.actor.role;
    let mut b = format!("<h1>My work</h1><p>Role: {}</p>", esc(role.as_str()));
    if role == Role::Manufacturer {
        let types: String = crate::pages::toe_types()
            .iter()
            .map(|(id, n)| format!("<option value=\"{}\">{}</option>", esc(id), esc(n)))
            .collect();
        b.push_str("<h2>Register a product</h2>");
        b.push_str(&form(
            &caller,
            "/api/v1/products",
            &format!("<label for=\"p-name\">Name</label><input id=\"p-name\" name=\"name\" required>\
<label for=\"p-version\">Version</label><input id=\"p-version\" name=\"version\" required>\
<label for=\"p-type\">Device type</label><select id=\"p-type\" name=\"toe_type\">{types}</select>\
<label for=\"p-builds\">Build ids (comma-separated)</label><input id=\"p-builds\" name=\"build_ids\">"),
            "Register",
        ));
    }
    if role == Role::SchemeAdmin {
        b.push_str("<h2>Labs</h2><table><thead><tr><th scope=\"col\">Lab</th><th scope=\"col\">State</th><th scope=\"col\">Until</th><th scope=\"col\">Approve until</th></tr></thead><tbody>");
        for l in state.store.labs().await.map_err(err)? {
            let f = form(
                &caller,
                &format!("/api/v1/labs/{}/approval", url(&l.org_id)),
                &format!(
                    "<label for=\"u-{0}\">Date</label><input id=\"u-{0}\" name=\"until\" placeholder=\"YYYY-MM-DD\" required>",
                    esc(&l.org_id)
                ),
                "Approve",
            );
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{f}</td></tr>",
                esc(&l.name),
                esc(&l.state),
                esc(l.approved_until.as_deref().unwrap_or(""))
            );
        }
        b.push_str("</tbody></table>");
    }
    let labs = state
        .store
        .approved_labs(state.store.clock().today())
        .await
        .map_err(err)?;
    b.push_str("<h2>Cases</h2>");
    for p in state.store.products(&caller.actor).await.map_err(err)? {
        let pid = url(&p.id);
        let _ = write!(
            b,
            "<section aria-label=\"{0} {1}\"><h3>{0} {1}</h3><p>State: <strong>{2}</strong>{3}</p>",
            esc(&p.name),
            esc(&p.version),
            esc(&p.state),
            p.certificate_id
                .as_deref()
                .map(|c| format!(
                    " · certificate <a href=\"/devices/{}\">{}</a>",
                    url(c),
                    esc(c)
                ))
                .unwrap_or_default()
        );
        if let Some(r) = &p.review_reasons {
            let _ = write!(b, "<p>Review: {}</p>", esc(r));
        }
        let st = p.state();
        match role {
            Role::Manufacturer if matches!(st, S::Registered | S::StSubmitted) => {
                b.push_str(&form(&caller, &format!("/api/v1/products/{pid}/st"),
                    &format!("<label for=\"st-{pid}\">Security Target (YAML)</label><textarea id=\"st-{pid}\" name=\"st\" required></textarea>"),
                    "Submit ST"));
                if st == S::StSubmitted {
                    let opts: String = labs
                        .iter()
                        .map(|l| {
                            format!(
                                "<option value=\"{}\">{}</option>",
                                esc(&l.org_id),
                                esc(&l.name)
                            )
                        })
                        .collect();
                    b.push_str(&form(&caller, &format!("/api/v1/products/{pid}/lab"),
                        &format!("<label for=\"lab-{pid}\">Lab</label><select id=\"lab-{pid}\" name=\"lab\">{opts}</select>"),
                        "Choose lab"));
                }
            }
            Role::LabEvaluator if st == S::LabChosen => {
                b.push_str(&form(
                    &caller,
                    &format!("/api/v1/products/{pid}/evaluation"),
                    "",
                    "Start evaluation",
                ));
            }
            Role::LabEvaluator if matches!(st, S::EvaluationInProgress | S::Rejected) => {
                b.push_str(&form(&caller, &format!("/api/v1/products/{pid}/etr"),
                    &format!("<label for=\"etr-{pid}\">Sealed ETR bundle (JSON)</label><textarea id=\"etr-{pid}\" name=\"bundle\" required></textarea>"),
                    "Submit ETR"));
            }
            Role::Certifier if st == S::EtrSubmitted => {
                b.push_str(&form(
                    &caller,
                    &format!("/api/v1/products/{pid}/review"),
                    "<input type=\"hidden\" name=\"decision\" value=\"accept\">",
                    "Accept ETR",
                ));
                b.push_str(&form(&caller, &format!("/api/v1/products/{pid}/review"),
                    &format!("<input type=\"hidden\" name=\"decision\" value=\"reject\"><label for=\"rr-{pid}\">Reasons</label><textarea id=\"rr-{pid}\" name=\"reasons\" required></textarea>"),
                    "Reject ETR"));
            }
            Role::Certifier if st == S::Accepted => {
                b.push_str(&form(
                    &caller,
                    &format!("/api/v1/products/{pid}/certificate"),
                    "",
                    "Issue certificate",
                ));
            }
            Role::Certifier if st.has_certificate() => {
                if let Some(c) = &p.certificate_id {
                    b.push_str(&form(&caller, &format!("/api/v1/certificates/{}/status", url(c)),
                        &format!("<label for=\"sa-{pid}\">Action</label><select id=\"sa-{pid}\" name=\"action\"><option>open-review</option><option>suspend</option><option>reinstate</option><option>revoke</option></select><label for=\"sr-{pid}\">Reason</label><input id=\"sr-{pid}\" name=\"reason\">"),
                        "Change status"));
                }
            }
            _ => {}
        }
        b.push_str("</section>");
    }
    b.push_str("<h2>API token</h2>");
    b.push_str(&form(
        &caller,
        "/api/v1/tokens",
        "<label for=\"tok\">Token name</label><input id=\"tok\" name=\"name\" required>",
        "Create token",
    ));
    Ok(Html(layout("My work", Some(&caller), &b).into_string()).into_response())
}
