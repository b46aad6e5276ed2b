//! Reads NIAP Protection Profile XML (`https://niap-ccevs.org/cc/v1`) into dtsec's document model.
//!
//! NIAP publishes its Protection Profiles, PP-Modules and Functional Packages as XML; connected
//! medical devices reuse them (a CGM's phone app against the Application Software PP, its cloud
//! link against the TLS package). [`import`] turns one such file into a [`dtsec_model::Document`]
//! so `dtsec check` and `dtsec render` work on it, keeping source positions (line:column of the
//! XML) in every [`dtsec_model::Span`] it fills. [`export`] writes a PP, PP-Module or package
//! back as NIAP XML that validates against NIAP's RELAX NG schemas.
//!
//! The input is untrusted: no DTD is accepted (so no entity expansion and nothing fetched), the
//! size, nesting depth, node count, attributes per element and namespace declarations are capped
//! (one hardened reader, `xml.rs`, for every entry point), and every failure is an
//! [`ImportError`], never a panic. See the crate README for the NIAP → model mapping and the id conventions.
//!
//! ```
//! let xml = r#"<Package xmlns="https://niap-ccevs.org/cc/v1" name="Demo">
//!   <PPReference><ReferenceTable><PPTitle>Demo</PPTitle><PPVersion>1.0</PPVersion></ReferenceTable></PPReference>
//!   <f-component cc-id="fcs_rbg.1" name="Random bit generation">
//!     <f-element><title>The TSF shall use <assignable>an RBG</assignable>.</title></f-element>
//!   </f-component>
//! </Package>"#;
//! let imported = dtsec_niap::import(xml, "demo.xml").unwrap();
//! assert_eq!(imported.document.sfrs[0].id.value, "FCS_RBG.1");
//! assert_eq!(imported.counts.assignables, 1);
//! ```
#![forbid(unsafe_code)]

// Module dependencies are one-way: `ns` ← `html` ← `error` ← `xml` ← `import` ← `st` ← `export`,
// with `imported` beside `error`; this root only declares, re-exports and wires them.
mod any;
mod error;
mod export;
mod html;
mod import;
mod imported;
mod ns;
mod st;
mod xml;

mod sidecar;
pub use any::{AnyError, load_any};
pub use error::ImportError;
pub use export::{ExportError, export, niap_origin};
pub use imported::{ImportCounts, ImportWarning, Imported};
pub use ns::{NIAP_NS, NIAP_SECTION_NS, XHTML_NS};
pub use st::{
    NiapSt, StChoice, StClaim, StClaimKind, StComponent, StElement, StSelection, pp_conformance,
    read_document, read_document_bytes, read_st,
};
pub use xml::{MAX_ATTRIBUTES, MAX_DEPTH, MAX_INPUT_BYTES, MAX_NAMESPACES, MAX_NODES};

/// Imports NIAP XML given as bytes: enforces the size limit and UTF-8 (skipping a UTF-8 BOM),
/// then calls [`import`].
pub fn import_bytes(bytes: &[u8], name: &str) -> Result<Imported, ImportError> {
    import(xml::decode(bytes, name, &xml::Limits::NIAP)?, name)
}

/// Imports a NIAP PP, PP-Module or Functional Package.
///
/// `name` is shown in errors and, unless the XML is a dtsec export that records the id (see the
/// crate README, `dtsec-model` appendix), gives the document's id: the file's stem, lower-cased, without
/// a `-VERSION` suffix equal to the document's version (`tls-1.1.xml` → `tls`). That matches the
/// repository names NIAP documents use to refer to each other (`github.com/commoncriteria/tls`).
pub fn import(xml: &str, name: &str) -> Result<Imported, ImportError> {
    let parsed = xml::parse_hardened(xml, name, &xml::Limits::NIAP)?;
    import::import_parsed(&parsed, name)
}

/// True when `bytes` look like NIAP XML: after an optional BOM and whitespace they start with
/// `<`, and the NIAP namespace appears in the first 64 KiB. Cheap; for routing `.xml` files.
pub fn looks_like_niap_xml(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    if !rest.starts_with(b"<") {
        return false;
    }
    let head = &rest[..rest.len().min(64 * 1024)];
    let needle = NIAP_NS.as_bytes();
    head.windows(needle.len()).any(|w| w == needle)
}
