//! `dtsec oscal …`: OSCAL 1.2.1 export of PPs, STs and sealed ETR bundles, validation of any
//! OSCAL file, and import of our own catalog back into a dtsec document (`dtsec-oscal`).
//!
//! Output files are written atomically; exit status 0 on success, 1 when `validate` finds
//! problems, 2 for unusable input (unreadable, not the right kind of document, a claimed PP
//! missing, a bundle that does not verify or does not match the ST).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use dtsec_model::{DocumentKind, Library};
use dtsec_oscal::assessment::{Etr, assessment_plan, assessment_results, ssp};
use dtsec_oscal::{CatalogOptions, ComponentOptions, OscalError};
use serde_json::Value;

use crate::PpArgs;
use crate::commands::eval::FormatArg;
use crate::error::{CliError, CliResult, Exit};

/// The largest OSCAL JSON file `validate` and `import` read (the NIST SP 800-53 catalogue is
/// about 10 MB).
const MAX_OSCAL_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Subcommand)]
pub enum OscalCommand {
    /// A PP, PP-Module or package (built-in id, or a file) as an OSCAL catalog.
    Catalog {
        /// A built-in document's id (`cdd`), or a PP/package file.
        source: String,
        /// The built-in's version; the newest when omitted.
        #[arg(long)]
        version: Option<String>,
        /// Where to write the catalog.
        #[arg(short, long, value_name = "OUT.json")]
        output: PathBuf,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// An ST's effective SFR set as an OSCAL profile of its claimed documents' catalogs.
    Profile {
        /// The Security Target.
        st: PathBuf,
        /// Where to write the profile.
        #[arg(short, long, value_name = "OUT.json")]
        output: PathBuf,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// An ST's product as an OSCAL component-definition (completions, TSS).
    Component {
        /// The Security Target.
        st: PathBuf,
        /// Where to write the component-definition.
        #[arg(short, long, value_name = "OUT.json")]
        output: PathBuf,
        /// The profile file the implementations link to (default: the name `profile` writes).
        #[arg(long, value_name = "FILE")]
        profile_href: Option<String>,
        #[command(flatten)]
        pps: PpArgs,
    },
    /// A sealed ETR bundle as an OSCAL system security plan.
    Ssp(ChainArgs),
    /// A sealed ETR bundle as an OSCAL assessment plan.
    Ap(ChainArgs),
    /// A sealed ETR bundle as OSCAL assessment results.
    Ar(ChainArgs),
    /// An OSCAL plan of action and milestones: a sealed ETR bundle's unresolved
    /// vulnerabilities, or (`--postmarket VEX.json`) the open postmarket items of a VEX export
    /// with the FDA clock due dates as milestones (exit 2 when there is nothing to plan).
    Poam(PoamArgs),
    /// Validate an OSCAL JSON file: the NIST 1.2.1 schema, then unique UUIDs and ids, params,
    /// controls and `#uuid` links that resolve. Exit 1 when problems are found.
    Validate {
        /// The OSCAL JSON file.
        file: PathBuf,
        /// A catalog its control and param ids must resolve in (repeatable).
        #[arg(long = "catalog", value_name = "FILE")]
        catalogs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: FormatArg,
    },
    /// Read a catalog dtsec exported back into a dtsec YAML document; with `--profile`, also
    /// the package's restrictions the profile carries (narrowed selections).
    Import {
        /// The OSCAL catalog.
        file: PathBuf,
        /// A profile dtsec exported that imports this catalog (`dtsec oscal profile`).
        #[arg(long, value_name = "PROFILE.json")]
        profile: Option<PathBuf>,
        /// Where to write the YAML (standard output when omitted).
        #[arg(short, long, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
    },
}

/// What `ssp`, `ap` and `ar` read.
#[derive(clap::Args)]
pub struct ChainArgs {
    /// The sealed ETR bundle (`dtsec eval seal`).
    bundle: PathBuf,
    /// The ST the bundle was sealed for (its SHA-256 must match the bundle's).
    #[arg(long, value_name = "ST.yaml")]
    st: PathBuf,
    /// The lab's public key: the bundle's signature is verified; without it only its integrity is.
    #[arg(long, value_name = "LAB.pub")]
    key: Option<PathBuf>,
    /// Where to write the document.
    #[arg(short, long, value_name = "OUT.json")]
    output: PathBuf,
}

/// What `poam` reads: a sealed ETR bundle (as `ssp`, `ap`, `ar`), or a VEX document.
#[derive(clap::Args)]
pub struct PoamArgs {
    /// The sealed ETR bundle (`dtsec eval seal`); or give `--postmarket` instead.
    #[arg(
        required_unless_present = "postmarket",
        conflicts_with = "postmarket",
        requires = "st"
    )]
    bundle: Option<PathBuf>,
    /// The ST the bundle was sealed for (its SHA-256 must match the bundle's).
    #[arg(long, value_name = "ST.yaml")]
    st: Option<PathBuf>,
    /// The lab's public key: the bundle's signature is verified; without it only its integrity is.
    #[arg(long, value_name = "LAB.pub")]
    key: Option<PathBuf>,
    /// A VEX document as `dtsec vex export` or `dtsec registry` writes it (CycloneDX, CSAF or
    /// OpenVEX; the format is recognised): its assessments under investigation or affected
    /// become the plan's items.
    #[arg(long, value_name = "VEX.json")]
    postmarket: Option<PathBuf>,
    /// The product the plan is for, `NAME@VERSION` (needed when the document covers several).
    #[arg(long, value_name = "NAME@VERSION", requires = "postmarket")]
    product: Option<String>,
    /// The date the FDA clocks are judged on (YYYY-MM-DD; default: the latest date the
    /// assessments record, so the same file gives the same plan on any day).
    #[arg(long, value_name = "DATE", requires = "postmarket")]
    as_of: Option<String>,
    /// The certificate the product holds, named in the plan's metadata.
    #[arg(long, value_name = "ID", requires = "postmarket")]
    certificate: Option<String>,
    /// Where to write the document.
    #[arg(short, long, value_name = "OUT.json")]
    output: PathBuf,
}

