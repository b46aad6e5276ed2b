//! The built-in CDD documents and the examples parse.

use std::path::Path;

use dtsec_model::{DocumentKind, Library, load_document};

#[test]
fn builtins_parse() {
    let lib = Library::with_builtins();
    let errors: Vec<String> = lib.builtin_errors().iter().map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "built-in documents do not parse: {errors:#?}"
    );
    let pp = lib.find("cdd", "1.0").expect("cdd 1.0 is built in");
    assert_eq!(pp.document.kind.value, DocumentKind::ProtectionProfile);
    for id in ["cdd-eb", "cdd-moderate"] {
        let pkg = lib
            .find(id, "1.0")
            .unwrap_or_else(|| panic!("{id} 1.0 is built in"));
        assert_eq!(pkg.document.kind.value, DocumentKind::AssurancePackage);
        assert_eq!(pkg.document.base_pps[0].id.value, "cdd");
    }
}

#[test]
fn examples_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            if let Err(e) = load_document(&path) {
                panic!("{e}");
            }
            n += 1;
        }
    }
    assert!(n >= 2, "expected at least two examples, found {n}");
}
