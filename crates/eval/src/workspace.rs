//! The evaluation workspace: a directory of plain, diffable files that is the lab's record.
//!
//! Layout (see README.md): `evaluation.json` (who, what, which ST), `plan.json`, `st/` (the ST
//! and the claimed PPs and packages, byte for byte), `evidence.json` + `evidence/sha256/HEX`,
//! `records.jsonl`, `observations.json`, `tests.json`, `vulns.json`. Each concern has its own
//! file so that a `git diff` shows what a command changed; JSON is pretty-printed and lists are
//! sorted. Commands validate everything before writing, and write whole files atomically.

use std::path::{Path, PathBuf};

use dtsec_check::CheckInput;
use dtsec_model::{Document, DocumentKind, Library, Origin, SourceFile};
use serde::{Deserialize, Serialize};

use crate::evidence::EvidenceManifest;
use crate::observations::{Observation, TestCase};
use crate::plan::{self, Plan, PlanInput};
use crate::records::{self, Record, Verdict};
use crate::store::{self, Lock};
use crate::vulns::{AttackPotential, Vulnerability};
use crate::{EvalError, clock};

/// Format tag of `evaluation.json`.
pub const EVALUATION_FORMAT: &str = "dtsec-eval/1";

/// `evaluation.json`: the evaluation's identity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Always [`EVALUATION_FORMAT`].
    pub format: String,
    /// The TOE, as the ST identifies it.
    pub toe: ToeInfo,
    /// The ST.
    pub st: StInfo,
    /// The claimed PPs and packages, copied into `st/claims/`.
    pub claims: Vec<ClaimInfo>,
    /// The claimed assurance.
    pub assurance: AssuranceInfo,
    /// The sponsor.
    pub sponsor: String,
    /// The evaluation facility.
    pub lab: String,
    /// Who may record verdicts.
    pub evaluators: Vec<String>,
    /// When the workspace was created.
    pub created_at: String,
    /// The dtsec version that created it.
    pub tool: String,
}

/// The TOE's identification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToeInfo {
    /// Product name.
    pub name: String,
    /// Product version.
    pub version: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// TOE type from the PP (e.g. `TT.PUMP`).
    pub toe_type: String,
}

/// The ST's identification and digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StInfo {
    /// ST id.
    pub id: String,
    /// ST version.
    pub version: String,
    /// ST title.
    pub title: String,
    /// CC edition.
    pub edition: String,
    /// The copy in the workspace, relative to it (`st/pump-st.yaml`).
    pub file: String,
    /// SHA-256 of the ST file's bytes.
    pub sha256: String,
}

/// A claimed PP or package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimInfo {
    /// `pp` or `package`.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// `builtin` or the path it was read from.
    pub origin: String,
    /// The copy in the workspace, relative to it.
    pub file: String,
    /// SHA-256 of its text.
    pub sha256: String,
}

/// The claimed assurance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssuranceInfo {
    /// The claimed assurance packages as `id version`.
    pub packages: Vec<String>,
    /// The ST's SARs, sorted.
    pub sars: Vec<String>,
    /// The claimed AVA_VAN component, if any.
    pub ava_van: Option<String>,
    /// The attack potential the TOE must resist.
    pub resists: Option<AttackPotential>,
}

impl Evaluation {
    /// The evaluator's name as recorded, or [`EvalError::UnknownEvaluator`].
    pub fn evaluator(&self, name: &str) -> Result<String, EvalError> {
        let n = name.trim();
        self.evaluators
            .iter()
            .find(|e| e.as_str() == n)
            .or_else(|| self.evaluators.iter().find(|e| e.eq_ignore_ascii_case(n)))
            .cloned()
            .ok_or_else(|| EvalError::UnknownEvaluator {
                name: name.to_string(),
                known: self.evaluators.clone(),
            })
    }
}

/// An open evaluation workspace.
#[derive(Clone, Debug)]
pub struct Workspace {
    root: PathBuf,
    time: clock::TimeSource,
}

/// Everything in a workspace, read at once (for status, report and seal).
#[derive(Clone, Debug)]
pub struct State {
    /// `evaluation.json`.
    pub evaluation: Evaluation,
    /// `plan.json`.
    pub plan: Plan,
    /// `records.jsonl`.
    pub records: Vec<Record>,
    /// `evidence.json`.
    pub evidence: EvidenceManifest,
    /// `observations.json`.
    pub observations: Vec<Observation>,
    /// `tests.json`.
    pub tests: Vec<TestCase>,
    /// `vulns.json`.
    pub vulns: Vec<Vulnerability>,
}

