//! Benchmarks of `check` (issue: pump ST under 2 ms in-process; a generated ST with 1,000 SFR
//! instances). Run with `cargo bench -p dtsec-check`.

use std::fmt::Write;
use std::path::Path;

use dtsec_check::{CheckInput, check};
use dtsec_model::{Library, SourceFile, load_document, parse_document};

fn main() {
    divan::main();
}

fn example(name: &str) -> (SourceFile, dtsec_model::Document) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    load_document(&path).expect("example loads")
}

/// A library whose built-ins are already parsed, as in a long-running process.
fn warm_library() -> Library {
    let lib = Library::with_builtins();
    assert!(lib.find("cdd", "1.0").is_some());
    lib
}

#[divan::bench]
fn check_pump_st(bencher: divan::Bencher) {
    let (source, document) = example("pump-st.yaml");
    let lib = warm_library();
    bencher.bench_local(|| {
        check(CheckInput {
            source: &source,
            document: &document,
            library: &lib,
        })
    });
}

#[divan::bench]
fn parse_and_check_pump_st(bencher: divan::Bencher) {
    let (source, _) = example("pump-st.yaml");
    let lib = warm_library();
    bencher.bench_local(|| {
        let document = parse_document(&source).expect("parses");
        check(CheckInput {
            source: &source,
            document: &document,
            library: &lib,
        })
    });
}

#[divan::bench]
fn parse_builtin_cdd_pp(bencher: divan::Bencher) {
    let src = SourceFile::new("cdd-pp.yaml", dtsec_model::BUILTINS[0].text);
    bencher.bench_local(|| parse_document(&src).expect("parses"));
}

/// A standalone ST with `n` iterated SFR instances, each with operations to complete.
fn generated_st(n: usize) -> String {
    let mut s = String::from(
        "kind: security-target\nid: gen\nversion: '1'\ntitle: Generated\ntoe: {name: Gen}\n\
         spd:\n  threats: [{id: T.X, description: d}]\n\
         objectives:\n  toe: [{id: O.X, description: d, addresses: [T.X]}]\nsfrs:\n",
    );
    for i in 0..n {
        let _ = write!(
            s,
            "  - id: FCS_COP.1/I{i}\n    objectives: [O.X]\n    elements:\n      - id: FCS_COP.1.1\n        text: 'perform {{op}} with {{alg}} of {{bits}} bits'\n        operations:\n          op: {{assignment: operation}}\n          alg: {{selection: [AES-CCM, AES-GCM, ChaCha20-Poly1305], exclusive: true}}\n          bits: {{assignment: key size, value_type: integer, min: 128, max: 256}}\n        completed: {{op: encryption, alg: AES-GCM, bits: '256'}}\n    unmet_dependencies:\n      - {{component: FCS_CKM.1, justification: 'Keys are injected at manufacture.'}}\n      - {{component: FCS_CKM.3, justification: 'Key access is internal to the crypto engine.'}}\n"
        );
    }
    s.push_str("sars: [{id: ADV_FSP.1}]\ntss:\n  - description: all\n    sfrs: [");
    for i in 0..n {
        let _ = write!(s, "{}FCS_COP.1/I{i}", if i == 0 { "" } else { ", " });
    }
    s.push_str("]\n");
    s
}

#[divan::bench(args = [1000])]
fn check_generated_st(bencher: divan::Bencher, n: usize) {
    let source = SourceFile::new("gen.yaml", generated_st(n));
    let document = parse_document(&source).expect("generated ST parses");
    let lib = Library::empty();
    let found = check(CheckInput {
        source: &source,
        document: &document,
        library: &lib,
    });
    assert!(found.iter().all(|d| !d.is_error()), "{found:?}");
    bencher.bench_local(|| {
        check(CheckInput {
            source: &source,
            document: &document,
            library: &lib,
        })
    });
}

#[divan::bench(args = [1000])]
fn parse_generated_st(bencher: divan::Bencher, n: usize) {
    let source = SourceFile::new("gen.yaml", generated_st(n));
    bencher.bench_local(|| parse_document(&source).expect("parses"));
}
