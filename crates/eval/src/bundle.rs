//! The sealed ETR bundle: everything the verdict rests on, signed by the lab, and its
//! verification.
//!
//! Why this shape: a certification body must be able to check, without trusting the lab's
//! workspace, that the overall verdict follows from the recorded verdicts and that nothing
//! changed after sealing. The payload holds named sections (evaluation, ST digest, plan,
//! records, evidence manifest, observation reports, tests, vulnerabilities, roll-up) and a
//! `digests` map with the SHA-256 of each section's canonical JSON; the lab's Ed25519
//! signature (dtsec-seal) covers the canonical JSON of the whole payload. The signature is
//! what proves integrity; the per-section digests let the verifier say *which* part was
//! changed, and recomputing the roll-up from the records says *which record* disagrees.

use std::path::{Path, PathBuf};

use dtsec_seal::{SealError, Sealed, SigningKey, VerifyingKey, canonical_json, sha256_hex};
use serde_json::{Map, Value, json};

use crate::evidence::{EvidenceItem, check_items, store_path};
use crate::plan::Plan;
use crate::records::{Record, Verdict, history_problems};
use crate::rollup::{Rollup, roll_up};
use crate::workspace::{Evaluation, State};
use crate::{EvalError, Workspace, store};

/// The `kind` of an ETR bundle payload.
pub const BUNDLE_KIND: &str = "dtsec-etr-bundle/1";

/// The payload sections, in order; each has an entry in `digests`.
pub const SECTIONS: [&str; 9] = [
    "evaluation",
    "st",
    "plan",
    "records",
    "evidence",
    "observations",
    "tests",
    "vulns",
    "rollup",
];

fn section_label(name: &str) -> &'static str {
    match name {
        "evaluation" => "the evaluation's identification",
        "st" => "the ST digest",
        "plan" => "the work-unit plan",
        "records" => "the verdict records",
        "evidence" => "the evidence manifest",
        "observations" => "the observation reports",
        "tests" => "the test cases",
        "vulns" => "the vulnerability analysis",
        "rollup" => "the roll-up",
        _ => "a section",
    }
}

fn digest(v: &Value) -> String {
    format!("sha256:{}", sha256_hex(&canonical_json(v)))
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Builds the bundle payload from a workspace's state and the ST file's bytes.
pub fn payload(state: &State, st_bytes: &[u8], sealed_at: &str) -> Value {
    let rollup = roll_up(&state.plan, &state.records);
    let e = &state.evaluation;
    let mut sections = Map::new();
    sections.insert("evaluation".into(), to_value(e));
    sections.insert(
        "st".into(),
        json!({
            "id": e.st.id,
            "version": e.st.version,
            "file": e.st.file,
            "sha256": sha256_hex(st_bytes),
        }),
    );
    sections.insert("plan".into(), to_value(&state.plan));
    sections.insert("records".into(), to_value(&state.records));
    sections.insert("evidence".into(), to_value(&state.evidence.items));
    sections.insert("observations".into(), to_value(&state.observations));
    sections.insert("tests".into(), to_value(&state.tests));
    sections.insert("vulns".into(), to_value(&state.vulns));
    sections.insert("rollup".into(), to_value(&rollup));
    let digests: Map<String, Value> = SECTIONS
        .iter()
        .map(|s| ((*s).to_string(), Value::String(digest(&sections[*s]))))
        .collect();
    let mut p = Map::new();
    p.insert("kind".into(), json!(BUNDLE_KIND));
    p.insert("sealed_at".into(), json!(sealed_at));
    p.insert(
        "tool".into(),
        json!(format!("dtsec {}", env!("CARGO_PKG_VERSION"))),
    );
    p.insert("overall".into(), to_value(&rollup.overall));
    for (k, v) in sections {
        p.insert(k, v);
    }
    p.insert("digests".into(), Value::Object(digests));
    Value::Object(p)
}

/// The workspace state a sealed bundle's payload was made from (the inverse of [`payload`]), so
/// whoever holds only the bundle — the certification body reviewing it — can render the same ETR
/// the lab saw (`report::report_html`, `report::report_pdf`). The payload is not verified here
/// (see [`verify_bundle`]); a missing or malformed section is an error naming it.
pub fn state_from_payload(payload: &Value) -> Result<State, EvalError> {
    fn take<T: serde::de::DeserializeOwned>(payload: &Value, name: &str) -> Result<T, EvalError> {
        let v = payload.get(name).ok_or_else(|| {
            EvalError::Invalid(format!(
                "the ETR bundle has no `{name}` section ({})",
                section_label(name)
            ))
        })?;
        serde_json::from_value(v.clone()).map_err(|e| {
            EvalError::Invalid(format!(
                "the ETR bundle's `{name}` section ({}) is malformed: {e}",
                section_label(name)
            ))
        })
    }
    Ok(State {
        evaluation: take(payload, "evaluation")?,
        plan: take(payload, "plan")?,
        records: take(payload, "records")?,
        evidence: crate::evidence::EvidenceManifest {
            items: take(payload, "evidence")?,
        },
        observations: take(payload, "observations")?,
        tests: take(payload, "tests")?,
        vulns: take(payload, "vulns")?,
    })
}

/// Seals a workspace: refuses if the ST copy, the stored evidence or the record history is
/// inconsistent, then signs the payload.
pub fn seal_workspace(ws: &Workspace, key: &SigningKey) -> Result<Sealed, EvalError> {
    let state = ws.load()?;
    let st_bytes = ws.st_bytes()?;
    let st_now = sha256_hex(&st_bytes);
    if st_now != state.evaluation.st.sha256 {
        return Err(EvalError::Invalid(format!(
            "{}: the ST copy changed since init (sha256 {st_now}, recorded {}); the evaluation is of the recorded ST",
            ws.root().join(&state.evaluation.st.file).display(),
            state.evaluation.st.sha256
        )));
    }
    let problems = ws.check_evidence()?;
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(EvalError::Invalid(format!(
            "refusing to seal: {}",
            list.join("; ")
        )));
    }
    let history = history_problems(&state.records);
    if !history.is_empty() {
        return Err(EvalError::Invalid(format!(
            "refusing to seal: {}",
            history.join("; ")
        )));
    }
    Ok(dtsec_seal::seal(payload(&state, &st_bytes, &ws.now()), key))
}