/// What `init` needs besides the directory.
#[derive(Clone, Copy, Debug)]
pub struct InitConfig<'a> {
    /// The ST's source (its bytes are copied and hashed).
    pub st_source: &'a SourceFile,
    /// The parsed ST.
    pub st: &'a Document,
    /// The file name to give the ST copy (`pump-st.yaml`).
    pub st_file_name: &'a str,
    /// Resolves the ST's claims.
    pub library: &'a Library,
    /// The evaluation facility.
    pub lab: &'a str,
    /// The sponsor.
    pub sponsor: &'a str,
    /// The evaluators (at least one).
    pub evaluators: &'a [String],
    /// The user's official CC XML text, for work-unit text in the plan.
    pub cc_xml: Option<&'a str>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ObservationsFile {
    observations: Vec<Observation>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TestsFile {
    tests: Vec<TestCase>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct VulnsFile {
    vulns: Vec<Vulnerability>,
}

fn safe_file_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("st{s}")
    } else {
        s
    }
}

/// Creates a workspace in `dir` (new or empty) for the ST. The ST is checked first; any error
/// refuses with the diagnostics. The workspace is built in a temporary sibling directory and
/// renamed into place, so it appears whole or not at all.
pub fn init(dir: &Path, cfg: InitConfig<'_>) -> Result<Workspace, EvalError> {
    init_at(dir, cfg, clock::TimeSource::System)
}

/// [`init`] with timestamps from `time`: the workspace's creation and, through the returned
/// [`Workspace`], everything recorded and sealed with it.
pub fn init_at(
    dir: &Path,
    cfg: InitConfig<'_>,
    time: clock::TimeSource,
) -> Result<Workspace, EvalError> {
    if cfg.st.kind.value != DocumentKind::SecurityTarget {
        return Err(EvalError::NotASecurityTarget(cfg.st_source.name.clone()));
    }
    let evaluators: Vec<String> = {
        let mut v: Vec<String> = cfg
            .evaluators
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    if evaluators.is_empty() {
        return Err(EvalError::Invalid(
            "an evaluation needs at least one evaluator (--evaluator NAME)".into(),
        ));
    }
    for (what, v) in [("--lab", cfg.lab), ("--sponsor", cfg.sponsor)] {
        if v.trim().is_empty() {
            return Err(EvalError::Invalid(format!("{what} must not be empty")));
        }
    }
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(EvalError::io(dir))?;
        if entries.next().is_some() {
            return Err(EvalError::NotEmpty {
                path: dir.to_owned(),
            });
        }
    }
    let diagnostics = dtsec_check::check(CheckInput {
        source: cfg.st_source,
        document: cfg.st,
        library: cfg.library,
    });
    if diagnostics.iter().any(dtsec_check::Diagnostic::is_error) {
        return Err(EvalError::StHasErrors { diagnostics });
    }
    let plan = plan::build(PlanInput {
        st: cfg.st,
        library: cfg.library,
        cc_xml: cfg.cc_xml,
    })?;

    let st = cfg.st;
    let st_file = format!("st/{}", safe_file_name(cfg.st_file_name));
    let st_bytes = cfg.st_source.text.as_bytes();
    let mut files: Vec<(String, Vec<u8>)> = vec![(st_file.clone(), st_bytes.to_vec())];
    let mut claims = Vec::new();
    let mut packages = Vec::new();
    for (kind, refs) in [
        ("pp", &st.conformance.pps),
        ("package", &st.conformance.packages),
    ] {
        for r in refs {
            let Some(doc) = cfg
                .library
                .find_claimed_by(st, &r.id.value, &r.version.value)
            else {
                continue;
            };
            if kind == "package" {
                packages.push(format!("{} {}", r.id.value, r.version.value));
            }
            let file = format!(
                "st/claims/{}",
                safe_file_name(&format!("{}-{}.yaml", r.id.value, r.version.value))
            );
            let text = doc.source.text.as_bytes();
            files.push((file.clone(), text.to_vec()));
            claims.push(ClaimInfo {
                kind: kind.to_string(),
                id: r.id.value.clone(),
                version: r.version.value.clone(),
                origin: match &doc.origin {
                    Origin::Builtin => "builtin".to_string(),
                    Origin::File(p) => p.display().to_string(),
                },
                file,
                sha256: dtsec_seal::sha256_hex(text),
            });
        }
    }
    let mut sars: Vec<String> = st
        .sars
        .iter()
        .map(|s| s.id.value.trim().to_string())
        .collect();
    sars.sort();
    sars.dedup();
    let ava_van = sars
        .iter()
        .filter(|s| s.starts_with("AVA_VAN."))
        .max()
        .cloned();
    let resists = ava_van.as_deref().and_then(AttackPotential::resisted_by);
    let evaluation = Evaluation {
        format: EVALUATION_FORMAT.to_string(),
        toe: ToeInfo {
            name: st.toe.name.clone().unwrap_or_else(|| st.title.clone()),
            version: st.toe.version.clone().unwrap_or_default(),
            manufacturer: st.toe.manufacturer.clone().unwrap_or_default(),
            toe_type: st
                .toe
                .toe_type
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_default(),
        },
        st: StInfo {
            id: st.id.value.clone(),
            version: st.version.value.clone(),
            title: st.title.clone(),
            edition: plan.edition.clone(),
            file: st_file,
            sha256: dtsec_seal::sha256_hex(st_bytes),
        },
        claims,
        assurance: AssuranceInfo {
            packages,
            sars,
            ava_van,
            resists,
        },
        sponsor: cfg.sponsor.trim().to_string(),
        lab: cfg.lab.trim().to_string(),
        evaluators,
        created_at: time.now(),
        tool: format!("dtsec {}", env!("CARGO_PKG_VERSION")),
    };

    let json = |v: &dyn erased::Json| v.pretty();
    files.push(("evaluation.json".into(), json(&evaluation)));
    files.push(("plan.json".into(), json(&plan)));
    files.push(("evidence.json".into(), json(&EvidenceManifest::default())));
    files.push((
        "observations.json".into(),
        json(&ObservationsFile::default()),
    ));
    files.push(("tests.json".into(), json(&TestsFile::default())));
    files.push(("vulns.json".into(), json(&VulnsFile::default())));
    files.push(("records.jsonl".into(), Vec::new()));
    files.push(("evidence/sha256/.keep".into(), Vec::new()));

    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(EvalError::io(&parent))?;
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workspace".into());
    let tmp = parent.join(format!(".{base}.init-{}", std::process::id()));
    let build = || -> Result<(), EvalError> {
        for (rel, bytes) in &files {
            let path = tmp.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(EvalError::io(p))?;
            }
            store::atomic_write(&path, bytes)?;
        }
        // Renaming over an empty directory replaces it; a non-empty one makes this fail.
        std::fs::rename(&tmp, dir).map_err(EvalError::io(dir))
    };
    if let Err(e) = build() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(Workspace {
        root: dir.to_owned(),
        time,
    })
}

