//! `GET /api/v1/devices/{id}/etr-summary` and the device page's evaluation section: the summary
//! of the ETR a certificate was issued on (lab, verdict, dates, assurance, work units by
//! verdict, findings), read by the registry from the sealed bundle it verified.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::{Path, State};
use dtsec_registry::{EtrSummary, RegistryError};

use crate::error::AppResult;
use crate::html::{esc, url};
use crate::state::AppState;

/// The summary as JSON.
pub async fn api(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<EtrSummary>> {
    Ok(Json(state.store.etr_summary(&id).await?))
}

/// The device page's "Evaluation" section, or a sentence saying there is no ETR on record
/// (a certificate is never issued without one, but the page should not fail if one is missing).
pub async fn section(state: &AppState, certificate_id: &str) -> Result<String, RegistryError> {
    let cid = url(certificate_id);
    let mut b = String::from("<h2 id=\"evaluation\">Evaluation</h2>");
    let _ = write!(
        b,
        "<p>The <a href=\"/devices/{cid}/st\">Security Target</a> the certificate was issued on (<a href=\"/api/v1/devices/{cid}/st\">YAML</a>), and a summary of the sealed Evaluation Technical Report (<a href=\"/api/v1/devices/{cid}/etr-summary\">JSON</a>).</p>"
    );
    let s = match state.store.etr_summary(certificate_id).await {
        Ok(s) => s,
        Err(RegistryError::NotFound(_)) => {
            b.push_str("<p>No ETR is on record for this certificate.</p>");
            return Ok(b);
        }
        Err(e) => return Err(e),
    };
    b.push_str(&summary_html(&s));
    Ok(b)
}

/// An ETR summary as a definition list and the roll-up by class (escaped HTML): the device
/// page's evaluation section, and the certification body's review page.
pub fn summary_html(s: &EtrSummary) -> String {
    let mut b = String::new();
    let u = &s.work_units;
    let o = &s.observations;
    let opt = |v: &Option<String>| esc(v.as_deref().unwrap_or("not recorded"));
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            esc(&v.join(", "))
        }
    };
    b.push_str("<dl>");
    for (k, v) in [
        ("Evaluation facility", esc(&s.lab)),
        (
            "Overall verdict",
            format!("<strong>{}</strong>", esc(&s.verdict)),
        ),
        ("Evaluators", list(&s.evaluators)),
        ("Sponsor", esc(&s.sponsor)),
        ("Evaluated TOE", esc(&s.toe)),
        (
            "Security Target",
            format!(
                "{} (SHA-256 <code>{}</code>)",
                esc(&s.st),
                esc(&s.st_sha256)
            ),
        ),
        ("Evaluation started", esc(&s.evaluation_started)),
        ("ETR sealed", esc(&s.sealed_at)),
        ("ETR submitted", opt(&s.submitted_at)),
        ("ETR accepted", opt(&s.accepted_at)),
        ("CC edition", esc(&s.cc_edition)),
        ("Assurance packages", list(&s.assurance_packages)),
        ("SARs", list(&s.sars)),
        (
            "Vulnerability analysis",
            match (&s.ava_van, &s.resists) {
                (Some(v), Some(r)) => format!(
                    "{} (resists attackers of {} attack potential)",
                    esc(v),
                    esc(r)
                ),
                (Some(v), None) => esc(v),
                _ => "not claimed".into(),
            },
        ),
        (
            "Work units",
            format!(
                "{} in all: {} pass, {} fail, {} inconclusive, {} without a verdict",
                u.total, u.pass, u.fail, u.inconclusive, u.pending
            ),
        ),
        (
            "Observation reports",
            format!(
                "{} ({} open, {} resolved; {} minor, {} major, {} critical)",
                o.total, o.open, o.resolved, o.minor, o.major, o.critical
            ),
        ),
        ("Test cases", s.test_cases.to_string()),
        (
            "Potential vulnerabilities analysed",
            s.vulnerabilities.to_string(),
        ),
        ("Lab key id", format!("<code>{}</code>", opt(&s.lab_key_id))),
    ] {
        let _ = write!(b, "<dt>{k}</dt><dd>{v}</dd>");
    }
    b.push_str("</dl><table><caption>Work units by class</caption><thead><tr><th scope=\"col\">Class</th><th scope=\"col\">Verdict</th><th scope=\"col\">Units</th><th scope=\"col\">Pass</th><th scope=\"col\">Fail</th><th scope=\"col\">Inconclusive</th><th scope=\"col\">No verdict</th></tr></thead><tbody>");
    for c in &s.classes {
        let n = &c.counts;
        let _ = write!(
            b,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.id),
            esc(&c.verdict),
            n.total,
            n.pass,
            n.fail,
            n.inconclusive,
            n.pending
        );
    }
    b.push_str("</tbody></table>");
    b
}
