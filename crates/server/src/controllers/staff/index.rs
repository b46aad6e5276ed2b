//! `GET /staff`: the logged-in user's work, one section per duty of the role. The forms shown
//! follow the case's state and the user's role as a convenience only; every action is
//! authorised by the registry when posted.

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use dtsec_registry::labs::{LabEvent, LabState};
use dtsec_registry::maintenance::ChangeArea;
use dtsec_registry::{
    Lab, MaintenanceRecord, OrgKind, Product, Role, StatusRequest, workflow::State as S,
};

use crate::error::{AppError, AppResult};
use crate::html::{Markup, html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// A form posting urlencoded fields.
pub(crate) fn form(caller: &Caller, action: &str, inner: Markup, button: &str) -> Markup {
    html! {
        form method="post" action=(action) {
            (caller.csrf_field())
            (inner)
            button type="submit" { (button) }
        }
    }
}

/// A form that uploads a file (multipart).
fn upload_form(caller: &Caller, action: &str, inner: Markup, button: &str) -> Markup {
    html! {
        form method="post" action=(action) enctype="multipart/form-data" {
            (caller.csrf_field())
            (inner)
            button type="submit" { (button) }
        }
    }
}

/// A file chooser and a text area under one field name: the first non-empty one is used.
fn file_or_text(id: &str, name: &str, label: &str, accept: &str) -> Markup {
    html! {
        label for={ (id) "-f" } { (label) " (file)" }
        input type="file" id={ (id) "-f" } name=(name) accept=(accept);
        label for={ (id) "-t" } { "… or paste it" }
        textarea id={ (id) "-t" } name=(name) {}
    }
}

/// A form that opens on demand: the page stays a list of work, not a wall of empty fields.
/// `<details>` needs no JavaScript and keyboard users open it like a button.
fn on_demand(summary: &str, form: Markup) -> Markup {
    html! {
        details {
            summary { (summary) }
            (form)
        }
    }
}

/// A labelled password field for a new password.
fn new_password(id: &str, name: &str, label: &str) -> Markup {
    html! {
        label for=(id) { (label) }
        input id=(id) name=(name) type="password" minlength="10" required autocomplete="new-password";
    }
}

/// `/staff?done=1`: the page a form's post redirects to after a change (post-redirect-get).
#[derive(serde::Deserialize, Default)]
pub struct StaffQuery {
    /// Present after a successful action: the page confirms it, naming the action
    /// ([`crate::done::Done`]'s spelling; anything else gives the plain confirmation).
    pub done: Option<String>,
    /// The id of the record the action changed.
    pub subject: Option<String>,
    /// The case list's next page (the `next` of the page before; issue 16).
    pub cases_after: Option<String>,
}

type Err = fn(dtsec_registry::RegistryError) -> AppError;
const ERR: Err = |e| AppError::from(e).html();

/// The staff page.
pub async fn index(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<StaffQuery>,
) -> AppResult<Response> {
    if !caller.is_logged_in() {
        return Ok(Redirect::to("/login").into_response());
    }
    let role = caller.actor.role;
    let duties = match role {
        Role::SchemeAdmin => admin_sections(&state, &caller).await?,
        Role::Certifier => certifier_sections(&state, &caller).await?,
        Role::LabEvaluator => lab_sections(&state, &caller).await?,
        Role::Manufacturer => manufacturer_sections(&state, &caller),
        Role::Public => html! {},
    };
    // Issue 16: the cases that wait for this role, and one page of all the user's cases;
    // never every case at once.
    let waiting = state
        .store
        .products_in_states(
            &caller.actor,
            &super::needs_action::waiting_states(role),
            None,
            Some(dtsec_registry::MAX_PAGE),
        )
        .await
        .map_err(ERR)?;
    let page = state
        .store
        .products_page(&caller.actor, q.cases_after.as_deref(), None)
        .await
        .map_err(ERR)?;
    let products = waiting.products;
    let cases = cases(&state, &caller, &page.products).await?;
    // The confirmation after a form's post-redirect-get: the action's own sentence with the
    // subject's name looked up here; nothing from the URL is shown as it came.
    let flash = match &q.done {
        Some(done) => {
            Some(crate::done::confirmation(&state, &caller, done, q.subject.as_deref()).await)
        }
        None => None,
    };
    let b = html! {
        h1 { "My work" }
        @if let Some(flash) = &flash {
            p class="flash" role="status" { (flash) }
        }
        p { "Role: " strong { (role.as_str()) } }
        (super::needs_action::section(role, &products, state.store.clock().today()))
        @if waiting.next.is_some() {
            p { "More than " (products.len()) " cases wait for you; the newest are listed." }
        }
        (duties)
        (cases)
        @if let Some(next) = &page.next {
            p { a rel="next" href={ "/staff?cases_after=" (url(next)) } { "More cases" } }
        }
        h2 { "Your password" }
        p { "Your other browser sessions end when you change it." }
        (on_demand("Change my password", form(&caller, "/api/v1/account/password", html! {
            label for="pw-cur" { "Current password" }
            input id="pw-cur" name="current_password" type="password" required autocomplete="current-password";
            (new_password("pw-new", "new_password", "New password (10 characters or more)"))
        }, "Change password")))
        h2 { "API token" }
        p { "For the " code { "dtsec registry" } " client and scripts; shown once." }
        (on_demand("Create an API token", form(&caller, "/api/v1/tokens", html! {
            label for="tok" { "Token name" }
            input id="tok" name="name" required;
        }, "Create token")))
    };
    Ok(Html(layout("My work", caller.viewer(), b).into_string()).into_response())
}

fn manufacturer_sections(state: &AppState, caller: &Caller) -> Markup {
    html! {
        h2 { "Register a product" }
        (form(caller, "/api/v1/products", html! {
            label for="p-name" { "Name" }
            input id="p-name" name="name" required;
            label for="p-version" { "Version" }
            input id="p-version" name="version" required;
            label for="p-type" { "Device type" }
            select id="p-type" name="toe_type" {
                @for (id, n) in state.store.toe_types() {
                    option value=(id) { (n) }
                }
            }
            label for="p-builds" { "Build ids (comma-separated)" }
            input id="p-builds" name="build_ids";
        }, "Register"))
    }
}

async fn lab_sections(state: &AppState, caller: &Caller) -> AppResult<Markup> {
    let Some(org) = caller.actor.org_id.clone() else {
        return Ok(html! {});
    };
    let lab: Option<Lab> = match state.store.lab(&org).await {
        Ok(l) => Some(l),
        Err(dtsec_registry::RegistryError::NotFound(_)) => None,
        Err(e) => return Err(ERR(e)),
    };
    let o = url(&org);
    let reviews = fix_reviews(state, caller).await?;
    Ok(html! {
        h2 { "Our lab's approval" }
        @match &lab {
            Some(l) => p {
                "State: " strong { (l.state) }
                @if let Some(u) = &l.approved_until { " until " (u) }
                " · ETR signing key: "
                @match &l.key_id {
                    Some(k) => code { (k) },
                    None => "none registered",
                }
            },
            None => p { "Not yet applied for approval." },
        }
        // Offered only when the lifecycle allows it (never applied, or withdrawn).
        @if LabState::allowed_events(lab.as_ref().map(|l| l.state)).contains(&LabEvent::Apply) {
            (form(caller, &format!("/api/v1/labs/{o}/application"), super::lab_application::fields(lab.as_ref()), "Apply for approval"))
        }
        (reviews)
        @if lab.is_some() {
            (upload_form(caller, &format!("/api/v1/labs/{o}/key"), file_or_text(
                "lab-key",
                "public_key",
                "ETR signing public key (the PEM file `dtsec keys new` writes, e.g. lab.pub)",
                ".pem,.pub,text/plain",
            ), "Register key"))
        }
    })
}

/// A pass/fail choice for one part of a fix review.
fn verdict(name: &str, label: &str) -> Markup {
    html! {
        fieldset {
            legend { (label) }
            label { input type="radio" name=(name) value="pass" required; " pass" }
            label { input type="radio" name=(name) value="fail"; " fail" }
        }
    }
}

/// The vulnerability fixes awaiting this lab's focused review, each with the review form.
async fn fix_reviews(state: &AppState, caller: &Caller) -> AppResult<Markup> {
    let awaiting = state
        .store
        .fix_reviews_awaiting(&caller.actor)
        .await
        .map_err(ERR)?;
    Ok(html! {
        h2 { "Vulnerability fixes to review" }
        p {
            "AVA_VAN on the fix (are the named vulnerabilities gone, did the fix open another?) and "
            "regression of the SFRs it touches."
        }
        @if awaiting.is_empty() {
            p { "None." }
        }
        @for m in &awaiting {
            @let mid = url(&m.id);
            section aria-label={ "Fix review " (m.certificate_id) " " (m.new_version) } {
                h3 { (m.certificate_id) " → " (m.new_version) }
                (maintenance_facts(m))
                (form(caller, &format!("/api/v1/maintenance/{mid}/fix-review"), html! {
                    (verdict("ava_van", "AVA_VAN on the fix"))
                    (verdict("regression", "Regression of the touched SFRs"))
                    label for={ "fr-" (mid) } { "What the lab did and found" }
                    textarea id={ "fr-" (mid) } name="summary" required {}
                }, "Submit fix review"))
            }
        }
    })
}

/// What an impact analysis declares, as a list: its changes, the vulnerabilities it fixes, the
/// SFRs it touches, and the lab's review once there is one.
fn maintenance_facts(m: &MaintenanceRecord) -> Markup {
    html! {
        ul {
            @for c in &m.changes { li { (c) } }
            @if !m.fixed_vulnerabilities.is_empty() {
                li { "Fixes: " (m.fixed_vulnerabilities.join(", ")) }
            }
            @if !m.touched_sfrs.is_empty() {
                li { "Touched SFRs: " (m.touched_sfrs.join(", ")) }
            }
            @if let Some(r) = &m.fix_review {
                li {
                    "Lab review (" (r.by) ", " (r.at) "): AVA_VAN " (r.ava_van) ", regression "
                    (r.regression) " — " (r.summary)
                }
            }
        }
    }
}

async fn certifier_sections(state: &AppState, caller: &Caller) -> AppResult<Markup> {
    let pending = state
        .store
        .pending_maintenance(&caller.actor)
        .await
        .map_err(ERR)?;
    Ok(html! {
        p { a href="/staff/postmarket" { "Postmarket queue: proposed certificate actions and notices" } }
        h2 { "Impact analyses awaiting a decision" }
        @if pending.is_empty() {
            p { "None." }
        } @else {
            table class="stack" {
                thead { tr {
                    th scope="col" { "Certificate" } th scope="col" { "New version" }
                    th scope="col" { "Changes" } th scope="col" { "Class" } th scope="col" { "Decision" }
                } }
                tbody {
                    @for m in &pending {
                        tr {
                            td data-label="Certificate" {
                                a href={ "/devices/" (url(&m.certificate_id)) } { (m.certificate_id) }
                            }
                            td data-label="New version" { (m.new_version) }
                            td data-label="Changes" { (maintenance_facts(m)) }
                            td data-label="Class" { (m.change_class) " (" (m.state) ")" }
                            td data-label="Decision" {
                                (form(caller, &format!("/api/v1/maintenance/{}/extension", url(&m.id)), html! {}, "Extend certificate"))
                            }
                        }
                    }
                }
            }
        }
        h2 { "End of validity" }
        p { "Archive every certificate whose validity period has ended." }
        (form(caller, "/api/v1/certificates/archive", html! {}, "Archive expired certificates"))
        p { a href="/staff/audit" { "Audit trail" } }
    })
}

async fn admin_sections(state: &AppState, caller: &Caller) -> AppResult<Markup> {
    let orgs = state.store.organisations(None).await.map_err(ERR)?;
    let users = users_table(state, caller).await?;
    let rule = state.store.draft_pp_rule().await.map_err(ERR)?;
    let labs = state.store.labs().await.map_err(ERR)?;
    let unregistered: Vec<&str> = orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Lab.as_str() && !labs.iter().any(|l| l.org_id == o.id))
        .map(|o| o.name.as_str())
        .collect();
    Ok(html! {
        h2 { "Organisations" }
        (on_demand("Create an organisation", form(caller, "/api/v1/organisations", html! {
            label for="o-kind" { "Kind" }
            select id="o-kind" name="kind" {
                option value="manufacturer" { "Manufacturer" }
                option value="lab" { "Lab" }
                option value="certification-body" { "Certification body" }
            }
            label for="o-name" { "Name" }
            input id="o-name" name="name" required;
        }, "Create organisation")))
        h2 { "Users" }
        (on_demand("Create a user", form(caller, "/api/v1/users", html! {
            label for="u-org" { "Organisation" }
            select id="u-org" name="org_id" {
                @for o in &orgs { option value=(o.id) { (o.name) " (" (o.kind) ")" } }
            }
            label for="u-role" { "Role" }
            select id="u-role" name="role" {
                @for r in Role::ALL.iter().filter(|r| **r != Role::Public) { option { (r.as_str()) } }
            }
            label for="u-email" { "E-mail" }
            input id="u-email" name="email" type="email" required;
            label for="u-name" { "Name" }
            input id="u-name" name="name" required;
            (new_password("u-pw", "password", "Initial password (10 characters or more)"))
        }, "Create user")))
        (users)
        (super::scheme::admin_rules(caller, rule))
        h2 { "Labs" }
        table class="stack" {
            thead { tr {
                th scope="col" { "Lab" } th scope="col" { "State" } th scope="col" { "Until" }
                th scope="col" { "Key" } th scope="col" { "Actions" }
            } }
            tbody {
                @for l in &labs {
                    @let o = url(&l.org_id);
                    // Only the steps the lifecycle allows from the lab's state (and approval
                    // only once its ETR signing key is registered, as the registry requires).
                    @let allowed = admin_lab_actions(l);
                    tr {
                        td data-label="Lab" { (l.name) }
                        td data-label="State" { (l.state) }
                        td data-label="Until" { (l.approved_until.as_deref().unwrap_or("")) }
                        td data-label="Key" { (l.key_id.as_deref().unwrap_or("—")) }
                        td data-label="Actions" {
                            @if allowed.contains(&LabEvent::Approve) {
                                (form(caller, &format!("/api/v1/labs/{o}/approval"), html! {
                                    label for={ "u-" (l.org_id) } { "Approve until" }
                                    input id={ "u-" (l.org_id) } name="until" type="date" placeholder="YYYY-MM-DD" required;
                                }, "Approve"))
                            }
                            @if allowed.contains(&LabEvent::Suspend) {
                                (form(caller, &format!("/api/v1/labs/{o}/suspension"), html! {}, "Suspend"))
                            }
                            @if allowed.contains(&LabEvent::Withdraw) {
                                (form(caller, &format!("/api/v1/labs/{o}/withdrawal"), html! {}, "Withdraw"))
                            }
                            @if allowed.is_empty() { "none (the lab may apply again)" }
                        }
                    }
                }
            }
        }
        @if !unregistered.is_empty() {
            p { "Labs that have not applied yet: " (unregistered.join(", ")) }
        }
        p { a href="/staff/audit" { "Audit trail" } }
    })
}

