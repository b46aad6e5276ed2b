//! The demo's postmarket data (issue 13): an SBOM for the Acme Nimbus System, a small set of our
//! own fictional OSV advisories (ids in OSV's private `x_` form), the manufacturer's assessment of
//! the one that affects it, and the certification body's notice about it — so `dtsec serve
//! --demo` shows the device page's security posture, a notice in the CSAF directory and the
//! feeds, and the certification body's queue (an unassessed, unevaluable GIT-only advisory).
//!
//! Why fictional: the demo must not claim that a real package has a vulnerability; every name
//! here is invented and every advisory says so.

use serde_json::json;

use crate::authz::Actor;
use crate::error::{RegistryError, Result};
use crate::store::{CsafPublisher, Store};

/// The product the demo's postmarket data is about.
const PRODUCT: &str = "Acme Nimbus System";
/// The SBOM's serial number.
const SERIAL: &str = "urn:uuid:6c1e8b5f-9d20-4d72-8a1f-3e4d5f607182";
/// The registry's namespace in the demo's notices (the demo does not know the URL it is served
/// at).
pub const DEMO_CSAF_NAMESPACE: &str = "https://registry.demo.invalid";

fn sbom() -> serde_json::Value {
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": SERIAL,
        "version": 1,
        "metadata": {
            "component": {
                "type": "firmware",
                "bom-ref": "nimbus-system-fw",
                "name": "Acme Nimbus System firmware (fictional)",
                "version": "3.0",
                "externalReferences": [
                    {"type": "security-contact", "url": "mailto:psirt@acme.demo.invalid"}
                ]
            }
        },
        "components": [
            {
                "type": "library", "bom-ref": "ble-stack", "name": "nimbus-ble", "version": "1.4.2",
                "purl": "pkg:cargo/nimbus-ble@1.4.2",
                "properties": [
                    {"name": "dtsec:support-level", "value": "actively-maintained"},
                    {"name": "dtsec:end-of-support", "value": "2030-12-31"}
                ]
            },
            {
                "type": "library", "bom-ref": "dose-math", "name": "dose-math", "version": "0.9.1",
                "purl": "pkg:cargo/dose-math@0.9.1",
                "properties": [
                    {"name": "dtsec:support-level", "value": "actively-maintained"},
                    {"name": "dtsec:end-of-support", "value": "2029-06-30"}
                ]
            },
            {
                "type": "library", "bom-ref": "tinycrypt", "name": "tinycrypt", "version": "v0.2.8",
                "purl": "pkg:github/acme-example/tinycrypt@v0.2.8",
                "externalReferences": [{"type": "vcs", "url": "https://github.com/acme-example/tinycrypt"}],
                "properties": [{"name": "dtsec:support-level", "value": "limited"}]
            }
        ],
        "dependencies": [
            {"ref": "nimbus-system-fw", "dependsOn": ["ble-stack", "dose-math", "tinycrypt"]},
            {"ref": "ble-stack", "dependsOn": []},
            {"ref": "dose-math", "dependsOn": []},
            {"ref": "tinycrypt", "dependsOn": []}
        ]
    })
}

