//! The scheme's rules at certification (issue 10, F21 and F22) as store operations: the
//! administrator's draft-PP rule, a certifier's approval of a case's draft claims, and the check
//! the issuing transaction runs on what the case holds.
//!
//! Why a module of its own: these are scheme policy, not steps of the workflow's state machine —
//! an approval changes no state, and the checks refuse a step the state machine would allow.
//! The rules themselves (what counts as Enhanced-Basic, what a draft is) are in
//! [`crate::scheme`]; here they meet the records, inside the transactions that decide.

use serde_json::json;
use sqlx::AnyConnection;

use super::cases::load_product;
use super::{Store, audit};
use crate::authz::{Action, Actor, Resource, authorize};
use crate::error::{RegistryError, Result};
use crate::scheme::{self, DRAFT_PP_RULE, DraftPpApproval, DraftPpRule};
use crate::store::cases::Product;
use crate::validate;
use crate::workflow::State;

/// The states in which a case's draft claims may be approved: an ST is held and no certificate
/// has been issued yet.
const APPROVABLE: [State; 6] = [
    State::StSubmitted,
    State::LabChosen,
    State::EvaluationInProgress,
    State::EtrSubmitted,
    State::Rejected,
    State::Accepted,
];

impl Store {
    /// The ST text and the ETR bundle a case holds, with the digests its row names them by.
    async fn held_st_and_etr(
        &self,
        conn: &mut AnyConnection,
        product_id: &str,
    ) -> Result<(String, String, HeldDigests)> {
        use super::documents::{ETR, ST};
        let row = sqlx::query(&format!(
            "SELECT st_sha256, etr_sha256, {}, {} FROM products WHERE id = $1",
            ST.select(""),
            ETR.select("")
        ))
        .bind(product_id)
        .fetch_one(&mut *conn)
        .await?;
        let digests = HeldDigests {
            st_sha256: super::opt_text(&row, "st_sha256")?,
            etr_sha256: super::opt_text(&row, "etr_sha256")?,
        };
        let st = self
            .held_document(&row, ST)
            .await?
            .ok_or_else(|| RegistryError::invalid("the case holds no ST"))?;
        let etr = self
            .held_document(&row, ETR)
            .await?
            .ok_or_else(|| RegistryError::invalid("the case holds no ETR"))?;
        Ok((st, etr, digests))
    }

    /// Judges the scheme's assurance rule (F21) on the ST and ETR case `product_id` holds now,
    /// *before* the deciding transaction, and says which documents were judged.
    ///
    /// Why not inside it: reading both documents from the blob store and parsing the ST and a
    /// sealed ETR of hundreds of kilobytes takes milliseconds, and on SQLite a write transaction
    /// holds the database's one write lock, so every other decision waited for it. The
    /// documents are content-addressed, so the deciding transaction only checks that the case
    /// still names the same digests ([`HeldDigests::still_held_by`]): the same judgement.
    pub(crate) async fn judge_assurance(
        &self,
        product_id: &str,
        decision: &'static str,
    ) -> Result<HeldDigests> {
        let (st, etr, digests) = {
            let mut conn = self.pool.acquire().await?;
            self.held_st_and_etr(&mut conn, product_id).await?
        };
        tokio::task::spawn_blocking(move || scheme::check_assurance(&st, &etr, decision))
            .await
            .map_err(|e| RegistryError::invalid(format!("the assurance check stopped: {e}")))??;
        Ok(digests)
    }
}

/// The digests of the ST and ETR the assurance rule was judged on.
#[derive(Debug)]
pub(crate) struct HeldDigests {
    st_sha256: Option<String>,
    etr_sha256: Option<String>,
}

impl HeldDigests {
    /// Refuses a decision on `now` (the case as read in the deciding transaction) when the case
    /// holds other documents than were judged: a new ST or ETR arrived in between.
    pub(crate) fn still_held_by(&self, now: &Product) -> Result<()> {
        if now.st_sha256 == self.st_sha256 && now.etr_sha256 == self.etr_sha256 {
            Ok(())
        } else {
            Err(RegistryError::Conflict(format!(
                "case {} received another ST or ETR while its documents were judged; decide again",
                now.id
            )))
        }
    }
}

/// The draft-PP rule as stored (the default when never set).
async fn load_draft_pp_rule(tx: &mut AnyConnection) -> Result<DraftPpRule> {
    let row = sqlx::query("SELECT value FROM scheme_rules WHERE name = $1")
        .bind(DRAFT_PP_RULE)
        .fetch_optional(&mut *tx)
        .await?;
    match row {
        None => Ok(DraftPpRule::default()),
        Some(r) => {
            let v = super::text(&r, "value")?;
            // A value this release does not know is read as the stricter setting.
            Ok(DraftPpRule::parse(&v).unwrap_or(DraftPpRule::Refuse))
        }
    }
}

impl Store {
    /// The case's claims (PPs, modules, packages; `id@version`) whose built-in text is a draft.
    pub fn draft_claims_of(&self, p: &Product) -> Vec<String> {
        scheme::draft_claims(
            self.draft_documents(),
            p.pp_claims.iter().chain(&p.package_claims),
        )
    }

