//! Assurance maintenance: a minor change extends the certificate to the new version (a signed
//! maintenance entry); a major one opens a re-evaluation case and cannot be extended.

use crate::common;

use dtsec_registry::maintenance::{Change, ChangeArea, ImpactAnalysis};
use dtsec_registry::workflow::State;
use dtsec_registry::{RegistryError, verify_certificate};

fn ia(version: &str, areas: Vec<ChangeArea>) -> ImpactAnalysis {
    ImpactAnalysis {
        new_version: version.into(),
        build_ids: vec![format!("fw-{version}")],
        changes: vec![Change {
            description: "what changed".into(),
            areas,
            fixes: vec![],
        }],
        touched_sfrs: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minor_extends_major_reevaluates() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (pid, cid) = common::certified_pump(s, &w).await;

        // Minor: only the certifier extends, once.
        let m = s
            .file_impact_analysis(
                &w.maker_a.user,
                &cid,
                &ia(
                    "1.1",
                    vec![ChangeArea::UserInterface, ChangeArea::Documentation],
                ),
            )
            .await
            .unwrap();
        assert_eq!(
            (m.change_class.as_str(), m.state.as_str()),
            ("minor", "filed")
        );
        assert_eq!(s.pending_maintenance(&w.certifier).await.unwrap().len(), 1);
        assert!(s.extend_certificate(&w.maker_a.user, &m.id).await.is_err());
        let c = s.extend_certificate(&w.certifier, &m.id).await.unwrap();
        assert_eq!(
            (c.status.as_str(), c.product_version.as_str()),
            ("maintained", "1.1")
        );
        let cert = verify_certificate(&c.document, &s.scheme_public_key()).unwrap();
        assert_eq!(cert.maintenance_history.len(), 1);
        assert_eq!(cert.maintenance_history[0].version, "1.1");
        assert_eq!(cert.maintenance_history[0].change_class, "minor");
        assert_eq!(cert.build_ids, vec!["fw-1.1".to_string()]);
        assert!(matches!(
            s.extend_certificate(&w.certifier, &m.id).await,
            Err(RegistryError::InvalidTransition { .. })
        ));
        assert_eq!(
            s.product(&w.admin, &pid).await.unwrap().state(),
            State::Maintained
        );

        // Major (pairing): a new case in `registered`, linked to the certificate; no extension.
        let before = s.count_rows("products").await.unwrap();
        let major = s
            .file_impact_analysis(
                &w.maker_a.user,
                &cid,
                &ia("2.0", vec![ChangeArea::Documentation, ChangeArea::Pairing]),
            )
            .await
            .unwrap();
        assert_eq!(
            (major.change_class.as_str(), major.state.as_str()),
            ("major", "re-evaluation")
        );
        assert_eq!(s.count_rows("products").await.unwrap(), before + 1);
        let new_case = s
            .product(&w.maker_a.user, major.new_product_id.as_deref().unwrap())
            .await
            .unwrap();
        assert_eq!(new_case.state(), State::Registered);
        assert_eq!(new_case.version, "2.0");
        assert_eq!(
            new_case.previous_certificate_id.as_deref(),
            Some(cid.as_str())
        );
        let e = s
            .extend_certificate(&w.certifier, &major.id)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("re-evaluation"), "{e}");
        // Other manufacturers may not file for this certificate.
        assert!(
            s.file_impact_analysis(&w.maker_b.user, &cid, &ia("3", vec![ChangeArea::Other]))
                .await
                .is_err()
        );
        // Incomplete analyses are refused.
        let empty = ImpactAnalysis {
            new_version: "4".into(),
            build_ids: vec![],
            changes: vec![],
            touched_sfrs: vec![],
        };
        assert!(
            s.file_impact_analysis(&w.maker_a.user, &cid, &empty)
                .await
                .is_err()
        );
        // A suspended certificate cannot be maintained.
        s.change_certificate_status(
            &w.certifier,
            &cid,
            dtsec_registry::StatusRequest::Suspend,
            "x",
        )
        .await
        .unwrap();
        assert!(matches!(
            s.file_impact_analysis(&w.maker_a.user, &cid, &ia("5", vec![ChangeArea::Other]))
                .await,
            Err(RegistryError::InvalidTransition { .. })
        ));
        // Reinstating a maintained certificate returns it to `maintained`.
        let c = s
            .change_certificate_status(
                &w.certifier,
                &cid,
                dtsec_registry::StatusRequest::Reinstate,
                "the review found no problem",
            )
            .await
            .unwrap();
        assert_eq!(c.status, "maintained");
        let device = s.device(&cid).await.unwrap();
        assert_eq!(device.maintenance.len(), 2);
        db.finish().await;
    }
}
