//! One writer at a time inside this process, on SQLite, without SQLite's busy sleeps.
//!
//! Why: SQLite lets one connection write at a time. When another connection of the same
//! process holds the lock, `BEGIN IMMEDIATE` waits in SQLite's busy handler, which *sleeps*
//! (1, 2, 5, 10 … 100 ms) and retries, rather than being woken when the lock is free. With a
//! few writers in flight (labs submitting, a certifier deciding, the scale fill's four cases)
//! most of a writer's wait was sleep past the moment the lock was released: `strace` of the
//! scale fill showed 0.6 s of busy sleeps per second across its threads, with a fifth of the CPU
//! idle. A queue in front of the lock hands it over as soon as the previous writer commits.
//!
//! The gate only orders this process's writers; other processes (the CLI beside a server) still
//! meet at SQLite's lock and its busy handler, as before. A writer that waits longer than
//! [`GATE_PATIENCE`] goes on without the gate and meets SQLite's lock directly: the behaviour
//! before the gate, so a path that (wrongly) opened a second write transaction while holding
//! one fails with SQLite's "database is locked", as it always did, instead of hanging.
//! PostgreSQL has row locks and no gate.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How long a writer queues for the gate before going on without it: SQLite's own busy
/// timeout (sqlx's default), so no writer waits longer in all than it did before the gate.
pub(crate) const GATE_PATIENCE: Duration = Duration::from_secs(5);

/// The gate: cheap to clone, shared by every clone of a store.
#[derive(Clone, Debug, Default)]
pub(crate) struct WriteGate(Arc<Mutex<()>>);

impl WriteGate {
    /// Waits for the gate, at most [`GATE_PATIENCE`]; `None` when that ran out.
    pub(crate) async fn enter(&self) -> Option<OwnedMutexGuard<()>> {
        tokio::time::timeout(GATE_PATIENCE, self.0.clone().lock_owned())
            .await
            .ok()
    }
}

/// A write transaction and, on SQLite, this process's write gate, released with it (on commit,
/// or drop: a transaction dropped uncommitted rolls back). Reads and writes go through it as through the connection.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    /// Dropped after `tx` (fields drop in order), so the gate opens only once the transaction
    /// has ended.
    _gate: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) fn new(tx: Transaction<'static, Any>, gate: Option<OwnedMutexGuard<()>>) -> Self {
        WriteTx { tx, _gate: gate }
    }

    /// Commits; the gate opens after the commit has returned.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        let WriteTx { tx, _gate } = self;
        tx.commit().await
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}
