//! Browser tests in headless Chromium through ChromeDriver (WebDriver), against the real server
//! on a loopback port with the demo loaded, on SQLite and PostgreSQL: the public list (search,
//! a device page), a certifier issuing a certificate, a manufacturer registering a product and
//! uploading its ST as a file, a lab evaluator starting an evaluation and uploading the sealed
//! ETR, the certification body opening that ETR before accepting it and changing a status with
//! its reason (shown beside the status on the public page), and the administrator disabling an
//! account.
//!
//! Where Chromium or ChromeDriver is missing the test says so and passes, unless it runs under
//! CI (`CI=true`; `.ci/run` installs both) or `DTSEC_REQUIRE_BROWSER` is set, where it fails.
//! `DTSEC_CHROMIUM` and `DTSEC_CHROMEDRIVER` override the Debian paths. ChromeDriver listens on
//! a port the system picks (`--port=0`); the test reads it from the driver's start-up line.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// Kills ChromeDriver (and with it the browser) when the test ends, pass or fail.
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads ChromeDriver's start-up line ("… started successfully on port N.") for the port it
/// bound; fails the test when the driver exits or says nothing of the kind within 30 s.
fn driver_port(child: &mut Child) -> u16 {
    let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("on port ").nth(1)
                && line.contains("successfully")
                && let Ok(port) = rest.trim_end_matches('.').trim().parse::<u16>()
            {
                let _ = tx.send(port);
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("chromedriver did not say which port it listens on within 30 s")
}

/// Starts ChromeDriver and a headless Chromium session, or `None` when they are not installed.
pub(crate) async fn browser() -> Option<(Driver, Client)> {
    let found = (
        dtsec_testkit::executable("DTSEC_CHROMIUM", "/usr/bin/chromium", "chromium"),
        dtsec_testkit::executable(
            "DTSEC_CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromium-driver",
        ),
    );
    let (Some(chromium), Some(chromedriver)) = found else {
        assert!(
            std::env::var_os("DTSEC_REQUIRE_BROWSER").is_none(),
            "DTSEC_REQUIRE_BROWSER is set but chromium or chromedriver is missing"
        );
        return None;
    };
    let mut child = Command::new(chromedriver)
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let port = driver_port(&mut child);
    let driver = Driver(child);
    let profile = tempfile::tempdir().unwrap();
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1024",
                     format!("--user-data-dir={}", profile.keep().display())]
        }
    });
    let caps: fantoccini::wd::Capabilities = caps.as_object().unwrap().clone();
    let started = Instant::now();
    loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a Chromium session: {e}"),
        }
    }
}

/// Serves the app on a loopback port; returns its base URL.
pub(crate) async fn serve(app: dtsec_server::axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { dtsec_server::axum::serve(listener, app).await });
    format!("http://{addr}")
}

pub(crate) async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

pub(crate) async fn log_in(c: &Client, base: &str, email: &str) {
    submit_login(c, base, email).await;
    wait_for(c, "h1", |url, h1| {
        url.ends_with("/staff") && h1 == "My work"
    })
    .await;
}

