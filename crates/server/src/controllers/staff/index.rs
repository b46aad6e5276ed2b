//! `GET /staff`: the logged-in user's work, one section per duty of the role. The forms shown
//! follow the case's state and the user's role as a convenience only; every action is
//! authorised by the registry when posted.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dtsec_registry::maintenance::ChangeArea;
use dtsec_registry::{
    Lab, MaintenanceRecord, OrgKind, Product, Role, StatusRequest, workflow::State as S,
};

use crate::error::{AppError, AppResult};
use crate::html::{esc, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// A form posting urlencoded fields.
fn form(caller: &Caller, action: &str, inner: &str, button: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\">{}{inner}<button type=\"submit\">{}</button></form>",
        caller.csrf_field(),
        esc(button)
    )
}

/// A form that uploads a file (multipart).
fn upload_form(caller: &Caller, action: &str, inner: &str, button: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\" enctype=\"multipart/form-data\">{}{inner}<button type=\"submit\">{}</button></form>",
        caller.csrf_field(),
        esc(button)
    )
}

/// A file chooser and a text area under one field name: the first non-empty one is used.
fn file_or_text(id: &str, name: &str, label: &str, accept: &str) -> String {
    format!(
        "<label for=\"{id}-f\">{label} (file)</label><input type=\"file\" id=\"{id}-f\" name=\"{name}\" accept=\"{accept}\">\
<label for=\"{id}-t\">… or paste it</label><textarea id=\"{id}-t\" name=\"{name}\"></textarea>",
        label = esc(label)
    )
}

type Err = fn(dtsec_registry::RegistryError) -> AppError;
const ERR: Err = |e| AppError::from(e).html();

/// The staff page.
pub async fn index(State(state): State<AppState>, caller: Caller) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let role = caller.actor.role;
    let mut b = format!(
        "<h1>My work</h1><p>Role: <strong>{}</strong></p>",
        esc(role.as_str())
    );
    match role {
        Role::SchemeAdmin => admin_sections(&state, &caller, &mut b).await?,
        Role::Certifier => certifier_sections(&state, &caller, &mut b).await?,
        Role::LabEvaluator => lab_sections(&state, &caller, &mut b).await?,
        Role::Manufacturer => manufacturer_sections(&state, &caller, &mut b),
        Role::Public => {}
    }
    cases(&state, &caller, &mut b).await?;
    b.push_str("<h2>Your password</h2><p>Your other browser sessions end when you change it.</p>");
    b.push_str(&form(
        &caller,
        "/api/v1/account/password",
        "<label for=\"pw-cur\">Current password</label><input id=\"pw-cur\" name=\"current_password\" type=\"password\" required autocomplete=\"current-password\">\
<label for=\"pw-new\">New password (10 characters or more)</label><input id=\"pw-new\" name=\"new_password\" type=\"password\" minlength=\"10\" required autocomplete=\"new-password\">",
        "Change password",
    ));
    b.push_str("<h2>API token</h2><p>For the <code>dtsec registry</code> client and scripts; shown once.</p>");
    b.push_str(&form(
        &caller,
        "/api/v1/tokens",
        "<label for=\"tok\">Token name</label><input id=\"tok\" name=\"name\" required>",
        "Create token",
    ));
    Ok(Html(layout("My work", caller.viewer(), &b).into_string()).into_response())
}

fn manufacturer_sections(state: &AppState, caller: &Caller, b: &mut String) {
    let types: String = state
        .store
        .toe_types()
        .iter()
        .map(|(id, n)| format!("<option value=\"{}\">{}</option>", esc(id), esc(n)))
        .collect();
    b.push_str("<h2>Register a product</h2>");
    b.push_str(&form(
        caller,
        "/api/v1/products",
        &format!("<label for=\"p-name\">Name</label><input id=\"p-name\" name=\"name\" required>\
<label for=\"p-version\">Version</label><input id=\"p-version\" name=\"version\" required>\
<label for=\"p-type\">Device type</label><select id=\"p-type\" name=\"toe_type\">{types}</select>\
<label for=\"p-builds\">Build ids (comma-separated)</label><input id=\"p-builds\" name=\"build_ids\">"),
        "Register",
    ));
}

