//! A PP through OSCAL and back (issue 14, "importing dtsec's own catalog and profile back gives
//! the same PP"): every built-in PP, PP-Module and package is exported as a catalog, and — where
//! an example ST claims it — with that ST's profile; the import is checked like any document and
//! compared with the original as data.

use std::collections::BTreeSet;

use dtsec_model::{Document, Library, LoadedDocument, SourceFile};
use dtsec_oscal::import::{catalog_document, catalog_with_profile};
use dtsec_oscal::{CatalogOptions, catalog};
use serde_json::Value;

/// What OSCAL does not carry, each with the reason. The comparison below removes exactly these
/// from both sides and then demands equal documents, so a loss not named here fails the test.
const NOT_CARRIED: &[(&str, &str)] = &[
    (
        "conformance",
        "the conformance claim and its rationale describe the document, not its controls",
    ),
    (
        "tss",
        "a PP has no TSS entries (an ST's TSS goes to the component-definition)",
    ),
    ("notes", "free notes have no place in a catalog"),
    ("sections", "free XHTML sections of NIAP documents"),
    (
        "modules",
        "the PP-Modules a NIAP PP lists are separate documents",
    ),
    ("identification.keywords", "not exported"),
    (
        "toe (but its types)",
        "the TOE description is an ST's, not a catalog's",
    ),
    (
        "descriptions of TOE types, features, forms and roles",
        "only ids and titles are exported",
    ),
    (
        "SPD addressed_by / objective_refs",
        "NIAP mapping tables; the `addresses` links are carried",
    ),
    (
        "SAR elements and their evaluation activities",
        "SARs are listed as metadata props (id, title, optional, unmet dependencies); the CEM gives their text",
    ),
    (
        "SFR audit_events",
        "NIAP audit tables: descriptive, not checked against an ST",
    ),
    (
        "SFR restrict",
        "a package's restrictions come back from a profile that selects the SFR only",
    ),
    (
        "SFR anchor, element anchor and html",
        "XHTML anchors of NIAP documents",
    ),
    (
        "element management_functions and evaluation_activities",
        "NIAP tables; the SFR's activities are carried",
    ),
    (
        "a detailed choice's exclusive flag",
        "OSCAL's how-many is per selection",
    ),
    ("multi-line assignment labels", "OSCAL labels are one line"),
    (
        "the order of SFRs and extended components",
        "the catalog groups them by class and family",
    ),
];

/// The document with everything in [`NOT_CARRIED`] removed, as JSON.
fn comparable(doc: &Document) -> Value {
    let mut d = doc.clone();
    d.conformance = Default::default();
    d.tss.clear();
    d.notes.clear();
    d.sections.clear();
    d.modules.clear();
    d.identification.keywords.clear();
    let types = std::mem::take(&mut d.toe.types);
    d.toe = Default::default();
    d.toe.types = types;
    for t in &mut d.toe.types {
        t.description = None;
    }
    for f in &mut d.features {
        f.name = None;
        f.description = None;
    }
    for r in d.forms.iter_mut().chain(&mut d.roles) {
        r.description = None;
    }
    for def in d
        .spd
        .threats
        .iter_mut()
        .chain(&mut d.spd.osps)
        .chain(&mut d.spd.assumptions)
        .chain(&mut d.objectives.toe)
        .chain(&mut d.objectives.environment)
    {
        def.addressed_by.clear();
        def.objective_refs.clear();
    }
    for s in &mut d.sars {
        s.elements.clear();
    }
    crate::common::drop_uncarried_operation_details(&mut d);
    let mut v = serde_json::to_value(&d).unwrap();
    for key in ["sfrs", "extended_components"] {
        if let Some(list) = v[key].as_array_mut() {
            list.sort_by_key(|s| s["id"].as_str().unwrap_or_default().to_string());
        }
    }
    v
}

/// The findings of `dtsec check` as (code, message), positions aside: the import is another
/// file, so only what is found may be compared.
fn findings(source: &SourceFile, doc: &Document, library: &Library) -> BTreeSet<(String, String)> {
    dtsec_check::check(dtsec_check::CheckInput {
        source,
        document: doc,
        library,
    })
    .into_iter()
    .map(|d| (d.code.to_string(), d.message.clone()))
    .collect()
}

/// The profile of the first example ST that claims `d`, if any.
fn profile_claiming(d: &Document, library: &Library) -> Option<(String, Value)> {
    crate::common::EXAMPLES.iter().find_map(|name| {
        let (source, st) = crate::common::example(name);
        let eff = dtsec_oscal::effective(&st, &source, library).ok()?;
        eff.claimed
            .iter()
            .any(|c| c.id.value == d.id.value && c.version.value == d.version.value)
            .then(|| {
                (
                    name.to_string(),
                    dtsec_oscal::profile(&st, &source, library).unwrap(),
                )
            })
    })
}

/// The import written out and read again as a file, as `dtsec oscal import` then `dtsec check`
/// do: the check sees exactly what a user would get.
fn reread(doc: &Document) -> (SourceFile, Document) {
    let text = serde_json::to_string_pretty(doc).unwrap();
    let source = SourceFile::new(format!("{} (imported)", doc.id.value), text);
    let parsed = dtsec_model::parse_document(&source).expect("the import reads back");
    (source, parsed)
}

fn ids(list: &[dtsec_model::Definition]) -> Vec<&str> {
    list.iter().map(|d| d.id.value.as_str()).collect()
}

