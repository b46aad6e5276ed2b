//! `dtsec log export|audit|monitor`: mirror, audit and follow the registry's transparency log
//! of certification decisions. The checks are `dtsec_tlog`'s (`audit`, proofs from tiles) and
//! the entries' meaning is `dtsec_registry::transparency`'s; this file fetches, compares with
//! what the registry's API says, prints, and maps outcomes to exit status: 0 all good, 1 a
//! problem was found (named, with the entry's index), 2 the log or registry could not be read
//! or the command was wrong.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dtsec_registry::transparency::{CertificateEntry, Decision, LabEntry};
use dtsec_tlog::Storage as _;
use dtsec_tlog::layout::CHECKPOINT_PATH;
use dtsec_tlog::storage::read_checkpoint;
use dtsec_tlog::{
    Audited, Checkpoint, FileStorage, Hash, StorageError, TileReader, TileSource, Verifier,
    audit_bounded, leaf_hash, verify_inclusion,
};

use crate::error::{CliError, CliResult, Exit};
use crate::logclient::{
    ClientError, Registry, Source, State, check_extends, default_state_path, latest_checkpoint,
    read_vkey, remember, seen,
};

/// Where the log comes from.
#[derive(clap::Args, Debug, Clone)]
#[group(id = "from", required = true, multiple = false, args = ["registry", "dir"])]
pub struct FromArgs {
    /// A running registry's base URL, e.g. https://registry.example or http://127.0.0.1:8080
    /// (a private CA: DTSEC_CA_CERT=CA.pem).
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,
    /// A log directory (with `checkpoint` and `tile/`), or a registry data directory holding
    /// one in `log/`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The log's key and the memory of what was seen.
#[derive(clap::Args, Debug, Clone)]
pub struct KeyArgs {
    /// The log's verifier key (`name+id+key`, as served at /log/vkey). Default: the data
    /// directory's log.pub, else the key pinned in the state file, else the registry's
    /// /log/vkey trusted on first use (and then pinned).
    #[arg(long = "log-key", value_name = "LOG.vkey")]
    pub log_key: Option<PathBuf>,
    /// The state file that remembers the last checkpoint seen of each log, to detect a rollback
    /// or a fork. Default: $XDG_STATE_HOME/dtsec/logs.json (~/.local/state/dtsec/logs.json);
    /// used by default with --registry, and with --dir only when given.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// The most entries a signed checkpoint may claim before the log is refused unread: every
    /// entry costs the audit about 64 bytes of memory and a share of the downloads.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ENTRIES)]
    pub max_entries: u64,
}

/// The registry's transparency log of certification decisions.
#[derive(clap::Subcommand)]
pub enum LogCommand {
    /// Write the log (checkpoint, tiles, entry bundles) as static files into DIR, after auditing
    /// it; an earlier export of the same log in DIR is brought up to date, anything else is
    /// refused.
    Export {
        /// The directory to write (any web server can serve it as a mirror).
        out: PathBuf,
        #[command(flatten)]
        from: FromArgs,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Recompute the whole tree from the entries, check every tile, the checkpoint's signature
    /// and root, every entry's form and the revisions' order; with --registry, also that the
    /// registry's current statuses, proofs and approved labs agree with the log.
    Audit {
        #[command(flatten)]
        from: FromArgs,
        #[command(flatten)]
        keys: KeyArgs,
        /// With --registry: an API token of the scheme administrator or a certifier (or
        /// DTSEC_TOKEN); the audit trail is then read whole, its hash chain recomputed, and
        /// compared with the head the log's latest decision published (a deleted or edited row
        /// no longer leads to it). Never printed.
        #[arg(
            long,
            env = "DTSEC_TOKEN",
            hide_env_values = true,
            value_name = "TOKEN"
        )]
        token: Option<String>,
    },
    /// Follow a registry's log: print every new entry, check each new checkpoint against the one
    /// before.
    Monitor {
        /// The registry's base URL (http:// or https://).
        #[arg(long, value_name = "URL")]
        registry: String,
        #[command(flatten)]
        keys: KeyArgs,
        /// Check once and exit (for scripts and tests).
        #[arg(long)]
        once: bool,
        /// Seconds between checks (1 to 3600).
        #[arg(long, value_name = "SECS", default_value_t = 60,
              value_parser = clap::value_parser!(u64).range(1..=3600))]
        interval: u64,
    },
}