    /// How the scheme certifies claims of draft PPs (anyone may read the rule: it is part of
    /// what a certificate means).
    pub async fn draft_pp_rule(&self) -> Result<DraftPpRule> {
        let mut conn = self.pool.acquire().await?;
        load_draft_pp_rule(&mut conn).await
    }

    /// The scheme administrator sets the draft-PP rule; audited with the old and new setting.
    pub async fn set_draft_pp_rule(&self, actor: &Actor, rule: DraftPpRule) -> Result<DraftPpRule> {
        authorize(actor, Action::ManageSchemeRules, &Resource::Global)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = load_draft_pp_rule(&mut tx).await?;
        sqlx::query(
            "INSERT INTO scheme_rules (name, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(DRAFT_PP_RULE)
        .bind(rule.as_str())
        .bind(&now)
        .bind(actor.audit_name())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            &now,
            actor,
            "scheme.set-rule",
            "scheme-rule",
            DRAFT_PP_RULE,
            Some(&json!({ "value": before.as_str() })),
            Some(&json!({ "value": rule.as_str() })),
        )
        .await?;
        tx.commit().await?;
        Ok(rule)
    }

    /// A certifier approves certifying the case's draft-PP claims, saying why. Refused when the
    /// case claims no draft, when no ST is held or a certificate was already issued, and when
    /// the scheme's rule refuses draft claims outright. The approval names the claims and the
    /// ST it was given for; resubmitting the ST clears it.
    pub async fn approve_draft_pp_claims(
        &self,
        actor: &Actor,
        product_id: &str,
        reason: &str,
    ) -> Result<Product> {
        validate::text("reason", reason, 10_000)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let before = load_product(&mut tx, product_id).await?;
        authorize(actor, Action::ApproveDraftPpClaims, &before.resource())?;
        let state = before.state();
        if !APPROVABLE.contains(&state) {
            return Err(RegistryError::InvalidTransition {
                from: state.as_str().into(),
                to: "draft-pp-approved".into(),
                why: "draft claims are approved after the ST is submitted and before the certificate is issued".into(),
            });
        }
        let claims = self.draft_claims_of(&before);
        if claims.is_empty() {
            return Err(RegistryError::invalid(format!(
                "the case claims no draft PP ({}); there is nothing to approve",
                before
                    .pp_claims
                    .iter()
                    .chain(&before.package_claims)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if load_draft_pp_rule(&mut tx).await? == DraftPpRule::Refuse {
            return Err(RegistryError::SchemeRule(format!(
                "the scheme's draft-PP rule is `refuse`: a case claiming {} is not certified, and no approval can change that (the scheme administrator sets the rule)",
                claims.join(", ")
            )));
        }
        let approval = DraftPpApproval {
            claims,
            reason: reason.trim().to_string(),
            approved_by: actor.audit_name(),
            approved_at: now.clone(),
            st_sha256: before.st_sha256.clone().unwrap_or_default(),
        };
        let n = sqlx::query(
            "UPDATE products SET draft_pp_approval = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        )
        .bind(serde_json::to_string(&approval).unwrap_or_default())
        .bind(&now)
        .bind(product_id)
        .bind(state.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        super::expect_one(n, "the case")?;
        self.finish_step(tx, actor, "product.approve-draft-pp", &before, &now)
            .await
    }

    /// The scheme's rules for issuing the certificate of `before`, inside the issuing
    /// transaction: the assurance rule (F21), judged beforehand on the documents `judged` names
    /// ([`Store::judge_assurance`]), and the draft-PP rule (F22).
    pub(crate) async fn check_certification_rules(
        &self,
        tx: &mut AnyConnection,
        before: &Product,
        judged: &HeldDigests,
    ) -> Result<()> {
        judged.still_held_by(before)?;
        let claims = self.draft_claims_of(before);
        if claims.is_empty() {
            return Ok(());
        }
        match load_draft_pp_rule(tx).await? {
            DraftPpRule::Refuse => Err(RegistryError::SchemeRule(format!(
                "cannot issue the certificate: the case claims {}, whose status is draft, and the scheme's draft-PP rule is `refuse`",
                claims.join(", ")
            ))),
            DraftPpRule::CbApproval => {
                let approved = before.draft_pp_approval.as_ref().filter(|a| {
                    Some(&a.st_sha256) == before.st_sha256.as_ref()
                        && claims.iter().all(|c| a.claims.contains(c))
                });
                if approved.is_some() {
                    Ok(())
                } else {
                    Err(RegistryError::SchemeRule(format!(
                        "cannot issue the certificate: the case claims {}, whose status is draft; a certifier must first approve certifying against the draft, with a reason (`dtsec registry approve-draft {} --reason …`, or POST /api/v1/products/{}/draft-approval)",
                        claims.join(", "),
                        before.id,
                        before.id
                    )))
                }
            }
        }
    }
}