/// The administrator's steps for `lab` that the registry will accept: the lifecycle's events
/// from its state, approval only with a registered key, and never the lab's own "apply".
pub fn admin_lab_actions(lab: &Lab) -> Vec<LabEvent> {
    LabState::allowed_events(Some(lab.state))
        .into_iter()
        .filter(|e| *e != LabEvent::Apply)
        .filter(|e| *e != LabEvent::Approve || lab.key_id.is_some())
        .collect()
}

/// Every account, with a button to disable or re-enable it (not one's own: the registry
/// refuses that anyway).
async fn users_table(state: &AppState, caller: &Caller) -> AppResult<Markup> {
    let users = state.store.users(&caller.actor).await.map_err(ERR)?;
    Ok(html! {
        table class="stack" {
            caption { "Accounts" }
            thead { tr {
                th scope="col" { "E-mail" } th scope="col" { "Name" } th scope="col" { "Role" }
                th scope="col" { "Organisation" } th scope="col" { "Access" } th scope="col" { "Sessions" }
                th scope="col" { "Actions" }
            } }
            tbody {
                @for u in &users {
                    @let id = url(&u.user.id);
                    tr {
                        td data-label="E-mail" { (u.user.email) }
                        td data-label="Name" { (u.user.name) }
                        td data-label="Role" { (u.user.role) }
                        td data-label="Organisation" { (u.org_name.as_deref().unwrap_or("—")) }
                        td data-label="Access" { @if u.disabled { "disabled" } @else { "enabled" } }
                        td data-label="Sessions" { (u.live_sessions) }
                        td data-label="Actions" {
                            @if caller.actor.user_id.as_deref() == Some(u.user.id.as_str()) {
                                "(you)"
                            } @else {
                                @if u.disabled {
                                    (form(caller, &format!("/api/v1/users/{id}/reactivation"), html! {}, "Enable"))
                                } @else {
                                    (form(caller, &format!("/api/v1/users/{id}/deactivation"), html! {}, "Disable"))
                                }
                                (form(caller, &format!("/api/v1/users/{id}/password"),
                                    new_password(&format!("pw-{}", u.user.id), "password", "New password"),
                                    "Set password"))
                            }
                        }
                    }
                }
            }
        }
    })
}

