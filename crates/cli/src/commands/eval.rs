//! `dtsec eval …` (the CEM evaluation workbench) and `dtsec verify` (checking a sealed ETR
//! bundle). The work is done by `dtsec_eval`; this file parses arguments, prints, and maps
//! outcomes to exit status: 0 done, 1 findings (ST errors, changed evidence, a bundle that does
//! not verify), 2 unusable input or wrong usage (unknown work unit, corrupt workspace file).

use std::path::{Path, PathBuf};

use dtsec_eval::bundle::{SignatureCheck, VerifyOptions, seal_workspace, verify_bundle};
use dtsec_eval::evidence::EvidenceKind;
use dtsec_eval::hw_potential::HwFactors;
use dtsec_eval::observations::{NewObservation, NewVulnerability, Severity};
use dtsec_eval::records::Verdict;
use dtsec_eval::vulns::{Factors, Rating, assess};
use dtsec_eval::{EvalError, InitConfig, RecordRequest, Workspace};

use crate::PpArgs;
use crate::error::{CliError, CliResult, Exit};

/// A verdict on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum VerdictArg {
    /// The work unit's requirements are met.
    Pass,
    /// They are not (cite an observation report with --or).
    Fail,
    /// Not decidable yet.
    Inconclusive,
}

impl From<VerdictArg> for Verdict {
    fn from(v: VerdictArg) -> Verdict {
        match v {
            VerdictArg::Pass => Verdict::Pass,
            VerdictArg::Fail => Verdict::Fail,
            VerdictArg::Inconclusive => Verdict::Inconclusive,
        }
    }
}

/// Text or JSON output.
#[derive(Clone, Copy, Default, clap::ValueEnum)]
pub enum FormatArg {
    /// For people.
    #[default]
    Text,
    /// For programs.
    Json,
}

/// The CEM evaluation workbench: work units, verdicts, evidence, the ETR and its seal.
#[derive(clap::Subcommand)]
pub enum EvalCommand {
    /// Check the ST and create an evaluation workspace in DIR (new or empty).
    Init {
        /// The Security Target under evaluation.
        #[arg(long, value_name = "ST.yaml")]
        st: PathBuf,
        /// The evaluation facility.
        #[arg(long)]
        lab: String,
        /// The sponsor of the evaluation.
        #[arg(long)]
        sponsor: String,
        /// An evaluator who may record verdicts (repeatable).
        #[arg(long = "evaluator", value_name = "NAME", required = true)]
        evaluators: Vec<String>,
        /// Your official CC XML: the plan then carries each work unit's text.
        #[arg(long, value_name = "FILE")]
        cc_xml: Option<PathBuf>,
        #[command(flatten)]
        pps: PpArgs,
        /// The workspace directory.
        dir: PathBuf,
    },
    /// List the work units and evaluation activities of the plan.
    Plan {
        /// The workspace.
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: FormatArg,
        /// Print only the ids, one a line, for scripts (`… | while read -r unit; do …`).
        #[arg(long, conflicts_with = "format")]
        ids: bool,
    },
    /// Store and check evidence files.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Record a verdict for a work unit or evaluation activity.
    Record {
        /// The workspace.
        dir: PathBuf,
        /// Work unit or activity id, e.g. ADV_FSP.3-1 or EA:FCS_COP.1/Hash:test-1; `-` reads
        /// one id per line from standard input and records them all in one write, all or none
        /// (`dtsec eval plan DIR --ids | dtsec eval record DIR - pass --by NAME`).
        unit: String,
        /// The verdict.
        #[arg(value_enum)]
        verdict: VerdictArg,
        /// The evaluator.
        #[arg(long)]
        by: String,
        /// Evidence digest (sha256:HEX or a unique prefix of 8+ hex digits; repeatable).
        #[arg(long, value_name = "DIGEST")]
        evidence: Vec<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// Observation report id (repeatable; a fail needs one).
        #[arg(long = "or", value_name = "OR-ID")]
        observations: Vec<String>,
    },
    /// Observation reports.
    Or {
        #[command(subcommand)]
        command: OrCommand,
    },
    /// Test cases for the SFRs' test activities.
    Test {
        #[command(subcommand)]
        command: TestCommand,
    },
    /// Potential vulnerabilities and their attack potential (CEM Annex B).
    Vuln {
        #[command(subcommand)]
        command: VulnCommand,
    },
    /// Progress per class and the overall verdict.
    Status {
        /// The workspace.
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: FormatArg,
    },
    /// Write the Evaluation Technical Report (HTML or PDF, by the output's extension).
    Report {
        /// The workspace.
        dir: PathBuf,
        /// ETR.html or ETR.pdf.
        #[arg(short, long, value_name = "ETR.html|ETR.pdf")]
        output: PathBuf,
    },
    /// Seal the ETR: sign the records, evidence manifest, ST digest, plan and roll-up.
    Seal {
        /// The workspace.
        dir: PathBuf,
        /// The lab's secret key (from `dtsec keys new`).
        #[arg(long, value_name = "LAB.key")]
        key: PathBuf,
        /// Where to write the bundle.
        #[arg(short, long, value_name = "BUNDLE.json")]
        output: PathBuf,
    },
}

