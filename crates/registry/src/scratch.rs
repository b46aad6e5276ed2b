//! Throwaway PostgreSQL databases, for tests and load runs against a shared server.
//!
//! Why in the library: the registry's and the server's test suites create an empty database per
//! test on the machine's PostgreSQL (so tests run in parallel without seeing each other's rows)
//! and drop it afterwards. One copy of that, and of the URL handling — keep the server, the
//! credentials and the query string; replace the database name — instead of one per suite.

use sqlx::{Connection as _, Executor as _};

use crate::error::{RegistryError, Result};
use crate::secrets;

/// An empty database on a PostgreSQL server, named `{prefix}_{random}`.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates the database through `admin_url` (any database on the server the user may
    /// connect to and create databases from). `prefix` is lower-case letters, digits and `_`.
    pub async fn create(admin_url: &str, prefix: &str) -> Result<ScratchDatabase> {
        Self::create_with(admin_url, prefix, None).await
    }

    /// Creates the database as a copy of `template` (a database no one is connected to), which
    /// is much cheaper than loading the same data again: test suites load a fixture once and
    /// copy it per test.
    pub async fn create_from_template(
        admin_url: &str,
        prefix: &str,
        template: &str,
    ) -> Result<ScratchDatabase> {
        Self::create_with(admin_url, prefix, Some(template)).await
    }

    async fn create_with(
        admin_url: &str,
        prefix: &str,
        template: Option<&str>,
    ) -> Result<ScratchDatabase> {
        // Both names go into SQL as identifiers: only lower-case letters, digits and `_`.
        let valid = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        if !valid(prefix) || !template.is_none_or(valid) {
            return Err(RegistryError::invalid(format!(
                "a scratch database prefix (and template) is lower-case letters, digits and `_`, not `{prefix}` ({template:?})"
            )));
        }
        sqlx::any::install_default_drivers();
        let name = format!("{prefix}_{}", secrets::new_id());
        let sql = match template {
            Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
            None => format!("CREATE DATABASE {name}"),
        };
        let mut admin = sqlx::AnyConnection::connect(admin_url).await?;
        admin.execute(sql.as_str()).await?;
        admin.close().await.ok();
        Ok(ScratchDatabase {
            url: with_database(admin_url, &name),
            admin_url: admin_url.to_string(),
            name,
        })
    }

    /// The URL to open the scratch database with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Drops the database, closing any connection still open to it. Best effort: a server
    /// that has gone away leaves it behind, which is harmless (its name is random).
    pub async fn drop_database(self) {
        if let Ok(mut c) = sqlx::AnyConnection::connect(&self.admin_url).await {
            let _ = c
                .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
                .await;
            c.close().await.ok();
        }
    }
}

/// `url` with its database name replaced by `name`, keeping any query string.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgres://h/?a=b", "x"),
            "postgres://h/x?a=b"
        );
    }
}