/// The cases the user may see, each with the actions its state allows for the role.
async fn cases(state: &AppState, caller: &Caller, products: &[Product]) -> AppResult<Markup> {
    let role = caller.actor.role;
    let labs = state
        .store
        .approved_labs(state.store.clock().today())
        .await
        .map_err(ERR)?;
    Ok(html! {
        h2 { "Cases" }
        @if products.is_empty() {
            p { "No cases." }
        }
        @for p in products {
            @let notes = super::scheme::case_notes(caller, p, &state.store.draft_claims_of(p));
            (case(caller, role, p, &labs, notes))
        }
    })
}

/// The certifier's status change: only the changes the workflow allows now, none preselected, a
/// reason and a confirmation required; nothing after revocation (it is final).
fn status_form(caller: &Caller, pid: &str, certificate_id: &str, st: S) -> Markup {
    let allowed = StatusRequest::allowed_from(st);
    if allowed.is_empty() {
        return html! {
            p { "The certificate is " (st.as_str()) ": that is final; its status cannot change." }
        };
    }
    let revocation = if allowed.contains(&StatusRequest::Revoke) {
        " Revocation is final."
    } else {
        ""
    };
    form(
        caller,
        &format!("/api/v1/certificates/{}/status", url(certificate_id)),
        html! {
            fieldset {
                legend { "Change the public status of " (certificate_id) }
                @for r in &allowed {
                    label { input type="radio" name="action" value=(r.as_str()) required; " " (r.as_str()) }
                }
            }
            label for={ "sr-" (pid) } { "Reason (published beside the status)" }
            textarea id={ "sr-" (pid) } name="reason" required {}
            label {
                input type="checkbox" name="confirm" value="yes" required;
                " I confirm this change of the certificate's public status." (revocation)
            }
        },
        "Change status",
    )
}

