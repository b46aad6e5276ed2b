//! The store: one database (SQLite file or PostgreSQL), the scheme key, and the transaction
//! discipline every operation follows.
//!
//! Why one `Store` over `sqlx::Any`: the same SQL (runtime queries, `$N` placeholders, text
//! times, `BIGINT` integers) runs on both databases, so the whole workflow and its tests are
//! written once. The backend is chosen by the URL; migrations for each are embedded and run at
//! [`Store::open`].
//!
//! The discipline: every state change runs in **one transaction** with its append-only audit
//! record (who, what, when, and the fields that changed, old → new: [`crate::audit_diff`])
//! and, for certification decisions, its [`DecisionLog`] entry. A refused request returns before commit, so nothing changes. Updates
//! name the state they expect (`… WHERE id = $1 AND state = $2`), so two racing requests cannot
//! both win; on SQLite writers take the lock up front (`BEGIN IMMEDIATE`).

mod accounts;
mod blob_gc;
mod cases;
mod certified_etr;
mod certified_facts;
mod certs;
mod decision_subject;
mod device_pages;
mod device_words;
mod documents;
mod feed;
mod fix_review;
mod in_evaluation;
mod labs;
mod notices;
mod postmarket;
mod posture;
mod proofs;
mod publish;
mod published;
mod queries;
mod scheme_rules;
mod search;
mod sessions;
mod staff_pages;
mod write_gate;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use dtsec_seal::{SigningKey, VerifyingKey};
use serde_json::Value;
use sqlx::AnyConnection;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use write_gate::WriteTx;

pub use accounts::{
    DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, NewToken, NewUser, Organisation, User, UserAccount,
};
pub use blob_gc::{DEFAULT_GC_GRACE, GcReport};
pub use cases::{Finding, NewProduct, Product};
pub use certified_etr::CertifiedEtr;
pub use certs::{
    CertificateRecord, FixReviewRecord, MaintenanceRecord, STATUS_FRESH_FOR, StatusChange,
    StatusRequest,
};
pub use device_pages::{KeptPage, MAX_PAGES_PER_BATCH, PageToMake, PageWork};
pub use feed::{FeedEntry, FeedKind, MAX_FEED_ENTRIES};
pub use in_evaluation::{EvaluationStage, InEvaluation, MAX_IN_EVALUATION};
pub use labs::Lab;
pub use notices::{CSAF_DIR, CsafPublisher, NoticeFile, NoticeRecord, NoticeRevision};
pub use postmarket::{
    AssessmentRecord, MAX_SBOM_BYTES, MAX_SYNC_RECORDS, MatchRecord, QueueItem, SbomRecord,
    SyncReport,
};
pub use posture::{
    DEFAULT_GRACE_DAYS, NoticeSummary, PublicAssessment, SbomAvailability, SecurityPosture,
    SupportSummary, UnassessedSummary,
};
pub use proofs::{CertificateProof, ConsistencyProof};
pub use publish::{DEFAULT_LOG_ORIGIN, LOG_DIR, LOG_KEY_FILE, LOG_VKEY_FILE};
pub use published::CertifiedSt;
pub use queries::{
    AuditEntry, CSV_COLUMNS, DEFAULT_PAGE, DeviceDetail, DeviceFilter, DevicePage, DeviceSummary,
    MAX_PAGE, csv_export,
};
pub use sessions::{BrowserSession, MAX_SESSION_SECS};
pub use staff_pages::{AuditCursor, AuditFilter, AuditPage, ProductPage};

use crate::authz::Actor;
use crate::error::{RegistryError, Result};
use crate::secrets::PasswordCost;
use crate::time::Clock;

/// Which database a store is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file in the data directory.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Login throttling: after `max_failures` failed attempts within `window_secs` for one user or
/// one client address, logins for it are refused for `lockout_secs`.
#[derive(Clone, Copy, Debug)]
pub struct ThrottleConfig {
    /// Failures allowed in the window.
    pub max_failures: i64,
    /// The window, in seconds.
    pub window_secs: i64,
    /// How long the lock lasts, in seconds.
    pub lockout_secs: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            max_failures: 5,
            window_secs: 15 * 60,
            lockout_secs: 15 * 60,
        }
    }
}

