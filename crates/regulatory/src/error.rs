//! The crate's errors: what keeps a mapping from being checked or a coverage from being derived.
//!
//! Policy (as in `dtsec-check`): defects *in* a mapping are findings (`Diagnostic`s with DT-MAP
//! codes), never errors. Errors are for inputs that cannot be judged at all: unreadable or
//! malformed files, an unknown framework, a PP that is not available.

/// Why a mapping or coverage could not be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegulatoryError {
    /// The file could not be read or parsed (the model's bounded reader says why).
    #[error(transparent)]
    Load(#[from] dtsec_model::LoadError),
    /// A mapping file is not valid YAML of the mapping format.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// Source name.
        path: String,
        /// 1-based line (0 when unknown).
        line: u32,
        /// 1-based column (0 when unknown).
        column: u32,
        /// What the parser said.
        message: String,
    },
    /// A mapping file holds more edges than [`crate::mapping::MAX_EDGES`].
    #[error("{path}: {count} edges, more than the limit of {limit}")]
    TooManyEdges {
        /// Source name.
        path: String,
        /// Edges found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// No built-in framework has this name.
    #[error("unknown framework `{name}` (known: fda, 524b, csf, 81001, 62443)")]
    UnknownFramework {
        /// The name asked for.
        name: String,
    },
    /// A built-in catalogue or mapping failed to parse (a bug in dtsec's data; a test catches it).
    #[error("built-in data `{name}` is malformed: {message}")]
    BuiltinData {
        /// Which file.
        name: String,
        /// The parser's message.
        message: String,
    },
    /// The PP a mapping or ST names is not available.
    #[error("PP `{id}` version {version} is not available")]
    PpNotFound {
        /// PP id.
        id: String,
        /// Version asked for.
        version: String,
    },
    /// No built-in mapping exists from this PP to this framework.
    #[error("no built-in mapping from PP `{pp}` {version} to framework `{framework}`")]
    NoMapping {
        /// PP id.
        pp: String,
        /// PP version.
        version: String,
        /// Framework id.
        framework: String,
    },
    /// The ST claims no PP, so there is nothing to map from.
    #[error("{path}: the document claims no PP (`conformance.pps` is empty)")]
    NoClaimedPp {
        /// Source name.
        path: String,
    },
    /// `--role` names no role of the PP.
    #[error("`{role}` is not a role (or, for a PP without roles, a TOE type) of the PP (known: {})", known.join(", "))]
    UnknownRole {
        /// The role asked for.
        role: String,
        /// The PP's roles.
        known: Vec<String>,
    },
    /// The OSCAL CSF catalogue does not have the expected shape.
    #[error("OSCAL catalogue: {0}")]
    Oscal(String),
}
