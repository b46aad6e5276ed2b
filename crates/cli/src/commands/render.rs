//! `dtsec render`: one self-contained HTML document of a PP or ST.

use std::path::Path;

use dtsec_model::{DocumentKind, LoadedDocument};
use dtsec_render::{LoadedDocumentRef, RenderContext, render_html};

use crate::PpArgs;

pub fn run(file: &Path, output: &Path, pps: &PpArgs) -> u8 {
    let (source, document) = match crate::input::load(file) {
        Ok(input) => (input.source, input.document),
        Err(e) => {
            e.report();
            return 2;
        }
    };
    let library = match crate::library::build(pps) {
        Ok(l) => l,
        Err(e) => {
            e.report();
            return 2;
        }
    };
    let refs = if document.kind.value == DocumentKind::SecurityTarget {
        document
            .conformance
            .pps
            .iter()
            .chain(&document.conformance.packages)
            .collect::<Vec<_>>()
    } else {
        document.base_pps.iter().collect()
    };
    let mut claimed: Vec<&LoadedDocument> = Vec::new();
    for r in refs {
        match library.find(&r.id.value, &r.version.value) {
            Some(d) => claimed.push(d),
            None => {
                eprintln!(
                    "error: {}:{}:{}: claimed document `{}` version `{}` was not found",
                    source.name, r.id.span.line, r.id.span.column, r.id.value, r.version.value
                );
                eprintln!("  = help: give it with `--pp FILE` or `--pp-path DIR`");
                return 2;
            }
        }
    }
    let html = render_html(
        &LoadedDocumentRef::new(&document, &source.name),
        &RenderContext::with_claimed(&claimed),
    );
    if let Err(e) = crate::write::atomic_write(output, html.as_bytes()) {
        eprintln!("error: cannot write {}: {e}", output.display());
        return 2;
    }
    eprintln!("wrote {} ({} bytes)", output.display(), html.len());
    0
}
