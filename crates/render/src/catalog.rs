//! The one place the renderer asks the CC catalogue (`dtsec-catalog`) anything.
//!
//! Why isolated: the renderer needs only three facts from the catalogue — a component's name,
//! its dependencies, and whether one component is hierarchical to another — and keeping them
//! behind this small type means a change in the catalogue's API touches one file.

use dtsec_catalog::{Catalog, Edition};
use dtsec_model::Document;

/// The catalogue of the edition a document is written against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cat {
    catalog: &'static Catalog,
    /// Whether the document's `cc_edition` was recognised (otherwise the default was used).
    pub(crate) recognised: bool,
}

impl Cat {
    /// The catalogue for `doc`'s `cc_edition`, or CC:2022 R1 when absent or unrecognised.
    pub(crate) fn for_document(doc: &Document) -> Cat {
        let parsed = doc.cc_edition.as_ref().map(|e| Edition::parse(&e.value));
        Cat {
            catalog: Catalog::get(parsed.flatten().unwrap_or_default()),
            recognised: !matches!(parsed, Some(None)),
        }
    }

    /// The edition label, e.g. `CC:2022 R1`.
    pub(crate) fn label(&self) -> &'static str {
        self.catalog.edition().label()
    }

    /// True when the catalogue defines `id`.
    pub(crate) fn knows(&self, id: &str) -> bool {
        self.catalog.component(id).is_some()
    }

    /// The component's name, e.g. `Cryptographic operation`.
    pub(crate) fn name(&self, id: &str) -> Option<&'static str> {
        self.catalog.component(id).map(|c| c.name)
    }

    /// The component's dependencies (AND of OR groups), when the catalogue knows it.
    pub(crate) fn dependencies(&self, id: &str) -> Option<Vec<Vec<String>>> {
        self.catalog.component(id).map(|c| {
            c.dependencies
                .iter()
                .map(|group| group.iter().map(|d| (*d).to_owned()).collect())
                .collect()
        })
    }

    /// True when including `higher` meets a dependency on `lower` (same or hierarchical).
    pub(crate) fn satisfies(&self, higher: &str, lower: &str) -> bool {
        self.catalog.satisfies(higher, lower)
    }
}
