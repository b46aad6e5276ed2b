//! `dtsec registry`: the certification workflow from a terminal or a CI job, over the
//! registry's JSON API — log in for a token, register a product, submit its ST, choose a lab,
//! register the lab's key, start the evaluation, submit the sealed ETR, review, certify,
//! download the certificate — and after certification: status changes, impact analyses and
//! extensions, archiving, and the lab approval lifecycle.
//!
//! Why a client in the binary: a lab already seals its ETR with `dtsec eval seal` and a holder
//! checks a certificate with `dtsec verify`; the steps between them should not need a browser.
//! The registry decides everything (authorisation, workflow, checks); this file only sends the
//! request and prints the answer. The token comes from `--token` or `DTSEC_TOKEN` and is never
//! printed. Exit status: 0 done, 1 the registry refused (its message is shown), 2 the request
//! could not be made (usage, files, network).

mod client;
mod poam;
mod postmarket;
mod premarket;

use std::io::BufRead as _;
use std::path::{Path, PathBuf};

use dtsec_registry::labs::LabState;
use dtsec_registry::maintenance::MaintenanceState;
use serde_json::{Value, json};

use client::{ClientError, Registry, Token};

use crate::error::{CliError, CliResult, Exit};

/// Work with a dtsec registry over its API.
#[derive(clap::Args)]
pub struct RegistryArgs {
    /// The registry's base URL, e.g. https://registry.example or http://127.0.0.1:8080 (a
    /// private CA: DTSEC_CA_CERT=CA.pem).
    #[arg(long, env = "DTSEC_REGISTRY", value_name = "URL", global = true)]
    registry: Option<String>,
    /// An API token (from `dtsec registry login`); never printed.
    #[arg(
        long,
        env = "DTSEC_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        global = true
    )]
    token: Option<Token>,
    #[command(subcommand)]
    command: RegistryCommand,
}

