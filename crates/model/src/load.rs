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
    /// The file is larger than [`MAX_DOCUMENT_BYTES`] (or the limit the caller set).
    #[error("{path} is {} bytes, over the {limit}-byte limit for a document", size_text(.size, .limit))]
    TooLarge {
        /// The path.
        path: String,
        /// Its size; `limit + 1` when only "more than the limit" is known (a stream).
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// The path names a directory, a device or a socket rather than a file.
    #[error("{path} is {kind}, not a regular file")]
    NotAFile {
        /// The path.
        path: String,
        /// What it is instead ("a directory", "a device").
        kind: &'static str,
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
    /// A built-in written in NIAP XML has no current compiled form (this crate cannot read the
    /// XML itself; a build of dtsec whose compiled forms are stale).
    #[error("builtin:{name} has no current compiled form")]
    BuiltinNotCompiled {
        /// The built-in's file name.
        name: &'static str,
    },
    /// A file on the search path that reads well but is not a PP, PP-Module or package (an ST,
    /// or XML that is not NIAP's): not a document a claim can name.
    #[error("{path} is not a protection profile, PP-Module or package")]
    NotClaimable {
        /// The file.
        path: String,
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
            LoadError::NotAFile { .. } => "give the path of a document file",
            LoadError::NotUtf8 { .. } => {
                "dtsec reads UTF-8 YAML documents; `dtsec schema` prints the format"
            }
            LoadError::Syntax { .. } => {
                "fix the YAML at that position; `dtsec schema` prints the JSON Schema of the format"
            }
            LoadError::BuiltinNotCompiled { .. } => {
                "run `cargo xtask gen-builtins` and rebuild dtsec (a development build is out of step)"
            }
            LoadError::NotClaimable { .. } => {
                "keep only PPs, PP-Modules and packages on the search path"
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
    let bytes = read_bounded(path, MAX_DOCUMENT_BYTES as u64)?;
    source_from_bytes(path.display().to_string(), bytes)
}

/// Reads at most `limit` bytes of a file, refusing larger files before reading them and
/// anything that is not a file.
///
/// Why: a path given by a user may be `/dev/zero`, a directory or a FIFO that never ends. The
/// size in the metadata refuses large regular files at once; the read itself is capped at
/// `limit + 1` bytes, so a stream (a pipe, `/dev/stdin`) that says nothing of its length
/// cannot make the process grow either. Devices and directories are refused outright.
pub fn read_bounded(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    use std::io::Read as _;
    let name = || path.display().to_string();
    let io = |source| LoadError::Io {
        path: name(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return Err(LoadError::NotAFile {
            path: name(),
            kind: "a directory",
        });
    }
    if !file_type.is_file() && !is_stream(&file_type) {
        return Err(LoadError::NotAFile {
            path: name(),
            kind: "a device or socket",
        });
    }
    if meta.len() > limit {
        return Err(too_large(name(), meta.len(), limit));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(name(), limit.saturating_add(1), limit));
    }
    Ok(bytes)
}

fn too_large(path: String, size: u64, limit: u64) -> LoadError {
    LoadError::TooLarge {
        path,
        size,
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    }
}

/// "1234", or "more than 1234" when the size is only known to exceed the limit.
fn size_text(size: &u64, limit: &usize) -> String {
    if *size == *limit as u64 + 1 {
        format!("more than {limit}")
    } else {
        size.to_string()
    }
}

/// A pipe (shell process substitution, `/dev/stdin` on a pipe): read, with the cap.
#[cfg(unix)]
fn is_stream(file_type: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    file_type.is_fifo()
}

#[cfg(not(unix))]
fn is_stream(_file_type: &std::fs::FileType) -> bool {
    false
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
    // Tags are looked for only when the text could hold one (a second parse costs as much as
    // the first): most documents have no `!` where a tag could start.
    if might_hold_tag(&source.text) {
        refuse_tags(source)?;
    }
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = 500_000;
    budget.max_aliases = 1_000;
    budget.max_total_scalar_bytes = MAX_DOCUMENT_BYTES;
    options.budget = Some(budget);
    // The format has no commented values: capturing comment text only costs start-up time.
    options.emit_comments = false;
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
            message: reword(&first_line_of_error(&e), source, line, column),
        }
    })
}

/// Refuses any YAML tag (`!!binary`, `!!str`, `!custom`, `%TAG` handles).
///
/// Why: the format has no use for tags, and the YAML library acts on some of them silently
/// (`!!binary` is decoded from base64, unknown tags are dropped), so what a reviewer reads is
/// not what dtsec checks. Only the parser's events say where a tag really is (a `!` inside
/// quoted or block text is just text), so the text is scanned with them. A syntax error stops
/// the scan: the deserializer reports it with its position.
fn refuse_tags(source: &SourceFile) -> Result<(), LoadError> {
    use serde_saphyr::granit_parser::{Event, Parser};
    for event in Parser::new_from_str(&source.text) {
        let Ok((event, span)) = event else {
            return Ok(());
        };
        let tag = match &event {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, _, tag)
            | Event::MappingStart(_, _, tag) => tag.as_ref(),
            _ => None,
        };
        if let Some(tag) = tag {
            let at = span.tag_start.unwrap_or(span.start);
            let line = u32::try_from(at.line()).unwrap_or(u32::MAX);
            let column = u32::try_from(at.col().saturating_add(1)).unwrap_or(u32::MAX);
            return Err(LoadError::Syntax {
                path: source.name.clone(),
                line,
                column,
                message: format!(
                    "YAML tag `{}` is not allowed: dtsec documents are plain text, lists and \
                     mappings; remove the tag and write the value as text (quote it if it \
                     starts with `!`)",
                    short_tag(&tag.to_string())
                ),
            });
        }
    }
    Ok(())
}

