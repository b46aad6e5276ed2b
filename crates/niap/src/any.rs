//! One entry point for "a document in either format": dtsec YAML, or NIAP XML (a PP,
//! PP-Module, Package or NIAP-format ST). The command line and the registry's ST upload both
//! promise NIAP XML; routing in one place means both keep that promise the same way (the
//! registry once parsed every upload as YAML).

use dtsec_model::{Document, LoadError, SourceFile, parse_document, source_from_bytes};

use crate::{ImportError, looks_like_niap_xml, read_document_bytes};

/// Why a document in either format could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnyError {
    /// A YAML document that could not be read.
    #[error(transparent)]
    Load(LoadError),
    /// A NIAP XML document that could not be imported.
    #[error(transparent)]
    Import(ImportError),
}

/// Reads `bytes` (named `name` in messages) as NIAP XML when they look like it, else as dtsec
/// YAML; returns the source text (for diagnostics) and the document. The caller bounds the
/// size it reads; each reader applies its own limits again.
///
/// # Errors
/// [`AnyError::Import`] for unusable NIAP XML, [`AnyError::Load`] for unusable YAML.
pub fn load_any(name: &str, bytes: Vec<u8>) -> Result<(SourceFile, Document), AnyError> {
    if looks_like_niap_xml(&bytes) {
        // PPs, modules and packages are imported; NIAP-format STs (`<st>`) read as STs.
        let imported = read_document_bytes(&bytes, name).map_err(AnyError::Import)?;
        // The reader decoded these bytes as UTF-8 already: this moves them, with the standard
        // library's fast check, instead of copying them character by character.
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        return Ok((SourceFile::new(name.to_string(), text), imported.document));
    }
    let source = source_from_bytes(name.to_string(), bytes).map_err(AnyError::Load)?;
    let document = parse_document(&source).map_err(AnyError::Load)?;
    Ok((source, document))
}