/// Pretty JSON with a final newline for any serializable value (object-safe helper for `init`).
mod erased {
    pub trait Json {
        fn pretty(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> Vec<u8> {
            let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
            s.push('\n');
            s.into_bytes()
        }
    }
}

/// What a verdict record says, before it is numbered and timed.
#[derive(Clone, Debug, Default)]
pub struct RecordRequest {
    /// Work unit or activity id.
    pub unit: String,
    /// The verdict.
    pub verdict: Option<Verdict>,
    /// The evaluator.
    pub by: String,
    /// Evidence digests (full or unique prefixes).
    pub evidence: Vec<String>,
    /// A note.
    pub note: Option<String>,
    /// Observation report ids.
    pub observations: Vec<String>,
}

impl Workspace {
    /// Opens an existing workspace (checks that `evaluation.json` is there).
    pub fn open(dir: &Path) -> Result<Workspace, EvalError> {
        if !dir.join("evaluation.json").is_file() {
            return Err(EvalError::NotAWorkspace {
                path: dir.to_owned(),
            });
        }
        Ok(Workspace {
            root: dir.to_owned(),
            time: clock::TimeSource::System,
        })
    }

    /// This workspace with its timestamps taken from `time` from now on.
    pub fn with_time(self, time: clock::TimeSource) -> Workspace {
        Workspace { time, ..self }
    }

    /// The time now, by this workspace's time source.
    pub(crate) fn now(&self) -> String {
        self.time.now()
    }

    /// The workspace directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads `evaluation.json`.
    pub fn evaluation(&self) -> Result<Evaluation, EvalError> {
        store::read_json(&self.root.join("evaluation.json"))
    }

    /// Reads `plan.json`.
    pub fn plan(&self) -> Result<Plan, EvalError> {
        store::read_json(&self.root.join("plan.json"))
    }

    /// Reads `evidence.json`.
    pub fn evidence(&self) -> Result<EvidenceManifest, EvalError> {
        store::read_json_or(&self.root.join("evidence.json"), EvidenceManifest::default)
    }

