//! `POST /api/v1/certificates/{id}/impact-analyses`: the manufacturer files an impact analysis.
//!
//! JSON: `{"new_version", "build_ids": [...], "changes": [{"description", "areas": [...],
//! "fixes": [...]}], "touched_sfrs": [...]}`. A form files one change: `new_version`,
//! `build_ids` (comma-separated), `description`, one `areas` checkbox per area it touches, and —
//! for a vulnerability fix — `fixes` and `touched_sfrs` (comma-separated).

use axum::extract::{Path, State};
use axum::response::Response;
use dtsec_registry::maintenance::{Change, ChangeArea, ImpactAnalysis};
use serde::Deserialize;

use crate::done::Done;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// One declared change (JSON).
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ChangeParams {
    /// What changed, in a sentence.
    pub description: String,
    /// The areas it touches: tsf, crypto, pairing, update, command, user-interface,
    /// documentation, other.
    pub areas: Vec<String>,
    /// The vulnerabilities this change fixes (advisory or CVE ids); makes it a vulnerability fix.
    #[serde(default)]
    pub fixes: Vec<String>,
}

/// The impact analysis (JSON).
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ImpactAnalysisParams {
    /// The new product version.
    pub new_version: String,
    /// Build ids of the new version.
    #[serde(default)]
    pub build_ids: Vec<String>,
    /// The changes since the certified version.
    pub changes: Vec<ChangeParams>,
    /// The SFRs the changes touch (required with a fix: the lab regression-tests them).
    #[serde(default)]
    pub touched_sfrs: Vec<String>,
}

/// A comma-separated form field as a list of its non-empty items.
fn list(field: &str) -> Vec<String> {
    field
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn areas(names: &[String]) -> Result<Vec<ChangeArea>, AppError> {
    names
        .iter()
        .map(|a| ChangeArea::parse(a.trim()).map_err(AppError::from))
        .collect()
}

fn from_form(input: &Input) -> Result<ImpactAnalysis, AppError> {
    let field = |name: &str| input.all(name).into_iter().next().unwrap_or_default();
    Ok(ImpactAnalysis {
        new_version: field("new_version"),
        build_ids: list(&field("build_ids")),
        changes: vec![Change {
            description: field("description"),
            areas: areas(&input.all("areas"))?,
            fixes: list(&field("fixes")),
        }],
        touched_sfrs: list(&field("touched_sfrs")),
    })
}

fn from_json(input: &Input) -> Result<ImpactAnalysis, AppError> {
    let p: ImpactAnalysisParams = input.parse()?;
    Ok(ImpactAnalysis {
        new_version: p.new_version,
        build_ids: p.build_ids,
        changes: p
            .changes
            .into_iter()
            .map(|c| {
                Ok(Change {
                    description: c.description,
                    areas: areas(&c.areas)?,
                    fixes: c.fixes,
                })
            })
            .collect::<Result<_, AppError>>()?,
        touched_sfrs: p.touched_sfrs,
    })
}

/// Files the impact analysis; the answer says how the registry classified it.
pub async fn file(
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Input,
) -> AppResult<Response> {
    let ia = if input.is_form {
        from_form(&input)?
    } else {
        from_json(&input)?
    };
    let record = state
        .store
        .file_impact_analysis(&input.caller.actor, &id, &ia)
        .await?;
    Ok(input.done_named(
        Done::ImpactAnalysisFiled,
        &record.certificate_id.clone(),
        record,
    ))
}
