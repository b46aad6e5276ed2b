//! The offline postmarket commands a manufacturer runs in CI, with no registry: `dtsec sbom
//! check|show`, `dtsec advisories import`, and `dtsec match`. They are glue: the SBOM rules live
//! in `dtsec-sbom`, the database and the OSV algorithm in `dtsec-advisories`; this file reads
//! files (bounded), prints, and maps results to the exit contract (0 clean, 1 findings, 2
//! unusable input).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use dtsec_advisories::{Database, Index, Verdict, match_sbom};
use dtsec_sbom::{Ingester, Limits, Report, SbomDoc, SbomError, Violation};
use serde_json::json;

use crate::error::{CliError, CliResult, Exit};
use crate::stdout;

/// The largest advisory database read (`advisories.json`).
const DB_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

/// Output of `sbom check`.
#[derive(Clone, Copy, ValueEnum, Default)]
pub enum CheckFormat {
    /// Lines for a person.
    #[default]
    Text,
    /// One JSON object (`ok` says whether the SBOM was accepted).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
}

/// Output of `sbom show`.
#[derive(Clone, Copy, ValueEnum, Default)]
pub enum ShowFormat {
    /// A table for a person.
    #[default]
    Text,
    /// The whole model and report as JSON.
    Json,
}

/// Output of `match`.
#[derive(Clone, Copy, ValueEnum, Default)]
pub enum MatchFormat {
    /// Lines for a person.
    #[default]
    Text,
    /// One JSON object (`ok` is false when anything is affected or unevaluable).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// One row per match.
    Csv,
}

/// Output of `advisories import`.
#[derive(Clone, Copy, ValueEnum, Default)]
pub enum ImportFormat {
    /// Lines for a person.
    #[default]
    Text,
    /// One JSON object: `status` (`imported` or `failed`), the counts, the snapshot id and every
    /// rejection.
    Json,
}

/// `dtsec sbom …`
#[derive(Subcommand)]
pub enum SbomCommand {
    /// Validate a CycloneDX (1.4–1.7) or SPDX (2.2/2.3) JSON SBOM: schema, semantic rules,
    /// coverage. Exit status: 0 accepted, 2 refused (the rule and JSON pointer are named).
    Check {
        /// The SBOM file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: CheckFormat,
    },
    /// Show an SBOM's subject, components (purls normalised, support data) and coverage.
    Show {
        /// The SBOM file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: ShowFormat,
    },
}

/// `dtsec advisories …`
#[derive(Subcommand)]
pub enum AdvisoriesCommand {
    /// Import OSV records from a directory or a ZIP (e.g. osv.dev's `all.zip`) into an offline
    /// database: each record validated against the OSV schema, invalid ones rejected with the
    /// reason. Progress goes to standard error. Exit status: 0 imported, 1 no record was
    /// accepted (every one rejected, or none found; the database is then left as it was), 2 the
    /// source could not be read.
    Import {
        /// The directory or ZIP archive of OSV JSON records.
        source: PathBuf,
        /// The database directory to write (replaced atomically).
        #[arg(long, value_name = "DBDIR")]
        into: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: ImportFormat,
    },
}

/// `dtsec match SBOM --advisories DBDIR`
#[derive(Args)]
pub struct MatchArgs {
    /// The SBOM file.
    sbom: PathBuf,
    /// The advisory database made by `dtsec advisories import`.
    #[arg(long, value_name = "DBDIR")]
    advisories: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: MatchFormat,
}

/// An SBOM read and judged: accepted with its report, or refused.
type Ingested = Result<(SbomDoc, Report), SbomError>;

fn ingest(path: &Path) -> Result<Ingested, CliError> {
    let ingester = Ingester::new(Limits::default());
    let bytes = crate::input::read_file(path, ingester.limits().max_bytes, "the SBOM")?;
    let result = ingester.ingest(&bytes);
    Ok(result)
}

/// The violations of a refusal, each with its rule and position.
fn violations(e: &SbomError) -> Vec<Violation> {
    match e {
        SbomError::Invalid { violations } => violations.clone(),
        SbomError::Json {
            rule,
            line,
            column,
            message,
        } => vec![Violation {
            rule: (*rule).to_string(),
            pointer: format!("line {line}, column {column}"),
            message: message.clone(),
        }],
        SbomError::Format { pointer, .. } => vec![Violation {
            rule: e.rule().to_string(),
            pointer: pointer.clone(),
            message: e.to_string(),
        }],
        other => vec![Violation {
            rule: other.rule().to_string(),
            pointer: String::new(),
            message: other.to_string(),
        }],
    }
}

