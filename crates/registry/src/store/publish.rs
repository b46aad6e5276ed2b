//! The publisher: sequences the `decision_log` outbox into the transparency log (issue 6).
//!
//! Every certification decision writes its entry into `decision_log` in the transaction that
//! makes the decision. After commit, the store calls [`Store::publish_log`], which appends every
//! row not yet published to a [`dtsec_tlog::Log`] in `DATA_DIR/log/` (C2SP tiles and a signed
//! checkpoint, servable as static files) and records each row's log index in
//! `decision_log_index`. [`Store::open`] calls it too, to catch up after a crash.
//!
//! Idempotence: the Merkle log is appended (durably, checkpoint last) **before** the indices are
//! recorded. If the process dies between the two, the log holds entries the database does not
//! yet know as published; the next run compares them byte for byte with the oldest unpublished
//! rows and records their indices without appending again. Anything else — a log shorter than
//! the database says, or an entry that differs — is refused with a message naming it.
//!
//! Order: rows are published in `seq` order. On SQLite writers are serialised (`BEGIN
//! IMMEDIATE`); on PostgreSQL [`super::TableDecisionLog`] locks the table for the rest of the
//! decision's transaction, so `seq` order is commit order and no row can commit behind one
//! already published.
//!
//! The log key is `DATA_DIR/log.key`, a signed-note private key (`PRIVATE+KEY+origin+id+key`,
//! mode 0600) created at first open, with its verifier key in `log.pub`; like the scheme key, it
//! is never replaced silently: the database records the verifier key and refuses another.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use dtsec_tlog::{FileStorage, Log, Signer, StorageError, Verifier};
use rand_core::RngCore as _;
use sqlx::{AnyPool, Row};

use super::Store;
use crate::error::{RegistryError, Result};

/// The log's directory inside the data directory.
pub const LOG_DIR: &str = "log";
/// The log key's file name in the data directory.
pub const LOG_KEY_FILE: &str = "log.key";
/// The log's verifier key (`name+id+key`) beside it.
pub const LOG_VKEY_FILE: &str = "log.pub";
/// The default origin line of the log's checkpoints.
pub const DEFAULT_LOG_ORIGIN: &str = "dtsec.invalid/registry-log";

/// The open log, owned by one store (and its clones).
pub(crate) struct Publisher {
    pub(super) log: tokio::sync::Mutex<Log<FileStorage>>,
    verifier: Verifier,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("verifier", &self.verifier)
            .finish_non_exhaustive()
    }
}

fn log_err(what: impl std::fmt::Display) -> RegistryError {
    RegistryError::Log(what.to_string())
}

/// Opens (creating when new) the log of a data directory. `Ok(None)` when another process holds
/// the log's lock: that process publishes, this one only writes the outbox.
pub(crate) async fn open(
    pool: &AnyPool,
    data_dir: &Path,
    origin: &str,
) -> Result<Option<Publisher>> {
    let signer = log_key(pool, data_dir, origin).await?;
    let verifier = signer.verifier();
    let storage = match FileStorage::open(data_dir.join(LOG_DIR)) {
        Ok(s) => s,
        Err(StorageError::Locked { .. }) => return Ok(None),
        Err(e) => return Err(log_err(e)),
    };
    let existing = dtsec_tlog::storage::read_checkpoint(&storage).map_err(log_err)?;
    let log = match existing {
        Some(_) => Log::open(storage, signer),
        None => Log::create(storage, signer),
    }
    .map_err(log_err)?;
    Ok(Some(Publisher {
        log: tokio::sync::Mutex::new(log),
        verifier,
    }))
}

/// Loads or creates `log.key`, refusing a key other than the one the database recorded.
async fn log_key(pool: &AnyPool, dir: &Path, origin: &str) -> Result<Signer> {
    let key_path = dir.join(LOG_KEY_FILE);
    let recorded: Option<String> = sqlx::query("SELECT value FROM settings WHERE key = 'log_vkey'")
        .fetch_optional(pool)
        .await?
        .map(|r| r.try_get::<String, _>("value"))
        .transpose()?;
    let signer = if key_path.exists() {
        let text = std::fs::read_to_string(&key_path)
            .map_err(|e| log_err(format!("cannot read {}: {e}", key_path.display())))?;
        Signer::from_skey(text.trim())
            .map_err(|e| log_err(format!("{}: {e}", key_path.display())))?
    } else if let Some(vkey) = &recorded {
        return Err(log_err(format!(
            "the database was created with log key {vkey}, but {} is missing; restore it from backup (refusing to create a new key: published checkpoints name the old one)",
            key_path.display()
        )));
    } else {
        let mut seed = [0u8; 32];
        rand_core::OsRng.fill_bytes(&mut seed);
        let signer = Signer::new(origin, &seed).map_err(|e| {
            log_err(format!(
                "the log origin `{origin}` is not a valid key name: {e}"
            ))
        })?;
        write_new(&key_path, &signer.to_skey(), true)?;
        write_new(
            &dir.join(LOG_VKEY_FILE),
            &signer.verifier().to_vkey(),
            false,
        )?;
        signer
    };
    if signer.name() != origin {
        return Err(log_err(format!(
            "{} is the key of log `{}`, but the configured origin is `{origin}`",
            key_path.display(),
            signer.name()
        )));
    }
    let vkey = signer.verifier().to_vkey();
    match recorded {
        Some(r) if r != vkey => Err(log_err(format!(
            "{} holds log key {vkey}, but the database was created with log key {r}",
            key_path.display()
        ))),
        Some(_) => Ok(signer),
        None => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ('log_vkey', $1)")
                .bind(&vkey)
                .execute(pool)
                .await?;
            Ok(signer)
        }
    }
}

