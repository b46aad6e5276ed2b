//! dtsec's document model: Protection Profiles, PP-Modules, Packages and Security Targets.
//!
//! Documents are written in YAML (see `docs/format.md`); [`load_document`] reads one into a
//! [`Document`], keeping the line and column of every identifier so the checker can point at
//! it. [`Library`] finds the PPs and packages a document claims, among the built-in ones (the
//! CDD PP) and a search path; a claim from a CC 3.1 R5 document gets the CDD PP 2.0 as
//! [`edition::derive`] rewrites it for that edition. [`json_schema`] gives the JSON Schema of
//! the format.
//!
//! The model knows nothing of XML, SQL or HTTP, and does no I/O beyond reading the files it is
//! asked to read.
//!
//! ```
//! use dtsec_model::{SourceFile, parse_document, DocumentKind};
//! let src = SourceFile::new("pp.yaml", "kind: protection-profile\nid: demo\nversion: '1.0'\ntitle: Demo\n");
//! let doc = parse_document(&src).unwrap();
//! assert_eq!(doc.kind.value, DocumentKind::ProtectionProfile);
//! assert_eq!(doc.id.span.line, 2);
//! ```
#![forbid(unsafe_code)]

pub mod compiled;
pub mod diff;
pub mod document;
pub mod edition;
mod generated_builtins;
pub mod library;
pub mod load;
pub mod operation;
pub mod sfr_id;
pub mod source;
pub mod span;

pub use diff::{Change, ChangeKind, DocumentDiff, SectionDiff, diff};
pub use document::*;
pub use edition::{EditionError, EditionMap, MappingKind};
pub use library::{BUILTINS, BuiltinFormat, BuiltinSource, Library, LoadedDocument, Origin};
pub use load::{
    LoadError, load_document, parse_document, read_bounded, read_source, source_from_bytes,
};
pub use operation::{Choice, Completion, Operation, RequiredChoice, ValueType};
pub use sfr_id::SfrId;
pub use source::SourceFile;
pub use span::{Span, Spanned};

/// The JSON Schema (2020-12) of the document format, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Document);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
