//! Reading an input document whatever its format: dtsec YAML, or NIAP XML (imported on the fly),
//! so `check`, `render` and claims accept either. NIAP XML may be a PP, PP-Module, Package or a
//! NIAP-format Security Target (`<st>`). The routing itself is `dtsec_niap::load_any`, which the
//! registry's ST upload uses too; this file adds the file reading and its size bound.

use std::path::Path;

use dtsec_model::{Document, LoadError, SourceFile, read_bounded};
use dtsec_niap::{AnyError, ImportError};

use crate::doc_cache::DocCache;
use crate::error::CliError;

/// Why an input could not be read (printed as a [`crate::error::CliError`], with its help).
#[derive(Debug)]
pub enum InputError {
    /// A YAML document that could not be read.
    Load(LoadError),
    /// A NIAP XML document that could not be imported.
    Import(ImportError),
}

impl InputError {
    /// The line and column of the failure, when it has one.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            InputError::Load(e) => e.position(),
            InputError::Import(e) => e.position(),
        }
    }
}

/// The result of reading one input: its text (for diagnostics) and the document.
pub struct Input {
    pub source: SourceFile,
    pub document: Document,
}

/// Reads a YAML or NIAP XML document.
pub fn load(path: &Path) -> Result<Input, InputError> {
    let name = path.display().to_string();
    // The XML reader has its own, larger limit; YAML documents are capped by the model.
    let cap = dtsec_niap::MAX_INPUT_BYTES.max(dtsec_model::load::MAX_DOCUMENT_BYTES) as u64;
    let bytes = read_bounded(path, cap).map_err(InputError::Load)?;
    // The same bytes read by this same binary before: decoded, not parsed (`doc_cache`). Only
    // UTF-8 text is kept, so it is validated once here and given to the reader as it was.
    let cache = DocCache::from_env();
    let bytes = match (&cache, String::from_utf8(bytes)) {
        (Some(cache), Ok(text)) => match cache.get(&name, text.as_bytes()) {
            Some(document) => {
                return Ok(Input {
                    source: SourceFile::new(name, text),
                    document,
                });
            }
            None => text.into_bytes(),
        },
        (_, Ok(text)) => text.into_bytes(),
        (_, Err(e)) => e.into_bytes(),
    };
    // The hash is of the bytes as read; the reader takes them, so a copy is kept only for a
    // cache to key the entry with.
    let kept = cache.as_ref().map(|_| bytes.clone());
    // The routing is the library's, shared with the registry's ST upload.
    match dtsec_niap::load_any(&name, bytes) {
        Ok((source, document)) => {
            if let (Some(cache), Some(bytes)) = (&cache, &kept) {
                cache.put(bytes, &source, &document);
            }
            Ok(Input { source, document })
        }
        Err(AnyError::Import(e)) => Err(InputError::Import(e)),
        Err(AnyError::Load(e)) => Err(InputError::Load(e)),
        Err(e) => Err(InputError::Load(LoadError::Io {
            path: name,
            source: std::io::Error::other(e.to_string()),
        })),
    }
}

/// The largest CC catalogue XML read for its prose (the CC:2022 files are about 3 MB).
pub const CC_XML_LIMIT: u64 = 64 * 1024 * 1024;

/// Reads a whole input file of at most `limit` bytes as a [`CliError`] would say it.
///
/// Why one function: every command that reads a file named on its command line (documents,
/// bundles, certificates, keys, CC XML) must refuse `/dev/zero`, a directory or a 10 GB file
/// quickly and in the same words, before reading it all. See [`read_bounded`].
pub fn read_file(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, CliError> {
    read_bounded(path, limit).map_err(|e| {
        let help = e.help();
        CliError::unusable(format!("cannot read {what}: {e}")).with_help(help)
    })
}

/// [`read_file`] for a text file (UTF-8).
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String, CliError> {
    let bytes = read_file(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::unusable(format!(
            "cannot read {what}: {} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .with_help("check that this is the file you meant")
    })
}
