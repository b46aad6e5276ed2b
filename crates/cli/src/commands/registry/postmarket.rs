//! `dtsec registry` postmarket commands (issue 13): upload a certificate's SBOM, sync an advisory
//! set, record an assessment, and the certification body's queue and decisions — thin calls of
//! the registry's JSON API; the registry validates and authorises.

use std::path::Path;

use serde_json::{Value, json};

use super::client::{ClientError, Registry};
use super::{read, seg};

/// The postmarket subcommands that are not one-liners at the top level.
#[derive(clap::Subcommand)]
pub enum PostmarketCommand {
    /// List the certification body's proposed certificate actions, numbered.
    Queue,
    /// Decide queue item N (certification body): open the review, suspend or revoke as
    /// proposed, with the reason; the logged decision names the assessment's hash.
    Act {
        /// The item's number in `dtsec registry postmarket queue`.
        n: usize,
        /// Why (published with the new status).
        #[arg(long)]
        reason: String,
        /// The item's assessment hash as listed, so a queue that moved is refused.
        #[arg(long, value_name = "SHA256")]
        hash: Option<String>,
    },
    /// Publish a vulnerability notice (certification body): the current assessment of VULN on
    /// the certificate as a CSAF 2.0 document (a security advisory when the device is affected,
    /// else VEX), signed with the scheme key and logged; prints the notice id. When the
    /// certificate already has a notice about VULN and the assessment changed, this publishes
    /// that notice's next revision.
    Publish {
        /// The certificate id.
        certificate: String,
        /// The vulnerability id or one of its aliases.
        vuln: String,
    },
}

/// The most advisory records one sync sends (the registry's limit).
const MAX_RECORDS: usize = dtsec_registry::MAX_SYNC_RECORDS;

/// Uploads `file` as the SBOM of `certificate`.
pub fn sbom_upload(r: &Registry, certificate: &str, file: &Path) -> Result<(), ClientError> {
    let meta = std::fs::metadata(file)
        .map_err(|e| ClientError::Usage(format!("{}: {e}", file.display())))?;
    if meta.len() > dtsec_registry::MAX_SBOM_BYTES as u64 {
        return Err(ClientError::Usage(format!(
            "{}: {} bytes, over the registry's limit of {} bytes for an SBOM",
            file.display(),
            meta.len(),
            dtsec_registry::MAX_SBOM_BYTES
        )));
    }
    let text = read(file)?;
    let v = r.post_text(
        &format!("/api/v1/certificates/{}/sbom", seg(certificate)),
        "application/json",
        text,
    )?;
    let created = v["created"].as_bool().unwrap_or(false);
    eprintln!(
        "{} SBOM revision {} of {certificate} ({} components)",
        if created { "stored" } else { "already had" },
        v["sbom"]["revision"],
        v["sbom"]["components"]
    );
    outln!("{}", v["sbom"]["sha256"].as_str().unwrap_or("?"));
    Ok(())
}

/// Reads OSV records from a directory or ZIP (bounded, by `dtsec-advisories`) and syncs them as
/// one JSON array. Files that are not JSON are reported and left out; the registry validates
/// each record against the OSV schema and reports what it refused.
pub fn advisories_sync(r: &Registry, source: &Path) -> Result<(), ClientError> {
    let limits = dtsec_advisories::ImportLimits {
        max_files: MAX_RECORDS,
        ..Default::default()
    };
    let entries = dtsec_advisories::import::read_source(source, &limits)
        .map_err(|e| ClientError::Usage(e.to_string()))?;
    let mut records = Vec::new();
    for e in entries {
        match e {
            dtsec_advisories::import::Entry::File(name, bytes) => {
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(v) => records.push(v),
                    Err(err) => eprintln!("skipped {name}: not JSON ({err})"),
                }
            }
            dtsec_advisories::import::Entry::Refused(name, why) => {
                eprintln!("skipped {name}: {why}");
            }
        }
    }
    let v = r.post_json("/api/v1/advisories/sync", &json!(records))?;
    for rej in v["rejected"].as_array().into_iter().flatten() {
        eprintln!("refused {}", rej.as_str().unwrap_or("?"));
    }
    eprintln!(
        "snapshot {} ({} records{}); {} certificate(s) matched, {} match(es)",
        v["snapshot_id"].as_str().unwrap_or("?"),
        v["records"],
        if v["new"] == json!(false) {
            ", synced before"
        } else {
            ""
        },
        v["certificates_matched"],
        v["matches"]
    );
    outln!("{}", v["snapshot_id"].as_str().unwrap_or("?"));
    Ok(())
}

/// Records the assessment in `file` (a dtsec-vex assessment) for `vuln` on `certificate`.
pub fn assess(r: &Registry, certificate: &str, vuln: &str, file: &Path) -> Result<(), ClientError> {
    let text = read(file)?;
    let body: Value = serde_json::from_str(&text).map_err(|e| {
        ClientError::Usage(format!(
            "{}: line {}, column {}: not JSON ({e}); write a dtsec-vex assessment (docs/vex.md)",
            file.display(),
            e.line(),
            e.column()
        ))
    })?;
    let id = body["vuln"]["id"].as_str().unwrap_or("");
    if id != vuln {
        return Err(ClientError::Usage(format!(
            "{}: /vuln/id is `{id}`, not {vuln}: assess the vulnerability you name",
            file.display()
        )));
    }
    let v = r.post_json(
        &format!("/api/v1/certificates/{}/assessments", seg(certificate)),
        &body,
    )?;
    eprintln!(
        "recorded {} (version {})",
        v["assessment_id"].as_str().unwrap_or("?"),
        v["seq"].as_i64().map_or(0, |s| s + 1)
    );
    outln!("{}", v["hash"].as_str().unwrap_or("?"));
    Ok(())
}

