//! Certificates: offline verification and tamper detection, re-issue on status change, archive
//! at expiry, the scheme key's safety rules, search, filters and the CSV export.

use crate::common;

use dtsec_registry::{DeviceFilter, RegistryError, StatusRequest, Store, verify_certificate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_offline_and_detect_tampering() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        let doc = s.certificate(&cid).await.unwrap().document;
        // The public key as a file, as `dtsec verify --key SCHEME.pub` will read it.
        let pub_path = db.dir.path().join("scheme.pub");
        let key = dtsec_seal::load_verifying_key(&pub_path).unwrap();
        let cert = verify_certificate(&doc, &key).unwrap();
        assert_eq!(cert.certificate_id, cid);
        // Tampering with any field breaks it.
        for (from, to) in [
            ("\"active\"", "\"revoked\""),
            ("\"Test Pump\"", "\"Other Pump\""),
            (cert.expiry_date.as_str(), "2099-01-01"),
        ] {
            let forged = doc.replacen(from, to, 1);
            assert_ne!(forged, doc);
            let e = verify_certificate(&forged, &key).unwrap_err();
            assert!(e.to_string().contains("signature"), "{e}");
        }
        // Another key does not verify it; garbage is refused.
        let other = dtsec_seal::SigningKey::generate().verifying_key();
        assert!(verify_certificate(&doc, &other).is_err());
        assert!(verify_certificate("not json", &key).is_err());
        // A sealed non-certificate (an ETR bundle) is not a certificate.
        let etr = common::etr(1, "pump");
        let lab_key = w.lab_a.key().verifying_key();
        assert!(verify_certificate(&etr, &lab_key).is_err());
        // Revocation re-issues a signed revocation.
        let r = s
            .change_certificate_status(&w.certifier, &cid, StatusRequest::Revoke, "fraud")
            .await
            .unwrap();
        let revoked = verify_certificate(&r.document, &key).unwrap();
        assert_eq!(
            (
                revoked.status.as_str(),
                revoked.revision,
                revoked.status_reason.as_deref()
            ),
            ("revoked", 2, Some("fraud"))
        );
        // Revoked is final.
        assert!(matches!(
            s.change_certificate_status(
                &w.certifier,
                &cid,
                StatusRequest::Reinstate,
                "the review found no problem"
            )
            .await,
            Err(RegistryError::InvalidTransition { .. })
        ));
        // Suspending needs a reason.
        assert!(
            s.change_certificate_status(
                &w.certifier,
                &cid,
                StatusRequest::Suspend,
                "the review found no problem"
            )
            .await
            .is_err()
        );
        let revisions = s.certificate_revisions(&cid).await.unwrap();
        assert_eq!(revisions.len(), 2);
        assert!(verify_certificate(&revisions[0].1, &key).is_ok());
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_at_expiry() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (pid, cid) = common::certified_pump(s, &w).await;
        let expiry =
            dtsec_registry::Date::parse(&s.certificate(&cid).await.unwrap().expiry_date).unwrap();
        // Valid through its expiry date.
        assert!(
            s.archive_expired(&w.certifier, expiry)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.archive_expired(&w.maker_a.user, expiry.add_days(1))
                .await
                .is_err()
        );
        let done = s
            .archive_expired(&w.certifier, expiry.add_days(1))
            .await
            .unwrap();
        assert_eq!(done, vec![cid.clone()]);
        let c = s.certificate(&cid).await.unwrap();
        assert_eq!(c.status, "archived");
        let cert = verify_certificate(&c.document, &s.scheme_public_key()).unwrap();
        assert!(
            cert.status_reason
                .unwrap()
                .contains("validity period ended")
        );
        assert_eq!(s.product(&w.admin, &pid).await.unwrap().state, "archived");
        // Running again archives nothing more.
        assert!(
            s.archive_expired(&w.certifier, expiry.add_days(9))
                .await
                .unwrap()
                .is_empty()
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_filters_and_csv() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, pump) = common::certified_pump(s, &w).await;
        // A CGM by maker B through lab B.
        let id = s
            .register_product(
                &w.maker_b.user,
                dtsec_registry::NewProduct {
                    manufacturer_org: w.maker_b.org.clone(),
                    name: "Glow, \"CGM\"".into(),
                    version: "2".into(),
                    build_ids: vec![],
                    toe_type: "TT.CGM".into(),
                },
            )
            .await
            .unwrap()
            .id;
        let (name, text) = common::st_text("cgm");
        s.submit_st(&w.maker_b.user, &id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        s.choose_lab(&w.maker_b.user, &id, &w.lab_b.org)
            .await
            .unwrap();
        s.start_evaluation(&w.lab_b.evaluator, &id).await.unwrap();
        s.submit_etr(&w.lab_b.evaluator, &id, &common::etr(2, "cgm"))
            .await
            .unwrap();
        s.accept_etr(&w.certifier, &id).await.unwrap();
        common::approve_drafts(s, &w, &id).await;
        let cgm = s
            .issue_certificate(&w.certifier, &id)
            .await
            .unwrap()
            .certificate_id;

        let all = s.search_devices(&DeviceFilter::default()).await.unwrap();
        assert_eq!(all.len(), 2);
        let by = |f: DeviceFilter| async move {
            s.search_devices(&f)
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.certificate_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            by(DeviceFilter {
                toe_type: Some("TT.CGM".into()),
                ..Default::default()
            })
            .await,
            [cgm.as_str()]
        );
        assert_eq!(
            by(DeviceFilter {
                manufacturer: Some(w.maker_a.org.clone()),
                ..Default::default()
            })
            .await,
            [pump.as_str()]
        );
        assert_eq!(
            by(DeviceFilter {
                lab: Some(w.lab_b.org.clone()),
                ..Default::default()
            })
            .await,
            [cgm.as_str()]
        );
        assert_eq!(
            by(DeviceFilter {
                text: Some("test PUMP".into()),
                ..Default::default()
            })
            .await,
            [pump.as_str()]
        );
        assert_eq!(
            by(DeviceFilter {
                text: Some("maker b".into()),
                ..Default::default()
            })
            .await,
            [cgm.as_str()]
        );
        assert!(
            by(DeviceFilter {
                text: Some("%".into()),
                ..Default::default()
            })
            .await
            .is_empty()
        );
        assert!(
            by(DeviceFilter {
                status: Some("revoked".into()),
                ..Default::default()
            })
            .await
            .is_empty()
        );
        let pump_pkgs = s.device(&pump).await.unwrap().summary.packages;
        let pkg = pump_pkgs[0].split('@').next().unwrap().to_string();
        let with_pkg = by(DeviceFilter {
            package: Some(pkg),
            ..Default::default()
        })
        .await;
        assert!(with_pkg.contains(&pump));
        assert!(
            by(DeviceFilter {
                package: Some("nope".into()),
                ..Default::default()
            })
            .await
            .is_empty()
        );

        let csv = s.devices_csv(&DeviceFilter::default()).await.unwrap();
        let mut lines = csv.split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "Category,Name,Manufacturer,Scheme,Certification Date,Archive Date,Protection Profile(s),Assurance Level / Packages,Lab,Certificate ID,Status"
        );
        assert!(csv.contains("\"Glow, \"\"CGM\"\" 2\""), "{csv}");
        assert!(csv.contains(&pump) && csv.contains("Lab A") && csv.contains("cdd 1.0"));
        assert_eq!(csv.matches("\r\n").count(), 3);
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheme_key_is_never_replaced_silently() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(common::config(dir.path())).await.unwrap();
    let id = s.scheme_public_key().key_id();
    s.close().await;
    let key_path = dir.path().join("scheme.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Reopening uses the same key.
    let s = Store::open(common::config(dir.path())).await.unwrap();
    assert_eq!(s.scheme_public_key().key_id(), id);
    s.close().await;
    // Without the key file, opening fails and creates nothing.
    let saved = std::fs::read(&key_path).unwrap();
    std::fs::remove_file(&key_path).unwrap();
    let e = Store::open(common::config(dir.path())).await.unwrap_err();
    assert!(matches!(e, RegistryError::Key(_)), "{e}");
    assert!(e.to_string().contains("missing"), "{e}");
    assert!(!key_path.exists());
    // Another key in its place is refused too.
    let other = dtsec_seal::SigningKey::generate();
    std::fs::write(&key_path, other.to_pkcs8_pem()).unwrap();
    assert!(matches!(
        Store::open(common::config(dir.path())).await,
        Err(RegistryError::Key(_))
    ));
    std::fs::write(&key_path, saved).unwrap();
    let s = Store::open(common::config(dir.path())).await.unwrap();
    assert_eq!(s.scheme_public_key().key_id(), id);
    // WAL mode and foreign keys are on.
    use sqlx::Row as _;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(s.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(s.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(fk, 1);
    s.close().await;
}

/// Issue 12: certificate numbers once came from `COUNT(*)+1`, which two concurrent issuers on
/// PostgreSQL read alike. Issued at once, four accepted cases get four distinct numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issuing_gives_distinct_certificate_ids() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let mut cases = Vec::new();
        for (i, bundle) in four_pump_etrs().iter().enumerate() {
            let version = format!("1.{i}");
            let id = s
                .register_product(
                    &w.maker_a.user,
                    dtsec_registry::NewProduct {
                        manufacturer_org: w.maker_a.org.clone(),
                        name: "Test Pump".into(),
                        version: version.clone(),
                        build_ids: vec![],
                        toe_type: "TT.PUMP".into(),
                    },
                )
                .await
                .unwrap()
                .id;
            let st = pump_st(&version);
            s.submit_st(&w.maker_a.user, &id, "pump-st.yaml", st.into_bytes())
                .await
                .unwrap();
            s.choose_lab(&w.maker_a.user, &id, &w.lab_a.org)
                .await
                .unwrap();
            s.start_evaluation(&w.lab_a.evaluator, &id).await.unwrap();
            s.submit_etr(&w.lab_a.evaluator, &id, bundle).await.unwrap();
            s.accept_etr(&w.certifier, &id).await.unwrap();
            common::approve_drafts(s, &w, &id).await;
            cases.push(id);
        }
        let tasks: Vec<_> = cases
            .into_iter()
            .map(|id| {
                let (store, certifier) = (s.clone(), w.certifier.clone());
                tokio::spawn(async move { store.issue_certificate(&certifier, &id).await })
            })
            .collect();
        let mut ids = Vec::new();
        for t in tasks {
            let issued = t.await.unwrap();
            ids.push(
                issued
                    .unwrap_or_else(|e| panic!("{}: {e}", db.backend))
                    .certificate_id,
            );
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 4, "{}: {ids:?}", db.backend);
        db.finish().await;
    }
}

/// Maker A's "Test Pump" ST for `version`.
fn pump_st(version: &str) -> String {
    dtsec_registry::demo::st_for(
        dtsec_registry::demo::PUMP_ST_V1,
        "Maker A",
        "Test Pump",
        version,
    )
}

/// Four ETRs by Lab A for "Test Pump" 1.0 to 1.3 (one case each: an ETR is bound to its case).
fn four_pump_etrs() -> Vec<String> {
    (0..4)
        .map(|i| {
            let st = pump_st(&format!("1.{i}"));
            dtsec_registry::demo::seal_passing_etr(
                "pump-st.yaml",
                &st,
                "Lab A",
                "Maker A",
                &dtsec_seal::SigningKey::from_seed(&[1; 32]),
            )
            .unwrap()
        })
        .collect()
}

/// The status lookup is kept between calls (the verifiers' hot path); every decision must still
/// show at once, including one made between two lookups of the same certificate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_lookup_follows_every_decision_at_once() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        let status = |s: &Store| {
            let s = s.clone();
            let cid = cid.clone();
            async move {
                let (status, revision, _) = s.certificate_status(&cid).await.unwrap();
                (status, revision)
            }
        };
        assert_eq!(status(s).await, ("active".to_string(), 1));
        assert_eq!(status(s).await, ("active".to_string(), 1));
        let steps = [
            (StatusRequest::Suspend, "suspended", 2),
            (StatusRequest::Reinstate, "active", 3),
            (StatusRequest::Revoke, "revoked", 4),
        ];
        for (request, want, revision) in steps {
            s.change_certificate_status(&w.certifier, &cid, request, "a reason")
                .await
                .unwrap();
            assert_eq!(status(s).await, (want.to_string(), revision), "{want}");
            assert_eq!(status(s).await, (want.to_string(), revision), "{want}");
        }
        // An unknown certificate is still not found, before and after.
        assert!(s.certificate_status("DTSEC-0000-0000").await.is_err());
    }
}

