//! `dtsec verify` with the transparency log: a certificate bundle offline (scheme key + log
//! key), and a certificate (or bundle) online against a registry (`--registry URL`): the
//! current status, the log entry behind it, and the log's consistency with the checkpoint seen
//! last time (kept in the state file).
//!
//! Exit status: 0 verified and the certificate is currently valid; 1 a check failed (named) or
//! the certificate is not valid now (suspended, revoked, archived); 2 unusable input, keys or
//! registry.

use std::path::{Path, PathBuf};

use dtsec_registry::transparency::{CertificateBundle, CertificateEntry, Decision};
use dtsec_registry::{Certificate, verify_certificate};
use dtsec_seal::{Sealed, VerifyingKey};
use dtsec_tlog::{Checkpoint, TileReader, Verifier, verify_inclusion};

use super::log::resolve_key;
use crate::error::{CliError, CliResult, Exit};
use crate::logclient::{
    ClientError, Registry, Source, State, check_extends, default_state_path, latest_checkpoint,
    read_vkey, remember, seen,
};

/// `dtsec verify`'s transparency-log options.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LogArgs {
    /// Check online against this registry (e.g. https://registry.example or
    /// http://127.0.0.1:8080): the current status, its log entry, and the log's consistency with the last
    /// checkpoint seen.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,
    /// The transparency log's verifier key (`name+id+key`, served at /log/vkey). Required for a
    /// bundle offline; online, the key pinned in the state file or the registry's (trusted on
    /// first use) is used when omitted.
    #[arg(long = "log-key", value_name = "LOG.vkey")]
    pub log_key: Option<PathBuf>,
    /// The state file remembering the last checkpoint seen (default
    /// $XDG_STATE_HOME/dtsec/logs.json, or ~/.local/state/dtsec/logs.json).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Judge validity (expiry) as of this day, YYYY-MM-DD, instead of today by the system clock.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub at: Option<String>,
}

/// A YYYY-MM-DD day, checked.
fn parse_day(s: &str) -> Result<String, String> {
    dtsec_registry::Date::parse(s)
        .map(|d| d.to_string())
        .map_err(|e| format!("{e} (use YYYY-MM-DD)"))
}

