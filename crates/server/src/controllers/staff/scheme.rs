//! The staff page's parts about the scheme's rules (issue 10, F22): a case's checker warnings
//! (among them the draft-PP warning) and the certifier's approval of draft claims; the
//! administrator's draft-PP rule. Kept apart from `index.rs` because they are scheme policy,
//! not a step of the workflow.

use std::fmt::Write as _;

use dtsec_registry::scheme::DraftPpRule;
use dtsec_registry::{Product, Role, workflow::State as S};

use super::index::form;
use crate::html::{esc, url};
use crate::session::Caller;

/// The states in which a certifier may approve draft claims (the registry decides; this only
/// chooses when to show the form).
const APPROVABLE: [S; 6] = [
    S::StSubmitted,
    S::LabChosen,
    S::EvaluationInProgress,
    S::EtrSubmitted,
    S::Rejected,
    S::Accepted,
];

/// A case's warnings from the ST check, the approval of its draft claims if given, and for a
/// certifier the form to approve them. `drafts`: the case's claims that are drafts.
pub(super) fn case_notes(caller: &Caller, p: &Product, drafts: &[String]) -> String {
    let mut b = String::new();
    let warnings: Vec<_> = p
        .st_findings
        .iter()
        .filter(|f| f.severity == "warning")
        .collect();
    if !warnings.is_empty() {
        b.push_str("<ul class=\"warnings\" aria-label=\"Warnings on the ST\">");
        for f in warnings {
            let _ = write!(
                b,
                "<li><strong>Warning {}</strong> (line {}): {}</li>",
                esc(&f.code),
                f.line,
                esc(&f.message)
            );
        }
        b.push_str("</ul>");
    }
    let approved = p
        .draft_pp_approval
        .as_ref()
        .filter(|a| Some(&a.st_sha256) == p.st_sha256.as_ref());
    if let Some(a) = approved {
        let _ = write!(
            b,
            "<p>Draft claims {} approved for certification on {}: {}</p>",
            esc(&a.claims.join(", ")),
            esc(&a.approved_at),
            esc(&a.reason)
        );
    } else if !drafts.is_empty() && APPROVABLE.contains(&p.state()) {
        let _ = write!(
            b,
            "<p>Claims draft {}: the certificate is issued only after the certification body approves them.</p>",
            esc(&drafts.join(", "))
        );
        if caller.actor.role == Role::Certifier {
            let pid = url(&p.id);
            b.push_str(&form(
                caller,
                &format!("/api/v1/products/{pid}/draft-approval"),
                &format!("<label for=\"dr-{pid}\">Why the certification body accepts certifying against the draft</label><textarea id=\"dr-{pid}\" name=\"reason\" required></textarea>"),
                "Approve draft claims",
            ));
        }
    }
    b
}

/// The administrator's section: how claims of draft PPs are certified.
pub(super) fn admin_rules(caller: &Caller, rule: DraftPpRule) -> String {
    let options: String = DraftPpRule::ALL
        .iter()
        .map(|r| {
            let label = match r {
                DraftPpRule::CbApproval => {
                    "certify with the certification body's approval and reason"
                }
                DraftPpRule::Refuse => "refuse certification",
            };
            format!(
                "<option value=\"{}\"{}>{}</option>",
                r.as_str(),
                if *r == rule { " selected" } else { "" },
                esc(label)
            )
        })
        .collect();
    let mut b = String::from(
        "<h2>Scheme rules</h2><p>A product whose ST claims a PP, PP-Module or package with status draft:</p>",
    );
    b.push_str(&form(
        caller,
        "/api/v1/scheme/rules",
        &format!("<label for=\"rule-draft\">Claims of draft PPs</label><select id=\"rule-draft\" name=\"draft_pp\">{options}</select>"),
        "Set rule",
    ));
    b
}
