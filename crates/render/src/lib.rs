//! dtsec-render: one self-contained, readable HTML5 page for a PP, PP-Module, package or ST.
//!
//! Why it exists: evaluators, certification bodies and manufacturers read Protection Profiles
//! and Security Targets as documents structured by the sections of ISO/IEC 15408 — not as YAML.
//! This crate turns a parsed [`dtsec_model::Document`] into that document: introduction,
//! conformance claims, security problem definition, objectives, extended components, security
//! requirements with their operations shown open (PP) or completed (ST), dependency table,
//! rationale matrices and the TOE summary specification.
//!
//! The page has inline CSS only (no scripts, no external resources), prints cleanly, and every
//! string from the document is escaped: documents are untrusted input. Rendering does no I/O
//! and is deterministic — the same input gives the same bytes — so it can be benchmarked and
//! snapshot-tested; [`render_html_to_file`] is a thin convenience on top.
//!
//! ```
//! use dtsec_model::{SourceFile, parse_document};
//! use dtsec_render::{LoadedDocumentRef, RenderContext, render_html};
//! let src = SourceFile::new("pp.yaml", "kind: protection-profile\nid: demo\nversion: '1.0'\ntitle: Demo <PP>\n");
//! let doc = parse_document(&src).unwrap();
//! let html = render_html(&LoadedDocumentRef::new(&doc, &src.name), &RenderContext::default());
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("Demo &lt;PP&gt;"));
//! ```
#![forbid(unsafe_code)]

mod catalog;
mod deps;
mod extra;
mod html;
mod markdown;
mod ops;
mod page;
mod rationale;
mod reqs;
mod resolve;
mod restrict;
mod roles;
mod view;

use std::path::Path;

use dtsec_model::{Document, LoadedDocument};

pub use extra::{ExtraSection, ExtraTable};
pub use html::{escape, escape_into};

/// The document to render and the name of the file it came from (shown in the footer).
#[derive(Clone, Copy, Debug)]
pub struct LoadedDocumentRef<'a> {
    /// The parsed document.
    pub document: &'a Document,
    /// Its source name, e.g. a path or `builtin:cdd-pp.yaml`.
    pub source_name: &'a str,
}

impl<'a> LoadedDocumentRef<'a> {
    /// A document with its source name.
    pub fn new(document: &'a Document, source_name: &'a str) -> LoadedDocumentRef<'a> {
        LoadedDocumentRef {
            document,
            source_name,
        }
    }
}

impl<'a> From<&'a LoadedDocument> for LoadedDocumentRef<'a> {
    fn from(ld: &'a LoadedDocument) -> LoadedDocumentRef<'a> {
        LoadedDocumentRef::new(&ld.document, &ld.source.name)
    }
}

/// What the renderer may use besides the document itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderContext<'a> {
    /// The claimed PPs, PP-Modules and packages, in claim order. An ST's SFRs take their text,
    /// operations, title and objectives from the first of these that has an SFR of the same
    /// instance id; an ST without its own security problem definition or objectives shows
    /// theirs. Empty: the document is rendered on its own.
    pub claimed: &'a [&'a LoadedDocument],
    /// Sections the caller adds after the document's own (e.g. the CLI's regulatory coverage,
    /// which this crate cannot compute: `regulatory` is a higher layer). Plain text, escaped
    /// like the document.
    pub extra: &'a [ExtraSection],
}

impl<'a> RenderContext<'a> {
    /// A context with these claimed documents.
    pub fn with_claimed(claimed: &'a [&'a LoadedDocument]) -> RenderContext<'a> {
        RenderContext {
            claimed,
            extra: &[],
        }
    }

    /// The same context with these extra sections.
    #[must_use]
    pub fn with_extra(self, extra: &'a [ExtraSection]) -> RenderContext<'a> {
        RenderContext { extra, ..self }
    }
}

/// Renders `doc` as one self-contained HTML5 page. Pure: no I/O, deterministic output.
pub fn render_html(doc: &LoadedDocumentRef<'_>, ctx: &RenderContext<'_>) -> String {
    page::render(doc.document, doc.source_name, ctx.claimed, ctx.extra)
}

/// Renders `doc` and writes it to `path` atomically: to a temporary file in the same
/// directory, then renamed over `path`, so readers never see a half-written page.
pub fn render_html_to_file(
    doc: &LoadedDocumentRef<'_>,
    ctx: &RenderContext<'_>,
    path: &Path,
) -> std::io::Result<()> {
    dtsec_fsio::write_atomic(path, render_html(doc, ctx).as_bytes())
}
