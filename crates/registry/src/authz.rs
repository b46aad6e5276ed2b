//! Who may do what: roles, actors and the authorisation table.
//!
//! Why a table: the rules are data — one row per (role, action, reach) that is allowed — so the
//! HTTP layer, its authorisation-matrix test and this crate's tests all read the same rows, and a
//! reviewer sees the whole policy in one screen. Anything not in [`GRANTS`] is denied.
//! [`authorize`] is a pure function: no database, no clock.

use std::fmt;

use crate::error::Forbidden;

/// A role in the program. The public has no account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Runs the scheme: organisations, users, lab approvals.
    SchemeAdmin,
    /// The certification body: reviews ETRs, issues and maintains certificates.
    Certifier,
    /// An evaluator, member of a lab.
    LabEvaluator,
    /// A manufacturer (sponsor), member of a manufacturer organisation.
    Manufacturer,
    /// Anyone, without an account.
    Public,
}

impl Role {
    /// Every role, for data-driven tests.
    pub const ALL: [Role; 5] = [
        Role::SchemeAdmin,
        Role::Certifier,
        Role::LabEvaluator,
        Role::Manufacturer,
        Role::Public,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SchemeAdmin => "scheme-admin",
            Role::Certifier => "certifier",
            Role::LabEvaluator => "lab-evaluator",
            Role::Manufacturer => "manufacturer",
            Role::Public => "public",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The organisation kind a user of this role belongs to, if the role needs one.
    pub fn org_kind(self) -> Option<OrgKind> {
        match self {
            Role::SchemeAdmin => Some(OrgKind::Scheme),
            Role::Certifier => Some(OrgKind::CertificationBody),
            Role::LabEvaluator => Some(OrgKind::Lab),
            Role::Manufacturer => Some(OrgKind::Manufacturer),
            Role::Public => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrgKind {
    /// The scheme itself.
    Scheme,
    /// The certification body.
    CertificationBody,
    /// An evaluation facility.
    Lab,
    /// A device manufacturer (sponsor).
    Manufacturer,
}

impl OrgKind {
    /// Every kind.
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Scheme,
        OrgKind::CertificationBody,
        OrgKind::Lab,
        OrgKind::Manufacturer,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Scheme => "scheme",
            OrgKind::CertificationBody => "certification-body",
            OrgKind::Lab => "lab",
            OrgKind::Manufacturer => "manufacturer",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who is acting: an authenticated user, or the public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user's id; `None` for the public (and for the system, see [`Actor::system`]).
    pub user_id: Option<String>,
    /// The role.
    pub role: Role,
    /// The user's organisation.
    pub org_id: Option<String>,
    /// When acting through a scoped API token: the only actions it allows (a subset of the
    /// role's). `None`: everything the role may do (a browser session, an unscoped token).
    pub scope: Option<Vec<Action>>,
}

impl Actor {
    /// The public, without an account.
    pub fn public() -> Actor {
        Actor {
            user_id: None,
            role: Role::Public,
            org_id: None,
            scope: None,
        }
    }

    /// The name written in the audit trail.
    pub fn audit_name(&self) -> String {
        self.user_id
            .clone()
            .unwrap_or_else(|| self.role.as_str().to_string())
    }
}

/// Everything an actor can ask to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the public register: certified devices, certificates, approved labs.
    ViewPublic,
    /// Create organisations.
    ManageOrganisations,
    /// Create users and change their roles.
    ManageUsers,
    /// Read the audit trail.
    ViewAudit,
    /// Approve, suspend, withdraw labs.
    ManageLabApproval,
    /// Apply (or re-apply) for lab approval.
    ApplyForLabApproval,
    /// Register the lab's public key for ETR bundles.
    RegisterLabKey,
    /// Register a product.
    RegisterProduct,
    /// See a product's case (ST, ETR, state, history).
    ViewProduct,
    /// Submit (or resubmit) the Security Target.
    SubmitSt,
    /// Choose the evaluating lab.
    ChooseLab,
    /// Start the evaluation.
    StartEvaluation,
    /// Submit the sealed ETR bundle.
    SubmitEtr,
    /// Accept or reject an ETR.
    ReviewEtr,
    /// Issue the certificate.
    IssueCertificate,
    /// Put a certificate under review, suspend, reinstate or revoke it.
    ChangeCertificateStatus,
    /// File an impact analysis for a new product version.
    FileImpactAnalysis,
    /// Extend a certificate to a new version after a minor change or a verified vulnerability fix.
    DecideMaintenance,
    /// Review a vulnerability fix (AVA_VAN on the fix, regression of the touched SFRs): the lab
    /// that evaluated the certificate.
    ReviewFix,
    /// Archive the certificates past their expiry date.
    ArchiveExpired,
    /// Create and revoke one's own API tokens.
    ManageOwnTokens,
    /// Change one's own password.
    ChangeOwnPassword,
}

impl Action {
    /// The action named `name` (its wire spelling, as [`Action`]'s `Display` writes it).
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.to_string() == name)
    }

    /// Whether `role` may do this action on some resource (the grants a scope may narrow).
    pub fn granted_to(self, role: Role) -> bool {
        GRANTS.iter().any(|&(r, a, _)| r == role && a == self)
    }

    /// Every action, for data-driven tests.
    pub const ALL: [Action; 22] = [
        Action::ViewPublic,
        Action::ManageOrganisations,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ManageLabApproval,
        Action::ApplyForLabApproval,
        Action::RegisterLabKey,
        Action::RegisterProduct,
        Action::ViewProduct,
        Action::SubmitSt,
        Action::ChooseLab,
        Action::StartEvaluation,
        Action::SubmitEtr,
        Action::ReviewEtr,
        Action::IssueCertificate,
        Action::ChangeCertificateStatus,
        Action::FileImpactAnalysis,
        Action::DecideMaintenance,
        Action::ReviewFix,
        Action::ArchiveExpired,
        Action::ManageOwnTokens,
        Action::ChangeOwnPassword,
    ];
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// How far a grant reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Any resource, whoever owns it.
    Any,
    /// Only resources of the actor's own organisation.
    OwnOrg,
}

/// What is acted on, as far as authorisation cares: which organisations own it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// Something without an owner (the public register, the organisation list).
    Global,
    /// Something owned by these organisations: a product by its manufacturer and its chosen lab,
    /// a lab by itself, a certificate by its manufacturer.
    Owned(Vec<String>),
}

