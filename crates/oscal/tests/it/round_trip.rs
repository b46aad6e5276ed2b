//! Import of our own catalog: the built-in PPs and packages come back with every fact OSCAL
//! carries (docs/oscal.md lists what it does not), and a foreign catalog is refused.

use dtsec_model::{Choice, Document, Library, Operation};
use dtsec_oscal::import::catalog_document;
use dtsec_oscal::{CatalogOptions, catalog};
use serde_json::{Value, json};

/// What OSCAL does not carry, removed from the original for the comparison.
fn carried(doc: &Document) -> Value {
    let mut d = doc.clone();
    fn op(o: &mut Operation) {
        o.required_choices.clear();
        if let Some(a) = &o.assignment {
            o.assignment = Some(dtsec_oscal::ids::one_line(a));
        }
        for c in o.selection.iter_mut().flatten() {
            if let Choice::Detailed(dc) = c {
                dc.exclusive = false;
                dc.operations.values_mut().for_each(op);
                if dc.id.is_none() && dc.operations.is_empty() {
                    *c = Choice::Text(dc.text.clone());
                }
            }
        }
    }
    for s in &mut d.sfrs {
        s.unmet_dependencies.clear();
        s.audit_events.clear();
        s.depends.clear();
        s.restrict.clear();
        s.anchor = None;
        if s.title.as_deref() == Some(s.id.value.as_str()) {
            s.title = None;
        }
        for e in &mut s.elements {
            e.anchor = None;
            e.html = None;
            e.management_functions = None;
            e.evaluation_activities = None;
            e.operations.values_mut().for_each(|o| op(&mut o.value));
        }
    }
    // The catalog groups SFRs by class and family, so their order is that grouping's.
    let mut sorted_sfrs = serde_json::to_value(&d.sfrs)
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    sorted_sfrs.sort_by_key(|s| s["id"].as_str().unwrap_or_default().to_string());
    json!({
        "kind": serde_json::to_value(&d.kind).unwrap(),
        "id": d.id.value, "version": d.version.value, "title": d.title,
        "identification": [d.identification.date, d.identification.author, d.identification.status, d.identification.overview],
        "cc_edition": d.cc_edition.as_ref().map(|e| e.value.clone()),
        "toe_types": d.toe.types.iter().map(|t| (t.id.value.clone(), t.name.clone())).collect::<Vec<_>>(),
        "forms": d.forms.iter().map(|f| (f.id.value.clone(), f.title.clone())).collect::<Vec<_>>(),
        "roles": d.roles.iter().map(|f| (f.id.value.clone(), f.title.clone())).collect::<Vec<_>>(),
        "features": d.features.iter().map(|f| f.id.value.clone()).collect::<Vec<_>>(),
        "base_pps": d.base_pps.iter().map(|b| (b.id.value.clone(), b.version.value.clone())).collect::<Vec<_>>(),
        "sars": d.sars.iter().map(|s| s.id.value.clone()).collect::<Vec<_>>(),
        "spd": serde_json::to_value(&d.spd).unwrap(),
        "objectives": serde_json::to_value(&d.objectives).unwrap(),
        // The catalog groups SFRs by class and family, so their order is that grouping's.
        "sfrs": sorted_sfrs,
    })
}

#[test]
fn builtin_documents_round_trip_through_their_catalogs() {
    let library = Library::with_builtins();
    let mut n = 0;
    for d in library.documents() {
        let original = &d.document;
        if original.kind.value == dtsec_model::DocumentKind::SecurityTarget {
            continue;
        }
        let exported = catalog(original, &CatalogOptions::default()).unwrap();
        let imported =
            catalog_document(&exported).unwrap_or_else(|e| panic!("{}: {e}", original.id.value));
        let (a, b) = (carried(original), carried(&imported));
        for key in a.as_object().unwrap().keys() {
            if key == "sfrs" {
                let (sa, sb) = (a[key].as_array().unwrap(), b[key].as_array().unwrap());
                assert_eq!(sa.len(), sb.len());
                for (x, y) in sa.iter().zip(sb) {
                    for f in x.as_object().unwrap().keys() {
                        assert_eq!(
                            x[f], y[f],
                            "{} {}: SFR {} `{f}` differs",
                            original.id.value, original.version.value, x["id"]
                        );
                    }
                }
            }
            assert_eq!(
                a[key], b[key],
                "{} {}: `{key}` differs",
                original.id.value, original.version.value
            );
        }
        // After one round trip the export is a fixed point: the same bytes again.
        let once = catalog(&imported, &CatalogOptions::default()).unwrap();
        let twice = catalog(
            &catalog_document(&once).unwrap(),
            &CatalogOptions::default(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&once).unwrap(),
            serde_json::to_string(&twice).unwrap()
        );
        n += 1;
    }
    assert!(n >= 6);
}

#[test]
fn a_foreign_catalog_is_refused_with_a_pointer() {
    let foreign = json!({ "catalog": { "uuid": "x", "metadata": { "title": "t", "props": [] } } });
    let e = catalog_document(&foreign).unwrap_err().to_string();
    assert!(e.starts_with("/catalog/metadata/props:"), "{e}");
    assert!(catalog_document(&json!({})).is_err());
}
