//! The certification workflow as an explicit state machine.
//!
//! Why a pure function: the rules between states are the program's rules, so they live in one
//! place ([`next`]) that the store calls before it writes anything, and that tests and the
//! README's table check without a database. The store adds the checks that need data (is the lab
//! approved today, does the ETR verify); this module only says which steps exist.
//!
//! One case goes: registered → ST submitted → lab chosen → evaluation in progress → ETR
//! submitted (certifier review) → accepted → certificate issued (active); then maintained, under
//! review, suspended, revoked, or archived at the end of the validity period. A rejected ETR goes
//! back to the lab, which may submit a corrected one.

use std::fmt;

use crate::error::RegistryError;

/// Where a certification case stands. From `Active` on, the state is also the certificate's
/// status. One spelling on the wire, in the database and on the pages: [`State::as_str`]
/// (kebab-case, which serde's rename gives too; a test holds the two together).
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
pub enum State {
    /// The manufacturer registered the product.
    Registered,
    /// A Security Target passed the checker (warnings allowed).
    StSubmitted,
    /// An approved lab was chosen.
    LabChosen,
    /// The lab started the evaluation.
    EvaluationInProgress,
    /// A sealed ETR was accepted for review; the certifier reviews it.
    EtrSubmitted,
    /// The certifier rejected the ETR with reasons; the lab may submit a corrected one.
    Rejected,
    /// The certifier accepted the ETR; the certificate can be issued.
    Accepted,
    /// Certificate issued and valid.
    Active,
    /// Certificate valid and extended to a later version by assurance maintenance.
    Maintained,
    /// Certificate valid but under review by the certification body.
    UnderReview,
    /// Certificate suspended: not valid until reinstated.
    Suspended,
    /// Certificate revoked: final.
    Revoked,
    /// Certificate past its validity period: final.
    Archived,
}

impl State {
    /// Every state.
    pub const ALL: [State; 13] = [
        State::Registered,
        State::StSubmitted,
        State::LabChosen,
        State::EvaluationInProgress,
        State::EtrSubmitted,
        State::Rejected,
        State::Accepted,
        State::Active,
        State::Maintained,
        State::UnderReview,
        State::Suspended,
        State::Revoked,
        State::Archived,
    ];

    /// The stored (and certificate) name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Registered => "registered",
            State::StSubmitted => "st-submitted",
            State::LabChosen => "lab-chosen",
            State::EvaluationInProgress => "evaluation-in-progress",
            State::EtrSubmitted => "etr-submitted",
            State::Rejected => "rejected",
            State::Accepted => "accepted",
            State::Active => "active",
            State::Maintained => "maintained",
            State::UnderReview => "under-review",
            State::Suspended => "suspended",
            State::Revoked => "revoked",
            State::Archived => "archived",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Reads a stored name at the store's boundary: an unknown one is an error naming the
    /// record, never a default.
    ///
    /// # Errors
    /// [`RegistryError::UnknownStoredState`].
    pub fn from_stored(
        value: &str,
        record: &'static str,
        id: &str,
        column: &'static str,
    ) -> Result<State, RegistryError> {
        State::parse(value).ok_or_else(|| RegistryError::UnknownStoredState {
            record,
            id: id.to_string(),
            column,
            value: value.to_string(),
        })
    }

    /// True once a certificate exists.
    pub fn has_certificate(self) -> bool {
        matches!(
            self,
            State::Active
                | State::Maintained
                | State::UnderReview
                | State::Suspended
                | State::Revoked
                | State::Archived
        )
    }

    /// True while the certificate is valid (the device counts as certified).
    pub fn is_valid_certificate(self) -> bool {
        matches!(self, State::Active | State::Maintained | State::UnderReview)
    }
}

/// Compares with a wire spelling (`state == "revoked"`), for tests and callers holding text.
impl PartialEq<&str> for State {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A step someone asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The manufacturer submits (or, before a lab is chosen, resubmits) the ST.
    SubmitSt,
    /// The manufacturer chooses the lab.
    ChooseLab,
    /// The lab starts evaluating.
    StartEvaluation,
    /// The lab submits the sealed ETR (again, after a rejection).
    SubmitEtr,
    /// The certifier accepts the ETR.
    Accept,
    /// The certifier rejects the ETR with reasons.
    Reject,
    /// The certifier issues the certificate.
    Issue,
    /// The certifier extends the certificate to a new version (minor change).
    Extend,
    /// The certifier opens a review of a valid certificate.
    OpenReview,
    /// The certifier suspends the certificate.
    Suspend,
    /// The certifier ends a review or a suspension; `maintained` says whether the certificate
    /// has maintenance entries (it returns to `Maintained` rather than `Active`).
    Reinstate {
        /// Whether the certificate was extended before.
        maintained: bool,
    },
    /// The certifier revokes the certificate.
    Revoke,
    /// The validity period ended.
    Archive,
}

impl Event {
    /// A short name for messages and the audit trail.
    pub fn name(self) -> &'static str {
        match self {
            Event::SubmitSt => "submit-st",
            Event::ChooseLab => "choose-lab",
            Event::StartEvaluation => "start-evaluation",
            Event::SubmitEtr => "submit-etr",
            Event::Accept => "accept",
            Event::Reject => "reject",
            Event::Issue => "issue",
            Event::Extend => "extend",
            Event::OpenReview => "open-review",
            Event::Suspend => "suspend",
            Event::Reinstate { .. } => "reinstate",
            Event::Revoke => "revoke",
            Event::Archive => "archive",
        }
    }
}

