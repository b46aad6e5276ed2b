//! Browser sessions, kept in the database.
//!
//! Why in the database and not in the server's memory: a restart must not log everyone out,
//! several server processes in front of one PostgreSQL database must share them, and a user the
//! administrator disables must lose every session at once (the lookup joins `users` and reads
//! `disabled`, so no cache can outlive the change). Only the SHA-256 of the session id — the
//! cookie's value — is stored, as for API tokens, so a copy of the database holds no usable
//! cookie. Each session has its own CSRF token, which the HTTP layer puts in every form.

use sqlx::Row;

use super::{Store, text};
use crate::error::{RegistryError, Result};
use crate::secrets;
use crate::store::accounts::user_from_row;

/// One logged-in browser, as read back for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserSession {
    /// Whose session (an enabled user, as of this request).
    pub user: super::User,
    /// The session's CSRF token.
    pub csrf: String,
    /// When it ends, Unix seconds.
    pub expires_at: i64,
}

/// The longest session the store starts: a cookie is a bearer credential, so it must end.
pub const MAX_SESSION_SECS: i64 = 30 * 24 * 3600;

impl Store {
    /// Starts a session for a user who has just logged in; returns the session id to put in the
    /// cookie (shown this once) and the session. Sessions that have ended are purged here, so
    /// the table holds only live ones without a separate sweeper.
    pub async fn start_session(
        &self,
        user: &super::User,
        lifetime_secs: i64,
    ) -> Result<(String, BrowserSession)> {
        if !(1..=MAX_SESSION_SECS).contains(&lifetime_secs) {
            return Err(RegistryError::invalid(format!(
                "a session lasts from 1 second to {MAX_SESSION_SECS} seconds, not {lifetime_secs}"
            )));
        }
        let now = self.clock().now_unix();
        let secret = secrets::new_session_secret();
        let csrf = secrets::new_session_secret();
        let expires_at = now + lifetime_secs;
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM browser_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO browser_sessions (id_sha256, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(secrets::token_digest(&secret))
        .bind(&user.id)
        .bind(&csrf)
        .bind(self.now())
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((
            secret,
            BrowserSession {
                user: user.clone(),
                csrf,
                expires_at,
            },
        ))
    }

    /// The live session with this id, if any: not ended, not expired, and its user not
    /// disabled.
    pub async fn session(&self, secret: &str) -> Result<Option<BrowserSession>> {
        let now = self.clock().now_unix();
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, u.org_id, u.created_at, s.csrf, s.expires_at \
             FROM browser_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_sha256 = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(secrets::token_digest(secret))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(BrowserSession {
                user: user_from_row(&r)?,
                csrf: text(&r, "csrf")?,
                expires_at: r.try_get::<i64, _>("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends a session (logging out). Ending one that does not exist is not an error: the
    /// browser's cookie is cleared either way.
    pub async fn end_session(&self, secret: &str) -> Result<()> {
        sqlx::query("DELETE FROM browser_sessions WHERE id_sha256 = $1")
            .bind(secrets::token_digest(secret))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many live sessions a user has (for the administrator's user list and tests).
    pub async fn live_sessions(&self, user_id: &str) -> Result<i64> {
        let now = self.clock().now_unix();
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM browser_sessions WHERE user_id = $1 AND expires_at > $2",
        )
        .bind(user_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")?)
    }
}
