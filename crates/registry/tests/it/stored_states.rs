//! States are typed at the store's boundary (issue 12): a case's state or a certificate's
//! status that this version does not know is an error naming the row, never a default (once a
//! hand-edited `Revoked ` read as `archived`, an unknown product state as `registered`).

use crate::common;

use dtsec_registry::RegistryError;
use dtsec_registry::workflow::State;

#[tokio::test]
async fn an_unknown_stored_state_is_refused_with_the_row_named() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let pid = common::register_pump(s, &w).await;
        assert_eq!(
            s.product(&w.admin, &pid).await.unwrap().state,
            State::Registered
        );
        sqlx::query("UPDATE products SET state = 'Registered ' WHERE id = $1")
            .bind(&pid)
            .execute(s.pool())
            .await
            .unwrap();
        let err = s.product(&w.admin, &pid).await.unwrap_err();
        let RegistryError::UnknownStoredState {
            record,
            id,
            column,
            value,
        } = &err
        else {
            panic!("{}: expected UnknownStoredState, got {err}", db.backend);
        };
        assert_eq!(
            (*record, id.as_str(), *column, value.as_str()),
            ("product", pid.as_str(), "state", "Registered ")
        );
        assert!(
            !err.is_client_error(),
            "a broken row is the registry's fault, not the caller's"
        );
        // Lists that read the row fail the same way instead of showing a guessed state.
        assert!(matches!(
            s.products(&w.admin).await,
            Err(RegistryError::UnknownStoredState { .. })
        ));
        db.finish().await;
    }
}