fn refusal(path: &Path, e: &SbomError) -> CliError {
    let all = violations(e);
    let mut err = CliError::unusable(format!("{}: {e}", path.display()));
    for v in all.iter().skip(1) {
        err = err.with_detail(format!("  {v}"));
    }
    err.with_help(format!(
        "the SBOM was refused by rule {}; fix the document at the position named and run `dtsec sbom check` again",
        e.rule()
    ))
}

/// Runs `dtsec sbom …`.
pub fn run_sbom(command: SbomCommand) -> CliResult {
    match command {
        SbomCommand::Check { file, format } => check(&file, format),
        SbomCommand::Show { file, format } => show(&file, format),
    }
}

fn check(file: &Path, format: CheckFormat) -> CliResult {
    let result = ingest(file)?;
    match format {
        CheckFormat::Text => {
            let (doc, report) = result.map_err(|e| refusal(file, &e))?;
            let mut out = format!(
                "ok: {} ({} {}, {} components, sha256 {})\n",
                file.display(),
                format_name(&doc),
                doc.spec_version,
                doc.components.len(),
                doc.sha256
            );
            for w in &report.warnings {
                let _ = writeln!(out, "warning: {w}");
            }
            coverage_lines(&report, &mut out);
            stdout::write(&out);
            Ok(Exit::Success)
        }
        CheckFormat::Json => {
            let value = match &result {
                Ok((doc, report)) => json!({
                    "ok": true, "file": file.display().to_string(), "sha256": doc.sha256,
                    "format": doc.format, "spec_version": doc.spec_version,
                    "components": doc.components.len(), "warnings": report.warnings,
                    "coverage": report.coverage, "errors": [],
                }),
                Err(e) => json!({
                    "ok": false, "file": file.display().to_string(), "rule": e.rule(),
                    "errors": violations(e),
                }),
            };
            stdout::write(&format!("{}\n", pretty(&value)));
            Ok(if result.is_ok() {
                Exit::Success
            } else {
                Exit::Unusable
            })
        }
        CheckFormat::Sarif => {
            let (errors, warnings) = match &result {
                Ok((_, report)) => (Vec::new(), report.warnings.clone()),
                Err(e) => (violations(e), Vec::new()),
            };
            let results: Vec<_> = errors
                .iter()
                .map(|v| (v, "error"))
                .chain(warnings.iter().map(|v| (v, "warning")))
                .map(|(v, level)| {
                    json!({
                        "ruleId": v.rule, "level": level,
                        "message": {"text": v.message},
                        "locations": [{
                            "physicalLocation": {"artifactLocation": {"uri": file.display().to_string()}},
                            "logicalLocations": [{"fullyQualifiedName": v.pointer, "kind": "object"}],
                        }],
                    })
                })
                .collect();
            stdout::write(&format!("{}\n", pretty(&sarif(results))));
            Ok(if result.is_ok() {
                Exit::Success
            } else {
                Exit::Unusable
            })
        }
    }
}

fn sarif(results: Vec<serde_json::Value>) -> serde_json::Value {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dtsec", "version": env!("CARGO_PKG_VERSION"),
                                 "informationUri": "https://example.invalid/dtsec"}},
            "results": results,
        }],
    })
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

fn format_name(doc: &SbomDoc) -> &'static str {
    match doc.format {
        dtsec_sbom::Format::Cyclonedx => "CycloneDX",
        dtsec_sbom::Format::Spdx => "SPDX",
    }
}

fn coverage_lines(report: &Report, out: &mut String) {
    let c = &report.coverage;
    let _ = writeln!(
        out,
        "coverage: {} components; {} without a version, {} unidentifiable (no purl, CPE or hash), {} without support data{}",
        c.components,
        c.no_version.len(),
        c.unidentifiable.len(),
        c.no_support_data.len(),
        if c.declared_complete {
            ""
        } else {
            "; the SBOM does not declare itself complete"
        }
    );
}

