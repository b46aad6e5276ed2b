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

/// A lab's approval state and a maintenance record's state are typed the same way: one
/// spelling, and an unknown stored one fails naming the row (a lab once read as "withdrawn"
/// whatever its row said).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_lab_and_maintenance_states_are_refused_with_the_row_named() {
    use dtsec_registry::labs::LabState;
    use dtsec_registry::maintenance::{Change, ChangeArea, ImpactAnalysis, MaintenanceState};
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let lab = w.lab_a.org.clone();
        assert_eq!(s.lab(&lab).await.unwrap().state, LabState::Approved);
        // The wire spelling is the stored one.
        assert_eq!(
            serde_json::to_value(LabState::Approved).unwrap(),
            serde_json::json!("approved")
        );
        sqlx::query("UPDATE labs SET state = 'Approved' WHERE org_id = $1")
            .bind(&lab)
            .execute(s.pool())
            .await
            .unwrap();
        let err = s.lab(&lab).await.unwrap_err();
        let RegistryError::UnknownStoredState {
            record, id, value, ..
        } = &err
        else {
            panic!("{}: expected UnknownStoredState, got {err}", db.backend);
        };
        assert_eq!(
            (*record, id.as_str(), value.as_str()),
            ("lab", lab.as_str(), "Approved")
        );
        assert!(matches!(
            s.labs().await,
            Err(RegistryError::UnknownStoredState { .. })
        ));
        sqlx::query("UPDATE labs SET state = 'approved' WHERE org_id = $1")
            .bind(&lab)
            .execute(s.pool())
            .await
            .unwrap();

        let (_, cid) = common::certified_pump(s, &w).await;
        let m = s
            .file_impact_analysis(
                &w.maker_a.user,
                &cid,
                &ImpactAnalysis {
                    new_version: "1.1".into(),
                    build_ids: vec!["fw-1.1".into()],
                    changes: vec![Change {
                        description: "label text".into(),
                        areas: vec![ChangeArea::Documentation],
                        fixes: vec![],
                    }],
                    touched_sfrs: vec![],
                },
            )
            .await
            .unwrap();
        assert_eq!(m.state, MaintenanceState::Filed);
        assert_eq!(
            serde_json::to_value(MaintenanceState::ReEvaluation).unwrap(),
            serde_json::json!("re-evaluation")
        );
        sqlx::query("UPDATE maintenance SET state = 'done' WHERE id = $1")
            .bind(&m.id)
            .execute(s.pool())
            .await
            .unwrap();
        let err = s.extend_certificate(&w.certifier, &m.id).await.unwrap_err();
        assert!(
            matches!(&err, RegistryError::UnknownStoredState { record: "maintenance", id, .. } if *id == m.id),
            "{}: {err}",
            db.backend
        );
        db.finish().await;
    }
}