async fn lab_sections(state: &AppState, caller: &Caller, b: &mut String) -> AppResult<()> {
    let Some(org) = caller.actor.org_id.clone() else {
        return Ok(());
    };
    b.push_str("<h2>Our lab's approval</h2>");
    let lab: Option<Lab> = match state.store.lab(&org).await {
        Ok(l) => Some(l),
        Err(dtsec_registry::RegistryError::NotFound(_)) => None,
        Err(e) => return Err(ERR(e)),
    };
    let o = url(&org);
    match &lab {
        Some(l) => {
            let _ = write!(
                b,
                "<p>State: <strong>{}</strong>{} · ETR signing key: {}</p>",
                esc(&l.state),
                l.approved_until
                    .as_deref()
                    .map(|u| format!(" until {}", esc(u)))
                    .unwrap_or_default(),
                l.key_id
                    .as_deref()
                    .map(|k| format!("<code>{}</code>", esc(k)))
                    .unwrap_or_else(|| "none registered".into())
            );
        }
        None => b.push_str("<p>Not yet applied for approval.</p>"),
    }
    if lab
        .as_ref()
        .is_none_or(|l| matches!(l.state.as_str(), "withdrawn"))
    {
        b.push_str(&form(
            caller,
            &format!("/api/v1/labs/{o}/application"),
            "",
            "Apply for approval",
        ));
    }
    fix_reviews(state, caller, b).await?;
    if lab.is_some() {
        b.push_str(&upload_form(
            caller,
            &format!("/api/v1/labs/{o}/key"),
            &file_or_text(
                "lab-key",
                "public_key",
                "ETR signing public key (the PEM file `dtsec keys new` writes, e.g. lab.pub)",
                ".pem,.pub,text/plain",
            ),
            "Register key",
        ));
    }
    Ok(())
}

/// The vulnerability fixes awaiting this lab's focused review, each with the review form.
async fn fix_reviews(state: &AppState, caller: &Caller, b: &mut String) -> AppResult<()> {
    b.push_str("<h2>Vulnerability fixes to review</h2><p>AVA_VAN on the fix (are the named vulnerabilities gone, did the fix open another?) and regression of the SFRs it touches.</p>");
    let awaiting = state
        .store
        .fix_reviews_awaiting(&caller.actor)
        .await
        .map_err(ERR)?;
    if awaiting.is_empty() {
        b.push_str("<p>None.</p>");
        return Ok(());
    }
    for m in &awaiting {
        let mid = url(&m.id);
        let verdict = |name: &str, label: &str| {
            format!(
                "<fieldset><legend>{label}</legend><label><input type=\"radio\" name=\"{name}\" value=\"pass\" required> pass</label><label><input type=\"radio\" name=\"{name}\" value=\"fail\"> fail</label></fieldset>"
            )
        };
        let _ = write!(
            b,
            "<section aria-label=\"Fix review {0} {1}\"><h3>{0} → {1}</h3>{2}",
            esc(&m.certificate_id),
            esc(&m.new_version),
            maintenance_facts(m)
        );
        b.push_str(&form(
            caller,
            &format!("/api/v1/maintenance/{mid}/fix-review"),
            &format!(
                "{}{}<label for=\"fr-{mid}\">What the lab did and found</label><textarea id=\"fr-{mid}\" name=\"summary\" required></textarea>",
                verdict("ava_van", "AVA_VAN on the fix"),
                verdict("regression", "Regression of the touched SFRs")
            ),
            "Submit fix review",
        ));
        b.push_str("</section>");
    }
    Ok(())
}

/// What an impact analysis declares, as a list: its changes, the vulnerabilities it fixes, the
/// SFRs it touches, and the lab's review once there is one.
fn maintenance_facts(m: &MaintenanceRecord) -> String {
    let mut out = String::from("<ul>");
    for c in &m.changes {
        let _ = write!(out, "<li>{}</li>", esc(c));
    }
    if !m.fixed_vulnerabilities.is_empty() {
        let _ = write!(
            out,
            "<li>Fixes: {}</li>",
            esc(&m.fixed_vulnerabilities.join(", "))
        );
    }
    if !m.touched_sfrs.is_empty() {
        let _ = write!(
            out,
            "<li>Touched SFRs: {}</li>",
            esc(&m.touched_sfrs.join(", "))
        );
    }
    if let Some(r) = &m.fix_review {
        let _ = write!(
            out,
            "<li>Lab review ({}, {}): AVA_VAN {}, regression {} — {}</li>",
            esc(&r.by),
            esc(&r.at),
            esc(&r.ava_van),
            esc(&r.regression),
            esc(&r.summary)
        );
    }
    out.push_str("</ul>");
    out
}