/// How much of the SQLite file each connection reads through a memory map, unless the
/// configuration says otherwise ([`StoreConfig::sqlite_mmap_bytes`]): 1 GiB.
///
/// Why: in WAL mode a connection drops its whole page cache (2 MiB by default) whenever another
/// connection has written since its last read, so a server's connections, taking turns, read
/// their index pages again and again with `pread`, copying them from the kernel. Mapped pages
/// are read in place. The map is address space, not memory. The costs: an I/O error on a mapped
/// page stops the process (SIGBUS) instead of failing one query, as SQLite documents; and each
/// time the file grows, every connection maps it again, which a bulk load that grows the file
/// without pause pays for (measured in docs/notes/scale.md, session 12): such a load can set 0.
pub const DEFAULT_SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// How to open a store.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// The data directory: the scheme key lives here, and the SQLite file when no URL is given.
    pub data_dir: PathBuf,
    /// `postgres://…`, `sqlite://…`, or `None` for `DATA_DIR/registry.sqlite3`.
    pub database_url: Option<String>,
    /// Where "now" comes from.
    pub clock: Clock,
    /// Argon2id cost for new password hashes.
    pub password_cost: PasswordCost,
    /// Years a certificate is valid from its certification date.
    pub validity_years: i64,
    /// The scheme's name, written into certificates.
    pub scheme_name: String,
    /// Login throttling.
    pub throttle: ThrottleConfig,
    /// Connections in the pool.
    pub max_connections: u32,
    /// The transparency log's origin line (its checkpoints' first line and key name), or `None`
    /// to keep decisions in the `decision_log` outbox only. The log lives in `DATA_DIR/log/`.
    pub log_origin: Option<String>,
    /// Days an unassessed postmarket match stays private to the manufacturer and the
    /// certification body before the public sees it counted (design notes §8).
    pub postmarket_grace_days: i64,
    /// Where the cases' documents (STs, sealed ETR bundles) are kept, content-addressed
    /// ([`crate::blob`]), or `None` for the default: beside the SQLite file
    /// (`registry.sqlite3.blobs/`), or `DATA_DIR/blobs/` on PostgreSQL. Back it up with the
    /// database: rows name blobs by digest.
    pub blob_dir: Option<PathBuf>,
    /// A blob store the caller opened (an S3-compatible bucket, [`crate::blob::s3`]); when set,
    /// it is used instead of a directory and [`StoreConfig::blob_dir`] is ignored.
    pub blob_store: Option<Arc<dyn crate::blob::BlobStore>>,
    /// Bytes of the SQLite file each connection reads through a memory map (`PRAGMA
    /// mmap_size`; 0: none). Ignored on PostgreSQL. See [`DEFAULT_SQLITE_MMAP_BYTES`].
    pub sqlite_mmap_bytes: u64,
}

impl StoreConfig {
    /// Defaults for a data directory: SQLite, system clock, standard password cost, two-year
    /// validity (NIAP's period).
    pub fn new(data_dir: impl Into<PathBuf>) -> StoreConfig {
        StoreConfig {
            data_dir: data_dir.into(),
            database_url: None,
            clock: Clock::system(),
            password_cost: PasswordCost::Standard,
            validity_years: 2,
            scheme_name: "dtsec CDD scheme (modelled on DTSec)".into(),
            throttle: ThrottleConfig::default(),
            max_connections: 8,
            log_origin: Some(publish::DEFAULT_LOG_ORIGIN.into()),
            postmarket_grace_days: posture::DEFAULT_GRACE_DAYS,
            blob_dir: None,
            blob_store: None,
            sqlite_mmap_bytes: DEFAULT_SQLITE_MMAP_BYTES,
        }
    }
}

/// A boxed future, for the object-safe [`DecisionLog`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where certification decisions are logged (issue 6: the transparency log).
///
/// `append` runs **inside** the transaction that makes the decision, so a decision commits with
/// its entry or not at all ("no decision without its entry"). The entry is the RFC 8785
/// canonical JSON of the decision (kind, certificate id, revision, status, the certificate
/// payload's SHA-256, time). The default, [`TableDecisionLog`], appends it to the
/// `decision_log` table, which doubles as an outbox: a sequencer can later move entries into the
/// Merkle log in order, and the table's `seq` is their order.
pub trait DecisionLog: Send + Sync {
    /// Appends `entry` within `tx`; an error aborts the decision.
    fn append<'a>(
        &'a self,
        tx: &'a mut AnyConnection,
        entry: &'a [u8],
    ) -> BoxFuture<'a, Result<()>>;
}

