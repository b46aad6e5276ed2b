//! Organisations, users, the first administrator, logins with throttling, and API tokens.
//!
//! Why here and not in the HTTP layer: who a request is (an [`Actor`]) must come from the same
//! records the authorisation rules read, and every change to accounts is audited like any other.
//! Sessions and cookies are the HTTP layer's; it turns a successful [`Store::login`] into a
//! session and a presented token into an actor with [`Store::authenticate_token`].

use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, audit, opt_text, text};
use crate::authz::{Action, Actor, OrgKind, Resource, Role, authorize};
use crate::error::{RegistryError, Result};
use crate::secrets::{self, PasswordCost};
use crate::time::rfc3339;
use crate::validate;

/// An organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Organisation {
    /// Its id.
    pub id: String,
    /// Its kind (`scheme`, `certification-body`, `lab`, `manufacturer`).
    pub kind: String,
    /// Its name (unique).
    pub name: String,
    /// When it was created.
    pub created_at: String,
}

/// A user, without the password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct User {
    /// Its id.
    pub id: String,
    /// E-mail address (login name), lower-case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role name.
    pub role: String,
    /// Organisation id.
    pub org_id: Option<String>,
    /// When created.
    pub created_at: String,
}

impl User {
    /// The actor this user acts as.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id.clone()),
            role: Role::parse(&self.role).unwrap_or(Role::Public),
            org_id: self.org_id.clone(),
            scope: None,
        }
    }
}

/// An account as the administrator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UserAccount {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// The organisation's name.
    pub org_name: Option<String>,
    /// True when the account may not log in or use its tokens.
    pub disabled: bool,
    /// Browser sessions that have not ended.
    pub live_sessions: i64,
}

/// What creating a user needs.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role (not `Public`).
    pub role: Role,
    /// The organisation; its kind must match the role.
    pub org_id: String,
    /// The initial password (at least 10 characters).
    pub password: String,
}

fn org_from_row(r: &AnyRow) -> Result<Organisation> {
    Ok(Organisation {
        id: text(r, "id")?,
        kind: text(r, "kind")?,
        name: text(r, "name")?,
        created_at: text(r, "created_at")?,
    })
}

pub(super) fn user_from_row(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: text(r, "id")?,
        email: text(r, "email")?,
        name: text(r, "name")?,
        role: text(r, "role")?,
        org_id: opt_text(r, "org_id")?,
        created_at: text(r, "created_at")?,
    })
}

async fn hash_blocking(password: String, cost: PasswordCost) -> Result<String> {
    tokio::task::spawn_blocking(move || secrets::hash_password(&password, cost))
        .await
        .map_err(|e| RegistryError::invalid(format!("password hashing stopped: {e}")))?
}

async fn verify_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

