//! The binary's one error type, its exit status, and the one place that prints errors.
//!
//! Why one place: a user (or a script) should see every failure in the same shape — `error:`
//! and the message, any detail lines, then `  = help:` and what to do — and the exit status must
//! follow one contract, ripgrep's, whichever command failed:
//!
//! - 0 ([`Exit::Success`]): all went well — no errors found, authentic and valid, done;
//! - 1 ([`Exit::Failed`]): the thing judged failed — errors found, a check did not verify, the
//!   registry refused, a certificate is NOT VALID;
//! - 2 ([`Exit::Unusable`]): it could not be judged — unusable input, wrong usage, or an
//!   environment that kept the command from running (network, files, runtime).
//!
//! The policy, by layer: library crates return their own error enums; a command turns them into
//! a [`CliError`] (with `?`, through the `From` conversions here) and returns it; `main` prints
//! it once with [`print`] and exits with its status. A command that ran to its end and printed
//! its findings returns an [`Exit`] instead: findings are a result, not an error. Warnings and
//! notes, which do not change the status, go through [`warning`] and [`note`].

use std::fmt::Display;
use std::io::Write as _;
use std::process::ExitCode;

/// The exit status of a run, as the contract in the module documentation fixes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: all went well.
    Success,
    /// 1: what was judged failed (errors found, does not verify, refused, NOT VALID).
    Failed,
    /// 2: it could not be judged (unusable input, wrong usage, environment).
    Unusable,
}

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failed => 1,
            Exit::Unusable => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// What a command comes to: how it judged its input, or why it stopped.
pub type CliResult = Result<Exit, CliError>;

/// Why a command stopped: the message, the lines that detail it, what to do, and the exit
/// status it stands for (never [`Exit::Success`]).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct CliError {
    exit: Exit,
    message: String,
    details: Vec<String>,
    #[help]
    help: Option<String>,
}

impl CliError {
    /// The input was unusable, the command was used wrongly, or the environment kept it from
    /// running (exit status 2).
    pub fn unusable(message: impl Display) -> CliError {
        CliError::new(Exit::Unusable, message)
    }

    /// What the command judged failed (exit status 1).
    pub fn failed(message: impl Display) -> CliError {
        CliError::new(Exit::Failed, message)
    }

    fn new(exit: Exit, message: impl Display) -> CliError {
        CliError {
            exit,
            message: message.to_string(),
            details: Vec::new(),
            help: None,
        }
    }

    /// The same error with what to do about it.
    #[must_use]
    pub fn with_help(mut self, help: impl Display) -> CliError {
        self.help = Some(help.to_string());
        self
    }

    /// The same error with a line printed under its message (as written, so indent it).
    #[must_use]
    pub fn with_detail(mut self, line: impl Display) -> CliError {
        self.details.push(line.to_string());
        self
    }

    /// The exit status this error stands for.
    pub fn exit(&self) -> Exit {
        self.exit
    }
}

/// Prints `error` on standard error: `error: MESSAGE`, its detail lines, and `  = help: …`.
/// `main` prints the error a command returns; a command that goes on after an error (one
/// unreadable file among several) prints it here too.
pub fn print(error: &CliError) {
    // Messages quote paths and document text: nothing from them may steer the terminal.
    let error = &CliError {
        exit: error.exit,
        message: dtsec_check::output::sanitize(&error.message),
        details: error
            .details
            .iter()
            .map(|d| dtsec_check::output::sanitize(d))
            .collect(),
        help: error.help.as_deref().map(dtsec_check::output::sanitize),
    };
    let mut text = format!("error: {error}\n");
    for line in &error.details {
        text.push_str(line);
        text.push('\n');
    }
    if let Some(help) = miette::Diagnostic::help(error) {
        text.push_str(&format!("  = help: {help}\n"));
    }
    to_stderr(&text);
}

/// Prints `warning: MESSAGE` on standard error: something the user should know that does not
/// change the outcome.
pub fn warning(message: impl Display) {
    let message = dtsec_check::output::sanitize(&message.to_string());
    to_stderr(&format!("warning: {message}\n"));
}

/// Prints `note: MESSAGE` on standard error: what the command assumed on the user's behalf.
pub fn note(message: impl Display) {
    let message = dtsec_check::output::sanitize(&message.to_string());
    to_stderr(&format!("note: {message}\n"));
}

/// Writes and flushes `text` in one piece. Standard error that cannot be written is not worth
/// failing the command for: there is nowhere left to say so.
fn to_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

impl From<crate::input::InputError> for CliError {
    fn from(e: crate::input::InputError) -> CliError {
        match e {
            crate::input::InputError::Load(e) => e.into(),
            crate::input::InputError::Import(e) => CliError::unusable(&e).with_help(e.help()),
        }
    }
}

impl From<dtsec_model::LoadError> for CliError {
    fn from(e: dtsec_model::LoadError) -> CliError {
        CliError::unusable(&e).with_help(e.help())
    }
}

impl From<dtsec_seal::SealError> for CliError {
    fn from(e: dtsec_seal::SealError) -> CliError {
        CliError::unusable(&e).with_help(e.help())
    }
}

impl From<dtsec_eval::EvalError> for CliError {
    /// An ST with errors is a finding (1); everything else kept the command from its work (2).
    fn from(e: dtsec_eval::EvalError) -> CliError {
        let exit = match e {
            dtsec_eval::EvalError::StHasErrors { .. } => Exit::Failed,
            _ => Exit::Unusable,
        };
        CliError::new(exit, &e).with_help(e.help())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_contract() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(CliError::failed("x").exit().code(), 1);
        assert_eq!(CliError::unusable("x").exit().code(), 2);
        let e = CliError::unusable("no such file").with_help("check the path");
        assert_eq!(e.to_string(), "no such file");
        assert_eq!(
            miette::Diagnostic::help(&e).map(|h| h.to_string()),
            Some("check the path".to_string())
        );
    }
}