/// The default [`DecisionLog`]: one row per entry in `decision_log`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableDecisionLog;

impl DecisionLog for TableDecisionLog {
    fn append<'a>(
        &'a self,
        tx: &'a mut AnyConnection,
        entry: &'a [u8],
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let text = String::from_utf8_lossy(entry).into_owned();
            let at = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("at").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_default();
            // On PostgreSQL, hold the table until commit so that `seq` order is commit order
            // (the publisher sequences rows by `seq`); SQLite writers are already serialised.
            if tx.backend_name() == "PostgreSQL" {
                sqlx::query("LOCK TABLE decision_log IN EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
            }
            let seq: i64 = sqlx::query(
                "INSERT INTO decision_log (at, entry, sha256) VALUES ($1, $2, $3) RETURNING seq",
            )
            .bind(at)
            .bind(text)
            .bind(dtsec_seal::sha256_hex(entry))
            .fetch_one(&mut *tx)
            .await?
            .try_get("seq")?;
            decision_subject::record(tx, seq, entry).await?;
            Ok(())
        })
    }
}

/// The registry's storage and operations. Cheap to clone (the pool and key are shared).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    key: Arc<SigningKey>,
    config: Arc<StoreConfig>,
    decision_log: Arc<dyn DecisionLog>,
    publisher: Option<Arc<publish::Publisher>>,
    /// Where the cases' documents are (`documents.rs`).
    blobs: Arc<dyn crate::blob::BlobStore>,
    /// The built-in PPs' TOE types, (id, name).
    toe_types: Arc<[(String, String)]>,
    /// The built-in documents that say `status: draft`, `id@version` (`scheme.rs`).
    drafts: Arc<std::collections::BTreeSet<String>>,
    /// The built-in PPs' and modules' roles, (id, title) (`device_words.rs`).
    role_titles: Arc<[(String, String)]>,
    /// The documents STs are checked against (the built-ins), built once at open and shared by
    /// every request: a built-in is decoded on first use, not once per upload.
    library: Arc<dtsec_model::Library>,
    /// What the public pages derive from immutable documents, by their digest (`crate::memo`).
    derived: Arc<Derived>,
    /// This process's writers in turn, on SQLite (`write_gate.rs`).
    write_gate: write_gate::WriteGate,
}

/// The store's memos: results derived from a document, kept under the document's SHA-256.
#[derive(Debug)]
struct Derived {
    /// A certified ST's device words (`device_words.rs`), by the ST's digest.
    device_words: crate::memo::Memo<Option<String>>,
    /// The facts derived from a sealed ETR (`certified_facts.rs`), by the bundle's digest.
    etr_facts: crate::memo::Memo<Arc<crate::etr_facts::EtrFacts>>,
    /// An SBOM's support facts (`posture.rs`), by the SBOM's digest.
    sbom_facts: crate::memo::Memo<Arc<posture::SbomFacts>>,
    /// Certificate statuses (`certs.rs`) with when they were read, by
    /// `"{decisions}:{certificate id}"`: the status lookup is the verifiers' hot path, and a
    /// status changes only by a decision.
    status: crate::memo::Memo<(std::time::Instant, (String, i64, String))>,
    /// Decisions committed through this store (`publish.rs`, `commit_decision`) or published by
    /// it for another process (`publish_log`): part of each status key, so such a decision
    /// makes every status read before it unreachable at once.
    decisions: std::sync::atomic::AtomicU64,
}

impl Derived {
    /// Documents whose derived results are kept (each a few hundred bytes).
    const CAPACITY: usize = 16 * 1024;