/// One case; `notes` (its warnings and draft-PP approval, `scheme.rs`) close its section.
fn case(caller: &Caller, role: Role, p: &Product, labs: &[Lab], notes: Markup) -> Markup {
    let pid = url(&p.id);
    let st = p.state();
    html! {
        section id={ "case-" (pid) } aria-label={ (p.name) " " (p.version) } {
            h3 { (p.name) " " (p.version) }
            p {
                "State: " strong { (p.state) }
                @if let Some(c) = &p.certificate_id {
                    " · certificate " a href={ "/devices/" (url(c)) } { (c) }
                }
            }
            @if let Some(r) = &p.review_reasons {
                p { "Review: " (r) }
            }
            // What the case holds, for everyone who may see it: the lab downloads the ST it
            // evaluates, the certification body opens the ETR it judges.
            @if p.st_sha256.is_some() || p.etr_sha256.is_some() {
                p {
                    @if p.st_sha256.is_some() {
                        a href={ "/staff/products/" (pid) "/st" } { "Security Target" }
                        " (" a href={ "/api/v1/products/" (pid) "/st" } { "download" } ")"
                    }
                    @if p.st_sha256.is_some() && p.etr_sha256.is_some() { " · " }
                    @if p.etr_sha256.is_some() {
                        a href={ "/staff/products/" (pid) "/etr" } { "ETR review" }
                        " (" a href={ "/api/v1/products/" (pid) "/etr/pdf" } { "PDF" } ")"
                    }
                }
            }
            (actions(caller, role, p, st, labs))
            @if matches!(role, Role::Certifier | Role::SchemeAdmin) {
                p { a href={ "/staff/audit?entity=product&entity_id=" (pid) } { "History of this case" } }
            }
            (notes)
        }
    }
}

