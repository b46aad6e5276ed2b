//! Reading an input document whatever its format: dtsec YAML, or NIAP XML (imported on the fly),
//! so `check`, `render` and claims accept either. NIAP XML may be a PP, PP-Module, Package or a
//! NIAP-format Security Target (`<st>`). The routing itself is `dtsec_niap::load_any`, which the
//! registry's ST upload uses too; this file adds the file reading and its size bound.

use std::path::Path;

use dtsec_model::{Document, LoadError, SourceFile};
use dtsec_niap::{AnyError, ImportError};

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
    // The routing is the library's, shared with the registry's ST upload.
    match dtsec_niap::load_any(&name, bytes) {
        Ok((source, document)) => Ok(Input { source, document }),
        Err(AnyError::Import(e)) => Err(InputError::Import(e)),
        Err(AnyError::Load(e)) => Err(InputError::Load(e)),
        Err(e) => Err(InputError::Load(LoadError::Io {
            path: name,
            source: std::io::Error::other(e.to_string()),
        })),
    }
}
