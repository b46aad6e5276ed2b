//! Import of our own catalog: the built-in PPs and packages come back with every fact OSCAL
//! carries (docs/oscal.md lists what it does not), and a foreign catalog is refused.

use dtsec_model::{Document, Library};
use dtsec_oscal::import::catalog_document;
use dtsec_oscal::{CatalogOptions, catalog};
use serde_json::{Value, json};

/// A list of objects sorted by their `id`.
fn sorted(list: Value) -> Value {
    let mut list = list.as_array().cloned().unwrap_or_default();
    list.sort_by_key(|s| s["id"].as_str().unwrap_or_default().to_string());
    Value::Array(list)
}

/// What OSCAL does not carry, removed from the original for the comparison.
fn carried(doc: &Document) -> Value {
    let mut d = doc.clone();
    crate::common::drop_uncarried_operation_details(&mut d);
    // The catalog groups SFRs by class and family, so their order is that grouping's.
    let sorted_sfrs = sorted(serde_json::to_value(&d.sfrs).unwrap());
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
        // The catalog groups the definitions by family.
        "extended_components": sorted(serde_json::to_value(&d.extended_components).unwrap()),
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

/// Small generated PPs (issue 17): SFRs drawn from a pool, each with a few elements whose
/// operations are assignments or selections, threats and objectives linking them.
mod generated {
    use super::carried;
    use dtsec_oscal::import::catalog_document;
    use dtsec_oscal::{CatalogOptions, catalog};
    use proptest::prelude::*;

    const POOL: [&str; 8] = [
        "FAU_GEN.1",
        "FPT_STM.1",
        "FCS_COP.1",
        "FTP_ITC.1",
        "FIA_AFL.1",
        "FDP_ACC.1",
        "FIA_UAU.2",
        "FPT_TST.1",
    ];

    /// One element's text and its operation (none, an assignment, or a selection).
    fn element() -> impl Strategy<Value = (String, u8, Vec<String>)> {
        (
            "[A-Za-z][a-z ]{0,20}[a-z]",
            0u8..3,
            proptest::collection::vec("[A-Za-z][A-Za-z0-9 -]{0,10}[a-z0-9]", 2..4),
        )
            .prop_map(|(t, k, c)| (t, k, c))
    }

    fn pp_yaml() -> impl Strategy<Value = String> {
        (
            "[A-Z][a-z]{2,10}( [a-z]{2,8}){0,3}",
            proptest::sample::subsequence(POOL.to_vec(), 1..5),
            proptest::collection::vec(element(), 1..4),
            1usize..4,
        )
            .prop_map(|(title, sfrs, elements, threats)| {
                let mut y = format!(
                    "kind: protection-profile\nid: gen\nversion: \"1.0\"\ntitle: \"{title}\"\n\
                     identification: {{author: generated, date: \"2026-01-15\", status: draft}}\n\
                     cc_edition: \"CC:2022 R1\"\nconformance: {{conformance_type: strict}}\n\
                     toe: {{types: [{{id: TT.PUMP, name: Insulin pump}}]}}\nspd:\n  threats:\n"
                );
                for t in 0..threats {
                    y += &format!("    - {{id: T.GEN{t}, description: Threat number {t}.}}\n");
                }
                y += "objectives:\n  toe:\n";
                for t in 0..threats {
                    y += &format!(
                        "    - {{id: O.GEN{t}, description: Objective {t}., addresses: [T.GEN{t}]}}\n"
                    );
                }
                // An extended component whose elements each name their slot `asgn1` or `sel1`
                // afresh, as NIAP's do (one param per element, not per component).
                y += &format!(
                    "extended_components:\n  - id: FPT_GEN_EXT.1\n    name: \"{title}\"\n    \
                     family_name: Generated (FPT_GEN_EXT)\n    hierarchical_to: [FPT_TST.1]\n    \
                     dependencies: [[FAU_GEN.1, FPT_STM.1], [FCS_COP.1]]\n    \
                     rationale: Generated.\n    elements:\n"
                );
                for (j, (text, kind, choices)) in elements.iter().enumerate() {
                    let n = j + 1;
                    match kind {
                        0 => y += &format!("      - id: FPT_GEN_EXT.1.{n}\n        text: The TSF shall {text}.\n"),
                        1 => y += &format!(
                            "      - id: FPT_GEN_EXT.1.{n}\n        text: The TSF shall {text} {{asgn1}}.\n        operations:\n          asgn1: {{assignment: {text}}}\n"
                        ),
                        _ => y += &format!(
                            "      - id: FPT_GEN_EXT.1.{n}\n        text: The TSF shall {text} {{sel1}}.\n        operations:\n          sel1: {{selection: [{}]}}\n",
                            choices.iter().enumerate().map(|(k, c)| format!("\"{c} {k}\"")).collect::<Vec<_>>().join(", ")
                        ),
                    }
                }
                y += "sfrs:\n";
                for (i, sfr) in sfrs.iter().enumerate() {
                    y += &format!(
                        "  - id: {sfr}\n    status: mandatory\n    objectives: [O.GEN{}]\n    elements:\n",
                        i % threats
                    );
                    for (j, (text, kind, choices)) in elements.iter().enumerate() {
                        let n = j + 1;
                        match kind {
                            0 => y += &format!("      - id: {sfr}.{n}\n        text: The TSF shall {text}.\n"),
                            1 => y += &format!(
                                "      - id: {sfr}.{n}\n        text: The TSF shall {text} {{what{n}}}.\n        operations:\n          what{n}: {{assignment: {text}}}\n"
                            ),
                            _ => y += &format!(
                                "      - id: {sfr}.{n}\n        text: The TSF shall {text} {{how{n}}}.\n        operations:\n          how{n}: {{selection: [{}]}}\n",
                                choices.iter().enumerate().map(|(k, c)| format!("\"{c} {k}\"")).collect::<Vec<_>>().join(", ")
                            ),
                        }
                    }
                }
                y
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn generated_pps_round_trip_through_their_catalogs(yaml in pp_yaml()) {
            let source = dtsec_model::SourceFile::new("gen.yaml", yaml.clone());
            let original = dtsec_model::parse_document(&source)
                .unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
            let exported = catalog(&original, &CatalogOptions::default()).unwrap();
            let imported = catalog_document(&exported).unwrap();
            prop_assert_eq!(carried(&original), carried(&imported), "{}", yaml);
            let again = catalog(&imported, &CatalogOptions::default()).unwrap();
            prop_assert_eq!(again, exported);
        }
    }

    /// Two elements of one SFR with an operation of the same name would share one OSCAL param,
    /// and one element would show the other's choices (found by the property above, issue 17):
    /// the export refuses them, naming both elements.
    #[test]
    fn an_operation_named_in_two_elements_of_one_sfr_is_refused() {
        let yaml = [
            "kind: protection-profile",
            "id: gen",
            "version: \"1.0\"",
            "title: Clash",
            "identification: {date: \"2026-01-15\"}",
            "sfrs:",
            "  - id: FPT_TST.1",
            "    status: mandatory",
            "    elements:",
            "      - id: FPT_TST.1.1",
            "        text: The TSF shall run {how}.",
            "        operations:",
            "          how: {selection: [at start, \"A0 1\"]}",
            "      - id: FPT_TST.1.2",
            "        text: The TSF shall check {how}.",
            "        operations:",
            "          how: {selection: [at start, \"a0 1\"]}",
        ]
        .join("\n");
        let source = dtsec_model::SourceFile::new("clash.yaml", yaml);
        let original = dtsec_model::parse_document(&source).unwrap();
        let e = catalog(&original, &CatalogOptions::default()).unwrap_err();
        assert!(
            matches!(&e, dtsec_oscal::OscalError::ParamCollision { first, second, operation, .. }
                if first == "FPT_TST.1.1" && second == "FPT_TST.1.2" && operation == "how"),
            "{e}"
        );
        assert!(
            e.to_string().contains("give the operations distinct names"),
            "{e}"
        );
    }
}

/// Catalog and profile together: the restrictions a package puts on the PP's selections, which
/// a catalog alone cannot carry, come back from the profile's narrowed `set-parameters` for
/// every SFR the profile selects; everything else is the catalog's import.
#[test]
fn catalog_and_profile_import_back_with_the_packages_restrictions() {
    use dtsec_oscal::import::catalog_with_profile;
    let library = Library::with_builtins();
    let mut recovered = 0;
    // The examples, and the pump ST claiming the Moderate package (which narrows the key store
    // and requires the keyed MAC) instead of Enhanced-Basic.
    let mut sts: Vec<(String, dtsec_model::SourceFile, Document)> = crate::common::EXAMPLES
        .iter()
        .map(|n| {
            let (source, st) = crate::common::example(n);
            (n.to_string(), source, st)
        })
        .collect();
    let pump =
        std::fs::read_to_string(dtsec_testkit::workspace_root().join("examples/pump-st.yaml"))
            .unwrap();
    assert!(pump.contains("  - id: cdd-eb\n"));
    let moderate = dtsec_model::SourceFile::new(
        "pump-st-moderate.yaml",
        pump.replace("  - id: cdd-eb\n", "  - id: cdd-moderate\n"),
    );
    let st = dtsec_model::parse_document(&moderate).unwrap();
    sts.push(("pump-st-moderate.yaml".to_string(), moderate, st));
    for (name, source, st) in &sts {
        let (source, st) = (source, st);
        let profile = dtsec_oscal::profile(st, source, &library).unwrap();
        let eff = dtsec_oscal::effective(st, source, &library).unwrap();
        let selected: std::collections::BTreeSet<&str> = eff.sfrs.iter().map(|s| s.id).collect();
        for original in &eff.claimed {
            let exported = catalog(original, &CatalogOptions::default()).unwrap();
            let alone = catalog_document(&exported).unwrap();
            let imported = catalog_with_profile(&exported, &profile)
                .unwrap_or_else(|e| panic!("{name}: {}: {e}", original.id.value));
            // The same document as the catalog alone gives, but for the restrictions.
            let mut without = imported.clone();
            without.sfrs.iter_mut().for_each(|s| s.restrict.clear());
            assert_eq!(
                serde_json::to_value(&without).unwrap(),
                serde_json::to_value(&alone).unwrap(),
                "{name}: {}",
                original.id.value
            );
            for sfr in &original.sfrs {
                let got = imported
                    .sfrs
                    .iter()
                    .find(|s| s.id.value == sfr.id.value)
                    .unwrap();
                for (op, r) in &sfr.restrict {
                    if r.allowed.is_empty() || !selected.contains(sfr.id.value.as_str()) {
                        continue;
                    }
                    let want: Vec<&str> = r.allowed.iter().map(|a| a.value.as_str()).collect();
                    let have: Vec<&str> = got.restrict[op]
                        .allowed
                        .iter()
                        .map(|a| a.value.as_str())
                        .collect();
                    assert_eq!(have, want, "{name}: {} {op}", sfr.id.value);
                    recovered += 1;
                }
                // Nothing is invented: a restriction comes only from the document's own.
                for op in got.restrict.keys() {
                    assert!(
                        sfr.restrict.contains_key(op),
                        "{name}: {} {op}",
                        sfr.id.value
                    );
                }
            }
        }
    }
    assert!(recovered > 0, "no example's profile narrows a selection");

    // A profile that does not import the catalog is refused, naming the UUID.
    let cdd = library.find("cdd", "2.0").unwrap();
    let exported = catalog(&cdd.document, &CatalogOptions::default()).unwrap();
    let (source, st) = crate::common::example("pump-st.yaml");
    let mut profile = dtsec_oscal::profile(&st, &source, &library).unwrap();
    profile["profile"]["back-matter"]["resources"] = json!([]);
    let e = catalog_with_profile(&exported, &profile).unwrap_err();
    assert!(e.to_string().contains("imports no catalog"), "{e}");
    // A selected id the catalog lacks is refused with its pointer.
    let mut profile = dtsec_oscal::profile(&st, &source, &library).unwrap();
    profile["profile"]["imports"][0]["include-controls"][0]["with-ids"][0] = json!("fxx_nope.1");
    let e = catalog_with_profile(&exported, &profile).unwrap_err();
    assert!(
        e.to_string()
            .contains("/profile/imports/0/include-controls/0/with-ids/0"),
        "{e}"
    );
}