/// The forms a case offers the role in its current state.
fn actions(caller: &Caller, role: Role, p: &Product, st: S, labs: &[Lab]) -> Markup {
    let pid = url(&p.id);
    match role {
        Role::Manufacturer if matches!(st, S::Registered | S::StSubmitted) => html! {
            (upload_form(caller, &format!("/api/v1/products/{pid}/st"), file_or_text(
                &format!("st-{pid}"),
                "st",
                "Security Target (YAML or NIAP XML)",
                ".yaml,.yml,.xml,text/plain",
            ), "Submit ST"))
            @if st == S::StSubmitted {
                (form(caller, &format!("/api/v1/products/{pid}/lab"), html! {
                    label for={ "lab-" (pid) } { "Lab" }
                    select id={ "lab-" (pid) } name="lab" {
                        @for l in labs { option value=(l.org_id) { (l.name) } }
                    }
                }, "Choose lab"))
            }
        },
        Role::Manufacturer if matches!(st, S::Active | S::Maintained) => match &p.certificate_id {
            Some(c) => impact_analysis_form(caller, &pid, c),
            None => html! {},
        },
        Role::LabEvaluator if st == S::LabChosen => form(
            caller,
            &format!("/api/v1/products/{pid}/evaluation"),
            html! {},
            "Start evaluation",
        ),
        Role::LabEvaluator if matches!(st, S::EvaluationInProgress | S::Rejected) => upload_form(
            caller,
            &format!("/api/v1/products/{pid}/etr"),
            file_or_text(
                &format!("etr-{pid}"),
                "bundle",
                "Sealed ETR bundle (JSON, from dtsec eval seal)",
                ".json,application/json",
            ),
            "Submit ETR",
        ),
        Role::Certifier if st == S::EtrSubmitted => {
            crate::controllers::products::etr::review_forms(caller, &p.id)
        }
        Role::Certifier if st == S::Accepted => form(
            caller,
            &format!("/api/v1/products/{pid}/certificate"),
            html! {},
            "Issue certificate",
        ),
        Role::Certifier if st.has_certificate() => match &p.certificate_id {
            Some(c) => status_form(caller, &pid, c, st),
            None => html! {},
        },
        _ => html! {},
    }
}

