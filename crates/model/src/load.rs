//! Reading a document from YAML text, with limits that keep hostile input harmless.
//!
//! Policy: a file that cannot become a [`Document`] is a [`LoadError`] carrying the position and a
//! hint; it is never a panic. Limits are set on size, nesting depth and node count so that a 50 MB
//! file, 10,000-deep nesting or an alias bomb is refused quickly with a clear message.

use crate::document::Document;
use crate::source::SourceFile;

/// Largest document dtsec reads, in bytes. Real PPs and STs are well under 2 MB.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// Deepest nesting accepted. The format needs about 10 levels.
pub const MAX_DEPTH: usize = 48;

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("{path} is {size} bytes, over the {limit}-byte limit for a document")]
    TooLarge {
        /// The path.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// The file is not UTF-8 text (binary garbage, or another encoding).
    #[error("{path}: not UTF-8 text (invalid byte at offset {offset}); save the document as UTF-8")]
    NotUtf8 {
        /// The path.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The YAML is malformed or does not fit the document format.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The path.
        path: String,
        /// 1-based line, 0 when unknown.
        line: u32,
        /// 1-based column, 0 when unknown.
        column: u32,
        /// What is wrong.
        message: String,
    },
}

impl LoadError {
    /// A short hint on what to do.
    pub fn help(&self) -> &'static str {
        match self {
            LoadError::Io { .. } => "check the path and the file's permissions",
            LoadError::TooLarge { .. } => {
                "split the document, or check that this is the file you meant"
            }
            LoadError::NotUtf8 { .. } => {
                "dtsec reads UTF-8 YAML documents; `dtsec schema` prints the format"
            }
            LoadError::Syntax { .. } => {
                "fix the YAML at that position; `dtsec schema` prints the JSON Schema of the format"
            }
        }
    }

    /// The line and column, when the error has a position.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            LoadError::Syntax { line, column, .. } if *line > 0 => Some((*line, *column)),
            _ => None,
        }
    }
}

/// Reads a file into a [`SourceFile`], enforcing the size limit and UTF-8.
pub fn read_source(path: &std::path::Path) -> Result<SourceFile, LoadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    if meta.len() > MAX_DOCUMENT_BYTES as u64 {
        return Err(LoadError::TooLarge {
            path: name,
            size: meta.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    source_from_bytes(name, bytes)
}

/// Makes a [`SourceFile`] from bytes, enforcing the size limit and UTF-8.
pub fn source_from_bytes(name: String, bytes: Vec<u8>) -> Result<SourceFile, LoadError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(LoadError::TooLarge {
            path: name,
            size: bytes.len() as u64,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => Err(LoadError::NotUtf8 {
            path: name,
            offset: e.utf8_error().valid_up_to(),
        }),
    }
}

/// Parses a document from a source file.
pub fn parse_document(source: &SourceFile) -> Result<Document, LoadError> {
    if let Some(offset) = source.text.find('\0') {
        let (line, column) = source.line_col(offset);
        return Err(LoadError::Syntax {
            path: source.name.clone(),
            line,
            column,
            message: "NUL byte: this looks like a binary file, not a YAML document".into(),
        });
    }
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = 500_000;
    budget.max_aliases = 1_000;
    budget.max_total_scalar_bytes = MAX_DOCUMENT_BYTES;
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options::<Document>(&source.text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| {
                (
                    u32::try_from(l.line()).unwrap_or(u32::MAX),
                    u32::try_from(l.column()).unwrap_or(u32::MAX),
                )
            })
            .unwrap_or((0, 0));
        LoadError::Syntax {
            path: source.name.clone(),
            line,
            column,
            message: first_line_of_error(&e),
        }
    })
}

/// serde-saphyr renders errors with a snippet; dtsec prints its own, so keep the message only.
fn first_line_of_error(e: &serde_saphyr::Error) -> String {
    let rendered = e.without_snippet().to_string();
    let msg = rendered.lines().next().unwrap_or("invalid document").trim();
    // Drop a trailing " at line X column Y" that duplicates our own position prefix.
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Reads and parses a document file.
pub fn load_document(path: &std::path::Path) -> Result<(SourceFile, Document), LoadError> {
    let source = read_source(path)?;
    let doc = parse_document(&source)?;
    Ok((source, doc))
}