/// What the signature check found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// Valid signature by this key.
    Valid {
        /// The key id.
        key_id: String,
    },
    /// A signature by this key that does not match the payload.
    Invalid {
        /// The key id.
        key_id: String,
    },
    /// The bundle carries no signature by the given key.
    NotSignedByKey {
        /// The given key's id.
        key_id: String,
        /// The key ids that did sign.
        signed_by: Vec<String>,
    },
    /// No key was given.
    NotChecked {
        /// The key ids that signed.
        signed_by: Vec<String>,
    },
    /// The signature is unusable for another reason (format, algorithm).
    Error(String),
}

/// The result of verifying a bundle.
#[derive(Clone, Debug)]
pub struct Verification {
    /// The signature check.
    pub signature: SignatureCheck,
    /// Everything that is wrong, one sentence each; empty when the bundle is intact.
    pub problems: Vec<String>,
    /// Things worth knowing that are not wrong.
    pub notes: Vec<String>,
    /// The overall verdict recomputed from the records (when they could be read).
    pub overall: Option<Verdict>,
    /// The TOE and ST, for the summary line.
    pub evaluation: Option<Evaluation>,
}

impl Verification {
    /// True when the signature is valid and nothing is wrong.
    pub fn is_valid(&self) -> bool {
        matches!(self.signature, SignatureCheck::Valid { .. }) && self.problems.is_empty()
    }

    /// True when nothing is wrong (the signature may be unchecked).
    pub fn is_intact(&self) -> bool {
        !matches!(
            self.signature,
            SignatureCheck::Invalid { .. }
                | SignatureCheck::NotSignedByKey { .. }
                | SignatureCheck::Error(_)
        ) && self.problems.is_empty()
    }
}

/// What to verify against.
#[derive(Clone, Copy, Debug, Default)]
pub struct VerifyOptions<'a> {
    /// The lab's public key.
    pub key: Option<&'a VerifyingKey>,
    /// A workspace, evidence store or directory of the evidence files.
    pub evidence: Option<&'a Path>,
}

fn section<T: serde::de::DeserializeOwned>(
    payload: &Value,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<T> {
    let Some(v) = payload.get(name) else {
        problems.push(format!(
            "section `{name}` ({}) is missing",
            section_label(name)
        ));
        return None;
    };
    match serde_json::from_value::<T>(v.clone()) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(format!(
                "section `{name}` ({}) is malformed: {e}",
                section_label(name)
            ));
            None
        }
    }
}

