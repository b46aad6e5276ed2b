//! Which certificate revision each decision is about (`decision_subject`, issue 16), so that a
//! proof finds its log entry through an index instead of matching every entry's text.
//!
//! Written in the same transaction as the decision's outbox row; rows for decisions made
//! before the table existed are filled at start-up by parsing their entries, so the lookup
//! never has to fall back to a scan.

use sqlx::{AnyConnection, AnyPool, Row};

use crate::error::Result;
use crate::transparency::Decision;

/// The certificate and revision an entry is about (`None` for lab and ETR decisions and for
/// an entry that does not parse: it cannot be a certificate's).
fn subject(entry: &[u8]) -> (Option<String>, Option<i64>) {
    match Decision::parse(entry) {
        Ok(Decision::Certificate(c)) => (Some(c.certificate_id), i64::try_from(c.revision).ok()),
        _ => (None, None),
    }
}

/// Records the subject of outbox row `seq`.
pub(super) async fn record(tx: &mut AnyConnection, seq: i64, entry: &[u8]) -> Result<()> {
    let (certificate_id, revision) = subject(entry);
    sqlx::query("INSERT INTO decision_subject (seq, certificate_id, revision) VALUES ($1, $2, $3)")
        .bind(seq)
        .bind(certificate_id)
        .bind(revision)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Fills the subjects of outbox rows that have none (decisions made before migration 0007), a
/// thousand rows per transaction.
///
/// On SQLite each transaction starts `IMMEDIATE`: a deferred one reads, then must upgrade to
/// write, and that upgrade fails at once ("database is locked", no busy wait) when another
/// connection to the same file — a second process, or the store being replaced — wrote in
/// between. Taking the write lock first makes it wait its turn instead.
pub(super) async fn backfill(pool: &AnyPool, sqlite: bool) -> Result<u64> {
    let mut filled = 0;
    loop {
        let mut tx = if sqlite {
            pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            pool.begin().await?
        };
        let rows = sqlx::query(
            "SELECT d.seq, d.entry FROM decision_log d \
             LEFT JOIN decision_subject s ON s.seq = d.seq \
             WHERE s.seq IS NULL ORDER BY d.seq LIMIT 1000",
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for r in &rows {
            let seq: i64 = r.try_get("seq")?;
            let entry: String = r.try_get("entry")?;
            record(&mut tx, seq, entry.as_bytes()).await?;
            filled += 1;
        }
        tx.commit().await?;
    }
}
