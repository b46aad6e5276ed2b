//! A published vulnerability notice as one CSAF 2.0 document, in the profile its assessment
//! calls for, with the revision history a notice accumulates.
//!
//! Why two profiles: CSAF's `csaf_vex` (profile 5) states a product's status, which is all a
//! reader needs when the device is not affected or already fixed; a device that *is* affected
//! (the manufacturer's state `affected`, or a clinical judgement of uncontrolled risk) calls for
//! a `csaf_security_advisory` (profile 4): a document hospitals act on, with the remediation,
//! the threat to patients and a summary in its notes (design notes §8). A notice keeps its
//! profile once it is an advisory: the revision that says "fixed" closes the advisory rather
//! than turning it into another kind of document.
//!
//! Why revisions here: a notice is never rewritten (CSAF 2.0 §3.2.1.12.6 `revision_history`);
//! a changed assessment makes a new revision with the next `tracking.version`, the whole
//! history, and the status `interim` while the device is still affected without a fix
//! (more is expected) or `final` once the statement is settled.

use serde_json::{Value, json};

use super::{DocMeta, csaf};
use crate::assessment::{Assessment, Risk, State};

/// The CSAF profile of a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeCategory {
    /// `csaf_vex`: the product status only.
    Vex,
    /// `csaf_security_advisory`: an affected device, with remediations and threats.
    SecurityAdvisory,
}

impl NoticeCategory {
    /// The profile an assessment calls for: an advisory when the device is affected or its
    /// clinical risk is uncontrolled, else VEX.
    pub fn of(a: &Assessment) -> NoticeCategory {
        let uncontrolled = a
            .clinical
            .as_ref()
            .is_some_and(|c| c.risk == Risk::Uncontrolled);
        let settled_otherwise =
            matches!(a.status, State::NotAffected { .. } | State::FalsePositive);
        if matches!(a.status, State::Affected { .. }) || (uncontrolled && !settled_otherwise) {
            NoticeCategory::SecurityAdvisory
        } else {
            NoticeCategory::Vex
        }
    }

    /// The CSAF `document.category`.
    pub fn name(self) -> &'static str {
        match self {
            NoticeCategory::Vex => "csaf_vex",
            NoticeCategory::SecurityAdvisory => "csaf_security_advisory",
        }
    }

    /// Reads a stored `document.category`.
    pub fn parse(s: &str) -> Option<NoticeCategory> {
        match s {
            "csaf_vex" => Some(NoticeCategory::Vex),
            "csaf_security_advisory" => Some(NoticeCategory::SecurityAdvisory),
            _ => None,
        }
    }
}

/// CSAF `tracking.status` of a published revision: `interim` while the device is affected and
/// no fix is distributed (the notice is expected to change), `final` otherwise.
pub fn tracking_status(a: &Assessment) -> &'static str {
    if matches!(a.status, State::Affected { .. }) && a.dates.fix_distributed.is_none() {
        "interim"
    } else {
        "final"
    }
}

/// One entry of `tracking.revision_history`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// 1, 2, … (integer versioning, CSAF 2.0 §3.1.11.1).
    pub number: u32,
    /// When it was published (RFC 3339).
    pub date: String,
    /// What changed.
    pub summary: String,
}

/// Everything a notice says about itself besides the assessment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeMeta {
    /// The publisher (the scheme, a coordinator).
    pub publisher: String,
    /// The publisher's namespace URL.
    pub namespace: String,
    /// `tracking.id`.
    pub id: String,
    /// `document.title`.
    pub title: String,
    /// The revisions, oldest first, the last being the one this document is.
    pub revisions: Vec<Revision>,
    /// `document.references` (self, the device page).
    pub references: Vec<Value>,
}