/// A decision committed by another process on the same database (a second server, or one being
/// replaced: it finds the log locked and only writes the outbox) shows in the kept status within
/// `STATUS_FRESH_FOR`, and at once when this store publishes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_made_by_another_process_shows_in_the_status_lookup() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        assert_eq!(s.certificate_status(&cid).await.unwrap().0, "active");
        let mut cfg = common::config(db.dir.path());
        cfg.database_url = db.pg_url().map(str::to_string);
        let other = Store::open(cfg).await.unwrap();
        other
            .change_certificate_status(&w.certifier, &cid, StatusRequest::Suspend, "elsewhere")
            .await
            .unwrap();
        tokio::time::sleep(
            dtsec_registry::STATUS_FRESH_FOR + std::time::Duration::from_millis(200),
        )
        .await;
        assert_eq!(
            s.certificate_status(&cid).await.unwrap(),
            (
                "suspended".to_string(),
                2,
                s.certificate(&cid).await.unwrap().expiry_date
            ),
            "{}",
            db.backend
        );
        other
            .change_certificate_status(&w.certifier, &cid, StatusRequest::Reinstate, "elsewhere")
            .await
            .unwrap();
        // Published by this store (as its next decision or start-up would): at once.
        s.publish_log().await.unwrap();
        assert_eq!(
            s.certificate_status(&cid).await.unwrap().0,
            "active",
            "{}",
            db.backend
        );
        other.close().await;
    }
}