pub fn run(cmd: OscalCommand) -> CliResult {
    match cmd {
        OscalCommand::Catalog {
            source,
            version,
            output,
            pps,
        } => catalog(&source, version.as_deref(), &output, &pps),
        OscalCommand::Profile { st, output, pps } => {
            let (input, library) = st_and_library(&st, &pps)?;
            let doc = dtsec_oscal::profile(&input.document, &input.source, &library)
                .map_err(|e| export_error(&st, e))?;
            write(&output, &doc, "profile")
        }
        OscalCommand::Component {
            st,
            output,
            profile_href,
            pps,
        } => {
            let (input, library) = st_and_library(&st, &pps)?;
            let bytes = crate::input::read_file(
                &st,
                dtsec_model::load::MAX_DOCUMENT_BYTES as u64,
                "the ST",
            )?;
            let options = ComponentOptions {
                st_sha256: Some(dtsec_seal::sha256_hex(&bytes)),
                profile_href,
            };
            let doc = dtsec_oscal::component_definition(
                &input.document,
                &input.source,
                &library,
                &options,
            )
            .map_err(|e| export_error(&st, e))?;
            write(&output, &doc, "component-definition")
        }
        OscalCommand::Ssp(args) => chain(&args, "system security plan", ssp),
        OscalCommand::Ap(args) => chain(&args, "assessment plan", assessment_plan),
        OscalCommand::Ar(args) => chain(&args, "assessment results", assessment_results),
        OscalCommand::Poam(args) => match (&args.postmarket, &args.bundle, &args.st) {
            (Some(vex), _, _) => postmarket_poam(vex, &args),
            (None, Some(bundle), Some(st)) => {
                let chain_args = ChainArgs {
                    bundle: bundle.clone(),
                    st: st.clone(),
                    key: args.key.clone(),
                    output: args.output.clone(),
                };
                chain_with(&chain_args, "plan of action and milestones", |etr| {
                    dtsec_oscal::poam::poam(etr).map_err(|e| {
                        CliError::unusable(format!("{}: {e}", bundle.display()))
                            .with_help("a POA&M needs at least one open or residual vulnerability")
                    })
                })
            }
            _ => Err(CliError::unusable(
                "give a sealed ETR bundle with --st, or --postmarket VEX.json",
            )),
        },
        OscalCommand::Validate {
            file,
            catalogs,
            format,
        } => validate(&file, &catalogs, format),
        OscalCommand::Import {
            file,
            profile,
            output,
        } => import(&file, profile.as_deref(), output.as_deref()),
    }
}