async fn certifier_sections(state: &AppState, caller: &Caller, b: &mut String) -> AppResult<()> {
    b.push_str("<h2>Impact analyses awaiting a decision</h2>");
    let pending = state
        .store
        .pending_maintenance(&caller.actor)
        .await
        .map_err(ERR)?;
    if pending.is_empty() {
        b.push_str("<p>None.</p>");
    } else {
        b.push_str("<table><thead><tr><th scope=\"col\">Certificate</th><th scope=\"col\">New version</th><th scope=\"col\">Changes</th><th scope=\"col\">Class</th><th scope=\"col\">Decision</th></tr></thead><tbody>");
        for m in &pending {
            let _ = write!(
                b,
                "<tr><td><a href=\"/devices/{}\">{}</a></td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td></tr>",
                url(&m.certificate_id),
                esc(&m.certificate_id),
                esc(&m.new_version),
                maintenance_facts(m),
                esc(&m.change_class),
                esc(&m.state),
                form(
                    caller,
                    &format!("/api/v1/maintenance/{}/extension", url(&m.id)),
                    "",
                    "Extend certificate"
                )
            );
        }
        b.push_str("</tbody></table>");
    }
    b.push_str(
        "<h2>End of validity</h2><p>Archive every certificate whose validity period has ended.</p>",
    );
    b.push_str(&form(
        caller,
        "/api/v1/certificates/archive",
        "",
        "Archive expired certificates",
    ));
    b.push_str("<p><a href=\"/staff/audit\">Audit trail</a></p>");
    Ok(())
}

async fn admin_sections(state: &AppState, caller: &Caller, b: &mut String) -> AppResult<()> {
    let orgs = state.store.organisations(None).await.map_err(ERR)?;
    b.push_str("<h2>Organisations</h2>");
    b.push_str(&form(
        caller,
        "/api/v1/organisations",
        "<label for=\"o-kind\">Kind</label><select id=\"o-kind\" name=\"kind\">\
<option value=\"manufacturer\">Manufacturer</option><option value=\"lab\">Lab</option>\
<option value=\"certification-body\">Certification body</option></select>\
<label for=\"o-name\">Name</label><input id=\"o-name\" name=\"name\" required>",
        "Create organisation",
    ));
    let org_opts: String = orgs
        .iter()
        .map(|o| {
            format!(
                "<option value=\"{}\">{} ({})</option>",
                esc(&o.id),
                esc(&o.name),
                esc(&o.kind)
            )
        })
        .collect();
    let role_opts: String = Role::ALL
        .iter()
        .filter(|r| **r != Role::Public)
        .map(|r| format!("<option>{}</option>", esc(r.as_str())))
        .collect();
    b.push_str("<h2>Users</h2>");
    b.push_str(&form(
        caller,
        "/api/v1/users",
        &format!("<label for=\"u-org\">Organisation</label><select id=\"u-org\" name=\"org_id\">{org_opts}</select>\
<label for=\"u-role\">Role</label><select id=\"u-role\" name=\"role\">{role_opts}</select>\
<label for=\"u-email\">E-mail</label><input id=\"u-email\" name=\"email\" type=\"email\" required>\
<label for=\"u-name\">Name</label><input id=\"u-name\" name=\"name\" required>\
<label for=\"u-pw\">Initial password (10 characters or more)</label><input id=\"u-pw\" name=\"password\" type=\"password\" minlength=\"10\" required autocomplete=\"new-password\">"),
        "Create user",
    ));
    users_table(state, caller, b).await?;
    b.push_str("<h2>Labs</h2><table><thead><tr><th scope=\"col\">Lab</th><th scope=\"col\">State</th><th scope=\"col\">Until</th><th scope=\"col\">Key</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
    let labs = state.store.labs().await.map_err(ERR)?;
    for l in &labs {
        let o = url(&l.org_id);
        let mut actions = form(
            caller,
            &format!("/api/v1/labs/{o}/approval"),
            &format!(
                "<label for=\"u-{0}\">Approve until</label><input id=\"u-{0}\" name=\"until\" type=\"date\" placeholder=\"YYYY-MM-DD\" required>",
                esc(&l.org_id)
            ),
            "Approve",
        );
        if l.state == "approved" {
            actions.push_str(&form(
                caller,
                &format!("/api/v1/labs/{o}/suspension"),
                "",
                "Suspend",
            ));
        }
        if l.state != "withdrawn" {
            actions.push_str(&form(
                caller,
                &format!("/api/v1/labs/{o}/withdrawal"),
                "",
                "Withdraw",
            ));
        }
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{actions}</td></tr>",
            esc(&l.name),
            esc(&l.state),
            esc(l.approved_until.as_deref().unwrap_or("")),
            esc(l.key_id.as_deref().unwrap_or("—")),
        );
    }
    b.push_str("</tbody></table>");
    let unregistered: Vec<_> = orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Lab.as_str() && !labs.iter().any(|l| l.org_id == o.id))
        .collect();
    if !unregistered.is_empty() {
        b.push_str("<p>Labs that have not applied yet: ");
        let names: Vec<String> = unregistered.iter().map(|o| esc(&o.name)).collect();
        b.push_str(&names.join(", "));
        b.push_str("</p>");
    }
    b.push_str("<p><a href=\"/staff/audit\">Audit trail</a></p>");
    Ok(())
}

