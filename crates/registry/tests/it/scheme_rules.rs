//! The scheme's rules at certification (issue 10): a therapy-delivery or AID TOE on CDD 2.x is
//! certified only on an ETR that evaluated AVA_VAN.3 or above (F21), and a claim of a draft PP
//! is flagged when the ST is submitted and certified only by the administrator's draft-PP rule
//! (F22): with a certifier's approval and reason, or not at all.

use dtsec_registry::demo::{PUMP_ST, seal_passing_etr, st_for};
use dtsec_registry::scheme::{DRAFT_PP_FINDING, DraftPpRule};
use dtsec_registry::{NewProduct, RegistryError, Store};
use serde_json::Value;

use crate::common::{self, World};

const NAME: &str = "Test Pump Two";

/// Maker A's 2.0 pump (therapy-delivery, aid-host; claims cdd 2.0 + cdd-eb 2.0) with lab A, in
/// evaluation; returns (case id, its ST text).
async fn pump_2_in_evaluation(s: &Store, w: &World) -> (String, String) {
    let id = s
        .register_product(
            &w.maker_a.user,
            NewProduct {
                manufacturer_org: w.maker_a.org.clone(),
                name: NAME.into(),
                version: "1.0".into(),
                build_ids: vec![],
                toe_type: "pump".into(),
            },
        )
        .await
        .unwrap()
        .id;
    let st = st_for(PUMP_ST, "Maker A", NAME, "1.0");
    s.submit_st(
        &w.maker_a.user,
        &id,
        "pump-st.yaml",
        st.clone().into_bytes(),
    )
    .await
    .unwrap();
    s.choose_lab(&w.maker_a.user, &id, &w.lab_a.org)
        .await
        .unwrap();
    s.start_evaluation(&w.lab_a.evaluator, &id).await.unwrap();
    (id, st)
}

/// A passing ETR by lab A over `st`.
fn etr(w: &World, st: &str) -> String {
    seal_passing_etr("pump-st.yaml", st, "Lab A", "Maker A", &w.lab_a.key()).unwrap()
}