fn export_error(file: &Path, e: OscalError) -> CliError {
    let help = match &e {
        OscalError::Date { .. } => "add `identification: {date: YYYY-MM-DD}` to the document",
        OscalError::MissingClaim { .. } => "give it with `--pp FILE` or `--pp-path DIR`",
        OscalError::Kind { .. } => {
            "see `dtsec oscal --help` for which command takes which document"
        }
        _ => "see docs/oscal.md",
    };
    CliError::unusable(format!("{}: {e}", file.display())).with_help(help)
}

fn st_and_library(st: &Path, pps: &PpArgs) -> Result<(crate::input::Input, Library), CliError> {
    let input = crate::input::load(st)?;
    let library = crate::library::build(pps)?;
    Ok((input, library))
}

fn write(output: &Path, doc: &Value, what: &str) -> CliResult {
    let mut text = serde_json::to_string_pretty(doc)
        .map_err(|e| CliError::unusable(format!("cannot serialise the {what}: {e}")))?;
    text.push('\n');
    crate::write::atomic_write(output, text.as_bytes())
        .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", output.display())))?;
    eprintln!(
        "wrote {} (OSCAL {} {what})",
        output.display(),
        dtsec_oscal::ids::OSCAL_VERSION
    );
    Ok(Exit::Success)
}

