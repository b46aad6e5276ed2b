//! A sealed ETR bundle's unresolved vulnerabilities as an OSCAL plan of action and milestones
//! (`{"plan-of-action-and-milestones": …}`), the extension point issue 14 names for postmarket
//! upkeep: today its items come from the evaluation; open postmarket assessments can add theirs
//! through the same shape later.
//!
//! Unresolved means what the assessment results call `open` or `deviation-approved`: exploitable
//! by the assumed attacker, residual (needs more attack potential than AVA_VAN requires), or not
//! assessed. Mitigated and not-exploitable vulnerabilities are closed and left out. The POA&M
//! imports the SSP of the same bundle (`file_name(st, "ssp")`), its risk UUIDs are those of the
//! AR's risks, and every timestamp comes from the bundle, so output is byte-identical on re-run.

use dtsec_eval::vulns::{Outcome, assess};
use serde_json::{Value, json};

use crate::assessment::{Etr, file_name, non_empty};
use crate::catalog::{doc_name, prop};
use crate::error::OscalError;
use crate::ids::one_line;

/// The POA&M of the bundle's unresolved vulnerabilities; [`OscalError::NothingToPlan`] when
/// there is none (OSCAL requires at least one item).
pub fn poam(etr: &Etr<'_>) -> Result<Value, OscalError> {
    let st = etr.st;
    let ava_van = etr.state.evaluation.assurance.ava_van.as_deref();
    let mut risks = Vec::new();
    let mut items = Vec::new();
    for v in &etr.state.vulns {
        let a = assess(v, ava_van);
        let status = match a.outcome {
            Outcome::Exploitable | Outcome::NotAssessed => "open",
            Outcome::Residual => "deviation-approved",
            Outcome::Mitigated | Outcome::NotExploitable => continue,
        };
        let outcome = format!("{:?}", a.outcome).to_ascii_lowercase();
        let risk_uuid = etr.uuid(&["risk", &v.id]);
        let mut props = vec![prop("vulnerability", &v.id), prop("outcome", &outcome)];
        if let Some(t) = a.total {
            props.push(prop("attack-potential-total", &t.to_string()));
        }
        risks.push(json!({
            "uuid": risk_uuid,
            "title": format!("{}: {}", v.id, one_line(&v.title)),
            "description": non_empty(&v.description, &v.title),
            "statement": a.reasoning,
            "status": status,
            "props": props,
        }));
        items.push(json!({
            "uuid": etr.uuid(&["poam-item", &v.id]),
            "title": format!("Resolve {}: {}", v.id, one_line(&v.title)),
            "description": format!(
                "{} was rated by {} on {} ({outcome}); plan its mitigation or its acceptance.",
                v.id, one_line(&v.by), v.at
            ),
            "props": [prop("vulnerability", &v.id)],
            "related-risks": [{ "risk-uuid": risk_uuid }],
        }));
    }
    if items.is_empty() {
        return Err(OscalError::NothingToPlan);
    }
    let (ssp_res, ssp_href) = etr.file_resource(
        "system security plan",
        &file_name(st, "ssp"),
        "application/oscal.ssp+json",
    );
    Ok(json!({
        "plan-of-action-and-milestones": {
            "uuid": etr.uuid(&["poam"]),
            "metadata": etr.metadata(format!("Plan of action and milestones for {}", doc_name(st))),
            "import-ssp": { "href": ssp_href },
            "risks": risks,
            "poam-items": items,
            "back-matter": { "resources": [ssp_res] },
        }
    }))
}
