//! The built-in PPs and packages, rendered once at start.
//!
//! Why at start: `dtsec-render` output for a built-in document never changes while the server
//! runs, and the model's `Library` is not shareable across threads; rendering once makes
//! `/pps/{id}/{version}` a map lookup.

use std::collections::HashMap;

use dtsec_model::{DocumentKind, Library};
use dtsec_render::{LoadedDocumentRef, RenderContext, render_html};

/// One rendered document.
#[derive(Clone, Debug)]
pub struct PpPage {
    /// The document id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its title.
    pub title: String,
    /// "Protection Profile", "PP-Module", "package".
    pub kind: &'static str,
    /// The rendered page.
    pub html: String,
}

/// Renders every built-in PP, PP-Module and package.
pub fn render_builtin_pps() -> HashMap<(String, String), PpPage> {
    let lib = Library::with_builtins();
    let mut out = HashMap::new();
    for d in lib.documents() {
        let kind = match d.document.kind.value {
            DocumentKind::ProtectionProfile => "Protection Profile",
            DocumentKind::PpModule => "PP-Module",
            DocumentKind::FunctionalPackage | DocumentKind::AssurancePackage => "package",
            _ => continue,
        };
        let html = with_way_back(
            &render_html(&LoadedDocumentRef::from(d), &RenderContext::default()),
            &d.document.id.value,
            kind,
        );
        let page = PpPage {
            id: d.document.id.value.clone(),
            version: d.document.version.value.clone(),
            title: d.document.title.clone(),
            kind,
            html,
        };
        out.insert((page.id.clone(), page.version.clone()), page);
    }
    out
}

/// The rendered document with a navigation bar leading back to the registry: a reader who
/// arrives from a search engine sees where the document belongs and what is certified against it.
fn with_way_back(rendered: &str, id: &str, kind: &str) -> String {
    let nav = maud::html! {
        nav aria-label="Registry" style="padding:.5rem 1rem" {
            a href="/" { "dtsec registry: certified devices" } " · "
            a href="/pps" { "All Protection Profiles and packages" }
            @if kind == "package" {
                " · " a href={ "/?package=" (crate::html::url(id)) } { "Devices certified with this package" }
            }
        }
    };
    // After the renderer's skip link, which must stay the page's first link (and so be exempt
    // from "all content inside landmarks"), before its header.
    let skip = "Skip to main content</a>";
    match rendered.find(skip) {
        Some(at) => {
            let at = at + skip.len();
            format!(
                "{}\n{}{}",
                &rendered[..at],
                nav.into_string(),
                &rendered[at..]
            )
        }
        None => rendered.replacen("<body>", &format!("<body>\n{}", nav.into_string()), 1),
    }
}
