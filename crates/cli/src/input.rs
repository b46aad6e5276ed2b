//! Reading an input document whatever its format: dtsec YAML, or NIAP XML (imported on the fly),
//! so `check`, `render` and claims accept either. NIAP XML may be a PP, PP-Module, Package or a
//! NIAP-format Security Target (`<st>`).

use std::path::Path;

use dtsec_model::{Document, LoadError, SourceFile, parse_document, source_from_bytes};
use dtsec_niap::{ImportError, looks_like_niap_xml, read_document_bytes};

/// Why an input could not be read (printed as a [`crate::error::CliError`], with its help).
#[derive(Debug)]
pub enum InputError {
    /// A YAML document that could not be read.
    Load(LoadError),
    /// A NIAP XML document that could not be imported.
    Import(ImportError),
}

/// The result of reading one input: its text (for diagnostics) and the document.
pub struct Input {
    pub source: SourceFile,
    pub document: Document,
}

/// Reads a YAML or NIAP XML document.
pub fn load(path: &Path) -> Result<Input, InputError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| {
        InputError::Load(LoadError::Io {
            path: name.clone(),
            source,
        })
    })?;
    // The XML reader has its own, larger limit; YAML documents are capped by the model.
    let cap = dtsec_niap::MAX_INPUT_BYTES.max(dtsec_model::load::MAX_DOCUMENT_BYTES) as u64;
    if meta.len() > cap {
        return Err(InputError::Load(LoadError::TooLarge {
            path: name,
            size: meta.len(),
            limit: cap as usize,
        }));
    }
    let bytes = std::fs::read(path).map_err(|source| {
        InputError::Load(LoadError::Io {
            path: name.clone(),
            source,
        })
    })?;
    if looks_like_niap_xml(&bytes) {
        // PPs, modules and packages are imported; NIAP-format STs (`<st>`) read as STs.
        let imported = read_document_bytes(&bytes, &name).map_err(InputError::Import)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        return Ok(Input {
            source: SourceFile::new(name, text),
            document: imported.document,
        });
    }
    let source = source_from_bytes(name, bytes).map_err(InputError::Load)?;
    let document = parse_document(&source).map_err(InputError::Load)?;
    Ok(Input { source, document })
}
