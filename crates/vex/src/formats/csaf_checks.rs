//! The CSAF 2.0 mandatory tests 6.1.1–6.1.7 (OASIS CSAF 2.0 §6.1), run on every CSAF document
//! dtsec imports and on every one it writes (in the tests): a document that fails one is not a
//! valid CSAF document even when it passes the schema.
//!
//! - 6.1.1 every product id used is defined in the product tree;
//! - 6.1.2 no product id is defined twice;
//! - 6.1.3 no relationship defines a product in terms of itself (directly or in a cycle);
//! - 6.1.4 every product group id used is defined;
//! - 6.1.5 no product group id is defined twice;
//! - 6.1.6 no product is in two contradicting status groups (affected, not affected, fixed,
//!   under investigation) of one vulnerability;
//! - 6.1.7 no product has two scores of the same CVSS version in one vulnerability;
//! - 6.1.14 the revision history is sorted by date (and number), 6.1.16 its newest number is
//!   `tracking.version`, 6.1.21 the integer versions start at 0 or 1 and none between
//!   two listed ones is missing, 6.1.22 none is there
//!   twice (what a notice's revisions must keep; integer versioning, as dtsec writes it);
//! - 6.1.27.4, 6.1.27.5, 6.1.27.11 a security advisory or VEX document has a product tree and
//!   vulnerabilities, each with notes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::VexError;

fn fail(test: &'static str, at: String, message: String) -> VexError {
    VexError::CsafTest { test, at, message }
}

/// Every product id defined in the tree, with its JSON pointer.
fn defined_products(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn branches(v: &Value, path: String, out: &mut Vec<(String, String)>, depth: usize) {
        if depth > 64 {
            return;
        }
        for (i, b) in v.as_array().into_iter().flatten().enumerate() {
            let p = format!("{path}/{i}");
            if let Some(id) = b.pointer("/product/product_id").and_then(Value::as_str) {
                out.push((id.to_string(), format!("{p}/product/product_id")));
            }
            if let Some(sub) = b.get("branches") {
                branches(sub, format!("{p}/branches"), out, depth + 1);
            }
        }
    }
    if let Some(b) = doc.pointer("/product_tree/branches") {
        branches(b, "/product_tree/branches".into(), &mut out, 0);
    }
    for (i, p) in doc
        .pointer("/product_tree/full_product_names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(id) = p.get("product_id").and_then(Value::as_str) {
            out.push((
                id.to_string(),
                format!("/product_tree/full_product_names/{i}/product_id"),
            ));
        }
    }
    for (i, r) in doc
        .pointer("/product_tree/relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(id) = r
            .pointer("/full_product_name/product_id")
            .and_then(Value::as_str)
        {
            out.push((
                id.to_string(),
                format!("/product_tree/relationships/{i}/full_product_name/product_id"),
            ));
        }
    }
    out
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Every product id referenced, with its JSON pointer.
fn used_products(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, g) in doc
        .pointer("/product_tree/product_groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (k, id) in strings(g.get("product_ids")).into_iter().enumerate() {
            out.push((
                id,
                format!("/product_tree/product_groups/{i}/product_ids/{k}"),
            ));
        }
    }
    for (i, r) in doc
        .pointer("/product_tree/relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for key in ["product_reference", "relates_to_product_reference"] {
            if let Some(id) = r.get(key).and_then(Value::as_str) {
                out.push((
                    id.to_string(),
                    format!("/product_tree/relationships/{i}/{key}"),
                ));
            }
        }
    }
    for (i, v) in doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (key, list) in v
            .get("product_status")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (k, id) in strings(Some(list)).into_iter().enumerate() {
                out.push((id, format!("/vulnerabilities/{i}/product_status/{key}/{k}")));
            }
        }
        for (field, ids_key) in [
            ("remediations", "product_ids"),
            ("threats", "product_ids"),
            ("flags", "product_ids"),
            ("scores", "products"),
        ] {
            for (j, item) in v
                .get(field)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (k, id) in strings(item.get(ids_key)).into_iter().enumerate() {
                    out.push((
                        id,
                        format!("/vulnerabilities/{i}/{field}/{j}/{ids_key}/{k}"),
                    ));
                }
            }
        }
    }
    out
}