/// Runs a `dtsec log` command.
pub fn run(command: LogCommand) -> CliResult {
    match command {
        LogCommand::Export { out, from, keys } => export(&out, &from, &keys),
        LogCommand::Audit { from, keys, token } => audit_command(&from, &keys, token.as_deref()),
        LogCommand::Monitor {
            registry,
            keys,
            once,
            interval,
        } => monitor(&registry, &keys, once, interval),
    }
}

impl From<ClientError> for CliError {
    /// What a verifier found is a failure (1); what stopped it makes the log unusable (2).
    fn from(e: ClientError) -> CliError {
        match &e {
            ClientError::Inconsistent(_) | ClientError::Checkpoint(_) => CliError::failed(&e)
                .with_help(
                    "the log does not match what its key signed or what was seen before; keep the state file as evidence and report it to the scheme",
                ),
            ClientError::Http { reason, .. } => match crate::http::certificate_hint(reason) {
                Some(h) => CliError::unusable(&e).with_help(h),
                None => CliError::unusable(&e),
            },
            _ => CliError::unusable(&e),
        }
    }
}

/// The opened source, its verifier, and the state (with its path) when it is used.
struct Opened {
    source: Source,
    verifier: Verifier,
    state: Option<(State, PathBuf)>,
    max_entries: u64,
}

fn open(from: &FromArgs, keys: &KeyArgs) -> Result<Opened, ClientError> {
    let (source, dir_vkey) = match (&from.registry, &from.dir) {
        (Some(url), _) => (Source::Registry(Registry::new(url)?), None),
        (None, Some(dir)) => Source::dir(dir)?,
        (None, None) => return Err(ClientError::Key("give --registry URL or --dir DIR".into())),
    };
    let state_path = match (&keys.state, &source) {
        (Some(p), _) => Some(p.clone()),
        (None, Source::Registry(_)) => default_state_path(),
        (None, Source::Dir(..)) => None,
    };
    let state = match state_path {
        Some(p) => Some((State::load(&p)?, p)),
        None => None,
    };
    let verifier = resolve_key(
        keys.log_key.as_deref(),
        &source,
        dir_vkey.as_deref(),
        state.as_ref().map(|s| &s.0),
    )?;
    Ok(Opened {
        source,
        verifier,
        state,
        max_entries: keys.max_entries,
    })
}

/// The log key: given, beside the data directory, pinned in the state, or fetched (trust on
/// first use, said so).
pub fn resolve_key(
    given: Option<&Path>,
    source: &Source,
    dir_vkey: Option<&Path>,
    state: Option<&State>,
) -> Result<Verifier, ClientError> {
    if let Some(p) = given {
        return read_vkey(p);
    }
    if let Some(p) = dir_vkey {
        crate::error::note(format_args!("using the log key in {}", p.display()));
        return read_vkey(p);
    }
    match source {
        Source::Registry(r) => {
            let served = r.log_vkey()?;
            let pinned = state.and_then(|s| s.logs.get(served.name()));
            match pinned {
                Some(p) if p.vkey == served.to_vkey() => Ok(served),
                Some(p) => Err(ClientError::Key(format!(
                    "{} now serves log key {}, but {} was pinned before: a log's key never changes",
                    r.base(),
                    served.to_vkey(),
                    p.vkey
                ))),
                None => {
                    crate::error::note(format_args!(
                        "trusting the log key served by {} on first use: {} (pin it with --log-key)",
                        r.base(),
                        served.to_vkey()
                    ));
                    Ok(served)
                }
            }
        }
        Source::Dir(_, p) => Err(ClientError::Key(format!(
            "no log key for {}: give --log-key LOG.vkey (the registry serves it at /log/vkey)",
            p.display()
        ))),
    }
}