/// Fills in and sends the login form with the demo password.
async fn submit_login(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(dtsec_registry::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(crate) async fn log_out(c: &Client) {
    c.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "header", |_, nav| nav.contains("Staff login")).await;
}

/// Waits (up to 15 s) for the page reached by a click: until `done` holds of the current URL
/// and the text of `css`. A click returns when the browser starts navigating, not when the next
/// page is there, so reading at once could see the old page.
pub(crate) async fn wait_for(c: &Client, css: &str, done: impl Fn(&str, &str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let url = c.current_url().await.unwrap().to_string();
        let text = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if done(&url, &text) {
            return text;
        }
        if started.elapsed() > Duration::from_secs(15) {
            let body = match c.find(Locator::Css("body")).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("timed out waiting at {url}; `{css}` reads {text:?}; the page: {body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits for a case on the staff page to show `state`.
async fn wait_for_state(c: &Client, case: &str, state: &str) {
    let started = Instant::now();
    loop {
        let line = match c
            .find(Locator::XPath(&format!(
                "{case}//p[starts-with(., 'State:')]"
            )))
            .await
        {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if line.contains(state) {
            return;
        }
        if started.elapsed() > Duration::from_secs(15) {
            panic!(
                "{case} never showed {state} (last: {line:?}); the page: {}",
                text(c, "body").await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The case section of a product on the staff page.
fn section(name: &str) -> String {
    format!("//section[@aria-label='{name}']")
}

/// Clicks the element at `xpath`, failing with the page's text when it is not there.
async fn click(c: &Client, xpath: &str) {
    match c.find(Locator::XPath(xpath)).await {
        Ok(e) => e.click().await.unwrap(),
        Err(e) => panic!("no {xpath}: {e}; the page: {}", text(c, "body").await),
    }
}

/// The certifier reads the submitted ETR of `case` (review page, the whole report) and accepts
/// it from the review page; then suspends an active certificate with a reason and a
/// confirmation, and the public device page shows the status with the reason beside it.
async fn certifier_judges(c: &Client, base: &str, t: &common::TestApp, case_name: &str) {
    let b = t.backend;
    log_in(c, base, "certifier@demo.invalid").await;
    let case = section(case_name);
    click(c, &format!("{case}//a[normalize-space()='ETR review']")).await;
    let page = wait_for(c, "main", |url, page| {
        url.contains("/staff/products/") && url.ends_with("/etr") && page.contains("ETR review")
    })
    .await;
    for want in [
        "Overall verdict",
        "Work units by class",
        "Security Target and the checker's result",
    ] {
        assert!(page.contains(want), "{b}: the review page lacks {want}");
    }
    click(c, "//main//a[normalize-space()='the ETR rendered']").await;
    wait_for(c, "body", |url, page| {
        url.ends_with("/etr/report") && page.contains("Evaluation Technical Report")
    })
    .await;
    click(c, "//nav//a[normalize-space()='Back to the ETR review']").await;
    wait_for(c, "h1", |url, h1| {
        url.ends_with("/etr") && h1.starts_with("ETR review")
    })
    .await;
    click(c, "//main//button[normalize-space()='Accept ETR']").await;
    // Post-redirect-get: back on the staff page, which confirms the change.
    wait_for(c, "h1", |url, h1| {
        url.contains("/staff?done=etr-accepted&subject=") && h1 == "My work"
    })
    .await;
    // The confirmation names the action and the case.
    let flash = text(c, "p.flash").await;
    assert_eq!(
        flash,
        format!("ETR of {case_name} accepted."),
        "{b}: the confirmation does not name the action"
    );
    wait_for_state(c, &case, "accepted").await;

    // A status change: the choice, a reason and the confirmation; nothing is preselected.
    let (cb, _) = t.token("certifier@demo.invalid").await;
    let active = t
        .store
        .products(&cb.actor())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.state == "active")
        .expect("an active certificate in the demo");
    let cert = active.certificate_id.clone().unwrap();
    let case = section(&format!("{} {}", active.name, active.version));
    let checked = c
        .find_all(Locator::XPath(&format!("{case}//input[@name='action']")))
        .await
        .unwrap();
    assert!(checked.len() >= 2, "{b}: no status choices");
    for r in &checked {
        assert!(
            !r.is_selected().await.unwrap(),
            "{b}: a status is preselected"
        );
    }
    click(
        c,
        &format!("{case}//input[@name='action'][@value='suspend']"),
    )
    .await;
    let reason = "Replay weakness reported; fix not yet shipped";
    c.find(Locator::XPath(&format!("{case}//textarea[@name='reason']")))
        .await
        .unwrap()
        .send_keys(reason)
        .await
        .unwrap();
    click(c, &format!("{case}//input[@name='confirm']")).await;
    click(
        c,
        &format!("{case}//button[normalize-space()='Change status']"),
    )
    .await;
    wait_for_state(c, &case, "suspended").await;
    log_out(c).await;
    c.goto(&format!("{base}/devices/{cert}")).await.unwrap();
    let top = text(c, "main > p.status-reason").await;
    assert!(
        top.contains(reason) && top.contains("suspended"),
        "{b}: {top}"
    );
    // Beside the status: the paragraph right after the one with the status.
    let status_line = text(c, "main > h1 + p").await;
    assert!(status_line.contains("suspended"), "{b}: {status_line}");
    let next = text(c, "main > h1 + p + p").await;
    assert!(
        next.contains(reason),
        "{b}: the reason is not next to the status: {next}"
    );
}

/// At a phone's width (390 CSS px) the public pages fit without scrolling sideways, and a
/// table's rows stack, each cell labelled with its column's name.
async fn on_a_phone(c: &Client, base: &str) {
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/")).await.unwrap();
    let device = c
        .find(Locator::XPath(
            "//main//table//a[contains(@href, '/devices/')]",
        ))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("a device link");
    for path in ["/", "/labs", "/log", "/pps", device.as_str()] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        let size = c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1) \
                 .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (size[0].as_u64().unwrap(), size[1].as_u64().unwrap());
        assert!(
            inner <= 420,
            "{path}: the window is {inner} px wide, not a phone's"
        );
        assert!(
            scroll <= inner,
            "{path}: {scroll} px wide in a {inner} px window"
        );
    }
    c.goto(&format!("{base}/")).await.unwrap();
    let label = c
        .execute(
            "const td = document.querySelector('table.stack td[data-label]'); \
             return [getComputedStyle(td, '::before').content, getComputedStyle(td).display];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        label[0],
        json!("\"Device: \""),
        "the cell is not labelled: {label}"
    );
    assert_eq!(label[1], json!("block"), "the row does not stack: {label}");
    c.set_window_size(1280, 1024).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_in_the_browser() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    for t in common::backends().await {
        let b = t.backend;
        let base = serve(t.app.clone()).await;

        on_a_phone(&c, &base).await;

        // The public list: every certified device, searchable; a device page.
        c.goto(&format!("{base}/")).await.unwrap();
        let rows = c
            .find_all(Locator::Css("main table tbody tr"))
            .await
            .unwrap();
        assert!(
            rows.len() >= 3,
            "{b}: {} rows on the public list",
            rows.len()
        );
        let all = text(&c, "main").await;
        assert!(all.contains("Globex Lumen CGM"), "{b}: {all}");
        c.find(Locator::Id("f-q"))
            .await
            .unwrap()
            .send_keys("Lumen")
            .await
            .unwrap();
        c.find(Locator::Css("form.filters button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "main", |url, _| url.contains("q=Lumen")).await;
        let rows = c
            .find_all(Locator::Css("main table tbody tr"))
            .await
            .unwrap();
        assert!(!rows.is_empty(), "{b}: the search found nothing");
        for r in &rows {
            let t = r.text().await.unwrap();
            assert!(
                t.contains("Lumen"),
                "{b}: a search result without the term: {t}"
            );
        }
        c.find(Locator::XPath("//main//table//a[contains(., 'Lumen')]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "h1", |_, h1| h1.contains("Globex Lumen CGM")).await;
        // Without JavaScript: the skip link is the page's first link.
        let first = c.find(Locator::Css("a")).await.unwrap();
        assert_eq!(
            first.attr("href").await.unwrap().as_deref(),
            Some("#main"),
            "{b}"
        );

        // A certifier issues the accepted FlowPatch 2.0 certificate from the staff page.
        // Its ST claims the draft CDD PP 2.0: the certifier first approves that, with a reason.
        log_in(&c, &base, "certifier@demo.invalid").await;
        let case = section("Globex FlowPatch 2.0");
        c.find(Locator::XPath(&format!("{case}//textarea[@name='reason']")))
            .await
            .unwrap_or_else(|e| panic!("{b}: no draft approval form for the accepted case: {e}"))
            .send_keys("Pilot evaluation of the draft CDD PP 2.0, applied in full.")
            .await
            .unwrap();
        c.find(Locator::XPath(&format!(
            "{case}//button[normalize-space()='Approve draft claims']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_for(&c, "main", |_, page| {
            page.contains("approved for certification on")
        })
        .await;
        c.find(Locator::XPath(&format!(
            "{case}//button[normalize-space()='Issue certificate']"
        )))
        .await
        .unwrap_or_else(|e| panic!("{b}: no Issue button for the accepted case: {e}"))
        .click()
        .await
        .unwrap();
        wait_for_state(&c, &case, "active").await;
        c.find(Locator::XPath(&format!(
            "{case}//a[contains(@href, '/devices/')]"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_for(&c, "main", |url, page| {
            url.contains("/devices/") && page.contains("Globex FlowPatch") && page.contains("2.0")
        })
        .await;
        log_out(&c).await;
        c.goto(&format!("{base}/?q=FlowPatch")).await.unwrap();
        let listed = text(&c, "main").await;
        assert!(
            listed.contains("2.0"),
            "{b}: the new certificate is not listed: {listed}"
        );

        // A manufacturer registers a product and uploads its ST as a file.
        log_in(&c, &base, "security@acme.demo.invalid").await;
        c.find(Locator::Id("p-name"))
            .await
            .unwrap()
            .send_keys("Browser Pump")
            .await
            .unwrap();
        c.find(Locator::Id("p-version"))
            .await
            .unwrap()
            .send_keys("0.9")
            .await
            .unwrap();
        c.find(Locator::Css("#p-type option[value='pump']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.find(Locator::XPath("//button[normalize-space()='Register']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let case = section("Browser Pump 0.9");
        wait_for_state(&c, &case, "registered").await;
        let st = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
        std::fs::write(st.path(), dtsec_registry::demo::PUMP_ST).unwrap();
        c.find(Locator::XPath(&format!("{case}//input[@type='file']")))
            .await
            .unwrap()
            .send_keys(&st.path().display().to_string())
            .await
            .unwrap();
        c.find(Locator::XPath(&format!(
            "{case}//button[normalize-space()='Submit ST']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_for_state(&c, &case, "st-submitted").await;
        log_out(&c).await;

        // A lab evaluator starts an evaluation and uploads the sealed ETR the demo left for it.
        let etr = t.demo.ready_etrs.first().expect("a ready ETR").clone();
        let evaluator = t
            .demo
            .accounts
            .iter()
            .find(|(_, role, org)| role == "lab-evaluator" && *org == etr.lab)
            .map(|(email, _, _)| email.clone())
            .expect("the lab's evaluator");
        log_in(&c, &base, &evaluator).await;
        let case = section(&etr.case);
        if c.find(Locator::XPath(&format!(
            "{case}//button[normalize-space()='Start evaluation']"
        )))
        .await
        .is_ok()
        {
            c.find(Locator::XPath(&format!(
                "{case}//button[normalize-space()='Start evaluation']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            wait_for_state(&c, &case, "evaluation-in-progress").await;
        }
        let bundle = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
        std::fs::write(bundle.path(), &etr.bundle).unwrap();
        c.find(Locator::XPath(&format!("{case}//input[@type='file']")))
            .await
            .unwrap_or_else(|e| panic!("{b}: no ETR upload for {}: {e}", etr.case))
            .send_keys(&bundle.path().display().to_string())
            .await
            .unwrap();
        c.find(Locator::XPath(&format!(
            "{case}//button[normalize-space()='Submit ETR']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_for_state(&c, &case, "etr-submitted").await;
        log_out(&c).await;

        // The certification body opens that ETR before accepting it, then changes a
        // certificate's status with a reason, which the public device page shows beside it.
        certifier_judges(&c, &base, &t, &etr.case).await;

        // The administrator disables that account from the accounts table; its login then fails.
        log_in(&c, &base, "admin@demo.invalid").await;
        let row = "//table[caption='Accounts']//tr[td[1]='security@acme.demo.invalid']";
        c.find(Locator::XPath(&format!(
            "{row}//button[normalize-space()='Disable']"
        )))
        .await
        .unwrap_or_else(|e| panic!("{b}: no Disable button: {e}"))
        .click()
        .await
        .unwrap();
        let started = Instant::now();
        while c
            .find(Locator::XPath(&format!(
                "{row}//button[normalize-space()='Enable']"
            )))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "{b}: the account never showed as disabled: {}",
                text(&c, "body").await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        log_out(&c).await;
        submit_login(&c, &base, "security@acme.demo.invalid").await;
        wait_for(&c, "main", |_, page| page.contains("authentication failed")).await;
        t.finish().await;
    }
    c.close().await.unwrap();
}
