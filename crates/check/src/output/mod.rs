//! Formatting diagnostics: human (rustc/miette style), JSON, SARIF 2.1.0.
//!
//! Every format takes the checker's [`Diagnostic`]s as they are; the wire shapes of JSON and SARIF
//! live in their modules, not on `Diagnostic`. Formats that quote source lines get the text
//! through a [`SourceLookup`].

pub mod human;
pub mod json;
mod location;
pub mod sarif;

use std::fmt;
use std::str::FromStr;

pub use human::{SourceLookup, render_human, render_report, sanitize, summary_line};
pub use json::{JSON_FORMAT_VERSION, render_json, render_json_with_sources};
pub use sarif::{fingerprint, render_sarif};

use crate::diagnostic::Diagnostic;

/// An output format, as chosen by `--format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// Coloured terminal reports with source snippets.
    #[default]
    Human,
    /// One versioned JSON document (see [`json`]).
    Json,
    /// A SARIF 2.1.0 log (see [`sarif`]).
    Sarif,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 3] = [Format::Human, Format::Json, Format::Sarif];

    /// The name accepted by [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--format` value that names no format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown output format `{}` (expected human, json or sarif)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// `human`, `json` or `sarif`, in any case.
    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// The code of the finding that stands for an input that could not be read or parsed.
///
/// Why a finding and not only a message on standard error: a CI job reads the JSON or SARIF on
/// standard output, and a file that was never checked must not look like a clean one there.
pub const UNREADABLE_INPUT: &str = "DT-DOC-015";

/// The finding for an input file that could not be read or parsed (`line` 0 when the failure
/// has no position): an error with code [`UNREADABLE_INPUT`].
pub fn unreadable_input(
    file: &str,
    line: u32,
    column: u32,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic {
        code: UNREADABLE_INPUT,
        severity: crate::diagnostic::Severity::Error,
        message,
        file: file.to_owned(),
        span: dtsec_model::Span {
            line,
            column: if line == 0 { 0 } else { column },
            offset: None,
            len: 0,
        },
        help,
        related: Vec::new(),
    }
}

/// The process exit code for these findings: 1 when any is an error, else 0.
///
/// Exit code 2 (input unusable) is the CLI's decision, not made here.
pub fn exit_code(diags: &[Diagnostic]) -> i32 {
    i32::from(diags.iter().any(Diagnostic::is_error))
}