/// `dtsec eval evidence …`.
#[derive(clap::Subcommand)]
pub enum EvidenceCommand {
    /// Store a file as evidence (content-addressed by SHA-256).
    Add {
        /// The workspace.
        dir: PathBuf,
        /// The file.
        file: PathBuf,
        /// What it is.
        #[arg(long, value_parser = ["design", "guidance", "test-report", "source", "binary", "other"])]
        kind: String,
        /// The evaluator adding it.
        #[arg(long)]
        by: String,
    },
    /// List the evidence manifest.
    List {
        /// The workspace.
        dir: PathBuf,
    },
    /// Re-hash the stored evidence; report missing or changed files (exit 1 if any).
    Check {
        /// The workspace.
        dir: PathBuf,
    },
}

/// `dtsec eval or …`.
#[derive(clap::Subcommand)]
pub enum OrCommand {
    /// Raise an observation report; prints its id (OR-n).
    Add {
        /// The workspace.
        dir: PathBuf,
        /// Short title.
        #[arg(long)]
        title: String,
        /// How serious.
        #[arg(long, value_parser = ["minor", "major", "critical"])]
        severity: String,
        /// What was observed.
        #[arg(long, default_value = "")]
        description: String,
        /// A work unit it concerns (repeatable).
        #[arg(long = "unit", value_name = "UNIT")]
        units: Vec<String>,
        /// The evaluator.
        #[arg(long)]
        by: String,
    },
    /// Mark an observation report resolved.
    Resolve {
        /// The workspace.
        dir: PathBuf,
        /// Its id.
        id: String,
        /// How it was resolved.
        #[arg(long)]
        resolution: String,
        /// The evaluator.
        #[arg(long)]
        by: String,
    },
    /// List the observation reports.
    List {
        /// The workspace.
        dir: PathBuf,
    },
}

/// `dtsec eval test …`.
#[derive(clap::Subcommand)]
pub enum TestCommand {
    /// Write a test case for a test activity or ATE work unit; prints its id (T-n).
    Add {
        /// The workspace.
        dir: PathBuf,
        /// The unit it implements, e.g. EA:FCS_COP.1/Hash:test-1.
        #[arg(long)]
        unit: String,
        /// Short title.
        #[arg(long)]
        title: String,
        /// A step (repeatable, in order).
        #[arg(long = "step", value_name = "TEXT")]
        steps: Vec<String>,
        /// The expected result.
        #[arg(long)]
        expected: String,
        /// The evaluator.
        #[arg(long)]
        by: String,
    },
    /// Record the result of running a test case.
    Result {
        /// The workspace.
        dir: PathBuf,
        /// The test case id.
        id: String,
        /// The result.
        #[arg(value_enum)]
        result: VerdictArg,
        /// What happened.
        #[arg(long)]
        actual: String,
        /// Log or capture digest (repeatable).
        #[arg(long, value_name = "DIGEST")]
        evidence: Vec<String>,
        /// The evaluator.
        #[arg(long)]
        by: String,
    },
    /// List the test cases.
    List {
        /// The workspace.
        dir: PathBuf,
    },
}

