//! `GET /openapi.json`: the API description, hand-written beside the router and kept in step by
//! a snapshot test (`tests/public.rs`). Request bodies are generated from the handlers' own
//! parameter types (`schemars`), so a field renamed in code is renamed here too.

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

/// A JSON Schema for `T`, self-contained (no `$ref`s into a `$defs` the OpenAPI document would
/// not resolve).
fn schema<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut v = generator.into_root_schema_for::<T>().to_value();
    if let Some(o) = v.as_object_mut() {
        o.remove("$schema");
    }
    v
}

/// A body of fields: JSON, or a browser's form (same fields).
fn fields<T: schemars::JsonSchema>() -> Value {
    let s = schema::<T>();
    json!({"required": true, "content": {
        "application/json": {"schema": s},
        "application/x-www-form-urlencoded": {"schema": s}
    }})
}

/// A document sent as the raw body (`media`), or as the form field `field` (a file upload or a
/// text area).
fn document_body(media: &str, field: &str, what: &str) -> Value {
    let form = json!({"type": "object", "required": [field], "properties": {field: {"type": "string", "description": what}}});
    json!({"required": true, "description": what, "content": {
        media: {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": form},
        "application/x-www-form-urlencoded": {"schema": form}
    }})
}

/// The request bodies, by path and method.
fn request_bodies() -> Vec<(&'static str, &'static str, Value)> {
    use super::{certificates, labs, maintenance, organisations, products, tokens, users};
    vec![
        (
            "/api/v1/products",
            "post",
            fields::<products::create::CreateProductParams>(),
        ),
        (
            "/api/v1/products/{id}/st",
            "post",
            document_body(
                "application/yaml",
                "st",
                "The Security Target (dtsec YAML or NIAP XML)",
            ),
        ),
        (
            "/api/v1/products/{id}/lab",
            "post",
            fields::<products::choose_lab::ChooseLabParams>(),
        ),
        (
            "/api/v1/products/{id}/etr",
            "post",
            document_body(
                "application/json",
                "bundle",
                "The sealed ETR bundle from `dtsec eval seal`",
            ),
        ),
        (
            "/api/v1/products/{id}/review",
            "post",
            fields::<products::review::ReviewParams>(),
        ),
        (
            "/api/v1/certificates/{id}/status",
            "post",
            fields::<certificates::change_status::ChangeStatusParams>(),
        ),
        (
            "/api/v1/certificates/{id}/impact-analyses",
            "post",
            json!({"required": true, "content": {"application/json": {"schema": schema::<maintenance::file::ImpactAnalysisParams>()}}}),
        ),
        (
            "/api/v1/labs/{org}/approval",
            "post",
            fields::<labs::approve::ApproveParams>(),
        ),
        (
            "/api/v1/labs/{org}/key",
            "post",
            document_body(
                "application/x-pem-file",
                "public_key",
                "The lab's Ed25519 public key, SPKI PEM (the .pub file `dtsec keys new` writes)",
            ),
        ),
        (
            "/api/v1/organisations",
            "post",
            fields::<organisations::create::CreateOrganisationParams>(),
        ),
        (
            "/api/v1/users",
            "post",
            fields::<users::create::CreateUserParams>(),
        ),
        (
            "/api/v1/users/{id}/password",
            "post",
            fields::<users::password::SetParams>(),
        ),
        (
            "/api/v1/account/password",
            "post",
            fields::<users::password::ChangeOwnParams>(),
        ),
        (
            "/api/v1/tokens",
            "post",
            fields::<tokens::create::CreateTokenParams>(),
        ),
        (
            "/api/v1/tokens/password",
            "post",
            json!({"required": true, "content": {"application/json": {"schema": schema::<tokens::password::PasswordTokenParams>()}}}),
        ),
    ]
}

/// A JSON answer of type `T`.
fn answer<T: schemars::JsonSchema>() -> Value {
    json!({"description": "OK", "content": {"application/json": {"schema": schema::<T>()}}})
}

/// The JSON answers, by path and method: the registry's own types, so the document says what
/// the handlers really return.
fn responses() -> Vec<(&'static str, &'static str, Value)> {
    use super::certificates::status::StatusResponse;
    use dtsec_registry::{
        AuditEntry, CertificateProof, CertificateRecord, ConsistencyProof, DeviceDetail,
        DeviceSummary, EtrSummary, Lab, MaintenanceRecord, Organisation, Product, User,
        UserAccount,
    };
    let products = [
        "/api/v1/products",
        "/api/v1/products/{id}/st",
        "/api/v1/products/{id}/lab",
        "/api/v1/products/{id}/evaluation",
        "/api/v1/products/{id}/etr",
        "/api/v1/products/{id}/review",
    ];
    let labs = [
        "/api/v1/labs/{org}/approval",
        "/api/v1/labs/{org}/application",
        "/api/v1/labs/{org}/key",
        "/api/v1/labs/{org}/suspension",
        "/api/v1/labs/{org}/withdrawal",
    ];
    let mut v = vec![
        ("/api/v1/devices", "get", answer::<Vec<DeviceSummary>>()),
        ("/api/v1/devices/{id}", "get", answer::<DeviceDetail>()),
        (
            "/api/v1/devices/{id}/etr-summary",
            "get",
            answer::<EtrSummary>(),
        ),
        ("/api/v1/labs", "get", answer::<Vec<Lab>>()),
        (
            "/api/v1/certificates/{id}/status",
            "get",
            answer::<StatusResponse>(),
        ),
        (
            "/api/v1/certificates/{id}/status",
            "post",
            answer::<CertificateRecord>(),
        ),
        (
            "/api/v1/products/{id}/certificate",
            "post",
            answer::<CertificateRecord>(),
        ),
        (
            "/api/v1/certificates/{id}/proof",
            "get",
            answer::<CertificateProof>(),
        ),
        (
            "/api/v1/log/consistency",
            "get",
            answer::<ConsistencyProof>(),
        ),
        ("/api/v1/products", "get", answer::<Vec<Product>>()),
        ("/api/v1/products/{id}", "get", answer::<Product>()),
        (
            "/api/v1/organisations",
            "get",
            answer::<Vec<Organisation>>(),
        ),
        ("/api/v1/organisations", "post", answer::<Organisation>()),
        ("/api/v1/users", "get", answer::<Vec<UserAccount>>()),
        ("/api/v1/users", "post", answer::<User>()),
        (
            "/api/v1/users/{id}/deactivation",
            "post",
            answer::<UserAccount>(),
        ),
        (
            "/api/v1/users/{id}/reactivation",
            "post",
            answer::<UserAccount>(),
        ),
        (
            "/api/v1/maintenance",
            "get",
            answer::<Vec<MaintenanceRecord>>(),
        ),
        (
            "/api/v1/certificates/{id}/impact-analyses",
            "post",
            answer::<MaintenanceRecord>(),
        ),
        (
            "/api/v1/maintenance/{id}/extension",
            "post",
            answer::<CertificateRecord>(),
        ),
        ("/api/v1/audit", "get", answer::<Vec<AuditEntry>>()),
    ];
    v.extend(products.iter().map(|p| (*p, "post", answer::<Product>())));
    v.extend(labs.iter().map(|p| (*p, "post", answer::<Lab>())));
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
    for (path, method, body) in request_bodies() {
        if let Some(op) = paths.get_mut(path).and_then(|p| p.get_mut(method)) {
            op["requestBody"] = body;
        }
    }
    for (path, method, answer) in responses() {
        if let Some(op) = paths.get_mut(path).and_then(|p| p.get_mut(method)) {
            op["responses"]["200"] = answer;
        }
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

#[cfg(test)]
mod tests {
    use super::{document, request_bodies};

    #[test]
    fn every_answer_belongs_to_a_described_operation() {
        let d = document();
        for (path, method, answer) in super::responses() {
            assert!(
                d["paths"][path][method].is_object(),
                "{method} {path} is not described"
            );
            assert_eq!(d["paths"][path][method]["responses"]["200"], answer);
        }
    }

    #[test]
    fn every_request_body_belongs_to_a_described_operation() {
        let d = document();
        for (path, method, body) in request_bodies() {
            assert!(
                d["paths"][path][method].is_object(),
                "{method} {path} is not described"
            );
            assert_eq!(d["paths"][path][method]["requestBody"], body);
        }
    }
}
