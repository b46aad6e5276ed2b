//! `dtsec cvss score` and `dtsec vex new|set|show|export|import`: the offline postmarket
//! commands over `dtsec_vex` — score a vector, record a manufacturer's assessments in a
//! file-based store (history kept, atomic writes), show their FDA clocks, and write or read them
//! as CycloneDX, CSAF or OpenVEX. Bad input (a vector, an assessment, a VEX document) exits 2
//! with the rule and the place it broke.

use std::path::{Path, PathBuf};

use dtsec_vex::assessment::{
    Assessment, Justification, Response, Risk, ScoreRecord, ScoreSource, State,
};
use dtsec_vex::clocks::clocks;
use dtsec_vex::formats::{self, DocMeta, Format};
use dtsec_vex::store::FileStore;
use dtsec_vex::{VexError, cvss};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::error::{CliError, CliResult, Exit};

/// Largest assessment file read by `vex new` / `vex set --from`.
const MAX_INPUT: u64 = 1024 * 1024;

/// Output formats of `cvss score` and `vex show`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum TextOrJson {
    /// Lines for people.
    Text,
    /// One JSON object.
    Json,
}

/// The changes `dtsec vex set` and `dtsec registry assess` make to an assessment's latest
/// version, flag by flag, so a manufacturer can record a new state without writing JSON.
#[derive(clap::Args, Default)]
pub struct AssessmentFlags {
    /// New state: under_investigation, not_affected, affected, fixed, false_positive.
    #[arg(long)]
    pub state: Option<String>,
    /// Justification for not_affected (CycloneDX spelling, e.g. code_not_reachable).
    #[arg(long)]
    pub justification: Option<String>,
    /// Action statement for affected.
    #[arg(long)]
    pub action: Option<String>,
    /// Response for affected (repeatable): can_not_fix, will_not_fix, update, rollback, workaround_available.
    #[arg(long)]
    pub response: Vec<String>,
    /// Impact statement.
    #[arg(long)]
    pub impact: Option<String>,
    /// Clinical risk: controlled or uncontrolled (needs a clinical judgement on record).
    #[arg(long)]
    pub risk: Option<String>,
    /// A date, NAME=YYYY-MM-DD (aware, assessed, customers_notified, remediation_plan,
    /// compensating_controls_published, fix_validated, fix_distributed). Repeatable.
    #[arg(long, value_name = "NAME=DATE")]
    pub date: Vec<String>,
    /// Whether the manufacturer participates in an ISAO.
    #[arg(long)]
    pub isao: Option<bool>,
    /// Add a score, SOURCE=VECTOR (advisory, manufacturer or lab). Repeatable.
    #[arg(long, value_name = "SOURCE=VECTOR")]
    pub score: Vec<String>,
    /// Add a device-context (environmental) score beside the advisory's, SOURCE=VECTOR
    /// (manufacturer or lab). Repeatable.
    #[arg(long, value_name = "SOURCE=VECTOR")]
    pub context_score: Vec<String>,
}

impl AssessmentFlags {
    /// Whether any flag was given.
    pub fn any(&self) -> bool {
        self.state.is_some()
            || self.justification.is_some()
            || self.action.is_some()
            || !self.response.is_empty()
            || self.impact.is_some()
            || self.risk.is_some()
            || !self.date.is_empty()
            || self.isao.is_some()
            || !self.score.is_empty()
            || !self.context_score.is_empty()
    }

