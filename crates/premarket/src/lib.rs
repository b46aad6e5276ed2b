//! dtsec-premarket: the FDA premarket cybersecurity documentation set of a Security Target, as
//! one self-contained HTML page and one tagged PDF (issue 14, item 5; design notes
//! `regulatory.md` §4).
//!
//! Why a crate of its own: the package joins what four other crates know — the ST and its PP
//! (model), the sealed ETR (eval, read through the OSCAL chain's [`Etr`]), the PP → FDA and
//! §524B mappings (regulatory) and the SBOM (sbom) — and the reviewer must see, section by
//! section, which claims an independent lab verified. So every [`Section`] carries a
//! [`Provenance`]: verified by an approved lab (only from an ETR whose signature was verified),
//! manufacturer data (the ST, the SBOM), or to be authored; the inputs that are missing are
//! listed at the top.
//!
//! Determinism: no clock and no randomness; the date is the ETR's sealing time or the ST's
//! `identification.date`. The same inputs give byte-identical HTML and PDF.
//!
//! ```
//! use dtsec_model::Library;
//! let library = Library::with_builtins();
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/pump-st.yaml");
//! let (_, st) = dtsec_model::load_document(std::path::Path::new(path)).unwrap();
//! let inputs = dtsec_premarket::Inputs { st: &st, library: &library, lab: None, sbom: None };
//! let package = dtsec_premarket::build(&inputs).unwrap();
//! assert_eq!(package.sections.len(), 13);
//! assert!(package.missing.iter().any(|m| m.input.contains("ETR")));
//! assert!(dtsec_premarket::html::render(&package).contains("<h1>"));
//! ```
//!
//! Boundary: no I/O (the CLI reads and verifies the files, and writes the outputs); no
//! knowledge of the registry or HTTP.
#![forbid(unsafe_code)]

mod error;
pub mod evidence;
pub mod html;
mod package;
pub mod pdf;
pub mod postmarket;
mod sections;
mod trace;

pub use dtsec_oscal::assessment::Etr;
pub use error::PremarketError;
pub use package::{Block, Missing, Package, Provenance, Section};

use dtsec_model::{Document, DocumentKind, Library};

/// The most rows one table of the package carries (threat × objective × SFR paths, SBOM
/// components); checked before the rows are built.
pub const MAX_ROWS: usize = 20_000;

/// A sealed ETR and whether its signature was verified with the lab's key.
pub struct LabEvidence<'a> {
    /// The ETR, already checked to be for this ST (`Etr::from_payload`, and the CLI compares
    /// the ST's SHA-256).
    pub etr: Etr<'a>,
    /// True only when the bundle's signature verified with the key the user gave; without it
    /// no section is tagged as verified by a lab.
    pub signature_verified: bool,
}

/// An ingested SBOM and where it came from.
pub struct SbomInput {
    /// The file name as shown in the package.
    pub name: String,
    /// The SBOM.
    pub doc: dtsec_sbom::SbomDoc,
    /// Its ingestion report (coverage gaps).
    pub report: dtsec_sbom::Report,
}

/// What the package is built from.
pub struct Inputs<'a> {
    /// The Security Target.
    pub st: &'a Document,
    /// The documents the ST may claim (its PP, packages).
    pub library: &'a Library,
    /// The sealed ETR, when there is one.
    pub lab: Option<&'a LabEvidence<'a>>,
    /// The SBOM, when there is one.
    pub sbom: Option<&'a SbomInput>,
}

/// Builds the package: thirteen sections in the order of the guidance (`regulatory.md` §4).
pub fn build(inputs: &Inputs<'_>) -> Result<Package, PremarketError> {
    let st = inputs.st;
    if st.kind.value != DocumentKind::SecurityTarget {
        return Err(PremarketError::NotAnSt {
            id: st.id.value.clone(),
            kind: st.kind.value.label().to_string(),
        });
    }
    sections::package(inputs)
}
