//! The focused lab review of a vulnerability fix: the lab that evaluated a certificate checks a
//! filed fix (AVA_VAN on the fix, regression of the touched SFRs) and records its verdicts; a
//! passing review lets the certification body extend the certificate
//! ([`Store::extend_certificate`]), a failing one ends the analysis.
//!
//! Why the evaluating lab: it holds the TOE's evidence and its ETR, so a focused review is a few
//! days' work for it, where another lab would need the whole evaluation again.

use serde_json::{Value, json};

use super::certs::{FixReviewRecord, MaintenanceRecord, load_maintenance, maintenance_from_row};
use super::{Store, audit, expect_one};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::error::{RegistryError, Result};
use crate::maintenance::{FixReview, MaintenanceState};
use crate::validate;

impl Store {
    /// The lab submits its review of a vulnerability fix awaiting it. Refused unless the
    /// analysis is in `lab-review`, the actor is an evaluator of the reviewing lab, and that
    /// lab's approval is current today.
    pub async fn submit_fix_review(
        &self,
        actor: &Actor,
        maintenance_id: &str,
        review: &FixReview,
    ) -> Result<MaintenanceRecord> {
        validate::text("review summary", &review.summary, 10_000)?;
        let now = self.now();
        let today = self.clock().today();
        let mut tx = self.begin().await?;
        let m = load_maintenance(&mut tx, maintenance_id).await?;
        let lab_org = m
            .lab_org
            .clone()
            .ok_or_else(|| RegistryError::InvalidTransition {
                from: format!("{} change", m.change_class),
                to: "fix-review".into(),
                why: "only a vulnerability fix has a lab review".into(),
            })?;
        authorize(actor, Action::ReviewFix, &Resource::org(&lab_org))?;
        if m.maintenance_state()? != MaintenanceState::LabReview {
            return Err(RegistryError::InvalidTransition {
                from: m.state.to_string(),
                to: "fix-review".into(),
                why: "this vulnerability fix is not awaiting a lab review".into(),
            });
        }
        let lab = super::labs::load_lab(&mut tx, &lab_org).await?;
        if !lab.approval().is_current_on(today) {
            return Err(RegistryError::invalid(format!(
                "{}'s approval is not current on {today} (state {}, until {}); it cannot review fixes",
                lab.name,
                lab.state,
                lab.approved_until.as_deref().unwrap_or("never")
            )));
        }
        let record = FixReviewRecord {
            ava_van: review.ava_van.as_str().into(),
            regression: review.regression.as_str().into(),
            summary: review.summary.trim().into(),
            by: actor.audit_name(),
            at: now.clone(),
        };
        let to = if review.passed() {
            MaintenanceState::FixVerified
        } else {
            MaintenanceState::FixFailed
        };
        // A failed review ends the analysis, so it is decided then; a passed one waits for the
        // certification body.
        let decided_at = (to == MaintenanceState::FixFailed).then(|| now.clone());
        let n = sqlx::query(
            "UPDATE maintenance SET state = $1, fix_review = $2, decided_at = $3 WHERE id = $4 AND state = $5",
        )
        .bind(to.as_str())
        .bind(serde_json::to_string(&record).unwrap_or_else(|_| "{}".into()))
        .bind(&decided_at)
        .bind(maintenance_id)
        .bind(MaintenanceState::LabReview.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        expect_one(n, "the impact analysis")?;
        let after = load_maintenance(&mut tx, maintenance_id).await?;
        audit(
            &mut tx,
            &now,
            actor,
            "maintenance.fix-review",
            "maintenance",
            maintenance_id,
            Some(&json!({"state": m.state})),
            Some(&serde_json::to_value(&after).unwrap_or(Value::Null)),
        )
        .await?;
        self.commit_decision(tx).await?;
        Ok(after)
    }

    /// The vulnerability fixes awaiting the actor's lab's review, oldest first.
    pub async fn fix_reviews_awaiting(&self, actor: &Actor) -> Result<Vec<MaintenanceRecord>> {
        let Some(org) = actor.org_id.clone() else {
            authorize(actor, Action::ReviewFix, &Resource::Global)?;
            return Ok(Vec::new());
        };
        authorize(actor, Action::ReviewFix, &Resource::org(&org))?;
        let rows = sqlx::query(
            "SELECT * FROM maintenance WHERE state = $1 AND lab_org = $2 ORDER BY filed_at, id",
        )
        .bind(MaintenanceState::LabReview.as_str())
        .bind(&org)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(maintenance_from_row).collect()
    }
}
