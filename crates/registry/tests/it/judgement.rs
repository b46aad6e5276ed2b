//! Judgement (issue 12): a certificate's public status changes only deliberately — every change
//! states its reason, and revocation is final — and a vulnerability fix is its own change class:
//! the evaluating lab reviews it (AVA_VAN on the fix, regression of the touched SFRs) and the
//! certification body extends the certificate, with no re-evaluation case.

use crate::common;

use dtsec_registry::maintenance::{
    Change, ChangeArea, ChangeClass, FixReview, ImpactAnalysis, ReviewVerdict,
};
use dtsec_registry::workflow::State;
use dtsec_registry::{RegistryError, StatusRequest, verify_certificate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_changes_need_a_reason_and_revocation_is_final() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        assert_eq!(
            StatusRequest::allowed_from(State::Active),
            vec![
                StatusRequest::OpenReview,
                StatusRequest::Suspend,
                StatusRequest::Revoke
            ]
        );
        assert_eq!(
            StatusRequest::allowed_from(State::Suspended),
            vec![StatusRequest::Reinstate, StatusRequest::Revoke]
        );
        assert!(StatusRequest::allowed_from(State::Revoked).is_empty());

        // No reason, or only blanks: refused for every kind of change, and nothing changes.
        for request in [StatusRequest::OpenReview, StatusRequest::Suspend] {
            for reason in ["", "   \n"] {
                let e = s
                    .change_certificate_status(&w.certifier, &cid, request, reason)
                    .await
                    .unwrap_err();
                assert!(
                    matches!(&e, RegistryError::Validation(m) if m.contains("states its reason")),
                    "{}: {e}",
                    db.backend
                );
            }
        }
        assert_eq!(s.certificate(&cid).await.unwrap().revision, 1);

        // The reason is signed into the revision, trimmed.
        let r = s
            .change_certificate_status(
                &w.certifier,
                &cid,
                StatusRequest::OpenReview,
                "  Reported BLE replay weakness under analysis ",
            )
            .await
            .unwrap();
        let cert = verify_certificate(&r.document, &s.scheme_public_key()).unwrap();
        assert_eq!(
            cert.status_reason.as_deref(),
            Some("Reported BLE replay weakness under analysis")
        );

        // Revoked: every later change is refused, saying that revocation is final.
        s.change_certificate_status(&w.certifier, &cid, StatusRequest::Revoke, "Fraud")
            .await
            .unwrap();
        for request in StatusRequest::ALL {
            let e = s
                .change_certificate_status(&w.certifier, &cid, request, "try again")
                .await
                .unwrap_err();
            assert!(
                matches!(&e, RegistryError::InvalidTransition { why, .. } if why.contains("revocation is final")),
                "{}: {request:?}: {e}",
                db.backend
            );
        }
        let after = s.certificate(&cid).await.unwrap();
        assert_eq!((after.status.as_str(), after.revision), ("revoked", 3));
        db.finish().await;
    }
}

fn fix_ia(version: &str, fixes: &[&str], sfrs: &[&str], extra: Option<Change>) -> ImpactAnalysis {
    let mut changes = vec![Change {
        description: "Nonce reuse in the BLE session fixed".into(),
        areas: vec![ChangeArea::Crypto, ChangeArea::Tsf],
        fixes: fixes.iter().map(|f| f.to_string()).collect(),
    }];
    changes.extend(extra);
    ImpactAnalysis {
        new_version: version.into(),
        build_ids: vec![format!("fw-{version}")],
        changes,
        touched_sfrs: sfrs.iter().map(|f| f.to_string()).collect(),
    }
}