/// The manufacturer's impact analysis of a new version of a certified product.
fn impact_analysis_form(caller: &Caller, pid: &str, certificate_id: &str) -> Markup {
    html! {
        h4 { "New version: file an impact analysis" }
        p {
            "Changes to the TSF, cryptography, pairing, the update path or the command path are major and "
            "need a re-evaluation; others may be extended by the certifier. A fix of named vulnerabilities "
            "is a vulnerability fix: the evaluating lab reviews it (AVA_VAN on the fix, regression of the "
            "SFRs it touches), then the certifier extends."
        }
        (form(caller, &format!("/api/v1/certificates/{}/impact-analyses", url(certificate_id)), html! {
            label for={ "ia-v-" (pid) } { "New version" }
            input id={ "ia-v-" (pid) } name="new_version" required;
            label for={ "ia-b-" (pid) } { "Build ids (comma-separated)" }
            input id={ "ia-b-" (pid) } name="build_ids";
            label for={ "ia-d-" (pid) } { "What changed" }
            textarea id={ "ia-d-" (pid) } name="description" required {}
            fieldset {
                legend { "Areas it touches" }
                @for a in ChangeArea::ALL {
                    label { input type="checkbox" name="areas" value=(a.as_str()); " " (a.as_str()) }
                }
            }
            label for={ "ia-f-" (pid) } { "Vulnerabilities it fixes (ids, comma-separated; empty if none)" }
            input id={ "ia-f-" (pid) } name="fixes";
            label for={ "ia-s-" (pid) } { "SFRs it touches (comma-separated, e.g. FCS_COP.1; required with a fix)" }
            input id={ "ia-s-" (pid) } name="touched_sfrs";
        }, "File impact analysis"))
    }
}
