//! The lab approval lifecycle: applied → approved until a date → suspended → withdrawn, and
//! re-approval.
//!
//! Why separate from the product workflow: a lab's standing changes on its own schedule, and a
//! product case only asks one question of it — "is this lab's approval current on this date?"
//! ([`LabApproval::is_current_on`]).

use std::fmt;

use crate::error::RegistryError;
use crate::time::Date;

/// A lab's approval state. One spelling each ([`LabState::as_str`]) for the database, the API
/// (serde) and the client; an unknown stored state is an error ([`LabState::from_stored`]).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum LabState {
    /// The lab applied (or re-applied) for approval.
    Applied,
    /// Approved until a date.
    Approved,
    /// Suspended by the scheme: may not be chosen nor submit ETRs.
    Suspended,
    /// Withdrawn; may apply again.
    Withdrawn,
}

impl LabState {
    /// Every state.
    pub const ALL: [LabState; 4] = [
        LabState::Applied,
        LabState::Approved,
        LabState::Suspended,
        LabState::Withdrawn,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            LabState::Applied => "applied",
            LabState::Approved => "approved",
            LabState::Suspended => "suspended",
            LabState::Withdrawn => "withdrawn",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<LabState> {
        LabState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Reads the stored state of lab `org_id`: an unknown one is an error naming the lab,
    /// never a default (a lab read as "withdrawn" by mistake would hide an edited row).
    ///
    /// # Errors
    /// [`RegistryError::UnknownStoredState`].
    pub fn from_stored(value: &str, org_id: &str) -> Result<LabState, RegistryError> {
        LabState::parse(value).ok_or_else(|| RegistryError::UnknownStoredState {
            record: "lab",
            id: org_id.to_string(),
            column: "state",
            value: value.to_string(),
        })
    }

    /// The events the lifecycle allows from this state (`None`: never applied): what a form
    /// may offer, from the same rule [`next_lab`] enforces.
    pub fn allowed_events(from: Option<LabState>) -> Vec<LabEvent> {
        LabEvent::ALL
            .into_iter()
            .filter(|e| next_lab(from, *e).is_ok())
            .collect()
    }
}

impl fmt::Display for LabState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A step in the lab lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabEvent {
    /// The lab applies (first time, or after withdrawal).
    Apply,
    /// The scheme approves (or renews, or reinstates) until a date.
    Approve,
    /// The scheme suspends an approved lab.
    Suspend,
    /// The scheme withdraws the approval (or the application).
    Withdraw,
}

impl LabEvent {
    /// Every event.
    pub const ALL: [LabEvent; 4] = [
        LabEvent::Apply,
        LabEvent::Approve,
        LabEvent::Suspend,
        LabEvent::Withdraw,
    ];

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            LabEvent::Apply => "apply",
            LabEvent::Approve => "approve",
            LabEvent::Suspend => "suspend",
            LabEvent::Withdraw => "withdraw",
        }
    }
}

/// The state after `event`; `None` as `from` means the lab never applied.
pub fn next_lab(from: Option<LabState>, event: LabEvent) -> Result<LabState, RegistryError> {
    use LabEvent as E;
    use LabState as S;
    match (from, event) {
        (None | Some(S::Withdrawn), E::Apply) => Ok(S::Applied),
        (Some(S::Applied | S::Approved | S::Suspended), E::Approve) => Ok(S::Approved),
        (Some(S::Approved), E::Suspend) => Ok(S::Suspended),
        (Some(S::Applied | S::Approved | S::Suspended), E::Withdraw) => Ok(S::Withdrawn),
        (from, event) => Err(RegistryError::InvalidTransition {
            from: from.map_or("not applied", LabState::as_str).to_string(),
            to: event.name().to_string(),
            why: match (from, event) {
                (_, E::Apply) => "the lab has an application or approval already".into(),
                (None, _) => "the lab has not applied".into(),
                (Some(S::Withdrawn), _) => "the lab was withdrawn; it must apply again".into(),
                (Some(s), e) => format!("cannot {} a lab that is {s}", e.name()),
            },
        }),
    }
}

/// A lab's approval as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabApproval {
    /// The state.
    pub state: LabState,
    /// Approved until (inclusive), when approved or suspended.
    pub approved_until: Option<Date>,
}

impl LabApproval {
    /// True when the lab is approved and `date` is on or before the end of the approval.
    pub fn is_current_on(&self, date: Date) -> bool {
        self.state == LabState::Approved && self.approved_until.is_some_and(|u| date <= u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        let s = next_lab(None, LabEvent::Apply).unwrap();
        let s = next_lab(Some(s), LabEvent::Approve).unwrap();
        let s = next_lab(Some(s), LabEvent::Suspend).unwrap();
        let s = next_lab(Some(s), LabEvent::Withdraw).unwrap();
        assert!(next_lab(Some(s), LabEvent::Approve).is_err());
        let s = next_lab(Some(s), LabEvent::Apply).unwrap();
        assert_eq!(
            next_lab(Some(s), LabEvent::Approve).unwrap(),
            LabState::Approved
        );
        let d = Date::parse("2025-06-30").unwrap();
        let a = LabApproval {
            state: LabState::Approved,
            approved_until: Some(d),
        };
        assert!(a.is_current_on(d));
        assert!(!a.is_current_on(d.add_days(1)));
    }
}