/// The attack-potential table of `dtsec eval vuln add --table`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableArg {
    /// CEM Annex B (the default).
    Cem,
    /// The hardware-device table (JIL style), for physical attacks on hardware.
    Hw,
}

/// `dtsec eval vuln …`.
#[derive(clap::Subcommand)]
pub enum VulnCommand {
    /// Record a potential vulnerability with its attack-potential factors; prints the verdict.
    ///
    /// With `--table cem` (the default) give the five CEM Annex B factors; with `--table hw`
    /// (physical attacks on hardware) give `--identification` and `--exploitation`.
    Add {
        /// The workspace.
        dir: PathBuf,
        /// Short title.
        #[arg(long)]
        title: String,
        /// The attack scenario.
        #[arg(long, default_value = "")]
        description: String,
        /// The attack-potential table: CEM Annex B, or the hardware-device table (JIL style:
        /// identification and exploitation phases, samples, open samples).
        #[arg(long, value_enum, default_value_t = TableArg::Cem)]
        table: TableArg,
        /// Annex B: elapsed time to identify and exploit.
        #[arg(long, value_parser = ["one-day", "one-week", "two-weeks", "one-month", "two-months", "three-months", "four-months", "five-months", "six-months", "more-than-six-months"])]
        elapsed_time: Option<String>,
        /// Annex B: attacker expertise.
        #[arg(long, value_parser = ["layman", "proficient", "expert", "multiple-experts"])]
        expertise: Option<String>,
        /// Annex B: knowledge of the TOE needed.
        #[arg(long, value_parser = ["public", "restricted", "sensitive", "critical"])]
        knowledge: Option<String>,
        /// Annex B: window of opportunity.
        #[arg(long, value_parser = ["unnecessary", "easy", "moderate", "difficult", "none"])]
        window: Option<String>,
        /// Annex B: equipment needed.
        #[arg(long, value_parser = ["standard", "specialised", "bespoke", "multiple-bespoke"])]
        equipment: Option<String>,
        /// Hardware table, identification phase: ELAPSED,EXPERTISE,KNOWLEDGE,ACCESS,EQUIPMENT,OPEN_SAMPLES
        /// (e.g. `week,expert,sensitive,under-30,specialised,restricted`; levels: elapsed
        /// hour|day|week|month|more-than-month|not-practical, expertise layman|proficient|expert|multiple-experts,
        /// knowledge public|restricted|sensitive|critical|very-critical-hardware, access
        /// under-10|under-30|under-100|over-100|not-practical, equipment none|standard|specialised|bespoke|multiple-bespoke,
        /// open samples public|restricted|sensitive|critical).
        #[arg(long, value_name = "LEVELS")]
        identification: Option<String>,
        /// Hardware table, exploitation phase: ELAPSED,EXPERTISE,KNOWLEDGE,ACCESS,EQUIPMENT (no open samples).
        #[arg(long, value_name = "LEVELS")]
        exploitation: Option<String>,
        /// A work unit it belongs to (repeatable).
        #[arg(long = "unit", value_name = "UNIT")]
        units: Vec<String>,
        /// The evaluator.
        #[arg(long)]
        by: String,
    },
    /// Mark a vulnerability mitigated.
    Mitigate {
        /// The workspace.
        dir: PathBuf,
        /// Its id (V-n).
        id: String,
        /// How it was mitigated.
        #[arg(long)]
        mitigation: String,
        /// The evaluator.
        #[arg(long)]
        by: String,
    },
    /// List the vulnerabilities with their attack potential and verdict.
    List {
        /// The workspace.
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: FormatArg,
    },
}

