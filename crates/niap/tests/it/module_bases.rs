//! A PP-Module read as its authors meant (issue 11), from `tests/fixtures/module-alt-bases.xml`
//! (cut down from the Bluetooth PP-Module): checked against the alternative base PP that is
//! present while the one missing is named once (DT-CONF-023); an SFR stated once per base-PP
//! section, and an `invisible` f-component with its iteration, are not duplicate instances; an
//! OR group of dependencies written across `<h:br/>` is one group.

use std::path::{Path, PathBuf};

use dtsec_check::{CheckInput, check};
use dtsec_model::{Library, LoadedDocument, Origin, SourceFile};

fn fixture(name: &str) -> (PathBuf, SourceFile, dtsec_model::Document) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).expect("fixture readable");
    let name = path.display().to_string();
    let imported = dtsec_niap::import_bytes(&bytes, &name).expect("fixture imports");
    let text = String::from_utf8(bytes).expect("UTF-8");
    (path, SourceFile::new(name, text), imported.document)
}

#[test]
fn module_is_checked_against_the_base_pp_present() {
    let mut library = Library::with_builtins();
    let (path, source, document) = fixture("mini-pp.xml");
    library.add(LoadedDocument {
        source,
        document,
        origin: Origin::File(path),
    });
    let (_, source, document) = fixture("module-alt-bases.xml");
    let diags = check(CheckInput {
        source: &source,
        document: &document,
        library: &library,
    });
    let codes: Vec<(&str, &str)> = diags.iter().map(|d| (d.code, d.message.as_str())).collect();
    let skipped: Vec<_> = codes.iter().filter(|(c, _)| *c == "DT-CONF-023").collect();
    assert_eq!(skipped.len(), 1, "{codes:#?}");
    assert!(skipped[0].1.contains("operatingsystem") && skipped[0].1.contains("mini-pp 1.0"));
    // The only other finding is the module's own: FIA_UAU.2 needs FIA_UID.1.
    let others: Vec<_> = codes.iter().filter(|(c, _)| *c != "DT-CONF-023").collect();
    assert_eq!(others.len(), 1, "{codes:#?}");
    assert!(
        others[0].0 == "DT-DEP-001" && others[0].1.contains("FIA_UID.1"),
        "{codes:#?}"
    );
}