/// The notice's document: the assessment in the profile `category`, with `meta`'s tracking.
/// `None` when `meta.revisions` is empty or a date is not RFC 3339.
pub fn notice(a: &Assessment, category: NoticeCategory, meta: &NoticeMeta) -> Option<Value> {
    let first = meta.revisions.first()?;
    let current = meta.revisions.last()?;
    let timestamp: jiff::Timestamp = current.date.parse().ok()?;
    let mut doc = csaf::export(
        std::slice::from_ref(a),
        &DocMeta {
            author: meta.publisher.clone(),
            namespace: meta.namespace.clone(),
            id: meta.id.clone(),
            version: current.number,
            timestamp,
        },
    );
    let d = doc.get_mut("document")?.as_object_mut()?;
    d.insert("category".into(), json!(category.name()));
    d.insert(
        "publisher".into(),
        json!({"category": "coordinator", "name": meta.publisher, "namespace": meta.namespace}),
    );
    d.insert("title".into(), json!(meta.title));
    d.insert(
        "distribution".into(),
        json!({"tlp": {"label": "WHITE", "url": "https://www.first.org/tlp/"}}),
    );
    d.insert("references".into(), json!(meta.references));
    d.insert(
        "tracking".into(),
        json!({
            "id": meta.id,
            "status": tracking_status(a),
            "version": current.number.to_string(),
            "initial_release_date": first.date,
            "current_release_date": current.date,
            "revision_history": meta.revisions.iter().map(|r| json!({
                "date": r.date, "number": r.number.to_string(), "summary": r.summary,
            })).collect::<Vec<_>>(),
            "generator": {"engine": {"name": "dtsec"}},
        }),
    );
    if category == NoticeCategory::SecurityAdvisory {
        advisory_parts(&mut doc, a);
    }
    Some(doc)
}

/// What an advisory adds to the status: the summary and the manufacturer's role in the document
/// notes, the vulnerability's title, its clinical threat, and the fix as a remediation.
fn advisory_parts(doc: &mut Value, a: &Assessment) {
    let product = format!("{} {}", a.product.name, a.product.version);
    let summary = match &a.status {
        State::Affected { action, .. } => format!(
            "{product} is affected by {}. What users should do: {action}",
            a.vuln.id
        ),
        State::Fixed { .. } => format!("{product} is fixed for {}.", a.vuln.id),
        State::UnderInvestigation => format!(
            "{product} may be affected by {}; the manufacturer is investigating.",
            a.vuln.id
        ),
        State::NotAffected { .. } | State::FalsePositive => {
            format!("{product} is not affected by {}.", a.vuln.id)
        }
    };
    if let Some(d) = doc.get_mut("document").and_then(Value::as_object_mut) {
        d.insert(
            "notes".into(),
            json!([
                {"category": "summary", "title": "Summary", "text": summary},
                {"category": "general", "title": "About this advisory", "text": "The certification body publishes this advisory from the manufacturer's assessment of a vulnerability in a certified device's components, recorded in dtsec. The statement, the clinical judgement and the remediation are the manufacturer's."},
                {"category": "legal_disclaimer", "title": "Terms", "text": "Follow the manufacturer's instructions for use and your organisation's procedures before changing a medical device."},
            ]),
        );
    }
    let Some(v) = doc
        .pointer_mut("/vulnerabilities/0")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    v.insert("title".into(), json!(a.vuln.id));
    let ids: Vec<Value> = v
        .get("product_status")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(Value::as_array)
        .flatten()
        .cloned()
        .collect();
    if let Some(c) = &a.clinical {
        let risk = match c.risk {
            Risk::Controlled => "controlled",
            Risk::Uncontrolled => "uncontrolled",
        };
        let harm = serde_json::to_value(c.severity_of_harm).unwrap_or(Value::Null);
        let exploitability = serde_json::to_value(c.exploitability).unwrap_or(Value::Null);
        let details = format!(
            "Clinical risk {risk}: essential clinical performance {}affected, severity of harm {}, exploitability {}. {}",
            if c.essential_performance_affected {
                ""
            } else {
                "not "
            },
            harm.as_str().unwrap_or("unknown"),
            exploitability.as_str().unwrap_or("unknown"),
            c.rationale
        );
        if !matches!(a.status, State::NotAffected { .. } | State::FalsePositive) {
            v.insert(
                "threats".into(),
                json!([{"category": "impact", "details": details, "product_ids": ids}]),
            );
        }
    }
    if matches!(a.status, State::Fixed { .. }) {
        let details = match a.dates.fix_distributed {
            Some(d) => format!("Fixed in {product}; the fix was distributed on {d}."),
            None => format!("Fixed in {product}."),
        };
        let mut rem = json!({"category": "vendor_fix", "details": details, "product_ids": ids});
        if let Some(d) = a.dates.fix_distributed {
            rem["date"] = json!(format!("{d}T00:00:00Z"));
        }
        v.insert("remediations".into(), json!([rem]));
    }
}