fn show(file: &Path, format: ShowFormat) -> CliResult {
    let result = ingest(file)?;
    let (doc, report) = result.map_err(|e| refusal(file, &e))?;
    if let ShowFormat::Json = format {
        stdout::write(&format!(
            "{}\n",
            pretty(&json!({"ok": true, "sbom": doc, "report": report}))
        ));
        return Ok(Exit::Success);
    }
    let mut out = format!(
        "{} {} ({})\n",
        format_name(&doc),
        doc.spec_version,
        file.display()
    );
    let _ = writeln!(out, "sha256: {}", doc.sha256);
    if let Some(s) = &doc.serial {
        let _ = writeln!(out, "serial: {s}");
    }
    if let Some(s) = &doc.subject {
        let _ = writeln!(
            out,
            "subject: {} {}{}",
            s.name,
            s.version.as_deref().unwrap_or("(no version)"),
            s.supplier
                .as_deref()
                .map(|x| format!(" by {x}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(out, "components:");
    for c in &doc.components {
        let purl = c
            .purls
            .iter()
            .map(|p| {
                p.normalized
                    .as_ref()
                    .map_or(p.original.as_str(), |n| n.canonical.as_str())
            })
            .collect::<Vec<_>>()
            .join(" ");
        let support = match (&c.support_level, &c.end_of_support) {
            (dtsec_sbom::SupportLevel::Unknown, None) => "support: unknown".to_string(),
            (l, e) => format!(
                "support: {}{}",
                serde_json::to_value(l)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                e.as_deref()
                    .map(|d| format!(" until {d}"))
                    .unwrap_or_default()
            ),
        };
        let _ = writeln!(
            out,
            "  {} {} {}  [{}] {}",
            c.name,
            c.version.as_deref().unwrap_or("(no version)"),
            if purl.is_empty() {
                "(no purl)".to_string()
            } else {
                purl
            },
            c.r#ref,
            support
        );
    }
    coverage_lines(&report, &mut out);
    stdout::write(&out);
    Ok(Exit::Success)
}

/// Runs `dtsec advisories …`.
pub fn run_advisories(command: AdvisoriesCommand) -> CliResult {
    let AdvisoriesCommand::Import {
        source,
        into,
        format,
    } = command;
    let limits = dtsec_advisories::ImportLimits::default();
    let entries = dtsec_advisories::import::read_source(&source, &limits).map_err(|e| {
        CliError::unusable(e).with_help("give a directory or a ZIP archive of OSV JSON records")
    })?;
    let loaded_at = now_rfc3339();
    let mut last_shown = 0;
    let db = dtsec_advisories::import::build(entries, loaded_at, &mut |done, total| {
        // Progress only on long imports, at most every 10,000 records.
        if total >= 10_000 && (done - last_shown >= 10_000 || done == total) {
            last_shown = done;
            crate::error::note(format!("imported {done} of {total} records"));
        }
    })
    .map_err(CliError::unusable)?;
    let s = &db.snapshot;
    // A database with no record would make every later match come out clean, so an import
    // that accepted nothing is a failure and replaces nothing: the old database stays.
    let failed = s.count == 0;
    if !failed {
        db.save(&into)
            .map_err(|e| CliError::unusable(e).with_help("check that the directory is writable"))?;
    }
    let failure = failed.then(|| {
        if s.rejected.is_empty() {
            format!(
                "no OSV record found in {}: nothing was imported and {} was left as it was",
                source.display(),
                into.display()
            )
        } else {
            format!(
                "all {} records in {} were rejected: nothing was imported and {} was left as it was",
                s.rejected.len(),
                source.display(),
                into.display()
            )
        }
    });
    match format {
        ImportFormat::Json => {
            let v = json!({
                "status": if failed { "failed" } else { "imported" },
                "message": failure,
                "source": source.display().to_string(),
                "into": into.display().to_string(),
                "snapshot": if failed { None } else { Some(&s.id) },
                "loaded_at": s.loaded_at,
                "imported": s.count,
                "rejected": s.rejected.len(),
                "withdrawn": s.withdrawn.len(),
                "malicious": s.malicious.len(),
                "notes": s.notes.len(),
                "rejections": s.rejected,
                "data_quality_notes": s.notes,
            });
            stdout::write(&format!("{}\n", pretty(&v)));
        }
        ImportFormat::Text => {
            let mut out = String::new();
            if !failed {
                let _ = writeln!(
                    out,
                    "snapshot {}: {} records imported into {}, {} rejected, {} withdrawn, {} malicious-package, {} data-quality notes",
                    s.id,
                    s.count,
                    into.display(),
                    s.rejected.len(),
                    s.withdrawn.len(),
                    s.malicious.len(),
                    s.notes.len()
                );
            }
            for r in &s.rejected {
                let _ = writeln!(out, "rejected: {}: {}", r.file, r.reason);
            }
            for n in &s.notes {
                let _ = writeln!(out, "note: {} ({}): {}", n.id, n.file, n.note);
            }
            stdout::write(&out);
        }
    }
    match failure {
        Some(message) => Err(CliError::failed(message).with_help(
            "give OSV JSON records (https://ossf.github.io/osv-schema/); each rejection above names the rule and the JSON pointer",
        )),
        None => Ok(Exit::Success),
    }
}

/// Now as RFC 3339 UTC (seconds), from the system clock.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    jiff::Timestamp::from_second(secs as i64)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Runs `dtsec match`.
pub fn run_match(args: MatchArgs) -> CliResult {
    let result = ingest(&args.sbom)?;
    let (doc, _) = result.map_err(|e| refusal(&args.sbom, &e))?;
    let db = Database::load(&args.advisories, DB_LIMIT).map_err(|e| {
        CliError::unusable(e)
            .with_help("make the database with `dtsec advisories import SRC --into DBDIR`")
    })?;
    let index = Index::build(&db);
    let report = match_sbom(&index, &doc);
    let findings = !report.matches.is_empty();
    let sbom = args.sbom.display().to_string();
    let text = match args.format {
        MatchFormat::Text => {
            let mut out = format!(
                "{sbom}: {} components as of snapshot {}: {} affected, {} unevaluable, {} not affected, {} unmatchable components, {} withdrawn advisories skipped\n",
                report.components,
                report.snapshot,
                report.affected(),
                report.unevaluable(),
                report.not_affected,
                report.unmatchable.len(),
                report.withdrawn_skipped
            );
            for m in &report.matches {
                let what = match &m.verdict {
                    Verdict::Affected { bases } => format!("affected ({})", bases.join(", ")),
                    Verdict::Unevaluable { reason } => format!("unevaluable: {reason}"),
                    Verdict::NotAffected => "not affected".into(),
                };
                let mal = if m.category == dtsec_advisories::matching::Category::MaliciousComponent
                {
                    " [MALICIOUS COMPONENT]"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "{} {} {} [{}]: {} (group {}){}{}",
                    m.component_name,
                    m.version.as_deref().unwrap_or("(no version)"),
                    m.advisory_id,
                    m.matched_by,
                    what,
                    m.group_key,
                    mal,
                    m.summary
                        .as_deref()
                        .map(|s| format!(": {s}"))
                        .unwrap_or_default()
                );
            }
            out
        }
        MatchFormat::Json => format!(
            "{}\n",
            pretty(
                &json!({"ok": !findings, "sbom": sbom, "as_of_snapshot": report.snapshot, "report": report})
            )
        ),
        MatchFormat::Sarif => {
            let results = report
                .matches
                .iter()
                .map(|m| {
                    let (level, text) = match &m.verdict {
                        Verdict::Affected { bases } => ("error", format!("{} {} is affected by {} ({}), as of snapshot {}", m.component_name, m.version.as_deref().unwrap_or(""), m.advisory_id, bases.join(", "), report.snapshot)),
                        Verdict::Unevaluable { reason } => ("warning", format!("{} vs {}: unevaluable: {reason} (as of snapshot {})", m.component_name, m.advisory_id, report.snapshot)),
                        Verdict::NotAffected => ("none", String::new()),
                    };
                    json!({
                        "ruleId": m.advisory_id, "level": level, "message": {"text": text},
                        "locations": [{
                            "physicalLocation": {"artifactLocation": {"uri": sbom}},
                            "logicalLocations": [{"fullyQualifiedName": m.component_ref, "kind": "object"}],
                        }],
                        "properties": {"group": m.group_key, "category": m.category, "snapshot": report.snapshot},
                    })
                })
                .collect();
            format!("{}\n", pretty(&sarif(results)))
        }
        MatchFormat::Csv => {
            let mut out = String::from(
                "component_ref,component_name,version,matched_by,advisory_id,group_key,outcome,detail,category,snapshot\n",
            );
            for m in &report.matches {
                let (outcome, detail) = match &m.verdict {
                    Verdict::Affected { bases } => ("affected", bases.join(" ")),
                    Verdict::Unevaluable { reason } => ("unevaluable", reason.clone()),
                    Verdict::NotAffected => ("not-affected", String::new()),
                };
                let category =
                    if m.category == dtsec_advisories::matching::Category::MaliciousComponent {
                        "malicious-component"
                    } else {
                        "vulnerability"
                    };
                let row = [
                    m.component_ref.as_str(),
                    &m.component_name,
                    m.version.as_deref().unwrap_or(""),
                    &m.matched_by,
                    &m.advisory_id,
                    &m.group_key,
                    outcome,
                    &detail,
                    category,
                    &report.snapshot,
                ];
                out.push_str(
                    &row.iter()
                        .map(|f| csv_field(f))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push('\n');
            }
            out
        }
    };
    stdout::write(&text);
    Ok(if findings {
        Exit::Failed
    } else {
        Exit::Success
    })
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does
/// not run it as a formula (names come from untrusted SBOMs and advisories).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
