//! Benchmarks of the OSCAL hot paths: the CDD PP 2.0 as a catalog, the pump ST's profile and
//! component-definition, and validation (schema + semantic) of the catalog.

use dtsec_model::{Document, Library, SourceFile};
use dtsec_oscal::{CatalogOptions, ComponentOptions};

fn main() {
    divan::main();
}

fn cdd() -> Document {
    Library::with_builtins()
        .find("cdd", "2.0")
        .expect("built-in cdd 2.0")
        .document
        .clone()
}

fn pump() -> (SourceFile, Document) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    dtsec_model::load_document(&path).expect("pump ST")
}

#[divan::bench]
fn catalog_cdd(bencher: divan::Bencher) {
    let doc = cdd();
    bencher.bench(|| dtsec_oscal::catalog(&doc, &CatalogOptions::default()).expect("exports"));
}

#[divan::bench]
fn validate_cdd_catalog(bencher: divan::Bencher) {
    let catalog = dtsec_oscal::catalog(&cdd(), &CatalogOptions::default()).expect("exports");
    bencher.bench(|| {
        let report = dtsec_oscal::validate(&catalog, &[]).expect("validates");
        assert!(report.problems.is_empty());
    });
}

#[divan::bench]
fn profile_pump(bencher: divan::Bencher) {
    let library = Library::with_builtins();
    let (source, st) = pump();
    // The library caches lazily (not `Sync`), so these run on one thread.
    bencher.bench_local(|| dtsec_oscal::profile(&st, &source, &library).expect("exports"));
}

#[divan::bench]
fn component_pump(bencher: divan::Bencher) {
    let library = Library::with_builtins();
    let (source, st) = pump();
    let options = ComponentOptions::default();
    bencher.bench_local(|| {
        dtsec_oscal::component_definition(&st, &source, &library, &options).expect("exports")
    });
}