/// Each element's operation slots, nested ones included: name, kind and choices.
fn slots(elements: &[dtsec_model::Element]) -> BTreeSet<String> {
    fn walk(prefix: &str, name: &str, op: &dtsec_model::Operation, out: &mut BTreeSet<String>) {
        let what = match &op.selection {
            Some(choices) => format!(
                "selection[{}]",
                choices
                    .iter()
                    .map(|c| c.text())
                    .collect::<Vec<_>>()
                    .join("|")
            ),
            None => "assignment".to_string(),
        };
        out.insert(format!("{prefix} {name} {what}"));
        for (n, nested) in op.nested() {
            walk(prefix, n, nested, out);
        }
    }
    let mut out = BTreeSet::new();
    for e in elements {
        for (name, op) in &e.operations {
            walk(&e.id.value, name, &op.value, &mut out);
        }
    }
    out
}

/// The facts the issue names, compared one by one so a failure says which.
fn assert_same_pp(name: &str, a: &Document, b: &Document) {
    let sfr_ids =
        |d: &Document| -> BTreeSet<String> { d.sfrs.iter().map(|s| s.id.value.clone()).collect() };
    assert_eq!(sfr_ids(a), sfr_ids(b), "{name}: SFR ids");
    assert_eq!(ids(&a.spd.threats), ids(&b.spd.threats), "{name}: threats");
    assert_eq!(ids(&a.spd.osps), ids(&b.spd.osps), "{name}: OSPs");
    assert_eq!(
        ids(&a.spd.assumptions),
        ids(&b.spd.assumptions),
        "{name}: assumptions"
    );
    assert_eq!(
        ids(&a.objectives.toe),
        ids(&b.objectives.toe),
        "{name}: objectives"
    );
    assert_eq!(
        ids(&a.objectives.environment),
        ids(&b.objectives.environment),
        "{name}: environment objectives"
    );
    assert_eq!(
        a.extended_components.len(),
        b.extended_components.len(),
        "{name}: extended components"
    );
    for x in &a.extended_components {
        let y = b
            .extended_components
            .iter()
            .find(|y| y.id.value == x.id.value)
            .unwrap_or_else(|| panic!("{name}: extended component {} lost", x.id.value));
        let deps = |c: &dtsec_model::ExtendedComponent| -> Vec<Vec<String>> {
            c.dependencies
                .iter()
                .map(|g| g.iter().map(|d| d.value.clone()).collect())
                .collect()
        };
        let hier = |c: &dtsec_model::ExtendedComponent| -> Vec<String> {
            c.hierarchical_to.iter().map(|h| h.value.clone()).collect()
        };
        assert_eq!(deps(x), deps(y), "{name}: {} dependencies", x.id.value);
        assert_eq!(hier(x), hier(y), "{name}: {} hierarchy", x.id.value);
        assert_eq!(
            slots(&x.elements),
            slots(&y.elements),
            "{name}: {} slots",
            x.id.value
        );
    }
    for s in &a.sfrs {
        let t = b.sfrs.iter().find(|t| t.id.value == s.id.value).unwrap();
        assert_eq!(
            slots(&s.elements),
            slots(&t.elements),
            "{name}: {} slots",
            s.id.value
        );
    }
}

#[test]
fn builtin_pps_come_back_through_catalog_and_profile_and_check_alike() {
    let library = Library::with_builtins();
    let (mut with_profile, mut checked_clean, mut ecds) = (0, 0, 0);
    let mut cdd_done = false;
    let docs: Vec<&LoadedDocument> = library
        .documents()
        .filter(|d| d.document.kind.value != dtsec_model::DocumentKind::SecurityTarget)
        .collect();
    for d in docs {
        let original = &d.document;
        let name = format!("{} {}", original.id.value, original.version.value);
        let exported = catalog(original, &CatalogOptions::default()).unwrap();
        let imported = match profile_claiming(original, &library) {
            Some((st, profile)) => {
                with_profile += 1;
                catalog_with_profile(&exported, &profile)
                    .unwrap_or_else(|e| panic!("{name} with the profile of {st}: {e}"))
            }
            None => catalog_document(&exported).unwrap_or_else(|e| panic!("{name}: {e}")),
        };
        let (source, reread) = reread(&imported);
        let before = findings(&d.source, original, &library);
        let after = findings(&source, &reread, &library);
        assert_eq!(
            after, before,
            "{name}: the import's findings differ from the original's"
        );
        if before.is_empty() {
            checked_clean += 1;
        }
        assert_same_pp(&name, original, &reread);
        ecds += original.extended_components.len();
        // Everything else, but for NOT_CARRIED, as data.
        let (a, b) = (comparable(original), comparable(&reread));
        for key in a.as_object().unwrap().keys() {
            assert_eq!(a[key], b[key], "{name}: `{key}` differs beyond NOT_CARRIED");
        }
        if original.id.value == "cdd" && original.version.value == "2.0" {
            assert!(before.is_empty(), "the built-in CDD PP 2.0 checks clean");
            assert!(!original.extended_components.is_empty());
            cdd_done = true;
        }
    }
    assert!(cdd_done, "the CDD PP 2.0 was not among the built-ins");
    assert!(
        with_profile >= 2,
        "only {with_profile} documents had an example's profile"
    );
    assert!(
        checked_clean >= 3,
        "only {checked_clean} built-ins check clean"
    );
    assert!(ecds > 20, "only {ecds} extended components went through");
    assert!(!NOT_CARRIED.is_empty());
}
