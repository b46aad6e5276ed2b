//! The SQLite and PostgreSQL migration sets stay in step: the same migrations by version and
//! name, and after running them the same tables, the same columns in each table, and the same
//! named indexes. A column added to one backend only would pass every test on that backend and
//! fail in production on the other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sqlx::Connection;

use crate::common;

/// `0001_registry.sql` → `0001_registry`, for every `.sql` file of one set.
fn migration_names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_sets_have_the_same_migrations() {
    let sqlite = migration_names("sqlite");
    let postgres = migration_names("postgres");
    assert!(!sqlite.is_empty(), "no SQLite migrations found");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres differ: every migration needs both"
    );
}

/// Table → its columns, and the named indexes (not those the database makes for a primary key or
/// a UNIQUE constraint, whose names differ by backend).
#[derive(Debug, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, BTreeSet<String>>,
    indexes: BTreeSet<String>,
}

/// Every (table, column) pair of the SQLite database, and its named indexes. The full-text
/// index is each backend's own by design (migration 0014: an FTS5 table with its shadow tables
/// on SQLite, a GIN index on PostgreSQL), so names `certificate_fts…` are left out on both.
const SQLITE_COLUMNS: &str = "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
     AND m.name NOT LIKE 'certificate_fts%'";
const SQLITE_INDEXES: &str =
    "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'";

/// The same of the PostgreSQL database's `public` schema.
const POSTGRES_COLUMNS: &str = "SELECT table_name::text, column_name::text FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'";
const POSTGRES_INDEXES: &str = "SELECT i.indexname::text FROM pg_indexes i WHERE i.schemaname = 'public' \
     AND i.tablename <> '_sqlx_migrations' AND i.indexname NOT LIKE 'certificate_fts%' \
     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)";

/// Reads a schema through the backend-neutral driver with that backend's two queries.
async fn schema(url: &str, columns: &str, indexes: &str) -> Schema {
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let rows: Vec<(String, String)> = sqlx::query_as(columns).fetch_all(&mut c).await.unwrap();
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (t, col) in rows {
        tables.entry(t).or_default().insert(col);
    }
    let indexes: Vec<String> = sqlx::query_scalar(indexes).fetch_all(&mut c).await.unwrap();
    c.close().await.ok();
    Schema {
        tables,
        indexes: indexes.into_iter().collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_end_with_the_same_schema() {
    let dbs = common::backends().await;
    let mut schemas = Vec::new();
    for db in dbs {
        let schema = match db.backend {
            "sqlite" => {
                let file = db.dir.path().join(dtsec_registry::SQLITE_FILE);
                let url = format!("sqlite://{}?mode=ro", file.display());
                schema(&url, SQLITE_COLUMNS, SQLITE_INDEXES).await
            }
            _ => {
                let url = db.pg_url().expect("a PostgreSQL test database");
                schema(url, POSTGRES_COLUMNS, POSTGRES_INDEXES).await
            }
        };
        assert!(
            schema.tables.len() > 5 && schema.tables.values().all(|cols| !cols.is_empty()),
            "{}: the schema was not read: {schema:?}",
            db.backend
        );
        assert!(
            schema.tables.contains_key("certificates"),
            "{}: no certificates table in {schema:?}",
            db.backend
        );
        schemas.push((db.backend, schema));
        db.finish().await;
    }
    if let [(_, sqlite), (_, postgres)] = schemas.as_slice() {
        assert_eq!(
            sqlite, postgres,
            "the SQLite (left) and PostgreSQL (right) schemas differ after migrating"
        );
    }
}
