//! The "Security posture" section of a device page and the `posture` member of the device JSON
//! (issue 13, publishing): the manufacturer's current assessments, the notices published, the
//! SBOM's availability and support data, the disclosure contact, and unassessed matches — only
//! as a count, only after the grace period, with a disclaimer and a dispute link.
//!
//! Why a section of its own: the device page says what the certificate means today, and a
//! certificate whose device has an uncontrolled vulnerability means less; but an automated match
//! is not a finding, so what the registry says about unassessed matches is deliberately less
//! than it knows (`dtsec_registry::SecurityPosture` decides what the viewer may see).

use dtsec_registry::{DeviceDetail, SecurityPosture};
use serde::Serialize;

use crate::html::{Markup, definitions, html, url};
use crate::session::Caller;
use crate::state::AppState;

/// Where the methodology and the dispute process are explained.
pub const DISPUTE_PATH: &str = "/postmarket#dispute";

/// The device JSON: the device and its security posture (public view).
#[derive(Serialize, schemars::JsonSchema)]
pub struct DeviceWithPosture {
    /// The device.
    #[serde(flatten)]
    pub device: DeviceDetail,
    /// Its security posture as the public sees it.
    pub posture: SecurityPosture,
}

/// A contact is linked only when it is a web address, an e-mail or a telephone URI: the SBOM is
/// the manufacturer's text, and any other scheme is shown, not followed.
fn linkable(contact: &str) -> bool {
    ["https://", "http://", "mailto:", "tel:"].iter().any(|p| {
        contact
            .get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The posture as `caller` may see it.
pub async fn of(
    state: &AppState,
    caller: &Caller,
    certificate_id: &str,
) -> dtsec_registry::Result<SecurityPosture> {
    state
        .store
        .security_posture(certificate_id, Some(&caller.actor))
        .await
}

/// The page section.
pub fn section(certificate_id: &str, p: &SecurityPosture) -> Markup {
    let cid = url(certificate_id);
    html! {
        section aria-labelledby="posture" {
            h2 id="posture" { "Security posture" }
            p {
                "As of " (p.as_of) ". Vulnerability assessments are the manufacturer's statements, "
                "kept with their history; notices are published by the certification body, signed "
                "and logged."
            }
            h3 { "Assessed vulnerabilities" }
            @if p.assessments.is_empty() {
                p { "The manufacturer has not published an assessment for this device." }
            } @else {
                table class="stack" {
                    thead { tr {
                        th scope="col" { "Vulnerability" } th scope="col" { "State" }
                        th scope="col" { "Why / what to do" } th scope="col" { "Clinical risk" }
                        th scope="col" { "Recorded" }
                    } }
                    tbody {
                        @for a in &p.assessments {
                            tr {
                                td data-label="Vulnerability" {
                                    (a.vuln)
                                    @if !a.aliases.is_empty() { " (" (a.aliases.join(", ")) ")" }
                                }
                                td data-label="State" { (a.state.replace('_', " ")) }
                                td data-label="Why / what to do" {
                                    (a.justification.as_deref().map(|j| j.replace('_', " ")).or_else(|| a.action.clone()).unwrap_or_default())
                                }
                                td data-label="Clinical risk" { (a.risk.as_deref().unwrap_or("not stated")) }
                                td data-label="Recorded" { (a.recorded_at) }
                            }
                        }
                    }
                }
                p {
                    "Machine-readable: "
                    a href={ "/api/v1/certificates/" (cid) "/vex?format=csaf" } { "CSAF" } " · "
                    a href={ "/api/v1/certificates/" (cid) "/vex?format=cyclonedx" } { "CycloneDX VEX" } " · "
                    a href={ "/api/v1/certificates/" (cid) "/vex?format=openvex" } { "OpenVEX" }
                }
            }
            h3 { "Vulnerability notices" }
            @if p.notices.is_empty() {
                p { "None published." }
            } @else {
                ul {
                    @for n in &p.notices {
                        li {
                            a href=(n.path) { (n.notice_id) } ": " (n.vuln) ", " (n.state.replace('_', " "))
                            " (" (if n.open { "open" } else { "closed" }) ", published " (n.published_at) ") · "
                            a href={ (n.path) ".sha256" } { "SHA-256" } " · "
                            a href={ (n.path) ".sig" } { "signature" }
                        }
                    }
                }
            }
            h3 { "Unassessed matches" }
            @if p.unassessed.past_grace > 0 {
                p class="unassessed" {
                    strong { (plural(p.unassessed.past_grace, "vulnerability", "vulnerabilities")) " under investigation" }
                    ": published advisories match components in this device's SBOM, and the "
                    "manufacturer has not assessed them within " (p.unassessed.grace_days) " days."
                }
                p class="disclaimer" {
                    "Disclaimer: this is a count of automated matches between the SBOM and public "
                    "advisories, not a finding that the device is vulnerable. Many matches turn out "
                    "not to affect a device. "
                    a href=(DISPUTE_PATH) { "Dispute this count or read how it is computed" } "."
                }
            } @else {
                p { "No unassessed match is older than the " (p.unassessed.grace_days) "-day grace period." }
            }
            @if let Some(n) = p.unassessed.within_grace {
                p class="private" {
                    strong { "Visible to the manufacturer and the certification body only: " }
                    (plural(n, "match", "matches")) " within the grace period. "
                    a href={ "/api/v1/certificates/" (cid) "/matches" } { "Matches (JSON)" }
                }
            }
            (definitions([
                ("SBOM", match &p.sbom {
                    Some(s) => html! {
                        "available to the certification body (" (s.format) ", revision " (s.revision) ", "
                        (plural(usize::try_from(s.components).unwrap_or(0), "component", "components"))
                        ", uploaded " (s.uploaded_at) ")"
                    },
                    None => html! { "not uploaded" },
                }),
                ("End of support", match &p.support {
                    Some(s) => html! {
                        (s.end_of_support.as_deref().map_or_else(|| "no component declares one".to_string(), |d| format!("earliest declared by a component: {d}")))
                        @if s.unsupported > 0 { "; " (plural(s.unsupported, "component is", "components are")) " past support" }
                        @if s.without_support_data > 0 { "; " (plural(s.without_support_data, "component has", "components have")) " no support data" }
                    },
                    None => html! { "unknown (no SBOM)" },
                }),
                ("Disclosure contact", match p.disclosure_contact.as_deref() {
                    Some(c) if linkable(c) => html! { a href=(c) { (c) } },
                    Some(c) => html! { (c) },
                    None => html! { "not declared in the SBOM" },
                }),
            ]))
        }
    }
}