fn out(text: &str) {
    crate::stdout::write(text);
}

fn json_out(v: &serde_json::Value) {
    out(&format!(
        "{}\n",
        serde_json::to_string_pretty(v).unwrap_or_default()
    ));
}

/// The most unit ids `eval record DIR -` takes at once (a full EAL 4 plan has a few hundred).
const MAX_UNITS_FROM_STDIN: usize = 100_000;
/// The most bytes it reads from standard input.
const MAX_STDIN_BYTES: u64 = 8 * 1024 * 1024;

/// Unit ids, one per line, from standard input: blank lines and `#` comments skipped; bounded in
/// bytes and in count before anything is recorded.
fn units_from_stdin() -> Result<Vec<String>, CliError> {
    use std::io::Read as _;
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| {
            CliError::unusable(format!("standard input: {e}"))
                .with_help("give unit ids as UTF-8 text, one per line")
        })?;
    if text.len() as u64 > MAX_STDIN_BYTES {
        return Err(CliError::unusable(format!(
            "standard input: more than {MAX_STDIN_BYTES} bytes of unit ids"
        )));
    }
    let units: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    if units.is_empty() {
        return Err(CliError::unusable("standard input: no unit ids")
            .with_help("pipe them in, e.g. `dtsec eval plan DIR --ids | dtsec eval record DIR - pass --by NAME`"));
    }
    if units.len() > MAX_UNITS_FROM_STDIN {
        return Err(CliError::unusable(format!(
            "standard input: {} unit ids, more than the {MAX_UNITS_FROM_STDIN} one command records",
            units.len()
        )));
    }
    Ok(units)
}

fn open(dir: &Path) -> Result<Workspace, EvalError> {
    Workspace::open(dir)
}

/// Runs a `dtsec eval` subcommand.
pub fn run(cmd: EvalCommand) -> CliResult {
    let result = match cmd {
        EvalCommand::Init {
            st,
            lab,
            sponsor,
            evaluators,
            cc_xml,
            pps,
            dir,
        } => {
            return init(
                &st,
                &lab,
                &sponsor,
                &evaluators,
                cc_xml.as_deref(),
                &pps,
                &dir,
            );
        }
        EvalCommand::Plan { dir, format, ids } => plan(&dir, format, ids),
        EvalCommand::Evidence { command } => evidence(command),
        EvalCommand::Record {
            dir,
            unit,
            verdict,
            by,
            evidence,
            note,
            observations,
        } => {
            let units = if unit == "-" {
                units_from_stdin()?
            } else {
                vec![unit]
            };
            open(&dir).and_then(|ws| {
                let reqs: Vec<RecordRequest> = units
                    .into_iter()
                    .map(|unit| RecordRequest {
                        unit,
                        verdict: Some(verdict.into()),
                        by: by.clone(),
                        evidence: evidence.clone(),
                        note: note.clone(),
                        observations: observations.clone(),
                    })
                    .collect();
                for r in ws.record_many(&reqs)? {
                    out(&format!(
                        "record {}: {} {} by {}{}\n",
                        r.seq,
                        r.unit,
                        r.verdict,
                        r.by,
                        r.replaces
                            .map(|n| format!(" (replaces record {n})"))
                            .unwrap_or_default()
                    ));
                }
                Ok(Exit::Success)
            })
        }
        EvalCommand::Or { command } => observations(command),
        EvalCommand::Test { command } => tests(command),
        EvalCommand::Vuln { command } => vulns(command),
        EvalCommand::Status { dir, format } => open(&dir).and_then(|ws| {
            let state = ws.load()?;
            match format {
                FormatArg::Text => out(&dtsec_eval::status::status_text(&state)),
                FormatArg::Json => json_out(&dtsec_eval::status::status_json(&state)),
            }
            Ok(Exit::Success)
        }),
        EvalCommand::Report { dir, output } => report(&dir, &output),
        EvalCommand::Seal { dir, key, output } => seal(&dir, &key, &output),
    };
    result.map_err(CliError::from)
}

