//! Open postmarket items (the manufacturer's VEX assessments still under investigation or
//! affected and not fixed) as an OSCAL plan of action and milestones — the POA&M the design
//! notes (`regulatory.md` §3.5) ask for, beside the ETR's one in [`crate::poam`].
//!
//! Why a neutral input type: the assessments live in `dtsec-vex`, which is this crate's layer,
//! so this crate cannot read them; the caller (the CLI from a VEX export, the registry from its
//! store, both through `dtsec_premarket::postmarket`) converts each open assessment into a
//! [`PostmarketItem`] with the FDA clocks already computed as [`Milestone`]s.
//!
//! Shape: one `risk` per item (status `investigating` or `open`; the clinical risk, controlled
//! or uncontrolled, and the 524B track as props; each CVSS score as a `characterization` whose
//! origin is the party that gave it — the advisory, the manufacturer or the lab; the earliest
//! milestone not yet met as its `deadline`; one `remediation` holding the VEX action statement
//! with the FDA clock due dates as `milestone` tasks), and one `poam-item` relating to it.
//! Deterministic: v5 UUIDs from the product, its version and the assessment id; timestamps
//! from the plan's as-of date, never the clock.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::catalog::prop;
use crate::error::OscalError;
use crate::ids::{OSCAL_VERSION, one_line, timestamp, uuid};

/// The most items one plan holds, checked before any is converted.
pub const MAX_ITEMS: usize = 10_000;

/// Where an open assessment stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemState {
    /// The manufacturer is still investigating.
    UnderInvestigation,
    /// Affected, and what users should do (the VEX action statement).
    Affected {
        /// The action statement.
        action: String,
    },
}

/// The clinical judgement's outcome (FDA 2016 postmarket guidance).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClinicalRisk {
    /// Acceptable residual risk: the regular update cycle.
    Controlled,
    /// Unacceptable residual risk: FDA's 30/60-day clocks run.
    Uncontrolled,
}

/// Who gave a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScoreSource {
    /// The advisory, unchanged.
    Advisory,
    /// The manufacturer (device context).
    Manufacturer,
    /// The evaluation lab.
    Lab,
}

impl ScoreSource {
    fn name(self) -> &'static str {
        match self {
            ScoreSource::Advisory => "advisory",
            ScoreSource::Manufacturer => "manufacturer",
            ScoreSource::Lab => "lab",
        }
    }

    fn party_name(self) -> &'static str {
        match self {
            ScoreSource::Advisory => "The advisory's publisher",
            ScoreSource::Manufacturer => "The manufacturer",
            ScoreSource::Lab => "The evaluation lab",
        }
    }
}

/// One CVSS score, kept with its source.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemScore {
    /// Who gave it.
    pub source: ScoreSource,
    /// The vector (`CVSS:3.1/…` or `CVSS:4.0/…`).
    pub vector: String,
    /// Its score, as the CVSS calculator gave it.
    pub score: f64,
    /// A device-context (environmental) score rather than the base.
    pub device_context: bool,
}

/// One FDA clock deadline of an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Milestone {
    /// A stable token naming it (`customer-communication`, `fix-distributed`).
    pub name: String,
    /// What is due, in words.
    pub title: String,
    /// The due date, `YYYY-MM-DD`.
    pub due: String,
    /// When it was done, when it was.
    pub done: Option<String>,
    /// `met`, `met-late`, `open` or `overdue`, as of the plan's date.
    pub status: String,
}

/// One open postmarket item.
#[derive(Clone, Debug, PartialEq)]
pub struct PostmarketItem {
    /// The assessment's stable id (`VULN/PRODUCT@VERSION`), the key of its UUIDs.
    pub id: String,
    /// The vulnerability (a CVE id where there is one).
    pub vuln: String,
    /// Its other ids.
    pub aliases: Vec<String>,
    /// The affected components (bom-refs, with the purl when there is one).
    pub components: Vec<String>,
    /// The state.
    pub state: ItemState,
    /// Why the product is affected, in words.
    pub impact_statement: Option<String>,
    /// The clinical risk, when judged.
    pub risk: Option<ClinicalRisk>,
    /// The clinical judgement's rationale.
    pub risk_rationale: Option<String>,
    /// The 524B(b)(2) track (`regular-cycle`, `out-of-cycle`).
    pub track_524b: String,
    /// Scores by source.
    pub scores: Vec<ItemScore>,
    /// T0 (`YYYY-MM-DD`), when known.
    pub aware: Option<String>,
    /// The FDA clock deadlines (none for controlled risk).
    pub milestones: Vec<Milestone>,
}