    /// Applies the flags to `a`. Errors name the flag and what it accepts.
    pub fn apply(self, a: &mut Assessment) -> Result<(), CliError> {
        let AssessmentFlags {
            state,
            justification,
            action,
            response,
            impact,
            risk,
            date,
            isao,
            score,
            context_score,
        } = self;
        if let Some(s) = state {
            a.status = build_state(&s, justification.as_deref(), action.as_deref(), &response)?;
        }
        if let Some(i) = impact {
            a.impact_statement = Some(i);
        }
        if let Some(r) = risk {
            let r = match r.as_str() {
                "controlled" => Risk::Controlled,
                "uncontrolled" => Risk::Uncontrolled,
                other => {
                    return Err(CliError::unusable(format!(
                        "--risk: `{other}` is not controlled or uncontrolled"
                    )));
                }
            };
            let c = a.clinical.as_mut().ok_or_else(|| {
                CliError::unusable("--risk: the assessment has no clinical judgement")
                    .with_help("record one with `dtsec vex set --from FILE`")
            })?;
            c.risk = r;
        }
        for d in &date {
            let (name, value) = d.split_once('=').ok_or_else(|| {
                CliError::unusable(format!("--date: `{d}` is not NAME=YYYY-MM-DD"))
            })?;
            let value = Some(parse_date(&format!("--date {name}"), value)?);
            let slot = match name {
                "aware" => &mut a.dates.aware,
                "assessed" => &mut a.dates.assessed,
                "customers_notified" => &mut a.dates.customers_notified,
                "remediation_plan" => &mut a.dates.remediation_plan,
                "compensating_controls_published" => &mut a.dates.compensating_controls_published,
                "fix_validated" => &mut a.dates.fix_validated,
                "fix_distributed" => &mut a.dates.fix_distributed,
                other => return Err(CliError::unusable(format!("--date: unknown date `{other}`")).with_help("one of aware, assessed, customers_notified, remediation_plan, compensating_controls_published, fix_validated, fix_distributed")),
            };
            *slot = value;
        }
        if let Some(i) = isao {
            a.regulatory.isao_member = i;
        }
        for (list, device_context) in [(&score, false), (&context_score, true)] {
            for item in list {
                let (source, vector) = item.split_once('=').ok_or_else(|| {
                    CliError::unusable(format!("--score: `{item}` is not SOURCE=VECTOR"))
                })?;
                let source: ScoreSource = serde_json::from_value(source.into()).map_err(|_| {
                    CliError::unusable(format!("--score: `{source}` is not a source"))
                        .with_help("advisory, manufacturer or lab")
                })?;
                a.scores
                    .push(ScoreRecord::new(source, vector, device_context).map_err(vex_err)?);
            }
        }
        Ok(())
    }
}

/// CVSS scoring.
#[derive(clap::Subcommand)]
pub enum CvssCommand {
    /// Parse a CVSS 3.0/3.1/4.0 vector strictly and print its scores (v4 Safety shown first).
    Score {
        /// The vector, with its `CVSS:x.y/` prefix.
        vector: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
    },
}

/// The VEX formats on the command line.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum VexFormat {
    /// CycloneDX 1.6 VEX.
    Cyclonedx,
    /// CSAF 2.0 csaf_vex.
    Csaf,
    /// OpenVEX 0.2.0.
    Openvex,
}

impl From<VexFormat> for Format {
    fn from(f: VexFormat) -> Format {
        match f {
            VexFormat::Cyclonedx => Format::Cyclonedx,
            VexFormat::Csaf => Format::Csaf,
            VexFormat::Openvex => Format::Openvex,
        }
    }
}

