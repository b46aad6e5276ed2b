//! The lab approval lifecycle in the store: apply, register the ETR signing key, approve until a
//! date, suspend, withdraw; and the lookups the workflow and the public list need.
//!
//! Why the key lives here: a sealed ETR is only as trustworthy as the binding between a lab and
//! its public key. The registry is that binding; changing it is audited like any decision.

use dtsec_seal::VerifyingKey;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;

use super::{Store, audit, expect_one, opt_text, text};
use crate::authz::{Action, Actor, OrgKind, Resource, authorize};
use crate::error::{RegistryError, Result};
use crate::lab_profile::LabProfile;
use crate::labs::{LabApproval, LabEvent, LabState, next_lab};
use crate::time::Date;

/// A lab and its approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Lab {
    /// The lab's organisation id.
    pub org_id: String,
    /// Its name.
    pub name: String,
    /// Its approval state.
    pub state: LabState,
    /// Approved until (inclusive), YYYY-MM-DD.
    pub approved_until: Option<String>,
    /// The key id of its registered ETR signing key.
    pub key_id: Option<String>,
    /// The public key (SPKI PEM).
    pub public_key_pem: Option<String>,
    /// Last change.
    pub updated_at: String,
    /// Where the lab works (from its application; none for a lab that applied before issue 12).
    pub location: Option<String>,
    /// What it evaluates.
    pub scope: Option<String>,
    /// Its accreditation.
    pub accreditation: Option<String>,
    /// An e-mail address or an `https://` URL.
    pub contact: Option<String>,
}

impl Lab {
    /// The approval, parsed.
    pub fn approval(&self) -> LabApproval {
        LabApproval {
            state: self.state,
            approved_until: self
                .approved_until
                .as_deref()
                .and_then(|d| Date::parse(d).ok()),
        }
    }

    /// The registered public key, if any.
    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        self.public_key_pem
            .as_deref()
            .and_then(|p| VerifyingKey::from_public_pem(p).ok())
    }
}

const LAB_SELECT: &str = "SELECT l.org_id, o.name, l.state, l.approved_until, l.key_id, \
    l.public_key_pem, l.updated_at, l.location, l.scope, l.accreditation, l.contact \
    FROM labs l JOIN organisations o ON o.id = l.org_id";

fn lab_from_row(r: &AnyRow) -> Result<Lab> {
    let org_id = text(r, "org_id")?;
    Ok(Lab {
        state: LabState::from_stored(&text(r, "state")?, &org_id)?,
        org_id,
        name: text(r, "name")?,
        approved_until: opt_text(r, "approved_until")?,
        key_id: opt_text(r, "key_id")?,
        public_key_pem: opt_text(r, "public_key_pem")?,
        updated_at: text(r, "updated_at")?,
        location: opt_text(r, "location")?,
        scope: opt_text(r, "scope")?,
        accreditation: opt_text(r, "accreditation")?,
        contact: opt_text(r, "contact")?,
    })
}

fn lab_json(l: &Lab) -> serde_json::Value {
    json!({"state": l.state, "approved_until": l.approved_until, "key_id": l.key_id,
        "location": l.location, "scope": l.scope, "accreditation": l.accreditation,
        "contact": l.contact})
}

/// The transparency-log entry of a lab approval change (issue 6): who may evaluate, until when,
/// with which ETR signing key. A lab's standing decides which ETRs the scheme accepts, so it is
/// as public — and as tamper-evident — as the certificates that rest on it.
fn lab_decision(kind: &str, l: &Lab) -> serde_json::Value {
    json!({
        "kind": kind,
        "lab_org": l.org_id,
        "lab_name": l.name,
        "state": l.state,
        "approved_until": l.approved_until,
        "key_id": l.key_id,
        "at": l.updated_at,
    })
}

/// Reads a lab inside a transaction.
pub(crate) async fn load_lab(conn: &mut sqlx::AnyConnection, org_id: &str) -> Result<Lab> {
    let sql = format!("{LAB_SELECT} WHERE l.org_id = $1");
    let what = format!("lab {org_id} (has it applied?)");
    super::load_row(conn, &sql, org_id, &what, lab_from_row).await
}