fn catalog(source: &str, version: Option<&str>, output: &Path, pps: &PpArgs) -> CliResult {
    let path = Path::new(source);
    let doc = if path.is_file() {
        crate::input::load(path)?.document
    } else {
        let library = crate::library::build(pps)?;
        let versions = library.versions_of(source);
        let Some(version) = version
            .map(str::to_string)
            .or_else(|| versions.last().cloned())
        else {
            let known: Vec<String> = library
                .documents()
                .filter(|d| d.document.kind.value != DocumentKind::SecurityTarget)
                .map(|d| d.document.id.value.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            return Err(CliError::unusable(format!(
                "`{source}` is neither a file nor a known PP or package id"
            ))
            .with_help(format!("known ids: {}", known.join(", "))));
        };
        match library.find(source, &version) {
            Some(d) => d.document.clone(),
            None => {
                return Err(
                    CliError::unusable(format!("`{source}` has no version {version}"))
                        .with_help(format!("versions: {}", versions.join(", "))),
                );
            }
        }
    };
    let value = dtsec_oscal::catalog(&doc, &CatalogOptions::default())
        .map_err(|e| export_error(path, e))?;
    write(output, &value, "catalog")
}

fn chain(args: &ChainArgs, what: &str, make: fn(&Etr<'_>) -> Value) -> CliResult {
    chain_with(args, what, |etr| Ok(make(etr)))
}

fn chain_with(
    args: &ChainArgs,
    what: &str,
    make: impl Fn(&Etr<'_>) -> Result<Value, CliError>,
) -> CliResult {
    let name = args.bundle.display().to_string();
    let text =
        crate::input::read_text(&args.bundle, dtsec_seal::MAX_SEALED_BYTES, "the ETR bundle")?;
    let key = args
        .key
        .as_deref()
        .map(dtsec_seal::load_verifying_key)
        .transpose()?;
    let verification = dtsec_eval::bundle::verify_bundle(
        &text,
        dtsec_eval::bundle::VerifyOptions {
            key: key.as_ref(),
            evidence: None,
        },
    )
    .map_err(|e| CliError::unusable(format!("{name}: {e}")))?;
    let sound = if key.is_some() {
        verification.is_valid()
    } else {
        verification.is_intact()
    };
    if !sound {
        let mut error = CliError::unusable(format!(
            "{name}: the ETR bundle does not verify ({:?})",
            verification.signature
        ))
        .with_help("export only a bundle that `dtsec verify` accepts");
        for p in &verification.problems {
            error = error.with_detail(format!("  {p}"));
        }
        return Err(error);
    }
    if key.is_none() {
        crate::error::warning(format!(
            "{name}: intact, but its signature was not checked (give the lab's key with --key)"
        ));
    }
    let sealed = dtsec_seal::Sealed::from_json(&text)?;
    let st_bytes = crate::input::read_file(
        &args.st,
        dtsec_model::load::MAX_DOCUMENT_BYTES as u64,
        "the ST",
    )?;
    let digest = dtsec_seal::sha256_hex(&st_bytes);
    let sealed_digest = sealed.payload["st"]["sha256"].as_str().unwrap_or_default();
    if digest != sealed_digest {
        return Err(CliError::unusable(format!(
            "{}: SHA-256 {digest} is not the ST the bundle was sealed for (/st/sha256 = {sealed_digest})",
            args.st.display()
        ))
        .with_help("give the ST file exactly as it was evaluated"));
    }
    let input = crate::input::load(&args.st)?;
    let etr = Etr::from_payload(&sealed.payload, &input.document)
        .map_err(|e| CliError::unusable(format!("{name}: {e}")))?;
    write(&args.output, &make(&etr)?, what)
}

fn read_json(path: &Path, what: &str) -> Result<Value, CliError> {
    let text = crate::input::read_text(path, MAX_OSCAL_BYTES, what)?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::unusable(format!(
            "{}:{}:{}: not JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
        .with_help("an OSCAL file in JSON is expected (XML and YAML OSCAL are not read)")
    })
}

fn validate(file: &Path, catalog_files: &[PathBuf], format: FormatArg) -> CliResult {
    let doc = read_json(file, "the OSCAL file")?;
    let mut catalogs = Vec::new();
    for c in catalog_files {
        catalogs.push(read_json(c, "the catalog")?);
    }
    let refs: Vec<&Value> = catalogs.iter().collect();
    let report = dtsec_oscal::validate(&doc, &refs).map_err(|e| {
        CliError::unusable(format!("{}: {e}", file.display()))
            .with_help("give an OSCAL JSON document")
    })?;
    let ok = report.problems.is_empty();
    match format {
        FormatArg::Json => {
            let problems: Vec<Value> = report
                .problems
                .iter()
                .map(|p| serde_json::json!({ "pointer": p.pointer, "rule": p.rule, "message": p.message }))
                .collect();
            outln!(
                "{}",
                serde_json::json!({
                    "ok": ok,
                    "file": file.display().to_string(),
                    "model": report.model.root(),
                    "problems": problems,
                })
            );
        }
        FormatArg::Text => {
            for p in &report.problems {
                outln!(
                    "{}#{}: [{}] {}",
                    file.display(),
                    p.pointer,
                    p.rule,
                    p.message
                );
            }
            if ok {
                outln!(
                    "{}: valid OSCAL {} {} (schema and semantic checks)",
                    file.display(),
                    dtsec_oscal::ids::OSCAL_VERSION,
                    report.model.root()
                );
            } else {
                outln!(
                    "{}: {} problem(s) in this OSCAL {}",
                    file.display(),
                    report.problems.len(),
                    report.model.root()
                );
            }
        }
    }
    Ok(if ok { Exit::Success } else { Exit::Failed })
}

fn import(file: &Path, profile: Option<&Path>, output: Option<&Path>) -> CliResult {
    let value = read_json(file, "the OSCAL catalog")?;
    let doc = match profile {
        None => dtsec_oscal::import::catalog_document(&value).map_err(|e| {
            CliError::unusable(format!("{}#{e}", file.display()))
                .with_help("only catalogs exported by `dtsec oscal catalog` can be imported")
        })?,
        Some(p) => {
            let profile_value = read_json(p, "the OSCAL profile")?;
            dtsec_oscal::import::catalog_with_profile(&value, &profile_value).map_err(|e| {
                // Problems of the profile point into it; the others into the catalog.
                let at = match &e {
                    OscalError::Shape { pointer, .. } if pointer.starts_with("/profile") => p,
                    _ => file,
                };
                CliError::unusable(format!("{}#{e}", at.display())).with_help(
                    "give a catalog of `dtsec oscal catalog` and a profile of `dtsec oscal profile` that imports it",
                )
            })?
        }
    };
    let yaml = serde_saphyr::to_string(&doc)
        .map_err(|e| CliError::unusable(format!("cannot write the document as YAML: {e}")))?;
    let text = format!(
        "# Imported by dtsec from the OSCAL catalog {}{}.\n{yaml}",
        file.display(),
        profile.map_or_else(String::new, |p| format!(" and the profile {}", p.display()))
    );
    let sorted: BTreeMap<&str, usize> = [
        ("SFRs", doc.sfrs.len()),
        ("threats", doc.spd.threats.len()),
        (
            "restrictions",
            doc.sfrs.iter().map(|s| s.restrict.len()).sum(),
        ),
    ]
    .into_iter()
    .collect();
    eprintln!(
        "imported {} {} ({}): {sorted:?}",
        doc.id.value,
        doc.version.value,
        doc.kind.value.label()
    );
    match output {
        Some(out) => {
            crate::write::atomic_write(out, text.as_bytes())
                .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", out.display())))?;
            eprintln!("wrote {}", out.display());
        }
        None => out!("{text}"),
    }
    Ok(Exit::Success)
}

/// Which VEX format a document is, from the field each one has and the others lack.
fn vex_format(doc: &Value) -> Option<dtsec_vex::formats::Format> {
    use dtsec_vex::formats::Format;
    if doc.get("bomFormat").is_some() {
        Some(Format::Cyclonedx)
    } else if doc.pointer("/document/csaf_version").is_some() {
        Some(Format::Csaf)
    } else if doc["@context"]
        .as_str()
        .is_some_and(|c| c.contains("openvex"))
    {
        Some(Format::Openvex)
    } else {
        None
    }
}

/// The author a VEX document names (the manufacturer, as `dtsec vex export --author` wrote it).
fn vex_author(doc: &Value) -> Option<String> {
    [
        "/document/publisher/name",
        "/author",
        "/metadata/authors/0/name",
    ]
    .iter()
    .find_map(|p| doc.pointer(p).and_then(Value::as_str))
    .map(str::to_string)
}

/// `dtsec oscal poam --postmarket VEX.json`: the open items of one product's assessments.
fn postmarket_poam(file: &Path, args: &PoamArgs) -> CliResult {
    let name = file.display().to_string();
    let text = crate::input::read_text(file, dtsec_vex::formats::MAX_DOCUMENT, "the VEX document")?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| {
        CliError::unusable(format!("{name}:{}:{}: not JSON: {e}", e.line(), e.column()))
            .with_help("give a VEX document in JSON (`dtsec vex export`)")
    })?;
    let format = vex_format(&doc).ok_or_else(|| {
        CliError::unusable(format!(
            "{name}: not a VEX document dtsec reads (no `bomFormat`, `document.csaf_version` or OpenVEX `@context`)"
        ))
        .with_help("give a CycloneDX, CSAF or OpenVEX document as `dtsec vex export` writes it")
    })?;
    let all = dtsec_vex::formats::import(format, &doc)
        .map_err(|e| super::vex::vex_err(e).with_detail(format!("in {name}")))?;
    let products: std::collections::BTreeSet<(String, String)> = all
        .iter()
        .map(|a| (a.product.name.clone(), a.product.version.clone()))
        .collect();
    let (product, version) = match &args.product {
        Some(p) => {
            let Some((n, v)) = p.rsplit_once('@') else {
                return Err(CliError::unusable(format!(
                    "--product `{p}`: write it as NAME@VERSION"
                )));
            };
            if !products.contains(&(n.to_string(), v.to_string())) {
                return Err(product_error(
                    &name,
                    &products,
                    &format!("no assessment of `{p}`"),
                ));
            }
            (n.to_string(), v.to_string())
        }
        None if products.len() == 1 => products.iter().next().cloned().unwrap_or_default(),
        None => {
            return Err(product_error(
                &name,
                &products,
                "the document covers several products",
            ));
        }
    };
    let mine: Vec<dtsec_vex::Assessment> = all
        .into_iter()
        .filter(|a| a.product.name == product && a.product.version == version)
        .collect();
    let as_of = match &args.as_of {
        Some(d) => d.parse::<jiff::civil::Date>().map_err(|e| {
            CliError::unusable(format!("--as-of `{d}`: {e}"))
                .with_help("write the date as YYYY-MM-DD")
        })?,
        None => dtsec_premarket::postmarket::latest_date(&mine).ok_or_else(|| {
            CliError::unusable(format!(
                "{name}: the assessments record no date to judge the FDA clocks on"
            ))
            .with_help("give --as-of YYYY-MM-DD")
        })?,
    };
    let plan = dtsec_oscal::postmarket::PostmarketPlan {
        manufacturer: vex_author(&doc).unwrap_or_else(|| product.clone()),
        product,
        version,
        certificate: args.certificate.clone(),
        as_of: as_of.to_string(),
        items: dtsec_premarket::postmarket::open_items(&mine, as_of),
    };
    let value = dtsec_oscal::postmarket::postmarket_poam(&plan).map_err(|e| {
        CliError::unusable(format!("{name}: {e}"))
            .with_help("a POA&M needs at least one assessment under investigation or affected")
    })?;
    write(&args.output, &value, "plan of action and milestones")
}

fn product_error(
    name: &str,
    products: &std::collections::BTreeSet<(String, String)>,
    what: &str,
) -> CliError {
    let list: Vec<String> = products.iter().map(|(n, v)| format!("{n}@{v}")).collect();
    CliError::unusable(format!("{name}: {what}"))
        .with_help(format!("choose one with --product: {}", list.join(", ")))
}