/// Writes a new file (never replacing one), mode 0600 when `secret`, synced.
fn write_new(path: &Path, text: &str, secret: bool) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = opts
        .open(path)
        .map_err(|e| log_err(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| log_err(format!("cannot write {}: {e}", path.display())))
}

impl Store {
    /// Publishes every decision not yet in the transparency log, in order, and returns the log's
    /// size. Idempotent; the store calls it after each decision and at open. `Ok(0)`-like no-op
    /// when this store has no log (disabled, or another process holds it).
    pub async fn publish_log(&self) -> Result<u64> {
        let Some(p) = &self.publisher else {
            return Ok(0);
        };
        let mut log = p.log.lock().await;
        // What is published so far, from the last published decision: indices are given in
        // decision order from 0 without gaps (below, and `check_against_log` at open holds the
        // rows to that), so the last one's index plus one is the count. One primary-key read,
        // where `COUNT(*)` read the whole index on every decision (the scale fill slowed with N).
        let last =
            sqlx::query("SELECT seq, log_index FROM decision_log_index ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        let (published, last_seq) = match last {
            Some(row) => {
                let index: i64 = row.try_get("log_index")?;
                let published = u64::try_from(index).map_err(|_| {
                    log_err(format!("decision_log_index holds a negative index {index}"))
                })? + 1;
                (published, row.try_get::<i64, _>("seq")?)
            }
            None => (0, 0),
        };
        let pending: Vec<(i64, String)> =
            sqlx::query("SELECT seq, entry FROM decision_log WHERE seq > $1 ORDER BY seq")
                .bind(last_seq)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("seq")?, r.try_get("entry")?)))
                .collect::<std::result::Result<_, sqlx::Error>>()?;
        let size = log.size();
        if size < published {
            return Err(log_err(format!(
                "the log in {} holds {size} entries, but the database records {published} as published: the log was rolled back or replaced",
                self.log_dir().display()
            )));
        }
        let already = usize::try_from(size - published).unwrap_or(usize::MAX);
        if already > pending.len() {
            return Err(log_err(format!(
                "the log holds {size} entries, but the database has only {} decisions: the log has entries no decision accounts for",
                published + pending.len() as u64
            )));
        }
        // Entries appended before a crash, whose indices were not yet recorded: the same bytes?
        for (i, (seq, entry)) in pending.iter().take(already).enumerate() {
            let index = published + i as u64;
            let logged = log.entry(index).map_err(log_err)?;
            if logged != entry.as_bytes() {
                return Err(log_err(format!(
                    "log entry {index} differs from decision {seq}: the log or the decision table was altered"
                )));
            }
        }
        let fresh: Vec<&[u8]> = pending[already..]
            .iter()
            .map(|(_, e)| e.as_bytes())
            .collect();
        if !fresh.is_empty() {
            log.append_batch(&fresh).map_err(log_err)?;
        }
        if !pending.is_empty() {
            let mut tx = self.begin().await?;
            for (i, (seq, _)) in pending.iter().enumerate() {
                let index = i64::try_from(published + i as u64)
                    .map_err(|_| log_err("log index out of range"))?;
                sqlx::query("INSERT INTO decision_log_index (seq, log_index) VALUES ($1, $2)")
                    .bind(*seq)
                    .bind(index)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            // Some may be decisions another process committed: statuses kept before them are
            // stale now (`Store::certificate_status`).
            self.derived
                .decisions
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        }
        Ok(log.size())
    }

    /// The start-up check: every published decision row is, byte for byte, the log entry it
    /// was published as, and every certificate row (status, revision, signed document) is the
    /// one its latest log entry names. Counts alone let a row be rewritten in place; the log
    /// is signed and public, so a database that drifted from it must not be served. Rows are
    /// read in pages, so memory stays bounded by the page and the number of certificates.
    pub(crate) async fn check_against_log(&self) -> Result<()> {
        const PAGE: i64 = 1000;
        let Some(p) = &self.publisher else {
            return Ok(());
        };
        let log = p.log.lock().await;
        let size = log.size();
        let mut latest: std::collections::HashMap<String, crate::transparency::CertificateEntry> =
            std::collections::HashMap::new();
        let mut after = i64::MIN;
        // Indices run 0, 1, 2 … in decision order (`publish_log` counts on it).
        let mut expected: i64 = 0;
        loop {
            let rows = sqlx::query(
                "SELECT i.seq, i.log_index, d.entry FROM decision_log_index i \
                 JOIN decision_log d ON d.seq = i.seq WHERE i.seq > $1 ORDER BY i.seq LIMIT $2",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let seq: i64 = r.try_get("seq")?;
                let index: i64 = r.try_get("log_index")?;
                let entry: String = r.try_get("entry")?;
                after = seq;
                if index != expected {
                    return Err(log_err(format!(
                        "the database records decision {seq} as log entry {index}, where entry {expected} was due: a published decision's index was removed or changed"
                    )));
                }
                expected += 1;
                let index = u64::try_from(index).unwrap_or(u64::MAX);
                if index >= size {
                    return Err(log_err(format!(
                        "the database records decision {seq} as log entry {index}, but the log holds {size} entries: the log was rolled back or replaced"
                    )));
                }
                let logged = log.entry(index).map_err(log_err)?;
                if logged != entry.as_bytes() {
                    return Err(log_err(format!(
                        "decision {seq} differs from log entry {index}: the decision table was altered after publication"
                    )));
                }
                if let Ok(crate::transparency::Decision::Certificate(c)) =
                    crate::transparency::Decision::parse(&logged)
                {
                    latest.insert(c.certificate_id.clone(), c);
                }
            }
        }
        drop(log);
        let mut after = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT certificate_id, status, revision, \
                 COALESCE((SELECT r.document FROM certificate_revisions r \
                           WHERE r.certificate_id = certificates.certificate_id \
                           AND r.revision = certificates.revision), document) AS document \
                 FROM certificates WHERE certificate_id > $1 ORDER BY certificate_id LIMIT $2",
            )
            .bind(after.clone())
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let id: String = r.try_get("certificate_id")?;
                let status: String = r.try_get("status")?;
                let revision: i64 = r.try_get("revision")?;
                let document: String = r.try_get("document")?;
                let Some(entry) = latest.get(&id) else {
                    return Err(log_err(format!(
                        "certificate {id} is in the database but no published log entry names it"
                    )));
                };
                let sha = dtsec_seal::Sealed::from_json(&document)
                    .map(|s| s.payload_sha256())
                    .unwrap_or_default();
                let as_logged = u64::try_from(revision).ok() == Some(entry.revision)
                    && status == entry.status
                    && sha == entry.certificate_sha256;
                if !as_logged {
                    return Err(log_err(format!(
                        "certificate {id}: the database says {status} (revision {revision}), but its latest log entry says {} (revision {}) with another document: the certificate row was altered",
                        entry.status, entry.revision
                    )));
                }
                after = id;
            }
        }
        Ok(())
    }

    /// Commits a decision's transaction, then publishes it to the transparency log.
    ///
    /// Every certificate status change is a decision and commits here, which is what lets
    /// [`Store::certificate_status`] keep statuses: the count of committed decisions is part
    /// of each kept status's key, counted after the commit (whether or not it reported an
    /// error), so no status read before it is found again.
    pub(crate) async fn commit_decision(&self, tx: super::WriteTx) -> Result<()> {
        let committed = tx.commit().await;
        self.derived
            .decisions
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        committed?;
        self.publish_log().await.map(|_| ())
    }

    /// The transparency log's directory (`DATA_DIR/log`): the checkpoint and tiles, servable as
    /// static files.
    pub fn log_dir(&self) -> PathBuf {
        self.config.data_dir.join(LOG_DIR)
    }

    /// The log's verifier key (`name+id+key`): this store's when it publishes the log, else the
    /// one published beside the log (`DATA_DIR/log.pub`), if any.
    pub fn log_vkey(&self) -> Option<String> {
        match &self.publisher {
            Some(p) => Some(p.verifier.to_vkey()),
            None => std::fs::read_to_string(self.config.data_dir.join(LOG_VKEY_FILE))
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        }
    }

    /// The latest signed checkpoint, when this store publishes the log.
    pub async fn log_checkpoint(&self) -> Option<Vec<u8>> {
        match &self.publisher {
            Some(p) => Some(p.log.lock().await.signed_checkpoint().to_vec()),
            None => None,
        }
    }
}
