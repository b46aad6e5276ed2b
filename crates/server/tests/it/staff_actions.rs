//! The staff actions beyond the certification path, through the API on both databases: the
//! scheme administrator creates organisations and users; a lab applies, uploads its key
//! (multipart) and is approved, suspended and withdrawn; assurance maintenance (a minor change
//! extended, a major one re-opened as a case); the audit trail as JSON and as a page; a browser's
//! failed form post answered with an HTML page.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_registry::demo::PUMP_ST;
use serde_json::json;

/// A multipart body with text fields and one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &str, &str)) -> (String, String) {
    let boundary = "dtsec-test-boundary-7f3a";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    let (name, filename, content) = file;
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n{content}\r\n--{boundary}--\r\n"
    ));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn organisations_users_and_the_lab_lifecycle() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, admin) = t.token("admin@demo.invalid").await;
        let (s, body) = t
            .post_json(
                "/api/v1/organisations",
                Some(&admin),
                json!({"kind": "lab", "name": "Fabrikam Labs"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let org = common::json(&body)["id"].as_str().unwrap().to_string();
        // The name is unique.
        let (s, _) = t
            .post_json(
                "/api/v1/organisations",
                Some(&admin),
                json!({"kind": "lab", "name": "Fabrikam Labs"}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        // A role that does not fit the organisation's kind is refused.
        let (s, body) = t
            .post_json(
                "/api/v1/users",
                Some(&admin),
                json!({"email": "m@fabrikam.invalid", "name": "M", "role": "manufacturer", "org_id": org, "password": "a long enough password"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        let (s, body) = t
            .post_json(
                "/api/v1/users",
                Some(&admin),
                json!({"email": "eva@fabrikam.invalid", "name": "Eva", "role": "lab-evaluator", "org_id": org, "password": "a long enough password"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert!(!body.contains("a long enough password"), "{b}: {body}");
        let user = t
            .store
            .login("eva@fabrikam.invalid", "a long enough password", "test")
            .await
            .unwrap();
        let (_, eva) = t
            .store
            .create_api_token(&user.actor(), "test")
            .await
            .unwrap();

        let path = |what: &str| format!("/api/v1/labs/{org}/{what}");
        let (s, body) = t
            .post_json(
                &path("application"),
                Some(&eva),
                serde_json::to_value(dtsec_registry::demo::example_lab_profile()).unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert_eq!(common::json(&body)["state"], "applied", "{b}");

        // The key as a file upload; a file that is not a key is refused by name.
        let (ct, bad) = multipart(&[], ("public_key", "key.pem", "not a key"));
        let (s, body) = t.post(&path("key"), Some(&eva), &ct, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {body}");
        assert!(body.contains("Ed25519"), "{b}: {body}");
        let key = dtsec_seal::SigningKey::generate();
        let pem = key.verifying_key().to_public_pem();
        let (ct, good) = multipart(&[], ("public_key", "lab.pub", &pem));
        let (s, body) = t.post(&path("key"), Some(&eva), &ct, good).await;
        // A form (multipart too) is answered with a redirect back to the staff page.
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {body}");
        assert_eq!(
            t.store.lab(&org).await.unwrap().key_id,
            Some(key.verifying_key().key_id()),
            "{b}"
        );

        // Only the scheme administrator approves; the lab cannot approve itself.
        let (s, _) = t
            .post_json(
                &path("approval"),
                Some(&eva),
                json!({"until": "2027-01-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, body) = t
            .post_json(
                &path("approval"),
                Some(&admin),
                json!({"until": "2027-01-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (_, labs) = t.get("/api/v1/labs").await;
        assert!(labs.contains("Fabrikam Labs"), "{b}: {labs}");
        let (s, body) = t
            .post_json(&path("suspension"), Some(&admin), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert_eq!(common::json(&body)["state"], "suspended", "{b}");
        let (_, labs) = t.get("/api/v1/labs").await;
        assert!(
            !labs.contains("Fabrikam Labs"),
            "{b}: a suspended lab is listed: {labs}"
        );
        let (s, body) = t
            .post_json(&path("withdrawal"), Some(&admin), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert_eq!(common::json(&body)["state"], "withdrawn", "{b}");
        // Suspending a withdrawn lab is not a transition.
        let (s, _) = t
            .post_json(&path("suspension"), Some(&admin), json!({}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");

        // The audit trail has every step, before and after.
        let (s, body) = t
            .send(
                Request::get(format!("/api/v1/audit?entity=lab&entity_id={org}"))
                    .header("authorization", format!("Bearer {admin}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let actions: Vec<String> = common::json(&body)
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            actions,
            [
                "lab.apply",
                "lab.register-key",
                "lab.approve",
                "lab.suspend",
                "lab.withdraw"
            ],
            "{b}"
        );
        let (s, _) = t
            .send(
                Request::get("/api/v1/audit")
                    .header("authorization", format!("Bearer {eva}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{b}: a lab evaluator read the audit trail"
        );
        let (s, page) = t
            .send(
                Request::get("/staff/audit?limit=50")
                    .header("authorization", format!("Bearer {admin}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(
            page.contains("<h1>Audit trail</h1>") && page.contains("lab.withdraw"),
            "{b}"
        );
        // Who did it, by name and e-mail (the id stays in the trail and in the cell's title).
        assert!(page.contains("&lt;admin@demo.invalid&gt;</span>"), "{b}");
        t.finish().await;
    }
}

#[tokio::test]
async fn maintenance_minor_extended_major_reevaluated() {
    for t in common::backends().await {
        let b = t.backend;
        let (maker_user, maker) = t.token("security@acme.demo.invalid").await;
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let products = t.store.products(&maker_user.actor()).await.unwrap();
        let p = products
            .iter()
            .find(|p| matches!(p.state.as_str(), "active" | "maintained") && p.toe_type == "pump")
            .unwrap_or_else(|| panic!("{b}: the demo has an active Acme pump certificate"));
        let cert = p.certificate_id.clone().unwrap();

        let ia = |version: &str, area: &str| {
            json!({"new_version": version, "build_ids": ["fw-9"],
                   "changes": [{"description": "a change", "areas": [area]}]})
        };
        let path = format!("/api/v1/certificates/{cert}/impact-analyses");
        let (s, body) = t
            .post_json(&path, Some(&maker), ia("9.1", "no-such-area"))
            .await;
        assert!(s.is_client_error(), "{b}: {s} {body}");
        let (s, body) = t
            .post_json(&path, Some(&cb), ia("9.1", "user-interface"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {body}");
        let (s, body) = t
            .post_json(&path, Some(&maker), ia("9.1", "user-interface"))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let minor = common::json(&body);
        assert_eq!(minor["change_class"], "minor", "{b}");
        assert_eq!(minor["state"], "filed", "{b}");
        let mid = minor["id"].as_str().unwrap();

        let (s, body) = t
            .send(
                Request::get("/api/v1/maintenance")
                    .header("authorization", format!("Bearer {cb}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert!(
            body.contains(mid),
            "{b}: the queue lacks the filed analysis"
        );
        let ext = format!("/api/v1/maintenance/{mid}/extension");
        let (s, _) = t.post_json(&ext, Some(&maker), json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        let (s, body) = t.post_json(&ext, Some(&cb), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (_, status) = t.get(&format!("/api/v1/certificates/{cert}/status")).await;
        assert!(status.contains("maintained"), "{b}: {status}");
        let (_, device) = t.get(&format!("/api/v1/devices/{cert}")).await;
        assert!(
            device.contains("9.1"),
            "{b}: the extended version is not shown"
        );
        // Deciding twice is refused.
        let (s, _) = t.post_json(&ext, Some(&cb), json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");

        // A major change, filed from the browser form: a new case at once.
        let form = "new_version=10.0&build_ids=fw-10&description=new+crypto+library&areas=crypto&areas=documentation";
        let (s, body) = t
            .post(
                &path,
                Some(&maker),
                "application/x-www-form-urlencoded",
                form,
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {body}");
        let m = t.store.maintenance_of(&cert).await.unwrap();
        let major = m.iter().find(|m| m.new_version == "10.0").unwrap();
        assert_eq!(major.change_class, "major", "{b}");
        assert_eq!(major.state.as_str(), "re-evaluation", "{b}");
        assert!(
            major.changes[0].contains("crypto"),
            "{b}: {:?}",
            major.changes
        );
        let case = major.new_product_id.clone().unwrap();
        let (s, body) = t
            .send(
                Request::get(format!("/api/v1/products/{case}"))
                    .header("authorization", format!("Bearer {maker}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert_eq!(common::json(&body)["version"], "10.0", "{b}");

        // The new case takes its ST as an uploaded file.
        let (ct, upload) = multipart(&[], ("st", "pump-st.yaml", PUMP_ST));
        let (s, body) = t
            .post(
                &format!("/api/v1/products/{case}/st"),
                Some(&maker),
                &ct,
                upload,
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {body}");
        let p = t.store.product(&maker_user.actor(), &case).await.unwrap();
        assert_eq!(p.state, "st-submitted", "{b}");

        let (s, body) = t
            .post_json("/api/v1/certificates/archive", Some(&maker), json!({}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: {body}");
        let (s, body) = t
            .post_json("/api/v1/certificates/archive", Some(&cb), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert!(common::json(&body)["archived"].is_array(), "{b}: {body}");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_browsers_failed_form_post_gets_a_page() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, maker) = t.token("security@acme.demo.invalid").await;
        let req = |accept: &str| {
            Request::post("/api/v1/products")
                .header("authorization", format!("Bearer {maker}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", accept)
                .body(Body::from("name=&version=1&toe_type=TT.PUMP"))
                .unwrap()
        };
        let (s, page) = t.send(req("text/html,application/xhtml+xml")).await;
        assert!(s.is_client_error(), "{b}: {s}");
        assert!(page.starts_with("<!DOCTYPE html>"), "{b}: {page}");
        assert!(
            page.contains("role=\"alert\"") && page.contains("Back to my work"),
            "{b}"
        );
        let (s, body) = t.send(req("application/json")).await;
        assert!(s.is_client_error(), "{b}: {s}");
        assert!(common::json(&body)["error"].is_string(), "{b}: {body}");
        t.finish().await;
    }
}

#[tokio::test]
async fn the_administrator_disables_and_enables_an_account() {
    for t in common::backends().await {
        let b = t.backend;
        let (admin_user, admin) = t.token("admin@demo.invalid").await;
        let (maker, maker_token) = t.token("security@globex.demo.invalid").await;
        let (cookie, _) = t.store.start_session(&maker, 3600).await.unwrap();
        let cookie = format!("dtsec_session={cookie}");
        let with = |path: &str, auth: (&str, String)| {
            Request::get(path)
                .header(auth.0, auth.1)
                .body(Body::empty())
                .unwrap()
        };
        let bearer = |tok: &str| ("authorization", format!("Bearer {tok}"));
        let (s, _) = t
            .send(with("/api/v1/products", ("cookie", cookie.clone())))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");

        // The list shows the account, enabled, with its live session.
        let (s, body) = t.send(with("/api/v1/users", bearer(&admin))).await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let listed = common::json(&body);
        let row = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == maker.id.as_str())
            .unwrap()
            .clone();
        assert_eq!(row["disabled"], false, "{b}");
        assert_eq!(row["live_sessions"], 1, "{b}");
        assert_eq!(row["email"], "security@globex.demo.invalid", "{b}");

        // Disabled: the session ends and the token is revoked at once.
        let path = |what: &str| format!("/api/v1/users/{}/{what}", maker.id);
        let (s, body) = t
            .post_json(&path("deactivation"), Some(&admin), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert_eq!(common::json(&body)["disabled"], true, "{b}");
        let (s, _) = t
            .send(with("/api/v1/products", ("cookie", cookie.clone())))
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: the session ended");
        let (s, _) = t.send(with("/api/v1/products", bearer(&maker_token))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}: the token stopped");
        // Twice is a conflict; the administrator cannot disable themselves.
        let (s, _) = t
            .post_json(&path("deactivation"), Some(&admin), json!({}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let (s, body) = t
            .post_json(
                &format!("/api/v1/users/{}/deactivation", admin_user.id),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}: {body}");

        // The administrator's page offers to enable it again.
        let (admin_cookie, _) = t.store.start_session(&admin_user, 3600).await.unwrap();
        let (s, html) = t
            .send(with(
                "/staff",
                ("cookie", format!("dtsec_session={admin_cookie}")),
            ))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(
            html.contains(&format!("/api/v1/users/{}/reactivation", maker.id)),
            "{b}"
        );

        let (s, body) = t
            .post_json(&path("reactivation"), Some(&admin), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        let (s, _) = t.send(with("/api/v1/products", bearer(&maker_token))).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{b}: a revoked token stays revoked"
        );
        let (s, _) = t.send(with("/api/v1/products", ("cookie", cookie))).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{b}: ended sessions stay ended"
        );

        // A forgotten password is set by the administrator and changed by the user.
        let (s, body) = t
            .post_json(
                &path("password"),
                Some(&admin),
                json!({"password": "handed-over-789"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {body}");
        assert!(!body.contains("handed-over-789"), "{b}: {body}");
        let user = t
            .store
            .login("security@globex.demo.invalid", "handed-over-789", "test")
            .await
            .unwrap();
        let (session, started) = t.store.start_session(&user, 3600).await.unwrap();
        let form = format!(
            "current_password=handed-over-789&new_password=my-own-secret-1&csrf={}",
            started.csrf
        );
        let (s, body) = t
            .send(
                Request::post("/api/v1/account/password")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", format!("dtsec_session={session}"))
                    .body(Body::from(form))
                    .unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}: {body}");
        assert!(
            t.store
                .login("security@globex.demo.invalid", "my-own-secret-1", "test")
                .await
                .is_ok(),
            "{b}"
        );
        // The session that changed it goes on.
        let (s, html) = t
            .send(with(
                "/staff",
                ("cookie", format!("dtsec_session={session}")),
            ))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(html.contains("Change password"), "{b}");
        t.finish().await;
    }
}
