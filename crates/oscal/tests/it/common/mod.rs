//! What the suites share: the examples' STs and the built-in library.

use std::collections::BTreeMap;

use dtsec_model::{Choice, Document, Element, Library, Operation, SourceFile};
use serde_json::Value;

/// An example ST by file name (`pump-st.yaml`), with its source.
pub fn example(name: &str) -> (SourceFile, Document) {
    let path = dtsec_testkit::workspace_root().join("examples").join(name);
    dtsec_model::load_document(&path).expect("example loads")
}

/// The catalogs an ST's profile imports, by the file names the profile names.
pub fn claimed_catalogs(
    st: &Document,
    source: &SourceFile,
    library: &Library,
) -> (BTreeMap<String, Value>, Vec<Value>) {
    let eff = dtsec_oscal::effective(st, source, library).unwrap();
    let mut by_name = BTreeMap::new();
    let mut list = Vec::new();
    for d in &eff.claimed {
        let c = dtsec_oscal::catalog(d, &Default::default()).unwrap();
        by_name.insert(dtsec_oscal::profile::catalog_file_name(d), c.clone());
        list.push(c);
    }
    (by_name, list)
}

/// The example STs of CDD 2.0.
pub const EXAMPLES: [&str; 4] = [
    "pump-st.yaml",
    "cgm-st.yaml",
    "pump-controller-st.yaml",
    "cloud-st.yaml",
];

/// What a catalog does not carry of the requirements, removed from a document before it is
/// compared with its import: anchors and HTML, management tables and evaluation activities,
/// audit events and restrictions, an SFR title that only repeats the id, the `exclusive` flag of
/// choices; assignments are compared as one line, and a detailed choice with nothing more to
/// say than its text is that text.
pub fn drop_uncarried_operation_details(d: &mut Document) {
    fn op(o: &mut Operation) {
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
    let element = |e: &mut Element| {
        e.anchor = None;
        e.html = None;
        e.management_functions = None;
        e.evaluation_activities = None;
        e.operations.values_mut().for_each(|o| op(&mut o.value));
    };
    for x in &mut d.extended_components {
        x.elements.iter_mut().for_each(element);
    }
    for s in &mut d.sfrs {
        s.audit_events.clear();
        s.restrict.clear();
        s.anchor = None;
        if s.title.as_deref() == Some(s.id.value.as_str()) {
            s.title = None;
        }
        s.elements.iter_mut().for_each(element);
    }
}
