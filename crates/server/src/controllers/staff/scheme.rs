//! The staff page's parts about the scheme's rules (issue 10, F22): a case's checker warnings
//! (among them the draft-PP warning) and the certifier's approval of draft claims; the
//! administrator's draft-PP rule. Kept apart from `index.rs` because they are scheme policy,
//! not a step of the workflow.

use dtsec_registry::scheme::DraftPpRule;
use dtsec_registry::{Product, Role, workflow::State as S};

use super::index::form;
use crate::html::{Markup, html, url};
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
pub(super) fn case_notes(caller: &Caller, p: &Product, drafts: &[String]) -> Markup {
    let warnings: Vec<_> = p
        .st_findings
        .iter()
        .filter(|f| f.severity == "warning")
        .collect();
    let approved = p
        .draft_pp_approval
        .as_ref()
        .filter(|a| Some(&a.st_sha256) == p.st_sha256.as_ref());
    let pid = url(&p.id);
    html! {
        @if !warnings.is_empty() {
            ul class="warnings" aria-label="Warnings on the ST" {
                @for f in &warnings {
                    li { strong { "Warning " (f.code) } " (line " (f.line) "): " (f.message) }
                }
            }
        }
        @if let Some(a) = approved {
            p {
                "Draft claims " (a.claims.join(", ")) " approved for certification on " (a.approved_at)
                ": " (a.reason)
            }
        } @else if !drafts.is_empty() && APPROVABLE.contains(&p.state()) {
            p {
                "Claims draft " (drafts.join(", "))
                ": the certificate is issued only after the certification body approves them."
            }
            @if caller.actor.role == Role::Certifier {
                (form(caller, &format!("/api/v1/products/{pid}/draft-approval"), html! {
                    label for={ "dr-" (pid) } { "Why the certification body accepts certifying against the draft" }
                    textarea id={ "dr-" (pid) } name="reason" required {}
                }, "Approve draft claims"))
            }
        }
    }
}

/// The administrator's section: how claims of draft PPs are certified.
pub(super) fn admin_rules(caller: &Caller, rule: DraftPpRule) -> Markup {
    let label = |r: &DraftPpRule| match r {
        DraftPpRule::CbApproval => "certify with the certification body's approval and reason",
        DraftPpRule::Refuse => "refuse certification",
    };
    html! {
        h2 { "Scheme rules" }
        p { "A product whose ST claims a PP, PP-Module or package with status draft:" }
        (form(caller, "/api/v1/scheme/rules", html! {
            label for="rule-draft" { "Claims of draft PPs" }
            select id="rule-draft" name="draft_pp" {
                @for r in DraftPpRule::ALL.iter() {
                    option value=(r.as_str()) selected[*r == rule] { (label(r)) }
                }
            }
        }, "Set rule"))
    }
}
