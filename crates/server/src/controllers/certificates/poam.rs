//! `GET /api/v1/certificates/{id}/poam[?as_of=YYYY-MM-DD]`: the certificate's open postmarket
//! items (the current version of each assessment still under investigation or affected) as an
//! OSCAL 1.2.1 plan of action and milestones, the FDA clock due dates as its milestones
//! (`dtsec registry poam`).
//!
//! Why from the registry: it holds the manufacturer's assessments with their history, so the
//! plan is made from the versions the certification body sees in its queue. Built by
//! `dtsec_premarket::postmarket` and `dtsec_oscal::postmarket` exactly as `dtsec oscal poam
//! --postmarket` builds it from a VEX export, so the two cannot differ. For whoever may see the
//! product, as the assessments are (the registry authorises): the milestones' status is the
//! manufacturer's standing against FDA's clocks, which is not public. The clocks are judged on
//! `as_of`, or on the registry's today.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use dtsec_oscal::OscalError;
use dtsec_oscal::postmarket::{PostmarketPlan, postmarket_poam};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::session::Caller;
use crate::state::AppState;

/// The query of the POA&M.
#[derive(Debug, Default, Deserialize)]
pub struct PoamQueryParams {
    /// The date the FDA clocks are judged on (default: the registry's today).
    pub as_of: Option<String>,
}

/// The POA&M.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PoamQueryParams>,
    caller: Caller,
) -> AppResult<Response> {
    caller.require_login()?;
    let as_of = match q.as_of.as_deref() {
        Some(d) => d.parse::<jiff::civil::Date>().map_err(|e| {
            AppError::bad_request(format!("as_of `{d}`: {e} (write the date as YYYY-MM-DD)"))
        })?,
        None => {
            let now = jiff::Timestamp::from_second(state.store.clock().now_unix())
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            jiff::tz::TimeZone::UTC.to_datetime(now).date()
        }
    };
    let records = state
        .store
        .certificate_assessments(&caller.actor, &id)
        .await?;
    // The records come oldest first per assessment id: the last one of each id is current.
    let mut current = BTreeMap::new();
    for r in records {
        current.insert(r.assessment_id.clone(), r);
    }
    let mut assessments = Vec::with_capacity(current.len());
    for (aid, r) in current {
        let a: dtsec_vex::Assessment = serde_json::from_value(r.entry["assessment"].clone())
            .map_err(|e| AppError::internal(format!("stored assessment {aid}: {e}")))?;
        assessments.push(a);
    }
    let cert = state.store.certificate(&id).await?;
    let plan = PostmarketPlan {
        product: cert.product_name.clone(),
        version: cert.product_version.clone(),
        manufacturer: cert.manufacturer_org.clone(),
        certificate: Some(id.clone()),
        as_of: as_of.to_string(),
        items: dtsec_premarket::postmarket::open_items(&assessments, as_of),
    };
    let doc = postmarket_poam(&plan).map_err(|e| match e {
        OscalError::NothingOpen { .. } => AppError::not_found(format!(
            "open postmarket items of {id} (no assessment is under investigation or affected)"
        )),
        other => AppError::internal(format!("POA&M of {id}: {other}")),
    })?;
    Ok(Json(doc).into_response())
}