    fn new() -> Derived {
        Derived {
            device_words: crate::memo::Memo::new(Self::CAPACITY),
            // Each holds a coverage table (a few kilobytes), and a miss reads one small blob.
            etr_facts: crate::memo::Memo::new(Self::CAPACITY / 4),
            sbom_facts: crate::memo::Memo::new(Self::CAPACITY),
            status: crate::memo::Memo::new(Self::CAPACITY),
            decisions: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("scheme_key_id", &self.key.verifying_key().key_id())
            .finish_non_exhaustive()
    }
}

/// The scheme key's file prefix in the data directory (`scheme.key`, `scheme.pub`).
pub const SCHEME_KEY_PREFIX: &str = "scheme";
/// The SQLite file name in the data directory.
pub const SQLITE_FILE: &str = "registry.sqlite3";
/// The blob directory in the data directory when the database is PostgreSQL and no
/// [`StoreConfig::blob_dir`] is given.
pub const BLOB_DIR: &str = "blobs";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// The documents STs are checked against: one library for the store's life, shared by
    /// requests (the server renders STs with it too).
    pub fn library(&self) -> &Arc<dtsec_model::Library> {
        &self.library
    }

    /// Opens (creating when new) the database and the scheme key, and runs the migrations;
    /// then opens the transparency log in `DATA_DIR/log/` (see [`StoreConfig::log_origin`]) and
    /// publishes any decision not yet in it.
    ///
    /// The scheme key is created in the data directory on first open (`scheme.key`, mode 0600,
    /// never printed; `scheme.pub` beside it). If the database already records a scheme key and
    /// the file is missing, or holds another key, opening fails with [`RegistryError::Key`]: the
    /// registry never re-keys silently, since every certificate it issued names that key.
    pub async fn open(config: StoreConfig) -> Result<Store> {
        sqlx::any::install_default_drivers();
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            RegistryError::Key(format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
        let url = match &config.database_url {
            Some(u) => u.clone(),
            None => sqlite_url(&config.data_dir.join(SQLITE_FILE)),
        };
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(RegistryError::invalid(
                "the database URL must start with postgres:// or sqlite://",
            ));
        };
        // A pooled SQLite connection is a file handle in this process: it cannot go stale, so
        // the round trip that tests it before each use (sqlx's default, a second trip to the
        // connection's worker thread on every query) is pure cost there — about a third of a
        // status lookup's CPU. A PostgreSQL connection can be cut by the server or the network,
        // so it is still tested.
        let sqlite = backend == Backend::Sqlite;
        let mmap_bytes = config.sqlite_mmap_bytes;
        let pool = AnyPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .test_before_acquire(!sqlite)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // A number, not text from outside: PRAGMA takes no bound parameters.
                        sqlx::query(&format!("PRAGMA mmap_size = {mmap_bytes}"))
                            .execute(conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        match backend {
            Backend::Sqlite => {
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
                SQLITE_MIGRATIONS.run(&pool).await?;
            }
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let blobs: Arc<dyn crate::blob::BlobStore> = match &config.blob_store {
            Some(store) => store.clone(),
            None => Arc::new(crate::blob::DirBlobStore::open(documents::blob_dir(
                &config, backend,
            ))?),
        };
        // Documents older versions kept in the rows move to the blob store once (migration
        // 0017); SQLite then gives the space back.
        let moved =
            documents::move_inline_documents(&pool, blobs.as_ref(), backend == Backend::Sqlite)
                .await?;
        if moved > 0 && backend == Backend::Sqlite {
            sqlx::query("VACUUM").execute(&pool).await?;
        }
        backfill_audit_chain(&pool, backend == Backend::Sqlite).await?;
        decision_subject::backfill(&pool, backend == Backend::Sqlite).await?;
        let key = scheme_key(&pool, &config.data_dir).await?;
        let publisher = match &config.log_origin {
            Some(origin) => publish::open(&pool, &config.data_dir, origin)
                .await?
                .map(Arc::new),
            None => None,
        };
        let library = Arc::new(dtsec_model::Library::with_builtins());
        let store = Store {
            pool,
            backend,
            key: Arc::new(key),
            config: Arc::new(config),
            decision_log: Arc::new(TableDecisionLog),
            publisher,
            blobs,
            toe_types: cases::builtin_toe_types(&library).into(),
            drafts: Arc::new(crate::scheme::builtin_drafts(&library)),
            role_titles: device_words::builtin_role_titles(&library).into(),
            library,
            derived: Arc::new(Derived::new()),
            write_gate: write_gate::WriteGate::default(),
        };
        // Catch up: decisions committed before a crash, or by a process without the log; then
        // compare what is published with the rows.
        store.publish_log().await?;
        if store.check_against_log().await.is_err() {
            // Another process may have committed a decision since the catch-up: publish it and
            // judge again; a second mismatch is real.
            store.publish_log().await?;
            store.check_against_log().await?;
        }
        Ok(store)
    }

    /// Replaces the decision log (issue 6 plugs the transparency log in here).
    pub fn with_decision_log(mut self, log: Arc<dyn DecisionLog>) -> Store {
        self.decision_log = log;
        self
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The scheme's public key (publish it; `dtsec verify --key` takes it).
    pub fn scheme_public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The TOE types of the built-in PPs, (id, name), sorted by id: what a product may be
    /// registered as, and the device list's filter.
    pub fn toe_types(&self) -> &[(String, String)] {
        &self.toe_types
    }

    /// The built-in PPs, PP-Modules and packages whose text says `status: draft`, as
    /// `id@version`: a claim of one is flagged on the case and certified by the draft-PP rule.
    pub fn draft_documents(&self) -> &std::collections::BTreeSet<String> {
        &self.drafts
    }

    /// The clock the store uses.
    pub fn clock(&self) -> &Clock {
        &self.config.clock
    }

    /// The configuration it was opened with.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// The connection pool, for the HTTP layer's health check and for tests that count rows.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction: on SQLite it takes the write lock at once, so a
    /// read-then-write cannot fail half-way on a lock upgrade, after this process's earlier
    /// writers (`write_gate.rs`: queued, not sleeping in SQLite's busy handler).
    pub(crate) async fn begin(&self) -> Result<WriteTx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let gate = self.write_gate.enter().await;
                WriteTx::new(self.pool.begin_with("BEGIN IMMEDIATE").await?, gate)
            }
            Backend::Postgres => WriteTx::new(self.pool.begin().await?, None),
        })
    }

    /// Now, as RFC 3339.
    pub(crate) fn now(&self) -> String {
        self.config.clock.now()
    }

    /// Counts rows of a table (tests assert "nothing changed" with it).
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        const TABLES: [&str; 17] = [
            "organisations",
            "users",
            "api_tokens",
            "login_throttle",
            "labs",
            "products",
            "certificates",
            "certificate_revisions",
            "maintenance",
            "audit",
            "decision_log",
            "decision_log_index",
            "decision_subject",
            "settings",
            "certificate_counters",
            "audit_chain",
            "etr_summaries",
        ];
        if !TABLES.contains(&table) {
            return Err(RegistryError::invalid(format!("unknown table `{table}`")));
        }
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")?)
    }

    /// Appends a certification decision to the decision log, inside `tx`.
    pub(crate) async fn log_decision(&self, tx: &mut AnyConnection, entry: &Value) -> Result<()> {
        // Every decision carries the audit chain's head as it stands, publishing it.
        let head = sqlx::query("SELECT count, head FROM audit_chain WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let (count, hash): (i64, String) = (head.try_get("count")?, head.try_get("head")?);
        let mut entry = entry.clone();
        if let Some(map) = entry.as_object_mut() {
            map.insert(
                "audit_chain".into(),
                serde_json::json!({"count": count, "head": hash}),
            );
        }
        let bytes = dtsec_seal::canonical_json(&entry);
        self.decision_log.append(tx, &bytes).await
    }
}

