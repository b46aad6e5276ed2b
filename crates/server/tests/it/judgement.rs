//! Judgement and binding (issue 12), through the HTTP API and pages on both databases: the
//! certification body opens a case's ETR (review page, the whole report, PDF, sealed JSON) and
//! ST before deciding, the lab downloads the ST it evaluates, and everyone else is refused; a
//! status change needs a reason and a confirmation, is shown with its reason at the top of the
//! device page, and nothing follows a revocation; a vulnerability fix goes to the evaluating
//! lab's review and ends in an extension.

use crate::common::{self, TestApp};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_registry::{Product, Role};
use http_body_util::BodyExt as _;
use serde_json::json;
use tower::ServiceExt as _;

/// GET with a bearer token (None: the public); status, content type and body.
async fn get_as(t: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, String, String) {
    let mut r = Request::get(path);
    if let Some(tok) = token {
        r = r.header("authorization", format!("Bearer {tok}"));
    }
    let resp = t
        .app
        .clone()
        .oneshot(r.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

/// The e-mail of a demo account of `role` whose organisation is (or, with `same` false, is not)
/// named `org_name`.
fn account(t: &TestApp, role: Role, org_name: &str, same: bool) -> String {
    t.demo
        .accounts
        .iter()
        .find(|(_, r, o)| r == role.as_str() && (o == org_name) == same)
        .map(|(e, _, _)| e.clone())
        .unwrap_or_else(|| panic!("no {role} account (same org {same}) for {org_name}"))
}

async fn org_name(t: &TestApp, id: &str) -> String {
    t.store.organisation(id).await.unwrap().name
}

/// A case of the demo in `state`, as the certification body sees it.
async fn case_in(t: &TestApp, state: &str) -> Product {
    let (cb, _) = t.token("certifier@demo.invalid").await;
    t.store
        .products(&cb.actor())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.state == state)
        .unwrap_or_else(|| panic!("the demo has no case in {state}"))
}

#[tokio::test]
async fn the_certification_body_opens_the_etr_and_the_st_before_deciding() {
    for t in common::backends().await {
        let b = t.backend;
        let p = case_in(&t, "etr-submitted").await;
        let id = &p.id;
        let lab_name = org_name(&t, p.lab_org.as_deref().unwrap()).await;
        let maker_name = org_name(&t, &p.manufacturer_org).await;
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let (_, lab) = t
            .token(&account(&t, Role::LabEvaluator, &lab_name, true))
            .await;
        let (_, other_lab) = t
            .token(&account(&t, Role::LabEvaluator, &lab_name, false))
            .await;
        let (_, maker) = t
            .token(&account(&t, Role::Manufacturer, &maker_name, true))
            .await;
        let (_, other_maker) = t
            .token(&account(&t, Role::Manufacturer, &maker_name, false))
            .await;

        // The sealed bundle, byte for byte.
        let (cb_user, _) = t.token("certifier@demo.invalid").await;
        let stored = t
            .store
            .etr_bundle(&cb_user.actor(), id)
            .await
            .unwrap()
            .unwrap();
        let (s, kind, body) = get_as(&t, &format!("/api/v1/products/{id}/etr"), Some(&cb)).await;
        assert_eq!(
            (s, kind.as_str()),
            (StatusCode::OK, "application/json"),
            "{b}"
        );
        assert_eq!(body, stored, "{b}");
        // The PDF.
        let (s, kind, body) =
            get_as(&t, &format!("/api/v1/products/{id}/etr/pdf"), Some(&cb)).await;
        assert_eq!(
            (s, kind.as_str()),
            (StatusCode::OK, "application/pdf"),
            "{b}"
        );
        assert!(body.starts_with("%PDF-"), "{b}");
        // The review page: summary, checks, the ST with the checker's result, and the decision
        // beside them, linking to the whole report.
        let (s, _, page) = get_as(&t, &format!("/staff/products/{id}/etr"), Some(&cb)).await;
        assert_eq!(s, StatusCode::OK, "{b}: {page}");
        for want in [
            "ETR review",
            "Overall verdict",
            "Work units by class",
            "What the registry checked",
            "Security Target and the checker's result",
            &format!("/staff/products/{id}/etr/report"),
            &format!("/api/v1/products/{id}/etr/pdf"),
            "Accept ETR",
            "Reject ETR",
        ] {
            assert!(
                page.contains(want),
                "{b}: the review page lacks {want}: {page}"
            );
        }
        // The whole ETR: roll-up, observation reports, vulnerabilities, evidence manifest.
        let (s, _, report) =
            get_as(&t, &format!("/staff/products/{id}/etr/report"), Some(&cb)).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        for want in [
            "Evaluation Technical Report",
            "Overall verdict",
            "bservation report",
            "ulnerabilit",
            "vidence",
            &p.name,
        ] {
            assert!(report.contains(want), "{b}: the ETR lacks {want}");
        }
        // The staff page's Accept form links to the review.
        let (_, _, staff) = get_as(&t, "/staff", Some(&cb)).await;
        assert!(
            staff.contains(&format!("href=\"/staff/products/{id}/etr\"")),
            "{b}"
        );

        // The lab of the case downloads the ST it evaluates; the manufacturer too.
        let (cb_st, _, st_text) =
            get_as(&t, &format!("/api/v1/products/{id}/st"), Some(&lab)).await;
        assert_eq!(cb_st, StatusCode::OK, "{b}");
        assert_eq!(
            Some(dtsec_seal::sha256_hex(st_text.as_bytes())),
            p.st_sha256,
            "{b}: the ST served is the one the case holds"
        );
        for who in [&lab, &maker, &cb] {
            for path in [
                format!("/api/v1/products/{id}/st"),
                format!("/api/v1/products/{id}/etr"),
                format!("/staff/products/{id}/st"),
                format!("/staff/products/{id}/etr"),
            ] {
                let (s, _, _) = get_as(&t, &path, Some(who)).await;
                assert_eq!(s, StatusCode::OK, "{b}: {path}");
            }
        }
        // Refused: a lab of another case, a manufacturer of another organisation, the public.
        for path in [
            format!("/api/v1/products/{id}/st"),
            format!("/api/v1/products/{id}/etr"),
            format!("/api/v1/products/{id}/etr/pdf"),
            format!("/staff/products/{id}/st"),
            format!("/staff/products/{id}/etr"),
            format!("/staff/products/{id}/etr/report"),
        ] {
            for who in [&other_lab, &other_maker] {
                let (s, _, body) = get_as(&t, &path, Some(who)).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {path}: {body}");
                assert!(!body.contains(&stored[..40]), "{b}");
            }
            let (s, _, _) = get_as(&t, &path, None).await;
            if path.starts_with("/api/") {
                assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: {path}");
            } else {
                assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {path} (to the login page)");
            }
        }
        // A case without an ETR: not found, saying so.
        let early = case_in(&t, "st-submitted").await;
        let (s, _, body) =
            get_as(&t, &format!("/api/v1/products/{}/etr", early.id), Some(&cb)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        assert!(body.contains("none was submitted"), "{b}: {body}");
        t.finish().await;
    }
}

#[tokio::test]
async fn status_changes_are_deliberate_and_revocation_is_final() {
    for t in common::backends().await {
        let b = t.backend;
        let p = case_in(&t, "active").await;
        let cert = p.certificate_id.clone().unwrap();
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let path = format!("/api/v1/certificates/{cert}/status");

        // The staff form: the allowed changes, none chosen, a reason and a confirmation.
        let (_, _, staff) = get_as(&t, "/staff", Some(&cb)).await;
        let form = staff
            .split(&format!("action=\"{path}\""))
            .nth(1)
            .unwrap_or_else(|| panic!("{b}: no status form for {cert}"));
        let form = &form[..form.find("</form>").unwrap()];
        for want in [
            "value=\"open-review\"",
            "value=\"suspend\"",
            "value=\"revoke\"",
            "name=\"confirm\"",
            "name=\"reason\"",
        ] {
            assert!(form.contains(want), "{b}: {want} missing in {form}");
        }
        assert!(
            !form.contains("reinstate"),
            "{b}: an active certificate cannot be reinstated"
        );
        assert!(
            !form.contains("checked") && !form.contains("selected"),
            "{b}: {form}"
        );

        // No confirmation: refused; no reason: refused; nothing changed.
        let (s, body) = t
            .post_json(
                &path,
                Some(&cb),
                json!({"action": "suspend", "reason": "Unfixed replay weakness"}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: {body}");
        assert!(body.contains("confirm"), "{b}: {body}");
        let (s, body) = t
            .post_json(
                &path,
                Some(&cb),
                json!({"action": "suspend", "reason": " ", "confirm": true}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        assert!(body.contains("reason"), "{b}: {body}");
        assert_eq!(t.store.certificate(&cert).await.unwrap().revision, 1);

        // With both: done, and the device page shows the reason with the status, at the top.
        let reason = "Unfixed replay weakness <script>";
        let (s, body) = t
            .post_json(
                &path,
                Some(&cb),
                json!({"action": "suspend", "reason": reason, "confirm": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (_, html) = t.get(&format!("/devices/{cert}")).await;
        let shown = html
            .find("Unfixed replay weakness &lt;script&gt;")
            .unwrap_or_else(|| panic!("{b}: the reason is not shown: {html}"));
        let status = html.find("status-suspended").unwrap();
        let next_section = html.find("<h2>").unwrap();
        assert!(
            status < shown && shown < next_section,
            "{b}: the reason is not beside the status"
        );

        // Revoked: final — the API refuses reinstating, the staff page offers nothing.
        let (s, _) = t
            .post_json(
                &path,
                Some(&cb),
                json!({"action": "revoke", "reason": "Fraud", "confirm": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, body) = t
            .post_json(
                &path,
                Some(&cb),
                json!({"action": "reinstate", "reason": "Mistake", "confirm": "yes"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {body}");
        assert!(body.contains("revocation is final"), "{b}: {body}");
        let (_, _, staff) = get_as(&t, "/staff", Some(&cb)).await;
        assert!(!staff.contains(&format!("action=\"{path}\"")), "{b}");
        assert!(staff.contains("that is final"), "{b}");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_vulnerability_fix_goes_to_the_lab_then_is_extended() {
    for t in common::backends().await {
        let b = t.backend;
        let p = case_in(&t, "active").await;
        let cert = p.certificate_id.clone().unwrap();
        let lab_name = org_name(&t, p.lab_org.as_deref().unwrap()).await;
        let maker_name = org_name(&t, &p.manufacturer_org).await;
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let (_, lab) = t
            .token(&account(&t, Role::LabEvaluator, &lab_name, true))
            .await;
        let (_, maker) = t
            .token(&account(&t, Role::Manufacturer, &maker_name, true))
            .await;
        let (s, body) = t
            .post_json(
                &format!("/api/v1/certificates/{cert}/impact-analyses"),
                Some(&maker),
                json!({
                    "new_version": format!("{}-p1", p.version),
                    "changes": [{"description": "Replay window closed", "areas": ["tsf", "command"], "fixes": ["CVE-2026-1234"]}],
                    "touched_sfrs": ["FPT_RPL.1"]
                }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let m = common::json(&body);
        assert_eq!(
            (m["change_class"].as_str(), m["state"].as_str()),
            (Some("vulnerability-fix"), Some("lab-review")),
            "{b}"
        );
        let mid = m["id"].as_str().unwrap().to_string();
        // The lab sees it in its queue, on its page with the review form.
        let (_, _, queue) = get_as(&t, "/api/v1/maintenance/fix-reviews", Some(&lab)).await;
        assert!(queue.contains(&mid), "{b}: {queue}");
        let (_, _, staff) = get_as(&t, "/staff", Some(&lab)).await;
        assert!(
            staff.contains(&format!("/api/v1/maintenance/{mid}/fix-review")),
            "{b}"
        );
        assert!(
            staff.contains("CVE-2026-1234") && staff.contains("FPT_RPL.1"),
            "{b}"
        );
        // The certifier cannot extend before the review.
        let ext = format!("/api/v1/maintenance/{mid}/extension");
        let (s, _) = t.post_json(&ext, Some(&cb), json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        // The lab's review (a form post, as the page sends it).
        let (s, body) = t
            .post(
                &format!("/api/v1/maintenance/{mid}/fix-review"),
                Some(&lab),
                "application/x-www-form-urlencoded",
                "ava_van=pass&regression=pass&summary=Replay+attack+repeated+on+the+fixed+build",
            )
            .await;
        // A form post is answered with the way back to the page.
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {body}");
        let m = t.store.maintenance_of(&cert).await.unwrap();
        let m = m.iter().find(|m| m.id == mid).unwrap();
        assert_eq!(m.state.as_str(), "fix-verified", "{b}");
        assert_eq!(
            m.fix_review.as_ref().map(|r| r.summary.as_str()),
            Some("Replay attack repeated on the fixed build"),
            "{b}"
        );
        let (s, body) = t.post_json(&ext, Some(&cb), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert_eq!(common::json(&body)["status"], "maintained", "{b}");
        t.finish().await;
    }
}