/// Verifies a sealed bundle's text. Fails only when the text is not a sealed document at all.
pub fn verify_bundle(text: &str, opts: VerifyOptions<'_>) -> Result<Verification, EvalError> {
    let sealed = Sealed::from_json(text)?;
    let payload = &sealed.payload;
    let mut problems = Vec::new();
    let mut notes = Vec::new();

    if payload.get("kind").and_then(Value::as_str) != Some(BUNDLE_KIND) {
        problems.push(format!(
            "payload kind is {}, expected {BUNDLE_KIND}",
            payload
                .get("kind")
                .map_or("missing".into(), ToString::to_string)
        ));
    }

    // Which sections no longer match their digests.
    let digests = payload.get("digests").and_then(Value::as_object);
    let mut changed: Vec<&str> = Vec::new();
    match digests {
        None => problems.push("the section digests are missing".into()),
        Some(d) => {
            for name in SECTIONS {
                let want = d.get(name).and_then(Value::as_str);
                let have = payload.get(name).map(digest);
                if want != have.as_deref() {
                    changed.push(name);
                }
            }
        }
    }

    let signed_by: Vec<String> = sealed.signed_by().iter().map(|s| s.to_string()).collect();
    let signature = match opts.key {
        None => SignatureCheck::NotChecked { signed_by },
        Some(k) => match sealed.verify(k) {
            Ok(_) => SignatureCheck::Valid { key_id: k.key_id() },
            Err(SealError::SignatureInvalid { key_id }) => SignatureCheck::Invalid { key_id },
            Err(SealError::UnknownKey { key_id }) => {
                SignatureCheck::NotSignedByKey { key_id, signed_by }
            }
            Err(e) => SignatureCheck::Error(e.to_string()),
        },
    };
    match (&signature, changed.is_empty()) {
        (SignatureCheck::Invalid { .. }, false) => problems.push(format!(
            "signature invalid: payload modified ({})",
            changed.iter().map(|s| format!("{s}: {}", section_label(s))).collect::<Vec<_>>().join("; ")
        )),
        (SignatureCheck::Invalid { .. }, true) => problems.push(
            "signature invalid: the signature does not match the payload (the signature was altered, or the payload together with its digests)".into(),
        ),
        _ => {}
    }
    for name in &changed {
        problems.push(format!(
            "section `{name}` ({}) was modified after sealing: it no longer matches its sealed digest",
            section_label(name)
        ));
    }

    let evaluation: Option<Evaluation> = section(payload, "evaluation", &mut problems);
    let plan: Option<Plan> = section(payload, "plan", &mut problems);
    let records: Option<Vec<Record>> = section(payload, "records", &mut problems);
    let evidence: Option<Vec<EvidenceItem>> = section(payload, "evidence", &mut problems);
    let sealed_rollup: Option<Rollup> = section(payload, "rollup", &mut problems);
    let st = payload.get("st").cloned().unwrap_or(Value::Null);
    let st_sha = st.get("sha256").and_then(Value::as_str).map(str::to_string);

    if let (Some(e), Some(sha)) = (&evaluation, &st_sha)
        && &e.st.sha256 != sha
    {
        problems.push(format!(
            "the ST digest ({sha}) differs from the one the evaluation was started on ({})",
            e.st.sha256
        ));
    }

    let mut overall = None;
    if let (Some(plan), Some(records)) = (&plan, &records) {
        problems.extend(history_problems(records));
        for r in records {
            if plan.find(&r.unit).is_none() {
                problems.push(format!(
                    "record {} ({}) is for a unit that is not in the plan",
                    r.seq, r.unit
                ));
            }
            if r.verdict == Verdict::Fail && r.observations.is_empty() {
                problems.push(format!(
                    "record {} ({}) is a fail without an observation report",
                    r.seq, r.unit
                ));
            }
            if let Some(e) = &evaluation
                && !e.evaluators.contains(&r.by)
            {
                problems.push(format!(
                    "record {} ({}) is by {}, who is not an evaluator of this evaluation",
                    r.seq, r.unit, r.by
                ));
            }
            if let Some(ev) = &evidence {
                for d in &r.evidence {
                    if !ev.iter().any(|i| &i.digest == d) {
                        problems.push(format!(
                            "record {} ({}) cites evidence {d}, which is not in the evidence manifest",
                            r.seq, r.unit
                        ));
                    }
                }
            }
        }
        let recomputed = roll_up(plan, records);
        overall = Some(recomputed.overall);
        if let Some(sealed_rollup) = &sealed_rollup {
            compare_rollups(&recomputed, sealed_rollup, records, &mut problems);
        }
        if payload.get("overall") != Some(&to_value(&recomputed.overall)) {
            problems.push(format!(
                "the stated overall verdict {} differs from the one the records give ({})",
                payload
                    .get("overall")
                    .map_or("(missing)".into(), ToString::to_string),
                recomputed.overall
            ));
        }
    }

    if let (Some(dir), Some(items)) = (opts.evidence, &evidence) {
        check_evidence_dir(
            dir,
            items,
            st_sha.as_deref(),
            evaluation.as_ref(),
            records.as_deref(),
            &mut problems,
            &mut notes,
        );
    }
    if opts.evidence.is_none() {
        notes.push("evidence files not checked (give --evidence DIR)".into());
    }
    Ok(Verification {
        signature,
        problems,
        notes,
        overall,
        evaluation,
    })
}

