//! Accounts: the first administrator is bootstrapped once, users fit their organisation's kind,
//! passwords are Argon2id, logins are throttled, API tokens are shown once and stored hashed.

use crate::common;

use dtsec_registry::{NewUser, OrgKind, RegistryError, Role};
use sqlx::Row as _;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_users_login_tokens() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        // Bootstrap only once.
        assert!(matches!(
            s.bootstrap_admin("second@test.invalid", "Second", common::PASSWORD)
                .await,
            Err(RegistryError::Conflict(_))
        ));
        // Roles must fit the organisation kind; e-mails are unique.
        let labs = s.organisations(Some(OrgKind::Lab)).await.unwrap();
        let e = s
            .create_user(
                &w.admin,
                NewUser {
                    email: "m@test.invalid".into(),
                    name: "M".into(),
                    role: Role::Manufacturer,
                    org_id: labs[0].id.clone(),
                    password: common::PASSWORD.into(),
                },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("manufacturer organisation"), "{e}");
        let dup = s
            .create_user(
                &w.admin,
                NewUser {
                    email: "CERT@test.invalid".into(),
                    name: "Dup".into(),
                    role: Role::Certifier,
                    org_id: s
                        .organisations(Some(OrgKind::CertificationBody))
                        .await
                        .unwrap()[0]
                        .id
                        .clone(),
                    password: common::PASSWORD.into(),
                },
            )
            .await;
        assert!(matches!(dup, Err(RegistryError::Conflict(_))));

        // Passwords are stored as Argon2id hashes.
        let hash: String =
            sqlx::query("SELECT password_hash FROM users WHERE email = 'cert@test.invalid'")
                .fetch_one(s.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert!(hash.starts_with("$argon2id$"));

        // Login, then throttling after five failures, even with the right password.
        let u = s
            .login("Cert@Test.invalid", common::PASSWORD, "10.0.0.1")
            .await
            .unwrap();
        assert_eq!(u.role, "certifier");
        for _ in 0..4 {
            assert!(matches!(
                s.login("cert@test.invalid", "wrong-password", "10.0.0.2")
                    .await,
                Err(RegistryError::Unauthenticated)
            ));
        }
        assert!(matches!(
            s.login("cert@test.invalid", "wrong-password", "10.0.0.3")
                .await,
            Err(RegistryError::Unauthenticated)
        ));
        assert!(matches!(
            s.login("cert@test.invalid", common::PASSWORD, "10.0.0.4")
                .await,
            Err(RegistryError::Throttled { .. })
        ));
        // The lock ends after the window.
        s.clock().advance_days(1);
        s.login("cert@test.invalid", common::PASSWORD, "10.0.0.4")
            .await
            .unwrap();
        // Unknown users fail the same way.
        assert!(matches!(
            s.login("nobody@test.invalid", common::PASSWORD, "10.0.0.5")
                .await,
            Err(RegistryError::Unauthenticated)
        ));

        // API tokens: shown once, stored as SHA-256, revocable.
        let (tid, secret) = s.create_api_token(&w.maker_a.user, "ci").await.unwrap();
        assert!(secret.starts_with("dtsec_"));
        let stored: String = sqlx::query("SELECT token_sha256 FROM api_tokens WHERE id = $1")
            .bind(&tid)
            .fetch_one(s.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(stored, dtsec_seal::sha256_hex(secret.as_bytes()));
        assert!(!stored.contains(&secret));
        let who = s.authenticate_token(&secret).await.unwrap();
        assert_eq!(who.actor(), w.maker_a.user);
        assert!(s.revoke_api_token(&w.maker_b.user, &tid).await.is_err());
        s.revoke_api_token(&w.maker_a.user, &tid).await.unwrap();
        assert!(matches!(
            s.authenticate_token(&secret).await,
            Err(RegistryError::Unauthenticated)
        ));
        assert!(
            s.create_api_token(&dtsec_registry::Actor::public(), "x")
                .await
                .is_err()
        );
        // Each account change is audited.
        let recent = s.recent_audit(&w.admin, 500).await.unwrap();
        assert!(recent.iter().any(|a| a.action == "token.revoke"));
        assert!(recent.iter().any(|a| a.action == "user.bootstrap-admin"));
        db.finish().await;
    }
}

/// Guesses sent in parallel cannot pass the limit: each attempt is counted before its password
/// is checked, in one statement.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_are_throttled_like_sequential_ones() {
    for db in common::backends().await {
        let s = &db.store;
        common::world(s).await;
        let mut guesses = tokio::task::JoinSet::new();
        for i in 0..20 {
            let s = s.clone();
            guesses.spawn(async move {
                s.login(
                    "maker1@test.invalid",
                    "wrong-password",
                    &format!("10.1.0.{i}"),
                )
                .await
            });
        }
        let (mut checked, mut throttled) = (0, 0);
        while let Some(r) = guesses.join_next().await {
            match r.unwrap() {
                Err(RegistryError::Unauthenticated) => checked += 1,
                Err(RegistryError::Throttled { .. }) => throttled += 1,
                other => panic!("{}: {other:?}", db.backend),
            }
        }
        let max = dtsec_registry::ThrottleConfig::default().max_failures;
        assert!(
            checked <= max,
            "{}: {checked} passwords checked, the limit is {max}",
            db.backend
        );
        assert_eq!(checked + throttled, 20);
        // And the right password is refused while the lock lasts.
        assert!(matches!(
            s.login("maker1@test.invalid", common::PASSWORD, "10.1.1.1")
                .await,
            Err(RegistryError::Throttled { .. })
        ));
        db.finish().await;
    }
}

/// Issue 12: API tokens once never expired and could do everything the role could. A token
/// now expires, and a scope narrows it to some of the role's actions (never more).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_expire_and_scopes_narrow_them() {
    use dtsec_registry::{Action, NewToken};
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let maker = &w.maker_a.user;
        let token = |days: u32, scope: Option<Vec<Action>>| NewToken {
            name: "ci".into(),
            days,
            scope,
        };
        // Expiry.
        let (_, short) = s
            .create_api_token_with(maker, &token(1, None))
            .await
            .unwrap();
        assert!(s.authenticate_token(&short).await.is_ok(), "{}", db.backend);
        s.clock().advance_days(2);
        assert!(
            matches!(
                s.authenticate_token(&short).await,
                Err(RegistryError::Unauthenticated)
            ),
            "{}: an expired token is refused",
            db.backend
        );
        assert!(
            s.create_api_token_with(maker, &token(0, None))
                .await
                .is_err()
        );
        assert!(
            s.create_api_token_with(maker, &token(400, None))
                .await
                .is_err()
        );
        // Scope: a subset of the role's actions only.
        let err = s
            .create_api_token_with(maker, &token(30, Some(vec![Action::IssueCertificate])))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("may not IssueCertificate"),
            "{err}"
        );
        let (_, narrow) = s
            .create_api_token_with(maker, &token(30, Some(vec![Action::ViewProduct])))
            .await
            .unwrap();
        let (_, actor) = s.authenticate_token_actor(&narrow).await.unwrap();
        assert_eq!(actor.scope, Some(vec![Action::ViewProduct]));
        let id = common::register_pump(s, &w).await;
        assert!(s.product(&actor, &id).await.is_ok(), "{}", db.backend);
        let (name, text) = common::st_text("pump");
        let err = s
            .submit_st(&actor, &id, name, text.as_bytes().to_vec())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("outside the API token's scope"),
            "{err}"
        );
        // A scoped token cannot mint a wider one (it may not manage tokens at all here).
        assert!(s.create_api_token(&actor, "wider").await.is_err());
        db.finish().await;
    }
}