fn init(
    st: &Path,
    lab: &str,
    sponsor: &str,
    evaluators: &[String],
    cc_xml: Option<&Path>,
    pps: &PpArgs,
    dir: &Path,
) -> CliResult {
    let library = crate::library::build(pps)?;
    let input = crate::input::load(st)?;
    let xml = cc_xml
        .map(|p| crate::input::read_text(p, crate::input::CC_XML_LIMIT, "--cc-xml"))
        .transpose()?;
    let name = st
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "st.yaml".into());
    let result = dtsec_eval::init(
        dir,
        InitConfig {
            st_source: &input.source,
            st: &input.document,
            st_file_name: &name,
            library: &library,
            lab,
            sponsor,
            evaluators,
            cc_xml: xml.as_deref(),
        },
    );
    match result {
        Ok(ws) => {
            let plan = ws.plan().map(|p| p.unit_count()).unwrap_or(0);
            out(&format!(
                "created evaluation workspace {} with {plan} work units and activities\n",
                dir.display()
            ));
            Ok(Exit::Success)
        }
        Err(EvalError::StHasErrors { diagnostics }) => {
            // The ST's findings first, as `dtsec check` prints them; then why nothing was made.
            let mut sources = vec![input.source.clone()];
            sources.extend(library.loaded().map(|d| d.source.clone()));
            let text = dtsec_check::output::render_human(&diagnostics, &sources, false);
            eprint!("{text}");
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let message = format!(
                "{} has {errors} error(s); no workspace was created",
                st.display()
            );
            let error = if diagnostics.iter().any(dtsec_check::is_input_unusable) {
                CliError::unusable(message)
            } else {
                CliError::failed(message)
            };
            Err(error.with_help("run `dtsec check` on the ST and fix the errors"))
        }
        Err(e) => Err(e.into()),
    }
}

fn plan(dir: &Path, format: FormatArg, ids: bool) -> Result<Exit, EvalError> {
    let ws = open(dir)?;
    let plan = ws.plan()?;
    if ids {
        let mut s = String::new();
        for u in plan.units() {
            s.push_str(&u.unit.id);
            s.push('\n');
        }
        out(&s);
        return Ok(Exit::Success);
    }
    match format {
        FormatArg::Json => json_out(&serde_json::to_value(&plan).unwrap_or_default()),
        FormatArg::Text => {
            let mut s = String::new();
            for class in &plan.classes {
                s.push_str(&format!("{} {}\n", class.id, class.name));
                for c in &class.components {
                    s.push_str(&format!("  {} {}\n", c.id, c.name));
                    for e in &c.elements {
                        for u in &e.units {
                            let mark = if u.synthesized { " *" } else { "" };
                            s.push_str(&format!("    {}{mark}  {}\n", u.id, u.summary));
                        }
                    }
                }
            }
            s.push_str(&format!(
                "{} units (* = id synthesized by position: the catalogue gives none)\n",
                plan.unit_count()
            ));
            out(&s);
        }
    }
    Ok(Exit::Success)
}