    /// Reads `records.jsonl`.
    pub fn records(&self) -> Result<Vec<Record>, EvalError> {
        let path = self.root.join("records.jsonl");
        if !path.exists() {
            return Ok(Vec::new());
        }
        let bytes = store::read_bytes(&path)?;
        let text = String::from_utf8(bytes).map_err(|e| EvalError::Corrupt {
            path: path.clone(),
            message: format!("not UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        })?;
        records::parse_jsonl(&text).map_err(|(line, message)| EvalError::Corrupt {
            path,
            message: format!("record on line {line}: {message}"),
        })
    }

    /// Reads `observations.json`.
    pub fn observations(&self) -> Result<Vec<Observation>, EvalError> {
        store::read_json_or(
            &self.root.join("observations.json"),
            ObservationsFile::default,
        )
        .map(|f| f.observations)
    }

    /// Reads `tests.json`.
    pub fn tests(&self) -> Result<Vec<TestCase>, EvalError> {
        store::read_json_or(&self.root.join("tests.json"), TestsFile::default).map(|f| f.tests)
    }

    /// Reads `vulns.json`.
    pub fn vulns(&self) -> Result<Vec<Vulnerability>, EvalError> {
        store::read_json_or(&self.root.join("vulns.json"), VulnsFile::default).map(|f| f.vulns)
    }

    pub(crate) fn write_observations(&self, v: Vec<Observation>) -> Result<(), EvalError> {
        store::write_json(
            &self.root.join("observations.json"),
            &ObservationsFile { observations: v },
        )
    }

    pub(crate) fn write_tests(&self, v: Vec<TestCase>) -> Result<(), EvalError> {
        store::write_json(&self.root.join("tests.json"), &TestsFile { tests: v })
    }

    pub(crate) fn write_vulns(&self, v: Vec<Vulnerability>) -> Result<(), EvalError> {
        store::write_json(&self.root.join("vulns.json"), &VulnsFile { vulns: v })
    }

    /// Reads every workspace file.
    pub fn load(&self) -> Result<State, EvalError> {
        Ok(State {
            evaluation: self.evaluation()?,
            plan: self.plan()?,
            records: self.records()?,
            evidence: self.evidence()?,
            observations: self.observations()?,
            tests: self.tests()?,
            vulns: self.vulns()?,
        })
    }

    /// The ST copy's bytes.
    pub fn st_bytes(&self) -> Result<Vec<u8>, EvalError> {
        let eval = self.evaluation()?;
        store::read_bytes(&self.root.join(&eval.st.file))
    }

    /// Records a verdict: checks the unit, evaluator, evidence and observation reports, then
    /// appends the record (with `replaces` set to the unit's previous record).
    pub fn record(&self, req: &RecordRequest) -> Result<Record, EvalError> {
        self.record_many(std::slice::from_ref(req))?
            .pop()
            .ok_or_else(|| EvalError::Invalid("nothing recorded".into()))
    }

    /// Records several verdicts in one write, all or none (each checked as by [`Workspace::record`]).
    pub fn record_many(&self, reqs: &[RecordRequest]) -> Result<Vec<Record>, EvalError> {
        let _lock = Lock::acquire(&self.root)?;
        let eval = self.evaluation()?;
        let plan = self.plan()?;
        let manifest = self.evidence()?;
        let known = self.observations()?;
        let mut all = self.records()?;
        let mut out = Vec::new();
        for req in reqs {
            let unit = plan.resolve(&req.unit)?.unit.id.clone();
            let by = eval.evaluator(&req.by)?;
            let verdict = req
                .verdict
                .ok_or_else(|| EvalError::Invalid("a verdict is required".into()))?;
            let mut evidence = Vec::new();
            for d in &req.evidence {
                let full = manifest.resolve(d)?;
                if !evidence.contains(&full) {
                    evidence.push(full);
                }
            }
            let mut observations = Vec::new();
            for o in &req.observations {
                let found = known
                    .iter()
                    .find(|k| k.id.eq_ignore_ascii_case(o.trim()))
                    .ok_or_else(|| EvalError::UnknownObservation(o.clone()))?;
                if !observations.contains(&found.id) {
                    observations.push(found.id.clone());
                }
            }
            if verdict == Verdict::Fail && observations.is_empty() {
                return Err(EvalError::FailWithoutObservation { unit });
            }
            let replaces = all.iter().rev().find(|r| r.unit == unit).map(|r| r.seq);
            let record = Record {
                seq: all.len() as u64 + 1,
                unit,
                verdict,
                by,
                at: self.now(),
                evidence,
                observations,
                note: req.note.clone().filter(|n| !n.trim().is_empty()),
                replaces,
            };
            all.push(record.clone());
            out.push(record);
        }
        let text: String = all.iter().map(records::to_jsonl_line).collect();
        store::atomic_write(&self.root.join("records.jsonl"), text.as_bytes())?;
        Ok(out)
    }
}
