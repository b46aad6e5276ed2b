//! The workbench's one error type.
//!
//! Policy: every failure is an [`EvalError`] naming the workspace file, work unit, evaluator or
//! digest at fault, with a short help line ([`EvalError::help`]). A failed command changes
//! nothing: all checks run before the first write, and every write is a whole-file replace
//! (temporary file, fsync, rename). Nothing here panics on input.

use std::path::PathBuf;

/// What went wrong in the workbench.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A workspace file is not what the workbench wrote (truncated, edited by hand, wrong shape).
    #[error("{}: corrupt workspace file: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column when known.
        message: String,
    },
    /// The directory is not an evaluation workspace.
    #[error("{}: not an evaluation workspace (no evaluation.json)", path.display())]
    NotAWorkspace {
        /// The directory.
        path: PathBuf,
    },
    /// `init` was pointed at a directory that already holds files.
    #[error("{}: directory is not empty; refusing to create a workspace over existing files", path.display())]
    NotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// The Security Target has errors: an evaluation cannot start on it.
    #[error("the Security Target has {} error(s); fix them before starting an evaluation", diagnostics.iter().filter(|d| d.is_error()).count())]
    StHasErrors {
        /// Every finding of the check (errors and others), to print.
        diagnostics: Vec<dtsec_check::Diagnostic>,
    },
    /// The document given as the ST is another kind of document.
    #[error("{0} is not a Security Target")]
    NotASecurityTarget(String),
    /// A work unit or evaluation activity id that is not in the plan.
    #[error("unknown work unit `{id}`{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownWorkUnit {
        /// What was asked for.
        id: String,
        /// The closest id in the plan, if any is close.
        suggestion: Option<String>,
    },
    /// A person who is not among the workspace's evaluators.
    #[error("`{name}` is not an evaluator of this evaluation (evaluators: {})", known.join(", "))]
    UnknownEvaluator {
        /// The name given.
        name: String,
        /// The evaluators in evaluation.json.
        known: Vec<String>,
    },
    /// An evidence digest that is not in the manifest (or a prefix matching several).
    #[error("evidence `{digest}` {reason}")]
    UnknownEvidence {
        /// The digest or prefix given.
        digest: String,
        /// "is not in the evidence manifest" or "is ambiguous: …".
        reason: String,
    },
    /// An observation report id that does not exist.
    #[error("unknown observation report `{0}`")]
    UnknownObservation(String),
    /// A test case id that does not exist.
    #[error("unknown test case `{0}`")]
    UnknownTest(String),
    /// A vulnerability id that does not exist.
    #[error("unknown vulnerability `{0}`")]
    UnknownVulnerability(String),
    /// A fail verdict without an observation report.
    #[error(
        "a fail verdict for {unit} must cite an observation report (--or OR-n); raise one with `dtsec eval or add`"
    )]
    FailWithoutObservation {
        /// The work unit.
        unit: String,
    },
    /// An argument that makes no sense (empty name, evidence file too large, …).
    #[error("{0}")]
    Invalid(String),
    /// Another dtsec command (in this or another process) holds the workspace lock. A lock file
    /// left by a crashed command does not count: the OS released its lock.
    #[error("{}: the workspace is locked by another running dtsec command", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// A key could not be read, or sealing failed.
    #[error(transparent)]
    Seal(#[from] dtsec_seal::SealError),
    /// A claimed PP or package could not be read.
    #[error(transparent)]
    Load(#[from] dtsec_model::LoadError),
    /// The user's CC XML could not be read.
    #[error("--cc-xml: {0}")]
    CcXml(#[from] dtsec_catalog::CatalogError),
}

impl EvalError {
    /// A one-line hint on what to do.
    pub fn help(&self) -> &'static str {
        match self {
            EvalError::Io { .. } => "check the path and its permissions",
            EvalError::Corrupt { .. } => {
                "restore the file from version control or a backup; the workbench never writes a partial file"
            }
            EvalError::NotAWorkspace { .. } => "create one with `dtsec eval init`",
            EvalError::NotEmpty { .. } => "choose a new or empty directory",
            EvalError::StHasErrors { .. } => "run `dtsec check` on the ST and fix the errors",
            EvalError::NotASecurityTarget(_) => "pass the Security Target with --st",
            EvalError::UnknownWorkUnit { .. } => "`dtsec eval plan DIR` lists the work units",
            EvalError::UnknownEvaluator { .. } => {
                "evaluators are fixed at `dtsec eval init --evaluator NAME`"
            }
            EvalError::UnknownEvidence { .. } => {
                "add the file with `dtsec eval evidence add`, then cite the digest it prints"
            }
            EvalError::UnknownObservation(_) => "`dtsec eval or list DIR` lists them",
            EvalError::UnknownTest(_) => "`dtsec eval test list DIR` lists them",
            EvalError::UnknownVulnerability(_) => "`dtsec eval vuln list DIR` lists them",
            EvalError::FailWithoutObservation { .. } => {
                "`dtsec eval or add DIR --title ... --severity ... --by NAME` prints the id to cite"
            }
            EvalError::Invalid(_) => "see `dtsec eval --help`",
            EvalError::Locked { .. } => "wait for the other command to finish",
            EvalError::Seal(e) => e.help(),
            EvalError::Load(e) => e.help(),
            EvalError::CcXml(_) => "--cc-xml takes your copy of the official CC XML",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> EvalError {
        let path = path.into();
        move |source| EvalError::Io { path, source }
    }
}