fn evidence(cmd: EvidenceCommand) -> Result<Exit, EvalError> {
    match cmd {
        EvidenceCommand::Add {
            dir,
            file,
            kind,
            by,
        } => open(&dir).and_then(|ws| {
            let kind = EvidenceKind::parse(&kind)
                .ok_or_else(|| EvalError::Invalid(format!("unknown evidence kind {kind}")))?;
            let (item, new) = ws.add_evidence(&file, kind, &by)?;
            out(&format!(
                "{} {} ({} bytes, {}){}\n",
                item.digest,
                item.name,
                item.size,
                item.kind.as_str(),
                if new { "" } else { " — already stored" }
            ));
            Ok(Exit::Success)
        }),
        EvidenceCommand::List { dir } => open(&dir).and_then(|ws| {
            let m = ws.evidence()?;
            let mut s = String::new();
            for i in &m.items {
                s.push_str(&format!(
                    "{}  {:<12} {:>10}  {}  ({} at {})\n",
                    i.digest,
                    i.kind.as_str(),
                    i.size,
                    i.name,
                    i.added_by,
                    i.added_at
                ));
            }
            s.push_str(&format!("{} evidence files\n", m.items.len()));
            out(&s);
            Ok(Exit::Success)
        }),
        EvidenceCommand::Check { dir } => open(&dir).and_then(|ws| {
            let problems = ws.check_evidence()?;
            let total = ws.evidence()?.items.len();
            if problems.is_empty() {
                out(&format!("all {total} evidence files are intact\n"));
                Ok(Exit::Success)
            } else {
                for p in &problems {
                    out(&format!("{p}\n"));
                }
                out(&format!(
                    "{} of {total} evidence files are missing or changed\n",
                    problems.len()
                ));
                Ok(Exit::Failed)
            }
        }),
    }
}

fn observations(cmd: OrCommand) -> Result<Exit, EvalError> {
    match cmd {
        OrCommand::Add {
            dir,
            title,
            severity,
            description,
            units,
            by,
        } => {
            let ws = open(&dir)?;
            let severity = Severity::parse(&severity)
                .ok_or_else(|| EvalError::Invalid(format!("unknown severity {severity}")))?;
            let o = ws.add_observation(&NewObservation {
                title: &title,
                severity,
                description: &description,
                units: &units,
                by: &by,
            })?;
            out(&format!("{}\n", o.id));
        }
        OrCommand::Resolve {
            dir,
            id,
            resolution,
            by,
        } => {
            let o = open(&dir)?.resolve_observation(&id, &resolution, &by)?;
            out(&format!("{} resolved\n", o.id));
        }
        OrCommand::List { dir } => {
            let mut s = String::new();
            for o in open(&dir)?.observations()? {
                s.push_str(&format!(
                    "{:<6} {:<8} {:<8} {}{}\n",
                    o.id,
                    o.severity.as_str(),
                    match o.status {
                        dtsec_eval::observations::ObservationStatus::Open => "open",
                        dtsec_eval::observations::ObservationStatus::Resolved => "resolved",
                    },
                    o.title,
                    if o.units.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", o.units.join(", "))
                    }
                ));
            }
            out(&s);
        }
    }
    Ok(Exit::Success)
}

fn tests(cmd: TestCommand) -> Result<Exit, EvalError> {
    match cmd {
        TestCommand::Add {
            dir,
            unit,
            title,
            steps,
            expected,
            by,
        } => {
            let t = open(&dir)?.add_test(&unit, &title, &steps, &expected, &by)?;
            out(&format!("{}\n", t.id));
        }
        TestCommand::Result {
            dir,
            id,
            result,
            actual,
            evidence,
            by,
        } => {
            let t = open(&dir)?.test_result(&id, result.into(), &actual, &evidence, &by)?;
            out(&format!(
                "{} {}\n",
                t.id,
                t.result.map_or("not run", Verdict::as_str)
            ));
        }
        TestCommand::List { dir } => {
            let mut s = String::new();
            for t in open(&dir)?.tests()? {
                s.push_str(&format!(
                    "{:<5} {:<13} {}  ({})\n",
                    t.id,
                    t.result.map_or("not run", Verdict::as_str),
                    t.title,
                    t.unit
                ));
            }
            out(&s);
        }
    }
    Ok(Exit::Success)
}