/// Manufacturer assessments (VEX) in a file-based store.
#[derive(clap::Subcommand)]
pub enum VexCommand {
    /// Record a new assessment from a JSON file (its first version).
    New {
        /// The store directory.
        #[arg(long)]
        store: PathBuf,
        /// The assessment (JSON; see docs/vex.md).
        file: PathBuf,
    },
    /// Record a new version of an assessment: from a file, or by changing fields of the latest.
    Set {
        /// The store directory.
        #[arg(long)]
        store: PathBuf,
        /// The assessment id (`VULN/PRODUCT@VERSION`).
        id: String,
        /// The whole new version, from a JSON file.
        #[arg(long, conflicts_with_all = ["state", "justification", "action", "response", "impact", "risk", "date", "isao", "score", "context_score"])]
        from: Option<PathBuf>,
        /// What changes.
        #[command(flatten)]
        flags: AssessmentFlags,
    },
    /// Show an assessment, its clocks as of a date, and its history.
    Show {
        /// The store directory.
        #[arg(long)]
        store: PathBuf,
        /// The assessment id.
        id: String,
        /// Judge the clocks as of this date (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TextOrJson,
    },
    /// Write the latest version of assessments as a VEX document.
    Export {
        /// The store directory.
        #[arg(long)]
        store: PathBuf,
        /// The format.
        #[arg(long, value_enum)]
        format: VexFormat,
        /// Only these assessment ids (default: all).
        ids: Vec<String>,
        /// The author (publisher).
        #[arg(long)]
        author: String,
        /// The author's namespace URL (CSAF publisher namespace, OpenVEX @id base).
        #[arg(long, default_value = "https://example.invalid")]
        namespace: String,
        /// The document's id.
        #[arg(long, default_value = "dtsec-vex")]
        doc_id: String,
        /// The document's version: every recorded version of the exported assessments is one
        /// revision, in recording order, so version N states them as they stood after the Nth
        /// (default: the newest, all of them). CSAF lists revisions 1 to N.
        #[arg(long)]
        doc_version: Option<u32>,
        /// Where to write it.
        #[arg(short, long, value_name = "OUT.json")]
        output: PathBuf,
    },
    /// Read a VEX document into the store (schema, CSAF mandatory tests): one dtsec wrote, or,
    /// with `--sbom` and `--product`, one another tool wrote (CycloneDX, OpenVEX or CSAF), tied to the
    /// SBOM's components.
    Import {
        /// The store directory.
        #[arg(long)]
        store: PathBuf,
        /// The format.
        #[arg(long, value_enum)]
        format: VexFormat,
        /// The document.
        file: PathBuf,
        /// The product version's CycloneDX SBOM: a foreign document's purls are tied to its
        /// components, statements about the product itself to its subject.
        #[arg(long, requires = "product")]
        sbom: Option<PathBuf>,
        /// The product version the statements are about, NAME@VERSION.
        #[arg(long, requires = "sbom")]
        product: Option<String>,
        /// Response for affected statements that give none (repeatable).
        #[arg(long, requires = "sbom")]
        response: Vec<String>,
        /// Action statement for affected statements that give none.
        #[arg(long, requires = "sbom")]
        action: Option<String>,
        /// Justification (CycloneDX spelling) for not-affected statements that give none.
        #[arg(long, requires = "sbom")]
        justification: Option<String>,
        /// Impact statement for not-affected statements that give none.
        #[arg(long, requires = "sbom")]
        impact: Option<String>,
    },
}

pub(crate) fn vex_err(e: VexError) -> CliError {
    let bad = e.is_bad_input();
    let help = match &e {
        VexError::Cvss(_) => {
            "write the vector as `CVSS:3.1/AV:…` or `CVSS:4.0/AV:…` with every base metric once (v4.0 in the specification's order)"
        }
        VexError::Schema { .. } | VexError::CsafTest { .. } | VexError::Import { .. } => {
            "fix the document at the place named, or export it again with dtsec"
        }
        VexError::History { .. } => {
            "record versions in time order with `dtsec vex set`; never edit a store file by hand"
        }
        _ => "fix the field named (a JSON pointer into the assessment) and run again",
    };
    let err = if bad {
        CliError::unusable(e)
    } else {
        CliError::unusable(format!("I/O: {e}"))
    };
    err.with_help(help)
}

