//! Why a NIAP file could not be read: [`ImportError`], one type for every reader (PP, ST, bytes).
//!
//! Policy: the input is untrusted, so every refusal (too large, not UTF-8, a DOCTYPE, too deep,
//! too many attributes or namespaces, malformed, not NIAP) is a variant with the input's name and,
//! where there is one, the line and column, plus a [`ImportError::help`] line for the CLI. Nothing
//! here panics on input. Things that were read but could not be mapped exactly are not errors;
//! they are [`crate::ImportWarning`]s.

use crate::html::{LineIndex, is};

/// Why a file could not be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input is larger than [`crate::MAX_INPUT_BYTES`].
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
    /// Elements nest deeper than [`crate::MAX_DEPTH`].
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
    /// A start tag has more attributes than [`crate::MAX_ATTRIBUTES`]. NIAP elements have a
    /// handful; the cap keeps the parser's duplicate-attribute check linear in the input.
    #[error("{name}:{line}:{column}: an element has more than {limit} attributes")]
    TooManyAttributes {
        /// The input's name.
        name: String,
        /// Line of the first attribute past the limit.
        line: u32,
        /// Its column.
        column: u32,
        /// The limit.
        limit: usize,
    },
    /// The document declares more distinct namespaces (prefix and URI) than
    /// [`crate::MAX_NAMESPACES`]. NIAP documents declare three or four; the cap keeps the
    /// parser's namespace resolution linear in the input.
    #[error("{name}:{line}:{column}: more than {limit} distinct namespace declarations")]
    TooManyNamespaces {
        /// The input's name.
        name: String,
        /// Line of the first declaration past the limit.
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
            | ImportError::TooManyAttributes { line, column, .. }
            | ImportError::TooManyNamespaces { line, column, .. }
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
            ImportError::TooManyAttributes { .. } => {
                "this is not a NIAP document (its elements have a handful of attributes)"
            }
            ImportError::TooManyNamespaces { .. } => {
                "this is not a NIAP document (they declare three or four namespaces)"
            }
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
///
/// Here, beside the error, because both readers (PPs in `import`, STs in `st`) refuse the
/// other's roots the same way.
pub(crate) fn unsupported_root(
    root: roxmltree::Node<'_, '_>,
    lines: &LineIndex,
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
    let decisions: Vec<roxmltree::Node<'_, '_>> =
        root.children().filter(|c| is(*c, "decision")).collect();
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
    for p in root.descendants().filter(|n| is(*n, "Protection_Profile")) {
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
