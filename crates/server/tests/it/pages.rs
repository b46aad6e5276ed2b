//! The public page items of issue 12: valid certificates apart from withdrawn ones, the device
//! page's summary in words, assurance level and status timeline, and PP pages that lead back.

use crate::common;

use axum::http::StatusCode;

#[tokio::test]
async fn the_list_separates_valid_from_withdrawn_certificates() {
    for t in common::backends().await {
        let b = t.backend;
        let (s, html) = t.get("/").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let active = html.find("<h2 id=\"active\">").expect("an active section");
        let withdrawn = html
            .find("<h2 id=\"withdrawn\">")
            .expect("a withdrawn section");
        assert!(active < withdrawn, "{b}");
        let (valid_part, withdrawn_part) = (&html[active..withdrawn], &html[withdrawn..]);
        for bad in ["class=\"status-revoked\"", "class=\"status-suspended\""] {
            assert!(
                !valid_part.contains(bad),
                "{b}: {bad} among the active ones"
            );
        }
        assert!(valid_part.contains("class=\"status-active\""), "{b}");
        // The demo revokes a certificate: it is listed, under the withdrawn ones.
        assert!(
            withdrawn_part.contains("class=\"status-revoked\""),
            "{b}: the revoked certificate is not in its section"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_device_page_says_it_in_words_and_draws_the_timeline() {
    for t in common::backends().await {
        let b = t.backend;
        let (_, body) = t.get("/api/v1/devices?status=revoked").await;
        let revoked = common::json(&body);
        let id = revoked[0]["certificate_id"]
            .as_str()
            .expect("a revoked device");
        let (s, html) = t.get(&format!("/devices/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(html.contains("<h2 id=\"in-short\">In short</h2>"), "{b}");
        assert!(
            html.contains("The certificate is revoked: the device is no longer certified."),
            "{b}"
        );
        assert!(html.contains("<strong>Assurance level: </strong>"), "{b}");
        assert!(html.contains("attack potential"), "{b}: no level in words");
        // The timeline: a named picture with one dot per change, and the same as a list.
        let svg = &html[html
            .find("aria-labelledby=\"tl-title tl-desc\"")
            .expect("the timeline")..];
        let svg = &svg[..svg.find("</svg>").unwrap()];
        assert!(svg.contains("<title id=\"tl-title\">Status timeline of certificate"));
        assert!(
            svg.matches("<circle").count() >= 2,
            "{b}: issued and revoked"
        );
        assert!(svg.contains(">revoked</text>"), "{b}");
        assert!(html.contains("<ol class=\"timeline-list\">"), "{b}");
        t.finish().await;
    }
}

#[tokio::test]
async fn pp_pages_lead_back_to_the_registry() {
    for t in common::backends().await {
        let (_, list) = t.get("/pps").await;
        let start = list.find("<a href=\"/pps/").expect("a PP link") + 9;
        let href = &list[start..start + list[start..].find('"').unwrap()];
        let (s, html) = t.get(href).await;
        assert_eq!(s, StatusCode::OK, "{href}");
        assert!(
            html.contains("<nav aria-label=\"Registry\"") && html.contains("<a href=\"/pps\">"),
            "{href}: no way back"
        );
        t.finish().await;
    }
}

/// GET `path` with a bearer token.
async fn get_as(t: &common::TestApp, path: &str, token: &str) -> String {
    let req = axum::http::Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, html) = t.send(req).await;
    assert_eq!(s, StatusCode::OK, "{path}");
    html
}

#[tokio::test]
async fn each_role_starts_with_what_waits_for_it() {
    for t in common::backends().await {
        let b = t.backend;
        // The demo leaves an ETR awaiting the certification body, and a case awaiting its lab.
        let (_, cb) = t.token("certifier@demo.invalid").await;
        let html = get_as(&t, "/staff", &cb).await;
        let top = html.find("<h2 id=\"needs-action\">").expect("the section");
        assert!(top < html.find("<h2>Cases</h2>").unwrap(), "{b}: not first");
        let section = &html[top..html[top..].find("</section>").unwrap() + top];
        assert!(
            section.contains("read the ETR and decide"),
            "{b}: {section}"
        );
        assert!(
            !section.contains("start the evaluation"),
            "{b}: another role's step"
        );
        // Each row links to its case's section on the page, with how long it has waited.
        let href = section.find("href=\"#case-").expect("a link to the case") + 7;
        let anchor = &section[href..href + section[href..].find('"').unwrap()];
        assert!(
            html.contains(&format!("<section id=\"{anchor}\"")),
            "{b}: {anchor}"
        );
        assert!(section.contains("data-label=\"Waiting\""), "{b}");
        // Forms that are not the case's next step open on demand.
        assert!(
            html.contains("<details><summary>Create an API token</summary><form"),
            "{b}: the token form is not behind a summary"
        );
        t.finish().await;
    }
}