fn sqlite_url(path: &Path) -> String {
    use sqlx::ConnectOptions as _;
    use sqlx::sqlite::SqliteConnectOptions;
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .to_url_lossy()
        .to_string()
}

/// Loads or creates the scheme key, refusing to re-key a database that has one.
async fn scheme_key(pool: &AnyPool, dir: &Path) -> Result<SigningKey> {
    let prefix = dir.join(SCHEME_KEY_PREFIX);
    let (key_path, _) = dtsec_seal::key_pair_paths(&prefix);
    let recorded: Option<String> =
        sqlx::query("SELECT value FROM settings WHERE key = 'scheme_key_id'")
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<String, _>("value"))
            .transpose()?;
    let key = if key_path.exists() {
        dtsec_seal::load_signing_key(&key_path).map_err(|e| RegistryError::Key(e.to_string()))?
    } else if let Some(id) = &recorded {
        return Err(RegistryError::Key(format!(
            "the database was created with scheme key {id}, but {} is missing; restore it from backup (refusing to create a new key: certificates name the old one)",
            key_path.display()
        )));
    } else {
        let key = SigningKey::generate();
        dtsec_seal::write_key_pair(&prefix, &key, false)
            .map_err(|e| RegistryError::Key(e.to_string()))?;
        key
    };
    let id = key.verifying_key().key_id();
    match recorded {
        Some(r) if r != id => Err(RegistryError::Key(format!(
            "{} holds key {id}, but the database was created with scheme key {r}",
            key_path.display()
        ))),
        Some(_) => Ok(key),
        None => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ('scheme_key_id', $1)")
                .bind(&id)
                .execute(pool)
                .await?;
            Ok(key)
        }
    }
}