/// The registry client's subcommands.
#[derive(clap::Subcommand)]
pub enum RegistryCommand {
    /// Exchange your e-mail and password for a new API token, printed on standard output (the
    /// only time it is shown). The password is read from DTSEC_PASSWORD, else typed at the
    /// terminal (not echoed), else from the first line of standard input.
    Login {
        /// Your account's e-mail.
        #[arg(long)]
        email: String,
        /// A label for the token.
        #[arg(long, default_value = "dtsec registry client")]
        name: String,
    },
    /// List the certification cases your account may see.
    Products,
    /// Show one case (JSON).
    Product {
        /// The case id.
        product: String,
    },
    /// Register a product (manufacturer); prints the new case's id.
    Register {
        /// Product name.
        #[arg(long)]
        name: String,
        /// Product version.
        #[arg(long)]
        version: String,
        /// TOE type from the CDD PP, e.g. TT.PUMP or TT.CGM.
        #[arg(long)]
        toe_type: String,
        /// A hardware, firmware or app build id (repeatable).
        #[arg(long = "build-id", value_name = "ID")]
        build_ids: Vec<String>,
    },
    /// Submit the Security Target (manufacturer); the registry checks it.
    SubmitSt {
        /// The case id.
        product: String,
        /// The ST (dtsec YAML).
        st: PathBuf,
    },
    /// Choose the evaluation lab (manufacturer).
    ChooseLab {
        /// The case id.
        product: String,
        /// The lab's organisation id, or its exact name as listed at /labs.
        lab: String,
    },
    /// Register (or replace) your lab's ETR signing key (lab evaluator): the public key file
    /// `dtsec keys new` wrote. The registry accepts only ETRs sealed with the registered key.
    LabKey {
        /// Your lab: its organisation id, or its name as listed at /labs.
        lab: String,
        /// The public key (SPKI PEM, e.g. lab.pub).
        key: PathBuf,
    },
    /// Start the evaluation (the chosen lab).
    StartEvaluation {
        /// The case id.
        product: String,
    },
    /// Submit the sealed ETR bundle made by `dtsec eval seal` (the chosen lab).
    SubmitEtr {
        /// The case id.
        product: String,
        /// The sealed bundle (JSON).
        bundle: PathBuf,
    },
    /// Accept the ETR, or reject it with reasons (certification body).
    Review {
        /// The case id.
        product: String,
        /// Accept the ETR.
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        accept: bool,
        /// Reject the ETR, saying why.
        #[arg(long, value_name = "REASONS")]
        reject: Option<String>,
    },
    /// Approve certifying a case whose ST claims a draft PP, saying why (certification body).
    /// The scheme issues no certificate on a draft claim without it (or at all, when its
    /// administrator set the draft-PP rule to `refuse`).
    ApproveDraft {
        /// The case id.
        product: String,
        /// Why the certification body accepts certifying against the draft.
        #[arg(long)]
        reason: String,
    },
    /// Upload a certified product's SBOM (CycloneDX or SPDX JSON; manufacturer); prints its
    /// SHA-256. Uploading the same file again changes nothing.
    SbomUpload {
        /// The certificate id.
        certificate: String,
        /// The SBOM file.
        file: PathBuf,
    },
    /// Sync an advisory set from a directory or ZIP of OSV records (certification body); prints
    /// the snapshot id. Every certificate's SBOM is matched against it.
    AdvisoriesSync {
        /// The directory or ZIP archive.
        source: PathBuf,
    },
    /// Record an assessment of a vulnerability on a certificate (manufacturer): a dtsec-vex
    /// assessment file; prints the entry's hash.
    Assess {
        /// The certificate id.
        certificate: String,
        /// The vulnerability id (the file's `/vuln/id`).
        vuln: String,
        /// The whole assessment (JSON, docs/vex.md). Without it, the flags change the latest
        /// version the registry holds (e.g. `--state fixed --date fix_distributed=2026-03-01`).
        #[arg(long, conflicts_with_all = ["state", "justification", "action", "response", "impact", "risk", "date", "isao", "score", "context_score"])]
        file: Option<PathBuf>,
        /// What changes.
        #[command(flatten)]
        flags: crate::commands::vex::AssessmentFlags,
    },
    /// The certification body's postmarket queue and decisions.
    #[command(subcommand)]
    Postmarket(postmarket::PostmarketCommand),
    /// Issue the certificate of an accepted case (certification body); prints its id.
    Certify {
        /// The case id.
        product: String,
    },
    /// Open a review of a certificate, suspend, reinstate or revoke it (certification body). A
    /// change of the public status needs a reason and --yes; revocation is final.
    Status {
        /// The certificate id.
        certificate: String,
        /// What to do.
        #[arg(value_enum)]
        action: StatusAction,
        /// Why; published beside the new status.
        #[arg(long)]
        reason: String,
        /// Confirms the change of the certificate's public status.
        #[arg(long)]
        yes: bool,
    },
    /// File an impact analysis for a new version of a certified product (manufacturer): a JSON
    /// file with `new_version`, `build_ids`, `changes` (`description`, `areas`, and `fixes` for a
    /// fix of named vulnerabilities) and `touched_sfrs`. Prints its id and how the registry
    /// classified it (minor: the certificate can be extended; vulnerability-fix: the evaluating
    /// lab reviews it, then it can be extended; major: a new case is opened for re-evaluation).
    ImpactAnalysis {
        /// The certificate id.
        certificate: String,
        /// The analysis (JSON).
        file: PathBuf,
    },
    /// The impact analyses awaiting a decision (certification body).
    Maintenance,
    /// The lab's focused review of a vulnerability fix (lab evaluator): AVA_VAN on the fix and
    /// regression of the touched SFRs. Without an id, lists the fixes awaiting your lab.
    FixReview {
        /// The impact analysis id.
        analysis: Option<String>,
        /// AVA_VAN on the fix.
        #[arg(long, value_parser = ["pass", "fail"], requires = "analysis")]
        ava_van: Option<String>,
        /// Regression of the touched SFRs.
        #[arg(long, value_parser = ["pass", "fail"], requires = "analysis")]
        regression: Option<String>,
        /// What the lab did and found.
        #[arg(long, requires = "analysis")]
        summary: Option<String>,
    },
    /// Extend a certificate to a minor change's or a verified vulnerability fix's new version
    /// (certification body).
    Extend {
        /// The impact analysis id (from `dtsec registry maintenance`).
        analysis: String,
    },
    /// Archive the certificates past their expiry date (certification body).
    Archive,
    /// Create another API token with the one given (prints it): expiring after --days, and
    /// limited to --scope when given.
    Token {
        /// A label for the token.
        #[arg(long)]
        name: String,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        /// The actions it allows, space-separated (e.g. "ViewProduct SubmitEtr"); a subset of
        /// your role's. Default: all of them.
        #[arg(long, value_name = "ACTIONS")]
        scope: Option<String>,
    },
    /// Revoke one of your API tokens at once (its id, printed when it was created).
    RevokeToken {
        /// The token's id.
        id: String,
    },
    /// Apply (or re-apply) for your lab's approval (lab evaluator), with the profile the public
    /// labs page shows.
    LabApply {
        /// Your lab's organisation id.
        lab: String,
        /// Where the lab works, e.g. "Delft, Netherlands".
        #[arg(long)]
        location: String,
        /// What it evaluates (device types, assurance).
        #[arg(long)]
        scope: String,
        /// Its accreditation: body and number.
        #[arg(long)]
        accreditation: String,
        /// An e-mail address or an https:// URL.
        #[arg(long)]
        contact: String,
    },
    /// Approve a lab until a date, inclusive (scheme administrator).
    LabApprove {
        /// The lab's organisation id, or its name as listed at /labs.
        lab: String,
        /// The last day of the approval (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        until: String,
    },
    /// Suspend an approved lab (scheme administrator).
    LabSuspend {
        /// The lab's organisation id, or its name as listed at /labs.
        lab: String,
    },
    /// Withdraw a lab's approval or application (scheme administrator).
    LabWithdraw {
        /// The lab's organisation id, or its name as listed at /labs.
        lab: String,
    },
    /// Download a signed certificate (public; no token needed).
    Certificate {
        /// The certificate id, e.g. DTSEC-2025-0001.
        certificate: String,
        /// Where to write it (written whole or not at all).
        #[arg(short, long, value_name = "FILE.json")]
        output: PathBuf,
    },
    /// Download the FDA premarket documentation set the registry builds for a certificate (from
    /// its ST, sealed ETR and SBOM) as index.html and premarket.pdf (manufacturer, certifier,
    /// lab).
    Premarket {
        /// The certificate id.
        certificate: String,
        /// The directory to write into (created if missing).
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
    },
    /// Download the certificate's open postmarket items (assessments under investigation or
    /// affected) as an OSCAL plan of action and milestones, the FDA clock due dates as its
    /// milestones (manufacturer, certifier).
    Poam {
        /// The certificate id.
        certificate: String,
        /// The date the FDA clocks are judged on (YYYY-MM-DD; default: the registry's today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Where to write it (written whole or not at all).
        #[arg(short, long, value_name = "FILE.json")]
        output: PathBuf,
    },
}