/// Runs 6.1.1–6.1.7 and returns the first failure.
pub fn run(doc: &Value) -> Result<(), VexError> {
    let defined = defined_products(doc);
    let mut seen = BTreeSet::new();
    for (id, at) in &defined {
        if !seen.insert(id.clone()) {
            return Err(fail(
                "6.1.2",
                at.clone(),
                format!("product id `{id}` is defined more than once"),
            ));
        }
    }
    for (id, at) in used_products(doc) {
        if !seen.contains(&id) {
            return Err(fail(
                "6.1.1",
                at,
                format!("product id `{id}` is used but not defined in the product tree"),
            ));
        }
    }
    // 6.1.3: the relationship graph (new product → the two it is made of) has no cycle.
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rels = doc
        .pointer("/product_tree/relationships")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for r in &rels {
        if let Some(id) = r
            .pointer("/full_product_name/product_id")
            .and_then(Value::as_str)
        {
            let e = edges.entry(id.to_string()).or_default();
            for key in ["product_reference", "relates_to_product_reference"] {
                if let Some(x) = r.get(key).and_then(Value::as_str) {
                    e.push(x.to_string());
                }
            }
        }
    }
    for (i, r) in rels.iter().enumerate() {
        let Some(start) = r
            .pointer("/full_product_name/product_id")
            .and_then(Value::as_str)
        else {
            continue;
        };
        let mut stack: Vec<&str> = edges
            .get(start)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let mut visited = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == start {
                return Err(fail(
                    "6.1.3",
                    format!("/product_tree/relationships/{i}"),
                    format!("product `{start}` is defined in terms of itself"),
                ));
            }
            if visited.insert(n)
                && let Some(next) = edges.get(n)
            {
                stack.extend(next.iter().map(String::as_str));
            }
        }
    }
    // 6.1.4 / 6.1.5: product groups.
    let mut groups = BTreeSet::new();
    for (i, g) in doc
        .pointer("/product_tree/product_groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(id) = g.get("group_id").and_then(Value::as_str)
            && !groups.insert(id.to_string())
        {
            return Err(fail(
                "6.1.5",
                format!("/product_tree/product_groups/{i}/group_id"),
                format!("group id `{id}` is defined more than once"),
            ));
        }
    }
    let vulns = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, v) in vulns.iter().enumerate() {
        for field in ["remediations", "threats", "flags"] {
            for (j, item) in v
                .get(field)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (k, id) in strings(item.get("group_ids")).into_iter().enumerate() {
                    if !groups.contains(&id) {
                        return Err(fail(
                            "6.1.4",
                            format!("/vulnerabilities/{i}/{field}/{j}/group_ids/{k}"),
                            format!("group id `{id}` is used but not defined"),
                        ));
                    }
                }
            }
        }
        // 6.1.6
        let mut group_of: BTreeMap<String, &'static str> = BTreeMap::new();
        for (key, list) in v
            .get("product_status")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let group = match key.as_str() {
                "first_affected" | "known_affected" | "last_affected" => "affected",
                "known_not_affected" => "not affected",
                "first_fixed" | "fixed" => "fixed",
                "under_investigation" => "under investigation",
                _ => continue,
            };
            for (k, id) in strings(Some(list)).into_iter().enumerate() {
                if let Some(other) = group_of.insert(id.clone(), group)
                    && other != group
                {
                    return Err(fail(
                        "6.1.6",
                        format!("/vulnerabilities/{i}/product_status/{key}/{k}"),
                        format!("product `{id}` is both {other} and {group}"),
                    ));
                }
            }
        }
        // 6.1.7
        let mut scored: BTreeSet<(String, String)> = BTreeSet::new();
        for (j, s) in v
            .get("scores")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let mut versions = Vec::new();
            if let Some(x) = s.pointer("/cvss_v2/version").and_then(Value::as_str) {
                versions.push(format!("2:{x}"));
            }
            if let Some(x) = s.pointer("/cvss_v3/version").and_then(Value::as_str) {
                versions.push(format!("3:{x}"));
            }
            for id in strings(s.get("products")) {
                for ver in &versions {
                    if !scored.insert((id.clone(), ver.clone())) {
                        return Err(fail(
                            "6.1.7",
                            format!("/vulnerabilities/{i}/scores/{j}"),
                            format!("product `{id}` has a second CVSS {} score", &ver[2..]),
                        ));
                    }
                }
            }
        }
    }
    tracking(doc)?;
    profile(doc)
}

