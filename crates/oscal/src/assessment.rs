//! A sealed ETR bundle as the OSCAL assessment chain: SSP → assessment plan → assessment
//! results.
//!
//! The chain is mandatory in OSCAL (the AR imports the AP, the AP imports the SSP), so all three
//! come from the same bundle and the ST it was sealed for. What goes where:
//! - SSP: the system is the TOE; information types are role-based defaults, marked as such (the
//!   manufacturer authors the real ones); one implemented requirement per ST SFR.
//! - AP: `reviewed-controls` = the ST's SFRs; `tasks` = the CEM work units of the plan;
//!   `local-definitions.activities` = the PP's evaluation activities.
//! - AR: one `result` for the evaluation (`start` = the workspace's creation, `end` = sealing);
//!   one `observation` per verdict record (method TEST for tests and activities' tests,
//!   EXAMINE otherwise; evidence as `#uuid` links to back-matter resources with their SHA-256);
//!   one `finding` per ST SFR from the roll-up of its evaluation activities; one `risk` per rated
//!   vulnerability.
//!
//! Every timestamp comes from the bundle (its records and `sealed_at`), none from the clock.

use std::collections::{BTreeMap, BTreeSet};

use dtsec_eval::State;
use dtsec_eval::records::{Record, Verdict};
use dtsec_eval::vulns::{Outcome, assess};
use dtsec_model::Document;
use serde_json::{Value, json};

use crate::catalog::{doc_name, prop};
use crate::component::profile_file_name;
use crate::error::OscalError;
use crate::ids::{OSCAL_VERSION, one_line, token, uuid};

/// Most verdict records, work units and vulnerabilities one export carries.
pub const MAX_ITEMS: usize = 100_000;

/// The bundle's state and what the OSCAL chain needs besides.
pub struct Etr<'a> {
    /// The ST the bundle was sealed for (the CLI checks its SHA-256 against the bundle's).
    pub st: &'a Document,
    /// The workspace state the bundle holds.
    pub state: State,
    /// The bundle's `sealed_at` (RFC 3339), the chain's `last-modified`.
    pub sealed_at: String,
    /// The bundle's overall verdict.
    pub overall: Verdict,
}