fn vulns(cmd: VulnCommand) -> Result<Exit, EvalError> {
    match cmd {
        VulnCommand::Add {
            dir,
            title,
            description,
            table,
            elapsed_time,
            expertise,
            knowledge,
            window,
            equipment,
            identification,
            exploitation,
            units,
            by,
        } => {
            let ws = open(&dir)?;
            let factors: Rating = match table {
                TableArg::Cem => {
                    if identification.is_some() || exploitation.is_some() {
                        return Err(EvalError::Invalid(
                            "--identification and --exploitation belong to `--table hw`; with CEM Annex B give --elapsed-time, --expertise, --knowledge, --window and --equipment".into(),
                        ));
                    }
                    let (Some(t), Some(x), Some(k), Some(w), Some(q)) =
                        (elapsed_time, expertise, knowledge, window, equipment)
                    else {
                        return Err(EvalError::Invalid(
                            "CEM Annex B (the default table) needs --elapsed-time, --expertise, --knowledge, --window and --equipment; for physical attacks on hardware use `--table hw` with --identification and --exploitation".into(),
                        ));
                    };
                    Factors::from_names(&t, &x, &k, &w, &q)?.into()
                }
                TableArg::Hw => {
                    if [&elapsed_time, &expertise, &knowledge, &window, &equipment]
                        .iter()
                        .any(|a| a.is_some())
                    {
                        return Err(EvalError::Invalid(
                            "--elapsed-time, --expertise, --knowledge, --window and --equipment are CEM Annex B factors; with `--table hw` give --identification and --exploitation".into(),
                        ));
                    }
                    let (Some(i), Some(e)) = (identification, exploitation) else {
                        return Err(EvalError::Invalid(
                            "`--table hw` needs --identification ELAPSED,EXPERTISE,KNOWLEDGE,ACCESS,EQUIPMENT,OPEN_SAMPLES and --exploitation ELAPSED,EXPERTISE,KNOWLEDGE,ACCESS,EQUIPMENT".into(),
                        ));
                    };
                    Rating::Hardware(Box::new(HwFactors::parse(&i, &e)?))
                }
            };
            let v = ws.add_vuln(&NewVulnerability {
                title: &title,
                description: &description,
                factors,
                units: &units,
                by: &by,
            })?;
            let ava = ws.evaluation()?.assurance.ava_van;
            out(&format!(
                "{}\n{}\n",
                v.id,
                assess(&v, ava.as_deref()).reasoning
            ));
        }
        VulnCommand::Mitigate {
            dir,
            id,
            mitigation,
            by,
        } => {
            let v = open(&dir)?.mitigate_vuln(&id, &mitigation, &by)?;
            out(&format!("{} mitigated\n", v.id));
        }
        VulnCommand::List { dir, format } => {
            let ws = open(&dir)?;
            let ava = ws.evaluation()?.assurance.ava_van;
            let vulns = ws.vulns()?;
            match format {
                FormatArg::Json => {
                    let list: Vec<serde_json::Value> = vulns
                        .iter()
                        .map(|v| {
                            serde_json::json!({
                                "vulnerability": v,
                                "assessment": assess(v, ava.as_deref()),
                            })
                        })
                        .collect();
                    json_out(&serde_json::Value::Array(list));
                }
                FormatArg::Text => {
                    let mut s = String::new();
                    for v in &vulns {
                        let a = assess(v, ava.as_deref());
                        s.push_str(&format!("{} {}\n  {}\n", v.id, v.title, a.reasoning));
                    }
                    if vulns.is_empty() {
                        s.push_str("no potential vulnerabilities recorded\n");
                    }
                    out(&s);
                }
            }
        }
    }
    Ok(Exit::Success)
}