impl Store {
    /// A lab by its organisation id.
    pub async fn lab(&self, org_id: &str) -> Result<Lab> {
        let mut conn = self.pool.acquire().await?;
        load_lab(&mut conn, org_id).await
    }

    /// Every lab that has applied, by name.
    pub async fn labs(&self) -> Result<Vec<Lab>> {
        let rows = sqlx::query(&format!("{LAB_SELECT} ORDER BY o.name"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(lab_from_row).collect()
    }

    /// The labs whose approval is current on `date` (the public list of approved labs).
    pub async fn approved_labs(&self, date: Date) -> Result<Vec<Lab>> {
        let rows = sqlx::query(&format!(
            "{LAB_SELECT} WHERE l.state = 'approved' AND l.approved_until >= $1 ORDER BY o.name"
        ))
        .bind(date.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(lab_from_row).collect()
    }

    /// The lab applies (or re-applies after withdrawal) for approval, with the public profile
    /// the labs page shows (checked: [`LabProfile::checked`]).
    pub async fn apply_for_lab_approval(
        &self,
        actor: &Actor,
        lab_org: &str,
        profile: &LabProfile,
    ) -> Result<Lab> {
        authorize(actor, Action::ApplyForLabApproval, &Resource::org(lab_org))?;
        let profile = profile.checked()?;
        let org = self.organisation(lab_org).await?;
        if org.kind != OrgKind::Lab.as_str() {
            return Err(RegistryError::invalid(format!("{} is not a lab", org.name)));
        }
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = match sqlx::query(&format!("{LAB_SELECT} WHERE l.org_id = $1"))
            .bind(lab_org)
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(r) => Some(lab_from_row(&r)?),
            None => None,
        };
        let from = before.as_ref().map(|l| l.approval().state);
        let to = next_lab(from, LabEvent::Apply)?;
        if before.is_some() {
            let n = sqlx::query(
                "UPDATE labs SET state = $1, approved_until = NULL, updated_at = $2, location = $3, \
                 scope = $4, accreditation = $5, contact = $6 WHERE org_id = $7 AND state = $8",
            )
            .bind(to.as_str())
            .bind(&now)
            .bind(&profile.location)
            .bind(&profile.scope)
            .bind(&profile.accreditation)
            .bind(&profile.contact)
            .bind(lab_org)
            .bind(from.map_or("", LabState::as_str))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            expect_one(n, "the lab")?;
        } else {
            sqlx::query(
                "INSERT INTO labs (org_id, state, updated_at, location, scope, accreditation, contact) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(lab_org)
            .bind(to.as_str())
            .bind(&now)
            .bind(&profile.location)
            .bind(&profile.scope)
            .bind(&profile.accreditation)
            .bind(&profile.contact)
                .execute(&mut *tx)
                .await?;
        }
        let after = Lab {
            org_id: lab_org.into(),
            name: org.name,
            state: to,
            approved_until: None,
            key_id: before.as_ref().and_then(|b| b.key_id.clone()),
            public_key_pem: before.as_ref().and_then(|b| b.public_key_pem.clone()),
            updated_at: now.clone(),
            location: Some(profile.location),
            scope: Some(profile.scope),
            accreditation: Some(profile.accreditation),
            contact: Some(profile.contact),
        };
        audit(
            &mut tx,
            &now,
            actor,
            "lab.apply",
            "lab",
            lab_org,
            before.as_ref().map(lab_json).as_ref(),
            Some(&lab_json(&after)),
        )
        .await?;
        self.log_decision(&mut tx, &lab_decision("lab-applied", &after))
            .await?;
        self.commit_decision(tx).await?;
        Ok(after)
    }

    /// Registers (or replaces) the lab's ETR signing key, given as SPKI PEM. ETRs already
    /// accepted keep the key id they were verified with.
    pub async fn register_lab_key(
        &self,
        actor: &Actor,
        lab_org: &str,
        public_pem: &str,
    ) -> Result<Lab> {
        authorize(actor, Action::RegisterLabKey, &Resource::org(lab_org))?;
        let key = VerifyingKey::from_public_pem(public_pem)
            .map_err(|e| RegistryError::invalid(format!("not an Ed25519 public key: {e}")))?;
        let before = self.lab(lab_org).await?;
        // The same key again changes nothing, so it is neither audited nor logged again (a
        // retried upload must not add a decision to the public log).
        if before.key_id.as_deref() == Some(key.key_id().as_str()) {
            return Ok(before);
        }
        let now = self.now();
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE labs SET public_key_pem = $1, key_id = $2, updated_at = $3 WHERE org_id = $4",
        )
        .bind(key.to_public_pem())
        .bind(key.key_id())
        .bind(&now)
        .bind(lab_org)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        expect_one(n, "the lab")?;
        let after = Lab {
            key_id: Some(key.key_id()),
            public_key_pem: Some(key.to_public_pem()),
            updated_at: now.clone(),
            ..before.clone()
        };
        audit(
            &mut tx,
            &now,
            actor,
            "lab.register-key",
            "lab",
            lab_org,
            Some(&lab_json(&before)),
            Some(&lab_json(&after)),
        )
        .await?;
        self.log_decision(&mut tx, &lab_decision("lab-key-registered", &after))
            .await?;
        self.commit_decision(tx).await?;
        Ok(after)
    }

    /// The scheme approves (renews, reinstates) a lab until `until` (inclusive, not in the past).
    pub async fn approve_lab(&self, actor: &Actor, lab_org: &str, until: Date) -> Result<Lab> {
        if until < self.clock().today() {
            return Err(RegistryError::invalid(format!(
                "an approval cannot end in the past ({until})"
            )));
        }
        self.lab_step(actor, lab_org, LabEvent::Approve, Some(until))
            .await
    }

    /// The scheme suspends an approved lab.
    pub async fn suspend_lab(&self, actor: &Actor, lab_org: &str) -> Result<Lab> {
        self.lab_step(actor, lab_org, LabEvent::Suspend, None).await
    }

    /// The scheme withdraws a lab's approval or application.
    pub async fn withdraw_lab(&self, actor: &Actor, lab_org: &str) -> Result<Lab> {
        self.lab_step(actor, lab_org, LabEvent::Withdraw, None)
            .await
    }

    async fn lab_step(
        &self,
        actor: &Actor,
        lab_org: &str,
        event: LabEvent,
        until: Option<Date>,
    ) -> Result<Lab> {
        authorize(actor, Action::ManageLabApproval, &Resource::org(lab_org))?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = sqlx::query(&format!("{LAB_SELECT} WHERE l.org_id = $1"))
            .bind(lab_org)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| lab_from_row(&r))
            .transpose()?
            .ok_or_else(|| RegistryError::not_found(format!("lab {lab_org} (has it applied?)")))?;
        let from = before.approval().state;
        let to = next_lab(Some(from), event)?;
        if event == LabEvent::Approve && before.key_id.is_none() {
            return Err(RegistryError::invalid(
                "register the lab's ETR signing key before approving it",
            ));
        }
        let approved_until = match (event, until) {
            (LabEvent::Approve, Some(u)) => Some(u.to_string()),
            (LabEvent::Withdraw, _) => None,
            _ => before.approved_until.clone(),
        };
        let n = sqlx::query(
            "UPDATE labs SET state = $1, approved_until = $2, updated_at = $3 WHERE org_id = $4 AND state = $5",
        )
        .bind(to.as_str())
        .bind(&approved_until)
        .bind(&now)
        .bind(lab_org)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        expect_one(n, "the lab")?;
        let after = Lab {
            state: to,
            approved_until,
            updated_at: now.clone(),
            ..before.clone()
        };
        audit(
            &mut tx,
            &now,
            actor,
            &format!("lab.{}", event.name()),
            "lab",
            lab_org,
            Some(&lab_json(&before)),
            Some(&lab_json(&after)),
        )
        .await?;
        let kind = match event {
            LabEvent::Apply => "lab-applied",
            LabEvent::Approve => "lab-approved",
            LabEvent::Suspend => "lab-suspended",
            LabEvent::Withdraw => "lab-withdrawn",
        };
        self.log_decision(&mut tx, &lab_decision(kind, &after))
            .await?;
        self.commit_decision(tx).await?;
        Ok(after)
    }
}