impl<'a> Etr<'a> {
    /// Reads a (verified) bundle payload for `st`.
    pub fn from_payload(payload: &Value, st: &'a Document) -> Result<Etr<'a>, OscalError> {
        let state = dtsec_eval::bundle::state_from_payload(payload)
            .map_err(|e| OscalError::Bundle(e.to_string()))?;
        let sealed_at = payload["sealed_at"]
            .as_str()
            .ok_or_else(|| OscalError::Bundle("the payload has no `sealed_at`".to_string()))?
            .to_string();
        let overall = payload["overall"]
            .as_str()
            .and_then(Verdict::parse)
            .ok_or_else(|| {
                OscalError::Bundle("the payload has no `overall` verdict".to_string())
            })?;
        let count = state.records.len() + state.plan.unit_count() + state.vulns.len();
        if count > MAX_ITEMS {
            return Err(OscalError::Limit {
                what: "the ETR bundle's records, work units and vulnerabilities".to_string(),
                found: count,
                limit: MAX_ITEMS,
            });
        }
        if state.evaluation.st.id != st.id.value || state.evaluation.st.version != st.version.value
        {
            return Err(OscalError::Bundle(format!(
                "the bundle evaluates ST `{}` {}, not {}",
                state.evaluation.st.id,
                state.evaluation.st.version,
                doc_name(st)
            )));
        }
        Ok(Etr {
            st,
            state,
            sealed_at,
            overall,
        })
    }

    fn key(&self) -> [&str; 3] {
        [&self.st.id.value, &self.st.version.value, &self.sealed_at]
    }

    pub(crate) fn uuid(&self, parts: &[&str]) -> String {
        let mut all: Vec<&str> = self.key().to_vec();
        all.extend_from_slice(parts);
        uuid(&all)
    }

    pub(crate) fn metadata(&self, title: String) -> Value {
        let e = &self.state.evaluation;
        json!({
            "title": title,
            "last-modified": self.sealed_at,
            "version": self.st.version.value,
            "oscal-version": OSCAL_VERSION,
            "props": [prop("lab", &e.lab), prop("sponsor", &e.sponsor), prop("st-sha256", &e.st.sha256)],
        })
    }

    /// A back-matter resource standing for a sibling file, and the `#uuid` that links to it.
    pub(crate) fn file_resource(&self, what: &str, file: &str, media: &str) -> (Value, String) {
        let id = self.uuid(&["file", what]);
        (
            json!({ "uuid": id, "title": format!("the {what}"), "rlinks": [{ "href": file, "media-type": media }] }),
            format!("#{id}"),
        )
    }

    fn control_selection(&self) -> Value {
        let ids: Vec<Value> = self
            .st
            .sfrs
            .iter()
            .map(|s| json!({ "control-id": token(&s.id.value) }))
            .collect();
        json!({ "control-selections": [{ "include-controls": ids }] })
    }
}

/// The file names the chain's documents link to each other by.
pub fn file_name(st: &Document, model: &str) -> String {
    format!(
        "{}-{}.{model}.json",
        token(&st.id.value),
        token(&st.version.value)
    )
}

/// Role-based default information types (the manufacturer authors the real ones): what a
/// diabetes device of these roles handles, with FIPS 199 impacts.
fn information_types(etr: &Etr<'_>) -> Vec<Value> {
    let parts = etr.st.toe.all_parts();
    let roles: BTreeSet<&str> = etr
        .st
        .toe
        .roles
        .iter()
        .chain(parts.iter().flat_map(|p| p.roles.iter()))
        .map(|r| r.value.as_str())
        .collect();
    let mut types = vec![(
        "keys",
        "Keys and credentials",
        "Pairing keys, session keys and update-verification keys held by the TOE.",
        ["high", "high", "moderate"],
    )];
    if roles.contains("therapy-delivery")
        || roles.contains("command-source")
        || roles.contains("aid-host")
    {
        types.push((
            "therapy-command",
            "Therapy command",
            "Commands that change insulin delivery (boluses, basal rates, suspension).",
            ["moderate", "high", "high"],
        ));
    }
    if roles.contains("sensor-source")
        || roles.contains("aid-host")
        || roles.contains("remote-display")
    {
        types.push((
            "glucose-data",
            "Glucose data (PHI)",
            "Glucose readings and trends: personal health information.",
            ["moderate", "high", "moderate"],
        ));
    }
    types
        .into_iter()
        .map(|(key, title, description, [c, i, a])| {
            json!({
                "uuid": etr.uuid(&["information-type", key]),
                "title": title,
                "description": description,
                "props": [prop("provenance", "role-based default; the manufacturer authors the real categorisation")],
                "confidentiality-impact": { "base": format!("fips-199-{c}") },
                "integrity-impact": { "base": format!("fips-199-{i}") },
                "availability-impact": { "base": format!("fips-199-{a}") },
            })
        })
        .collect()
}

/// The system security plan of the evaluated TOE (`{"system-security-plan": …}`).
pub fn ssp(etr: &Etr<'_>) -> Value {
    let st = etr.st;
    let e = &etr.state.evaluation;
    let (profile_res, profile_href) = etr.file_resource(
        "profile",
        &profile_file_name(st),
        "application/oscal.profile+json",
    );
    let component = etr.uuid(&["this-system"]);
    let requirements: Vec<Value> = st
        .sfrs
        .iter()
        .map(|s| {
            let tss: Vec<String> = st
                .tss
                .iter()
                .filter(|t| t.sfrs.iter().any(|x| x.value == s.id.value))
                .map(|t| one_line(&t.description.value))
                .collect();
            let description = if tss.is_empty() {
                format!("The ST's TSS has no entry naming {}.", s.id.value)
            } else {
                tss.join("\n\n")
            };
            json!({
                "uuid": etr.uuid(&["ssp-requirement", &s.id.value]),
                "control-id": token(&s.id.value),
                "props": [{ "name": "label", "value": s.id.value }],
                "by-components": [{
                    "component-uuid": component,
                    "uuid": etr.uuid(&["ssp-by-component", &s.id.value]),
                    "description": description,
                }],
            })
        })
        .collect();
    let description = st
        .toe
        .description
        .as_deref()
        .or(st.toe.overview.as_deref())
        .map(one_line)
        .unwrap_or_else(|| format!("The TOE of {}.", doc_name(st)));
    json!({
        "system-security-plan": {
            "uuid": etr.uuid(&["ssp"]),
            "metadata": etr.metadata(format!("System security plan of {}", one_line(&e.toe.name))),
            "import-profile": { "href": profile_href },
            "system-characteristics": {
                "system-ids": [{ "identifier-type": "https://ietf.org/rfc/rfc4122", "id": etr.uuid(&["system-id"]) }],
                "system-name": one_line(&e.toe.name),
                "description": description,
                "props": [prop("toe-version", &e.toe.version), prop("manufacturer", &e.toe.manufacturer)],
                "system-information": { "information-types": information_types(etr) },
                "status": { "state": "operational" },
                "authorization-boundary": { "description": format!("The TOE as its Security Target {} bounds it.", doc_name(st)) },
            },
            "system-implementation": {
                "components": [{
                    "uuid": component,
                    "type": "this-system",
                    "title": one_line(&e.toe.name),
                    "description": description,
                    "status": { "state": "operational" },
                }],
            },
            "control-implementation": {
                "description": format!("The SFRs of {} as its TSS meets them.", doc_name(st)),
                "implemented-requirements": requirements,
            },
            "back-matter": { "resources": [profile_res] },
        }
    })
}

/// The assessment plan (`{"assessment-plan": …}`).
pub fn assessment_plan(etr: &Etr<'_>) -> Value {
    let st = etr.st;
    let (ssp_res, ssp_href) = etr.file_resource(
        "system security plan",
        &file_name(st, "ssp"),
        "application/oscal.ssp+json",
    );
    let mut tasks = Vec::new();
    let mut activities = Vec::new();
    for u in etr.state.plan.units() {
        if u.class.id == "EA" {
            activities.push(json!({
                "uuid": etr.uuid(&["activity", &u.unit.id]),
                "title": format!("{} {}", u.component.id, u.unit.id),
                "description": non_empty(&u.unit.summary, &u.unit.id),
                "props": [prop("sfr", &u.component.id), prop("work-unit", &u.unit.id)],
                "related-controls": { "control-selections": [{ "include-controls": [{ "control-id": token(&u.component.id) }] }] },
            }));
        } else {
            tasks.push(json!({
                "uuid": etr.uuid(&["task", &u.unit.id]),
                "type": "action",
                "title": format!("{} work unit {}", u.component.id, u.unit.id),
                "description": non_empty(&u.unit.summary, &u.unit.id),
                "props": [prop("work-unit", &u.unit.id), prop("component", &u.component.id)],
            }));
        }
    }
    let mut body = json!({
        "uuid": etr.uuid(&["assessment-plan"]),
        "metadata": etr.metadata(format!("Evaluation plan of {}", doc_name(st))),
        "import-ssp": { "href": ssp_href },
        "reviewed-controls": etr.control_selection(),
        "back-matter": { "resources": [ssp_res] },
    });
    if !activities.is_empty() {
        body["local-definitions"] = json!({ "activities": activities });
    }
    if !tasks.is_empty() {
        body["tasks"] = json!(tasks);
    }
    json!({ "assessment-plan": body })
}

pub(crate) fn non_empty(text: &str, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

/// The assessment results (`{"assessment-results": …}`).
pub fn assessment_results(etr: &Etr<'_>) -> Value {
    let st = etr.st;
    let state = &etr.state;
    let (ap_res, ap_href) = etr.file_resource(
        "assessment plan",
        &file_name(st, "ap"),
        "application/oscal.ap+json",
    );
    let mut resources = vec![ap_res];
    let evidence: BTreeMap<&str, &dtsec_eval::evidence::EvidenceItem> = state
        .evidence
        .items
        .iter()
        .map(|i| (i.digest.as_str(), i))
        .collect();
    for item in evidence.values() {
        resources.push(json!({
            "uuid": etr.uuid(&["evidence", &item.digest]),
            "title": one_line(&item.name),
            "props": [prop("added-by", &item.added_by)],
            "rlinks": [{ "href": format!("evidence/{}", item.hex()), "hashes": [{ "algorithm": "SHA-256", "value": item.hex() }] }],
        }));
    }
    // Which SFR (EA component) and which kind each unit belongs to.
    let mut unit_sfr: BTreeMap<&str, &str> = BTreeMap::new();
    let mut unit_test: BTreeSet<&str> = BTreeSet::new();
    for u in state.plan.units() {
        if u.class.id == "EA" {
            unit_sfr.insert(&u.unit.id, &u.component.id);
        }
        if u.class.id == "ATE" || u.element.id.to_ascii_lowercase().contains("test") {
            unit_test.insert(&u.unit.id);
        }
    }
    let observations: Vec<Value> = state
        .records
        .iter()
        .map(|r| observation(etr, r, &unit_test, &evidence))
        .collect();
    let ea = dtsec_eval::rollup::roll_up(&state.plan, &state.records);
    let sfr_verdicts: BTreeMap<&str, Verdict> = ea
        .class("EA")
        .map(|c| {
            c.children
                .iter()
                .map(|n| (n.id.as_str(), n.verdict))
                .collect()
        })
        .unwrap_or_default();
    let findings: Vec<Value> = st
        .sfrs
        .iter()
        .map(|s| {
            let id = s.id.value.as_str();
            let (verdict, basis) = match sfr_verdicts.get(id) {
                Some(v) => (*v, "the roll-up of its evaluation activities"),
                None => (etr.overall, "the overall verdict (no evaluation activity of its own)"),
            };
            let related: Vec<Value> = state
                .records
                .iter()
                .filter(|r| unit_sfr.get(r.unit.as_str()) == Some(&id))
                .map(|r| json!({ "observation-uuid": etr.uuid(&["observation", &r.seq.to_string()]) }))
                .collect();
            let state_word = if verdict == Verdict::Pass { "satisfied" } else { "not-satisfied" };
            let mut f = json!({
                "uuid": etr.uuid(&["finding", id]),
                "title": format!("{id}: {}", verdict.as_str()),
                "description": format!("{id} is {state_word}: verdict {} from {basis}.", verdict.as_str()),
                "target": {
                    "type": "statement-id",
                    "target-id": format!("{}_smt", token(id)),
                    "status": { "state": state_word },
                },
                "props": [{ "name": "label", "value": id }, prop("verdict", verdict.as_str())],
            });
            if !related.is_empty() {
                f["related-observations"] = json!(related);
            }
            f
        })
        .collect();
    let ava_van = state.evaluation.assurance.ava_van.as_deref();
    let risks: Vec<Value> = state
        .vulns
        .iter()
        .map(|v| {
            let a = assess(v, ava_van);
            let status = match a.outcome {
                Outcome::Exploitable | Outcome::NotAssessed => "open",
                Outcome::Residual => "deviation-approved",
                Outcome::Mitigated | Outcome::NotExploitable => "closed",
            };
            let mut props = vec![
                prop("vulnerability", &v.id),
                prop("outcome", &format!("{:?}", a.outcome).to_ascii_lowercase()),
            ];
            if let Some(t) = a.total {
                props.push(prop("attack-potential-total", &t.to_string()));
            }
            let mut risk = json!({
                "uuid": etr.uuid(&["risk", &v.id]),
                "title": format!("{}: {}", v.id, one_line(&v.title)),
                "description": non_empty(&v.description, &v.title),
                "statement": a.reasoning,
                "status": status,
                "props": props,
            });
            if let Some(m) = &v.mitigation {
                risk["mitigating-factors"] =
                    json!([{ "uuid": etr.uuid(&["mitigation", &v.id]), "description": m }]);
            }
            risk
        })
        .collect();
    let mut result = json!({
        "uuid": etr.uuid(&["result"]),
        "title": format!("Evaluation of {} by {}", one_line(&state.evaluation.toe.name), one_line(&state.evaluation.lab)),
        "description": format!("CEM evaluation against {}; overall verdict {}.", doc_name(st), etr.overall.as_str()),
        "start": state.evaluation.created_at,
        "end": etr.sealed_at,
        "props": [prop("overall-verdict", etr.overall.as_str())],
        "reviewed-controls": etr.control_selection(),
    });
    if !observations.is_empty() {
        result["observations"] = json!(observations);
    }
    if !risks.is_empty() {
        result["risks"] = json!(risks);
    }
    if !findings.is_empty() {
        result["findings"] = json!(findings);
    }
    json!({
        "assessment-results": {
            "uuid": etr.uuid(&["assessment-results"]),
            "metadata": etr.metadata(format!("Evaluation results of {}", doc_name(st))),
            "import-ap": { "href": ap_href },
            "results": [result],
            "back-matter": { "resources": resources },
        }
    })
}

fn observation(
    etr: &Etr<'_>,
    r: &Record,
    tests: &BTreeSet<&str>,
    evidence: &BTreeMap<&str, &dtsec_eval::evidence::EvidenceItem>,
) -> Value {
    let method = if tests.contains(r.unit.as_str()) {
        "TEST"
    } else {
        "EXAMINE"
    };
    let mut description = format!(
        "Work unit {}: verdict {}, recorded by {}.",
        r.unit,
        r.verdict.as_str(),
        r.by
    );
    if let Some(n) = &r.note {
        description = format!("{description} {}", one_line(n));
    }
    let mut o = json!({
        "uuid": etr.uuid(&["observation", &r.seq.to_string()]),
        "title": format!("Record {}", r.seq),
        "description": description,
        "methods": [method],
        "collected": r.at,
        "props": [prop("work-unit", &r.unit), prop("verdict", r.verdict.as_str()), prop("record", &r.seq.to_string())],
    });
    let cited: Vec<Value> = r
        .evidence
        .iter()
        .map(|d| match evidence.get(d.as_str()) {
            Some(item) => json!({ "href": format!("#{}", etr.uuid(&["evidence", &item.digest])), "description": one_line(&item.name) }),
            None => json!({ "description": format!("evidence {d} (not in the manifest)") }),
        })
        .collect();
    if !cited.is_empty() {
        o["relevant-evidence"] = json!(cited);
    }
    o
}