fn report(dir: &Path, output: &Path) -> Result<Exit, EvalError> {
    let ws = open(dir)?;
    let state = ws.load()?;
    let ext = output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = match ext.as_str() {
        "html" | "htm" => dtsec_eval::report::report_html(&state).into_bytes(),
        "pdf" => dtsec_eval::report::report_pdf(&state),
        _ => {
            return Err(EvalError::Invalid(format!(
                "{}: the report is written as HTML (.html) or PDF (.pdf); choose one by the extension",
                output.display()
            )));
        }
    };
    dtsec_eval::store::atomic_write(output, &bytes)?;
    eprintln!("wrote {} ({} bytes)", output.display(), bytes.len());
    Ok(Exit::Success)
}

fn seal(dir: &Path, key: &Path, output: &Path) -> Result<Exit, EvalError> {
    let ws = open(dir)?;
    let key = dtsec_eval::seal::load_signing_key(key)?;
    let sealed = seal_workspace(&ws, &key)?;
    let mut text = sealed.to_json_pretty();
    text.push('\n');
    dtsec_eval::store::atomic_write(output, text.as_bytes())?;
    let overall = sealed
        .payload
        .get("overall")
        .and_then(|v| v.as_str())
        .unwrap_or("?");
    out(&format!(
        "sealed {} (overall verdict {overall}; key {}; payload sha256:{})\n",
        output.display(),
        key.verifying_key().key_id(),
        sealed.payload_sha256()
    ));
    Ok(Exit::Success)
}

/// `dtsec verify BUNDLE [--key LAB.pub] [--evidence DIR]`: 0 when intact (and, with a key,
/// validly signed), 1 when anything does not verify, 2 when the bundle or key is unusable.
pub fn verify(bundle: &Path, key: Option<&Path>, evidence: Option<&Path>) -> CliResult {
    let text = crate::input::read_text(bundle, dtsec_seal::MAX_SEALED_BYTES, "the bundle")?;
    let key = key.map(dtsec_eval::seal::load_verifying_key).transpose()?;
    let v = verify_bundle(
        &text,
        VerifyOptions {
            key: key.as_ref(),
            evidence,
        },
    )
    .map_err(|e| CliError::unusable(format!("{}: {e}", bundle.display())).with_help(e.help()))?;
    let mut s = String::new();
    if let Some(e) = &v.evaluation {
        s.push_str(&format!(
            "bundle: {} {} — ST {} {} — lab {}\n",
            e.toe.name, e.toe.version, e.st.id, e.st.version, e.lab
        ));
    }
    match &v.signature {
        SignatureCheck::Valid { key_id } => {
            s.push_str(&format!("signature: valid (key {key_id})\n"))
        }
        SignatureCheck::Invalid { key_id } => {
            s.push_str(&format!("signature: INVALID (key {key_id})\n"));
        }
        SignatureCheck::NotSignedByKey { key_id, signed_by } => s.push_str(&format!(
            "signature: not signed by key {key_id} (signed by {})\n",
            signed_by.join(", ")
        )),
        SignatureCheck::NotChecked { signed_by } => s.push_str(&format!(
            "signature: NOT CHECKED — give --key LAB.pub (signed by {})\n",
            signed_by.join(", ")
        )),
        SignatureCheck::Error(e) => s.push_str(&format!("signature: unusable: {e}\n")),
        _ => s.push_str("signature: unknown state\n"),
    }
    for p in &v.problems {
        s.push_str(&format!("error: {p}\n"));
    }
    for n in &v.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    if let Some(o) = v.overall {
        s.push_str(&format!(
            "overall verdict (recomputed from the records): {o}\n"
        ));
    }
    let exit = if v.is_intact() {
        s.push_str(if v.is_valid() {
            "verified: the bundle is intact and signed by the given key\n"
        } else {
            "INTEGRITY ONLY: the bundle is intact, but NOT authenticated (no lab key was given; anyone can seal an intact bundle)\n"
        });
        Exit::Success
    } else {
        s.push_str("NOT VERIFIED\n");
        Exit::Failed
    };
    out(&s);
    Ok(exit)
}