/// True when some `!` starts a token (after a line start, a space or a flow indicator) and is
/// followed by something: the only places a tag can be. `Hello! world` cannot hold one.
fn might_hold_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'!'
            && (i == 0
                || matches!(
                    bytes[i - 1],
                    b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b','
                ))
            && bytes.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace())
    })
}

/// `tag:yaml.org,2002:binary` as the author wrote it: `!!binary`.
fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_owned(),
    }
}

/// Says what the YAML library's message means in the document's terms, naming the key (the
/// operation slot, the field) at the position where it can.
fn reword(message: &str, source: &SourceFile, line: u32, column: u32) -> String {
    let key = key_at(source, line, column);
    let value = value_at(source, line, column);
    let named = |what: &str| match &key {
        Some(k) => format!("`{k}`: {what}"),
        None => what.to_owned(),
    };
    if message.contains("untagged enum Completion") {
        let quoted = match (&key, &value) {
            (Some(k), Some(v)) => format!("; write it quoted, e.g. `{k}: '{v}'`"),
            _ => "; quote values such as 256, 1.5, true, no or null".to_owned(),
        };
        return named(&format!(
            "the completion of this operation must be text or a list of texts, but YAML reads \
             {} as a number, boolean or null{quoted}",
            value
                .as_deref()
                .map_or("the value".to_owned(), |v| format!("`{v}`"))
        ));
    }
    if message.contains("untagged enum Choice") {
        return named(
            "a choice must be text, or a mapping with `text` (and optional `id`, `operations`, \
             `exclusive`); quote a choice that YAML would read as a number, boolean or null",
        );
    }
    if let Some(rest) = message.split("untagged enum ").nth(1) {
        let what = rest.split_whitespace().next().unwrap_or("value");
        return named(&format!(
            "the value does not have any accepted form of a {what}; `dtsec schema` shows them"
        ));
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key") {
        let dup = rest
            .trim_start_matches([':', ' '])
            .split(", set ")
            .next()
            .unwrap_or("")
            .trim();
        let dup = if dup.is_empty() || dup.starts_with("set ") {
            key.clone().unwrap_or_default()
        } else {
            dup.to_owned()
        };
        return format!("`{dup}` is given twice in the same mapping; keep one of them");
    }
    if message == "expected string scalar" || message.starts_with("cannot deserialize null") {
        return named(
            "expected text here (not a list, mapping or empty value); quote it if needed",
        );
    }
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        return format!(
            "the document exceeds dtsec's limits for nesting, nodes or aliases ({breach}); \
             documents need about 10 levels of nesting"
        );
    }
    // Anything else: drop advice about the library's own configuration.
    let cut = [", set ", "; use Option<", " in Options"]
        .iter()
        .filter_map(|m| message.find(m))
        .min()
        .unwrap_or(message.len());
    message[..cut].to_owned()
}

/// The mapping key whose value is at `line:column`: the key on that line before the column, or
/// the nearest less-indented key above (for list items).
fn key_at(source: &SourceFile, line: u32, column: u32) -> Option<String> {
    let text = source.line(line)?;
    let before: String = text
        .chars()
        .take(usize::try_from(column).ok()?.saturating_sub(1))
        .collect();
    if let Some(k) = last_key(&before) {
        return Some(k);
    }
    let indent = text.len() - text.trim_start().len();
    (1..line).rev().find_map(|l| {
        let t = source.line(l)?;
        let i = t.len() - t.trim_start().len();
        let trimmed = t.trim_start().trim_start_matches("- ");
        (i < indent && !trimmed.starts_with('#'))
            .then(|| last_key(trimmed))
            .flatten()
    })
}

/// `name` from text ending in `name:` (or `- name: `, `{a: 1, name:`).
fn last_key(text: &str) -> Option<String> {
    let t = text.trim_end().strip_suffix(':')?;
    let k = t
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '{' | ',' | '-' | '['))
        .next()?
        .trim_matches(|c| c == '\'' || c == '"');
    (!k.is_empty()).then(|| k.to_owned())
}

/// The plain scalar starting at `line:column`, without a trailing comment.
fn value_at(source: &SourceFile, line: u32, column: u32) -> Option<String> {
    let text = source.line(line)?;
    let rest: String = text
        .chars()
        .skip(usize::try_from(column).ok()?.saturating_sub(1))
        .collect();
    let v = rest
        .split(" #")
        .next()?
        .trim()
        .trim_end_matches([',', '}', ']']);
    (!v.is_empty() && v.len() <= 80 && !v.starts_with(['[', '{', '\'', '"'])).then(|| v.to_owned())
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