/// Every account, with a button to disable or re-enable it (not one's own: the registry
/// refuses that anyway).
async fn users_table(state: &AppState, caller: &Caller, b: &mut String) -> AppResult<()> {
    let users = state.store.users(&caller.actor).await.map_err(ERR)?;
    b.push_str("<table><caption>Accounts</caption><thead><tr><th scope=\"col\">E-mail</th><th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">Organisation</th><th scope=\"col\">Access</th><th scope=\"col\">Sessions</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
    for u in &users {
        let id = url(&u.user.id);
        let action = if caller.actor.user_id.as_deref() == Some(u.user.id.as_str()) {
            "(you)".to_string()
        } else {
            let access = if u.disabled {
                form(
                    caller,
                    &format!("/api/v1/users/{id}/reactivation"),
                    "",
                    "Enable",
                )
            } else {
                form(
                    caller,
                    &format!("/api/v1/users/{id}/deactivation"),
                    "",
                    "Disable",
                )
            };
            let reset = form(
                caller,
                &format!("/api/v1/users/{id}/password"),
                &format!(
                    "<label for=\"pw-{0}\">New password</label><input id=\"pw-{0}\" name=\"password\" type=\"password\" minlength=\"10\" required autocomplete=\"new-password\">",
                    esc(&u.user.id)
                ),
                "Set password",
            );
            format!("{access}{reset}")
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
            esc(&u.user.email),
            esc(&u.user.name),
            esc(&u.user.role),
            esc(u.org_name.as_deref().unwrap_or("—")),
            if u.disabled { "disabled" } else { "enabled" },
            u.live_sessions,
        );
    }
    b.push_str("</tbody></table>");
    Ok(())
}

/// The cases the user may see, each with the actions its state allows for the role.
async fn cases(state: &AppState, caller: &Caller, b: &mut String) -> AppResult<()> {
    let role = caller.actor.role;
    let labs = state
        .store
        .approved_labs(state.store.clock().today())
        .await
        .map_err(ERR)?;
    b.push_str("<h2>Cases</h2>");
    let products = state.store.products(&caller.actor).await.map_err(ERR)?;
    if products.is_empty() {
        b.push_str("<p>No cases.</p>");
    }
    for p in &products {
        case(caller, role, p, &labs, b);
    }
    Ok(())
}

/// The certifier's status change: only the changes the workflow allows now, none preselected, a
/// reason and a confirmation required; nothing after revocation (it is final).
fn status_form(caller: &Caller, pid: &str, certificate_id: &str, st: S) -> String {
    let allowed = StatusRequest::allowed_from(st);
    if allowed.is_empty() {
        return format!(
            "<p>The certificate is {}: that is final; its status cannot change.</p>",
            esc(st.as_str())
        );
    }
    let choices: String = allowed
        .iter()
        .map(|r| {
            format!(
                "<label><input type=\"radio\" name=\"action\" value=\"{0}\" required> {0}</label>",
                r.as_str()
            )
        })
        .collect();
    let revocation = if allowed.contains(&StatusRequest::Revoke) {
        " Revocation is final."
    } else {
        ""
    };
    form(
        caller,
        &format!("/api/v1/certificates/{}/status", url(certificate_id)),
        &format!(
            "<fieldset><legend>Change the public status of {cert}</legend>{choices}</fieldset>\
<label for=\"sr-{pid}\">Reason (published beside the status)</label><textarea id=\"sr-{pid}\" name=\"reason\" required></textarea>\
<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> I confirm this change of the certificate's public status.{revocation}</label>",
            cert = esc(certificate_id)
        ),
        "Change status",
    )
}

fn case(caller: &Caller, role: Role, p: &Product, labs: &[Lab], b: &mut String) {
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
    // What the case holds, for everyone who may see it: the lab downloads the ST it evaluates,
    // the certification body opens the ETR it judges.
    let mut docs = Vec::new();
    if p.st_sha256.is_some() {
        docs.push(format!(
            "<a href=\"/staff/products/{pid}/st\">Security Target</a> (<a href=\"/api/v1/products/{pid}/st\">download</a>)"
        ));
    }
    if p.etr_sha256.is_some() {
        docs.push(format!(
            "<a href=\"/staff/products/{pid}/etr\">ETR review</a> (<a href=\"/api/v1/products/{pid}/etr/pdf\">PDF</a>)"
        ));
    }
    if !docs.is_empty() {
        let _ = write!(b, "<p>{}</p>", docs.join(" · "));
    }
    match role {
        Role::Manufacturer if matches!(st, S::Registered | S::StSubmitted) => {
            b.push_str(&upload_form(
                caller,
                &format!("/api/v1/products/{pid}/st"),
                &file_or_text(
                    &format!("st-{pid}"),
                    "st",
                    "Security Target (YAML or NIAP XML)",
                    ".yaml,.yml,.xml,text/plain",
                ),
                "Submit ST",
            ));
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
                b.push_str(&form(caller, &format!("/api/v1/products/{pid}/lab"),
                    &format!("<label for=\"lab-{pid}\">Lab</label><select id=\"lab-{pid}\" name=\"lab\">{opts}</select>"),
                    "Choose lab"));
            }
        }
        Role::Manufacturer if matches!(st, S::Active | S::Maintained) => {
            if let Some(c) = &p.certificate_id {
                let areas: String = ChangeArea::ALL
                    .iter()
                    .map(|a| {
                        format!(
                            "<label><input type=\"checkbox\" name=\"areas\" value=\"{0}\"> {0}</label>",
                            a.as_str()
                        )
                    })
                    .collect();
                b.push_str("<h4>New version: file an impact analysis</h4><p>Changes to the TSF, cryptography, pairing, the update path or the command path are major and need a re-evaluation; others may be extended by the certifier. A fix of named vulnerabilities is a vulnerability fix: the evaluating lab reviews it (AVA_VAN on the fix, regression of the SFRs it touches), then the certifier extends.</p>");
                b.push_str(&form(
                    caller,
                    &format!("/api/v1/certificates/{}/impact-analyses", url(c)),
                    &format!("<label for=\"ia-v-{pid}\">New version</label><input id=\"ia-v-{pid}\" name=\"new_version\" required>\
<label for=\"ia-b-{pid}\">Build ids (comma-separated)</label><input id=\"ia-b-{pid}\" name=\"build_ids\">\
<label for=\"ia-d-{pid}\">What changed</label><textarea id=\"ia-d-{pid}\" name=\"description\" required></textarea>\
<fieldset><legend>Areas it touches</legend>{areas}</fieldset>\
<label for=\"ia-f-{pid}\">Vulnerabilities it fixes (ids, comma-separated; empty if none)</label><input id=\"ia-f-{pid}\" name=\"fixes\">\
<label for=\"ia-s-{pid}\">SFRs it touches (comma-separated, e.g. FCS_COP.1; required with a fix)</label><input id=\"ia-s-{pid}\" name=\"touched_sfrs\">"),
                    "File impact analysis",
                ));
            }
        }
        Role::LabEvaluator if st == S::LabChosen => {
            b.push_str(&form(
                caller,
                &format!("/api/v1/products/{pid}/evaluation"),
                "",
                "Start evaluation",
            ));
        }
        Role::LabEvaluator if matches!(st, S::EvaluationInProgress | S::Rejected) => {
            b.push_str(&upload_form(
                caller,
                &format!("/api/v1/products/{pid}/etr"),
                &file_or_text(
                    &format!("etr-{pid}"),
                    "bundle",
                    "Sealed ETR bundle (JSON, from dtsec eval seal)",
                    ".json,application/json",
                ),
                "Submit ETR",
            ));
        }
        Role::Certifier if st == S::EtrSubmitted => {
            b.push_str(&crate::controllers::products::etr::review_forms(
                caller, &p.id,
            ));
        }
        Role::Certifier if st == S::Accepted => {
            b.push_str(&form(
                caller,
                &format!("/api/v1/products/{pid}/certificate"),
                "",
                "Issue certificate",
            ));
        }
        Role::Certifier if st.has_certificate() => {
            if let Some(c) = &p.certificate_id {
                b.push_str(&status_form(caller, &pid, c, st));
            }
        }
        _ => {}
    }
    if matches!(role, Role::Certifier | Role::SchemeAdmin) {
        let _ = write!(
            b,
            "<p><a href=\"/staff/audit?entity=product&amp;entity_id={pid}\">History of this case</a></p>"
        );
    }
    b.push_str("</section>");
}
