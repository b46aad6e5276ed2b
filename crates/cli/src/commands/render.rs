//! `dtsec render`: one self-contained HTML document of a PP or ST.
//!
//! An ST is rendered with the PPs and packages it claims (its SFRs take their text from them),
//! so a missing one stops the render. A PP-Module or package is rendered from what it has: a
//! base PP that is not available is named in the page (marked "not available to the
//! renderer") and in a warning, since a reviewer of a module often has the module alone.

use std::path::Path;

use dtsec_model::{DocRef, DocumentKind, Library, LoadedDocument};
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
    let standalone = document.kind.value != DocumentKind::SecurityTarget;
    let mut claimed: Vec<&LoadedDocument> = Vec::new();
    for r in refs {
        match library
            .find_claimed_by(&document, &r.id.value, &r.version.value)
            .or_else(|| find(&library, r))
        {
            Some(d) => claimed.push(d),
            None if standalone => crate::error::warning(format_args!(
                "{}:{}:{}: base PP `{}`{} is not available; rendering the {} without it \
                 (the page names it as not available; give it with `--pp FILE` or \
                 `--pp-path DIR`)",
                source.name,
                r.id.span.line,
                r.id.span.column,
                r.id.value,
                version_text(r),
                document.kind.value.label(),
            )),
            None => {
                return Err(CliError::unusable(format!(
                    "{}:{}:{}: claimed document `{}`{} was not found",
                    source.name,
                    r.id.span.line,
                    r.id.span.column,
                    r.id.value,
                    version_text(r)
                ))
                .with_help("give it with `--pp FILE` or `--pp-path DIR`"));
            }
        }
    }
    let extra = super::render_coverage::sections(&document, &library);
    let html = render_html(
        &LoadedDocumentRef::new(&document, &source.name),
        &RenderContext::with_claimed(&claimed).with_extra(&extra),
    );
    crate::write::atomic_write(output, html.as_bytes())
        .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", output.display())))?;
    eprintln!("wrote {} ({} bytes)", output.display(), html.len());
    Ok(Exit::Success)
}

/// The document `r` names: by id and version, or, for a reference without a version, the
/// newest version available (as the checker resolves it).
fn find<'l>(library: &'l Library, r: &DocRef) -> Option<&'l LoadedDocument> {
    if r.version.value.is_empty() {
        let newest = library.versions_of(&r.id.value).pop()?;
        return library.find(&r.id.value, &newest);
    }
    library.find(&r.id.value, &r.version.value)
}

/// " version `V`", or nothing for a reference without a version.
fn version_text(r: &DocRef) -> String {
    if r.version.value.is_empty() {
        String::new()
    } else {
        format!(" version `{}`", r.version.value)
    }
}