/// 6.1.14, 6.1.16, 6.1.21 and 6.1.22 for integer versions (a semantic version is left to the
/// schema: dtsec writes integers).
fn tracking(doc: &Value) -> Result<(), VexError> {
    let Some(history) = doc
        .pointer("/document/tracking/revision_history")
        .and_then(Value::as_array)
    else {
        return Ok(());
    };
    let mut numbers = Vec::with_capacity(history.len());
    for r in history {
        let (Some(n), Some(date)) = (
            r.get("number").and_then(Value::as_str),
            r.get("date").and_then(Value::as_str),
        ) else {
            return Ok(());
        };
        let Ok(n) = n.parse::<u64>() else {
            return Ok(());
        };
        let Ok(date) = date.parse::<jiff::Timestamp>() else {
            return Ok(());
        };
        numbers.push((date, n));
    }
    for (k, w) in numbers.windows(2).enumerate() {
        if w[1] < w[0] {
            return Err(fail(
                "6.1.14",
                format!("/document/tracking/revision_history/{}", k + 1),
                "the revision history is not sorted by date".into(),
            ));
        }
    }
    let mut sorted: Vec<u64> = numbers.iter().map(|(_, n)| *n).collect();
    sorted.sort_unstable();
    for w in sorted.windows(2) {
        if w[0] == w[1] {
            return Err(fail(
                "6.1.22",
                "/document/tracking/revision_history".into(),
                format!("version {} is in the revision history twice", w[0]),
            ));
        }
    }
    // 6.1.21: the integer versions start at 0 or 1 and leave no gap up to the newest.
    if let Some(&first) = sorted.first()
        && first > 1
    {
        return Err(fail(
            "6.1.21",
            "/document/tracking/revision_history".into(),
            format!(
                "the revision history starts at version {first}; it must start at 0 or 1 (version {} is missing)",
                first - 1
            ),
        ));
    }
    if let Some(w) = sorted.windows(2).find(|w| w[1] != w[0] + 1) {
        return Err(fail(
            "6.1.21",
            "/document/tracking/revision_history".into(),
            format!("version {} is missing from the revision history", w[0] + 1),
        ));
    }
    let newest = sorted.last().copied();
    let version = doc
        .pointer("/document/tracking/version")
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<u64>().ok());
    if let (Some(newest), Some(version)) = (newest, version)
        && newest != version
    {
        return Err(fail(
            "6.1.16",
            "/document/tracking/version".into(),
            format!("the version is {version} but the newest revision is {newest}"),
        ));
    }
    Ok(())
}

/// 6.1.27.4, 6.1.27.5 and 6.1.27.11: the profile tests shared by `csaf_security_advisory` and
/// `csaf_vex`.
fn profile(doc: &Value) -> Result<(), VexError> {
    let category = doc.pointer("/document/category").and_then(Value::as_str);
    if !matches!(category, Some("csaf_security_advisory" | "csaf_vex")) {
        return Ok(());
    }
    if doc.get("product_tree").is_none() {
        return Err(fail(
            "6.1.27.4",
            "/product_tree".into(),
            "the profile needs a product tree".into(),
        ));
    }
    let vulns = doc.get("vulnerabilities").and_then(Value::as_array);
    if vulns.is_none_or(|v| v.is_empty()) {
        return Err(fail(
            "6.1.27.11",
            "/vulnerabilities".into(),
            "the profile needs vulnerabilities".into(),
        ));
    }
    for (i, v) in vulns.into_iter().flatten().enumerate() {
        if v.get("notes")
            .and_then(Value::as_array)
            .is_none_or(|n| n.is_empty())
        {
            return Err(fail(
                "6.1.27.5",
                format!("/vulnerabilities/{i}/notes"),
                "each vulnerability of the profile needs notes".into(),
            ));
        }
    }
    Ok(())
}
