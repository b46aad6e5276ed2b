//! How long a coverage derivation and a mapping check take, for the CDD PP 2.0 and the example
//! pump ST: `dtsec map` runs them once per command, the premarket package once per framework.

use dtsec_model::{Library, SourceFile, parse_document};
use dtsec_regulatory::checker::{CheckInput, check};
use dtsec_regulatory::target::{MappingChoice, coverage_report};
use dtsec_regulatory::{builtin, framework};

fn main() {
    divan::main();
}

#[divan::bench]
fn pp_all_roles_fda(bencher: divan::Bencher) {
    let lib = Library::with_builtins();
    let pp = &lib.find("cdd", "2.0").unwrap().document;
    bencher.bench_local(|| coverage_report(pp, &lib, "fda", None, MappingChoice::Builtin).unwrap());
}

#[divan::bench]
fn pump_st_csf(bencher: divan::Bencher) {
    let lib = Library::with_builtins();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    let st = parse_document(&SourceFile::new(
        "pump-st.yaml",
        std::fs::read_to_string(path).unwrap(),
    ))
    .unwrap();
    bencher
        .bench_local(|| coverage_report(&st, &lib, "csf", None, MappingChoice::Builtin).unwrap());
}

#[divan::bench]
fn check_fda_mapping(bencher: divan::Bencher) {
    let lib = Library::with_builtins();
    let (source, mapping) = builtin::find("cdd", "2.0", "fda-2026").unwrap();
    bencher.bench_local(|| {
        check(CheckInput {
            source: &source,
            mapping: &mapping,
            library: &lib,
        })
        .unwrap()
    });
}

#[divan::bench]
fn load_csf_catalogue() -> framework::Framework {
    framework::builtin("csf").unwrap()
}
