//! NIST CSF 2.0 as a framework catalogue, derived from NIST's OSCAL catalogue.
//!
//! Why derived and committed: the CSF ids are NIST's facts and must not be typed by hand, but
//! reading the 350 KB OSCAL file at run time would make every `dtsec map` depend on a file
//! outside the binary. [`from_oscal`] turns the OSCAL JSON into the compact catalogue committed
//! as `data/frameworks/csf-2.0.json`; a test regenerates it from `../shared` and fails when the
//! committed file differs (`DTSEC_REGENERATE=1` rewrites it).
//!
//! The OSCAL catalogue keeps CSF 1.1's withdrawn categories and subcategories (ID.BE, PR.AC-01,
//! …) with `props: status = withdrawn` and `moved_to` / `incorporated_into` links: they are kept
//! here as withdrawn items so that a mapping to one is recognised as such (DT-MAP-002). Several
//! `sort-id`s repeat, so items are ordered by sort-id and then by id.

use serde_json::Value;

use crate::error::RegulatoryError;
use crate::framework::{Framework, FrameworkItem, ItemStatus, Successor};

/// Upper bound on items read from the OSCAL catalogue (CSF 2.0 has 225): a malformed input
/// cannot make the derivation allocate without bound.
pub const MAX_ITEMS: usize = 2_000;

/// Derives the compact CSF catalogue from the OSCAL catalogue's JSON text.
pub fn from_oscal(json: &str) -> Result<Framework, RegulatoryError> {
    let root: Value =
        serde_json::from_str(json).map_err(|e| RegulatoryError::Oscal(e.to_string()))?;
    let catalog = root
        .get("catalog")
        .ok_or_else(|| RegulatoryError::Oscal("no `catalog` object at /catalog".into()))?;
    let meta = catalog
        .get("metadata")
        .ok_or_else(|| RegulatoryError::Oscal("no /catalog/metadata".into()))?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    let mut sorted: Vec<(String, FrameworkItem)> = Vec::new();
    let groups = catalog
        .get("groups")
        .and_then(Value::as_array)
        .ok_or_else(|| RegulatoryError::Oscal("no /catalog/groups array".into()))?;
    for (gi, group) in groups.iter().enumerate() {
        push(
            &mut sorted,
            group,
            None,
            "function",
            &format!("/catalog/groups/{gi}"),
        )?;
        let gid = text(group.get("id"));
        for (ci, control) in array(group, "controls").iter().enumerate() {
            let at = format!("/catalog/groups/{gi}/controls/{ci}");
            push(&mut sorted, control, Some(&gid), "category", &at)?;
            let cid = text(control.get("id"));
            for (si, sub) in array(control, "controls").iter().enumerate() {
                push(
                    &mut sorted,
                    sub,
                    Some(&cid),
                    "subcategory",
                    &format!("{at}/controls/{si}"),
                )?;
            }
        }
    }
    sorted.sort_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
    Ok(Framework {
        id: "csf-2.0".into(),
        title: text(meta.get("title")),
        version: "2.0".into(),
        date: "2024-02-26".into(),
        source: format!(
            "usnistgov/oscal-content nist.gov/CSF/v2.0/json/NIST_CSF_v2.0_catalog.json (catalogue version {}, last modified {})",
            text(meta.get("version")),
            text(meta.get("last-modified"))
        ),
        licence: "NIST work: public domain in the US, CC0-1.0 elsewhere".into(),
        items: sorted.into_iter().map(|(_, item)| item).collect(),
    })
}

/// The compact catalogue as committed: one item per line, so a diff shows what NIST changed.
pub fn to_compact_json(framework: &Framework) -> String {
    let mut head = serde_json::Map::new();
    for (k, v) in [
        ("id", &framework.id),
        ("title", &framework.title),
        ("version", &framework.version),
        ("date", &framework.date),
        ("source", &framework.source),
        ("licence", &framework.licence),
    ] {
        head.insert(k.into(), Value::String(v.clone()));
    }
    let mut out = String::from("{\n");
    for (k, v) in &head {
        out.push_str(&format!("  {}: {},\n", Value::String(k.clone()), v));
    }
    out.push_str("  \"items\": [\n");
    let lines: Vec<String> = framework
        .items
        .iter()
        .map(|i| format!("    {}", serde_json::to_string(i).unwrap_or_default()))
        .collect();
    out.push_str(&lines.join(",\n"));
    out.push_str("\n  ]\n}\n");
    out
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn push(
    out: &mut Vec<(String, FrameworkItem)>,
    v: &Value,
    parent: Option<&str>,
    kind: &str,
    at: &str,
) -> Result<(), RegulatoryError> {
    if out.len() >= MAX_ITEMS {
        return Err(RegulatoryError::Oscal(format!(
            "more than {MAX_ITEMS} groups and controls; not the CSF catalogue"
        )));
    }
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| RegulatoryError::Oscal(format!("{at}: no `id`")))?
        .to_string();
    let prop = |name: &str| {
        array(v, "props")
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|p| p.get("value").and_then(Value::as_str))
    };
    let sort_id = prop("sort-id").unwrap_or_default().to_string();
    let status = if prop("status") == Some("withdrawn") {
        ItemStatus::Withdrawn
    } else {
        ItemStatus::Active
    };
    // Subcategories' titles are their ids; their statement is the words a reader needs.
    let statement = array(v, "parts")
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("statement"))
        .and_then(|p| p.get("prose").and_then(Value::as_str));
    let title = match (kind, statement) {
        ("subcategory", Some(s)) => s.to_string(),
        _ => v
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    };
    let successors = array(v, "links")
        .iter()
        .filter_map(|l| {
            let rel = l.get("rel").and_then(Value::as_str)?;
            let href = l.get("href").and_then(Value::as_str)?;
            matches!(rel, "moved_to" | "incorporated_into").then(|| Successor {
                rel: rel.to_string(),
                id: href.trim_start_matches('#').to_string(),
            })
        })
        .collect();
    out.push((
        sort_id,
        FrameworkItem {
            id,
            kind: kind.to_string(),
            parent: parent.map(str::to_string),
            title,
            status,
            successors,
        },
    ));
    Ok(())
}