/// Records a new version of the assessment of `vuln` on `certificate`: the latest version the
/// registry holds, changed by `flags`, checked here as `dtsec vex set` checks it, then posted.
pub fn assess_with_flags(
    r: &Registry,
    certificate: &str,
    vuln: &str,
    flags: crate::commands::vex::AssessmentFlags,
) -> Result<(), ClientError> {
    if !flags.any() {
        return Err(ClientError::Usage(
            "say what changes (--state, --action, --date NAME=DATE, …) or give the whole assessment with --file".into(),
        ));
    }
    let all = r.get(&format!(
        "/api/v1/certificates/{}/assessments",
        seg(certificate)
    ))?;
    let latest = all
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| {
            let a = &e["entry"]["assessment"]["vuln"];
            a["id"].as_str() == Some(vuln)
                || a["aliases"]
                    .as_array()
                    .is_some_and(|xs| xs.iter().any(|x| x.as_str() == Some(vuln)))
        })
        .max_by_key(|e| e["seq"].as_i64().unwrap_or(-1))
        .ok_or_else(|| {
            ClientError::Usage(format!(
                "{certificate} has no assessment of {vuln} yet: record the first version with --file (docs/vex.md)"
            ))
        })?;
    let mut a: dtsec_vex::Assessment =
        serde_json::from_value(latest["entry"]["assessment"].clone()).map_err(|e| {
            ClientError::Usage(format!(
                "the registry's latest assessment of {vuln} does not read as a dtsec-vex assessment: {e}"
            ))
        })?;
    flags
        .apply(&mut a)
        .map_err(|e| ClientError::Usage(e.to_string()))?;
    a.validate()
        .map_err(|e| ClientError::Usage(format!("the new version is refused: {e}")))?;
    let body = serde_json::to_value(&a)
        .map_err(|e| ClientError::Usage(format!("the new version: {e}")))?;
    let v = r.post_json(
        &format!("/api/v1/certificates/{}/assessments", seg(certificate)),
        &body,
    )?;
    eprintln!(
        "recorded {} (version {}, {})",
        v["assessment_id"].as_str().unwrap_or("?"),
        v["seq"].as_i64().map_or(0, |s| s + 1),
        a.status.name()
    );
    outln!("{}", v["hash"].as_str().unwrap_or("?"));
    Ok(())
}

/// `dtsec registry postmarket …`.
pub fn postmarket(r: &Registry, cmd: PostmarketCommand) -> Result<(), ClientError> {
    match cmd {
        PostmarketCommand::Queue => {
            let v = r.get("/api/v1/postmarket/queue")?;
            let list = v.as_array().cloned().unwrap_or_default();
            if list.is_empty() {
                eprintln!("nothing is proposed");
            }
            for i in list {
                outln!(
                    "{}  {} ({})  {}  {}  {}  {}",
                    i["n"],
                    i["certificate_id"].as_str().unwrap_or("?"),
                    i["certificate_status"].as_str().unwrap_or("?"),
                    i["kind"].as_str().unwrap_or("?"),
                    i["vuln"].as_str().unwrap_or("?"),
                    i["assessment_hash"].as_str().unwrap_or("-"),
                    i["reason"].as_str().unwrap_or("")
                );
            }
        }
        PostmarketCommand::Act { n, reason, hash } => {
            let v = r.post_json(
                &format!("/api/v1/postmarket/queue/{n}/act"),
                &json!({"reason": reason, "assessment_hash": hash}),
            )?;
            eprintln!(
                "{}: {} ({} on {})",
                v["certificate"]["certificate_id"].as_str().unwrap_or("?"),
                v["certificate"]["status"].as_str().unwrap_or("?"),
                v["item"]["kind"].as_str().unwrap_or("?"),
                v["item"]["vuln"].as_str().unwrap_or("?")
            );
            outln!("{}", v["certificate"]["status"].as_str().unwrap_or("?"));
        }
        PostmarketCommand::Publish { certificate, vuln } => {
            let v = r.post_json(
                &format!("/api/v1/certificates/{}/notices", seg(&certificate)),
                &json!({"vuln": vuln}),
            )?;
            eprintln!(
                "published {} revision {} ({}, {}) about {} of {certificate} at {} (sha256 {})",
                v["notice_id"].as_str().unwrap_or("?"),
                v["revision"].as_i64().unwrap_or(0),
                v["category"].as_str().unwrap_or("?"),
                v["tracking_status"].as_str().unwrap_or("?"),
                v["vuln"].as_str().unwrap_or("?"),
                v["path"].as_str().unwrap_or("?"),
                v["sha256"].as_str().unwrap_or("?")
            );
            outln!("{}", v["notice_id"].as_str().unwrap_or("?"));
        }
    }
    Ok(())
}
