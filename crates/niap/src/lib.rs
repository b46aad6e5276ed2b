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
//! size, nesting depth and node count are capped, and every failure is an [`ImportError`], never
//! a panic. See the crate README for the NIAP → model mapping and the id conventions.
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

mod export;
mod export_st;
mod export_xml;
mod html;
mod import;

pub use export::{ExportError, export, niap_origin};
mod st;

pub use st::{
    NiapSt, StChoice, StClaim, StClaimKind, StComponent, StElement, StSelection, pp_conformance,
    read_document, read_document_bytes, read_st,
};

use dtsec_model::Document;

/// The NIAP PP XML namespace.
pub const NIAP_NS: &str = "https://niap-ccevs.org/cc/v1";
/// The NIAP section namespace (`sec:` elements).
pub const NIAP_SECTION_NS: &str = "https://niap-ccevs.org/cc/v1/section";
/// The XHTML namespace NIAP prose uses (`h:` elements).
pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Largest input accepted, in bytes. NIAP's largest PP (Mobile Device) is about 1 MB.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Deepest element nesting accepted. NIAP documents nest about 20 levels.
pub const MAX_DEPTH: usize = 256;
/// Most XML nodes accepted (elements, text, comments…). Mobile Device has about 60,000.
pub const MAX_NODES: u32 = 5_000_000;

/// A NIAP document read into the model, with what was found and what could not be mapped.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The document.
    pub document: Document,
    /// How many of each construct were read.
    pub counts: ImportCounts,
    /// Things that were read but could not be mapped exactly; the import still succeeded.
    pub warnings: Vec<ImportWarning>,
}

/// How many NIAP constructs an import read. Every `selectables` and `assignable` element of the
/// source is counted exactly once: either it became an operation in the model, or it sits inside
/// prose kept as HTML (`*_in_prose`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// `f-component` elements (one SFR each).
    pub f_components: usize,
    /// `f-element` elements (one SFR element each).
    pub f_elements: usize,
    /// `selectables` elements that became selection operations.
    pub selectables: usize,
    /// `assignable` elements that became assignment operations.
    pub assignables: usize,
    /// `audit-event` elements.
    pub audit_events: usize,
    /// `selectables` elements kept inside prose HTML (e.g. a platform list in the introduction).
    pub selectables_in_prose: usize,
    /// `assignable` elements kept inside prose HTML.
    pub assignables_in_prose: usize,
    /// `a-component` elements (one SAR each).
    pub a_components: usize,
}

/// Something the importer read but could not map exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportWarning {
    /// 1-based line in the XML; 0 when unknown.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub column: u32,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("{name}: {size} bytes, over the {limit}-byte limit for a NIAP document")]
    TooLarge {
        /// The input's name.
        name: String,
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not UTF-8.
    #[error("{name}: not UTF-8 (invalid byte at offset {offset}); NIAP XML must be UTF-8")]
    NotUtf8 {
        /// The input's name.
        name: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The input has a DOCTYPE. NIAP documents never use one; refusing it rules out entity
    /// expansion ("billion laughs") and external entities.
    #[error(
        "{name}:{line}:{column}: {what}; NIAP documents have no DOCTYPE and dtsec refuses them"
    )]
    Doctype {
        /// The input's name.
        name: String,
        /// 1-based line of the DOCTYPE.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What the DOCTYPE does (declares entities, names an external DTD, …).
        what: &'static str,
    },
    /// Elements nest deeper than [`MAX_DEPTH`].
    #[error("{name}:{line}:{column}: elements nest deeper than {limit} levels")]
    TooDeep {
        /// The input's name.
        name: String,
        /// Line of the first element past the limit.
        line: u32,
        /// Its column.
        column: u32,
        /// The limit.
        limit: usize,
    },
    /// The XML is malformed (truncated, mismatched tags, …) or exceeds the node limit.
    #[error("{name}:{line}:{column}: malformed XML: {message}")]
    Xml {
        /// The input's name.
        name: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// The root element is not in the NIAP namespace.
    #[error("{name}: not a NIAP document (root element `{root}` in namespace `{namespace}`)")]
    NotNiap {
        /// The input's name.
        name: String,
        /// The root element's name.
        root: String,
        /// Its namespace, empty when none.
        namespace: String,
    },
    /// The root element is a NIAP element that this importer does not read.
    #[error(
        "{name}:{line}:{column}: `<{root}>` documents are not imported yet (PP, Module and Package are)"
    )]
    UnsupportedRoot {
        /// The input's name.
        name: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The root element's name.
        root: String,
    },
    /// The file is a NIAP Technical Decisions file (`<technical-decisions>`, NIAP's
    /// `TechnicalDecisions.rng`): replacements for parts of published PPs. dtsec does not apply
    /// them; the message says which decisions and PPs the file holds so the user can find the PP
    /// release that incorporates them.
    #[error(
        "{name}:{line}:{column}: a NIAP Technical Decisions file ({summary}); dtsec reads PPs, Modules, Packages and STs, and does not apply Technical Decisions to a PP"
    )]
    TechnicalDecisions {
        /// The input's name.
        name: String,
        /// 1-based line of the root element.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The decisions and the PPs they apply to, e.g. `2 decisions: TD0601, TD0602; for
        /// App PP up to 1.4`.
        summary: String,
    },
}

