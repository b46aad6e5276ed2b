//! Why a document could not be exported: [`ExportError`], one type for the PP, Module, Package
//! and ST writers.
//!
//! Policy: an export refuses rather than write XML that would read back as a different model;
//! each variant says what is wrong and what to do. Nothing here panics on input.

/// Why a document could not be exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The document kind has no NIAP XML form that dtsec writes.
    #[error("{kind} `{id}` cannot be exported as NIAP XML: {why}")]
    Unsupported {
        /// The kind's label.
        kind: &'static str,
        /// The document's id.
        id: String,
        /// What to do instead.
        why: &'static str,
    },
    /// A NIAP-format Security Target whose model cannot be written as `<st>` XML without
    /// changing it (an SFR under no claim, a claim without url, …).
    #[error("Security Target `{id}` cannot be exported as a NIAP ST: {message}")]
    St {
        /// The document's id.
        id: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// Kept XHTML prose is not well-formed XML (e.g. hand-edited HTML5 in a YAML document).
    #[error("kept XHTML prose is not well-formed ({message}): `{excerpt}`")]
    Html {
        /// The parser's message.
        message: String,
        /// The start of the offending prose.
        excerpt: String,
    },
}