/// The day validity is judged on: `--at`, or today by the system clock. Not
/// `SOURCE_DATE_EPOCH`, which build and CI environments set to a past date for reproducible
/// output and which must not make an expired certificate look valid.
fn judgement_day(log: &LogArgs) -> String {
    if let Some(day) = &log.at {
        return day.clone();
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    dtsec_registry::Date::from_unix(secs).to_string()
}

fn is_valid_status(status: &str) -> bool {
    matches!(status, "active" | "maintained" | "under-review")
}

/// Whether a verified certificate revision is valid as it stands, offline: its own status, and
/// its expiry date against the judgement day (`--at`, or today by the system clock). An authentic
/// document that says "revoked", or has expired, must not pass a script that reads only the
/// exit status. Prints the verdict; returns the exit status (valid, or failed when not).
pub(super) fn offline_validity(cert: &Certificate, log: &LogArgs) -> Exit {
    let today = judgement_day(log);
    let today = today.as_str();
    if !is_valid_status(&cert.status) {
        outln!(
            "verified, but NOT VALID: revision {} of certificate {} says {}",
            cert.revision,
            cert.certificate_id,
            cert.status
        );
        Exit::Failed
    } else if cert.expiry_date.as_str() < today {
        outln!(
            "verified, but NOT VALID: certificate {} expired on {}",
            cert.certificate_id,
            cert.expiry_date
        );
        Exit::Failed
    } else {
        outln!(
            "valid:        as of this revision ({}); ask the registry whether a later one changed the status",
            cert.status
        );
        Exit::Success
    }
}

/// A certificate bundle, offline.
pub fn bundle_offline(file: &Path, text: &str, key: Option<&Path>, log: &LogArgs) -> CliResult {
    let (Some(key), Some(log_key)) = (key, log.log_key.as_deref()) else {
        return Err(CliError::unusable(format!(
            "{} is a certificate bundle; give the scheme's key and the log's key",
            file.display()
        ))
        .with_help(
            "dtsec verify BUNDLE --key scheme.pub --log-key log.vkey (the registry serves them at /scheme.pub and /log/vkey), or add --registry URL to check online",
        ));
    };
    let scheme = dtsec_seal::load_verifying_key(key)?;
    let verifier = read_vkey(log_key)?;
    let bundle = CertificateBundle::from_json(text)
        .map_err(|e| CliError::unusable(format!("{}: {e}", file.display())))?;
    match bundle.verify(&scheme, &verifier) {
        Ok(v) => {
            print_certificate(&v.certificate);
            outln!(
                "verified: signed by the scheme key {}; its log entry {} is in checkpoint {} (size {}, root {}) signed by the log key {}",
                scheme.key_id(),
                v.log_index,
                v.checkpoint.origin,
                v.checkpoint.size,
                v.checkpoint.root,
                verifier.name()
            );
            Ok(offline_validity(&v.certificate, log))
        }
        Err(e) => Err(CliError::failed(format!("{}: {e}", file.display())).with_help(
            "the bundle was altered, or its certificate or checkpoint was not signed by these keys",
        )),
    }
}

/// What every verification prints of a certificate first (offline or online, bare or bundled).
pub(super) fn print_certificate(cert: &Certificate) {
    outln!(
        "certificate {} (revision {}): {} {} by {}",
        cert.certificate_id,
        cert.revision,
        cert.product_name,
        cert.product_version,
        cert.manufacturer
    );
    outln!("TOE type:     {}", cert.toe_type);
    outln!("status:       {} (as of {})", cert.status, cert.issued_at);
    outln!(
        "valid:        {} to {}",
        cert.certification_date,
        cert.expiry_date
    );
}

/// Why online verification stopped: a finding (exit 1) or an obstacle (exit 2).
enum Stop {
    Finding(String),
    Client(ClientError),
}

impl From<ClientError> for Stop {
    fn from(e: ClientError) -> Stop {
        Stop::Client(e)
    }
}

impl From<Stop> for CliError {
    fn from(stop: Stop) -> CliError {
        match stop {
            Stop::Finding(m) => CliError::failed(m).with_help(
                "the registry's answers do not match its signed transparency log; do not rely on this certificate's status and report it to the scheme",
            ),
            Stop::Client(e) => e.into(),
        }
    }
}

/// The entry at `index` of the tree `checkpoint` commits to, read from the tiles and proven
/// included; it must be the entry the registry's API gave.
fn check_in_log(
    source: &Source,
    checkpoint: &Checkpoint,
    index: u64,
    api_entry: &str,
    what: &str,
) -> Result<(), Stop> {
    let reader = TileReader::new(source, checkpoint.size);
    let logged = reader.entry(index).map_err(|e| {
        Stop::Finding(format!(
            "{what}: log entry {index} cannot be read from the tiles: {e}"
        ))
    })?;
    let proof = reader.inclusion_proof(index).map_err(|e| {
        Stop::Finding(format!(
            "{what}: no inclusion proof for entry {index} from the tiles: {e}"
        ))
    })?;
    verify_inclusion(&logged, index, &proof, checkpoint).map_err(|e| {
        Stop::Finding(format!(
            "{what}: log entry {index} as served is not in the signed tree: {e}"
        ))
    })?;
    if logged != api_entry.as_bytes() {
        return Err(Stop::Finding(format!(
            "{what}: the registry's decision record differs from log entry {index}: the record was altered after it was published"
        )));
    }
    Ok(())
}

/// The registry's entry and log index for a certificate revision.
fn proof_of(
    registry: &Registry,
    id: &str,
    revision: u64,
) -> Result<(u64, String, CertificateEntry), Stop> {
    let path = format!("/api/v1/certificates/{id}/proof?revision={revision}");
    let p = match registry.get_json(&path) {
        Ok(p) => p,
        Err(ClientError::NotFound { detail, .. }) => {
            return Err(Stop::Finding(format!(
                "certificate {id} revision {revision} has no entry in the registry's transparency log ({}): the decision was never published or its record was deleted",
                detail.unwrap_or_default()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let bad = |reason: &str| {
        Stop::Client(ClientError::Protocol {
            url: format!("{}{path}", registry.base()),
            reason: reason.into(),
        })
    };
    let index = p["log_index"].as_u64().ok_or_else(|| bad("no log_index"))?;
    let text = p["entry"]
        .as_str()
        .ok_or_else(|| bad("no entry"))?
        .to_string();
    let entry = match Decision::parse(text.as_bytes()) {
        Ok(Decision::Certificate(c)) if c.certificate_id == id && c.revision == revision => c,
        Ok(other) => {
            return Err(Stop::Finding(format!(
                "the registry's log entry {index} for certificate {id} revision {revision} is about something else: {}",
                other.summary()
            )));
        }
        Err(e) => return Err(Stop::Finding(format!("log entry {index}: {e}"))),
    };
    Ok((index, text, entry))
}

/// Online verification: valid now, NOT VALID, or why it stopped.
pub fn online(file: &Path, text: &str, key: Option<&Path>, log: &LogArgs, url: &str) -> CliResult {
    online_inner(file, text, key, log, url).map_err(CliError::from)
}

fn online_inner(
    file: &Path,
    text: &str,
    key: Option<&Path>,
    log: &LogArgs,
    url: &str,
) -> Result<Exit, Stop> {
    let registry = Registry::new(url)?;
    // The document: a bundle or a plain certificate.
    let (sealed_text, bundle) = if CertificateBundle::is_bundle(text) {
        let b = CertificateBundle::from_json(text).map_err(|e| ClientError::File {
            path: file.display().to_string(),
            reason: e.to_string(),
        })?;
        (b.certificate.to_string(), Some(b))
    } else {
        (text.to_string(), None)
    };
    let scheme = match key {
        Some(k) => dtsec_seal::load_verifying_key(k)
            .map_err(|e| ClientError::Key(format!("unusable scheme key {}: {e}", k.display())))?,
        None => {
            let pem = registry.get("/scheme.pub")?;
            let k = VerifyingKey::from_public_pem(&String::from_utf8_lossy(&pem)).map_err(|e| {
                ClientError::Protocol {
                    url: format!("{url}/scheme.pub"),
                    reason: e.to_string(),
                }
            })?;
            crate::error::note(format_args!(
                "using the scheme key served by the registry ({}); pin it with --key scheme.pub",
                k.key_id()
            ));
            k
        }
    };
    let cert = verify_certificate(&sealed_text, &scheme).map_err(|e| {
        Stop::Finding(format!(
            "{}: {e} (altered, or not signed by scheme key {})",
            file.display(),
            scheme.key_id()
        ))
    })?;
    let payload_sha = Sealed::from_json(&sealed_text)
        .map(|s| s.payload_sha256())
        .map_err(|e| Stop::Finding(e.to_string()))?;
    print_certificate(&cert);
    outln!(
        "signature:    verified with the scheme key {}",
        scheme.key_id()
    );

    // The log: key, state, latest checkpoint, consistency with what was seen before.
    let state_path = log.state.clone().or_else(default_state_path);
    let mut state = match &state_path {
        Some(p) => State::load(p)?,
        None => State::default(),
    };
    let source = Source::Registry(registry);
    let verifier: Verifier = resolve_key(log.log_key.as_deref(), &source, None, Some(&state))?;
    let registry = source
        .registry()
        .ok_or_else(|| ClientError::Key("not a registry".into()))?;
    let (mut checkpoint, mut signed) = latest_checkpoint(&source, &verifier)?;
    let before = seen(&state, &verifier)?;
    if let Some(old) = &before {
        check_extends(&source, old, &checkpoint)?;
    }
    // A bundle's checkpoint was seen too: the log must extend it.
    if let Some(b) = &bundle {
        let v = b
            .verify(&scheme, &verifier)
            .map_err(|e| Stop::Finding(format!("{}: {e}", file.display())))?;
        check_extends(&source, &v.checkpoint, &checkpoint)?;
    }

    // The current status, and the log entry that must back it.
    let status = registry.get_json(&format!(
        "/api/v1/certificates/{}/status",
        cert.certificate_id
    ))?;
    let current_status = status["status"].as_str().unwrap_or("").to_string();
    let current_revision = status["revision"].as_u64().unwrap_or(0);
    let (index, entry_text, entry) = proof_of(registry, &cert.certificate_id, current_revision)?;
    if index >= checkpoint.size {
        // Published after the checkpoint was read: read the newer one (and prove it extends).
        let (newer, newer_signed) = latest_checkpoint(&source, &verifier)?;
        check_extends(&source, &checkpoint, &newer)?;
        (checkpoint, signed) = (newer, newer_signed);
    }
    if index >= checkpoint.size {
        return Err(Stop::Finding(format!(
            "certificate {}: the registry's current status is log entry {index}, but the published log has only {} entries: the published log is behind the registry (rolled back?)",
            cert.certificate_id, checkpoint.size
        )));
    }
    if entry.status != current_status {
        return Err(Stop::Finding(format!(
            "certificate {}: the registry says its status is {current_status} (revision {current_revision}), but the log's entry {index} for revision {current_revision} says {}",
            cert.certificate_id, entry.status
        )));
    }
    check_in_log(
        &source,
        &checkpoint,
        index,
        &entry_text,
        &format!(
            "certificate {} revision {current_revision}",
            cert.certificate_id
        ),
    )?;
    outln!(
        "registry:     status {current_status} (revision {current_revision}), backed by log entry {index}"
    );

    // The document's own revision is in the log too.
    if cert.revision > current_revision {
        return Err(Stop::Finding(format!(
            "certificate {}: this document is revision {}, but the registry's current revision is {current_revision}",
            cert.certificate_id, cert.revision
        )));
    }
    let (doc_index, doc_entry) = if cert.revision == current_revision {
        (index, entry.clone())
    } else {
        let (i, t, e) = proof_of(registry, &cert.certificate_id, cert.revision)?;
        check_in_log(
            &source,
            &checkpoint,
            i,
            &t,
            &format!(
                "certificate {} revision {}",
                cert.certificate_id, cert.revision
            ),
        )?;
        (i, e)
    };
    doc_entry
        .check_matches(&cert, &payload_sha)
        .map_err(|e| Stop::Finding(format!("{}: {e}", file.display())))?;
    outln!(
        "log:          this document is log entry {doc_index}; checkpoint {} size {} root {} verified with the log key",
        checkpoint.origin,
        checkpoint.size,
        checkpoint.root
    );
    match &before {
        Some(old) if old.size == checkpoint.size => outln!(
            "consistency:  the same checkpoint as seen before (size {})",
            checkpoint.size
        ),
        Some(old) => outln!(
            "consistency:  the log extends the checkpoint seen before (size {} → {})",
            old.size,
            checkpoint.size
        ),
        None => outln!("consistency:  first checkpoint seen of this log; remembered for next time"),
    }
    remember(
        &mut state,
        &verifier,
        &checkpoint,
        &signed,
        &source.describe(),
    );
    if let Some(p) = &state_path {
        state.save(p)?;
    }
    if cert.revision < current_revision {
        outln!(
            "note:         a later revision ({current_revision}) exists; download it from the registry"
        );
    }
    // The verdict rests on signed data only: the current revision's signed document (this one,
    // or the registry's latest, which must be the one the log's entry names), never on the
    // status API's unsigned fields, which a database edit can change.
    let current = if cert.revision == current_revision {
        cert
    } else {
        current_document(registry, &scheme, &entry)?
    };
    let status = current.status.as_str();
    let expiry = current.expiry_date.as_str();
    let today = judgement_day(log);
    if is_valid_status(status) && expiry < today.as_str() {
        outln!(
            "verified, but NOT VALID: certificate {} expired on {expiry} (the registry has not archived it yet)",
            current.certificate_id
        );
        Ok(Exit::Failed)
    } else if is_valid_status(status) {
        outln!(
            "verified: certificate {} is {status} until {expiry}",
            current.certificate_id
        );
        Ok(Exit::Success)
    } else {
        outln!(
            "verified, but NOT VALID: certificate {} is {status}",
            current.certificate_id
        );
        Ok(Exit::Failed)
    }
}

/// The registry's latest signed revision of a certificate: signed by the scheme key, and the
/// very document that `entry` (the log's entry for the current revision, already proven in the
/// log) names by its revision and payload digest.
fn current_document(
    registry: &Registry,
    scheme: &VerifyingKey,
    entry: &CertificateEntry,
) -> Result<Certificate, Stop> {
    let (id, revision) = (entry.certificate_id.as_str(), entry.revision);
    let bytes = registry.get(&format!("/certificates/{id}.json"))?;
    let text = String::from_utf8_lossy(&bytes);
    let doc = verify_certificate(&text, scheme).map_err(|e| {
        Stop::Finding(format!(
            "certificate {id}: the registry's current document does not verify: {e}"
        ))
    })?;
    if doc.certificate_id != id || doc.revision != revision {
        return Err(Stop::Finding(format!(
            "certificate {id}: the registry serves revision {} of {} as the current document, but its current revision is {revision}",
            doc.revision, doc.certificate_id
        )));
    }
    let sha = Sealed::from_json(&text)
        .map(|s| s.payload_sha256())
        .map_err(|e| Stop::Finding(e.to_string()))?;
    entry.check_matches(&doc, &sha).map_err(|e| {
        Stop::Finding(format!(
            "certificate {id}: the registry's current document is not the one its log entry names: {e}"
        ))
    })?;
    Ok(doc)
}
