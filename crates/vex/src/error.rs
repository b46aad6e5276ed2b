//! The crate's one error type. Every variant says what was wrong and where (a JSON pointer, a
//! file, a vector part), so the CLI can print it and exit 2 without adding anything.

/// Why an operation on assessments or VEX documents failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VexError {
    /// A CVSS vector was refused.
    #[error("CVSS vector refused: {0}")]
    Cvss(#[from] crate::cvss::CvssError),
    /// An assessment breaks a rule; `at` is a JSON pointer.
    #[error("{at}: {rule}")]
    Invalid {
        /// Where (JSON pointer).
        at: String,
        /// The rule broken.
        rule: String,
    },
    /// A VEX document does not validate against its format's schema.
    #[error("the {format} document does not validate against its schema: {at}: {message}")]
    Schema {
        /// The format.
        format: &'static str,
        /// JSON pointer into the document.
        at: String,
        /// The validator's message.
        message: String,
    },
    /// A VEX document is valid but says something dtsec cannot hold, or is inconsistent.
    #[error("the {format} document cannot be imported: {at}: {rule}")]
    Import {
        /// The format.
        format: &'static str,
        /// JSON pointer into the document.
        at: String,
        /// The rule.
        rule: String,
    },
    /// A CSAF mandatory test failed.
    #[error("CSAF mandatory test {test} failed at {at}: {message}")]
    CsafTest {
        /// The test's number, e.g. `6.1.6`.
        test: &'static str,
        /// JSON pointer.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// The history chain is broken (an entry does not replace the latest one).
    #[error("history of {id}: {rule}")]
    History {
        /// The assessment id.
        id: String,
        /// The rule.
        rule: String,
    },
    /// JSON that does not parse or does not fit the types.
    #[error("{what}: {source}")]
    Json {
        /// Which input.
        what: String,
        /// The parser's error (with line and column).
        source: serde_json::Error,
    },
    /// Reading or writing the store failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An input larger than its limit.
    #[error("{what} is {size} bytes; the limit is {limit}")]
    TooLarge {
        /// Which input.
        what: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl VexError {
    /// A rule broken at a JSON pointer.
    pub fn invalid(at: &str, rule: impl Into<String>) -> VexError {
        VexError::Invalid {
            at: at.to_string(),
            rule: rule.into(),
        }
    }

    /// Whether the error is the input's fault (exit 2 in the CLI) rather than the machine's.
    /// Every variant but I/O is.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, VexError::Io { .. })
    }
}
