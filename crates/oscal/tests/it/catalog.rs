//! The built-in PPs and packages as OSCAL catalogs: schema-valid, semantically sound, one control
//! per SFR instance and SPD item, byte-identical on re-run.

use dtsec_model::Library;
use dtsec_oscal::{CatalogOptions, catalog, validate};

fn cdd() -> dtsec_model::Document {
    Library::with_builtins()
        .find("cdd", "2.0")
        .expect("built-in cdd 2.0")
        .document
        .clone()
}

fn controls(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    for g in v["groups"].as_array().into_iter().flatten() {
        for c in g["controls"].as_array().into_iter().flatten() {
            out.push(c.clone());
        }
        controls(g, out);
    }
}

#[test]
fn every_builtin_catalog_validates_with_zero_problems() {
    let library = Library::with_builtins();
    let mut n = 0;
    for d in library.documents() {
        if d.document.kind.value == dtsec_model::DocumentKind::SecurityTarget {
            continue;
        }
        let c = catalog(&d.document, &CatalogOptions::default()).expect("exports");
        let report = validate(&c, &[]).expect("validates");
        assert!(
            report.problems.is_empty(),
            "{} {}: {:#?}",
            d.document.id.value,
            d.document.version.value,
            &report.problems[..report.problems.len().min(10)]
        );
        n += 1;
    }
    assert!(n >= 6, "only {n} built-ins exported");
}

#[test]
fn cdd_catalog_has_one_control_per_sfr_and_spd_item() {
    let doc = cdd();
    let c = catalog(&doc, &CatalogOptions::default()).unwrap();
    let mut all = Vec::new();
    controls(&c["catalog"], &mut all);
    let spd = doc.spd.threats.len()
        + doc.spd.osps.len()
        + doc.spd.assumptions.len()
        + doc.objectives.toe.len()
        + doc.objectives.environment.len();
    assert_eq!(all.len(), doc.sfrs.len() + spd);
    let sfrs: Vec<_> = all.iter().filter(|c| c["class"] == "sfr").collect();
    assert_eq!(sfrs.len(), doc.sfrs.len());
    for (sfr, control) in doc.sfrs.iter().zip(&sfrs) {
        assert_eq!(control["props"][0]["value"], sfr.id.value.as_str());
    }
    // Iterations become tokens; the original id stays as the label.
    if let Some(hash) = sfrs
        .iter()
        .find(|c| c["props"][0]["value"].as_str().unwrap_or("").contains('/'))
    {
        assert!(!hash["id"].as_str().unwrap().contains('/'));
    }
}

#[test]
fn catalog_is_byte_identical_on_rerun() {
    let doc = cdd();
    let a =
        serde_json::to_string_pretty(&catalog(&doc, &CatalogOptions::default()).unwrap()).unwrap();
    let b =
        serde_json::to_string_pretty(&catalog(&doc, &CatalogOptions::default()).unwrap()).unwrap();
    assert_eq!(a, b);
    assert!(a.contains("\"last-modified\": \"2026-12-06T00:00:00Z\""));
}
