//! How long building and rendering the pump ST's package takes (no ETR): the cost a user pays
//! per `dtsec premarket` run besides reading the files.

use dtsec_model::Library;

fn main() {
    divan::main();
}

fn pump() -> dtsec_model::Document {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/pump-st.yaml");
    dtsec_model::load_document(std::path::Path::new(path))
        .unwrap()
        .1
}

#[divan::bench]
fn build_package(b: divan::Bencher) {
    let library = Library::with_builtins();
    let st = pump();
    b.bench(|| {
        let inputs = dtsec_premarket::Inputs {
            st: &st,
            library: &library,
            lab: None,
            sbom: None,
        };
        dtsec_premarket::build(&inputs).unwrap()
    });
}

#[divan::bench]
fn render_html(b: divan::Bencher) {
    let library = Library::with_builtins();
    let st = pump();
    let inputs = dtsec_premarket::Inputs {
        st: &st,
        library: &library,
        lab: None,
        sbom: None,
    };
    let p = dtsec_premarket::build(&inputs).unwrap();
    b.bench(|| dtsec_premarket::html::render(&p));
}

#[divan::bench]
fn render_pdf(b: divan::Bencher) {
    let library = Library::with_builtins();
    let st = pump();
    let inputs = dtsec_premarket::Inputs {
        st: &st,
        library: &library,
        lab: None,
        sbom: None,
    };
    let p = dtsec_premarket::build(&inputs).unwrap();
    b.bench(|| dtsec_premarket::pdf::render(&p));
}
