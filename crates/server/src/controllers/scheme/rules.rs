//! `GET /api/v1/scheme/rules` (public) and `POST /api/v1/scheme/rules` (scheme administrator):
//! how the scheme certifies claims of draft PPs. Public because it is part of what a
//! certificate means: a reader of a certificate on a draft PP can see the rule it was issued by.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use dtsec_registry::scheme::DraftPpRule;
use serde::{Deserialize, Serialize};

use crate::done::Done;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The scheme's rules.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SchemeRules {
    /// How claims of draft PPs are certified: `cb-approval` (a certifier approves each case
    /// with a reason) or `refuse`.
    pub draft_pp: DraftPpRule,
    /// The built-in PPs, PP-Modules and packages whose status is draft, `id@version`.
    pub draft_documents: Vec<String>,
}

/// The new setting.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct SetRulesParams {
    /// `cb-approval` or `refuse`.
    pub draft_pp: String,
}

async fn current(state: &AppState) -> AppResult<SchemeRules> {
    Ok(SchemeRules {
        draft_pp: state.store.draft_pp_rule().await?,
        draft_documents: state.store.draft_documents().iter().cloned().collect(),
    })
}

/// The rules.
pub async fn show(State(state): State<AppState>) -> AppResult<Json<SchemeRules>> {
    Ok(Json(current(&state).await?))
}

/// Sets the draft-PP rule.
pub async fn update(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    let p: SetRulesParams = input.parse()?;
    let rule = DraftPpRule::parse(&p.draft_pp).ok_or_else(|| {
        AppError::bad_request(format!(
            "unknown draft-PP rule `{}`; use cb-approval or refuse",
            p.draft_pp
        ))
    })?;
    state
        .store
        .set_draft_pp_rule(&input.caller.actor, rule)
        .await?;
    let rules = current(&state).await?;
    Ok(input.done_named(Done::SchemeRulesChanged, "", rules))
}