fn review(ava_van: ReviewVerdict, regression: ReviewVerdict) -> FixReview {
    FixReview {
        ava_van,
        regression,
        summary: "Replayed the attack on the fixed build; reran the FCS and FTP tests".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vulnerability_fix_is_reviewed_by_the_lab_then_extended() {
    for db in common::backends().await {
        let s = &db.store;
        let b = db.backend;
        let w = common::world(s).await;
        let (pid, cid) = common::certified_pump(s, &w).await;
        let cases_before = s.count_rows("products").await.unwrap();

        // Refused: a fix that names no touched SFR, and a touched "SFR" that is not an id.
        for bad in [
            fix_ia("1.0.1", &["CVE-2026-0001"], &[], None),
            fix_ia("1.0.1", &["CVE-2026-0001"], &["rm -rf"], None),
        ] {
            assert!(
                matches!(
                    s.file_impact_analysis(&w.maker_a.user, &cid, &bad).await,
                    Err(RegistryError::Validation(_))
                ),
                "{b}"
            );
        }
        // A fix bundled with an undeclared security-relevant change is major.
        let bundled = fix_ia(
            "2.0",
            &["CVE-2026-0001"],
            &["FCS_COP.1"],
            Some(Change {
                description: "New pairing flow".into(),
                areas: vec![ChangeArea::Pairing],
                fixes: vec![],
            }),
        );
        assert_eq!(
            dtsec_registry::maintenance::classify(&bundled.changes),
            ChangeClass::Major
        );

        // The fix: classified vulnerability-fix, awaiting the evaluating lab; no new case.
        let m = s
            .file_impact_analysis(
                &w.maker_a.user,
                &cid,
                &fix_ia(
                    "1.0.1",
                    &["CVE-2026-0001", "DTSEC-VULN-7"],
                    &["FCS_COP.1", "FTP_ITC.1/BLE"],
                    None,
                ),
            )
            .await
            .unwrap();
        assert_eq!(
            (m.change_class.as_str(), m.state.as_str()),
            ("vulnerability-fix", "lab-review"),
            "{b}"
        );
        assert_eq!(m.fixed_vulnerabilities, ["CVE-2026-0001", "DTSEC-VULN-7"]);
        assert_eq!(m.touched_sfrs, ["FCS_COP.1", "FTP_ITC.1/BLE"]);
        assert_eq!(m.lab_org.as_deref(), Some(w.lab_a.org.as_str()));
        assert_eq!(m.new_product_id, None);
        assert_eq!(s.count_rows("products").await.unwrap(), cases_before);

        // Not yet extendable; not in the certifier's queue; in lab A's, not lab B's.
        assert!(
            s.pending_maintenance(&w.certifier)
                .await
                .unwrap()
                .is_empty()
        );
        let e = s.extend_certificate(&w.certifier, &m.id).await.unwrap_err();
        assert!(e.to_string().contains("not yet reviewed"), "{b}: {e}");
        assert_eq!(
            s.fix_reviews_awaiting(&w.lab_a.evaluator)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            s.fix_reviews_awaiting(&w.lab_b.evaluator)
                .await
                .unwrap()
                .is_empty()
        );
        // Only the evaluating lab reviews: not another lab, the manufacturer or the certifier.
        let pass = review(ReviewVerdict::Pass, ReviewVerdict::Pass);
        for who in [&w.lab_b.evaluator, &w.maker_a.user, &w.certifier] {
            assert!(
                matches!(
                    s.submit_fix_review(who, &m.id, &pass).await,
                    Err(RegistryError::Forbidden(_))
                ),
                "{b}: {who:?}"
            );
        }
        let reviewed = s
            .submit_fix_review(&w.lab_a.evaluator, &m.id, &pass)
            .await
            .unwrap();
        assert_eq!(reviewed.state.as_str(), "fix-verified", "{b}");
        let r = reviewed.fix_review.clone().unwrap();
        assert_eq!(
            (r.ava_van.as_str(), r.regression.as_str()),
            ("pass", "pass")
        );
        assert!(matches!(
            s.submit_fix_review(&w.lab_a.evaluator, &m.id, &pass).await,
            Err(RegistryError::InvalidTransition { .. })
        ));

        // The certification body extends: a signed maintenance entry of the fix's class.
        assert_eq!(s.pending_maintenance(&w.certifier).await.unwrap().len(), 1);
        let c = s.extend_certificate(&w.certifier, &m.id).await.unwrap();
        assert_eq!(
            (c.status.as_str(), c.product_version.as_str()),
            ("maintained", "1.0.1"),
            "{b}"
        );
        let cert = verify_certificate(&c.document, &s.scheme_public_key()).unwrap();
        let entry = cert.maintenance_history.last().unwrap();
        assert_eq!(entry.change_class, "vulnerability-fix");
        assert!(
            entry.changes[0].contains("fixes CVE-2026-0001, DTSEC-VULN-7"),
            "{entry:?}"
        );
        assert_eq!(
            s.product(&w.admin, &pid).await.unwrap().state(),
            State::Maintained
        );

        // A failed review ends the analysis: no extension, nothing left pending.
        let m2 = s
            .file_impact_analysis(
                &w.maker_a.user,
                &cid,
                &fix_ia("1.0.2", &["CVE-2026-0002"], &["FPT_TUD_EXT.1"], None),
            )
            .await
            .unwrap();
        let failed = s
            .submit_fix_review(
                &w.lab_a.evaluator,
                &m2.id,
                &review(ReviewVerdict::Pass, ReviewVerdict::Fail),
            )
            .await
            .unwrap();
        assert_eq!(failed.state.as_str(), "fix-failed", "{b}");
        assert!(failed.decided_at.is_some());
        let e = s
            .extend_certificate(&w.certifier, &m2.id)
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("review of this vulnerability fix failed"),
            "{b}: {e}"
        );
        assert!(
            s.pending_maintenance(&w.certifier)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(s.certificate(&cid).await.unwrap().product_version, "1.0.1");
        db.finish().await;
    }
}
