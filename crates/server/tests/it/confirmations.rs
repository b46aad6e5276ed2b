//! After a staff action the page names it ("ETR of … accepted", "… suspended"), looked up from
//! the action's wire spelling and the subject's id, never echoed from the URL; and the staff
//! forms offer exactly what the registry accepts: a certificate's status changes and a lab's
//! lifecycle steps, each not offered refused by the server and changing nothing. Both databases.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dtsec_registry::StatusRequest;
use dtsec_registry::labs::{LabEvent, LabState};

/// A form post with a bearer token; returns status and `Location`.
async fn post_form(
    t: &common::TestApp,
    path: &str,
    token: &str,
    body: &str,
) -> (StatusCode, String) {
    let req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(t.app.clone(), req)
        .await
        .unwrap();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (resp.status(), location)
}

/// GET as the token's owner.
async fn get_as(t: &common::TestApp, path: &str, token: &str) -> String {
    let (s, body) = t
        .send(
            Request::get(path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{path}: {body}");
    body
}

/// The text of the page's confirmation paragraph.
fn flash(page: &str) -> String {
    let start = page
        .find("<p class=\"flash\" role=\"status\">")
        .unwrap_or_else(|| panic!("no confirmation on the page"));
    let rest = &page[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</p>").unwrap();
    rest[open..close].to_string()
}

/// The HTML of the element that starts at `marker`, up to `end`.
fn part<'a>(page: &'a str, marker: &str, end: &str) -> Option<&'a str> {
    let start = page.find(marker)?;
    let rest = &page[start..];
    Some(&rest[..rest.find(end).unwrap_or(rest.len())])
}

#[tokio::test]
async fn confirmations_name_the_action_and_its_subject() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, admin) = t.token("admin@demo.invalid").await;
        let (_, body) = t.get("/api/v1/labs").await;
        let labs = common::json(&body);
        let lab = labs
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == "Contoso Evaluation Facility")
            .unwrap();
        let org = lab["org_id"].as_str().unwrap();
        let (s, location) =
            post_form(&t, &format!("/api/v1/labs/{org}/suspension"), &admin, "").await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(
            location,
            format!("/staff?done=lab-suspended&subject={org}"),
            "{b}"
        );
        let page = get_as(&t, &location, &admin).await;
        assert_eq!(
            flash(&page),
            "Contoso Evaluation Facility suspended.",
            "{b}"
        );

        // A certificate's status change names the certificate and the change.
        let (cb_user, cb) = t.token("certifier@demo.invalid").await;
        let active = t
            .store
            .products(&cb_user.actor())
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.state == dtsec_registry::workflow::State::Active)
            .unwrap();
        let cert = active.certificate_id.unwrap();
        let (s, location) = post_form(
            &t,
            &format!("/api/v1/certificates/{cert}/status"),
            &cb,
            "action=open-review&reason=Reported+weakness&confirm=yes",
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
        let page = get_as(&t, &location, &cb).await;
        assert_eq!(
            flash(&page),
            format!("Review of certificate {cert} opened."),
            "{b}"
        );

        // Nothing from the URL is shown as it came: an unknown action, a subject the caller may
        // not see, or a made-up one give the plain confirmation.
        let (_, maker) = t.token("security@globex.demo.invalid").await;
        let acme_case = t
            .store
            .products(&cb_user.actor())
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.name.starts_with("Acme"))
            .unwrap();
        for path in [
            "/staff?done=%3Cscript%3E&subject=x".to_string(),
            format!("/staff?done=etr-accepted&subject={}", acme_case.id),
            "/staff?done=etr-accepted&subject=Anything+you+like".to_string(),
            "/staff?done=1".to_string(),
        ] {
            let page = get_as(&t, &path, &maker).await;
            assert_eq!(
                flash(&page),
                "Done: your change was saved and recorded in the audit trail.",
                "{b}: {path}"
            );
            assert!(!page.contains("<script>") && !page.contains("Anything you like"));
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn forms_offer_exactly_what_the_registry_accepts() {
    for t in common::backends().await {
        let b = t.backend;
        // Certificates: the status choices on the certifier's page are the workflow's.
        let (cb_user, cb) = t.token("certifier@demo.invalid").await;
        let page = get_as(&t, "/staff", &cb).await;
        let mut seen = 0;
        for p in t.store.products(&cb_user.actor()).await.unwrap() {
            let Some(cert) = p.certificate_id.clone() else {
                continue;
            };
            let section = part(
                &page,
                &format!("aria-label=\"{} {}\"", p.name, p.version),
                "</section>",
            )
            .unwrap_or_else(|| panic!("{b}: no section for {}", p.name));
            let offered: Vec<StatusRequest> = StatusRequest::ALL
                .into_iter()
                .filter(|r| section.contains(&format!("name=\"action\" value=\"{}\"", r.as_str())))
                .collect();
            assert_eq!(
                offered,
                StatusRequest::allowed_from(p.state),
                "{b}: {} ({})",
                p.name,
                p.state.as_str()
            );
            // Each change not offered is refused, and changes nothing.
            for r in StatusRequest::ALL
                .into_iter()
                .filter(|r| !offered.contains(r))
            {
                let (s, body) = t
                    .post_json(
                        &format!("/api/v1/certificates/{cert}/status"),
                        Some(&cb),
                        serde_json::json!({"action": r.as_str(), "reason": "test", "confirm": true}),
                    )
                    .await;
                assert!(
                    s.is_client_error(),
                    "{b}: {} from {} was accepted: {body}",
                    r.as_str(),
                    p.state.as_str()
                );
                let now = t.store.product(&cb_user.actor(), &p.id).await.unwrap();
                assert_eq!(now.state, p.state, "{b}");
            }
            seen += 1;
        }
        assert!(seen >= 3, "{b}: only {seen} certificates on the page");

        // Labs: the administrator's lifecycle buttons are the lifecycle's steps from the lab's
        // state (approval only with a registered key).
        let (_, admin) = t.token("admin@demo.invalid").await;
        let page = get_as(&t, "/staff", &admin).await;
        let steps = [
            (LabEvent::Approve, "approval"),
            (LabEvent::Suspend, "suspension"),
            (LabEvent::Withdraw, "withdrawal"),
        ];
        let mut states = Vec::new();
        for lab in t.store.labs().await.unwrap() {
            let row = part(
                &page,
                &format!("<td data-label=\"Lab\">{}</td>", lab.name),
                "</tr>",
            )
            .unwrap_or_else(|| panic!("{b}: no row for {}", lab.name));
            let offered: Vec<LabEvent> = steps
                .iter()
                .filter(|(_, path)| row.contains(&format!("/api/v1/labs/{}/{path}\"", lab.org_id)))
                .map(|(e, _)| *e)
                .collect();
            let expected: Vec<LabEvent> = LabState::allowed_events(Some(lab.state))
                .into_iter()
                .filter(|e| *e != LabEvent::Apply)
                .filter(|e| *e != LabEvent::Approve || lab.key_id.is_some())
                .collect();
            assert_eq!(offered, expected, "{b}: {} ({})", lab.name, lab.state);
            for (e, path) in steps.iter().filter(|(e, _)| !offered.contains(e)) {
                let (s, body) = t
                    .post_json(
                        &format!("/api/v1/labs/{}/{path}", lab.org_id),
                        Some(&admin),
                        serde_json::json!({"until": "2027-06-30"}),
                    )
                    .await;
                assert!(
                    s.is_client_error(),
                    "{b}: {e:?} of {} ({}) was accepted: {body}",
                    lab.name,
                    lab.state
                );
                assert_eq!(t.store.lab(&lab.org_id).await.unwrap(), lab, "{b}");
            }
            states.push(lab.state);
        }
        // The demo has approved labs and one that has only applied (no key: nothing to approve).
        assert!(states.contains(&LabState::Approved), "{b}");
        assert!(states.contains(&LabState::Applied), "{b}");
        t.finish().await;
    }
}
