//! The crate's one error type: why an export, import or validation could not run at all.
//!
//! Content that is merely wrong (a schema violation, an unresolved id) is not an error but a
//! [`crate::validate::Problem`]; an error means there is no document to judge or to write.

/// Why an OSCAL operation could not be done. Each message names the document and the rule, and
/// says what to change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OscalError {
    /// OSCAL timestamps come from the document, never the clock, so a date is required.
    #[error(
        "{document}: `identification.date` is {found}; OSCAL export needs the document's own date \
         (YYYY-MM-DD) for `metadata.last-modified`, so that output does not depend on the clock"
    )]
    Date {
        /// The document's id and version.
        document: String,
        /// What was found (missing, or the text).
        found: String,
    },
    /// Two instances map to one OSCAL token, which would make two controls with one id.
    #[error(
        "{document}: `{first}` and `{second}` both become the OSCAL id `{token}`; rename an iteration"
    )]
    IdCollision {
        /// The document's id and version.
        document: String,
        /// The first identifier.
        first: String,
        /// The second identifier.
        second: String,
        /// Their common token.
        token: String,
    },
    /// Two elements of one SFR name an operation alike. OSCAL params belong to the control (the
    /// SFR), and completions address an operation by SFR and name, so the export would merge
    /// them into one param and show one element's choices in the other.
    #[error(
        "SFR `{sfr}`: elements `{first}` and `{second}` both have an operation `{{{operation}}}`, \
         which would become the one OSCAL param `{param}`; give the operations distinct names"
    )]
    ParamCollision {
        /// The SFR.
        sfr: String,
        /// The element naming the operation first.
        first: String,
        /// The element naming it again.
        second: String,
        /// The operation's name.
        operation: String,
        /// The param id both would take.
        param: String,
    },
    /// The export needs a document of another kind.
    #[error("{document}: is a {found}; {wanted}")]
    Kind {
        /// The document's id and version.
        document: String,
        /// Its kind.
        found: String,
        /// What the operation needs.
        wanted: String,
    },
    /// A claimed PP or package is not available.
    #[error(
        "{document}: claimed document `{id}` {version} was not found; give it with `--pp FILE`"
    )]
    MissingClaim {
        /// The claiming document.
        document: String,
        /// The claimed id.
        id: String,
        /// The claimed version.
        version: String,
    },
    /// An OSCAL document handed to an import or a validation is not what it should be.
    #[error("{pointer}: {message}")]
    Shape {
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is wrong, and what was expected.
        message: String,
    },
    /// An ETR bundle's payload could not be read.
    #[error("ETR bundle: {0}")]
    Bundle(String),
    /// A POA&M needs at least one item, and the ETR has no unresolved vulnerability.
    #[error(
        "ETR bundle: no unresolved vulnerability (every rated one is mitigated or not exploitable), so there is nothing to plan"
    )]
    NothingToPlan,
    /// A postmarket POA&M needs at least one open item.
    #[error(
        "{system}: no open postmarket item (every assessment is not affected, fixed or a false positive), so there is nothing to plan"
    )]
    NothingOpen {
        /// The product and version.
        system: String,
    },
    /// A size or count limit was reached before the work was done.
    #[error("{what} has {found}, over the limit of {limit}")]
    Limit {
        /// What was counted.
        what: String,
        /// How many were found.
        found: usize,
        /// The limit.
        limit: usize,
    },
}
