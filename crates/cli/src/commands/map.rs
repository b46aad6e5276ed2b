//! `dtsec map`: regulatory mappings — check a mapping file, derive the coverage of an ST or a PP
//! against a framework, list the built-in frameworks and their items. The work is
//! `dtsec-regulatory`'s; this file reads files, picks formats and exit codes.
//!
//! Exit codes: `map check` 0 (no errors), 1 (errors found), 2 (unusable mapping); `map coverage`
//! 0 when the report was produced, 2 when the input could not be mapped.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use dtsec_check::Diagnostic;
use dtsec_check::output::{render_human, render_json_with_sources, render_sarif, summary_line};
use dtsec_model::{DocumentKind, SourceFile};
use dtsec_regulatory::RegulatoryError;
use dtsec_regulatory::checker::{self, CheckInput};
use dtsec_regulatory::framework::{self, BUILTIN_FRAMEWORKS, ItemStatus};
use dtsec_regulatory::mapping;
use dtsec_regulatory::target::{MappingChoice, coverage_report};

use crate::error::{CliError, CliResult, Exit};
use crate::{OutputFormat, PpArgs};

/// How a coverage report is printed.
#[derive(Clone, Copy, ValueEnum, Default)]
pub enum CoverageFormat {
    /// Plain text with paths.
    #[default]
    Text,
    /// One JSON document (`format_version`, `ok`, `scopes[].items[].paths`).
    Json,
    /// CSV, one row per item and path.
    Csv,
}

#[derive(Subcommand)]
pub enum MapCommand {
    /// Check mapping files (DT-MAP codes; `dtsec explain DT-MAP-001`).
    Check {
        /// The mapping files (`kind: framework-mapping`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// Coverage of a framework by an ST (its SFRs and selections) or a PP (per role).
    Coverage {
        /// An ST or PP file, or a PP of the library as `ID` or `ID@VERSION` (e.g. `cdd@2.0`).
        target: String,
        /// The framework: fda, 524b, csf, 81001 or 62443.
        #[arg(long)]
        framework: String,
        /// For a PP: only this role.
        #[arg(long)]
        role: Option<String>,
        /// Use this mapping file instead of the built-in one (it is checked first).
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: CoverageFormat,
        /// Write the report here (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// For an ST file: its sealed ETR bundle, so each mapped SFR is marked verified by an
        /// approved lab (its work units all passed) or asserted by the manufacturer.
        #[arg(long, value_name = "SEALED.json", requires = "key")]
        etr: Option<PathBuf>,
        /// The lab's public key the ETR's signature is verified with.
        #[arg(long, value_name = "LAB.pub", requires = "etr")]
        key: Option<PathBuf>,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// List the built-in framework catalogues.
    Frameworks,
    /// `dtsec map TARGET --framework …` is `dtsec map coverage TARGET --framework …`: the
    /// coverage report is what `map` is most often run for.
    #[command(external_subcommand)]
    Shorthand(Vec<OsString>),
    /// List a framework's items (withdrawn ones marked).
    Items {
        /// The framework: fda, 524b, csf, 81001 or 62443.
        framework: String,
    },
}

/// The `coverage` command that `dtsec map TARGET ARGS…` stands for; a usage error is reported
/// as clap reports every other one (message, usage, exit status 2).
fn coverage_shorthand(args: Vec<OsString>) -> MapCommand {
    #[derive(clap::Parser)]
    #[command(name = "dtsec map")]
    struct Shorthand {
        #[command(subcommand)]
        command: MapCommand,
    }
    let argv = ["dtsec map".into(), "coverage".into()]
        .into_iter()
        .chain(args);
    match <Shorthand as clap::Parser>::try_parse_from(argv) {
        Ok(Shorthand { command }) => command,
        Err(e) => e.exit(),
    }
}

impl From<RegulatoryError> for CliError {
    fn from(e: RegulatoryError) -> CliError {
        match e {
            RegulatoryError::Load(e) => e.into(),
            RegulatoryError::Syntax { .. } => CliError::unusable(&e)
                .with_help("a mapping has `kind: framework-mapping`, `pp`, `framework` and `edges`; see docs/regulatory.md"),
            RegulatoryError::UnknownFramework { .. } => {
                CliError::unusable(&e).with_help("`dtsec map frameworks` lists them")
            }
            RegulatoryError::PpNotFound { .. } | RegulatoryError::NoClaimedPp { .. } => {
                CliError::unusable(&e)
                    .with_help("give the PP with `--pp FILE` or `--pp-path DIR`; `dtsec pp list` lists the built-in ones")
            }
            RegulatoryError::NoMapping { .. } => CliError::unusable(&e)
                .with_help("give a mapping file with `--mapping FILE`"),
            _ => CliError::unusable(&e),
        }
    }
}

pub fn run(command: MapCommand) -> CliResult {
    match command {
        MapCommand::Shorthand(args) => run(coverage_shorthand(args)),
        MapCommand::Check { files, format, pps } => check(&files, format, &pps),
        MapCommand::Coverage {
            target,
            framework,
            role,
            mapping,
            format,
            output,
            etr,
            key,
            pps,
        } => coverage(
            &CoverageArgs {
                target: &target,
                framework_name: &framework,
                role: role.as_deref(),
                mapping_file: mapping.as_deref(),
                format,
                output: output.as_deref(),
                etr: etr.as_deref().zip(key.as_deref()),
            },
            &pps,
        ),
        MapCommand::Frameworks => {
            for (short, _) in BUILTIN_FRAMEWORKS {
                let fw = framework::builtin(short)?;
                outln!("{short:<6} {:<14} {:<11} {}", fw.id, fw.version, fw.title);
            }
            Ok(Exit::Success)
        }
        MapCommand::Items { framework } => {
            let fw = framework::builtin(&framework)?;
            for item in &fw.items {
                let status = match item.status {
                    ItemStatus::Active => String::new(),
                    ItemStatus::Withdrawn => {
                        let to: Vec<&str> = item.successors.iter().map(|s| s.id.as_str()).collect();
                        format!("  [withdrawn → {}]", to.join(", "))
                    }
                };
                outln!("{:<12} {:<12} {}{status}", item.id, item.kind, item.title);
            }
            Ok(Exit::Success)
        }
    }
}

fn check(files: &[PathBuf], format: OutputFormat, pps: &PpArgs) -> CliResult {
    let library = crate::library::build(pps)?;
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut sources: Vec<SourceFile> = Vec::new();
    for file in files {
        let (source, doc) = mapping::load(file)?;
        diags.extend(checker::check(CheckInput {
            source: &source,
            mapping: &doc,
            library: &library,
        })?);
        sources.push(source);
    }
    sources.extend(library.loaded().map(|d| d.source.clone()));
    let out = match format {
        OutputFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = render_human(&diags, &sources, color);
            out.push_str(&summary_line(&diags, files.len(), color));
            out.push('\n');
            out
        }
        OutputFormat::Json => render_json_with_sources(&diags, &sources, files.len()),
        OutputFormat::Sarif => render_sarif(&diags, &sources, env!("CARGO_PKG_VERSION")),
    };
    out!("{out}");
    Ok(if diags.iter().any(Diagnostic::is_error) {
        Exit::Failed
    } else {
        Exit::Success
    })
}

/// What `dtsec map coverage` was asked for.
struct CoverageArgs<'a> {
    target: &'a str,
    framework_name: &'a str,
    role: Option<&'a str>,
    mapping_file: Option<&'a Path>,
    format: CoverageFormat,
    output: Option<&'a Path>,
    /// The sealed ETR bundle and the lab's public key.
    etr: Option<(&'a Path, &'a Path)>,
}

