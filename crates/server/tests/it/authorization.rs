//! The authorisation matrix: every demo account (each role, own and other organisation) × every
//! staff endpoint (accounts included), expected allow/deny computed from the registry's own table (`authorize`).
//! Denied → 403 (401 for the public); allowed → anything but 401/403 (the workflow may still
//! refuse the step with 409/422).

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_registry::{Action, Actor, Resource, Role, authorize};
use serde_json::json;

const ACCOUNTS: [&str; 7] = [
    "admin@demo.invalid",
    "certifier@demo.invalid",
    "evaluator@northwind.demo.invalid",
    "evaluator@contoso.demo.invalid",
    "security@acme.demo.invalid",
    "security@globex.demo.invalid",
    "", // the public
];

#[tokio::test]
async fn matrix() {
    for t in common::backends().await {
        let (admin, _) = t.token("admin@demo.invalid").await;
        let products = t.store.products(&admin.actor()).await.unwrap();
        let p = products
            .iter()
            .find(|p| p.lab_org.is_some() && p.certificate_id.is_some())
            .unwrap()
            .clone();
        let maker = p.manufacturer_org.clone();
        let lab = p.lab_org.clone().unwrap();
        let cert = p.certificate_id.clone().unwrap();
        let id = &p.id;
        let (maker_user, _) = t.token("security@acme.demo.invalid").await;
        let maker_cert = t
            .store
            .products(&maker_user.actor())
            .await
            .unwrap()
            .into_iter()
            .find(|p| matches!(p.state.as_str(), "active" | "maintained"))
            .and_then(|p| p.certificate_id)
            .unwrap();
        let maker_org = maker_user.org_id.clone().unwrap();
        let minor = dtsec_registry::maintenance::ImpactAnalysis {
            new_version: "9.9".into(),
            build_ids: vec![],
            changes: vec![dtsec_registry::maintenance::Change {
                description: "new icons".into(),
                areas: vec![dtsec_registry::maintenance::ChangeArea::UserInterface],
                fixes: vec![],
            }],
            touched_sfrs: vec![],
        };
        let filed = t
            .store
            .file_impact_analysis(&maker_user.actor(), &maker_cert, &minor)
            .await
            .unwrap();
        let ia = json!({"new_version": "9.10", "changes": [{"description": "d", "areas": ["documentation"]}]});
        let rows: Vec<(String, serde_json::Value, Action, Resource)> = vec![
            (
                "/api/v1/products".into(),
                json!({"name": "M", "version": "1", "toe_type": "TT.PUMP", "manufacturer_org": maker}),
                Action::RegisterProduct,
                Resource::org(&maker),
            ),
            (
                format!("/api/v1/products/{id}/lab"),
                json!({"lab": "no-such-lab"}),
                Action::ChooseLab,
                Resource::org(&maker),
            ),
            (
                format!("/api/v1/products/{id}/evaluation"),
                json!({}),
                Action::StartEvaluation,
                Resource::org(&lab),
            ),
            (
                format!("/api/v1/products/{id}/review"),
                json!({"decision": "accept"}),
                Action::ReviewEtr,
                p.resource(),
            ),
            (
                format!("/api/v1/products/{id}/certificate"),
                json!({}),
                Action::IssueCertificate,
                p.resource(),
            ),
            (
                format!("/api/v1/products/{id}/draft-approval"),
                json!({"reason": "The matrix asks."}),
                Action::ApproveDraftPpClaims,
                p.resource(),
            ),
            (
                "/api/v1/scheme/rules".into(),
                json!({"draft_pp": "cb-approval"}),
                Action::ManageSchemeRules,
                Resource::Global,
            ),
            (
                format!("/api/v1/certificates/{cert}/status"),
                json!({"action": "open-review", "reason": "authorisation test", "confirm": true}),
                Action::ChangeCertificateStatus,
                Resource::org(&maker),
            ),
            (
                format!("/api/v1/labs/{lab}/approval"),
                json!({"until": "2030-01-01"}),
                Action::ManageLabApproval,
                Resource::org(&lab),
            ),
            (
                format!("/api/v1/labs/{lab}/application"),
                serde_json::to_value(dtsec_registry::demo::example_lab_profile()).unwrap(),
                Action::ApplyForLabApproval,
                Resource::org(&lab),
            ),
            (
                format!("/api/v1/labs/{lab}/key"),
                json!({"public_key": "not a key"}),
                Action::RegisterLabKey,
                Resource::org(&lab),
            ),
            (
                format!("/api/v1/labs/{lab}/suspension"),
                json!({}),
                Action::ManageLabApproval,
                Resource::org(&lab),
            ),
            (
                format!("/api/v1/labs/{lab}/withdrawal"),
                json!({}),
                Action::ManageLabApproval,
                Resource::org(&lab),
            ),
            (
                "/api/v1/organisations".into(),
                json!({"kind": "manufacturer", "name": "Matrix Devices"}),
                Action::ManageOrganisations,
                Resource::Global,
            ),
            (
                "/api/v1/users".into(),
                json!({"email": "x@matrix.invalid", "name": "X", "role": "manufacturer", "org_id": "no-such-org", "password": "0123456789ab"}),
                Action::ManageUsers,
                Resource::Global,
            ),
            (
                "/api/v1/users/no-such-user/deactivation".into(),
                json!({}),
                Action::ManageUsers,
                Resource::Global,
            ),
            (
                "/api/v1/users/no-such-user/reactivation".into(),
                json!({}),
                Action::ManageUsers,
                Resource::Global,
            ),
            (
                "/api/v1/users/no-such-user/password".into(),
                json!({"password": "0123456789ab"}),
                Action::ManageUsers,
                Resource::Global,
            ),
            (
                "/api/v1/account/password".into(),
                json!({"current_password": "wrong-password", "new_password": "0123456789ab"}),
                Action::ChangeOwnPassword,
                Resource::Global,
            ),
            (
                format!("/api/v1/certificates/{maker_cert}/impact-analyses"),
                ia,
                Action::FileImpactAnalysis,
                Resource::org(&maker_org),
            ),
            (
                format!("/api/v1/maintenance/{}/extension", filed.id),
                json!({}),
                Action::DecideMaintenance,
                Resource::org(&maker_org),
            ),
            (
                "/api/v1/certificates/archive".into(),
                json!({}),
                Action::ArchiveExpired,
                Resource::Global,
            ),
        ];
        // The staff reads: the same rule, by GET.
        let reads: Vec<(String, Action, Resource)> = vec![
            (
                format!("/api/v1/products/{id}"),
                Action::ViewProduct,
                p.resource(),
            ),
            (
                "/api/v1/organisations".into(),
                Action::ManageUsers,
                Resource::Global,
            ),
            (
                "/api/v1/users".into(),
                Action::ManageUsers,
                Resource::Global,
            ),
            (
                "/api/v1/maintenance".into(),
                Action::DecideMaintenance,
                Resource::Global,
            ),
            ("/api/v1/audit".into(), Action::ViewAudit, Resource::Global),
            (
                format!("/api/v1/audit?entity=product&entity_id={id}"),
                Action::ViewAudit,
                Resource::Global,
            ),
        ];
        let mut failures = Vec::new();
        for email in ACCOUNTS {
            let (actor, token) = if email.is_empty() {
                (Actor::public(), None)
            } else {
                let (u, tok) = t.token(email).await;
                (u.actor(), Some(tok))
            };
            for (path, body, action, resource) in &rows {
                let allowed = authorize(&actor, *action, resource).is_ok();
                let (s, text) = t.post_json(path, token.as_deref(), body.clone()).await;
                let ok = if actor.role == Role::Public {
                    s == StatusCode::UNAUTHORIZED
                } else if allowed {
                    s != StatusCode::FORBIDDEN && s != StatusCode::UNAUTHORIZED
                } else {
                    s == StatusCode::FORBIDDEN
                };
                if !ok {
                    failures.push(format!(
                        "{} {email} {action} {path}: allowed={allowed} got {s} {text}",
                        t.backend
                    ));
                }
            }
            for (path, action, resource) in &reads {
                let allowed = authorize(&actor, *action, resource).is_ok();
                let mut req = Request::get(path.as_str());
                if let Some(tok) = &token {
                    req = req.header("authorization", format!("Bearer {tok}"));
                }
                let (s, text) = t.send(req.body(Body::empty()).unwrap()).await;
                let expected = if actor.role == Role::Public {
                    StatusCode::UNAUTHORIZED
                } else if allowed {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                if s != expected {
                    failures.push(format!(
                        "{} {email} GET {path}: allowed={allowed} expected {expected} got {s} {text}",
                        t.backend
                    ));
                }
            }
            // Everyone with an account may list cases, and sees only their own.
            if let Some(tok) = &token {
                let (s, text) = t
                    .send(
                        Request::get("/api/v1/products")
                            .header("authorization", format!("Bearer {tok}"))
                            .body(Body::empty())
                            .unwrap(),
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{email}: {text}");
                // Every case as of now (the rows above may have registered some).
                let all = t.store.products(&admin.actor()).await.unwrap();
                for case in common::json(&text).as_array().unwrap() {
                    let pid = case["id"].as_str().unwrap();
                    let listed = all.iter().find(|p| p.id == pid).unwrap();
                    assert!(
                        authorize(&actor, Action::ViewProduct, &listed.resource()).is_ok(),
                        "{} {email} was listed case {pid} it may not see",
                        t.backend
                    );
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        t.finish().await;
    }
}