fn now() -> Timestamp {
    Timestamp::from_second(dtsec_eval::clock::now_unix()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn today() -> Date {
    now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

fn parse_date(what: &str, s: &str) -> Result<Date, CliError> {
    s.parse::<Date>()
        .map_err(|e| CliError::unusable(format!("{what}: `{s}` is not a date YYYY-MM-DD ({e})")))
}

fn read_assessment(path: &Path) -> Result<Assessment, CliError> {
    let bytes = crate::input::read_file(path, MAX_INPUT, "the assessment file")?;
    let a: Assessment = serde_json::from_slice(&bytes).map_err(|e| {
        CliError::unusable(format!(
            "{}:{}:{}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
        .with_help("see docs/vex.md for the assessment's JSON fields")
    })?;
    a.validate()
        .map_err(|e| vex_err(e).with_detail(format!("in {}", path.display())))?;
    Ok(a)
}

/// Runs `dtsec cvss …`.
pub fn run_cvss(cmd: CvssCommand) -> CliResult {
    let CvssCommand::Score { vector, format } = cmd;
    match (cvss::score(&vector), format) {
        (Ok(s), TextOrJson::Json) => {
            let mut v = serde_json::to_value(&s).unwrap_or_default();
            v["ok"] = true.into();
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            Ok(Exit::Success)
        }
        (Ok(s), TextOrJson::Text) => {
            if !s.safety.is_empty() {
                outln!("SAFETY: {} (patient harm is in scope)", s.safety.join(", "));
            }
            if s.exploit_attacked {
                outln!("KNOWN EXPLOITED: E:A (attacks reported)");
            }
            outln!("CVSS {}  {}", s.version.label(), s.vector);
            outln!(
                "score:         {} ({}){}",
                s.overall,
                words(&s.severity),
                s.nomenclature
                    .as_ref()
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default()
            );
            outln!("base:          {}", s.base);
            if let Some(t) = s.temporal {
                outln!("temporal:      {t}");
            }
            if let Some(e) = s.environmental {
                outln!("environmental: {e}");
            }
            Ok(Exit::Success)
        }
        (Err(e), TextOrJson::Json) => {
            outln!(
                "{}",
                serde_json::json!({"ok": false, "vector": vector, "error": e.to_string()})
            );
            Ok(Exit::Unusable)
        }
        (Err(e), TextOrJson::Text) => Err(vex_err(e.into())),
    }
}

/// Runs `dtsec vex …`.
pub fn run(cmd: VexCommand) -> CliResult {
    match cmd {
        VexCommand::New { store, file } => {
            let a = read_assessment(&file)?;
            let store = FileStore::open(&store).map_err(vex_err)?;
            let e = store.record(a, now(), true).map_err(vex_err)?;
            outln!("recorded {} ({})", e.assessment.id(), e.hash);
            Ok(Exit::Success)
        }
        VexCommand::Set {
            store,
            id,
            from,
            flags,
        } => {
            let fs = FileStore::open(&store).map_err(vex_err)?;
            let Some(h) = fs.load(&id).map_err(vex_err)? else {
                return Err(CliError::unusable(format!(
                    "no assessment `{id}` in {}",
                    store.display()
                ))
                .with_help("record it first with `dtsec vex new`"));
            };
            let mut a = match from {
                Some(path) => read_assessment(&path)?,
                None => h
                    .latest()
                    .map(|e| e.assessment.clone())
                    .ok_or_else(|| CliError::unusable("empty history"))?,
            };
            flags.apply(&mut a)?;
            if a.id() != id {
                return Err(CliError::unusable(format!(
                    "the new version is about `{}`, not `{id}`",
                    a.id()
                )));
            }
            a.validate().map_err(vex_err)?;
            let e = fs.record(a, now(), false).map_err(vex_err)?;
            outln!(
                "recorded {} ({}, replaces {})",
                e.assessment.id(),
                e.hash,
                e.replaces.as_deref().unwrap_or("-")
            );
            Ok(Exit::Success)
        }
        VexCommand::Show {
            store,
            id,
            as_of,
            format,
        } => {
            let fs = FileStore::open(&store).map_err(vex_err)?;
            let h = fs.load(&id).map_err(vex_err)?.ok_or_else(|| {
                CliError::unusable(format!("no assessment `{id}` in {}", store.display()))
            })?;
            let day = match as_of {
                Some(s) => parse_date("--as-of", &s)?,
                None => today(),
            };
            let latest = h
                .latest()
                .ok_or_else(|| CliError::unusable("empty history"))?;
            let c = clocks(&latest.assessment, day);
            match format {
                TextOrJson::Json => {
                    let v = serde_json::json!({"ok": true, "as_of": day, "latest": latest, "clocks": c,
                        "cc": latest.assessment.cc.as_ref().map(|cc| serde_json::json!({
                            "required_attack_potential": cc.required_attack_potential(),
                            "exploitable_at_claimed_level": cc.exploitable_at_claimed_level()})),
                        "history": h.entries.iter().map(|e| serde_json::json!({"hash": e.hash, "replaces": e.replaces, "recorded_at": e.recorded_at})).collect::<Vec<_>>()});
                    outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                }
                TextOrJson::Text => {
                    let a = &latest.assessment;
                    outln!("{}  [{}]", a.id(), a.status.name());
                    if let Some(cl) = &a.clinical {
                        outln!(
                            "risk:         {} (harm {}, exploitability {})",
                            words(&cl.risk),
                            words(&cl.severity_of_harm),
                            words(&cl.exploitability)
                        );
                    }
                    if let Some(cc) = &a.cc {
                        outln!(
                            "CC:           needs {} attack potential; claimed {}; exploitable at the claimed level: {}",
                            cc.required_attack_potential()
                                .map_or("no practical", |p| p.label()),
                            cc.claimed_ava_van,
                            cc.exploitable_at_claimed_level()
                        );
                    }
                    for s in &a.scores {
                        outln!(
                            "score:        {} {}{} {}",
                            s.score,
                            words(&s.source),
                            if s.device_context {
                                " (device context)"
                            } else {
                                ""
                            },
                            s.vector
                        );
                    }
                    outln!("524B track:   {}", words(&c.track_524b));
                    if let (Some(d30), Some(d60)) =
                        (c.due_customer_communication, c.due_fix_distributed)
                    {
                        outln!(
                            "as of {day}: customers due {d30} ({}), fix due {d60} ({})",
                            words(
                                &c.communication
                                    .unwrap_or(dtsec_vex::clocks::DeadlineStatus::Open)
                            ),
                            words(&c.fix.unwrap_or(dtsec_vex::clocks::DeadlineStatus::Open))
                        );
                    }
                    outln!("806:          {}", words(&c.report_806));
                    for f in &c.failed_conditions {
                        outln!("  - {f}");
                    }
                    outln!("history ({} entries):", h.entries.len());
                    for e in &h.entries {
                        outln!("  {} {}", e.recorded_at, e.hash);
                    }
                }
            }
            Ok(Exit::Success)
        }
        VexCommand::Export {
            store,
            format,
            ids,
            author,
            namespace,
            doc_id,
            doc_version,
            output,
        } => {
            let fs = FileStore::open(&store).map_err(vex_err)?;
            let all = fs.all().map_err(vex_err)?;
            let chosen: Vec<&dtsec_vex::history::History> = all
                .iter()
                .filter(|h| {
                    h.latest()
                        .is_some_and(|e| ids.is_empty() || ids.contains(&e.assessment.id()))
                })
                .collect();
            for id in &ids {
                if !chosen
                    .iter()
                    .any(|h| h.latest().is_some_and(|e| &e.assessment.id() == id))
                {
                    return Err(CliError::unusable(format!(
                        "no assessment `{id}` in {}",
                        store.display()
                    )));
                }
            }
            if chosen.is_empty() {
                return Err(CliError::unusable(format!(
                    "no assessments in {}",
                    store.display()
                )));
            }
            let revised =
                dtsec_vex::history::as_of_revision(&chosen, doc_version).map_err(|e| {
                    vex_err(e).with_help(
                        "--doc-version: give 1 to the number of recorded versions, or leave it out",
                    )
                })?;
            let list = revised.assessments;
            let version = revised.revisions.last().map_or(1, |r| r.number);
            let timestamp = revised
                .revisions
                .last()
                .and_then(|r| r.date.parse().ok())
                .unwrap_or_else(now);
            let meta = DocMeta {
                author,
                namespace,
                id: doc_id,
                version,
                timestamp,
            };
            let doc = formats::export_revised(format.into(), &list, &meta, &revised.revisions)
                .map_err(vex_err)?;
            let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            dtsec_fsio::write_atomic(&output, &bytes)
                .map_err(|e| CliError::unusable(format!("{}: {e}", output.display())))?;
            outln!(
                "wrote {} ({} statements, {})",
                output.display(),
                list.len(),
                Format::from(format).name()
            );
            Ok(Exit::Success)
        }
        VexCommand::Import {
            store,
            format,
            file,
            sbom,
            product,
            response,
            action,
            justification,
            impact,
        } => {
            // Bounded while reading (a special file reports no length), as every input is.
            let bytes = crate::input::read_file(&file, formats::MAX_DOCUMENT, "the VEX document")?;
            let list = match (sbom, product) {
                (Some(sbom), Some(product)) => {
                    let fill = fill_of(&response, action, justification.as_deref(), impact)?;
                    let target = target_of(&sbom, &product)?;
                    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                        CliError::unusable(format!(
                            "{}:{}:{}: {e}",
                            file.display(),
                            e.line(),
                            e.column()
                        ))
                    })?;
                    let got = formats::foreign::import(format.into(), &doc, &target, &fill)
                        .map_err(|e| {
                            vex_err(e)
                                .with_detail(format!("in {}", file.display()))
                                .with_help("give what the document lacks with --response, --action, --justification or --impact, or fix the statement named")
                        })?;
                    for (at, why) in &got.skipped {
                        outln!("skipped {at}: {why}");
                    }
                    if got.assessments.is_empty() {
                        return Err(CliError::unusable(format!(
                            "{}: no statement is about {product}",
                            file.display()
                        ))
                        .with_help(
                            "check --product NAME@VERSION against the document's products",
                        ));
                    }
                    got.assessments
                }
                _ => formats::import_bytes(format.into(), &file.display().to_string(), &bytes)
                    .map_err(|e| vex_err(e).with_detail(format!("in {}", file.display())))?,
            };
            let fs = FileStore::open(&store).map_err(vex_err)?;
            let mut recorded = 0;
            for a in list {
                let unchanged = fs
                    .load(&a.id())
                    .map_err(vex_err)?
                    .and_then(|h| h.latest().map(|e| e.assessment == a));
                match unchanged {
                    Some(true) => {}
                    Some(false) => {
                        fs.record(a, now(), false).map_err(vex_err)?;
                        recorded += 1;
                    }
                    None => {
                        fs.record(a, now(), true).map_err(vex_err)?;
                        recorded += 1;
                    }
                }
            }
            outln!(
                "imported {}: {recorded} new versions recorded",
                file.display()
            );
            Ok(Exit::Success)
        }
    }
}

/// What the flags of `vex import --sbom` supply where a foreign document is silent.
fn fill_of(
    responses: &[String],
    action: Option<String>,
    justification: Option<&str>,
    impact: Option<String>,
) -> Result<formats::foreign::Fill, CliError> {
    let mut fill = formats::foreign::Fill {
        action,
        impact,
        ..Default::default()
    };
    for r in responses {
        fill.responses
            .push(serde_json::from_value(r.as_str().into()).map_err(|_| {
                CliError::unusable(format!("--response: `{r}` is not a response"))
                    .with_help("can_not_fix, will_not_fix, update, rollback, workaround_available")
            })?);
    }
    if let Some(j) = justification {
        fill.justification = Some(serde_json::from_value(j.into()).map_err(|_| {
            CliError::unusable(format!(
                "--justification: `{j}` is not a CycloneDX justification"
            ))
            .with_help("e.g. code_not_present, code_not_reachable, requires_environment")
        })?);
    }
    Ok(fill)
}

/// The product version and its SBOM's components, for a foreign VEX document. The SBOM must be
/// CycloneDX with a serial number and a subject with a bom-ref: dtsec's statements are per
/// component and its VEX exports refer to them by bom-link.
fn target_of(sbom: &Path, product: &str) -> Result<formats::foreign::Target, CliError> {
    let (name, version) = product
        .rsplit_once('@')
        .filter(|(n, v)| !n.is_empty() && !v.is_empty())
        .ok_or_else(|| CliError::unusable(format!("--product: `{product}` is not NAME@VERSION")))?;
    let ingester = dtsec_sbom::Ingester::new(dtsec_sbom::Limits::default());
    let bytes = crate::input::read_file(sbom, ingester.limits().max_bytes, "the SBOM")?;
    let (doc, _) = ingester.ingest(&bytes).map_err(|e| {
        CliError::unusable(format!("{}: {e}", sbom.display()))
            .with_help("check it with `dtsec sbom check`")
    })?;
    let unusable = |what: &str| {
        CliError::unusable(format!("{}: {what}", sbom.display())).with_help(
            "dtsec ties VEX statements to a CycloneDX SBOM's components by bom-link: give one with a serialNumber, a version and metadata.component with a bom-ref",
        )
    };
    if doc.format != dtsec_sbom::Format::Cyclonedx {
        return Err(unusable("is not CycloneDX"));
    }
    let serial = doc
        .serial
        .clone()
        .filter(|s| s.starts_with("urn:uuid:"))
        .ok_or_else(|| unusable("has no serialNumber (urn:uuid:…)"))?;
    let sbom_version = doc
        .bom_version
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| unusable("has no version"))?;
    // The SBOM must be the product version's: statements tied to its components are recorded
    // against --product, so a mismatch would attribute them to the wrong device.
    if let Some(subject) = &doc.subject
        && (subject.name != name || subject.version.as_deref().is_some_and(|v| v != version))
    {
        return Err(CliError::unusable(format!(
            "{}: the SBOM describes {} {}, not --product {product}",
            sbom.display(),
            subject.name,
            subject.version.as_deref().unwrap_or("(no version)")
        ))
        .with_help("give the SBOM of the product version the statements are about"));
    }
    let raw: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| unusable(&e.to_string()))?;
    let subject = raw
        .pointer("/metadata/component")
        .ok_or_else(|| unusable("has no metadata.component (the product it describes)"))?;
    let subject_ref = subject
        .get("bom-ref")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| unusable("/metadata/component has no bom-ref"))?;
    Ok(formats::foreign::Target {
        product: dtsec_vex::assessment::ProductRef {
            name: name.to_string(),
            version: version.to_string(),
            sbom_serial: serial,
            sbom_version,
        },
        subject: dtsec_vex::assessment::ComponentRef {
            bom_ref: subject_ref.to_string(),
            purl: subject
                .get("purl")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string),
        },
        components: doc
            .components
            .iter()
            .map(|c| dtsec_vex::assessment::ComponentRef {
                bom_ref: c.r#ref.clone(),
                purl: c.purls.first().map(|p| p.original.clone()),
            })
            .collect(),
    })
}