impl ImportError {
    /// The line and column, when the error has a position.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            ImportError::Doctype { line, column, .. }
            | ImportError::TooDeep { line, column, .. }
            | ImportError::Xml { line, column, .. }
            | ImportError::UnsupportedRoot { line, column, .. }
            | ImportError::TechnicalDecisions { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }

    /// A short hint on what to do.
    pub fn help(&self) -> &'static str {
        match self {
            ImportError::TooLarge { .. } => "check that this is the NIAP XML file you meant",
            ImportError::NotUtf8 { .. } => "convert the file to UTF-8",
            ImportError::Doctype { .. } => "remove the DOCTYPE; NIAP's schemas do not use one",
            ImportError::TooDeep { .. } => "this is not a NIAP document (they nest about 20 deep)",
            ImportError::Xml { .. } => "fix the XML at that position (is the file truncated?)",
            ImportError::NotNiap { .. } => {
                "dtsec imports XML in the https://niap-ccevs.org/cc/v1 namespace"
            }
            ImportError::UnsupportedRoot { .. } => {
                "`dtsec import` reads NIAP PPs, Modules and Packages; give a NIAP ST (`<st>`) to `dtsec check`, `render` or `export --niap` directly"
            }
            ImportError::TechnicalDecisions { .. } => {
                "use the release of the PP that incorporates these decisions (NIAP lists the TDs applied in each PP's revision history), or edit an imported copy of the PP by hand"
            }
        }
    }
}

/// The error for a NIAP root element that is not read: a Technical Decisions file is named as
/// such, with what it holds; anything else is [`ImportError::UnsupportedRoot`].
pub(crate) fn unsupported_root(
    root: roxmltree::Node<'_, '_>,
    lines: &html::LineIndex,
    xml: &str,
    name: &str,
) -> ImportError {
    let (line, column) = lines.line_col(xml, root.range().start);
    let root_name = root.tag_name().name();
    if root_name != "technical-decisions" {
        return ImportError::UnsupportedRoot {
            name: name.to_string(),
            line,
            column,
            root: root_name.to_string(),
        };
    }
    let decisions: Vec<roxmltree::Node<'_, '_>> = root
        .children()
        .filter(|c| html::is(*c, "decision"))
        .collect();
    let mut ids: Vec<String> = decisions
        .iter()
        .map(|d| {
            let id = d.attribute("id").unwrap_or("?").trim();
            if id.to_ascii_uppercase().starts_with("TD") {
                id.to_string()
            } else {
                format!("TD{id}")
            }
        })
        .collect();
    if ids.len() > 5 {
        let more = ids.len() - 5;
        ids.truncate(5);
        ids.push(format!("and {more} more"));
    }
    let mut profiles: Vec<String> = Vec::new();
    for p in root
        .descendants()
        .filter(|n| html::is(*n, "Protection_Profile"))
    {
        let pp = p.attribute("name").unwrap_or("?").trim();
        let label = match p.attribute("max-inclusive") {
            Some(v) => format!("{pp} up to {}", v.trim()),
            None => pp.to_string(),
        };
        if !profiles.contains(&label) {
            profiles.push(label);
        }
    }
    let mut summary = match decisions.len() {
        1 => format!("1 decision: {}", ids.join(", ")),
        n => format!("{n} decisions: {}", ids.join(", ")),
    };
    if decisions.is_empty() {
        summary = "no decisions".to_string();
    }
    if !profiles.is_empty() {
        summary.push_str(&format!("; for {}", profiles.join(", ")));
    }
    ImportError::TechnicalDecisions {
        name: name.to_string(),
        line,
        column,
        summary,
    }
}

/// Imports NIAP XML given as bytes: enforces the size limit and UTF-8 (skipping a UTF-8 BOM),
/// then calls [`import`].
pub fn import_bytes(bytes: &[u8], name: &str) -> Result<Imported, ImportError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            name: name.to_string(),
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        name: name.to_string(),
        offset: e.valid_up_to(),
    })?;
    import(text, name)
}

