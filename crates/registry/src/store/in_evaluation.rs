//! The public list of products in evaluation: what is being evaluated, by whom, for which
//! manufacturer, against which PPs and packages, and since when.
//!
//! Why public, and why so little: a buyer or a hospital wants to know that a device is on its
//! way to certification, and a scheme is more credible when its pipeline is visible. Everything
//! else about a case — its ST, findings, the ETR, a rejection and its reasons — stays with the
//! case's parties, so this list is its own query that reads only the columns it shows, and it
//! does not tell a case whose report was returned from one still being evaluated.

use serde::Serialize;

use super::{Store, json_list, opt_text, text};
use crate::error::Result;
use crate::workflow::State;

/// At most this many products are listed (the oldest evaluations first).
pub const MAX_IN_EVALUATION: usize = 1000;

/// How far an evaluation is, in the only two words the public is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EvaluationStage {
    /// The lab is evaluating (including correcting a report the certifier returned).
    Evaluation,
    /// The certification body is reviewing the lab's report, or is about to certify.
    CertificationReview,
}

impl EvaluationStage {
    /// The stage of a case in `state`, or `None` when its evaluation is not under way.
    pub fn of(state: State) -> Option<EvaluationStage> {
        match state {
            State::EvaluationInProgress | State::Rejected => Some(EvaluationStage::Evaluation),
            State::EtrSubmitted | State::Accepted => Some(EvaluationStage::CertificationReview),
            _ => None,
        }
    }

    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            EvaluationStage::Evaluation => "being evaluated by the lab",
            EvaluationStage::CertificationReview => "certification review",
        }
    }
}

/// One product whose evaluation is under way, with nothing confidential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InEvaluation {
    /// Product name.
    pub product_name: String,
    /// Product version.
    pub product_version: String,
    /// The manufacturer's name.
    pub manufacturer: String,
    /// The evaluating lab's name.
    pub lab: String,
    /// The TOE type or device form id (`TT.PUMP`, `pump`); the pages put it in words.
    pub toe_type: String,
    /// PP claims, `id@version`.
    pub pp_claims: Vec<String>,
    /// Package claims, `id@version`.
    pub package_claims: Vec<String>,
    /// The day the lab started the evaluation (YYYY-MM-DD).
    pub since: String,
    /// How far it is.
    pub stage: EvaluationStage,
}

impl Store {
    /// The products whose evaluation is under way (started, not yet certified), the longest
    /// running first; at most [`MAX_IN_EVALUATION`].
    pub async fn products_in_evaluation(&self) -> Result<Vec<InEvaluation>> {
        let states: Vec<State> = State::ALL
            .into_iter()
            .filter(|s| EvaluationStage::of(*s).is_some())
            .collect();
        let placeholders: Vec<String> = (1..=states.len()).map(|i| format!("${i}")).collect();
        // "Since": the last time the lab started this case's evaluation (the audit trail has
        // it; a case re-opened by a major change starts again).
        let sql = format!(
            "SELECT p.id, p.name, p.version, p.toe_type, p.state, p.pp_claims, p.package_claims, \
             p.updated_at, m.name AS manufacturer, l.name AS lab, \
             (SELECT MAX(a.at) FROM audit a WHERE a.entity = 'product' AND a.entity_id = p.id \
              AND a.action = 'product.start-evaluation') AS started \
             FROM products p JOIN organisations m ON m.id = p.manufacturer_org \
             JOIN organisations l ON l.id = p.lab_org \
             WHERE p.state IN ({}) ORDER BY started, p.name, p.version LIMIT {}",
            placeholders.join(", "),
            MAX_IN_EVALUATION
        );
        let mut q = sqlx::query(&sql);
        for s in &states {
            q = q.bind(s.as_str());
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let id = text(r, "id")?;
                let state = State::from_stored(&text(r, "state")?, "product", &id, "state")?;
                let since = opt_text(r, "started")?.unwrap_or(text(r, "updated_at")?);
                Ok(InEvaluation {
                    product_name: text(r, "name")?,
                    product_version: text(r, "version")?,
                    manufacturer: text(r, "manufacturer")?,
                    lab: text(r, "lab")?,
                    toe_type: text(r, "toe_type")?,
                    pp_claims: json_list(r, "pp_claims")?,
                    package_claims: json_list(r, "package_claims")?,
                    since: since.chars().take(10).collect(),
                    stage: EvaluationStage::of(state).unwrap_or(EvaluationStage::Evaluation),
                })
            })
            .collect()
    }
}
