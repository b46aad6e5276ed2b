//! The model → NIAP XML mapping: a Protection Profile, PP-Module or Package written back in the
//! `https://niap-ccevs.org/cc/v1` format, shaped to validate against NIAP's RELAX NG schemas.
//!
//! Two kinds of input meet here. A document imported from NIAP XML keeps its prose as HTML
//! (sections, descriptions, notes, evaluation activities, element titles with `{slot}` markers),
//! and the exporter writes that back verbatim so a re-import gives the same model. A document
//! first written in dtsec YAML has plain text instead; the exporter builds the NIAP structure
//! around it (introduction with the TOE overview, conformance claims, …) and gives every
//! `selectable` a stable id `SFR--SLOT--CHOICE` so `depends on-sel` can point at it. The two are
//! told apart by whether the document carries kept HTML (see [`niap_origin`]).
//!
//! Placement of kept prose sections: the importer keeps each prose section flat, so the exporter
//! puts each back by what it is (the introduction, the conformance claims, an audit table, a SAR
//! class, …) and by its place in the list, keeping the list's order so a re-import finds the same
//! sections in the same order.
//!
//! Layout, one concept a file, dependencies one-way (top first): `pp` (the document skeleton)
//! → `front`, `spd`, `sar` → `sfr` → `exporter` (state and shared helpers) → `prose` (kept
//! XHTML and operations) → `writer` (the escaping XML writer); `st` writes NIAP STs; `error`
//! is below them all.

mod error;
mod exporter;
mod front;
mod pp;
mod prose;
mod sar;
mod sfr;
mod spd;
mod st;
mod writer;

use dtsec_model::{Document, DocumentKind};

pub use error::ExportError;
pub use exporter::niap_origin;
use exporter::{Exporter, Root};

/// Writes `doc` as NIAP XML: `<PP>` for a Protection Profile, `<Module>` for a PP-Module,
/// `<Package>` for a functional or assurance package, `<st>` for a NIAP-format Security Target
/// (`conformance.niap.st`, what [`crate::read_document`] makes of an `<st>` file). dtsec's own
/// Security Targets are refused ([`ExportError::Unsupported`]): NIAP's ST format records
/// selections by the kept `selectable`s of NIAP PPs and has no place for a TSS or assignments.
///
/// Documents imported from NIAP XML round-trip: importing the output gives the same model
/// (STs: reading it with [`crate::read_document`]). Documents first written in YAML lose what
/// NIAP has no place for (see the crate README).
pub fn export(doc: &Document) -> Result<String, ExportError> {
    let kind = doc.kind.value;
    let root = match kind {
        DocumentKind::ProtectionProfile => Root::Pp,
        DocumentKind::PpModule => Root::Module,
        DocumentKind::FunctionalPackage | DocumentKind::AssurancePackage => Root::Package,
        DocumentKind::SecurityTarget if doc.conformance.niap.as_ref().is_some_and(|n| n.st) => {
            return st::export_st(doc);
        }
        DocumentKind::SecurityTarget => {
            return Err(ExportError::Unsupported {
                kind: kind.label(),
                id: doc.id.value.clone(),
                why: "only NIAP-format Security Targets (read from NIAP `<st>` XML) are exported; NIAP's ST form has no place for a dtsec ST's completed assignments, TSS or SPD — export the PP, PP-Module or package it claims instead",
            });
        }
    };
    let mut e = Exporter::new(doc, root);
    e.document()?;
    Ok(e.x.out)
}
