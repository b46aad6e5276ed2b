//! The registry's one error type.
//!
//! Policy: every public function returns [`RegistryError`]. Client errors (`NotFound`,
//! `Forbidden`, `InvalidTransition`, `SchemeRule`, `Validation`, `StRejected`, `Conflict`, `Unauthenticated`,
//! `Throttled`) carry a message meant for the person who made the request and may be shown
//! verbatim; `Storage`, `Key`, `Migrate`, `Log` and `Blob` are internal and should be logged, then reported
//! generically. (`Log` after a decision means it committed but is not yet published.)
//! A refused request changes nothing: the transaction it ran in is rolled back.

use dtsec_check::Diagnostic;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// No such record (or the actor may not know it exists).
    #[error("not found: {0}")]
    NotFound(String),
    /// The actor's role and organisation do not allow this.
    #[error("forbidden: {0}")]
    Forbidden(#[from] Forbidden),
    /// The workflow does not allow this step from the current state.
    #[error("cannot go from {from} to {to}: {why}")]
    InvalidTransition {
        /// The current state.
        from: String,
        /// The state asked for (or the event, when no state follows).
        to: String,
        /// Why not, in one sentence.
        why: String,
    },
    /// A rule of the scheme refuses the decision (issue 10: assurance for therapy and AID roles,
    /// claims of draft PPs); the message says which rule and what would satisfy it.
    #[error("refused by the scheme's rules: {0}")]
    SchemeRule(String),
    /// The input is unusable: malformed, too large, forged, or inconsistent with the record.
    #[error("invalid input: {0}")]
    Validation(String),
    /// The Security Target has errors; the diagnostics say which. Nothing was stored.
    #[error("the Security Target has {} error(s); first: {}", count_errors(.diagnostics), first_error(.diagnostics))]
    StRejected {
        /// Every finding of the checker (errors and warnings).
        diagnostics: Vec<Diagnostic>,
    },
    /// The request conflicts with what exists (a duplicate name, a second bootstrap).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The credentials are wrong, or the token is unknown or revoked.
    #[error("authentication failed")]
    Unauthenticated,
    /// Too many failed logins: locked until this RFC 3339 instant.
    #[error("too many failed logins; try again after {until}")]
    Throttled {
        /// When the lock ends.
        until: String,
    },
    /// The scheme key or the data directory is unusable (missing key beside an existing database,
    /// unreadable key file). The registry refuses to start rather than re-key silently.
    #[error("scheme key: {0}")]
    Key(String),
    /// The transparency log (`DATA_DIR/log/`, its key) is unusable or disagrees with the
    /// database, or publishing a committed decision failed (it is retried at the next decision
    /// and at the next open).
    #[error("transparency log: {0}")]
    Log(String),
    /// The database failed.
    #[error("storage: {0}")]
    Storage(#[from] sqlx::Error),
    /// A stored state or status is not one this version knows: the row was edited by hand or
    /// written by another version. Refused rather than read as some default state, which could
    /// make a revoked certificate look active.
    #[error(
        "stored {record} {id} has an unknown {column} `{value}`: the database was edited outside dtsec or by another version; restore the row from the audit trail or run the matching dtsec"
    )]
    UnknownStoredState {
        /// The kind of record (`product`, `certificate`).
        record: &'static str,
        /// Its id.
        id: String,
        /// The column.
        column: &'static str,
        /// What was stored.
        value: String,
    },
    /// A document's blob is missing, corrupt or unreadable (the message names its digest), or a
    /// document could not be stored.
    #[error("document store: {0}")]
    Blob(#[from] crate::blob::BlobError),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Refusal by [`crate::authorize`]: who tried what, on what.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{role} may not {action} ({reach})")]
pub struct Forbidden {
    /// The actor's role.
    pub role: String,
    /// The action.
    pub action: String,
    /// Whether the resource belonged to the actor's organisation.
    pub reach: String,
}

fn count_errors(d: &[Diagnostic]) -> usize {
    d.iter().filter(|d| d.is_error()).count()
}

fn first_error(d: &[Diagnostic]) -> String {
    d.iter()
        .find(|d| d.is_error())
        .map_or_else(String::new, |d| {
            format!("{} {} (line {})", d.code, d.message, d.span.line)
        })
}

impl RegistryError {
    /// Shorthand for a validation error.
    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        RegistryError::Validation(msg.into())
    }

    /// Shorthand for not-found.
    pub(crate) fn not_found(msg: impl Into<String>) -> Self {
        RegistryError::NotFound(msg.into())
    }

    /// True for errors caused by the request (safe to show verbatim), false for internal ones.
    pub fn is_client_error(&self) -> bool {
        !matches!(
            self,
            RegistryError::Storage(_)
                | RegistryError::Migrate(_)
                | RegistryError::Key(_)
                | RegistryError::Log(_)
                | RegistryError::Blob(_)
                | RegistryError::UnknownStoredState { .. }
        )
    }
}

/// Results of this crate.
pub type Result<T, E = RegistryError> = std::result::Result<T, E>;
