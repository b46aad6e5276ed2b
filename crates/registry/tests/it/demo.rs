//! The demo loader runs the real workflow and leaves cases in every state, four approved labs,
//! and certificates that verify.

use crate::common;

use std::collections::BTreeSet;

use dtsec_registry::workflow::State;
use dtsec_registry::{DeviceFilter, verify_certificate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_covers_every_state() {
    for db in common::backends().await {
        let s = &db.store;
        let started = std::time::Instant::now();
        let summary = dtsec_registry::demo::load(s).await.unwrap();
        println!("{}: demo loaded in {:?}", db.backend, started.elapsed());
        assert_eq!(
            s.clock().today(),
            common::start_date(),
            "the clock is restored"
        );
        let admin = s
            .login(
                "admin@demo.invalid",
                dtsec_registry::demo::DEMO_PASSWORD,
                "t",
            )
            .await
            .unwrap()
            .actor();
        let states: BTreeSet<String> = s
            .products(&admin)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.state.to_string())
            .collect();
        for st in State::ALL {
            assert!(states.contains(st.as_str()), "no case in {st}: {states:?}");
        }
        assert_eq!(s.approved_labs(s.clock().today()).await.unwrap().len(), 4);
        assert_eq!(s.labs().await.unwrap().len(), 5);
        let devices = s.search_devices(&DeviceFilter::default()).await.unwrap();
        assert_eq!(devices.len(), summary.certificates.len());
        let mut st_ids = BTreeSet::new();
        for d in &devices {
            let c = s.certificate(&d.certificate_id).await.unwrap();
            verify_certificate(&c.document, &s.scheme_public_key()).unwrap();
            // Each device's ST names that device (not the example it was written from).
            let st = s.certified_st(&d.certificate_id).await.unwrap();
            let product = s.product(&admin, &c.product_id).await.unwrap();
            assert!(
                st.text.contains(&format!("  name: {}\n", product.name)),
                "{}: the ST names another TOE",
                d.certificate_id
            );
            assert!(
                st.text
                    .contains(&format!("  version: firmware {}\n", product.version))
                    || st
                        .text
                        .contains(&format!("  version: release {}\n", product.version)),
                "{}",
                d.certificate_id
            );
            // The ETR was evaluated and sealed before it was submitted and accepted, and names
            // the lab the case chose.
            let etr = s.etr_summary(&d.certificate_id).await.unwrap();
            let submitted = etr.submitted_at.clone().unwrap();
            assert!(
                etr.evaluation_started < etr.sealed_at && etr.sealed_at < submitted,
                "{}: started {} sealed {} submitted {submitted}",
                d.certificate_id,
                etr.evaluation_started,
                etr.sealed_at
            );
            assert!(submitted <= etr.accepted_at.clone().unwrap());
            st_ids.insert(
                st.text
                    .lines()
                    .find(|l| l.starts_with("id: "))
                    .unwrap()
                    .to_string(),
            );
        }
        assert_eq!(st_ids.len(), devices.len(), "one ST per device: {st_ids:?}");
        // The certified products are the CDD 2.0 examples, one of each device form (the pump
        // with its controller app filed as a pump), and certificates that claim CDD 1.0 stay.
        let forms: BTreeSet<&str> = devices.iter().map(|d| d.toe_type.as_str()).collect();
        for form in ["pump", "cgm", "cloud", "TT.CGM"] {
            assert!(forms.contains(form), "no certified {form}: {forms:?}");
        }
        let mut claims = BTreeSet::new();
        for d in &devices {
            let c = s.certificate(&d.certificate_id).await.unwrap();
            let cert = verify_certificate(&c.document, &s.scheme_public_key()).unwrap();
            for pp in &cert.pp_claim {
                claims.insert(format!("{}@{}", pp.id, pp.version));
            }
            // Every case claiming a draft was certified with the certification body's approval.
            let p = s.product(&admin, &c.product_id).await.unwrap();
            if !s.draft_claims_of(&p).is_empty() {
                let a = p.draft_pp_approval.as_ref().expect("approved");
                assert!(a.reason.contains("draft"), "{}", d.certificate_id);
            }
        }
        for pp in ["cdd@1.0", "cdd@2.0", "cdd-app@2.0", "cdd-cloud@2.0"] {
            assert!(
                claims.contains(pp),
                "no certificate claims {pp}: {claims:?}"
            );
        }
        assert!(summary.accounts.len() >= 11);
        // The ready ETRs are accepted for their cases once the lab has started the evaluation.
        assert_eq!(
            summary.ready_etrs.len(),
            2,
            "one for lab-chosen, one in evaluation"
        );
        let products = s.products(&admin).await.unwrap();
        for etr in &summary.ready_etrs {
            let p = products
                .iter()
                .find(|p| format!("{} {}", p.name, p.version) == etr.case)
                .unwrap_or_else(|| panic!("no case {}", etr.case));
            let lab_user = summary
                .accounts
                .iter()
                .filter(|(_, role, org)| role == "lab-evaluator" && *org == etr.lab)
                .map(|(email, _, _)| email)
                .next()
                .unwrap();
            let lab = s
                .login(lab_user, dtsec_registry::demo::DEMO_PASSWORD, "t")
                .await
                .unwrap()
                .actor();
            if p.state == "lab-chosen" {
                s.start_evaluation(&lab, &p.id).await.unwrap();
            }
            let after = s.submit_etr(&lab, &p.id, &etr.bundle).await.unwrap();
            assert_eq!(after.state, "etr-submitted", "{}", etr.case);
        }
        // A second load is refused (the registry is not empty).
        assert!(dtsec_registry::demo::load(s).await.is_err());
        db.finish().await;
    }
}