impl Resource {
    /// A resource owned by one organisation.
    pub fn org(id: impl Into<String>) -> Resource {
        Resource::Owned(vec![id.into()])
    }

    /// Whether `actor`'s organisation owns this.
    pub fn is_own(&self, actor: &Actor) -> bool {
        match (self, &actor.org_id) {
            (Resource::Owned(owners), Some(org)) => owners.iter().any(|o| o == org),
            (Resource::Global, Some(_)) => false,
            (_, None) => false,
        }
    }
}

/// The allowed (role, action, reach) rows; everything else is denied.
pub const GRANTS: &[(Role, Action, Reach)] = &[
    // Everyone, including the public, reads the public register.
    (Role::Public, Action::ViewPublic, Reach::Any),
    (Role::SchemeAdmin, Action::ViewPublic, Reach::Any),
    (Role::Certifier, Action::ViewPublic, Reach::Any),
    (Role::LabEvaluator, Action::ViewPublic, Reach::Any),
    (Role::Manufacturer, Action::ViewPublic, Reach::Any),
    // Accounts: everyone with an account manages their own API tokens.
    (Role::SchemeAdmin, Action::ManageOwnTokens, Reach::Any),
    (Role::Certifier, Action::ManageOwnTokens, Reach::Any),
    (Role::LabEvaluator, Action::ManageOwnTokens, Reach::Any),
    (Role::Manufacturer, Action::ManageOwnTokens, Reach::Any),
    // ... and their own password.
    (Role::SchemeAdmin, Action::ChangeOwnPassword, Reach::Any),
    (Role::Certifier, Action::ChangeOwnPassword, Reach::Any),
    (Role::LabEvaluator, Action::ChangeOwnPassword, Reach::Any),
    (Role::Manufacturer, Action::ChangeOwnPassword, Reach::Any),
    // The scheme administrator runs the scheme.
    (Role::SchemeAdmin, Action::ManageOrganisations, Reach::Any),
    (Role::SchemeAdmin, Action::ManageUsers, Reach::Any),
    (Role::SchemeAdmin, Action::ViewAudit, Reach::Any),
    (Role::SchemeAdmin, Action::ManageLabApproval, Reach::Any),
    (Role::SchemeAdmin, Action::RegisterLabKey, Reach::Any),
    (Role::SchemeAdmin, Action::ViewProduct, Reach::Any),
    (Role::SchemeAdmin, Action::ArchiveExpired, Reach::Any),
    // Labs apply for approval, register their key, and evaluate the products that chose them.
    (
        Role::LabEvaluator,
        Action::ApplyForLabApproval,
        Reach::OwnOrg,
    ),
    (Role::LabEvaluator, Action::RegisterLabKey, Reach::OwnOrg),
    (Role::LabEvaluator, Action::ViewProduct, Reach::OwnOrg),
    (Role::LabEvaluator, Action::StartEvaluation, Reach::OwnOrg),
    (Role::LabEvaluator, Action::SubmitEtr, Reach::OwnOrg),
    (Role::LabEvaluator, Action::ReviewFix, Reach::OwnOrg),
    // Manufacturers run their own products' cases.
    (Role::Manufacturer, Action::RegisterProduct, Reach::OwnOrg),
    (Role::Manufacturer, Action::ViewProduct, Reach::OwnOrg),
    (Role::Manufacturer, Action::SubmitSt, Reach::OwnOrg),
    (Role::Manufacturer, Action::ChooseLab, Reach::OwnOrg),
    (
        Role::Manufacturer,
        Action::FileImpactAnalysis,
        Reach::OwnOrg,
    ),
    // The certification body decides.
    (Role::Certifier, Action::ViewAudit, Reach::Any),
    (Role::Certifier, Action::ViewProduct, Reach::Any),
    (Role::Certifier, Action::ReviewEtr, Reach::Any),
    (Role::Certifier, Action::IssueCertificate, Reach::Any),
    (Role::Certifier, Action::ChangeCertificateStatus, Reach::Any),
    (Role::Certifier, Action::DecideMaintenance, Reach::Any),
    (Role::Certifier, Action::ArchiveExpired, Reach::Any),
];

