//! `GET /api/v1/devices/{id}/etr-summary` and the device page's evaluation section: the summary
//! of the ETR a certificate was issued on (lab, verdict, dates, assurance, work units by
//! verdict, findings), read by the registry from the sealed bundle it verified.

use axum::Json;
use axum::extract::{Path, State};
use dtsec_registry::etr_facts::EtrFacts;
use dtsec_registry::{EtrSummary, RegistryError};

use crate::error::AppResult;
use crate::html::{Markup, definitions, html, list_or_none, url};
use crate::state::AppState;

/// The summary as JSON.
pub async fn api(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<EtrSummary>> {
    Ok(Json(state.store.etr_summary(&id).await?))
}

/// The ETR summary of a certificate from its ETR's facts (read once by the page), `None` if no
/// ETR is on record (a certificate is never issued without one, but the page should not fail if
/// one is missing).
pub async fn summary_of(
    state: &AppState,
    certificate_id: &str,
    facts: Option<&EtrFacts>,
) -> Result<Option<EtrSummary>, RegistryError> {
    let Some(facts) = facts else {
        return Ok(None);
    };
    match state.store.etr_summary_from(certificate_id, facts).await {
        Ok(s) => Ok(Some(s)),
        Err(RegistryError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The device page's "Evaluation" section, or a sentence saying there is no ETR on record.
pub fn section(certificate_id: &str, summary: Option<&EtrSummary>) -> Markup {
    let cid = url(certificate_id);
    html! {
        h2 id="evaluation" { "Evaluation" }
        p {
            "The " a href={ "/devices/" (cid) "/st" } { "Security Target" }
            " the certificate was issued on (" a href={ "/api/v1/devices/" (cid) "/st" } { "YAML" }
            "), and a summary of the sealed Evaluation Technical Report ("
            a href={ "/api/v1/devices/" (cid) "/etr-summary" } { "JSON" } ")."
        }
        @match summary {
            Some(s) => (summary_html(s)),
            None => p { "No ETR is on record for this certificate." },
        }
    }
}

/// The assurance level in words, for readers who do not know the CC's component ids: how
/// strong an attacker the lab's vulnerability analysis assumed.
pub fn assurance_in_words(s: Option<&EtrSummary>) -> String {
    let Some(s) = s else {
        return "not stated: no evaluation report is on record".into();
    };
    match (&s.ava_van, &s.resists) {
        (Some(v), Some(r)) => format!(
            "the lab searched for weaknesses and tried to break in as an attacker of {} attack potential would ({v})",
            r.to_lowercase()
        ),
        (Some(v), None) => format!("the lab searched for weaknesses and tried to break in ({v})"),
        _ => "no vulnerability analysis was claimed".into(),
    }
}

/// An ETR summary as a definition list and the roll-up by class: the device page's evaluation
/// section, and the certification body's review page.
pub fn summary_html(s: &EtrSummary) -> Markup {
    let u = &s.work_units;
    let o = &s.observations;
    let opt = |v: &Option<String>| v.as_deref().unwrap_or("not recorded").to_string();
    let vulnerability = match (&s.ava_van, &s.resists) {
        (Some(v), Some(r)) => format!("{v} (resists attackers of {r} attack potential)"),
        (Some(v), None) => v.clone(),
        _ => "not claimed".into(),
    };
    html! {
        (definitions([
            ("Evaluation facility", html! { (s.lab) }),
            ("Overall verdict", html! { strong { (s.verdict) } }),
            ("Evaluators", html! { (list_or_none(&s.evaluators)) }),
            ("Sponsor", html! { (s.sponsor) }),
            ("Evaluated TOE", html! { (s.toe) }),
            ("Security Target", html! { (s.st) " (SHA-256 " code { (s.st_sha256) } ")" }),
            ("Evaluation started", html! { (s.evaluation_started) }),
            ("ETR sealed", html! { (s.sealed_at) }),
            ("ETR submitted", html! { (opt(&s.submitted_at)) }),
            ("ETR accepted", html! { (opt(&s.accepted_at)) }),
            ("CC edition", html! { (s.cc_edition) }),
            ("Assurance packages", html! { (list_or_none(&s.assurance_packages)) }),
            ("SARs", html! { (list_or_none(&s.sars)) }),
            ("Vulnerability analysis", html! { (vulnerability) }),
            ("Work units", html! {
                (u.total) " in all: " (u.pass) " pass, " (u.fail) " fail, " (u.inconclusive)
                " inconclusive, " (u.pending) " without a verdict"
            }),
            ("Observation reports", html! {
                (o.total) " (" (o.open) " open, " (o.resolved) " resolved; " (o.minor) " minor, "
                (o.major) " major, " (o.critical) " critical)"
            }),
            ("Test cases", html! { (s.test_cases) }),
            ("Potential vulnerabilities analysed", html! { (s.vulnerabilities) }),
            ("Lab key id", html! { code { (opt(&s.lab_key_id)) } }),
        ]))
        table class="stack" {
            caption { "Work units by class" }
            thead { tr {
                th scope="col" { "Class" } th scope="col" { "Verdict" } th scope="col" { "Units" }
                th scope="col" { "Pass" } th scope="col" { "Fail" } th scope="col" { "Inconclusive" }
                th scope="col" { "No verdict" }
            } }
            tbody {
                @for c in &s.classes {
                    tr {
                        th scope="row" { (c.id) }
                        td data-label="Verdict" { (c.verdict) }
                        td data-label="Units" { (c.counts.total) }
                        td data-label="Pass" { (c.counts.pass) }
                        td data-label="Fail" { (c.counts.fail) }
                        td data-label="Inconclusive" { (c.counts.inconclusive) }
                        td data-label="No verdict" { (c.counts.pending) }
                    }
                }
            }
        }
    }
}