/// The state after `event` in state `from`, or why the step does not exist.
pub fn next(from: State, event: Event) -> Result<State, RegistryError> {
    use Event as E;
    use State as S;
    let to = match (from, event) {
        (S::Registered | S::StSubmitted, E::SubmitSt) => S::StSubmitted,
        (S::StSubmitted, E::ChooseLab) => S::LabChosen,
        (S::LabChosen, E::StartEvaluation) => S::EvaluationInProgress,
        (S::EvaluationInProgress | S::Rejected, E::SubmitEtr) => S::EtrSubmitted,
        (S::EtrSubmitted, E::Accept) => S::Accepted,
        (S::EtrSubmitted, E::Reject) => S::Rejected,
        (S::Accepted, E::Issue) => S::Active,
        (S::Active | S::Maintained, E::Extend) => S::Maintained,
        (S::Active | S::Maintained, E::OpenReview) => S::UnderReview,
        (S::Active | S::Maintained | S::UnderReview, E::Suspend) => S::Suspended,
        (S::UnderReview | S::Suspended, E::Reinstate { maintained }) => {
            if maintained {
                S::Maintained
            } else {
                S::Active
            }
        }
        (S::Active | S::Maintained | S::UnderReview | S::Suspended, E::Revoke) => S::Revoked,
        (S::Active | S::Maintained | S::UnderReview | S::Suspended, E::Archive) => S::Archived,
        (from, event) => {
            return Err(RegistryError::InvalidTransition {
                from: from.to_string(),
                to: event.name().to_string(),
                why: why_not(from, event),
            });
        }
    };
    Ok(to)
}

fn why_not(from: State, event: Event) -> String {
    use Event as E;
    use State as S;
    match (from, event) {
        (S::Revoked, _) => "the certificate is revoked, and revocation is final: it cannot be reinstated, reviewed, suspended or extended; a product to be certified again needs a new case".into(),
        (S::Archived, _) => format!("the certificate is {from}; that is final"),
        (_, E::SubmitSt) => {
            "the ST can only be (re)submitted before a lab is chosen; a changed product needs an impact analysis or a new case".into()
        }
        (S::Registered, _) => "the Security Target must be submitted first".into(),
        (S::StSubmitted, _) => "a lab must be chosen first".into(),
        (S::LabChosen, _) => "the lab must start the evaluation first".into(),
        (S::EvaluationInProgress, _) => "the lab must submit a sealed ETR first".into(),
        (S::EtrSubmitted, _) => "the certifier must accept or reject the ETR first".into(),
        (S::Rejected, _) => "the ETR was rejected: the lab must submit a corrected ETR".into(),
        (S::Accepted, _) => "the certificate must be issued first".into(),
        (S::Suspended, E::Extend | E::OpenReview) => {
            "a suspended certificate must be reinstated first".into()
        }
        (S::UnderReview, E::Extend | E::OpenReview) => {
            "the certificate is under review; close the review first".into()
        }
        (S::Active | S::Maintained, E::Reinstate { .. }) => {
            "the certificate is neither suspended nor under review".into()
        }
        (_, _) => format!("`{}` does not apply to a case that is {from}", event.name()),
    }
}

/// Every allowed step as (from, event, to), for the README's table and for tests.
pub fn transition_table() -> Vec<(State, Event, State)> {
    let events = [
        Event::SubmitSt,
        Event::ChooseLab,
        Event::StartEvaluation,
        Event::SubmitEtr,
        Event::Accept,
        Event::Reject,
        Event::Issue,
        Event::Extend,
        Event::OpenReview,
        Event::Suspend,
        Event::Reinstate { maintained: false },
        Event::Reinstate { maintained: true },
        Event::Revoke,
        Event::Archive,
    ];
    let mut out = Vec::new();
    for from in State::ALL {
        for event in events {
            if let Ok(to) = next(from, event) {
                out.push((from, event, to));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_path() {
        let mut s = State::Registered;
        for e in [
            Event::SubmitSt,
            Event::ChooseLab,
            Event::StartEvaluation,
            Event::SubmitEtr,
            Event::Reject,
            Event::SubmitEtr,
            Event::Accept,
            Event::Issue,
            Event::Extend,
            Event::OpenReview,
            Event::Reinstate { maintained: true },
            Event::Suspend,
            Event::Revoke,
        ] {
            s = next(s, e).unwrap();
        }
        assert_eq!(s, State::Revoked);
    }

    #[test]
    fn refusals_say_why() {
        let e = next(State::Registered, Event::Issue).unwrap_err();
        assert!(e.to_string().contains("Security Target must be submitted"));
        assert!(next(State::Archived, Event::Revoke).is_err());
        assert!(next(State::LabChosen, Event::SubmitSt).is_err());
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.as_str().into())
            );
            let back: State = serde_json::from_value(s.as_str().into()).unwrap();
            assert_eq!(back, s);
        }
    }
}

#[cfg(test)]
mod stored_state_tests {
    use super::*;

    #[test]
    fn an_unknown_stored_state_is_an_error_naming_the_row() {
        assert_eq!(
            State::from_stored("revoked", "certificate", "C-1", "status").unwrap(),
            State::Revoked
        );
        let e = State::from_stored("Revoked ", "certificate", "C-1", "status").unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("certificate C-1") && m.contains("status `Revoked `"),
            "{m}"
        );
        assert!(!e.is_client_error());
    }
}
