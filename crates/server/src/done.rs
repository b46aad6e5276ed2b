//! The confirmation after a staff action: "ETR of Acme InsuLink 2.0 accepted", not "done".
//!
//! Why typed, and why only an id in the URL: after a form's post the browser is redirected to
//! `/staff?done=ACTION&subject=ID` (post-redirect-get). The action is one of [`Done`]'s wire
//! spellings and the subject an id; the staff page looks the subject's name up itself, with the
//! caller's own permissions. No text travels in the URL, so a crafted link cannot make the
//! registry's page say something the registry did not (an unknown action, or a subject the
//! caller may not see, gives the plain confirmation).

use dtsec_registry::Role;

use crate::session::Caller;
use crate::state::AppState;

/// A staff action that changed something, as named in the confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Done {
    /// A manufacturer registered a product (subject: the case).
    ProductRegistered,
    /// The ST was submitted (subject: the case).
    StSubmitted,
    /// A lab was chosen (subject: the case).
    LabChosen,
    /// The lab started the evaluation (subject: the case).
    EvaluationStarted,
    /// The lab submitted the ETR (subject: the case).
    EtrSubmitted,
    /// The certification body accepted the ETR (subject: the case).
    EtrAccepted,
    /// The certification body rejected the ETR (subject: the case).
    EtrRejected,
    /// The certification body approved the case's draft-PP claims (subject: the case).
    DraftClaimsApproved,
    /// A certificate was issued (subject: the case).
    CertificateIssued,
    /// A review of the certificate was opened (subject: the certificate).
    ReviewOpened,
    /// The certificate was suspended (subject: the certificate).
    CertificateSuspended,
    /// The certificate was reinstated (subject: the certificate).
    CertificateReinstated,
    /// The certificate was revoked (subject: the certificate).
    CertificateRevoked,
    /// Expired certificates were archived.
    CertificatesArchived,
    /// An impact analysis was filed (subject: the certificate).
    ImpactAnalysisFiled,
    /// The lab reviewed a vulnerability fix (subject: the certificate).
    FixReviewed,
    /// The certificate was extended to a new version (subject: the certificate).
    CertificateExtended,
    /// A lab applied for approval (subject: the lab).
    LabApplied,
    /// A lab registered its ETR signing key (subject: the lab).
    LabKeyRegistered,
    /// The scheme approved a lab (subject: the lab).
    LabApproved,
    /// The scheme suspended a lab (subject: the lab).
    LabSuspended,
    /// The scheme withdrew a lab (subject: the lab).
    LabWithdrawn,
    /// An organisation was created (subject: the organisation).
    OrganisationCreated,
    /// An account was created (subject: the user).
    UserCreated,
    /// An account was disabled (subject: the user).
    UserDisabled,
    /// An account was enabled again (subject: the user).
    UserEnabled,
    /// The caller changed their own password.
    OwnPasswordChanged,
    /// The administrator set someone's password (subject: the user).
    PasswordSet,
    /// The scheme's rules were changed.
    SchemeRulesChanged,
}

/// What kind of record a confirmation's subject is, and so how its name is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject {
    Case,
    Certificate,
    Lab,
    Organisation,
    User,
    Nothing,
}