fn advisories() -> Vec<serde_json::Value> {
    vec![
        json!({
            "schema_version": "1.7.0",
            "id": "x_DTSEC-DEMO-0001",
            "modified": "2024-01-10T00:00:00Z",
            "published": "2024-01-10T00:00:00Z",
            "summary": "Fictional demo advisory: pairing key confusion in nimbus-ble before 1.4.3",
            "details": "Invented for the dtsec demo: nimbus-ble accepts a reflected public key during pairing. Fixed in 1.4.3.",
            "affected": [{
                "package": {"ecosystem": "crates.io", "name": "nimbus-ble"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.2.0"}, {"fixed": "1.4.3"}]}]
            }]
        }),
        json!({
            "schema_version": "1.7.0",
            "id": "x_DTSEC-DEMO-0002",
            "modified": "2024-01-11T00:00:00Z",
            "published": "2024-01-11T00:00:00Z",
            "summary": "Fictional demo advisory: timing leak in tinycrypt's ECDH",
            "details": "Invented for the dtsec demo, known only by commits of the library's repository: dtsec reports it as unevaluable, not as clean.",
            "affected": [{
                "ranges": [{
                    "type": "GIT",
                    "repo": "https://github.com/acme-example/tinycrypt",
                    "events": [{"introduced": "0"}, {"fixed": "4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"}]
                }]
            }]
        }),
        json!({
            "schema_version": "1.7.0",
            "id": "x_DTSEC-DEMO-0003",
            "modified": "2024-01-12T00:00:00Z",
            "published": "2024-01-12T00:00:00Z",
            "summary": "Fictional demo advisory: rounding error in dose-math 0.7",
            "details": "Invented for the dtsec demo; it does not affect the version the device uses (0.9.1).",
            "affected": [{
                "package": {"ecosystem": "crates.io", "name": "dose-math"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.7.0"}, {"fixed": "0.8.0"}]}]
            }]
        }),
    ]
}

/// Loads the postmarket demo onto the demo's Acme Nimbus System certificate: the manufacturer
/// uploads the SBOM, the certification body syncs the advisories, the manufacturer assesses the
/// one that matches (affected, controlled risk, update available) and the certification body
/// publishes its notice. The GIT-only advisory stays unassessed.
pub(super) async fn load(
    store: &Store,
    manufacturer: &Actor,
    certifier: &Actor,
    certificates: &[String],
) -> Result<()> {
    let mut cert = None;
    for id in certificates {
        let c = store.certificate(id).await?;
        if c.product_name == PRODUCT && c.status == "active" {
            cert = Some(c);
        }
    }
    let cert = cert.ok_or_else(|| {
        RegistryError::invalid(format!("demo: no active certificate of {PRODUCT}"))
    })?;
    let id = &cert.certificate_id;
    store
        .upload_sbom(manufacturer, id, sbom().to_string().as_bytes())
        .await?;
    let entries = advisories()
        .into_iter()
        .map(|a| {
            let name = format!("{}.json", a["id"].as_str().unwrap_or("record"));
            dtsec_advisories::import::Entry::File(name, a.to_string().into_bytes())
        })
        .collect();
    store.sync_advisories(certifier, entries).await?;
    let today = store.clock().today().to_string();
    let assessment: dtsec_vex::Assessment = serde_json::from_value(json!({
        "vuln": {"id": "x_DTSEC-DEMO-0001", "aliases": []},
        "product": {"name": cert.product_name, "version": cert.product_version,
                    "sbom_serial": SERIAL, "sbom_version": 1},
        "components": [{"bom_ref": "ble-stack", "purl": "pkg:cargo/nimbus-ble@1.4.2"}],
        "status": {"state": "affected",
                   "action": "Install system update 3.0.1 (nimbus-ble 1.4.3); until then keep pairing mode off.",
                   "responses": ["update"]},
        "clinical": {"essential_performance_affected": false, "severity_of_harm": "minor",
                     "exploitability": "low", "risk": "controlled",
                     "rationale": "Pairing needs a button press on the device and the dose limits still apply."},
        "dates": {"aware": today, "assessed": today},
        "regulatory": {"isao_member": true, "serious_adverse_events_known": false}
    }))
    .map_err(|e| RegistryError::invalid(format!("demo assessment: {e}")))?;
    store
        .record_assessment(manufacturer, id, assessment)
        .await?;
    let publisher = CsafPublisher {
        name: store.config().scheme_name.clone(),
        namespace: DEMO_CSAF_NAMESPACE.into(),
    };
    store
        .publish_notice(certifier, id, "x_DTSEC-DEMO-0001", &publisher)
        .await?;
    Ok(())
}
