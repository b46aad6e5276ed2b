//! Search directories read on first need (issue 16): a lookup by id reads only the files whose
//! names can hold it, a check that claims nothing reads none, and a file that is not a PP is
//! left out without failing the lookup.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use dtsec_model::library::FileReader;
use dtsec_model::{Document, Library, LoadError, SourceFile};

/// A directory standing in for a NIAP `--pp-path`: files named as NIAP names them (the id is
/// the stem without `-VERSION`), holding dtsec YAML so this crate's own reader can read them.
fn directory() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/versions");
    for (from, to) in [
        ("demo-1.0.yaml", "demo-1.0.xml"),
        ("demo-2.0.yaml", "demo-2.0.xml"),
    ] {
        std::fs::copy(fixture.join(from), dir.path().join(to)).expect("copy fixture");
    }
    // Names that cannot hold `demo`, one of them not even a document.
    let other = std::fs::read_to_string(fixture.join("demo-1.0.yaml"))
        .expect("fixture")
        .replace("id: demo", "id: other");
    std::fs::write(dir.path().join("other-1.0.xml"), other).expect("write");
    std::fs::write(dir.path().join("broken.xml"), "{ not: [a document").expect("write");
    std::fs::write(dir.path().join("demonstration.xml"), "kind: nonsense").expect("write");
    dir
}

/// A reader that counts the files it is asked to read.
fn counting_reader(count: Arc<AtomicUsize>) -> Arc<FileReader> {
    Arc::new(
        move |path: &Path| -> Result<(SourceFile, Document), LoadError> {
            count.fetch_add(1, Ordering::SeqCst);
            dtsec_model::load_document(path)
        },
    )
}

#[test]
fn a_lookup_reads_only_the_files_that_can_hold_its_id() {
    let dir = directory();
    let reads = Arc::new(AtomicUsize::new(0));
    let mut lib = Library::with_builtins();
    let listed = lib
        .add_deferred_dir(dir.path(), counting_reader(reads.clone()))
        .expect("listing");
    assert_eq!(listed, 5);
    assert_eq!(reads.load(Ordering::SeqCst), 0, "listing reads no file");

    // A claim of a built-in reads no file of the directory.
    assert!(lib.find("cdd", "1.0").is_some());
    assert_eq!(reads.load(Ordering::SeqCst), 0);

    // `demo` can only be demo-1.0.xml or demo-2.0.xml (not `demonstration.xml`).
    assert_eq!(lib.versions_of("demo"), vec!["1.0", "2.0"]);
    assert_eq!(reads.load(Ordering::SeqCst), 2);
    let v2 = lib.find("demo", "2.0").expect("found");
    assert_eq!(v2.document.version.value, "2.0");
    assert_eq!(reads.load(Ordering::SeqCst), 2, "each file is read once");

    // `other` reads its one file; the broken and non-PP files are never needed.
    assert!(lib.find("other", "1.0").is_some());
    assert_eq!(reads.load(Ordering::SeqCst), 3);
    assert!(lib.deferred_problems().is_empty());
}

#[test]
fn files_that_are_not_documents_are_left_out_and_told() {
    let dir = directory();
    let mut lib = Library::with_builtins();
    lib.add_deferred_dir(dir.path(), counting_reader(Arc::new(AtomicUsize::new(0))))
        .expect("listing");
    // Listing every document reads every file; the two bad ones are problems, not documents.
    let ids: Vec<String> = lib
        .documents()
        .filter(|d| !matches!(d.origin, dtsec_model::Origin::Builtin))
        .map(|d| format!("{} {}", d.document.id.value, d.document.version.value))
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(lib.deferred_problems().len(), 2);
}

#[test]
fn a_missing_directory_is_an_error() {
    let mut lib = Library::with_builtins();
    let err = lib
        .add_deferred_dir(
            Path::new("/nonexistent/dtsec-pp-path"),
            counting_reader(Arc::new(AtomicUsize::new(0))),
        )
        .expect_err("no such directory");
    assert!(
        err.to_string().contains("/nonexistent/dtsec-pp-path"),
        "{err}"
    );
}
