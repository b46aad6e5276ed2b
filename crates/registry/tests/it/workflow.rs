//! The whole certification workflow, end to end, on every backend: register → ST → lab →
//! evaluation → sealed ETR → review (reject, then accept) → certificate → status changes, with
//! the audit trail and the decision log checked at each step.

use crate::common;

use dtsec_registry::workflow::State;
use dtsec_registry::{StatusRequest, verify_certificate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_workflow() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let id = common::register_pump(s, &w).await;
        let (name, text) = common::st_text("pump");
        let p = s
            .submit_st(&w.maker_a.user, &id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        assert_eq!(p.state(), State::StSubmitted, "{}", db.backend);
        assert_eq!(
            p.st_sha256.as_deref(),
            Some(dtsec_seal::sha256_hex(text.as_bytes()).as_str())
        );
        assert_eq!(p.package_claims, vec!["cdd-eb@1.0".to_string()]);
        assert!(p.st_findings.iter().all(|f| f.severity != "error"));
        let p = s
            .choose_lab(&w.maker_a.user, &id, &w.lab_a.org)
            .await
            .unwrap();
        assert_eq!(p.state(), State::LabChosen);
        // The lab now sees the case; the other lab does not.
        assert!(s.product(&w.lab_a.evaluator, &id).await.is_ok());
        assert!(s.product(&w.lab_b.evaluator, &id).await.is_err());
        let p = s.start_evaluation(&w.lab_a.evaluator, &id).await.unwrap();
        assert_eq!(p.state(), State::EvaluationInProgress);
        let bundle = common::etr(w.lab_a.key_seed, "pump");
        let p = s
            .submit_etr(&w.lab_a.evaluator, &id, &bundle)
            .await
            .unwrap();
        assert_eq!(p.state(), State::EtrSubmitted);
        let p = s
            .reject_etr(
                &w.certifier,
                &id,
                "Section 5 lacks the test depth rationale",
            )
            .await
            .unwrap();
        assert_eq!(p.state(), State::Rejected);
        assert!(p.review_reasons.unwrap().contains("test depth"));
        let p = s
            .submit_etr(&w.lab_a.evaluator, &id, &bundle)
            .await
            .unwrap();
        assert_eq!(p.state(), State::EtrSubmitted);
        let p = s.accept_etr(&w.certifier, &id).await.unwrap();
        assert_eq!(p.state(), State::Accepted);
        let c = s.issue_certificate(&w.certifier, &id).await.unwrap();
        assert_eq!(c.certificate_id, "DTSEC-2025-0001");
        assert_eq!(c.status, "active");
        assert_eq!(c.expiry_date, "2027-03-01");

        // The certificate verifies offline with the scheme key and carries the case's facts.
        let cert = verify_certificate(&c.document, &s.scheme_public_key()).unwrap();
        assert_eq!(cert.product_name, "Test Pump");
        assert_eq!(cert.manufacturer, "Maker A");
        assert_eq!(cert.lab.name, "Lab A");
        assert_eq!(cert.toe_type, "TT.PUMP");
        assert_eq!(cert.pp_claim[0].id, "cdd");
        assert_eq!(cert.package_claims[0].id, "cdd-eb");
        assert_eq!(cert.st_sha256, dtsec_seal::sha256_hex(text.as_bytes()));
        assert_eq!(
            cert.etr_sha256,
            dtsec_seal::Sealed::from_json(&bundle)
                .unwrap()
                .payload_sha256()
        );
        assert_eq!(cert.status, "active");

        // Status changes re-issue the document.
        let c2 = s
            .change_certificate_status(
                &w.certifier,
                &c.certificate_id,
                StatusRequest::OpenReview,
                "CVE report",
            )
            .await
            .unwrap();
        assert_eq!((c2.status.as_str(), c2.revision), ("under-review", 2));
        let c3 = s
            .change_certificate_status(
                &w.certifier,
                &c.certificate_id,
                StatusRequest::Suspend,
                "no fix",
            )
            .await
            .unwrap();
        let c4 = s
            .change_certificate_status(
                &w.certifier,
                &c.certificate_id,
                StatusRequest::Reinstate,
                "the review found no problem",
            )
            .await
            .unwrap();
        assert_eq!(
            (c3.status.as_str(), c4.status.as_str()),
            ("suspended", "active")
        );
        let cert4 = verify_certificate(&c4.document, &s.scheme_public_key()).unwrap();
        assert_eq!(cert4.revision, 4);
        assert_eq!(
            s.product(&w.admin, &id).await.unwrap().state(),
            State::Active
        );

        // Public views.
        let detail = s.device(&c.certificate_id).await.unwrap();
        let statuses: Vec<&str> = detail.history.iter().map(|h| h.status.as_str()).collect();
        assert_eq!(statuses, ["active", "under-review", "suspended", "active"]);
        assert_eq!(
            s.certificate_status(&c.certificate_id).await.unwrap().0,
            "active"
        );

        // Every step is in the audit trail with before and after.
        let trail = s.audit_trail(&w.admin, "product", &id).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
        for want in [
            "product.register",
            "product.submit-st",
            "product.choose-lab",
            "product.start-evaluation",
            "product.submit-etr",
            "product.reject-etr",
            "product.accept-etr",
            "product.issue-certificate",
            "product.certificate-status",
        ] {
            assert!(actions.contains(&want), "{want} missing from {actions:?}");
        }
        for a in trail.iter().skip(1) {
            assert!(a.before.is_some() && a.after.is_some(), "{a:?}");
            assert_ne!(a.before, a.after);
        }
        assert_eq!(trail[0].before, None);
        // Decisions: reject, accept, issue, review, suspend, reinstate (after the world's lab
        // approvals, which are decisions too).
        let decisions: Vec<String> = s
            .decision_entries()
            .await
            .unwrap()
            .into_iter()
            .filter(|d| !d.contains("\"kind\":\"lab-"))
            .collect();
        assert_eq!(decisions.len(), 6, "{decisions:#?}");
        assert!(decisions[2].contains("\"certificate-issued\""));
        // The audit trail is append-only at the database level.
        assert!(
            sqlx::query("DELETE FROM audit")
                .execute(s.pool())
                .await
                .is_err(),
            "{}: audit rows could be deleted",
            db.backend
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_decisions_have_one_winner() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let id = common::pump_in_evaluation(s, &w).await;
        s.submit_etr(&w.lab_a.evaluator, &id, &common::etr(1, "pump"))
            .await
            .unwrap();
        let before = s.count_rows("audit").await.unwrap();
        let decisions = s.count_rows("decision_log").await.unwrap();
        let (a, b) = tokio::join!(
            s.accept_etr(&w.certifier, &id),
            s.reject_etr(&w.certifier, &id, "race")
        );
        assert!(a.is_ok() != b.is_ok(), "{}: {a:?} / {b:?}", db.backend);
        // One audit row and one decision for the winner only.
        assert_eq!(s.count_rows("audit").await.unwrap(), before + 1);
        assert_eq!(s.count_rows("decision_log").await.unwrap(), decisions + 1);
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_st_about_another_version_is_accepted_with_a_warning() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        // Registered as 1.0; the example ST evaluates firmware 2.4.1.
        let id = common::register_pump(s, &w).await;
        let (name, text) = ("pump-st.yaml", dtsec_registry::demo::PUMP_ST);
        let p = s
            .submit_st(&w.maker_a.user, &id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        let warning = p
            .st_findings
            .iter()
            .find(|f| f.code == "REG-TOE-VERSION")
            .expect("a version warning");
        assert_eq!(warning.severity, "warning");
        assert!(warning.message.contains("`1.0`"), "{}", warning.message);
        assert!(warning.line > 0, "{}: at the ST's toe block", db.backend);
        // Registered as the ST's version: no warning.
        let same = s
            .register_product(
                &w.maker_a.user,
                dtsec_registry::NewProduct {
                    manufacturer_org: w.maker_a.org.clone(),
                    name: "Test Pump".into(),
                    version: "2.4.1".into(),
                    build_ids: vec![],
                    toe_type: "TT.PUMP".into(),
                },
            )
            .await
            .unwrap();
        let p = s
            .submit_st(&w.maker_a.user, &same.id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        assert!(p.st_findings.iter().all(|f| f.code != "REG-TOE-VERSION"));
        // A version that is only part of another is not the same version.
        let close = s
            .register_product(
                &w.maker_a.user,
                dtsec_registry::NewProduct {
                    manufacturer_org: w.maker_a.org.clone(),
                    name: "Test Pump".into(),
                    version: "4.1".into(),
                    build_ids: vec![],
                    toe_type: "TT.PUMP".into(),
                },
            )
            .await
            .unwrap();
        let p = s
            .submit_st(&w.maker_a.user, &close.id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        assert!(p.st_findings.iter().any(|f| f.code == "REG-TOE-VERSION"));
        db.finish().await;
    }
}
