//! The authorisation matrix: every demo account (each role, own and other organisation) × every
//! staff endpoint, expected allow/deny computed from the registry's own table (`authorize`).
//! Denied → 403 (401 for the public); allowed → anything but 401/403 (the workflow may still
//! refuse the step with 409/422).

mod common;

use axum::http::StatusCode;
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
                format!("/api/v1/certificates/{cert}/status"),
                json!({"action": "open-review"}),
                Action::ChangeCertificateStatus,
                Resource::org(&maker),
            ),
            (
                format!("/api/v1/labs/{lab}/approval"),
                json!({"until": "2030-01-01"}),
                Action::ManageLabApproval,
                Resource::org(&lab),
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
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        t.finish().await;
    }
}
