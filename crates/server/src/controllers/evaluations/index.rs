//! `GET /evaluations` and `GET /api/v1/evaluations`: products whose evaluation is under way —
//! product, manufacturer, lab, what it is evaluated against (in words), since when and how far.
//!
//! Why the wire type is here: the registry's [`InEvaluation`] keeps claims as ids; the public
//! reads titles ("CDD Protection Profile 2.0", not `cdd@2.0`), and the JSON says the same
//! words as the page, with the ids beside them for machines.

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use dtsec_registry::{EvaluationStage, InEvaluation};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::html::{html, layout, url};
use crate::session::Caller;
use crate::state::AppState;

/// A PP or package a product is evaluated against.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ClaimInWords {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its title, or "id version" when the registry does not know the document.
    pub title: String,
}

/// One product in evaluation, as the public sees it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ProductInEvaluation {
    /// Product name.
    pub product_name: String,
    /// Product version.
    pub product_version: String,
    /// The manufacturer's name.
    pub manufacturer: String,
    /// The evaluating lab's name.
    pub lab: String,
    /// The device type in words.
    pub device_type: String,
    /// The Protection Profiles claimed.
    pub protection_profiles: Vec<ClaimInWords>,
    /// The packages claimed.
    pub packages: Vec<ClaimInWords>,
    /// The day the lab started the evaluation (YYYY-MM-DD).
    pub since: String,
    /// How far it is: `evaluation` or `certification-review`.
    pub stage: EvaluationStage,
}

fn claim(state: &AppState, c: &str) -> ClaimInWords {
    let (id, version) = c.split_once('@').unwrap_or((c, ""));
    let title = state
        .pps
        .get(&(id.to_string(), version.to_string()))
        .map_or_else(|| format!("{id} {version}"), |p| p.title.clone());
    ClaimInWords {
        id: id.to_string(),
        version: version.to_string(),
        title: title.trim().to_string(),
    }
}

fn in_words(state: &AppState, p: InEvaluation) -> ProductInEvaluation {
    ProductInEvaluation {
        device_type: state.store.device_type_title(&p.toe_type).to_string(),
        protection_profiles: p.pp_claims.iter().map(|c| claim(state, c)).collect(),
        packages: p.package_claims.iter().map(|c| claim(state, c)).collect(),
        product_name: p.product_name,
        product_version: p.product_version,
        manufacturer: p.manufacturer,
        lab: p.lab,
        since: p.since,
        stage: p.stage,
    }
}

async fn list(state: &AppState) -> Result<Vec<ProductInEvaluation>, dtsec_registry::RegistryError> {
    Ok(state
        .store
        .products_in_evaluation()
        .await?
        .into_iter()
        .map(|p| in_words(state, p))
        .collect())
}

/// The products in evaluation as JSON.
pub async fn api(State(state): State<AppState>) -> AppResult<Json<Vec<ProductInEvaluation>>> {
    Ok(Json(list(&state).await?))
}

/// The products in evaluation page.
pub async fn page(State(state): State<AppState>, caller: Caller) -> AppResult<Html<String>> {
    let products = list(&state).await.map_err(|e| AppError::from(e).html())?;
    let claims = |v: &[ClaimInWords]| {
        html! {
            @for (i, c) in v.iter().enumerate() {
                @if i > 0 { ", " }
                a href={ "/pps/" (url(&c.id)) "/" (url(&c.version)) } { (c.title) }
            }
            @if v.is_empty() { "none" }
        }
    };
    let b = html! {
        h1 { "Products in evaluation" }
        p {
            "Products an approved lab is evaluating now, before any certificate. Being listed here is "
            strong { "not" } " a certification: see "
            a href="/" { "certified devices" } " for those."
        }
        p { (products.len()) " product(s) in evaluation. " a href="/api/v1/evaluations" { "As JSON" } }
        table class="stack" {
            caption { "Products in evaluation, longest running first" }
            thead { tr {
                th scope="col" { "Product" } th scope="col" { "Manufacturer" }
                th scope="col" { "Device type" } th scope="col" { "Lab" }
                th scope="col" { "Evaluated against" } th scope="col" { "Packages" }
                th scope="col" { "Since" } th scope="col" { "Stage" }
            } }
            tbody {
                @for p in &products {
                    tr {
                        td data-label="Product" { (p.product_name) " " (p.product_version) }
                        td data-label="Manufacturer" { (p.manufacturer) }
                        td data-label="Device type" { (p.device_type) }
                        td data-label="Lab" { (p.lab) }
                        td data-label="Evaluated against" { (claims(&p.protection_profiles)) }
                        td data-label="Packages" { (claims(&p.packages)) }
                        td data-label="Since" { (p.since) }
                        td data-label="Stage" { (p.stage_words()) }
                    }
                }
            }
        }
    };
    Ok(Html(
        layout("Products in evaluation", caller.viewer(), b).into_string(),
    ))
}

impl ProductInEvaluation {
    fn stage_words(&self) -> &'static str {
        self.stage.words()
    }
}