fn compare_rollups(
    recomputed: &Rollup,
    sealed: &Rollup,
    records: &[Record],
    problems: &mut Vec<String>,
) {
    let now = recomputed.unit_verdicts();
    let then = sealed.unit_verdicts();
    for (id, u) in &now {
        match then.get(id) {
            None => problems.push(format!(
                "unit {id} is in the plan but not in the signed roll-up"
            )),
            Some(s) if s.verdict != u.verdict || s.record != u.record => {
                let which = u
                    .record
                    .or(s.record)
                    .map_or_else(|| format!("unit {id}"), |n| format!("record {n} ({id})"));
                let say =
                    |v: Option<Verdict>| v.map_or("no verdict".to_string(), |v| v.to_string());
                let rec_verdict = u
                    .record
                    .and_then(|n| records.iter().find(|r| r.seq == n))
                    .map(|r| r.verdict);
                problems.push(format!(
                    "{which} verdict differs from the signed roll-up: the records give {}, the signed roll-up {}",
                    say(rec_verdict.or(u.verdict)),
                    say(s.verdict)
                ));
            }
            Some(_) => {}
        }
    }
    for id in then.keys() {
        if !now.contains_key(id) {
            problems.push(format!(
                "unit {id} is in the signed roll-up but not in the plan"
            ));
        }
    }
    if recomputed.overall != sealed.overall {
        problems.push(format!(
            "overall verdict differs: the records give {}, the signed roll-up {}",
            recomputed.overall, sealed.overall
        ));
    }
    for (a, b) in recomputed.classes.iter().zip(&sealed.classes) {
        if a.id == b.id && a.verdict != b.verdict {
            problems.push(format!(
                "class {} verdict differs: the records give {}, the signed roll-up {}",
                a.id, a.verdict, b.verdict
            ));
        }
    }
}

fn check_evidence_dir(
    dir: &Path,
    items: &[EvidenceItem],
    st_sha: Option<&str>,
    evaluation: Option<&Evaluation>,
    records: Option<&[Record]>,
    problems: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let roots: Vec<PathBuf> = vec![dir.join("evidence"), dir.to_owned()];
    let found = check_items(items, |i| {
        let mut c: Vec<PathBuf> = roots.iter().map(|r| store_path(r, &i.digest)).collect();
        c.push(dir.join(i.hex()));
        c.push(dir.join(&i.name));
        c
    });
    problems.extend(found.iter().map(ToString::to_string));
    // When DIR is the workspace itself, also compare its ST copy and its records.
    if !dir.join("evaluation.json").is_file() {
        return;
    }
    if let (Some(e), Some(sha)) = (evaluation, st_sha) {
        match store::read_bytes(&dir.join(&e.st.file)) {
            Ok(b) => {
                let now = sha256_hex(&b);
                if now != sha {
                    problems.push(format!(
                        "ST file {} changed: sha256 {now}, sealed {sha}",
                        e.st.file
                    ));
                }
            }
            Err(err) => problems.push(format!("ST file {} unreadable: {err}", e.st.file)),
        }
    }
    if let (Ok(ws), Some(sealed)) = (Workspace::open(dir), records) {
        match ws.records() {
            Ok(now) => {
                for (a, b) in sealed.iter().zip(&now) {
                    if a != b {
                        problems.push(format!(
                            "record {} ({}) in the workspace differs from the sealed record",
                            a.seq, a.unit
                        ));
                    }
                }
                if now.len() < sealed.len() {
                    problems.push(format!(
                        "the workspace has {} records, fewer than the {} sealed",
                        now.len(),
                        sealed.len()
                    ));
                } else if now.len() > sealed.len() {
                    notes.push(format!(
                        "the workspace has {} records recorded after sealing",
                        now.len() - sealed.len()
                    ));
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
}
