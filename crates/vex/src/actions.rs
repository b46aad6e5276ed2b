//! The certificate actions dtsec proposes from a certificate's assessments (design §7): the
//! certification body decides each one; this module only says which are due and why, citing
//! the hash of the assessment it rests on. A pure function, so the registry calls it with what
//! it stored and the date, and tests call it with literals.

use jiff::ToSpan as _;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::assessment::{Risk, State};
use crate::clocks::{DeadlineStatus, clocks};
use crate::history::Entry;

/// The certificate's status as far as the proposals care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum CertStatus {
    /// Active or maintained.
    Active,
    /// A review is open.
    UnderReview,
    /// Suspended since a date.
    Suspended {
        /// The date of the suspension.
        since: Date,
    },
}

/// The scheme's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Days from first match to an assessment before "overdue triage" (default 15).
    pub triage_days: i64,
    /// Days suspended without a fix before revocation is proposed (default 90).
    pub suspend_to_revoke_days: i64,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            triage_days: 15,
            suspend_to_revoke_days: 90,
        }
    }
}

/// A match no assessment answers yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnassessedMatch {
    /// The vulnerability's group key.
    pub vuln: String,
    /// When dtsec first reported the match.
    pub first_seen: Date,
}

/// What the certification body is asked to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// Queue item only: a match is unassessed past the triage period.
    OverdueTriage,
    /// Open a review (Active → UnderReview).
    OpenReview,
    /// Suspend (the fix is overdue).
    Suspend,
    /// Revoke (suspended too long without a fix).
    Revoke,
    /// Extend after a fix (impact analysis, change class vulnerability-fix).
    Extend,
    /// A known-exploited vulnerability is assessed controlled: the rationale needs review.
    ReviewControlledExploited,
}

/// One proposed action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedAction {
    /// What.
    pub kind: ActionKind,
    /// The vulnerability.
    pub vuln: String,
    /// The hash of the history entry it rests on (`None` for unassessed matches).
    pub assessment_hash: Option<String>,
    /// Why, in words.
    pub reason: String,
}

/// The proposals for one certificate: `latest` holds the current entry of each of its
/// assessments. Sorted by kind, then vulnerability, so the output is stable.
pub fn propose(
    latest: &[Entry],
    unassessed: &[UnassessedMatch],
    status: CertStatus,
    policy: Policy,
    today: Date,
) -> Vec<ProposedAction> {
    let mut out = Vec::new();
    for m in unassessed {
        if let Ok(due) = m.first_seen.checked_add(policy.triage_days.days())
            && today > due
        {
            out.push(ProposedAction {
                kind: ActionKind::OverdueTriage,
                vuln: m.vuln.clone(),
                assessment_hash: None,
                reason: format!("unassessed since {} (triage due {due})", m.first_seen),
            });
        }
    }
    let mut any_overdue_fix = false;
    for e in latest {
        let a = &e.assessment;
        let push = |out: &mut Vec<ProposedAction>, kind, reason: String| {
            out.push(ProposedAction {
                kind,
                vuln: a.vuln.id.clone(),
                assessment_hash: Some(e.hash.clone()),
                reason,
            });
        };
        let uncontrolled = a
            .clinical
            .as_ref()
            .is_some_and(|c| c.risk == Risk::Uncontrolled);
        let affected = matches!(a.status, State::Affected { .. } | State::UnderInvestigation);
        let cc_fails =
            a.cc.as_ref()
                .is_some_and(|cc| cc.exploitable_at_claimed_level() && !cc.mitigated);
        if let State::Fixed { .. } = a.status {
            if let Some(d) = a.dates.fix_distributed {
                push(
                    &mut out,
                    ActionKind::Extend,
                    format!(
                        "fixed in {} (distributed {d}): focused review of the vulnerability-fix change, then extend",
                        a.product.version
                    ),
                );
            }
            continue;
        }
        if !affected {
            continue;
        }
        if status == CertStatus::Active {
            if uncontrolled {
                push(
                    &mut out,
                    ActionKind::OpenReview,
                    format!("{} is affected with uncontrolled risk", a.vuln.id),
                );
            } else if cc_fails {
                push(
                    &mut out,
                    ActionKind::OpenReview,
                    format!(
                        "{} is exploitable at the claimed {} attack potential and not mitigated",
                        a.vuln.id,
                        a.cc.as_ref()
                            .map(|c| c.claimed_ava_van.as_str())
                            .unwrap_or("")
                    ),
                );
            }
        }
        let exploited = a
            .scores
            .iter()
            .any(|s| crate::cvss::score(&s.vector).is_ok_and(|x| x.exploit_attacked));
        if exploited
            && !uncontrolled
            && a.clinical.is_some()
            && a.dates.compensating_controls_published.is_none()
        {
            push(
                &mut out,
                ActionKind::ReviewControlledExploited,
                format!(
                    "{} is known exploited (E:A) but assessed controlled without a published compensating control",
                    a.vuln.id
                ),
            );
        }
        let c = clocks(a, today);
        if c.fix == Some(DeadlineStatus::Overdue)
            && a.dates.compensating_controls_published.is_none()
        {
            any_overdue_fix = true;
            if !matches!(status, CertStatus::Suspended { .. }) {
                push(
                    &mut out,
                    ActionKind::Suspend,
                    format!(
                        "fix due {} not distributed (overdue)",
                        c.due_fix_distributed
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    ),
                );
            }
        }
    }
    if let CertStatus::Suspended { since } = status
        && any_overdue_fix
        && let Ok(limit) = since.checked_add(policy.suspend_to_revoke_days.days())
        && today > limit
    {
        for e in latest {
            let c = clocks(&e.assessment, today);
            if c.fix == Some(DeadlineStatus::Overdue) {
                out.push(ProposedAction {
                    kind: ActionKind::Revoke,
                    vuln: e.assessment.vuln.id.clone(),
                    assessment_hash: Some(e.hash.clone()),
                    reason: format!(
                        "suspended since {since}, more than {} days, with no fix",
                        policy.suspend_to_revoke_days
                    ),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.kind, &a.vuln).cmp(&(b.kind, &b.vuln)));
    out
}
