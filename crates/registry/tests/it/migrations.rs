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

async fn sqlite_schema(file: &Path) -> Schema {
    let url = format!("sqlite://{}?mode=ro", file.display());
    let mut c = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("open SQLite");
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut tables = BTreeMap::new();
    for t in names {
        let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&t)
            .fetch_all(&mut c)
            .await
            .unwrap();
        tables.insert(t, cols.into_iter().collect());
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    c.close().await.ok();
    Schema {
        tables,
        indexes: indexes.into_iter().collect(),
    }
}

async fn postgres_schema(url: &str) -> Schema {
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .expect("open PostgreSQL");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (t, col) in rows {
        tables.entry(t).or_default().insert(col);
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT i.indexname::text FROM pg_indexes i WHERE i.schemaname = 'public' \
         AND i.tablename <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
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
            "sqlite" => sqlite_schema(&db.dir.path().join(dtsec_registry::SQLITE_FILE)).await,
            _ => postgres_schema(db.pg_url().expect("a PostgreSQL test database")).await,
        };
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
