//! The manufacturer's postmarket assessments (`dtsec-vex`) as the OSCAL crate's neutral
//! [`PostmarketItem`]s, for the postmarket POA&M (`dtsec oscal poam --postmarket`, and the
//! registry's `/api/v1/certificates/{id}/poam`).
//!
//! Why here: `oscal` and `vex` are one layer, so neither may read the other; this crate sits
//! above both (as `evidence.rs` does for the ETR's verdicts), and the CLI and the server share
//! this one conversion, so the two POA&Ms cannot differ.
//!
//! Open means what a plan of action is for: under investigation, or affected (an affected
//! state is not fixed in the assessed version). Not affected, fixed and false positives are
//! closed and left out. The FDA clocks (`dtsec_vex::clocks`) give the milestones — customers
//! told by T0 + 30 days, the fix validated and distributed by T0 + 60 — for uncontrolled risk;
//! controlled risk runs on the regular cycle and has none.

use dtsec_oscal::postmarket::{
    ClinicalRisk, ItemScore, ItemState, Milestone, PostmarketItem, ScoreSource,
};
use dtsec_vex::Assessment;
use dtsec_vex::assessment::{self, Risk, State, Track524b};
use dtsec_vex::clocks::{COMMUNICATION_DAYS, DeadlineStatus, FIX_DAYS, clocks};
use jiff::civil::Date;

fn status(s: DeadlineStatus) -> &'static str {
    match s {
        DeadlineStatus::Met => "met",
        DeadlineStatus::MetLate => "met-late",
        DeadlineStatus::Open => "open",
        DeadlineStatus::Overdue => "overdue",
    }
}

/// The open item of one assessment; `None` when the assessment is closed.
pub fn item(a: &Assessment, as_of: Date) -> Option<PostmarketItem> {
    let state = match &a.status {
        State::UnderInvestigation => ItemState::UnderInvestigation,
        State::Affected { action, .. } => ItemState::Affected {
            action: action.clone(),
        },
        State::NotAffected { .. } | State::Fixed { .. } | State::FalsePositive => return None,
    };
    let c = clocks(a, as_of);
    let mut milestones = Vec::new();
    if let (Some(due), Some(st)) = (c.due_customer_communication, c.communication) {
        milestones.push(Milestone {
            name: "customer-communication".to_string(),
            title: format!(
                "Tell customers and users, propose a remediation plan and interim compensating controls (T0 + {COMMUNICATION_DAYS} days)"
            ),
            due: due.to_string(),
            done: a.dates.customers_notified.map(|d| d.to_string()),
            status: status(st).to_string(),
        });
    }
    if let (Some(due), Some(st)) = (c.due_fix_distributed, c.fix) {
        let done = match (a.dates.fix_validated, a.dates.fix_distributed) {
            (Some(v), Some(d)) => Some(v.max(d).to_string()),
            _ => None,
        };
        milestones.push(Milestone {
            name: "fix-distributed".to_string(),
            title: format!("Validate and distribute the fix (T0 + {FIX_DAYS} days)"),
            due: due.to_string(),
            done,
            status: status(st).to_string(),
        });
    }
    let scores = a
        .scores
        .iter()
        .map(|s| ItemScore {
            source: match s.source {
                assessment::ScoreSource::Advisory => ScoreSource::Advisory,
                assessment::ScoreSource::Manufacturer => ScoreSource::Manufacturer,
                assessment::ScoreSource::Lab => ScoreSource::Lab,
            },
            vector: s.vector.clone(),
            score: s.score,
            device_context: s.device_context,
        })
        .collect();
    Some(PostmarketItem {
        id: a.id(),
        vuln: a.vuln.id.clone(),
        aliases: a.vuln.aliases.clone(),
        components: a
            .components
            .iter()
            .map(|c| match &c.purl {
                Some(p) => format!("{} ({p})", c.bom_ref),
                None => c.bom_ref.clone(),
            })
            .collect(),
        state,
        impact_statement: a.impact_statement.clone(),
        risk: a.clinical.as_ref().map(|c| match c.risk {
            Risk::Controlled => ClinicalRisk::Controlled,
            Risk::Uncontrolled => ClinicalRisk::Uncontrolled,
        }),
        risk_rationale: a.clinical.as_ref().map(|c| c.rationale.clone()),
        track_524b: match a.track_524b() {
            Track524b::RegularCycle => "regular-cycle",
            Track524b::OutOfCycle => "out-of-cycle",
        }
        .to_string(),
        scores,
        aware: a.dates.aware.map(|d| d.to_string()),
        milestones,
    })
}

/// The open items of a set of assessments (each assessment's current version), in the order
/// of their ids, so that the POA&M does not depend on the order they were stored or exported in.
pub fn open_items(assessments: &[Assessment], as_of: Date) -> Vec<PostmarketItem> {
    let mut items: Vec<PostmarketItem> =
        assessments.iter().filter_map(|a| item(a, as_of)).collect();
    items.sort_by(|a, b| a.id.cmp(&b.id));
    items
}

/// The latest date any assessment records: the default as-of date of a plan made from a file,
/// so that the same file gives the same POA&M on any day.
pub fn latest_date(assessments: &[Assessment]) -> Option<Date> {
    assessments
        .iter()
        .flat_map(|a| {
            let d = &a.dates;
            [
                d.aware,
                d.assessed,
                d.customers_notified,
                d.remediation_plan,
                d.compensating_controls_published,
                d.fix_validated,
                d.fix_distributed,
            ]
        })
        .flatten()
        .max()
}