/// A certificate status change.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum StatusAction {
    /// Put it under review (it stays valid).
    OpenReview,
    /// Suspend it (not valid until reinstated).
    Suspend,
    /// Reinstate it after a review or suspension.
    Reinstate,
    /// Revoke it, for good.
    Revoke,
}

impl StatusAction {
    fn as_str(self) -> &'static str {
        match self {
            StatusAction::OpenReview => "open-review",
            StatusAction::Suspend => "suspend",
            StatusAction::Reinstate => "reinstate",
            StatusAction::Revoke => "revoke",
        }
    }
}

/// Runs a `dtsec registry` subcommand.
pub fn run(args: RegistryArgs) -> CliResult {
    dispatch(args)?;
    Ok(Exit::Success)
}

impl From<ClientError> for CliError {
    /// The registry's refusal is a failure (1), with the checker's findings under it; anything
    /// that kept the request from being judged is unusable (2).
    fn from(e: ClientError) -> CliError {
        let mut error = if e.is_refusal() {
            CliError::failed(&e)
        } else {
            CliError::unusable(&e)
        };
        if let ClientError::Refused { findings, .. } = &e {
            for f in findings {
                error = error.with_detail(if f.line > 0 {
                    format!(
                        "  {} {}: line {}: {}",
                        f.severity, f.code, f.line, f.message
                    )
                } else {
                    format!("  {} {}: {}", f.severity, f.code, f.message)
                });
            }
        }
        match e.help() {
            Some(h) => error.with_help(h),
            None => error,
        }
    }
}

/// A path segment with reserved characters escaped.
fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads a file to upload, bounded like every input (a sealed bundle is the largest).
fn read(path: &Path) -> Result<String, ClientError> {
    let to_io = |e: dtsec_model::LoadError| match e {
        dtsec_model::LoadError::Io { source, .. } => source,
        other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
    };
    let bytes = dtsec_model::read_bounded(path, dtsec_seal::MAX_SEALED_BYTES).map_err(|e| {
        ClientError::Read {
            path: path.to_path_buf(),
            source: to_io(e),
        }
    })?;
    String::from_utf8(bytes).map_err(|e| ClientError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a str, ClientError> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| ClientError::BadAnswer(format!("the answer has no `{name}`")))
}

