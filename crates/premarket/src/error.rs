//! The one error type of the crate: what stops a package from being built.
//!
//! Policy: a missing optional input is not an error (its sections are tagged "to be authored"
//! and it is listed among the missing inputs); only inputs that cannot be used are.

/// Why no package could be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PremarketError {
    /// The document is not a Security Target.
    #[error("`{id}` is a {kind}, not a Security Target")]
    NotAnSt {
        /// The document's id.
        id: String,
        /// Its kind as printed.
        kind: String,
    },
    /// The regulatory coverage could not be derived (no claimed PP, no mapping).
    #[error("regulatory coverage: {0}")]
    Coverage(#[from] dtsec_regulatory::RegulatoryError),
    /// An input exceeds a limit checked before the work.
    #[error("{what}: {found} exceeds the limit of {limit}")]
    Limit {
        /// What was counted.
        what: String,
        /// How many there were.
        found: usize,
        /// The most allowed.
        limit: usize,
    },
}
