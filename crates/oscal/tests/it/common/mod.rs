//! What the suites share: the examples' STs and the built-in library.

use std::collections::BTreeMap;

use dtsec_model::{Document, Library, SourceFile};
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
