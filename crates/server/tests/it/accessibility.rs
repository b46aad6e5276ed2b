//! axe-core in headless Chromium on every public page and on each role's staff page: zero
//! violations (WCAG 2.x A and AA rules plus axe's best practices), each violation printed with
//! its rule, impact, help and the offending elements when there is any.
//!
//! axe-core comes from the npm registry, pinned in `crates/server/tests/axe/package.json` and
//! its lock file; `.ci/run` installs it with `npm ci`. Where it is not installed the test says
//! so and passes, except under CI (`CI=true`), where that fails (`dtsec-testkit`). The pages do
//! not differ between the two databases, so the test runs on the SQLite registry only.

use crate::browser::{browser, log_in, log_out, serve};
use crate::common;

use fantoccini::{Client, Locator};
use serde_json::Value;

/// The installed axe-core script, or `None` (after `dtsec_testkit::skip`) when `npm ci` has
/// not been run in `crates/server/tests/axe`.
fn axe_source() -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/axe/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            dtsec_testkit::skip(
                &format!("axe-core ({})", path.display()),
                "run `npm ci` in crates/server/tests/axe (.ci/run does)",
            );
            None
        }
    }
}

/// One violation, readable: rule, impact, what to do, and up to five offending elements with
/// axe's own explanation of each.
fn describe(v: &Value) -> String {
    let mut out = format!(
        "  [{}] {} ({}): {}\n",
        v["impact"].as_str().unwrap_or("?"),
        v["id"].as_str().unwrap_or("?"),
        v["helpUrl"].as_str().unwrap_or(""),
        v["help"].as_str().unwrap_or("")
    );
    for node in v["nodes"].as_array().into_iter().flatten().take(5) {
        out.push_str(&format!(
            "      at {}: {}\n        {}\n",
            node["target"],
            node["html"].as_str().unwrap_or(""),
            node["failureSummary"]
                .as_str()
                .unwrap_or("")
                .replace('\n', "\n        ")
        ));
    }
    out
}

/// Runs axe on the page open in `c`; returns the violations, described.
async fn violations(c: &Client, axe: &str) -> Vec<String> {
    // WebDriver's scripts run outside the page's Content-Security-Policy, so the registry's
    // script-free policy stays as it is.
    c.execute(&format!("{axe}\n;return true;"), vec![])
        .await
        .expect("axe-core loads into the page");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, { resultTypes: ['violations'] }) \
               .then(r => done(r.violations), e => done([{ id: 'axe-error', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .expect("axe.run answers");
    found
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(describe)
        .collect()
}

/// Opens `path` and adds its violations (if any) to `report`.
async fn audit(c: &Client, base: &str, path: &str, axe: &str, report: &mut Vec<String>) {
    c.goto(&format!("{base}{path}")).await.unwrap();
    let found = violations(c, axe).await;
    if !found.is_empty() {
        report.push(format!("{path}:\n{}", found.concat()));
    }
}

/// The `href` of the first link in `main` whose target contains `part`.
async fn first_link(c: &Client, base: &str, page: &str, part: &str) -> String {
    c.goto(&format!("{base}{page}")).await.unwrap();
    c.find(Locator::XPath(&format!(
        "//main//a[contains(@href, '{part}')]"
    )))
    .await
    .unwrap_or_else(|e| panic!("{page} has no link to {part}: {e}"))
    .attr("href")
    .await
    .unwrap()
    .expect("a link with an href")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_page_and_each_roles_staff_page_pass_axe() {
    let Some(axe) = axe_source() else { return };
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let t = common::backends().await.into_iter().next().unwrap();
    let base = serve(t.app.clone()).await;
    let device = first_link(&c, &base, "/", "/devices/").await;
    let pp = first_link(&c, &base, "/pps", "/pps/").await;
    let cert = device
        .rsplit('/')
        .next()
        .expect("a certificate id")
        .to_string();
    let print = format!("/certificates/{cert}/print");
    let mut report = Vec::new();
    let public = [
        "/",
        device.as_str(),
        "/labs",
        "/pps",
        pp.as_str(),
        "/log",
        print.as_str(),
        "/login",
        "/evaluations",
    ];
    for path in public {
        audit(&c, &base, path, &axe, &mut report).await;
    }

    // One staff page per role: each role's own "My work".
    let evaluator = t
        .demo
        .accounts
        .iter()
        .find(|(_, role, _)| role == "lab-evaluator")
        .map(|(email, _, _)| email.clone())
        .expect("a lab evaluator in the demo");
    for email in [
        "admin@demo.invalid",
        "certifier@demo.invalid",
        evaluator.as_str(),
        "security@acme.demo.invalid",
    ] {
        log_in(&c, &base, email).await;
        let found = violations(&c, &axe).await;
        if !found.is_empty() {
            report.push(format!("/staff as {email}:\n{}", found.concat()));
        }
        log_out(&c).await;
    }
    assert!(
        report.is_empty(),
        "axe-core found accessibility violations:\n{}",
        report.join("\n")
    );
    t.finish().await;
    c.close().await.unwrap();
}
