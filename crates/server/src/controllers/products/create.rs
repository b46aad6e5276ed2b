//! `POST /api/v1/products`: a manufacturer registers a product.

use axum::extract::State;
use axum::response::Response;
use dtsec_registry::NewProduct;
use serde::Deserialize;

use crate::done::Done;
use crate::error::AppResult;
use crate::input::Input;
use crate::state::AppState;

/// The product to register.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct CreateProductParams {
    /// Product name.
    pub name: String,
    /// Product version.
    pub version: String,
    /// TOE type id (`TT.PUMP`).
    pub toe_type: String,
    /// Build ids, comma-separated in a form or a list in JSON.
    #[serde(default)]
    pub build_ids: BuildIds,
    /// The manufacturer organisation; defaults to the caller's.
    pub manufacturer_org: Option<String>,
}

/// Build ids as a list or one comma-separated string.
#[derive(Default, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum BuildIds {
    /// None given.
    #[default]
    None,
    /// `"a, b"`.
    Text(String),
    /// `["a", "b"]`.
    List(Vec<String>),
}

impl BuildIds {
    fn into_vec(self) -> Vec<String> {
        match self {
            BuildIds::None => Vec::new(),
            BuildIds::Text(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            BuildIds::List(v) => v,
        }
    }
}

/// Registers the product.
pub async fn create(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    let p: CreateProductParams = input.parse()?;
    let actor = &input.caller.actor;
    let new = NewProduct {
        manufacturer_org: p
            .manufacturer_org
            .or_else(|| actor.org_id.clone())
            .unwrap_or_default(),
        name: p.name,
        version: p.version,
        build_ids: p.build_ids.into_vec(),
        toe_type: p.toe_type,
    };
    let product = state.store.register_product(actor, new).await?;
    Ok(input.done_named(Done::ProductRegistered, &product.id.clone(), product))
}
