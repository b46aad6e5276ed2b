//! Bad requests are refused with a clear error and change nothing: invalid transitions, STs
//! with errors or of the wrong kind, unapproved or expired labs, forged or foreign ETR bundles,
//! ETRs of another ST, failing verdicts. Each refusal is checked against a row-count snapshot
//! of every table (audit and decision log included).

use crate::common;

use dtsec_eval::RecordRequest;
use dtsec_eval::observations::{NewObservation, Severity};
use dtsec_eval::records::Verdict;
use dtsec_registry::demo::{PUMP_ST_V1, seal_etr_with, seal_passing_etr};
use dtsec_registry::workflow::State;
use dtsec_registry::{RegistryError, Store};
use dtsec_seal::SigningKey;

/// Runs `f`, asserts it failed with an error whose text contains `needle`, and that no table
/// changed.
async fn refused<F, Fut, T>(store: &Store, needle: &str, f: F) -> RegistryError
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, RegistryError>>,
    T: std::fmt::Debug,
{
    let before = common::snapshot(store).await;
    let err = f().await.expect_err("expected a refusal");
    assert!(
        err.to_string().contains(needle),
        "expected `{needle}` in: {err}"
    );
    assert!(err.is_client_error(), "{err}");
    assert_eq!(
        before,
        common::snapshot(store).await,
        "a refusal changed data: {err}"
    );
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_transitions_change_nothing() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let id = common::register_pump(s, &w).await;
        let e = refused(s, "Security Target must be submitted", || {
            s.choose_lab(&w.maker_a.user, &id, &w.lab_a.org)
        })
        .await;
        assert!(matches!(e, RegistryError::InvalidTransition { .. }));
        // No lab was chosen, so no lab may start it.
        refused(s, "forbidden", || {
            s.start_evaluation(&w.lab_a.evaluator, &id)
        })
        .await;
        refused(s, "cannot go from registered", || {
            s.accept_etr(&w.certifier, &id)
        })
        .await;
        refused(s, "cannot go from registered", || {
            s.issue_certificate(&w.certifier, &id)
        })
        .await;
        // Further along: no ST resubmission after the lab is chosen, no double issue.
        let id2 = common::pump_in_evaluation(s, &w).await;
        let (name, text) = common::st_text("pump");
        refused(s, "before a lab is chosen", || {
            s.submit_st(&w.maker_a.user, &id2, name, text.as_bytes().to_vec())
        })
        .await;
        s.submit_etr(&w.lab_a.evaluator, &id2, &common::etr(1, "pump"))
            .await
            .unwrap();
        refused(s, "accept or reject", || {
            s.issue_certificate(&w.certifier, &id2)
        })
        .await;
        refused(s, "cannot go from etr-submitted", || {
            s.choose_lab(&w.maker_a.user, &id2, &w.lab_b.org)
        })
        .await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_security_targets() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let id = common::register_pump(s, &w).await;
        let broken =
            "kind: security-target\nid: st\nversion: '1'\ntitle: T\nsfrs:\n  - id: FXX_NOPE.1\n";
        let e = refused(s, "error", || {
            s.submit_st(
                &w.maker_a.user,
                &id,
                "broken.yaml",
                broken.as_bytes().to_vec(),
            )
        })
        .await;
        match e {
            RegistryError::StRejected { diagnostics } => {
                assert!(
                    diagnostics.iter().any(|d| d.code == "DT-CAT-001"),
                    "{diagnostics:#?}"
                );
            }
            other => panic!("expected StRejected, got {other}"),
        }
        refused(s, "invalid input", || {
            s.submit_st(&w.maker_a.user, &id, "x.yaml", b"kind: [unclosed".to_vec())
        })
        .await;
        refused(s, "not UTF-8", || {
            s.submit_st(&w.maker_a.user, &id, "x.yaml", vec![0xff, 0xfe])
        })
        .await;
        let pp = "kind: protection-profile\nid: pp\nversion: '1'\ntitle: T\n";
        refused(s, "not a Security Target", || {
            s.submit_st(&w.maker_a.user, &id, "pp.yaml", pp.as_bytes().to_vec())
        })
        .await;
        let (name, cgm) = common::st_text("cgm");
        refused(s, "TOE type is TT.CGM", || {
            s.submit_st(&w.maker_a.user, &id, name, cgm.as_bytes().to_vec())
        })
        .await;
        let huge = vec![b' '; 17 * 1024 * 1024];
        refused(s, "invalid input", || {
            s.submit_st(&w.maker_a.user, &id, "huge.yaml", huge)
        })
        .await;
        // Another manufacturer may not submit for this product.
        refused(s, "forbidden", || {
            s.submit_st(
                &w.maker_b.user,
                &id,
                "pump-st.yaml",
                PUMP_ST_V1.as_bytes().to_vec(),
            )
        })
        .await;
        assert_eq!(
            s.product(&w.admin, &id).await.unwrap().state(),
            State::Registered
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labs_must_be_current() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let id = common::register_pump(s, &w).await;
        let (name, text) = common::st_text("pump");
        s.submit_st(&w.maker_a.user, &id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        // Suspended lab: refused.
        s.suspend_lab(&w.admin, &w.lab_b.org).await.unwrap();
        refused(s, "not an approved lab", || {
            s.choose_lab(&w.maker_a.user, &id, &w.lab_b.org)
        })
        .await;
        // Approval past its end date: refused.
        s.clock().advance_days(400);
        refused(s, "not an approved lab", || {
            s.choose_lab(&w.maker_a.user, &id, &w.lab_a.org)
        })
        .await;
        // Renewed: accepted.
        let until = s.clock().today().add_days(30);
        s.approve_lab(&w.admin, &w.lab_a.org, until).await.unwrap();
        s.choose_lab(&w.maker_a.user, &id, &w.lab_a.org)
            .await
            .unwrap();
        s.start_evaluation(&w.lab_a.evaluator, &id).await.unwrap();
        // The approval lapses during the evaluation: the ETR is refused.
        s.clock().advance_days(31);
        let bundle = common::etr(1, "pump");
        refused(s, "approval is not current", || {
            s.submit_etr(&w.lab_a.evaluator, &id, &bundle)
        })
        .await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_etr_bundles() {
    // Sealed before any store exists, so the (slow) evaluation is done once.
    let good = common::etr(1, "pump");
    let cgm = common::etr(1, "cgm");
    let wrong_key = common::etr(2, "pump");
    let (name, text) = common::st_text("pump");
    let failing = seal_etr_with(
        name,
        text,
        "Lab A",
        "Sponsor",
        &SigningKey::from_seed(&[1; 32]),
        |ws| {
            let unit = ws.plan()?.units().next().unwrap().unit.id.clone();
            let or = ws.add_observation(&NewObservation {
                title: "Missing interface",
                severity: Severity::Major,
                description: "The FSP omits the service port.",
                units: std::slice::from_ref(&unit),
                by: "Demo Evaluator",
            })?;
            ws.record(&RecordRequest {
                unit,
                verdict: Some(Verdict::Fail),
                by: "Demo Evaluator".into(),
                observations: vec![or.id],
                ..RecordRequest::default()
            })?;
            Ok(())
        },
    )
    .unwrap();
    // Signed with Lab A's key but naming another facility.
    let misnamed = seal_passing_etr(
        name,
        text,
        "Example Lab",
        "Sponsor",
        &SigningKey::from_seed(&[1; 32]),
    )
    .unwrap();
    let forged = good.replacen("\"pass\"", "\"fail\"", 1);
    assert_ne!(forged, good);
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let id = common::pump_in_evaluation(s, &w).await;
        let lab = &w.lab_a.evaluator;
        refused(s, "does not match", || s.submit_etr(lab, &id, &forged)).await;
        refused(s, "not signed by the lab's registered key", || {
            s.submit_etr(lab, &id, &wrong_key)
        })
        .await;
        refused(s, "evaluated an ST with SHA-256", || {
            s.submit_etr(lab, &id, &cgm)
        })
        .await;
        refused(s, "overall verdict is fail", || {
            s.submit_etr(lab, &id, &failing)
        })
        .await;
        refused(s, "names the evaluation facility `Example Lab`", || {
            s.submit_etr(lab, &id, &misnamed)
        })
        .await;
        refused(s, "not a sealed ETR bundle", || {
            s.submit_etr(lab, &id, "{\"nope\": 1}")
        })
        .await;
        // Lab B is not this case's lab.
        refused(s, "forbidden", || {
            s.submit_etr(&w.lab_b.evaluator, &id, &good)
        })
        .await;
        assert_eq!(
            s.product(&w.admin, &id).await.unwrap().state(),
            State::EvaluationInProgress
        );
        s.submit_etr(lab, &id, &good).await.unwrap();
        db.finish().await;
    }
}

/// Issue 12: an ETR is bound to its case. One sealed ETR (sponsor Acme) once certified three
/// products, one of them another manufacturer's. The ETR must name the case's product, version
/// and sponsor (and evaluate the ST the case holds), and serves one case only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_etr_is_bound_to_its_case() {
    let bundle = common::etr(1, "pump");
    let (name, text) = common::st_text("pump");
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        common::certified_pump(s, &w).await;
        // A case with the same ST, evaluated by the same lab, as `maker` registers it.
        let case = |maker: &common::MakerFixture, product: &str, version: &str| {
            let (maker, product, version) =
                (maker.clone(), product.to_string(), version.to_string());
            let w = w.clone();
            async move {
                let id = s
                    .register_product(
                        &maker.user,
                        dtsec_registry::NewProduct {
                            manufacturer_org: maker.org.clone(),
                            name: product,
                            version,
                            build_ids: vec![],
                            toe_type: "TT.PUMP".into(),
                        },
                    )
                    .await
                    .unwrap()
                    .id;
                s.submit_st(&maker.user, &id, name, text.as_bytes().to_vec())
                    .await
                    .unwrap();
                s.choose_lab(&maker.user, &id, &w.lab_a.org).await.unwrap();
                s.start_evaluation(&w.lab_a.evaluator, &id).await.unwrap();
                id
            }
        };
        let lab = &w.lab_a.evaluator;
        let other_maker = case(&w.maker_b, "Test Pump", "1.0").await;
        refused(
            s,
            "names the sponsor `Maker A`, but this case's manufacturer is `Maker B`",
            || s.submit_etr(lab, &other_maker, &bundle),
        )
        .await;
        let other_product = case(&w.maker_a, "Other Pump", "1.0").await;
        refused(
            s,
            "evaluated the TOE `Test Pump`, but this case is the product `Other Pump`",
            || s.submit_etr(lab, &other_product, &bundle),
        )
        .await;
        let other_version = case(&w.maker_a, "Test Pump", "2.0").await;
        refused(s, "does not name this case's version `2.0`", || {
            s.submit_etr(lab, &other_version, &bundle)
        })
        .await;
        let second = case(&w.maker_a, "Test Pump", "1.0").await;
        refused(s, "was already submitted for another case", || {
            s.submit_etr(lab, &second, &bundle)
        })
        .await;
        db.finish().await;
    }
}

/// Issue 12: the ST upload promised NIAP XML but parsed every file as YAML. A NIAP-format ST
/// is now read as one and judged by the checker (this one claims NIAP PPs the registry does not
/// hold, so the checker's findings refuse it — not a YAML syntax error).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_niap_xml_st_is_read_as_niap_xml() {
    let xml = include_str!("../../../niap/tests/fixtures/st-mini.xml");
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let id = common::register_pump(s, &w).await;
        let err = s
            .submit_st(&w.maker_a.user, &id, "st-mini.xml", xml.as_bytes().to_vec())
            .await
            .unwrap_err();
        // The checker's findings about the NIAP claims: the XML was read as an ST.
        let RegistryError::StRejected { diagnostics } = &err else {
            panic!("{}: not judged by the checker: {err}", db.backend);
        };
        assert!(
            diagnostics.iter().any(|d| d.code == "DT-CONF-001"),
            "{}: {err}",
            db.backend
        );
        println!("{}: {err}", db.backend);
        db.finish().await;
    }
}