/// What a postmarket POA&M is about.
#[derive(Clone, Debug, PartialEq)]
pub struct PostmarketPlan {
    /// The product's name.
    pub product: String,
    /// The product's version.
    pub version: String,
    /// The manufacturer's name.
    pub manufacturer: String,
    /// The certificate the product holds, when known.
    pub certificate: Option<String>,
    /// The date the milestones' status is judged on, `YYYY-MM-DD` (`metadata.last-modified`).
    pub as_of: String,
    /// The open items.
    pub items: Vec<PostmarketItem>,
}

fn cvss_system(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.0/") {
        "https://www.first.org/cvss/v4-0"
    } else if vector.starts_with("CVSS:3.0/") {
        "http://www.first.org/cvss/v3.0"
    } else {
        "http://www.first.org/cvss/v3.1"
    }
}

fn midnight(date: &str, what: &str) -> Result<String, OscalError> {
    timestamp(Some(date), what)
}

/// The POA&M of the plan's open items (`{"plan-of-action-and-milestones": …}`);
/// [`OscalError::NothingOpen`] when there is none (OSCAL requires at least one item).
pub fn postmarket_poam(plan: &PostmarketPlan) -> Result<Value, OscalError> {
    if plan.items.len() > MAX_ITEMS {
        return Err(OscalError::Limit {
            what: "the postmarket plan".to_string(),
            found: plan.items.len(),
            limit: MAX_ITEMS,
        });
    }
    let system = format!("{} {}", one_line(&plan.product), one_line(&plan.version));
    if plan.items.is_empty() {
        return Err(OscalError::NothingOpen { system });
    }
    let last_modified = midnight(&plan.as_of, &format!("{system} (as-of date)"))?;
    let key = |parts: &[&str]| {
        let mut all = vec!["postmarket", plan.product.as_str(), plan.version.as_str()];
        all.extend_from_slice(parts);
        uuid(&all)
    };
    let manufacturer_uuid = key(&["party", "manufacturer"]);
    // The manufacturer's own scores come from the manufacturer's party; the others each get one.
    let party_of = |s: ScoreSource| match s {
        ScoreSource::Manufacturer => manufacturer_uuid.clone(),
        other => key(&["party", other.name()]),
    };
    let mut sources: BTreeSet<ScoreSource> = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut risks = Vec::new();
    let mut items = Vec::new();
    for item in &plan.items {
        if !seen.insert(item.id.as_str()) {
            return Err(OscalError::Shape {
                pointer: format!("items/{}", item.id),
                message: format!(
                    "assessment `{}` appears twice; give each assessment's current version once",
                    item.id
                ),
            });
        }
        let risk_uuid = key(&["risk", &item.id]);
        let (status, state) = match &item.state {
            ItemState::UnderInvestigation => ("investigating", "under_investigation"),
            ItemState::Affected { .. } => ("open", "affected"),
        };
        let clinical = match item.risk {
            Some(ClinicalRisk::Controlled) => "controlled",
            Some(ClinicalRisk::Uncontrolled) => "uncontrolled",
            None => "not-assessed",
        };
        let mut props = vec![
            prop("assessment", &item.id),
            prop("vulnerability", &item.vuln),
            prop("vex-state", state),
            prop("clinical-risk", clinical),
            prop("track-524b", &item.track_524b),
        ];
        props.extend(item.aliases.iter().map(|a| prop("alias", a)));
        props.extend(item.components.iter().map(|c| prop("component", c)));
        if let Some(t0) = &item.aware {
            props.push(prop("aware", t0));
        }
        let mut risk = json!({
            "uuid": risk_uuid,
            "title": format!("{} in {system}", one_line(&item.vuln)),
            "description": item.impact_statement.as_deref().filter(|s| !s.trim().is_empty()).map_or_else(
                || match &item.state {
                    ItemState::UnderInvestigation => format!("{} is under investigation for {system}: whether it affects the product is not yet known.", item.vuln),
                    ItemState::Affected { .. } => format!("{system} is affected by {}.", item.vuln),
                },
                str::to_string,
            ),
            "statement": item.risk_rationale.as_deref().filter(|s| !s.trim().is_empty()).map_or_else(
                || format!("The clinical risk is {clinical}."),
                |r| format!("The clinical risk is {clinical}: {r}"),
            ),
            "status": status,
            "props": props,
        });
        if item.vuln.starts_with("CVE-") {
            risk["threat-ids"] = json!([{
                "system": "http://cve.mitre.org",
                "id": format!("https://www.cve.org/CVERecord?id={}", item.vuln),
            }]);
        }
        let characterizations: Vec<Value> = item
            .scores
            .iter()
            .map(|s| {
                if s.source != ScoreSource::Manufacturer {
                    sources.insert(s.source);
                }
                let system = cvss_system(&s.vector);
                let score_name = if s.device_context {
                    "environmental-score"
                } else {
                    "base-score"
                };
                json!({
                    "props": [prop("score-source", s.source.name())],
                    "origin": { "actors": [{ "type": "party", "actor-uuid": party_of(s.source) }] },
                    "facets": [
                        { "name": "vector", "system": system, "value": s.vector },
                        { "name": score_name, "system": system, "value": format!("{:.1}", s.score) },
                    ],
                })
            })
            .collect();
        if !characterizations.is_empty() {
            risk["characterizations"] = json!(characterizations);
        }
        if let Some(next) = item
            .milestones
            .iter()
            .filter(|m| matches!(m.status.as_str(), "open" | "overdue"))
            .map(|m| m.due.as_str())
            .min()
        {
            risk["deadline"] = json!(midnight(next, &item.id)?);
        }
        let tasks: Vec<Value> = item
            .milestones
            .iter()
            .map(|m| {
                let mut props = vec![prop("clock", &m.name), prop("status", &m.status)];
                if let Some(d) = &m.done {
                    props.push(prop("done", d));
                }
                Ok(json!({
                    "uuid": key(&["milestone", &item.id, &m.name]),
                    "type": "milestone",
                    "title": one_line(&m.title),
                    "props": props,
                    "timing": { "on-date": { "date": midnight(&m.due, &item.id)? } },
                }))
            })
            .collect::<Result<_, OscalError>>()?;
        let (lifecycle, title, description) = match &item.state {
            ItemState::Affected { action } => (
                "planned",
                "The manufacturer's action",
                action.trim().to_string(),
            ),
            ItemState::UnderInvestigation => (
                "recommendation",
                "Complete the assessment",
                "Decide whether the product is affected and record the assessment (state, clinical risk, action).".to_string(),
            ),
        };
        let mut remediation = json!({
            "uuid": key(&["remediation", &item.id]),
            "lifecycle": lifecycle,
            "title": title,
            "description": description,
            "origins": [{ "actors": [{ "type": "party", "actor-uuid": manufacturer_uuid }] }],
        });
        if !tasks.is_empty() {
            remediation["tasks"] = json!(tasks);
        }
        risk["remediations"] = json!([remediation]);
        risks.push(risk);
        items.push(json!({
            "uuid": key(&["poam-item", &item.id]),
            "title": format!("Resolve {} in {system}", one_line(&item.vuln)),
            "description": match &item.state {
                ItemState::UnderInvestigation => format!("{} is under investigation ({clinical} clinical risk); finish the assessment and plan the response.", item.vuln),
                ItemState::Affected { action } => format!("{} affects {system} ({clinical} clinical risk): {}", item.vuln, one_line(action)),
            },
            "props": [prop("assessment", &item.id), prop("vulnerability", &item.vuln)],
            "origins": [{ "actors": [{ "type": "party", "actor-uuid": manufacturer_uuid }] }],
            "related-risks": [{ "risk-uuid": risk_uuid }],
        }));
    }
    let mut parties = vec![json!({
        "uuid": manufacturer_uuid,
        "type": "organization",
        "name": one_line(&plan.manufacturer),
    })];
    for s in sources {
        parties.push(json!({
            "uuid": party_of(s),
            "type": "organization",
            "name": s.party_name(),
            "props": [prop("score-source", s.name())],
        }));
    }
    let mut meta_props = vec![prop("product", &plan.product), prop("source", "postmarket")];
    if let Some(c) = &plan.certificate {
        meta_props.push(prop("certificate", c));
    }
    Ok(json!({
        "plan-of-action-and-milestones": {
            "uuid": key(&["poam"]),
            "metadata": {
                "title": format!("Plan of action and milestones for {system}: open postmarket items"),
                "last-modified": last_modified,
                "version": one_line(&plan.version),
                "oscal-version": OSCAL_VERSION,
                "props": meta_props,
                "parties": parties,
            },
            "system-id": { "identifier-type": "https://ietf.org/rfc/rfc4122", "id": key(&["system"]) },
            "risks": risks,
            "poam-items": items,
        }
    }))
}