/// Writes one audit record.
#[expect(clippy::too_many_arguments, reason = "one audit row has eight columns")]
pub(crate) async fn audit(
    tx: &mut AnyConnection,
    at: &str,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<()> {
    // The chain's row is locked first, so rows are linked in the order of their `seq`.
    sqlx::query("UPDATE audit_chain SET count = count WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let head = sqlx::query("SELECT count, head FROM audit_chain WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (count, prev): (i64, String) = (head.try_get("count")?, head.try_get("head")?);
    // Only what changed, large values by digest (issue 16; crate::audit_diff says why).
    let (before, after) = crate::audit_diff::compact(before, after);
    let mut row = AuditEntry {
        seq: 0,
        at: at.to_string(),
        actor: actor.audit_name(),
        actor_role: actor.role.as_str().to_string(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        before: before.as_ref().map(Value::to_string),
        after: after.as_ref().map(Value::to_string),
    };
    row.seq = sqlx::query(
        "INSERT INTO audit (at, actor, actor_role, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
    )
    .bind(&row.at)
    .bind(&row.actor)
    .bind(&row.actor_role)
    .bind(&row.action)
    .bind(&row.entity)
    .bind(&row.entity_id)
    .bind(row.before.clone())
    .bind(row.after.clone())
    .fetch_one(&mut *tx)
    .await?
    .try_get::<i64, _>("seq")?;
    sqlx::query("UPDATE audit_chain SET count = $1, head = $2, last_seq = $3 WHERE id = 1")
        .bind(count + 1)
        .bind(crate::audit_chain::link(&prev, &row))
        .bind(row.seq)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Links the rows written before the chain existed (once, when the chain is empty), so that
/// a registry upgraded with an audit trail publishes a head covering it.
async fn backfill_audit_chain(pool: &AnyPool, sqlite: bool) -> Result<()> {
    let mut tx = if sqlite {
        pool.begin_with("BEGIN IMMEDIATE").await?
    } else {
        pool.begin().await?
    };
    sqlx::query("UPDATE audit_chain SET count = count WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let count: i64 = sqlx::query("SELECT count FROM audit_chain WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?
        .try_get("count")?;
    if count != 0 {
        return Ok(());
    }
    let (mut head, mut n, mut last) = (crate::audit_chain::GENESIS.to_string(), 0i64, 0i64);
    loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor, actor_role, action, entity, entity_id, before_json, after_json \
             FROM audit WHERE seq > $1 ORDER BY seq LIMIT 1000",
        )
        .bind(last)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let row = queries::audit_entry(r)?;
            head = crate::audit_chain::link(&head, &row);
            n += 1;
            last = row.seq;
        }
    }
    if n > 0 {
        sqlx::query("UPDATE audit_chain SET count = $1, head = $2, last_seq = $3 WHERE id = 1")
            .bind(n)
            .bind(&head)
            .bind(last)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The one row `sql` (with `$1` bound to `id`) finds, as `from_row` reads it; `what` names the
/// thing in the not-found error ("product X"). Every `load_*` of the store goes through here, so
/// a missing row is always the same kind of error.
pub(crate) async fn load_row<T>(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    id: &str,
    what: &str,
    from_row: impl FnOnce(&AnyRow) -> Result<T>,
) -> Result<T> {
    let row = sqlx::query(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| RegistryError::not_found(what.to_string()))?;
    from_row(&row)
}

/// A text column.
pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

/// A nullable text column.
pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

/// A JSON list of strings stored as text.
pub(crate) fn json_list(row: &AnyRow, col: &str) -> Result<Vec<String>> {
    Ok(opt_text(row, col)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Fails with a conflict unless exactly one row was updated (the optimistic state check).
pub(crate) fn expect_one(rows: u64, what: &str) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(RegistryError::Conflict(format!(
            "{what} changed while this request ran; reload and try again"
        )))
    }
}