impl Store {
    /// Creates an organisation (scheme administrator only).
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        kind: OrgKind,
        name: &str,
    ) -> Result<Organisation> {
        authorize(actor, Action::ManageOrganisations, &Resource::Global)?;
        self.insert_organisation(actor, kind, name).await
    }

    async fn insert_organisation(
        &self,
        actor: &Actor,
        kind: OrgKind,
        name: &str,
    ) -> Result<Organisation> {
        validate::text("organisation name", name, 200)?;
        let org = Organisation {
            id: secrets::new_id(),
            kind: kind.as_str().into(),
            name: name.trim().into(),
            created_at: self.now(),
        };
        let mut tx = self.begin().await?;
        let exists = sqlx::query("SELECT id FROM organisations WHERE name = $1")
            .bind(&org.name)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(RegistryError::Conflict(format!(
                "an organisation named `{}` exists",
                org.name
            )));
        }
        sqlx::query(
            "INSERT INTO organisations (id, kind, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&org.id)
        .bind(&org.kind)
        .bind(&org.name)
        .bind(&org.created_at)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            &org.created_at,
            actor,
            "organisation.create",
            "organisation",
            &org.id,
            None,
            Some(&json!(org)),
        )
        .await?;
        tx.commit().await?;
        Ok(org)
    }

    /// An organisation by id.
    pub async fn organisation(&self, id: &str) -> Result<Organisation> {
        let row = sqlx::query("SELECT id, kind, name, created_at FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| RegistryError::not_found(format!("organisation {id}")))?;
        org_from_row(&row)
    }

    /// Every organisation of a kind (all when `None`), by name.
    pub async fn organisations(&self, kind: Option<OrgKind>) -> Result<Vec<Organisation>> {
        let rows = match kind {
            Some(k) => {
                sqlx::query(
                    "SELECT id, kind, name, created_at FROM organisations WHERE kind = $1 ORDER BY name",
                )
                .bind(k.as_str())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query("SELECT id, kind, name, created_at FROM organisations ORDER BY name")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(org_from_row).collect()
    }

    /// Creates the first scheme administrator, with the scheme's organisation, when there is no
    /// administrator yet (the `dtsec` command line calls this once). Refused with
    /// [`RegistryError::Conflict`] afterwards.
    pub async fn bootstrap_admin(&self, email: &str, name: &str, password: &str) -> Result<User> {
        let system = Actor {
            user_id: None,
            role: Role::SchemeAdmin,
            org_id: None,
            scope: None,
        };
        let hash = hash_blocking(password.to_string(), self.config.password_cost).await?;
        let email = validate::email(email)?;
        validate::text("name", name, 200)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let admins = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = $1")
            .bind(Role::SchemeAdmin.as_str())
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("n")?;
        if admins > 0 {
            return Err(RegistryError::Conflict(
                "a scheme administrator exists already; bootstrap runs only once".into(),
            ));
        }
        let scheme_org = match sqlx::query("SELECT id FROM organisations WHERE kind = $1")
            .bind(OrgKind::Scheme.as_str())
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(r) => text(&r, "id")?,
            None => {
                let id = secrets::new_id();
                sqlx::query(
                    "INSERT INTO organisations (id, kind, name, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(OrgKind::Scheme.as_str())
                .bind(&self.config.scheme_name)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                audit(
                    &mut tx,
                    &now,
                    &system,
                    "organisation.create",
                    "organisation",
                    &id,
                    None,
                    Some(&json!({"kind": "scheme", "name": self.config.scheme_name})),
                )
                .await?;
                id
            }
        };
        let user = User {
            id: secrets::new_id(),
            email,
            name: name.trim().into(),
            role: Role::SchemeAdmin.as_str().into(),
            org_id: Some(scheme_org),
            created_at: now.clone(),
        };
        insert_user(&mut tx, &user, &hash).await?;
        audit(
            &mut tx,
            &now,
            &system,
            "user.bootstrap-admin",
            "user",
            &user.id,
            None,
            Some(&json!(user)),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Creates a user in an organisation whose kind fits the role (scheme administrator only).
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        authorize(actor, Action::ManageUsers, &Resource::Global)?;
        self.insert_user_checked(actor, new).await
    }

    pub(crate) async fn insert_user_checked(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let email = validate::email(&new.email)?;
        validate::text("name", &new.name, 200)?;
        let org = self.organisation(&new.org_id).await?;
        let Some(kind) = new.role.org_kind() else {
            return Err(RegistryError::invalid("the public has no accounts"));
        };
        if org.kind != kind.as_str() {
            return Err(RegistryError::invalid(format!(
                "a {} belongs to a {} organisation; {} is a {}",
                new.role,
                kind.as_str(),
                org.name,
                org.kind
            )));
        }
        let hash = hash_blocking(new.password, self.config.password_cost).await?;
        let user = User {
            id: secrets::new_id(),
            email,
            name: new.name.trim().into(),
            role: new.role.as_str().into(),
            org_id: Some(org.id),
            created_at: self.now(),
        };
        let mut tx = self.begin().await?;
        if sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(&user.email)
            .fetch_optional(&mut *tx)
            .await?
            .is_some()
        {
            return Err(RegistryError::Conflict(format!(
                "a user with e-mail {} exists",
                user.email
            )));
        }
        insert_user(&mut tx, &user, &hash).await?;
        audit(
            &mut tx,
            &user.created_at,
            actor,
            "user.create",
            "user",
            &user.id,
            None,
            Some(&json!(user)),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Every account, with whether it is disabled and how many live browser sessions it has
    /// (scheme administrator only), ordered by organisation then e-mail.
    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserAccount>> {
        authorize(actor, Action::ManageUsers, &Resource::Global)?;
        let now = self.clock().now_unix();
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, u.org_id, u.created_at, u.disabled, \
             o.name AS org_name, \
             (SELECT COUNT(*) FROM browser_sessions s WHERE s.user_id = u.id AND s.expires_at > $1) AS sessions \
             FROM users u LEFT JOIN organisations o ON o.id = u.org_id \
             ORDER BY o.name, u.email",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UserAccount {
                    user: user_from_row(r)?,
                    org_name: opt_text(r, "org_name")?,
                    disabled: r.try_get::<i64, _>("disabled")? != 0,
                    live_sessions: r.try_get::<i64, _>("sessions")?,
                })
            })
            .collect()
    }

    /// Disables or re-enables an account (scheme administrator only). Disabling ends the
    /// user's browser sessions and revokes their API tokens in the same transaction, so
    /// re-enabling the account later does not bring a leaked credential back (the user logs in
    /// and makes new tokens); nothing of the user's past work changes. An
    /// administrator cannot disable themselves, so the scheme cannot lock itself out by
    /// mistake.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        user_id: &str,
        disabled: bool,
    ) -> Result<UserAccount> {
        authorize(actor, Action::ManageUsers, &Resource::Global)?;
        if disabled && actor.user_id.as_deref() == Some(user_id) {
            return Err(RegistryError::Conflict(
                "you cannot disable your own account; ask another administrator".into(),
            ));
        }
        let now = self.now();
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT disabled, role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| RegistryError::not_found(format!("user {user_id}")))?;
        let was = row.try_get::<i64, _>("disabled")? != 0;
        // Two administrators disabling each other at once must not leave none: SQLite's writers
        // are serialised already; on PostgreSQL touching every administrator's row first makes
        // the second transaction wait for the first and then count what it committed.
        if disabled && text(&row, "role")? == Role::SchemeAdmin.as_str() {
            sqlx::query("UPDATE users SET disabled = disabled WHERE role = $1")
                .bind(Role::SchemeAdmin.as_str())
                .execute(&mut *tx)
                .await?;
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM users WHERE role = $1 AND disabled = 0 AND id <> $2",
            )
            .bind(Role::SchemeAdmin.as_str())
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
            if others == 0 {
                return Err(RegistryError::Conflict(
                    "this is the last enabled administrator; enable or create another first".into(),
                ));
            }
        }
        if was == disabled {
            return Err(RegistryError::Conflict(format!(
                "user {user_id} is already {}",
                if disabled { "disabled" } else { "enabled" }
            )));
        }
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let (ended, revoked) = if disabled {
            end_credentials(&mut tx, user_id, None, &now).await?
        } else {
            (0, 0)
        };
        audit(
            &mut tx,
            &now,
            actor,
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            "user",
            user_id,
            Some(&json!({"disabled": was})),
            Some(
                &json!({"disabled": disabled, "sessions_ended": ended, "tokens_revoked": revoked}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.users(actor)
            .await?
            .into_iter()
            .find(|u| u.user.id == user_id)
            .ok_or_else(|| RegistryError::not_found(format!("user {user_id}")))
    }

    /// Changes the actor's own password, given the current one. Wrong guesses count towards
    /// the same per-user throttle as the login form, so a borrowed session cannot be used to
    /// guess the password. Every other browser session of the user ends (`keep_session`, the
    /// one making the change, stays) and their API tokens are revoked: a password is changed
    /// when it may have leaked, and a token can be minted from a password.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        authorize(actor, Action::ChangeOwnPassword, &Resource::Global)?;
        let user_id = actor
            .user_id
            .clone()
            .ok_or(RegistryError::Unauthenticated)?;
        let row =
            sqlx::query("SELECT email, password_hash FROM users WHERE id = $1 AND disabled = 0")
                .bind(&user_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(RegistryError::Unauthenticated)?;
        let key = format!("user:{}", text(&row, "email")?);
        let now_unix = self.clock().now_unix();
        self.begin_attempt(&key, now_unix).await?;
        if !verify_blocking(current.to_string(), text(&row, "password_hash")?).await {
            self.attempt_failed(&key, now_unix).await?;
            return Err(RegistryError::invalid(
                "the current password is wrong; type the one you logged in with",
            ));
        }
        self.attempt_succeeded(&key, true).await?;
        if current == new {
            return Err(RegistryError::invalid(
                "the new password is the current one; choose another",
            ));
        }
        let hash = hash_blocking(new.to_string(), self.config.password_cost).await?;
        self.replace_password(actor, &user_id, &hash, keep_session, "user.password.change")
            .await
    }

    /// Sets another user's password (scheme administrator only), for a user who has forgotten
    /// theirs: the registry sends no e-mail, so the administrator hands the new one over and
    /// the user changes it. All the user's browser sessions end, their API tokens are revoked,
    /// and a login lock on them is lifted. Not for another administrator's account: one
    /// administrator must not be able to take over another's (and act in their name).
    pub async fn set_user_password(&self, actor: &Actor, user_id: &str, new: &str) -> Result<()> {
        authorize(actor, Action::ManageUsers, &Resource::Global)?;
        if actor.user_id.as_deref() == Some(user_id) {
            return Err(RegistryError::Conflict(
                "change your own password with your current one (\"Your password\")".into(),
            ));
        }
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        match role.as_deref() {
            None => return Err(RegistryError::not_found(format!("user {user_id}"))),
            Some(r) if r == Role::SchemeAdmin.as_str() => {
                return Err(RegistryError::Conflict(
                    "an administrator's password is changed by that administrator only".into(),
                ));
            }
            Some(_) => {}
        }
        let hash = hash_blocking(new.to_string(), self.config.password_cost).await?;
        self.replace_password(actor, user_id, &hash, None, "user.password.set")
            .await
    }

    /// Stores a new password hash, ends the user's other sessions and audits it (never the
    /// password or its hash), in one transaction.
    async fn replace_password(
        &self,
        actor: &Actor,
        user_id: &str,
        hash: &str,
        keep_session: Option<&str>,
        action: &str,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // A password changed because it leaked must not leave the tokens minted with it.
        let (ended, revoked) = end_credentials(&mut tx, user_id, keep_session, &now).await?;
        // A user locked out by failed logins can use the new password at once.
        sqlx::query(
            "DELETE FROM login_throttle WHERE key = (SELECT 'user:' || email FROM users WHERE id = $1)",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            &now,
            actor,
            action,
            "user",
            user_id,
            None,
            Some(
                &json!({"password": "changed", "sessions_ended": ended, "tokens_revoked": revoked}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user by id.
    pub async fn user(&self, id: &str) -> Result<User> {
        let row = sqlx::query(
            "SELECT id, email, name, role, org_id, created_at FROM users WHERE id = $1 AND disabled = 0",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| RegistryError::not_found(format!("user {id}")))?;
        user_from_row(&row)
    }

    /// Checks a password. Throttled per user (e-mail) and per client address: after too many
    /// failures in the window, even a correct password is refused until the lock ends. A
    /// success clears the user's failures. Unknown users cost the same hashing time as known
    /// ones, so timing does not reveal which e-mails exist.
    pub async fn login(&self, email: &str, password: &str, client: &str) -> Result<User> {
        let email = email.trim().to_ascii_lowercase();
        let keys = [format!("user:{email}"), format!("addr:{client}")];
        let now = self.clock().now_unix();
        self.begin_attempt(&keys[0], now).await?;
        if let Err(e) = self.begin_attempt(&keys[1], now).await {
            // Give the user's attempt back: it never reached the password check.
            self.attempt_succeeded(&keys[0], false).await?;
            return Err(e);
        }
        let row = sqlx::query(
            "SELECT id, email, name, role, org_id, created_at, password_hash FROM users WHERE email = $1 AND disabled = 0",
        )
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        // A dummy hash of the same cost keeps the work the same for unknown users.
        let hash = match &row {
            Some(r) => text(r, "password_hash")?,
            None => dummy_hash(self.config.password_cost),
        };
        let ok = verify_blocking(password.to_string(), hash).await && row.is_some();
        match (ok, row) {
            (true, Some(r)) => {
                self.attempt_succeeded(&keys[0], true).await?;
                self.attempt_succeeded(&keys[1], false).await?;
                user_from_row(&r)
            }
            _ => {
                for k in &keys {
                    self.attempt_failed(k, now).await?;
                }
                Err(RegistryError::Unauthenticated)
            }
        }
    }

    /// Counts an attempt against `key` *before* the password is checked, in one statement, so
    /// that parallel guesses cannot all pass a check made before any of them failed: refused
    /// when the key is locked, or when this attempt is one more than the window allows (which
    /// also starts the lock). A success gives the attempt back ([`Store::attempt_succeeded`]).
    async fn begin_attempt(&self, key: &str, now: i64) -> Result<()> {
        let t = self.config.throttle;
        let row = sqlx::query(
            "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, 1, $2, 0) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN login_throttle.locked_until > $2 THEN login_throttle.failures \
                               WHEN $2 - login_throttle.window_start > $3 THEN 1 \
                               ELSE login_throttle.failures + 1 END, \
               window_start = CASE WHEN login_throttle.locked_until <= $2 \
                                    AND $2 - login_throttle.window_start > $3 THEN $2 \
                               ELSE login_throttle.window_start END, \
               locked_until = CASE WHEN login_throttle.locked_until > $2 \
                                   THEN login_throttle.locked_until ELSE 0 END \
             RETURNING failures, locked_until",
        )
        .bind(key)
        .bind(now)
        .bind(t.window_secs)
        .fetch_one(&self.pool)
        .await?;
        let locked_until = row.try_get::<i64, _>("locked_until")?;
        if locked_until > now {
            return Err(RegistryError::Throttled {
                until: rfc3339(locked_until),
            });
        }
        if row.try_get::<i64, _>("failures")? > t.max_failures {
            let until = now + t.lockout_secs;
            self.lock(key, until).await?;
            return Err(RegistryError::Throttled {
                until: rfc3339(until),
            });
        }
        Ok(())
    }

    /// After a wrong password: the attempt stays counted, and the last one the window allows
    /// starts the lock.
    async fn attempt_failed(&self, key: &str, now: i64) -> Result<()> {
        let t = self.config.throttle;
        let failures: Option<i64> =
            sqlx::query_scalar("SELECT failures FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        if failures.is_some_and(|f| f >= t.max_failures) {
            self.lock(key, now + t.lockout_secs).await?;
        }
        Ok(())
    }

    /// After a right password: the attempt is given back (the user's own key is cleared).
    async fn attempt_succeeded(&self, key: &str, clear: bool) -> Result<()> {
        let sql = if clear {
            "DELETE FROM login_throttle WHERE key = $1"
        } else {
            "UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0 AND locked_until = 0"
        };
        sqlx::query(sql).bind(key).execute(&self.pool).await?;
        Ok(())
    }

    async fn lock(&self, key: &str, until: i64) -> Result<()> {
        sqlx::query(
            "UPDATE login_throttle SET locked_until = $1, failures = 0 WHERE key = $2 AND locked_until < $1",
        )
        .bind(until)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Creates an API token for the actor, valid for [`DEFAULT_TOKEN_DAYS`] with the actor's
    /// whole scope; returns (token id, the secret). See [`Store::create_api_token_with`].
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> Result<(String, String)> {
        self.create_api_token_with(
            actor,
            &NewToken {
                name: name.into(),
                days: DEFAULT_TOKEN_DAYS,
                scope: None,
            },
        )
        .await
    }

    /// Creates an API token for the actor; returns (token id, the secret). The secret is shown
    /// this once: only its SHA-256 is stored. The token expires after `days` (1 to
    /// [`MAX_TOKEN_DAYS`]); a scope must be actions the role is granted, and no wider than the
    /// scope of the token making it.
    pub async fn create_api_token_with(
        &self,
        actor: &Actor,
        token: &NewToken,
    ) -> Result<(String, String)> {
        authorize(actor, Action::ManageOwnTokens, &Resource::Global)?;
        let name = token.name.as_str();
        validate::text("token name", name, 100)?;
        if !(1..=MAX_TOKEN_DAYS).contains(&token.days) {
            return Err(RegistryError::invalid(format!(
                "a token lasts 1 to {MAX_TOKEN_DAYS} days, not {}",
                token.days
            )));
        }
        let scope = match (&token.scope, &actor.scope) {
            (Some(asked), held) => {
                if asked.is_empty() || asked.len() > Action::ALL.len() {
                    return Err(RegistryError::invalid(
                        "a token's scope names at least one action",
                    ));
                }
                for a in asked {
                    if !a.granted_to(actor.role) {
                        return Err(RegistryError::invalid(format!(
                            "the role {} may not {a}, so a token cannot be scoped to it",
                            actor.role.as_str()
                        )));
                    }
                    if held.as_ref().is_some_and(|h| !h.contains(a)) {
                        return Err(RegistryError::invalid(format!(
                            "{a} is outside the scope of the token making this one"
                        )));
                    }
                }
                Some(asked.clone())
            }
            (None, held) => held.clone(),
        };
        let scope_text = scope.as_ref().map(|s| {
            s.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        });
        let user_id = actor
            .user_id
            .clone()
            .ok_or(RegistryError::Unauthenticated)?;
        let (secret, digest) = secrets::new_token();
        let id = secrets::new_id();
        let now = self.now();
        let expires_at = self
            .clock()
            .now_unix()
            .saturating_add(i64::from(token.days) * 86_400);
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_sha256, created_at, expires_at, scope) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(&user_id)
        .bind(name.trim())
        .bind(&digest)
        .bind(&now)
        .bind(expires_at)
        .bind(scope_text.clone())
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            &now,
            actor,
            "token.create",
            "api_token",
            &id,
            None,
            Some(&json!({"user_id": user_id, "name": name.trim(), "expires_at": expires_at, "scope": scope_text})),
        )
        .await?;
        tx.commit().await?;
        Ok((id, secret))
    }

    /// Revokes one of the actor's tokens.
    pub async fn revoke_api_token(&self, actor: &Actor, token_id: &str) -> Result<()> {
        authorize(actor, Action::ManageOwnTokens, &Resource::Global)?;
        let user_id = actor
            .user_id
            .clone()
            .ok_or(RegistryError::Unauthenticated)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(token_id)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done != 1 {
            return Err(RegistryError::not_found(format!("token {token_id}")));
        }
        audit(
            &mut tx,
            &now,
            actor,
            "token.revoke",
            "api_token",
            token_id,
            Some(&json!({"revoked": false})),
            Some(&json!({"revoked": true})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user a presented API token belongs to (unexpired, unrevoked, account enabled).
    /// The server acts with [`Store::authenticate_token_actor`], which keeps the token's scope.
    pub async fn authenticate_token(&self, secret: &str) -> Result<User> {
        Ok(self.token_user(secret).await?.0)
    }

    /// The actor a presented API token acts as: its user, narrowed to the token's scope.
    pub async fn authenticate_token_actor(&self, secret: &str) -> Result<(User, Actor)> {
        let (user, scope) = self.token_user(secret).await?;
        let mut actor = user.actor();
        actor.scope = scope;
        Ok((user, actor))
    }

    async fn token_user(&self, secret: &str) -> Result<(User, Option<Vec<Action>>)> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, u.org_id, u.created_at, t.scope FROM api_tokens t \
             JOIN users u ON u.id = t.user_id \
             WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND u.disabled = 0 \
             AND t.expires_at > $2",
        )
        .bind(secrets::token_digest(secret))
        .bind(self.clock().now_unix())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(RegistryError::Unauthenticated)?;
        let scope = match opt_text(&row, "scope")? {
            None => None,
            Some(text) => Some(
                text.split_whitespace()
                    .map(|n| {
                        Action::parse(n).ok_or_else(|| {
                            RegistryError::Storage(sqlx::Error::Protocol(format!(
                                "a stored token scope names an unknown action `{n}`"
                            )))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        Ok((user_from_row(&row)?, scope))
    }
}

/// How long a token lasts unless asked otherwise.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest a token may last.
pub const MAX_TOKEN_DAYS: u32 = 366;

/// A token to create: its label, lifetime and scope.
#[derive(Clone, Debug)]
pub struct NewToken {
    /// A label ("CI", "laptop").
    pub name: String,
    /// Days until it expires (1 to [`MAX_TOKEN_DAYS`]).
    pub days: u32,
    /// The actions it allows (a subset of the role's); `None`: all of them.
    pub scope: Option<Vec<Action>>,
}

/// Ends a user's browser sessions (but `keep`, the one making a change) and revokes their API
/// tokens, inside `tx`; returns (sessions ended, tokens revoked). Disabling an account and
/// replacing its password both do this: the credentials may be in the wrong hands.
async fn end_credentials(
    tx: &mut sqlx::AnyConnection,
    user_id: &str,
    keep: Option<&str>,
    now: &str,
) -> Result<(u64, u64)> {
    let keep = keep.map(secrets::token_digest).unwrap_or_default();
    let ended = sqlx::query("DELETE FROM browser_sessions WHERE user_id = $1 AND id_sha256 <> $2")
        .bind(user_id)
        .bind(&keep)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let revoked = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok((ended, revoked))
}

/// A valid hash of a password nobody has, made once per cost.
fn dummy_hash(cost: PasswordCost) -> String {
    use std::sync::OnceLock;
    static STANDARD: OnceLock<String> = OnceLock::new();
    static FAST: OnceLock<String> = OnceLock::new();
    let cell = match cost {
        PasswordCost::Standard => &STANDARD,
        PasswordCost::Fast => &FAST,
    };
    cell.get_or_init(|| {
        let random = secrets::new_id();
        secrets::hash_password(&random, cost).unwrap_or_default()
    })
    .clone()
}

async fn insert_user(tx: &mut sqlx::AnyConnection, user: &User, hash: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, email, name, role, org_id, password_hash, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.role)
    .bind(&user.org_id)
    .bind(hash)
    .bind(&user.created_at)
    .execute(tx)
    .await?;
    Ok(())
}
