//! `GET /postmarket`: how the register reports vulnerabilities — what is matched, what stays
//! private and for how long, what a count means — and how to dispute it (`#dispute`, where every
//! count's disclaimer links).
//!
//! Why a page: a count of unassessed matches on a device page is only fair with its method
//! beside it and a way to contest it (sec-certs #526).

use axum::extract::State;
use axum::response::Html;

use crate::error::AppResult;
use crate::html::{html, layout};
use crate::session::Caller;
use crate::state::AppState;

/// The page.
pub async fn page(State(state): State<AppState>, caller: Caller) -> AppResult<Html<String>> {
    let grace = state.store.grace_days();
    let scheme = state.store.config().scheme_name.clone();
    let b = html! {
        h1 { "How the register reports vulnerabilities" }
        p {
            "Manufacturers of certified devices upload each device's software bill of materials "
            "(SBOM). The certification body matches every SBOM against its offline copy of public "
            "advisories (OSV records), by the OSV specification's algorithm, as of a recorded "
            "snapshot of those advisories."
        }
        h2 { "What is public" }
        ul {
            li { "The manufacturer's assessments of vulnerabilities (affected, not affected and why, fixed), with their clinical risk judgement, as VEX documents in CSAF, CycloneDX and OpenVEX." }
            li { "Vulnerability notices the certification body publishes: CSAF 2.0 documents signed with the scheme key and recorded in the transparency log (" a href="/.well-known/csaf/provider-metadata.json" { "provider metadata" } ")." }
            li { "That an SBOM exists, its components' support data, and the manufacturer's disclosure contact." }
            li { "Matches nobody has assessed: only as a count, and only " (grace) " days after they were first found. Until then they are private to the manufacturer and the certification body, so the manufacturer can assess them first." }
        }
        h2 id="dispute" { "Disputing a count" }
        p {
            "A count of unassessed matches is not a finding: an advisory may name a component the "
            "device uses in a way that cannot be exploited, or a version the SBOM misstates."
        }
        ul {
            li { "The manufacturer answers a match by recording an assessment — not affected with its justification, or false positive — through its registry account; the count drops at once." }
            li { "Anyone else writes to the certification body (" (scheme) ") naming the device's certificate and the reason; the certification body reviews the match with the manufacturer." }
        }
    };
    Ok(Html(
        layout(
            "How the register reports vulnerabilities",
            caller.viewer(),
            b,
        )
        .into_string(),
    ))
}