fn coverage(args: &CoverageArgs<'_>, pps: &PpArgs) -> CliResult {
    let CoverageArgs {
        target,
        framework_name,
        role,
        mapping_file,
        format,
        output,
        etr,
    } = *args;
    let library = crate::library::build(pps)?;
    let path = Path::new(target);
    let loaded;
    let document = if path.exists() || target.ends_with(".yaml") || target.ends_with(".xml") {
        loaded = crate::input::load(path)?;
        &loaded.document
    } else {
        let (id, version) = match target.split_once('@') {
            Some((id, v)) => (id, Some(v.to_string())),
            None => (target, library.versions_of(target).into_iter().last()),
        };
        let version = version.unwrap_or_default();
        &library
            .find(id, &version)
            .ok_or_else(|| {
                CliError::unusable(format!("`{target}` is neither a file nor a PP of the library"))
                    .with_help("give an ST or PP file, or a PP as `ID@VERSION`; `dtsec pp list` lists the built-in ones")
            })?
            .document
    };
    let choice = match mapping_file {
        None => MappingChoice::Builtin,
        Some(file) => {
            let (source, doc) = mapping::load(file)?;
            let errors: Vec<Diagnostic> = checker::check(CheckInput {
                source: &source,
                mapping: &doc,
                library: &library,
            })?
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
            if !errors.is_empty() {
                let mut e = CliError::unusable(format!(
                    "the mapping {} has {} error(s); coverage from it would mislead",
                    file.display(),
                    errors.len()
                ));
                for d in &errors {
                    e = e.with_detail(format!(
                        "{}:{}:{}: {} {}",
                        d.file, d.span.line, d.span.column, d.code, d.message
                    ));
                }
                return Err(e.with_help(format!(
                    "fix them first (`dtsec map check {}`)",
                    file.display()
                )));
            }
            MappingChoice::Given(Box::new(doc))
        }
    };
    let mut report = coverage_report(document, &library, framework_name, role, choice)?;
    if let Some((bundle, key)) = etr {
        if document.kind.value != DocumentKind::SecurityTarget {
            return Err(CliError::unusable(format!(
                "`{target}` is not a Security Target; a sealed ETR evaluates an ST"
            ))
            .with_help("give the ST file the ETR was sealed for, or leave out --etr and --key"));
        }
        let payload = super::premarket::read_etr(bundle, key, path)?;
        let lab = dtsec_premarket::LabEvidence {
            etr: dtsec_premarket::Etr::from_payload(&payload, document)
                .map_err(|e| CliError::unusable(format!("{}: {e}", bundle.display())))?,
            signature_verified: true,
        };
        if let Some(results) = dtsec_premarket::evidence::lab_results(&lab) {
            report = report.with_lab_results(&results);
        }
    }
    let text = match format {
        CoverageFormat::Text => report.to_text(),
        CoverageFormat::Json => report.to_json(),
        CoverageFormat::Csv => report.to_csv(),
    };
    match output {
        Some(out) => crate::write::atomic_write(out, text.as_bytes())
            .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", out.display())))?,
        None => out!("{text}"),
    }
    Ok(Exit::Success)
}