/// Imports a NIAP PP, PP-Module or Functional Package.
///
/// `name` is shown in errors and gives the document's id: the file's stem, lower-cased, without
/// a `-VERSION` suffix equal to the document's version (`tls-1.1.xml` → `tls`). That matches the
/// repository names NIAP documents use to refer to each other (`github.com/commoncriteria/tls`).
pub fn import(xml: &str, name: &str) -> Result<Imported, ImportError> {
    if xml.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            name: name.to_string(),
            size: xml.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let xml = xml.strip_prefix('\u{FEFF}').unwrap_or(xml);
    let lines = html::LineIndex::new(xml);
    if let Some((offset, what)) = find_doctype(xml) {
        let (line, column) = lines.line_col(xml, offset);
        return Err(ImportError::Doctype {
            name: name.to_string(),
            line,
            column,
            what,
        });
    }
    // Before the parser sees it: a lexical scan, so no parser stage can recurse that deep.
    if let Some(offset) = lexical_depth_exceeded(xml, MAX_DEPTH) {
        let (line, column) = lines.line_col(xml, offset);
        return Err(ImportError::TooDeep {
            name: name.to_string(),
            line,
            column,
            limit: MAX_DEPTH,
        });
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    let doc = roxmltree::Document::parse_with_options(xml, options).map_err(|e| {
        // Errors found at the end of the input carry no position: point at the end.
        let (line, column) = match e {
            roxmltree::Error::UnclosedRootNode
            | roxmltree::Error::UnexpectedEndOfStream
            | roxmltree::Error::NoRootNode => lines.line_col(xml, xml.len()),
            _ => (e.pos().row, e.pos().col),
        };
        let message = match e {
            roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => {
                format!("{e} (is the file truncated?)")
            }
            _ => e.to_string(),
        };
        ImportError::Xml {
            name: name.to_string(),
            line,
            column,
            message,
        }
    })?;
    check_depth(&doc, &lines, xml, name)?;
    import::Importer::new(&doc, xml, &lines, name).run()
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

/// Finds a `<!DOCTYPE` outside comments, returning its offset and what it does.
fn find_doctype(xml: &str) -> Option<(usize, &'static str)> {
    let mut pos = 0;
    while let Some(i) = xml[pos..].find('<') {
        let at = pos + i;
        let rest = &xml[at..];
        if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(end) => pos = at + end + 3,
                None => return None, // the parser reports the unterminated comment
            }
        } else if rest.starts_with("<?") {
            match rest.find("?>") {
                Some(end) => pos = at + end + 2,
                None => return None,
            }
        } else if rest.starts_with("<!DOCTYPE") {
            let what = if rest.contains("<!ENTITY") {
                "the DOCTYPE declares entities (entity expansion is refused)"
            } else if rest[..rest.find('>').unwrap_or(rest.len())].contains("SYSTEM")
                || rest[..rest.find('>').unwrap_or(rest.len())].contains("PUBLIC")
            {
                "the DOCTYPE names an external DTD (nothing is fetched)"
            } else {
                "the document has a DOCTYPE"
            };
            return Some((at, what));
        } else {
            // The root element: a DOCTYPE can only come before it.
            return None;
        }
    }
    None
}

/// The offset of the first start tag nested deeper than `limit`, by a lexical scan that skips
/// comments, CDATA, processing instructions and declarations. Malformed markup is left for the
/// parser to report.
fn lexical_depth_exceeded(xml: &str, limit: usize) -> Option<usize> {
    let b = xml.as_bytes();
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        b.get(from..)?
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| from + p)
    };
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            i = find(i + 4, b"-->")? + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(i + 9, b"]]>")? + 3;
        } else if rest.starts_with(b"<?") {
            i = find(i + 2, b"?>")? + 2;
        } else if rest.starts_with(b"<!") {
            i = find(i + 2, b">")? + 1;
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = find(i + 2, b">")? + 1;
        } else {
            // A start tag: find its end, respecting quoted attribute values.
            let start = i;
            let mut j = i + 1;
            let mut quote = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (None, b'"' | b'\'') => quote = Some(b[j]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            if j >= b.len() {
                return None;
            }
            if b[j - 1] != b'/' {
                depth += 1;
                if depth > limit {
                    return Some(start);
                }
            }
            i = j + 1;
        }
    }
    None
}

/// Refuses documents nested deeper than [`MAX_DEPTH`], iteratively (no recursion).
fn check_depth(
    doc: &roxmltree::Document<'_>,
    lines: &html::LineIndex,
    xml: &str,
    name: &str,
) -> Result<(), ImportError> {
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            let (line, column) = lines.line_col(xml, node.range().start);
            return Err(ImportError::TooDeep {
                name: name.to_string(),
                line,
                column,
                limit: MAX_DEPTH,
            });
        }
        for child in node.children().filter(|c| c.is_element()) {
            stack.push((child, depth + 1));
        }
    }
    Ok(())
}