fn build_state(
    state: &str,
    justification: Option<&str>,
    action: Option<&str>,
    responses: &[String],
) -> Result<State, CliError> {
    Ok(match state {
        "under_investigation" => State::UnderInvestigation,
        "fixed" => State::Fixed { backport: false },
        "false_positive" => State::FalsePositive,
        "not_affected" => {
            let j = justification
                .ok_or_else(|| CliError::unusable("--state not_affected needs --justification"))?;
            let j: Justification = serde_json::from_value(j.into())
                .map_err(|_| CliError::unusable(format!("--justification: `{j}` is not a CycloneDX justification")).with_help("e.g. code_not_present, code_not_reachable, requires_environment, protected_at_runtime"))?;
            State::NotAffected { justification: j }
        }
        "affected" => {
            let action = action.ok_or_else(|| {
                CliError::unusable("--state affected needs --action (what users should do)")
            })?;
            let mut rs = Vec::new();
            for r in responses {
                let x: Response = serde_json::from_value(r.as_str().into()).map_err(|_| {
                    CliError::unusable(format!("--response: `{r}` is not a response")).with_help(
                        "can_not_fix, will_not_fix, update, rollback, workaround_available",
                    )
                })?;
                rs.push(x);
            }
            State::Affected {
                action: action.to_string(),
                responses: rs,
            }
        }
        other => {
            return Err(
                CliError::unusable(format!("--state: `{other}` is not a state")).with_help(
                    "under_investigation, not_affected, affected, fixed, false_positive",
                ),
            );
        }
    })
}

/// A value's wire spelling (`out-of-cycle`, `report_expected`) as words for the terminal, so the
/// text output says what the JSON and the documents say, never a Rust type's name.
fn words<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace(['-', '_'], " "),
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}
