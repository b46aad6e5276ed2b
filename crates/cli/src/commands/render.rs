//! `dtsec render`: one self-contained HTML document of a PP or ST.

use std::path::Path;

use dtsec_model::{DocumentKind, LoadedDocument};
use dtsec_render::{LoadedDocumentRef, RenderContext, render_html};

use crate::PpArgs;
use crate::error::{CliError, CliResult, Exit};

pub fn run(file: &Path, output: &Path, pps: &PpArgs) -> CliResult {
    let crate::input::Input { source, document } = crate::input::load(file)?;
    let library = crate::library::build(pps)?;
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
        let d = library
            .find_claimed_by(&document, &r.id.value, &r.version.value)
            .ok_or_else(|| {
                CliError::unusable(format!(
                    "{}:{}:{}: claimed document `{}` version `{}` was not found",
                    source.name, r.id.span.line, r.id.span.column, r.id.value, r.version.value
                ))
                .with_help("give it with `--pp FILE` or `--pp-path DIR`")
            })?;
        claimed.push(d);
    }
    let html = render_html(
        &LoadedDocumentRef::new(&document, &source.name),
        &RenderContext::with_claimed(&claimed),
    );
    crate::write::atomic_write(output, html.as_bytes())
        .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", output.display())))?;
    eprintln!("wrote {} ({} bytes)", output.display(), html.len());
    Ok(Exit::Success)
}