/// One line about a case: id, name, version, state.
fn case_line(p: &Value) -> String {
    format!(
        "{}  {} {}  {}",
        p["id"].as_str().unwrap_or("?"),
        p["name"].as_str().unwrap_or("?"),
        p["version"].as_str().unwrap_or("?"),
        p["state"].as_str().unwrap_or("?"),
    )
}

/// One line about a lab: name, state, approval end.
fn lab_line(l: &Value) -> Result<String, ClientError> {
    let state: LabState = typed(l, "state", "lab state")?;
    let mut line = format!("{}: {state}", l["name"].as_str().unwrap_or("?"));
    if let (LabState::Approved, Some(until)) = (state, l["approved_until"].as_str()) {
        line.push_str(&format!(" until {until}"));
    }
    Ok(line)
}

/// A state in the registry's answer, read as the registry's own enum (one wire spelling): a
/// spelling this client does not know is an error, not shown as if it were understood.
fn typed<T: serde::de::DeserializeOwned>(
    v: &Value,
    name: &str,
    what: &str,
) -> Result<T, ClientError> {
    let raw = v.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(raw.clone()).map_err(|_| {
        ClientError::BadAnswer(format!(
            "the registry answered an unknown {what} {raw}; this dtsec may be older than the registry: update it"
        ))
    })
}

/// A lab's organisation id from its id or its name as listed at `/api/v1/labs` (approved
/// labs). Anything else is passed on as given, for the registry to accept (an id of a lab
/// not approved yet) or refuse with its reason.
fn lab_org(r: &Registry, lab: &str) -> Result<String, ClientError> {
    let labs = r.get_public("/api/v1/labs")?;
    let list = labs.as_array().cloned().unwrap_or_default();
    let by_id = list.iter().find(|l| l["org_id"].as_str() == Some(lab));
    let by_name = || {
        list.iter().find(|l| {
            l["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(lab))
        })
    };
    match by_id.or_else(by_name) {
        Some(l) => Ok(field(l, "org_id")?.to_string()),
        // Organisation ids are 32 hex digits; anything else was meant as a name.
        None if lab.len() == 32 && lab.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(lab.to_string())
        }
        None => Err(ClientError::Usage(format!(
            "no approved lab is named `{lab}`; give the lab's organisation id instead (a lab that is not approved yet is not listed by name; its id is on its \"My work\" page and in `dtsec registry products`)"
        ))),
    }
}