impl Done {
    /// The wire spelling (the `done` query value).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Reads a `done` query value; `None` for anything else (the plain confirmation).
    pub fn parse(s: &str) -> Option<Done> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }

    fn subject(self) -> Subject {
        use Done as D;
        match self {
            D::ProductRegistered
            | D::StSubmitted
            | D::LabChosen
            | D::EvaluationStarted
            | D::EtrSubmitted
            | D::EtrAccepted
            | D::EtrRejected
            | D::DraftClaimsApproved
            | D::CertificateIssued => Subject::Case,
            D::ReviewOpened
            | D::CertificateSuspended
            | D::CertificateReinstated
            | D::CertificateRevoked
            | D::ImpactAnalysisFiled
            | D::FixReviewed
            | D::CertificateExtended => Subject::Certificate,
            D::LabApplied
            | D::LabKeyRegistered
            | D::LabApproved
            | D::LabSuspended
            | D::LabWithdrawn => Subject::Lab,
            D::OrganisationCreated => Subject::Organisation,
            D::UserCreated | D::UserDisabled | D::UserEnabled | D::PasswordSet => Subject::User,
            D::CertificatesArchived | D::OwnPasswordChanged | D::SchemeRulesChanged => {
                Subject::Nothing
            }
        }
    }

    /// The sentence naming the action and its subject (`what`: the subject's name).
    pub fn sentence(self, what: &str) -> String {
        use Done as D;
        match self {
            D::ProductRegistered => format!("{what} registered"),
            D::StSubmitted => format!("Security Target of {what} submitted"),
            D::LabChosen => format!("Lab chosen for {what}"),
            D::EvaluationStarted => format!("Evaluation of {what} started"),
            D::EtrSubmitted => format!("ETR of {what} submitted"),
            D::EtrAccepted => format!("ETR of {what} accepted"),
            D::EtrRejected => format!("ETR of {what} rejected, with your reasons"),
            D::DraftClaimsApproved => format!("Draft PP claims of {what} approved"),
            D::CertificateIssued => format!("Certificate issued for {what}"),
            D::ReviewOpened => format!("Review of certificate {what} opened"),
            D::CertificateSuspended => format!("Certificate {what} suspended"),
            D::CertificateReinstated => format!("Certificate {what} reinstated"),
            D::CertificateRevoked => format!("Certificate {what} revoked"),
            D::CertificatesArchived => "Expired certificates archived".to_string(),
            D::ImpactAnalysisFiled => format!("Impact analysis for certificate {what} filed"),
            D::FixReviewed => {
                format!("Review of the vulnerability fix to certificate {what} recorded")
            }
            D::CertificateExtended => format!("Certificate {what} extended to the new version"),
            D::LabApplied => format!("{what} applied for approval"),
            D::LabKeyRegistered => format!("ETR signing key of {what} registered"),
            D::LabApproved => format!("{what} approved"),
            D::LabSuspended => format!("{what} suspended"),
            D::LabWithdrawn => format!("{what} withdrawn"),
            D::OrganisationCreated => format!("Organisation {what} created"),
            D::UserCreated => format!("Account {what} created"),
            D::UserDisabled => format!("Account {what} disabled"),
            D::UserEnabled => format!("Account {what} enabled"),
            D::OwnPasswordChanged => "Your password was changed".to_string(),
            D::PasswordSet => format!("Password of {what} set"),
            D::SchemeRulesChanged => "The scheme's rules were changed".to_string(),
        }
    }
}

/// The confirmation for `/staff?done=…&subject=…`: the action named with its subject when both
/// are known and the caller may see the subject, the plain confirmation otherwise.
pub async fn confirmation(
    state: &AppState,
    caller: &Caller,
    done: &str,
    subject: Option<&str>,
) -> String {
    const PLAIN: &str = "your change was saved";
    let Some(what) = Done::parse(done) else {
        return format!("Done: {PLAIN} and recorded in the audit trail.");
    };
    let id = subject.unwrap_or("").trim();
    let name = match what.subject() {
        Subject::Nothing => Some(String::new()),
        _ if id.is_empty() || id.len() > 200 => None,
        Subject::Case => state
            .store
            .product(&caller.actor, id)
            .await
            .ok()
            .map(|p| format!("{} {}", p.name, p.version)),
        Subject::Certificate => id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
            .then(|| id.to_string()),
        Subject::Lab => state.store.lab(id).await.ok().map(|l| l.name),
        Subject::Organisation => state.store.organisation(id).await.ok().map(|o| o.name),
        // Another person's e-mail only for the administrator, who manages accounts.
        Subject::User if caller.actor.role == Role::SchemeAdmin => {
            state.store.user(id).await.ok().map(|u| u.email)
        }
        Subject::User => None,
    };
    match name {
        Some(name) => format!("{}.", what.sentence(&name)),
        None => format!("Done: {PLAIN} and recorded in the audit trail."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wire_spelling_each() {
        for (d, s) in [
            (Done::EtrAccepted, "etr-accepted"),
            (Done::LabWithdrawn, "lab-withdrawn"),
            (Done::OwnPasswordChanged, "own-password-changed"),
        ] {
            assert_eq!(d.as_str(), s);
            assert_eq!(Done::parse(s), Some(d));
        }
        assert_eq!(Done::parse("1"), None);
        assert_eq!(Done::parse("Etr-Accepted"), None);
        assert_eq!(
            Done::EtrAccepted.sentence("Acme InsuLink 2.0"),
            "ETR of Acme InsuLink 2.0 accepted"
        );
    }
}
