//! What an import gives back: the document, what was counted, and what could not be mapped.
//!
//! Why a module of its own: both readers (PPs in `import`, STs in `st`) return these types, and
//! the crate root only re-exports them, so neither reader depends on the root.

use dtsec_model::Document;

/// A NIAP document read into the model, with what was found and what could not be mapped.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The document.
    pub document: Document,
    /// How many of each construct were read.
    pub counts: ImportCounts,
    /// Things that were read but could not be mapped exactly; the import still succeeded.
    pub warnings: Vec<ImportWarning>,
}

/// How many NIAP constructs an import read. Every `selectables` and `assignable` element of the
/// source is counted exactly once: either it became an operation in the model, or it sits inside
/// prose kept as HTML (`*_in_prose`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// `f-component` elements (one SFR each).
    pub f_components: usize,
    /// `f-element` elements (one SFR element each).
    pub f_elements: usize,
    /// `selectables` elements that became selection operations.
    pub selectables: usize,
    /// `assignable` elements that became assignment operations.
    pub assignables: usize,
    /// `audit-event` elements.
    pub audit_events: usize,
    /// `selectables` elements kept inside prose HTML (e.g. a platform list in the introduction).
    pub selectables_in_prose: usize,
    /// `assignable` elements kept inside prose HTML.
    pub assignables_in_prose: usize,
    /// `a-component` elements (one SAR each).
    pub a_components: usize,
}

/// Something the importer read but could not map exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportWarning {
    /// 1-based line in the XML; 0 when unknown.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub column: u32,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}
