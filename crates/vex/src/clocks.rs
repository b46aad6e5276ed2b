//! FDA's clocks for one assessment (2016 postmarket guidance, §524B of the FD&C Act), as a pure
//! function of the assessment and the date it is judged on.
//!
//! For uncontrolled risk: customers told within 30 days of T0 and the fix distributed within
//! 60 (calendar days, UTC dates); 806 reporting is not enforced only when no serious adverse
//! event is known, both deadlines were met and the manufacturer is in an ISAO. Controlled risk
//! runs on the regular cycle (the manufacturer's declared update window), with no FDA clock.

use jiff::ToSpan as _;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::assessment::{Assessment, Risk, Track524b};

/// Days from T0 to tell customers, propose a plan and compensating controls.
pub const COMMUNICATION_DAYS: i64 = 30;
/// Days from T0 to fix, validate and distribute.
pub const FIX_DAYS: i64 = 60;

/// Where one deadline stands on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineStatus {
    /// Done on or before the due date.
    Met,
    /// Done, but late.
    MetLate,
    /// Not done; the due date has not passed.
    Open,
    /// Not done and the due date has passed.
    Overdue,
}

fn status(due: Date, done: Option<Date>, today: Date) -> DeadlineStatus {
    match done {
        Some(d) if d <= due => DeadlineStatus::Met,
        Some(_) => DeadlineStatus::MetLate,
        None if today > due => DeadlineStatus::Overdue,
        None => DeadlineStatus::Open,
    }
}

/// 21 CFR 806 for one assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Report806Status {
    /// Controlled risk: a routine update, not reportable.
    NotRequired,
    /// All non-enforcement conditions hold.
    NonEnforcementEligible,
    /// The conditions can still be met (deadlines open, no adverse events, ISAO member).
    Pending,
    /// A condition failed: an 806 report is expected.
    ReportExpected,
    /// A condition failed and the report is on record.
    Filed,
}

/// The clocks of one assessment on one date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clocks {
    /// 524B(b)(2) track.
    pub track_524b: Track524b,
    /// T0, when known.
    pub aware: Option<Date>,
    /// T0 + 30 days (uncontrolled risk only).
    pub due_customer_communication: Option<Date>,
    /// T0 + 60 days (uncontrolled risk only).
    pub due_fix_distributed: Option<Date>,
    /// The communication deadline's status.
    pub communication: Option<DeadlineStatus>,
    /// The fix deadline's status.
    pub fix: Option<DeadlineStatus>,
    /// 806.
    pub report_806: Report806Status,
    /// The conditions for 806 non-enforcement that failed, in words.
    pub failed_conditions: Vec<String>,
}

/// The clocks of `a` as of `today`. An uncontrolled assessment without an aware date has no
/// clock to run: its due dates are `None` and 806 is `Pending` (the assessment's validation
/// is where a missing T0 is reported).
pub fn clocks(a: &Assessment, today: Date) -> Clocks {
    let uncontrolled = a
        .clinical
        .as_ref()
        .is_some_and(|c| c.risk == Risk::Uncontrolled);
    let t0 = a.dates.aware;
    if !uncontrolled {
        return Clocks {
            track_524b: a.track_524b(),
            aware: t0,
            due_customer_communication: None,
            due_fix_distributed: None,
            communication: None,
            fix: None,
            report_806: Report806Status::NotRequired,
            failed_conditions: Vec::new(),
        };
    }
    let due30 = t0.and_then(|t| t.checked_add(COMMUNICATION_DAYS.days()).ok());
    let due60 = t0.and_then(|t| t.checked_add(FIX_DAYS.days()).ok());
    let communication = due30.map(|d| status(d, a.dates.customers_notified, today));
    // The fix counts when it is both validated and distributed; the later date is the one.
    let fix_done = match (a.dates.fix_validated, a.dates.fix_distributed) {
        (Some(v), Some(d)) => Some(v.max(d)),
        _ => None,
    };
    let fix = due60.map(|d| status(d, fix_done, today));
    let mut failed = Vec::new();
    if a.regulatory.serious_adverse_events_known {
        failed.push("serious adverse events or deaths are known".to_string());
    }
    if !a.regulatory.isao_member {
        failed.push("the manufacturer does not participate in an ISAO".to_string());
    }
    if matches!(
        communication,
        Some(DeadlineStatus::Overdue | DeadlineStatus::MetLate)
    ) {
        failed.push(format!(
            "customers were not told within {COMMUNICATION_DAYS} days of T0"
        ));
    }
    if matches!(fix, Some(DeadlineStatus::Overdue | DeadlineStatus::MetLate)) {
        failed.push(format!(
            "the fix was not validated and distributed within {FIX_DAYS} days of T0"
        ));
    }
    let report_806 = if !failed.is_empty() {
        if a.regulatory.fda_806.is_some() {
            Report806Status::Filed
        } else {
            Report806Status::ReportExpected
        }
    } else if communication == Some(DeadlineStatus::Met) && fix == Some(DeadlineStatus::Met) {
        Report806Status::NonEnforcementEligible
    } else {
        Report806Status::Pending
    };
    Clocks {
        track_524b: Track524b::OutOfCycle,
        aware: t0,
        due_customer_communication: due30,
        due_fix_distributed: due60,
        communication,
        fix,
        report_806,
        failed_conditions: failed,
    }
}
