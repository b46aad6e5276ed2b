//! Every built-in document (`crates/model/builtin/*.yaml`) exported as NIAP XML re-imports and
//! checks clean with the built-in library (nothing the checker needs is lost in the round
//! trip), keeps its id and version, and still validates against NIAP's RELAX NG schemas.

use std::path::PathBuf;

use dtsec_check::{CheckInput, Severity, check};
use dtsec_model::{DocumentKind, Library, SourceFile};

const BUILTINS: [&str; 8] = [
    "cdd-pp.yaml",
    "cdd-eb.yaml",
    "cdd-moderate.yaml",
    "cdd-pp-2.0.yaml",
    "cdd-eb-2.0.yaml",
    "cdd-moderate-2.0.yaml",
    "cdd-cloud-2.0.yaml",
    "cdd-app-2.0.yaml",
];

fn schema_for(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::PpModule => "CCModule.rng",
        DocumentKind::FunctionalPackage | DocumentKind::AssurancePackage => "CCPackage.rng",
        _ => "CCProtectionProfile.rng",
    }
}

/// The errors `dtsec check` finds in the re-import of `name`'s export, as `code message` lines.
fn roundtrip_errors(name: &str, library: &Library) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../model/builtin")
        .join(name);
    let (_, original) = dtsec_model::load_document(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let xml = dtsec_niap::export(&original).unwrap_or_else(|e| panic!("{name}: {e}"));
    // A file name that says nothing of the id: the id must come from the XML.
    let imported = dtsec_niap::import(&xml, "exported.xml")
        .unwrap_or_else(|e| panic!("{name}: re-import: {e}"))
        .document;
    assert_eq!(imported.id.value, original.id.value, "{name}: id");
    assert_eq!(
        imported.version.value, original.version.value,
        "{name}: version"
    );
    assert_eq!(imported.kind.value, original.kind.value, "{name}: kind");
    if let Some(shared) = dtsec_testkit::shared("niap")
        && dtsec_testkit::tool("xmllint", "--version", "libxml2-utils")
    {
        let file = tempfile::Builder::new()
            .prefix("dtsec-niap-builtin-")
            .suffix(".xml")
            .tempfile()
            .expect("temp file")
            .into_temp_path();
        std::fs::write(&file, &xml).expect("write temp file");
        let schema = schema_for(original.kind.value);
        let out = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--relaxng")
            .arg(shared.join("schemas").join(schema))
            .arg(&file)
            .output()
            .expect("xmllint runs");
        assert!(
            out.status.success(),
            "{name}: export does not validate against {schema}:\n{}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .take(6)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let mut errors = errors_of(&imported, &xml, library);
    // A second round (the re-imported document exported again) keeps the same.
    let xml2 = dtsec_niap::export(&imported).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = dtsec_niap::import(&xml2, "again.xml")
        .unwrap_or_else(|e| panic!("{name}: second re-import: {e}"))
        .document;
    assert_eq!(
        again.id.value, original.id.value,
        "{name}: id, second round"
    );
    assert_eq!(
        again.kind.value, original.kind.value,
        "{name}: kind, second round"
    );
    errors.extend(
        errors_of(&again, &xml2, library)
            .into_iter()
            .map(|e| format!("(second round) {e}")),
    );
    errors
}

fn errors_of(doc: &dtsec_model::Document, xml: &str, library: &Library) -> Vec<String> {
    let source = SourceFile::new("exported.xml", xml.to_string());
    check(CheckInput {
        source: &source,
        document: doc,
        library,
    })
    .into_iter()
    .filter(|d| d.severity == Severity::Error)
    .map(|d| format!("{} {}", d.code, d.message))
    .collect()
}

#[test]
fn every_builtin_exports_reimports_and_checks_clean() {
    let library = Library::with_builtins();
    let mut failures = Vec::new();
    for name in BUILTINS {
        let errors = roundtrip_errors(name, &library);
        println!("{name}: {} errors after export → import", errors.len());
        if !errors.is_empty() {
            failures.push(format!("{name}:\n  {}", errors.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Data in the `dtsec-model` appendix that is not a document gives a warning, not an error, and
/// the NIAP structure is imported as without it.
#[test]
fn unreadable_model_data_is_a_warning() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../model/builtin/cdd-eb.yaml");
    let (_, original) = dtsec_model::load_document(&path).expect("cdd-eb loads");
    let xml = dtsec_niap::export(&original).expect("cdd-eb exports");
    let start = xml
        .find("<h:pre class=\"dtsec-model\">")
        .expect("model data written");
    let end = start + xml[start..].find("</h:pre>").expect("closed");
    let broken = format!(
        "{}<h:pre class=\"dtsec-model\">{{ kind: [[[ !!binary{}",
        &xml[..start],
        &xml[end..]
    );
    let imported = dtsec_niap::import(&broken, "cdd-eb-x.xml").expect("still imports");
    assert_eq!(imported.document.id.value, "cdd-eb-x");
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.message.contains("dtsec model data not read")),
        "{:?}",
        imported.warnings
    );
}

/// A package's narrowing of its base PP's selections (`restrict`, F11 of the CDD review) has no
/// NIAP element; it travels in the model appendix and comes back whole.
#[test]
fn package_restrictions_survive_the_round_trip() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../model/builtin/cdd-moderate-2.0.yaml");
    let (_, original) = dtsec_model::load_document(&path).expect("cdd-moderate 2.0 loads");
    let xml = dtsec_niap::export(&original).expect("exports");
    let imported = dtsec_niap::import(&xml, "exported.xml")
        .expect("re-imports")
        .document;
    let restrict = |d: &dtsec_model::Document, sfr: &str| {
        d.sfrs
            .iter()
            .find(|s| s.id.value == sfr)
            .map(|s| serde_json::to_string(&s.restrict).expect("serialises"))
    };
    for sfr in ["FCS_STG_EXT.1", "FDP_SDI.2"] {
        let before = restrict(&original, sfr).expect("the package restricts it");
        assert!(before.contains("allowed") || before.contains("required_choices"));
        assert_eq!(restrict(&imported, sfr), Some(before), "{sfr}");
    }
}

/// The SAR evaluation activities of cdd 2.0 (F12) are written as NIAP `aactivity` under their
/// `a-element` and read back under the same element.
#[test]
fn sar_evaluation_activities_survive_the_round_trip() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../model/builtin/cdd-pp-2.0.yaml");
    let (_, original) = dtsec_model::load_document(&path).expect("cdd 2.0 loads");
    let xml = dtsec_niap::export(&original).expect("exports");
    assert!(xml.contains("<aactivity>"), "activities written");
    let imported = dtsec_niap::import(&xml, "exported.xml")
        .expect("re-imports")
        .document;
    let other = |d: &dtsec_model::Document, sar: &str, el: &str| {
        d.sars
            .iter()
            .find(|s| s.id.value == sar)
            .and_then(|s| s.elements.iter().find(|e| e.id.value == el))
            .and_then(|e| e.evaluation_activities.as_ref())
            .and_then(|a| a.other.clone())
    };
    let before = other(&original, "AVA_VAN.1", "AVA_VAN.1.2E").expect("search activity");
    assert!(before.contains("ICSMA"));
    let after = other(&imported, "AVA_VAN.1", "AVA_VAN.1.2E").expect("kept on import");
    assert!(after.contains("ICSMA") && after.contains("SBOM"), "{after}");
}

/// The TLS package cdd 2.0 requires when `tls` is selected (`conformance.required_packages`,
/// DT-CONF-030) comes back from the model appendix, its trigger naming the choice by the id the
/// re-imported selection gives it.
#[test]
fn required_packages_survive_the_round_trip() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../model/builtin/cdd-pp-2.0.yaml");
    let (_, original) = dtsec_model::load_document(&path).expect("cdd 2.0 loads");
    let xml = dtsec_niap::export(&original).expect("exports");
    let imported = dtsec_niap::import(&xml, "exported.xml")
        .expect("re-imports")
        .document;
    let reqs = &imported.conformance.required_packages;
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].package.id.value, "tls");
    assert_eq!(
        reqs[0].roles.len(),
        original.conformance.required_packages[0].roles.len()
    );
    let t = &reqs[0].when[0];
    let itc = imported
        .sfrs
        .iter()
        .find(|s| s.id.value == t.sfr.value)
        .expect("trigger SFR");
    let op = itc
        .elements
        .iter()
        .find_map(|e| e.operations.get(&t.operation.value))
        .expect("trigger operation");
    assert!(
        op.value
            .selection
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|c| c.id() == t.choice.value),
        "trigger choice `{}` is one of the re-imported selection's ids",
        t.choice.value
    );
}