/// Allows or refuses `actor` doing `action` on `resource`, by [`GRANTS`].
///
/// ```
/// use dtsec_registry::{Action, Actor, Resource, Role, authorize};
/// let m = Actor { user_id: Some("u1".into()), role: Role::Manufacturer, org_id: Some("acme".into()), scope: None };
/// assert!(authorize(&m, Action::SubmitSt, &Resource::org("acme")).is_ok());
/// assert!(authorize(&m, Action::SubmitSt, &Resource::org("globex")).is_err());
/// assert!(authorize(&m, Action::IssueCertificate, &Resource::org("acme")).is_err());
/// ```
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Result<(), Forbidden> {
    // A user without an account id is only ever the public.
    let role = if actor.user_id.is_none() {
        Role::Public
    } else {
        actor.role
    };
    let own = resource.is_own(actor);
    // A scoped token narrows the role's grants; reading the public register is never narrowed.
    if let Some(scope) = &actor.scope
        && action != Action::ViewPublic
        && !scope.contains(&action)
    {
        return Err(Forbidden {
            role: role.as_str().into(),
            action: action.to_string(),
            reach: "outside the API token's scope".into(),
        });
    }
    let allowed = GRANTS.iter().any(|&(r, a, reach)| {
        r == role && a == action && (reach == Reach::Any || (reach == Reach::OwnOrg && own))
    });
    if allowed {
        Ok(())
    } else {
        Err(Forbidden {
            role: role.as_str().into(),
            action: action.to_string(),
            reach: if own {
                "own organisation".into()
            } else {
                "other organisation".into()
            },
        })
    }
}