/// A log source whose checkpoint is the one already verified, so that the audit judges the
/// checkpoint that was checked against the state file, not a second answer of the server.
struct Pinned<'a> {
    source: &'a Source,
    signed: &'a [u8],
}

impl TileSource for Pinned<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        if path == CHECKPOINT_PATH {
            return Ok(self.signed.to_vec());
        }
        self.source.read(path)
    }
}

/// The default of `--max-entries`: 2^22 entries, about 270 MB of tree hashes held by the
/// audit. A scheme's decisions are far fewer; a larger signed size is an attack or a mistake.
pub const DEFAULT_MAX_ENTRIES: u64 = 1 << 22;

/// Audits the log behind `checkpoint` from `source`, streaming: each object is read once,
/// handed to `visit` and dropped. A checkpoint larger than `max_entries` is refused before
/// anything else is fetched.
fn audit_streaming<F>(
    source: &Source,
    checkpoint: &Checkpoint,
    signed: &[u8],
    verifier: &Verifier,
    max_entries: u64,
    visit: F,
) -> Result<dtsec_tlog::AuditReport, CliError>
where
    F: FnMut(&Audited<'_>) -> Result<(), StorageError>,
{
    let pinned = Pinned { source, signed };
    audit_bounded(&pinned, verifier, max_entries, visit).map_err(|e| match e {
        dtsec_tlog::Error::TooLarge { size, limit } => CliError::unusable(format!(
            "the log's signed checkpoint claims {size} entries, more than the {limit} this command checks; refusing to fetch its tiles"
        ))
        .with_help(
            "a checkpoint this large is almost certainly hostile or broken; if the log really is this large, raise --max-entries",
        ),
        dtsec_tlog::Error::Storage(e) if !matches!(e, StorageError::NotFound { .. }) => {
            CliError::unusable(format!("{}: {e}", source.describe()))
        }
        other => CliError::failed(other).with_help(format!(
            "the log in {} does not match its signed checkpoint (size {}, root {})",
            source.describe(),
            checkpoint.size,
            checkpoint.root
        )),
    })
}

/// Checks the latest checkpoint against the one seen before; returns it.
fn advance(o: &Opened) -> Result<(Checkpoint, Vec<u8>), ClientError> {
    let (checkpoint, signed) = latest_checkpoint(&o.source, &o.verifier)?;
    if let Some((state, _)) = &o.state
        && let Some(old) = seen(state, &o.verifier)?
    {
        check_extends(&o.source, &old, &checkpoint)?;
    }
    Ok((checkpoint, signed))
}

fn save(o: &mut Opened, checkpoint: &Checkpoint, signed: &[u8]) -> Result<(), ClientError> {
    let where_ = o.source.describe();
    if let Some((state, path)) = &mut o.state {
        remember(state, &o.verifier, checkpoint, signed, &where_);
        state.save(path)?;
    }
    Ok(())
}

fn export(out: &Path, from: &FromArgs, keys: &KeyArgs) -> CliResult {
    let mut o = open(from, keys)?;
    let (checkpoint, signed) = advance(&o)?;
    if checkpoint.size > keys.max_entries {
        // Refused before the mirror is even opened.
        audit_streaming(
            &o.source,
            &checkpoint,
            &signed,
            &o.verifier,
            keys.max_entries,
            |_| Ok(()),
        )?;
    }
    let target = FileStorage::open(out).map_err(|e| ClientError::File {
        path: out.display().to_string(),
        reason: e.to_string(),
    })?;
    let file_err = |e: StorageError| ClientError::File {
        path: out.display().to_string(),
        reason: e.to_string(),
    };
    let existing = read_checkpoint(&target).map_err(file_err)?;
    if let Some(bytes) = &existing {
        let old = Checkpoint::open(bytes, &o.verifier).map_err(|e| ClientError::File {
            path: out.display().to_string(),
            reason: format!(
                "holds a checkpoint that is not this log's ({e}); refusing to overwrite it"
            ),
        })?;
        let mirror = Source::Dir(dtsec_tlog::DirSource::new(out), out.to_path_buf());
        // The new tree must extend the exported one; its tiles prove it.
        check_extends(&o.source, &old, &checkpoint).map_err(|e| match e {
            ClientError::Inconsistent(m) => ClientError::Inconsistent(format!(
                "{m} (the export in {} is not an earlier state of this log)",
                mirror.describe()
            )),
            other => other,
        })?;
    }
    // Objects are written as the audit checks them, a batch at a time, and the checkpoint last:
    // until it is swapped nothing written is referenced. An object the mirror holds already is
    // never replaced (tiles are immutable): a different one means the log was rewritten.
    let mut pending: Vec<(String, Vec<u8>)> = Vec::new();
    let mut count = 0u64;
    let flush = |pending: &mut Vec<(String, Vec<u8>)>| -> Result<(), StorageError> {
        target.write_all(pending)?;
        pending.clear();
        Ok(())
    };
    let audited = audit_streaming(
        &o.source,
        &checkpoint,
        &signed,
        &o.verifier,
        keys.max_entries,
        |obj| {
            count += 1;
            match target.read(obj.path) {
                Ok(held) if held == obj.bytes => return Ok(()),
                Ok(_) => {
                    return Err(StorageError::Other(format!(
                        "{} in {} differs from the log's: the exported log was rewritten",
                        obj.path,
                        out.display()
                    )));
                }
                Err(StorageError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
            pending.push((obj.path.to_string(), obj.bytes.to_vec()));
            if pending.len() >= 512 {
                flush(&mut pending)?;
            }
            Ok(())
        },
    );
    match audited {
        Ok(_) => {}
        Err(e) if e.exit() == Exit::Unusable => return Err(e),
        Err(e) => {
            return Err(CliError::failed(format!(
                "refusing to export a log that does not audit: {e}"
            )));
        }
    }
    flush(&mut pending).map_err(file_err)?;
    target
        .swap_checkpoint(existing.as_deref(), &signed)
        .map_err(file_err)?;
    save(&mut o, &checkpoint, &signed)?;
    outln!(
        "exported {} entries ({count} tiles and entry bundles) of {} to {}",
        checkpoint.size,
        checkpoint.origin,
        out.display()
    );
    outln!(
        "checkpoint: size {}, root {}",
        checkpoint.size,
        checkpoint.root
    );
    Ok(Exit::Success)
}

/// What the log says now: the latest entry of each certificate and lab, and what is wrong with
/// the entries themselves.
#[derive(Default)]
struct Replay {
    certificates: BTreeMap<String, (u64, CertificateEntry)>,
    labs: BTreeMap<String, (u64, LabEntry)>,
    problems: Vec<String>,
    /// The audit chain's head as the latest entry carrying one published it: (entry index,
    /// (row count, head)).
    audit_head: Option<(u64, (u64, String))>,
}

impl Replay {
    /// Takes in entry `index`, in the log's order.
    fn push(&mut self, index: u64, e: &[u8]) {
        match Decision::parse(e) {
            Ok(Decision::Certificate(c)) => {
                let expected = self
                    .certificates
                    .get(&c.certificate_id)
                    .map_or(1, |(_, prev)| prev.revision + 1);
                if c.revision != expected {
                    self.problems.push(format!(
                        "entry {index}: certificate {} revision {} follows revision {} in the log: a decision is missing or out of order",
                        c.certificate_id,
                        c.revision,
                        expected - 1
                    ));
                }
                self.certificates
                    .insert(c.certificate_id.clone(), (index, c));
            }
            Ok(Decision::Lab(l)) => {
                self.labs.insert(l.lab_org.clone(), (index, l));
            }
            Ok(Decision::Etr(_) | Decision::Notice(_)) => {}
            Err(err) => self.problems.push(format!("entry {index}: {err}")),
        }
    }
}

/// Compares what the registry's API says with the log: current statuses, the entries behind its
/// proofs, the devices it lists, the labs it calls approved.
fn cross_check(
    registry: &Registry,
    r: &Replay,
    leaves: &[Hash],
) -> Result<Vec<String>, ClientError> {
    let mut problems = Vec::new();
    for (id, (index, entry)) in &r.certificates {
        let status = match registry.get_json(&format!("/api/v1/certificates/{id}/status")) {
            Ok(v) => v,
            Err(ClientError::NotFound { .. }) => {
                problems.push(format!(
                    "certificate {id}: in the log (entry {index}) but unknown to the registry"
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        let (s, rev) = (
            status["status"].as_str().unwrap_or(""),
            status["revision"].as_u64().unwrap_or(0),
        );
        if s != entry.status || rev != entry.revision {
            problems.push(format!(
                "certificate {id}: the registry says {s} (revision {rev}), but the log's latest entry for it ({index}) says {} (revision {})",
                entry.status, entry.revision
            ));
        }
        // The document the registry hands out must be the one the log's latest entry names.
        match registry.get(&format!("/certificates/{id}.json")) {
            Ok(bytes) => {
                let served = dtsec_seal::Sealed::from_json(&String::from_utf8_lossy(&bytes))
                    .ok()
                    .map(|s| {
                        let revision = s.payload.get("revision").and_then(serde_json::Value::as_u64);
                        (revision, s.payload_sha256())
                    });
                match served {
                    Some((Some(rev), sha))
                        if rev == entry.revision && sha == entry.certificate_sha256 => {}
                    Some((rev, sha)) => problems.push(format!(
                        "certificate {id}: the registry serves a document (revision {}, SHA-256 {sha}) that is not the one the log's latest entry ({index}) names (revision {}, SHA-256 {}): the certificate was altered",
                        rev.map_or("?".into(), |r| r.to_string()),
                        entry.revision,
                        entry.certificate_sha256
                    )),
                    None => problems.push(format!(
                        "certificate {id}: the registry serves a document that is not a sealed certificate"
                    )),
                }
            }
            Err(ClientError::NotFound { .. }) => problems.push(format!(
                "certificate {id}: in the log (entry {index}) but the registry serves no document for it"
            )),
            Err(e) => return Err(e),
        }
        match registry.get_json(&format!("/api/v1/certificates/{id}/proof")) {
            Ok(p) => {
                let at = p["log_index"].as_u64();
                let text = p["entry"].as_str().unwrap_or("");
                let logged = at.and_then(|i| leaves.get(usize::try_from(i).ok()?));
                if logged != Some(&leaf_hash(text.as_bytes())) {
                    problems.push(format!(
                        "certificate {id}: the registry's record of revision {} differs from log entry {}: its decision record was altered",
                        p["revision"], at.map_or("?".into(), |i| i.to_string())
                    ));
                }
            }
            Err(ClientError::NotFound { detail, .. }) => problems.push(format!(
                "certificate {id}: the registry has no log entry for its current revision ({}): its decision record was deleted",
                detail.unwrap_or_default()
            )),
            Err(ClientError::Http { reason, .. }) => problems.push(format!(
                "certificate {id}: the registry cannot prove its current revision: {reason}"
            )),
            Err(e) => return Err(e),
        }
    }
    let devices = registry.get_json("/api/v1/devices")?;
    for d in devices.as_array().into_iter().flatten() {
        let id = d["certificate_id"].as_str().unwrap_or("");
        if !r.certificates.contains_key(id) {
            problems.push(format!(
                "certificate {id}: listed by the registry ({}) but never in the log",
                d["status"].as_str().unwrap_or("?")
            ));
        }
    }
    let labs = registry.get_json("/api/v1/labs")?;
    for l in labs.as_array().into_iter().flatten() {
        let org = l["org_id"].as_str().unwrap_or("");
        let name = l["name"].as_str().unwrap_or(org);
        match r.labs.get(org) {
            Some((_, e))
                if e.state == "approved"
                    && e.approved_until.as_deref() == l["approved_until"].as_str()
                    && e.key_id.as_deref() == l["key_id"].as_str() => {}
            Some((index, e)) => problems.push(format!(
                "lab {name}: the registry lists it as approved until {} with key {}, but the log's latest entry for it ({index}) says {} until {} with key {}",
                l["approved_until"].as_str().unwrap_or("?"),
                l["key_id"].as_str().unwrap_or("?"),
                e.state,
                e.approved_until.as_deref().unwrap_or("-"),
                e.key_id.as_deref().unwrap_or("-"),
            )),
            None => problems.push(format!(
                "lab {name}: listed as approved by the registry but never in the log"
            )),
        }
    }
    Ok(problems)
}

fn audit_command(from: &FromArgs, keys: &KeyArgs, token: Option<&str>) -> CliResult {
    let mut o = open(from, keys)?;
    let (checkpoint, signed) = advance(&o)?;
    // Only what the replay needs is kept: each certificate's and lab's latest entry, and one
    // leaf hash per entry (to compare the registry's proofs with the log).
    let mut r = Replay::default();
    let mut leaves: Vec<Hash> = Vec::new();
    let report = audit_streaming(
        &o.source,
        &checkpoint,
        &signed,
        &o.verifier,
        keys.max_entries,
        |obj| {
            for (i, e) in obj.entries.iter().enumerate() {
                if let Some(head) = dtsec_registry::audit_chain::published_head(e) {
                    r.audit_head = Some((obj.first_index + i as u64, head));
                }
                r.push(obj.first_index + i as u64, e);
                leaves.push(leaf_hash(e));
            }
            Ok(())
        },
    )?;
    outln!(
        "log {}: {} entries, root {}; signature verified with key {}",
        checkpoint.origin,
        checkpoint.size,
        checkpoint.root,
        o.verifier.to_vkey()
    );
    outln!(
        "recomputed from {} entry bundles and {} tiles: every leaf, every tile and the root match",
        report.bundles,
        report.tiles
    );
    let mut problems = r.problems.clone();
    outln!(
        "entries: {} certificates and {} labs decided",
        r.certificates.len(),
        r.labs.len()
    );
    if let Source::Registry(registry) = &o.source {
        let found = cross_check(registry, &r, &leaves)?;
        if found.is_empty() {
            outln!(
                "the registry's statuses, proofs, listed devices and approved labs agree with the log"
            );
        }
        problems.extend(found);
        if let Some(t) = token {
            problems.extend(check_audit_chain(registry, t, r.audit_head.as_ref())?);
        }
    }
    if let Some((state, _)) = &o.state
        && state.logs.contains_key(o.verifier.name())
    {
        outln!("consistent with the checkpoint seen before");
    }
    save(&mut o, &checkpoint, &signed)?;
    // Each problem is a finding of its own; the audit's result is the summary line.
    for p in &problems {
        crate::error::print(&CliError::failed(p));
    }
    if problems.is_empty() {
        outln!("audit passed");
        Ok(Exit::Success)
    } else {
        eprintln!("audit failed: {} problem(s)", problems.len());
        Ok(Exit::Failed)
    }
}

/// The largest audit trail read (rows); a larger one is refused rather than read unbounded.
const MAX_AUDIT_ROWS: u64 = 10_000_000;

/// Reads the whole audit trail in pages, recomputes its hash chain, and checks that the row the
/// published head counts to has that head. Problems found are returned; what stops the check
/// (no access, a broken answer) is an error.
fn check_audit_chain(
    registry: &Registry,
    token: &str,
    published: Option<&(u64, (u64, String))>,
) -> Result<Vec<String>, ClientError> {
    let Some((index, (count, head))) = published else {
        outln!("audit trail: the log publishes no head of its chain yet");
        return Ok(Vec::new());
    };
    let mut link = dtsec_registry::audit_chain::GENESIS.to_string();
    let (mut n, mut after, mut at_count) = (0u64, 0i64, None);
    if *count == 0 {
        at_count = Some(link.clone());
    }
    loop {
        let page = registry.get_json_as(
            &format!("/api/v1/audit?after={after}&limit=1000"),
            Some(token),
        )?;
        let rows = page.as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        for v in &rows {
            let bad = |what: &str| ClientError::Protocol {
                url: format!("{}/api/v1/audit", registry.base()),
                reason: format!("an audit record without {what}"),
            };
            let s = |k: &str| v[k].as_str().map(str::to_string).ok_or_else(|| bad(k));
            let row = dtsec_registry::AuditEntry {
                seq: v["seq"].as_i64().ok_or_else(|| bad("seq"))?,
                at: s("at")?,
                actor: s("actor")?,
                actor_role: s("actor_role")?,
                action: s("action")?,
                entity: s("entity")?,
                entity_id: s("entity_id")?,
                before: v["before"].as_str().map(str::to_string),
                after: v["after"].as_str().map(str::to_string),
            };
            if row.seq <= after {
                return Err(bad("an increasing seq"));
            }
            after = row.seq;
            link = dtsec_registry::audit_chain::link(&link, &row);
            n += 1;
            if n == *count {
                at_count = Some(link.clone());
            }
            if n > MAX_AUDIT_ROWS {
                return Err(ClientError::Protocol {
                    url: format!("{}/api/v1/audit", registry.base()),
                    reason: format!("more than {MAX_AUDIT_ROWS} audit records"),
                });
            }
        }
    }
    Ok(match at_count {
        Some(l) if l == *head => {
            outln!(
                "audit trail: {n} records; the hash chain leads to the head published in log entry {index} (record {count})"
            );
            Vec::new()
        }
        Some(l) => vec![format!(
            "audit trail: the chain over its first {count} records is {l}, but log entry {index} published {head}: a record was deleted or edited"
        )],
        None => vec![format!(
            "audit trail: {n} records, but log entry {index} published a chain of {count}: records were deleted"
        )],
    })
}

fn monitor(url: &str, keys: &KeyArgs, once: bool, interval: u64) -> CliResult {
    let from = FromArgs {
        registry: Some(url.to_string()),
        dir: None,
    };
    let mut o = open(&from, keys)?;
    loop {
        match monitor_round(&mut o) {
            Ok(()) => {}
            Err(
                e @ (ClientError::Inconsistent(_)
                | ClientError::Checkpoint(_)
                | ClientError::Key(_)),
            ) => {
                return Err(e.into());
            }
            Err(e) if once => return Err(e.into()),
            // A registry that is briefly unreachable is not an alarm; try again next round.
            Err(e) => crate::error::warning(format_args!("{e}; retrying in {interval} s")),
        }
        if once {
            return Ok(Exit::Success);
        }
        std::thread::sleep(std::time::Duration::from_secs(interval));
    }
}

fn monitor_round(o: &mut Opened) -> Result<(), ClientError> {
    let (checkpoint, signed) = advance(o)?;
    let start = match &o.state {
        Some((state, _)) => seen(state, &o.verifier)?.map_or(0, |c| c.size),
        None => 0,
    };
    let new = checkpoint.size.saturating_sub(start);
    if new > o.max_entries {
        return Err(ClientError::Inconsistent(format!(
            "the log's signed checkpoint claims {new} new entries, more than the {} this command checks (--max-entries)",
            o.max_entries
        )));
    }
    if checkpoint.size > start {
        outln!(
            "checkpoint {} size {} root {}",
            checkpoint.origin,
            checkpoint.size,
            checkpoint.root
        );
        let reader = TileReader::new(&o.source, checkpoint.size);
        for index in start..checkpoint.size {
            let bad = |e: dtsec_tlog::Error| {
                ClientError::Inconsistent(format!(
                    "entry {index} does not match the checkpoint of size {}: {e}",
                    checkpoint.size
                ))
            };
            let entry = reader.entry(index).map_err(bad)?;
            let proof = reader.inclusion_proof(index).map_err(bad)?;
            verify_inclusion(&entry, index, &proof, &checkpoint).map_err(|e| bad(e.into()))?;
            match Decision::parse(&entry) {
                Ok(d) => outln!("{index}\t{}\t{}", d.at(), d.summary()),
                Err(e) => outln!("{index}\t-\tunreadable entry: {e}"),
            }
        }
    }
    save(o, &checkpoint, &signed)
}
