//! `GET /openapi.json`: the API description, hand-written beside the router and kept in step by
//! a snapshot test (`tests/openapi.rs`).

use axum::Json;
use serde_json::{Value, json};

fn op(summary: &str, tag: &str, auth: bool) -> Value {
    let mut v = json!({
        "summary": summary,
        "tags": [tag],
        "responses": {
            "200": {"description": "OK"},
            "4XX": {"description": "Client error: `{\"error\": message, \"status\": code}`"}
        }
    });
    if auth {
        v["security"] = json!([{"bearer": []}, {"session": []}]);
    }
    v
}

/// The document.
pub fn document() -> Value {
    let id = |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}});
    let filters: Vec<Value> = [
        "q",
        "device_type",
        "manufacturer",
        "package",
        "status",
        "lab",
    ]
    .iter()
    .map(|n| json!({"name": n, "in": "query", "required": false, "schema": {"type": "string"}}))
    .collect();
    let mut devices = op("Certified devices", "public", false);
    devices["parameters"] = json!(filters);
    let mut csv = op(
        "Certified devices as CSV (CC portal columns)",
        "public",
        false,
    );
    csv["parameters"] = json!(filters);
    let with = |mut v: Value, params: Vec<Value>| {
        v["parameters"] = json!(params);
        v
    };
    // The paths in two parts: one `json!` this large exceeds the macro's recursion limit.
    let mut paths = json!({
            "/api/v1/devices": {"get": devices},
            "/api/v1/devices.csv": {"get": csv},
            "/api/v1/devices/{id}": {"get": with(op("One certified device", "public", false), vec![id("id")])},
            "/api/v1/labs": {"get": op("Approved labs", "public", false)},
            "/api/v1/certificates/{id}/status": {
                "get": with(op("Current certificate status", "public", false), vec![id("id")]),
                "post": with(op("Certifier: open-review, suspend, reinstate or revoke", "certification-body", true), vec![id("id")])
            },
            "/certificates/{id}.json": {"get": with(op("The signed certificate (latest revision)", "public", false), vec![id("id")])},
            "/certificates/{id}/pdf": {"get": with(op("The certificate as a one-page PDF with a QR code to its public page", "public", false), vec![id("id")])},
            "/api/v1/devices/{id}/st": {"get": with(op("The Security Target the certificate was issued on (YAML, as submitted)", "public", false), vec![id("id")])},
            "/api/v1/devices/{id}/etr-summary": {"get": with(op("Summary of the accepted ETR: lab, verdict, dates, assurance, work units, findings", "public", false), vec![id("id")])},
            "/certificates/{id}.bundle.json": {"get": with(op("The signed certificate with its log entry and tlog-proof (offline bundle)", "public", false), vec![id("id")])},
            "/api/v1/certificates/{id}/bundle": {"get": with(op("The offline bundle (certificate, log entry, tlog-proof)", "public", false), vec![id("id")])},
            "/api/v1/certificates/{id}/proof": {"get": with(op("A certificate revision's log entry and inclusion proof in the latest checkpoint", "public", false), vec![id("id"), json!({"name": "revision", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}})])},
            "/api/v1/log/consistency": {"get": with(op("Consistency proof between two tree sizes, with the latest checkpoint", "public", false), vec![json!({"name": "from", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 0}}), json!({"name": "to", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}})])},
            "/log/checkpoint": {"get": op("The transparency log's latest signed checkpoint (C2SP signed note, text)", "public", false)},
            "/log/vkey": {"get": op("The transparency log's verifier key (name+id+key)", "public", false)},
            "/log/tile/{path}": {"get": with(op("C2SP tlog-tiles tile or entry bundle (tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>])", "public", false), vec![id("path")])},
            "/api/v1/products": {
                "get": op("Cases the caller may see", "staff", true),
                "post": op("Manufacturer: register a product", "manufacturer", true)
            },
            "/api/v1/products/{id}": {"get": with(op("One case", "staff", true), vec![id("id")])},
            "/api/v1/products/{id}/st": {"post": with(op("Manufacturer: submit the ST (YAML body)", "manufacturer", true), vec![id("id")])},
            "/api/v1/products/{id}/lab": {"post": with(op("Manufacturer: choose an approved lab", "manufacturer", true), vec![id("id")])},
            "/api/v1/products/{id}/evaluation": {"post": with(op("Lab: start the evaluation", "lab", true), vec![id("id")])},
            "/api/v1/products/{id}/etr": {"post": with(op("Lab: submit the sealed ETR bundle (JSON body)", "lab", true), vec![id("id")])},
            "/api/v1/products/{id}/review": {"post": with(op("Certifier: accept or reject the ETR", "certification-body", true), vec![id("id")])},
            "/api/v1/products/{id}/certificate": {"post": with(op("Certifier: issue the certificate", "certification-body", true), vec![id("id")])},
            "/api/v1/labs/{org}/approval": {"post": with(op("Scheme administrator: approve a lab until a date", "admin", true), vec![id("org")])}
    });
    let staff_paths = json!({
            "/api/v1/labs/{org}/application": {"post": with(op("Lab: apply (or re-apply) for approval", "lab", true), vec![id("org")])},
            "/api/v1/labs/{org}/key": {"post": with(op("Lab: register the ETR signing key (SPKI PEM body or `public_key` field)", "lab", true), vec![id("org")])},
            "/api/v1/labs/{org}/suspension": {"post": with(op("Scheme administrator: suspend a lab", "admin", true), vec![id("org")])},
            "/api/v1/labs/{org}/withdrawal": {"post": with(op("Scheme administrator: withdraw a lab's approval or application", "admin", true), vec![id("org")])},
            "/api/v1/organisations": {
                "get": op("Scheme administrator: every organisation", "admin", true),
                "post": op("Scheme administrator: create an organisation (kind, name)", "admin", true)
            },
            "/api/v1/users": {
                "get": op("Scheme administrator: every account (organisation, disabled, live sessions)", "admin", true),
                "post": op("Scheme administrator: create a user (email, name, role, org_id, password)", "admin", true)
            },
            "/api/v1/users/{id}/deactivation": {"post": with(op("Scheme administrator: disable an account (its sessions end, its tokens stop working)", "admin", true), vec![id("id")])},
            "/api/v1/users/{id}/password": {"post": with(op("Scheme administrator: set a user's forgotten password (password); their sessions end", "admin", true), vec![id("id")])},
            "/api/v1/users/{id}/reactivation": {"post": with(op("Scheme administrator: enable a disabled account again", "admin", true), vec![id("id")])},
            "/api/v1/certificates/{id}/impact-analyses": {"post": with(op("Manufacturer: file an impact analysis for a new version (classified minor or major)", "manufacturer", true), vec![id("id")])},
            "/api/v1/maintenance": {"get": op("Certifier: impact analyses awaiting a decision", "certification-body", true)},
            "/api/v1/maintenance/{id}/extension": {"post": with(op("Certifier: extend the certificate to a minor change's new version", "certification-body", true), vec![id("id")])},
            "/api/v1/certificates/archive": {"post": op("Certifier: archive certificates past their validity period", "certification-body", true)},
            "/api/v1/audit": {"get": with(op("Audit trail: latest records, or one record's history", "admin", true), ["entity", "entity_id", "limit"].iter().map(|n| json!({"name": n, "in": "query", "required": false, "schema": {"type": "string"}})).collect())},
            "/api/v1/account/password": {"post": op("Change your own password (current_password, new_password); your other sessions end", "staff", true)},
            "/api/v1/tokens": {"post": op("Create an API token (shown once)", "staff", true)},
            "/api/v1/tokens/password": {"post": op("Create an API token with e-mail and password (JSON; shown once; throttled)", "staff", false)}
    });
    if let (Some(p), Some(more)) = (paths.as_object_mut(), staff_paths.as_object()) {
        p.extend(more.clone());
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "dtsec certification registry", "version": env!("CARGO_PKG_VERSION")},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": crate::session::SESSION_COOKIE}
        }},
        "paths": paths
    })
}

/// The handler.
pub async fn show() -> Json<Value> {
    Json(document())
}
