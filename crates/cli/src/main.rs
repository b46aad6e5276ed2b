//! The `dtsec` binary: argument parsing, dispatch and printing. The work is done by the library
//! crates; nothing here knows a CC rule.
//!
//! Exit status, as ripgrep does it: 0 when all went well (no errors found), 1 when the check
//! found errors, 2 when the input was unusable (unreadable, not a document, a claimed PP
//! missing) or the command was wrong. `error.rs` holds the contract and prints every error.
#![forbid(unsafe_code)]

/// `print!` that ends the process quietly when the reader has gone away (`dtsec … | head`),
/// instead of panicking on a broken pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write(&format!($($arg)*))
    };
}

/// `println!` with the same broken-pipe handling as [`out!`].
macro_rules! outln {
    () => {
        $crate::stdout::write("\n")
    };
    ($($arg:tt)*) => {
        $crate::stdout::write(&format!("{}\n", format!($($arg)*)))
    };
}

mod commands;
mod doc_cache;
mod error;
mod http;
mod input;
mod library;
mod logclient;
mod stdout;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{CliResult, Exit};

/// dtsec: security evaluation and certification of connected medical devices, on ISO/IEC 15408
/// (Common Criteria) and ISO/IEC 18045 (CEM).
#[derive(Parser)]
#[command(name = "dtsec", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where claimed PPs and packages are looked up, besides the built-in ones.
#[derive(clap::Args, Clone, Default)]
struct PpArgs {
    /// A PP, PP-Module or package file that claims may resolve to (repeatable).
    #[arg(long = "pp", value_name = "FILE")]
    pp: Vec<PathBuf>,
    /// A directory of PP/package YAML files (repeatable; DTSEC_PP_PATH adds more, colon-separated).
    #[arg(long = "pp-path", value_name = "DIR")]
    pp_path: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum OutputFormat {
    #[default]
    Human,
    Json,
    Sarif,
}

#[derive(Subcommand)]
enum Command {
    /// Check PPs, packages and Security Targets against the CC and the PPs they claim.
    Check {
        /// The documents to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
        /// Colour in human output.
        #[arg(long, value_enum, default_value_t)]
        color: ColorChoice,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// Explain a diagnostic code (`dtsec explain DT-DEP-001`), or list them all.
    Explain {
        /// The code; omit to list every code.
        code: Option<String>,
    },
    /// Print the JSON Schema of the PP/ST document format.
    Schema,
    /// Browse the built-in CC catalogue.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// The built-in Protection Profiles and packages.
    Pp {
        #[command(subcommand)]
        command: PpCommand,
    },
    /// Import a NIAP PP, PP-Module or Package XML file as a dtsec YAML document.
    Import {
        /// The NIAP XML file.
        file: PathBuf,
        /// Where to write the YAML (standard output when omitted).
        #[arg(short, long, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
    },
    /// OSCAL 1.2.1: export a PP (catalog), an ST (profile, component-definition) or a sealed
    /// ETR bundle (SSP, assessment plan, assessment results); validate any OSCAL JSON file;
    /// import our own catalog back.
    Oscal {
        #[command(subcommand)]
        command: commands::oscal::OscalCommand,
    },
    /// The FDA premarket cybersecurity documentation set of an ST (with its sealed ETR and
    /// SBOM when given) as `index.html` and `premarket.pdf`, each section tagged with its
    /// provenance.
    Premarket(commands::premarket::PremarketArgs),
    /// The CEM evaluation workbench: work units, verdicts, evidence, the ETR and its seal.
    Eval {
        #[command(subcommand)]
        command: commands::eval::EvalCommand,
    },
    /// Verify a certificate (with the scheme's key), a certificate bundle (also with the
    /// transparency log's key), a certificate online (--registry: current status, its log entry,
    /// the log's consistency), or a sealed ETR bundle (with the lab's key: signature, digests,
    /// roll-up, and optionally the evidence). Exit status: 0 authentic and valid (with
    /// --integrity-only: intact, NOT authenticated); 1 a check failed, or the document is
    /// authentic but NOT VALID (revoked, suspended, archived or expired; online: as the registry
    /// and its log say now); 2 it could not be checked (an ETR bundle without --key or
    /// --integrity-only).
    Verify {
        /// The certificate or sealed bundle.
        bundle: PathBuf,
        /// The scheme's public key (certificates and certificate bundles) or the lab's (ETR
        /// bundles).
        #[arg(long, value_name = "LAB.pub")]
        key: Option<PathBuf>,
        /// The evaluation workspace, or a directory holding the evidence files.
        #[arg(long, value_name = "DIR")]
        evidence: Option<PathBuf>,
        /// For an ETR bundle without the lab's key: check only that it is intact (digests,
        /// roll-up, evidence). Anyone can make an intact bundle, so exit status 0 then means
        /// intact, not authentic.
        #[arg(long, conflicts_with = "key")]
        integrity_only: bool,
        #[command(flatten)]
        log: commands::verify_log::LogArgs,
    },
    /// The registry's transparency log: export it as static files, audit it, monitor it.
    Log {
        #[command(subcommand)]
        command: commands::log::LogCommand,
    },
    /// Run the certification registry's web service.
    Serve(commands::serve::ServeArgs),
    /// Create the registry's first scheme administrator.
    BootstrapAdmin(commands::serve::BootstrapAdminArgs),
    /// Remove the blobs (STs, sealed ETRs) no row of the registry names, after a grace period.
    BlobGc(commands::blob_gc::BlobGcArgs),
    /// Work with a running registry over its API: products, ST, lab, ETR, review, certificates.
    Registry(commands::registry::RegistryArgs),
    /// Score a CVSS 3.0/3.1/4.0 vector.
    Cvss {
        #[command(subcommand)]
        command: commands::vex::CvssCommand,
    },
    /// Manufacturer vulnerability assessments (VEX): record, show clocks, export, import.
    Vex {
        #[command(subcommand)]
        command: commands::vex::VexCommand,
    },
    /// Ed25519 key pairs for labs and the scheme.
    Keys {
        #[command(subcommand)]
        command: commands::keys::KeysCommand,
    },
    /// Write a PP, PP-Module or package as NIAP PP XML, or a NIAP-format ST as NIAP ST XML.
    Export {
        /// Write NIAP PP XML (the only export format).
        #[arg(long)]
        niap: bool,
        /// The document (dtsec YAML or NIAP XML).
        file: PathBuf,
        /// Where to write the XML.
        #[arg(short, long, value_name = "OUT.xml")]
        output: PathBuf,
    },
    /// Regulatory mappings: check mapping files, coverage of FDA, 524B, CSF 2.0, IEC 81001-5-1, IEC 62443-4-2.
    ///
    /// `dtsec map ST --framework fda` is short for `dtsec map coverage ST --framework fda`.
    Map {
        #[command(subcommand)]
        command: commands::map::MapCommand,
    },
    /// SBOMs (CycloneDX 1.4–1.7, SPDX 2.2/2.3 JSON): validate and show, offline.
    Sbom {
        #[command(subcommand)]
        command: commands::postmarket::SbomCommand,
    },
    /// The offline OSV advisory database.
    Advisories {
        #[command(subcommand)]
        command: commands::postmarket::AdvisoriesCommand,
    },
    /// Match an SBOM against an offline advisory database by the OSV evaluation algorithm.
    /// Exit status: 0 nothing affected or unevaluable, 1 matches found, 2 unusable input.
    Match(commands::postmarket::MatchArgs),
    /// Render a PP, package or ST as one self-contained HTML document.
    Render {
        /// The document.
        file: PathBuf,
        /// Where to write the HTML.
        #[arg(short, long, value_name = "OUT.html")]
        output: PathBuf,
        #[command(flatten)]
        pps: PpArgs,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Show a component's facts: name, hierarchy, dependencies, elements, operations, work units.
    Show {
        /// Component id, e.g. FCS_COP.1 or AVA_VAN.3.
        id: String,
        /// CC edition: `CC:2022 R1` (default) or `CC 3.1 R5`.
        #[arg(long, default_value = "CC:2022 R1")]
        edition: String,
        /// Your official CC catalogue XML: also print the component's text from it.
        #[arg(long, value_name = "FILE")]
        cc_xml: Option<PathBuf>,
    },
    /// List components, optionally of one class.
    List {
        /// Only this class, e.g. FCS or ADV.
        #[arg(long)]
        class: Option<String>,
        /// CC edition.
        #[arg(long, default_value = "CC:2022 R1")]
        edition: String,
    },
    /// List the assurance components of an EAL.
    Eal {
        /// 1 to 7.
        level: u8,
        /// CC edition.
        #[arg(long, default_value = "CC:2022 R1")]
        edition: String,
    },
}

#[derive(Subcommand)]
enum PpCommand {
    /// List the PPs and packages available (built-in and on the search path).
    List {
        #[command(flatten)]
        pps: PpArgs,
    },
    /// Show a PP or package: identification, TOE types, threats, objectives, SFRs, SARs.
    Show {
        /// Its id, e.g. `cdd`.
        id: String,
        /// Its version; the newest when omitted.
        #[arg(long)]
        version: Option<String>,
        /// Show it as it reads in this CC edition (e.g. `CC 3.1 R5`: the CDD PP 2.0 derived by
        /// the component mapping of docs/cc-editions.md).
        #[arg(long)]
        edition: Option<String>,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// Write a PP, package or module as derived for another CC edition, e.g. `cdd@2.0` for
    /// CC 3.1 R5 (the component mapping of docs/cc-editions.md).
    Derive {
        /// The document, as ID@VERSION.
        document: String,
        /// The CC edition to derive it for.
        #[arg(long, default_value = "CC 3.1 R5")]
        edition: String,
        /// Where to write the YAML (standard output when omitted).
        #[arg(short, long, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// Show what changed between two versions of a PP or package, e.g. `cdd@1.0 cdd@2.0`.
    Diff {
        /// The older document, as ID@VERSION.
        old: String,
        /// The newer document, as ID@VERSION.
        new: String,
        #[command(flatten)]
        pps: PpArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(exit) => exit.into(),
        Err(e) => {
            error::print(&e);
            e.exit().into()
        }
    }
}

/// Runs one command: how it judged its input, or why it stopped.
fn run(command: Command) -> CliResult {
    match command {
        Command::Check {
            files,
            format,
            color,
            pps,
        } => commands::check::run(&files, format, color, &pps),
        Command::Explain { code } => commands::explain::run(code.as_deref()),
        Command::Schema => {
            outln!("{}", dtsec_model::json_schema());
            Ok(Exit::Success)
        }
        Command::Catalog { command } => commands::catalog::run(command),
        Command::Pp { command } => commands::pp::run(command),
        Command::Eval { command } => commands::eval::run(command),
        Command::Oscal { command } => commands::oscal::run(command),
        Command::Premarket(args) => commands::premarket::run(&args),
        Command::Verify {
            bundle,
            key,
            evidence,
            integrity_only,
            log,
        } => commands::verify::run(
            &bundle,
            key.as_deref(),
            evidence.as_deref(),
            integrity_only,
            &log,
        ),
        Command::Log { command } => commands::log::run(command),
        Command::Serve(args) => commands::serve::run(args),
        Command::BootstrapAdmin(args) => commands::serve::bootstrap_admin(args),
        Command::BlobGc(args) => commands::blob_gc::run(&args),
        Command::Registry(args) => commands::registry::run(args),
        Command::Keys { command } => commands::keys::run(command),
        Command::Cvss { command } => commands::vex::run_cvss(command),
        Command::Vex { command } => commands::vex::run(command),
        Command::Export { niap, file, output } => commands::export::run(&file, &output, niap),
        Command::Import { file, output } => commands::import::run(&file, output.as_deref()),
        Command::Map { command } => commands::map::run(command),
        Command::Render { file, output, pps } => commands::render::run(&file, &output, &pps),
        Command::Sbom { command } => commands::postmarket::run_sbom(command),
        Command::Advisories { command } => commands::postmarket::run_advisories(command),
        Command::Match(args) => commands::postmarket::run_match(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Clap's own consistency checks over every subcommand (they otherwise run only when used).
    #[test]
    fn command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