/// The password for `login`: typed at the terminal without echo when standard input is one
/// (so it is neither shown nor left in the scrollback), else the first line of standard input
/// (a script or a password manager piping it in).
fn read_password() -> Result<String, ClientError> {
    use std::io::IsTerminal as _;
    let cannot = |e: std::io::Error| ClientError::Usage(format!("cannot read the password: {e}"));
    if std::io::stdin().is_terminal() {
        return read_password_at_terminal().map_err(cannot);
    }
    eprintln!("password (first line of standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(cannot)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The password typed at the terminal on standard input, never echoed.
///
/// Why not `rpassword::prompt_password` alone: it shows the prompt and only then switches echo
/// off, so a password typed (or pasted) as soon as the prompt appears could be echoed by the
/// terminal before that (seen under load in the pseudo-terminal test). Echo goes off here
/// first, then the prompt is shown, and the terminal's settings are put back whatever happens.
fn read_password_at_terminal() -> std::io::Result<String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let before = tcgetattr(&stdin)?;
    let mut quiet = before.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    tcsetattr(&stdin, OptionalActions::Now, &quiet)?;
    eprint!("password (not shown): ");
    let read = rpassword::read_password();
    let restored = tcsetattr(&stdin, OptionalActions::Now, &before);
    let password = read?;
    restored?;
    Ok(password)
}

fn dispatch(args: RegistryArgs) -> Result<(), ClientError> {
    let r = Registry::new(args.registry.as_deref(), args.token)?;
    let products = |id: &str, step: &str| format!("/api/v1/products/{}/{step}", seg(id));
    match args.command {
        RegistryCommand::Login { email, name } => {
            let password = match std::env::var("DTSEC_PASSWORD") {
                Ok(p) => p,
                Err(_) => read_password()?,
            };
            let v = r.post_public_json(
                "/api/v1/tokens/password",
                &json!({"email": email, "password": password, "name": name}),
            )?;
            let token = field(&v, "token")?;
            eprintln!(
                "token for {email} ({}) created; keep it secret, e.g. export DTSEC_TOKEN=…",
                v["role"].as_str().unwrap_or("?")
            );
            outln!("{token}");
        }
        RegistryCommand::Products => {
            // Every page of the caller's cases (issue 16), 1,000 per page.
            let list = r.get_all_pages("/api/v1/products?limit=1000", 10_000)?;
            if list.is_empty() {
                eprintln!("no cases");
            }
            for p in &list {
                let mut line = case_line(p);
                if let Some(c) = p["certificate_id"].as_str() {
                    line.push_str(&format!("  certificate {c}"));
                }
                outln!("{line}");
            }
        }
        RegistryCommand::Product { product } => {
            let v = r.get(&format!("/api/v1/products/{}", seg(&product)))?;
            outln!(
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string())
            );
        }
        RegistryCommand::Register {
            name,
            version,
            toe_type,
            build_ids,
        } => {
            let v = r.post_json(
                "/api/v1/products",
                &json!({"name": name, "version": version, "toe_type": toe_type, "build_ids": build_ids}),
            )?;
            eprintln!("registered: {}", case_line(&v));
            outln!("{}", field(&v, "id")?);
        }
        RegistryCommand::SubmitSt { product, st } => {
            let text = read(&st)?;
            let v = r.post_text(&products(&product, "st"), "application/yaml", text)?;
            outln!("{}", case_line(&v));
            if let Some(findings) = v["st_findings"].as_array() {
                for f in findings {
                    eprintln!(
                        "  {} {}: line {}: {}",
                        f["severity"].as_str().unwrap_or("note"),
                        f["code"].as_str().unwrap_or(""),
                        f["line"].as_u64().unwrap_or(0),
                        f["message"].as_str().unwrap_or("")
                    );
                }
            }
        }
        RegistryCommand::ChooseLab { product, lab } => {
            let org = lab_org(&r, &lab)?;
            let v = r.post_json(&products(&product, "lab"), &json!({ "lab": org }))?;
            outln!("{}", case_line(&v));
        }
        RegistryCommand::LabKey { lab, key } => {
            let pem = read(&key)?;
            let org = lab_org(&r, &lab)?;
            let v = r.post_text(
                &format!("/api/v1/labs/{}/key", seg(&org)),
                "text/plain",
                pem,
            )?;
            outln!(
                "{}: key {} registered",
                v["name"].as_str().unwrap_or(&lab),
                v["key_id"].as_str().unwrap_or("?")
            );
        }
        RegistryCommand::Status {
            certificate,
            action,
            reason,
            yes,
        } => {
            if !yes {
                return Err(ClientError::Usage(format!(
                    "{} of {certificate} changes its public status: add --yes to confirm",
                    action.as_str()
                )));
            }
            let v = r.post_json(
                &format!("/api/v1/certificates/{}/status", seg(&certificate)),
                &json!({"action": action.as_str(), "reason": reason, "confirm": true}),
            )?;
            outln!(
                "{certificate}: {}",
                v["status"].as_str().unwrap_or(action.as_str())
            );
        }
        RegistryCommand::ImpactAnalysis { certificate, file } => {
            let text = read(&file)?;
            let body: Value = serde_json::from_str(&text).map_err(|e| {
                ClientError::Usage(format!(
                    "{}: not JSON ({e}); write {{\"new_version\": …, \"build_ids\": […], \"changes\": [{{\"description\": …, \"areas\": […]}}]}}",
                    file.display()
                ))
            })?;
            let v = r.post_json(
                &format!("/api/v1/certificates/{}/impact-analyses", seg(&certificate)),
                &body,
            )?;
            let state: MaintenanceState = typed(&v, "state", "maintenance state")?;
            eprintln!(
                "filed: {} change to {} ({state})",
                v["change_class"].as_str().unwrap_or("?"),
                v["new_version"].as_str().unwrap_or("?"),
            );
            outln!("{}", field(&v, "id")?);
        }
        RegistryCommand::SbomUpload { certificate, file } => {
            postmarket::sbom_upload(&r, &certificate, &file)?;
        }
        RegistryCommand::AdvisoriesSync { source } => postmarket::advisories_sync(&r, &source)?,
        RegistryCommand::Assess {
            certificate,
            vuln,
            file,
            flags,
        } => match file {
            Some(file) => postmarket::assess(&r, &certificate, &vuln, &file)?,
            None => postmarket::assess_with_flags(&r, &certificate, &vuln, flags)?,
        },
        RegistryCommand::Postmarket(cmd) => postmarket::postmarket(&r, cmd)?,
        RegistryCommand::Maintenance => {
            let v = r.get("/api/v1/maintenance")?;
            let list = v.as_array().cloned().unwrap_or_default();
            if list.is_empty() {
                eprintln!("nothing awaits a decision");
            }
            for m in list {
                let state: MaintenanceState = typed(&m, "state", "maintenance state")?;
                outln!(
                    "{}  {} → {}  {}  {state}",
                    m["id"].as_str().unwrap_or("?"),
                    m["certificate_id"].as_str().unwrap_or("?"),
                    m["new_version"].as_str().unwrap_or("?"),
                    m["change_class"].as_str().unwrap_or("?"),
                );
            }
        }
        RegistryCommand::FixReview { analysis: None, .. } => {
            let v = r.get("/api/v1/maintenance/fix-reviews")?;
            let list = v.as_array().cloned().unwrap_or_default();
            if list.is_empty() {
                eprintln!("no vulnerability fix awaits your lab");
            }
            for m in list {
                let names = |k: &str| {
                    m[k].as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(",")
                        })
                        .unwrap_or_default()
                };
                outln!(
                    "{}  {} → {}  fixes {}  sfrs {}",
                    m["id"].as_str().unwrap_or("?"),
                    m["certificate_id"].as_str().unwrap_or("?"),
                    m["new_version"].as_str().unwrap_or("?"),
                    names("fixed_vulnerabilities"),
                    names("touched_sfrs")
                );
            }
        }
        RegistryCommand::FixReview {
            analysis: Some(analysis),
            ava_van,
            regression,
            summary,
        } => {
            let (Some(ava_van), Some(regression), Some(summary)) = (ava_van, regression, summary)
            else {
                return Err(ClientError::Usage(
                    "a fix review gives --ava-van, --regression (pass or fail) and --summary"
                        .into(),
                ));
            };
            let v = r.post_json(
                &format!("/api/v1/maintenance/{}/fix-review", seg(&analysis)),
                &json!({"ava_van": ava_van, "regression": regression, "summary": summary}),
            )?;
            outln!(
                "{}: {}",
                v["id"].as_str().unwrap_or(&analysis),
                v["state"].as_str().unwrap_or("?")
            );
        }
        RegistryCommand::Extend { analysis } => {
            let v = r.post_json(
                &format!("/api/v1/maintenance/{}/extension", seg(&analysis)),
                &json!({}),
            )?;
            outln!(
                "{}: {}",
                v["certificate_id"].as_str().unwrap_or(&analysis),
                v["status"].as_str().unwrap_or("extended")
            );
        }
        RegistryCommand::Token { name, days, scope } => {
            let v = r.post_json(
                "/api/v1/tokens",
                &json!({"name": name, "days": days, "scope": scope}),
            )?;
            let token = field(&v, "token")?;
            eprintln!(
                "token {} created, valid for {days} days; keep it secret",
                v["id"].as_str().unwrap_or("?")
            );
            outln!("{token}");
        }
        RegistryCommand::RevokeToken { id } => {
            r.post_json(&format!("/api/v1/tokens/{}/revoke", seg(&id)), &json!({}))?;
            eprintln!("token {id} revoked");
        }
        RegistryCommand::Archive => {
            let v = r.post_json("/api/v1/certificates/archive", &json!({}))?;
            let archived = v["archived"].as_array().cloned().unwrap_or_default();
            eprintln!("{} certificate(s) archived", archived.len());
            for a in archived {
                outln!("{}", a.as_str().unwrap_or(&a.to_string()));
            }
        }
        RegistryCommand::LabApply {
            lab,
            location,
            scope,
            accreditation,
            contact,
        } => {
            let v = r.post_json(
                &format!("/api/v1/labs/{}/application", seg(&lab)),
                &json!({
                    "location": location, "scope": scope,
                    "accreditation": accreditation, "contact": contact,
                }),
            )?;
            outln!("{}", lab_line(&v)?);
        }
        RegistryCommand::LabApprove { lab, until } => {
            let org = lab_org(&r, &lab)?;
            let v = r.post_json(
                &format!("/api/v1/labs/{}/approval", seg(&org)),
                &json!({ "until": until }),
            )?;
            outln!("{}", lab_line(&v)?);
        }
        RegistryCommand::LabSuspend { lab } => {
            let org = lab_org(&r, &lab)?;
            let v = r.post_json(
                &format!("/api/v1/labs/{}/suspension", seg(&org)),
                &json!({}),
            )?;
            outln!("{}", lab_line(&v)?);
        }
        RegistryCommand::LabWithdraw { lab } => {
            let org = lab_org(&r, &lab)?;
            let v = r.post_json(
                &format!("/api/v1/labs/{}/withdrawal", seg(&org)),
                &json!({}),
            )?;
            outln!("{}", lab_line(&v)?);
        }
        RegistryCommand::StartEvaluation { product } => {
            let v = r.post_json(&products(&product, "evaluation"), &json!({}))?;
            outln!("{}", case_line(&v));
        }
        RegistryCommand::SubmitEtr { product, bundle } => {
            let text = read(&bundle)?;
            let v = r.post_text(&products(&product, "etr"), "application/json", text)?;
            outln!("{}", case_line(&v));
        }
        RegistryCommand::Review {
            product,
            accept,
            reject,
        } => {
            let body = match (accept, reject) {
                (true, None) => json!({"decision": "accept"}),
                (false, Some(reasons)) if !reasons.trim().is_empty() => {
                    json!({"decision": "reject", "reasons": reasons})
                }
                (false, Some(_)) => {
                    return Err(ClientError::Usage(
                        "--reject needs the reasons, e.g. --reject \"the replay test is missing\""
                            .into(),
                    ));
                }
                _ => {
                    return Err(ClientError::Usage(
                        "give exactly one of --accept and --reject REASONS".into(),
                    ));
                }
            };
            let v = r.post_json(&products(&product, "review"), &body)?;
            outln!("{}", case_line(&v));
        }
        RegistryCommand::ApproveDraft { product, reason } => {
            if reason.trim().is_empty() {
                return Err(ClientError::Usage(
                    "--reason needs the reason, e.g. --reason \"pilot evaluation of the draft PP\""
                        .into(),
                ));
            }
            let v = r.post_json(
                &products(&product, "draft-approval"),
                &json!({"reason": reason}),
            )?;
            eprintln!(
                "approved the draft claims {}",
                v["draft_pp_approval"]["claims"]
                    .as_array()
                    .map(|c| c
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            );
            outln!("{}", case_line(&v));
        }
        RegistryCommand::Certify { product } => {
            let v = r.post_json(&products(&product, "certificate"), &json!({}))?;
            let id = field(&v, "certificate_id")?;
            eprintln!(
                "issued {id}: {} {}, {} until {}",
                v["product_name"].as_str().unwrap_or("?"),
                v["product_version"].as_str().unwrap_or("?"),
                v["status"].as_str().unwrap_or("?"),
                v["expiry_date"].as_str().unwrap_or("?")
            );
            outln!("{id}");
        }
        RegistryCommand::Certificate {
            certificate,
            output,
        } => {
            let text = r.get_public_text(&format!("/certificates/{}.json", seg(&certificate)))?;
            // Write only what is a signed certificate: never an error page under a .json name.
            let kind = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["payload"]["kind"].as_str().map(str::to_string));
            if kind.as_deref() != Some(dtsec_registry::CERTIFICATE_KIND) {
                return Err(ClientError::BadAnswer(format!(
                    "/certificates/{certificate}.json is not a signed certificate"
                )));
            }
            crate::write::atomic_write(&output, text.as_bytes()).map_err(|source| {
                ClientError::Write {
                    path: output.clone(),
                    source,
                }
            })?;
            eprintln!(
                "wrote {}; check it with: dtsec verify {} --key scheme.pub (from {})",
                output.display(),
                output.display(),
                r.url("/scheme.pub")
            );
        }
        RegistryCommand::Premarket {
            certificate,
            output,
        } => premarket::download(&r, &certificate, &output)?,
        RegistryCommand::Poam {
            certificate,
            as_of,
            output,
        } => poam::download(&r, &certificate, as_of.as_deref(), &output)?,
    }
    Ok(())
}
