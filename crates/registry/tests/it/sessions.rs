//! Browser sessions live in the database: a second store over the same database (another
//! process, or the same one after a restart) sees them; they expire; logging out ends one;
//! disabling a user ends all of theirs and stops their API tokens, and is audited.

use crate::common;

use dtsec_registry::{RegistryError, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_persist_expire_and_end_when_the_user_is_disabled() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let maker = s
            .login("maker1@test.invalid", common::PASSWORD, "t")
            .await
            .unwrap();

        // A session started by one store is seen by another over the same database.
        let (secret, started) = s.start_session(&maker, 3600).await.unwrap();
        let other = Store::open(s.config().clone()).await.unwrap();
        let seen = other
            .session(&secret)
            .await
            .unwrap()
            .expect("session shared");
        assert_eq!(seen.user.id, maker.id);
        assert_eq!(seen.csrf, started.csrf);
        assert_ne!(seen.csrf, secret);
        other.close().await;

        // Only the digest is stored: the cookie's value is nowhere in the table.
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM browser_sessions WHERE id_sha256 = $1 OR csrf = $1",
        )
        .bind(&secret)
        .fetch_one(s.pool())
        .await
        .unwrap();
        assert_eq!(stored, 0, "{}", db.backend);

        // A wrong id, and lifetimes out of range, are refused.
        assert!(s.session("not-a-session").await.unwrap().is_none());
        assert!(matches!(
            s.start_session(&maker, 0).await,
            Err(RegistryError::Validation(_))
        ));

        // Expiry: an hour later the session is gone, and the next start purges its row.
        s.clock().advance_days(1);
        assert!(s.session(&secret).await.unwrap().is_none());
        let (second, _) = s.start_session(&maker, 3600).await.unwrap();
        let (third, _) = s.start_session(&maker, 3600).await.unwrap();
        assert_eq!(s.live_sessions(&maker.id).await.unwrap(), 2);
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM browser_sessions")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(rows, 2, "{}: the expired row was purged", db.backend);

        // Logging out ends that session only.
        s.end_session(&second).await.unwrap();
        assert!(s.session(&second).await.unwrap().is_none());
        assert!(s.session(&third).await.unwrap().is_some());

        // Only the administrator disables, never themselves.
        assert!(matches!(
            s.set_user_disabled(&w.certifier, &maker.id, true).await,
            Err(RegistryError::Forbidden(_))
        ));
        let admin_id = w.admin.user_id.clone().unwrap();
        assert!(matches!(
            s.set_user_disabled(&w.admin, &admin_id, true).await,
            Err(RegistryError::Conflict(_))
        ));
        let (_, token) = s.create_api_token(&maker.actor(), "script").await.unwrap();
        assert!(s.authenticate_token(&token).await.is_ok());

        // Disabling: sessions end, the token and the password stop working, and the list says so.
        let disabled = s
            .set_user_disabled(&w.admin, &maker.id, true)
            .await
            .unwrap();
        assert!(disabled.disabled);
        assert_eq!(disabled.live_sessions, 0);
        assert!(s.session(&third).await.unwrap().is_none());
        assert!(s.authenticate_token(&token).await.is_err());
        assert!(
            s.login("maker1@test.invalid", common::PASSWORD, "t")
                .await
                .is_err()
        );
        assert!(matches!(
            s.set_user_disabled(&w.admin, &maker.id, true).await,
            Err(RegistryError::Conflict(_))
        ));
        let listed = s.users(&w.admin).await.unwrap();
        assert!(listed.iter().any(|u| u.user.id == maker.id && u.disabled));
        assert!(matches!(
            s.users(&w.maker_b.user).await,
            Err(RegistryError::Forbidden(_))
        ));

        // Re-enabling restores the password, not the ended sessions nor the revoked token.
        let enabled = s
            .set_user_disabled(&w.admin, &maker.id, false)
            .await
            .unwrap();
        assert!(!enabled.disabled);
        assert!(s.authenticate_token(&token).await.is_err());
        assert!(s.session(&third).await.unwrap().is_none());
        s.login("maker1@test.invalid", common::PASSWORD, "t")
            .await
            .unwrap();

        // Changing one's own password: the current one is needed (and wrong guesses are
        // throttled like logins); the session making the change stays, the others end.
        let (keep, _) = s.start_session(&maker, 3600).await.unwrap();
        let (other_tab, _) = s.start_session(&maker, 3600).await.unwrap();
        let me = maker.actor();
        assert!(matches!(
            s.change_own_password(&me, "not my password", "new-password-456", Some(&keep))
                .await,
            Err(RegistryError::Validation(_))
        ));
        assert!(matches!(
            s.change_own_password(&me, common::PASSWORD, "short", Some(&keep))
                .await,
            Err(RegistryError::Validation(_))
        ));
        let (_, minted) = s.create_api_token(&me, "before the change").await.unwrap();
        s.change_own_password(&me, common::PASSWORD, "new-password-456", Some(&keep))
            .await
            .unwrap();
        assert!(
            s.authenticate_token(&minted).await.is_err(),
            "tokens are revoked with the old password"
        );
        assert!(s.session(&keep).await.unwrap().is_some());
        assert!(s.session(&other_tab).await.unwrap().is_none());
        assert!(
            s.login("maker1@test.invalid", common::PASSWORD, "t")
                .await
                .is_err()
        );
        s.login("maker1@test.invalid", "new-password-456", "t")
            .await
            .unwrap();
        // The public has no password to change.
        assert!(
            s.change_own_password(&dtsec_registry::Actor::public(), "a", "b", None)
                .await
                .is_err()
        );

        // The administrator sets a forgotten one: every session of the user ends; not their own.
        s.set_user_password(&w.admin, &maker.id, "handed-over-789")
            .await
            .unwrap();
        assert!(s.session(&keep).await.unwrap().is_none());
        s.login("maker1@test.invalid", "handed-over-789", "t")
            .await
            .unwrap();
        assert!(matches!(
            s.set_user_password(&w.admin, &admin_id, "handed-over-789")
                .await,
            Err(RegistryError::Conflict(_))
        ));
        assert!(matches!(
            s.set_user_password(&w.certifier, &maker.id, "handed-over-789")
                .await,
            Err(RegistryError::Forbidden(_))
        ));
        // Administrators: one cannot set another's password, and the last enabled one cannot
        // be disabled (here by a second administrator acting on a stale session, as in a race).
        let admin_org = w.admin.org_id.clone().unwrap();
        let second = s
            .create_user(
                &w.admin,
                dtsec_registry::NewUser {
                    email: "admin2@test.invalid".into(),
                    name: "Second admin".into(),
                    role: dtsec_registry::Role::SchemeAdmin,
                    org_id: admin_org,
                    password: common::PASSWORD.into(),
                },
            )
            .await
            .unwrap();
        assert!(matches!(
            s.set_user_password(&w.admin, &second.id, "handed-over-789")
                .await,
            Err(RegistryError::Conflict(_))
        ));
        s.set_user_disabled(&w.admin, &second.id, true)
            .await
            .unwrap();
        assert!(matches!(
            s.set_user_disabled(&second.actor(), &admin_id, true).await,
            Err(RegistryError::Conflict(m)) if m.contains("last enabled administrator")
        ));

        // No password or hash is written to the audit trail.
        let trail: Vec<String> = sqlx::query_scalar(
            "SELECT COALESCE(after_json, '') FROM audit WHERE entity = 'user' AND entity_id = $1",
        )
        .bind(&maker.id)
        .fetch_all(s.pool())
        .await
        .unwrap();
        assert!(
            trail.iter().all(|a| !a.contains("new-password-456")
                && !a.contains("handed-over-789")
                && !a.contains("argon2")),
            "{trail:?}"
        );

        // Every change is in the audit trail with before and after.
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit WHERE entity = 'user' AND entity_id = $1 ORDER BY seq",
        )
        .bind(&maker.id)
        .fetch_all(s.pool())
        .await
        .unwrap();
        assert_eq!(
            actions,
            [
                "user.create",
                "user.disable",
                "user.enable",
                "user.password.change",
                "user.password.set"
            ],
            "{}",
            db.backend
        );
        db.finish().await;
    }
}
