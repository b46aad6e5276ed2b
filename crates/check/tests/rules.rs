//! Each rule against its own fixture: the good mini ST passes, each broken fixture yields its
//! code at the line the fixture marks with `# expect: CODE`.

use std::path::{Path, PathBuf};

use dtsec_check::{CheckInput, Diagnostic, check};
use dtsec_model::{Library, LoadedDocument, Origin, load_document};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn library() -> Library {
    let mut lib = Library::with_builtins();
    for name in ["mini-pp.yaml", "mini-pkg.yaml"] {
        let path = fixtures().join(name);
        let (source, document) = load_document(&path).expect("fixture loads");
        lib.add(LoadedDocument {
            source,
            document,
            origin: Origin::File(path),
        });
    }
    lib
}

/// The one helper that calls the checker.
fn run(path: &Path) -> Vec<Diagnostic> {
    let lib = library();
    let (source, document) = load_document(path).unwrap_or_else(|e| panic!("{e}"));
    check(CheckInput {
        source: &source,
        document: &document,
        library: &lib,
    })
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d.file, d.span.line, d.span.column, d.code, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn good_fixtures_pass() {
    for name in ["mini-pp.yaml", "mini-pkg.yaml", "mini-st.yaml"] {
        let diags = run(&fixtures().join(name));
        assert!(diags.is_empty(), "{name}:\n{}", show(&diags));
    }
}
