//! Benchmark of the NIAP pipeline on `mobile-device.xml` (about 1 MB, NIAP's largest PP): import,
//! check and render, together and each alone, plus export. NIAP's own pipeline (`xsltproc
//! pp2html.xsl`, then its sanity checks) takes about 2.5 s + 1.3 s for that file; dtsec aims for
//! under 50 ms for the three together. Run with `cargo bench -p dtsec-niap`; prints a note and
//! measures nothing when `../shared` is absent.

use std::path::PathBuf;

use dtsec_check::{CheckInput, check};
use dtsec_model::{Library, SourceFile};
use dtsec_render::{LoadedDocumentRef, RenderContext, render_html};

fn main() {
    if input().is_none() {
        println!("skipped: ../shared/niap/pp/mobile-device.xml not found");
        return;
    }
    divan::main();
}

fn input() -> Option<(String, Vec<u8>)> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/niap/pp/mobile-device.xml");
    let bytes = std::fs::read(&path).ok()?;
    Some((path.display().to_string(), bytes))
}

/// A library whose built-ins are already parsed, as in a long-running process.
/// The built-ins plus the other NIAP documents beside mobile-device.xml, imported once, so the
/// check resolves what the PP claims (as `--pp-path` does) and does its full work.
fn library() -> Library {
    let mut lib = Library::with_builtins();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/niap/pp");
    for name in ["application.xml", "bluetooth.xml", "tls.xml"] {
        let path = dir.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(imported) = dtsec_niap::import_bytes(&bytes, &path.display().to_string()) else {
            continue;
        };
        lib.add(dtsec_model::LoadedDocument {
            source: SourceFile::new(
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ),
            document: imported.document,
            origin: dtsec_model::Origin::File(path),
        });
    }
    lib
}

/// Drops claims of documents that are not in `../shared` (mobile-device claims an X.509 package
/// that is not there), so the check runs every rule instead of stopping at DT-CONF-001.
fn resolvable(mut doc: dtsec_model::Document, lib: &Library) -> dtsec_model::Document {
    let keep = |r: &dtsec_model::DocRef| lib.find(&r.id.value, &r.version.value).is_some();
    doc.conformance.pps.retain(keep);
    doc.conformance.packages.retain(keep);
    doc.base_pps.retain(keep);
    doc.modules.retain(keep);
    doc
}

fn imported() -> (SourceFile, dtsec_model::Document) {
    let (name, bytes) = input().expect("input present");
    let doc = dtsec_niap::import_bytes(&bytes, &name)
        .expect("imports")
        .document;
    let text = String::from_utf8(bytes).expect("utf-8");
    (SourceFile::new(name, text), doc)
}

#[divan::bench]
fn import_check_render(bencher: divan::Bencher) {
    let (name, bytes) = input().expect("input present");
    let lib = library();
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let source = SourceFile::new(name.clone(), text);
    bencher.bench_local(|| {
        let doc = resolvable(
            dtsec_niap::import_bytes(&bytes, &name)
                .expect("imports")
                .document,
            &lib,
        );
        let diagnostics = check(CheckInput {
            source: &source,
            document: &doc,
            library: &lib,
        });
        let html = render_html(
            &LoadedDocumentRef::new(&doc, &name),
            &RenderContext::with_claimed(&[]),
        );
        (diagnostics.len(), html.len())
    });
}

#[divan::bench]
fn import(bencher: divan::Bencher) {
    let (name, bytes) = input().expect("input present");
    bencher.bench_local(|| dtsec_niap::import_bytes(&bytes, &name).expect("imports"));
}

#[divan::bench]
fn check_only(bencher: divan::Bencher) {
    let (source, doc) = imported();
    let lib = library();
    let doc = resolvable(doc, &lib);
    assert!(
        !check(CheckInput {
            source: &source,
            document: &doc,
            library: &lib,
        })
        .iter()
        .any(dtsec_check::is_input_unusable),
        "every claim resolves, so the check does its full work"
    );
    bencher.bench_local(|| {
        check(CheckInput {
            source: &source,
            document: &doc,
            library: &lib,
        })
    });
}

#[divan::bench]
fn render_only(bencher: divan::Bencher) {
    let (source, doc) = imported();
    bencher.bench_local(|| {
        render_html(
            &LoadedDocumentRef::new(&doc, &source.name),
            &RenderContext::with_claimed(&[]),
        )
    });
}

#[divan::bench]
fn export(bencher: divan::Bencher) {
    let (_, doc) = imported();
    bencher.bench_local(|| dtsec_niap::export(&doc).expect("exports"));
}