/// The same ETR as the lab would seal it had it evaluated only AVA_VAN.2: its assurance record
/// rewritten, its section digest recomputed and signed again with the lab's key, so that it
/// verifies like any bundle.
fn etr_at_ava_van_2(w: &World, st: &str) -> String {
    let sealed = dtsec_seal::Sealed::from_json(&etr(w, st)).unwrap();
    let mut payload = sealed.payload;
    let assurance = &mut payload["evaluation"]["assurance"];
    let sars: Vec<Value> = assurance["sars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            if s.as_str().is_some_and(|s| s.starts_with("AVA_VAN.")) {
                Value::from("AVA_VAN.2")
            } else {
                s.clone()
            }
        })
        .collect();
    assert!(sars.contains(&Value::from("AVA_VAN.2")), "{sars:?}");
    assurance["sars"] = Value::from(sars);
    assurance["ava_van"] = Value::from("AVA_VAN.2");
    // The section's digest as the workbench computes it when it seals.
    let digest = format!(
        "sha256:{}",
        dtsec_seal::sha256_hex(&dtsec_seal::canonical_json(&payload["evaluation"]))
    );
    payload["digests"]["evaluation"] = Value::from(digest);
    dtsec_seal::seal(payload, &w.lab_a.key()).to_json_pretty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_therapy_toe_needs_enhanced_basic_in_the_etr() {
    for db in common::backends().await {
        let (s, b) = (&db.store, db.backend);
        let w = common::world(s).await;
        let (id, st) = pump_2_in_evaluation(s, &w).await;
        // The lab's bundle verifies, but it evaluated less than the ST claims.
        s.submit_etr(&w.lab_a.evaluator, &id, &etr_at_ava_van_2(&w, &st))
            .await
            .unwrap();
        let e = s.accept_etr(&w.certifier, &id).await.unwrap_err();
        assert!(matches!(e, RegistryError::SchemeRule(_)), "{b}: {e}");
        let m = e.to_string();
        for needle in [
            "cannot accept the ETR",
            "therapy-delivery",
            "AVA_VAN.3",
            "the ETR evaluated AVA_VAN.2",
            "cdd-eb",
        ] {
            assert!(m.contains(needle), "{b}: `{needle}` in {m}");
        }
        assert_eq!(
            s.product(&w.certifier, &id).await.unwrap().state,
            "etr-submitted",
            "{b}: the refusal changed nothing"
        );
        // The certifier rejects it; the lab's ETR at the ST's level is accepted and certified.
        s.reject_etr(&w.certifier, &id, "Evaluated below Enhanced-Basic")
            .await
            .unwrap();
        s.submit_etr(&w.lab_a.evaluator, &id, &etr(&w, &st))
            .await
            .unwrap();
        s.accept_etr(&w.certifier, &id).await.unwrap();
        common::approve_drafts(s, &w, &id).await;
        let c = s.issue_certificate(&w.certifier, &id).await.unwrap();
        assert_eq!(c.status, "active", "{b}");
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_pp_claim_is_flagged_and_needs_the_cbs_approval() {
    for db in common::backends().await {
        let (s, b) = (&db.store, db.backend);
        let w = common::world(s).await;
        assert!(s.draft_documents().contains("cdd@2.0"), "{b}");
        assert_eq!(s.draft_pp_rule().await.unwrap(), DraftPpRule::CbApproval);
        let (id, st) = pump_2_in_evaluation(s, &w).await;
        // The warning is on the case, at the claim of the draft PP.
        let p = s.product(&w.maker_a.user, &id).await.unwrap();
        let f = p
            .st_findings
            .iter()
            .find(|f| f.code == DRAFT_PP_FINDING)
            .unwrap_or_else(|| panic!("{b}: no draft warning in {:?}", p.st_findings));
        assert_eq!(f.severity, "warning");
        assert!(f.message.contains("cdd@2.0") && f.message.contains("cdd-eb@2.0"));
        let claim_line = st
            .lines()
            .position(|l| l == "  - id: cdd")
            .expect("the claim of cdd") as u32
            + 1;
        assert_eq!(f.line, claim_line, "{b}");
        assert!(p.draft_pp_approval.is_none());

        s.submit_etr(&w.lab_a.evaluator, &id, &etr(&w, &st))
            .await
            .unwrap();
        s.accept_etr(&w.certifier, &id).await.unwrap();
        let e = s.issue_certificate(&w.certifier, &id).await.unwrap_err();
        assert!(matches!(e, RegistryError::SchemeRule(_)), "{b}: {e}");
        assert!(
            e.to_string().contains("cdd@2.0") && e.to_string().contains("approve"),
            "{b}: {e}"
        );
        // Only the certification body approves, and only with a reason.
        let e = s
            .approve_draft_pp_claims(&w.maker_a.user, &id, "Please")
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::Forbidden(_)), "{b}: {e}");
        assert!(
            s.approve_draft_pp_claims(&w.certifier, &id, "  ")
                .await
                .is_err()
        );
        let reason = "Pilot evaluation of the draft CDD PP 2.0; applied in full.";
        let p = s
            .approve_draft_pp_claims(&w.certifier, &id, reason)
            .await
            .unwrap();
        let a = p.draft_pp_approval.expect("the approval is on the case");
        assert_eq!(a.reason, reason);
        assert_eq!(a.claims, vec!["cdd-eb@2.0", "cdd@2.0"]);
        assert_eq!(Some(a.st_sha256), p.st_sha256);
        assert_eq!(a.approved_by, w.certifier.user_id.clone().unwrap());
        let c = s.issue_certificate(&w.certifier, &id).await.unwrap();
        assert_eq!(c.status, "active", "{b}");
        // Approved and certified: no second approval.
        assert!(
            s.approve_draft_pp_claims(&w.certifier, &id, reason)
                .await
                .is_err()
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resubmitted_st_needs_a_new_approval() {
    for db in common::backends().await {
        let (s, b) = (&db.store, db.backend);
        let w = common::world(s).await;
        let id = common::register_pump(s, &w).await;
        let (name, text) = common::st_text("pump");
        s.submit_st(&w.maker_a.user, &id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        let p = s
            .approve_draft_pp_claims(&w.certifier, &id, "CDD 1.0 is the scheme's draft.")
            .await
            .unwrap();
        assert!(p.draft_pp_approval.is_some(), "{b}");
        let p = s
            .submit_st(&w.maker_a.user, &id, name, text.as_bytes().to_vec())
            .await
            .unwrap();
        assert!(
            p.draft_pp_approval.is_none(),
            "{b}: the approval was for the old ST"
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_may_refuse_draft_claims() {
    for db in common::backends().await {
        let (s, b) = (&db.store, db.backend);
        let w = common::world(s).await;
        let e = s
            .set_draft_pp_rule(&w.certifier, DraftPpRule::Refuse)
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::Forbidden(_)), "{b}: {e}");
        let (id, st) = pump_2_in_evaluation(s, &w).await;
        s.submit_etr(&w.lab_a.evaluator, &id, &etr(&w, &st))
            .await
            .unwrap();
        s.accept_etr(&w.certifier, &id).await.unwrap();
        // Approved while the rule allowed it; then the scheme refuses drafts.
        common::approve_drafts(s, &w, &id).await;
        s.set_draft_pp_rule(&w.admin, DraftPpRule::Refuse)
            .await
            .unwrap();
        assert_eq!(s.draft_pp_rule().await.unwrap(), DraftPpRule::Refuse);
        let e = s.issue_certificate(&w.certifier, &id).await.unwrap_err();
        assert!(
            e.to_string().contains("draft-PP rule is `refuse`"),
            "{b}: {e}"
        );
        let e = s
            .approve_draft_pp_claims(&w.certifier, &id, "Still a pilot.")
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::SchemeRule(_)), "{b}: {e}");
        // Back to approvals: the earlier one still stands for this ST.
        s.set_draft_pp_rule(&w.admin, DraftPpRule::CbApproval)
            .await
            .unwrap();
        s.issue_certificate(&w.certifier, &id).await.unwrap();
        let audit = s
            .audit_trail(&w.admin, "scheme-rule", "draft-pp")
            .await
            .unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|a| a.action == "scheme.set-rule")
                .count(),
            2,
            "{b}"
        );
        db.finish().await;
    }
}
