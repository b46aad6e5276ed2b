//! The package's HTML in headless Chromium through ChromeDriver (WebDriver), built from the
//! example pump ST and a sealed demo ETR whose signature was verified: the page has one `h1`,
//! every section heading and its provenance tag is visible, and a screenshot of it is a real
//! rendering (a PNG well beyond one of a blank page), saved in the test's temporary directory.
//!
//! Where Chromium or ChromeDriver is missing the test says so and passes, unless it runs under
//! CI (`CI=true`), where `dtsec_testkit::executable` fails it. `DTSEC_CHROMIUM` and
//! `DTSEC_CHROMEDRIVER` override the Debian paths; ChromeDriver listens on a port the system
//! picks (`--port=0`) and the test reads it from the driver's start-up line.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dtsec_model::Library;
use dtsec_premarket::{Etr, Inputs, LabEvidence, Provenance};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// Kills ChromeDriver (and with it the browser) when the test ends, pass or fail.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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

async fn browser(profile: &Path) -> Option<(Driver, Client)> {
    let chromium = dtsec_testkit::executable("DTSEC_CHROMIUM", "/usr/bin/chromium", "chromium")?;
    let chromedriver = dtsec_testkit::executable(
        "DTSEC_CHROMEDRIVER",
        "/usr/bin/chromedriver",
        "chromium-driver",
    )?;
    let mut child = Command::new(chromedriver)
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let port = driver_port(&mut child);
    let driver = Driver(child);
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1024", format!("--user-data-dir={}", profile.display())]
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
            Err(_) if started.elapsed() < Duration::from_secs(30) => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a Chromium session: {e}"),
        }
    }
}

/// The pump ST's package with a sealed, verified demo ETR (every work unit passed), as HTML.
fn package_html(dir: &Path) -> (String, dtsec_premarket::Package) {
    let st_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    let (source, st) = dtsec_model::load_document(&st_path).unwrap();
    let library = Library::with_builtins();
    let evaluators = vec!["Alice".to_string()];
    let ws = dtsec_eval::init(
        &dir.join("ws"),
        dtsec_eval::InitConfig {
            st_source: &source,
            st: &st,
            st_file_name: "pump-st.yaml",
            library: &library,
            lab: "Example Lab",
            sponsor: "Acme",
            evaluators: &evaluators,
            cc_xml: None,
        },
    )
    .unwrap();
    let reqs: Vec<dtsec_eval::RecordRequest> = ws
        .plan()
        .unwrap()
        .units()
        .map(|u| dtsec_eval::RecordRequest {
            unit: u.unit.id.clone(),
            verdict: Some(dtsec_eval::records::Verdict::Pass),
            by: "Alice".to_string(),
            evidence: Vec::new(),
            note: None,
            observations: Vec::new(),
        })
        .collect();
    ws.record_many(&reqs).unwrap();
    let key = dtsec_eval::seal::SigningKey::generate();
    let sealed = dtsec_eval::bundle::seal_workspace(&ws, &key).unwrap();
    let text = sealed.to_json_pretty();
    let verifying = key.verifying_key();
    let verification = dtsec_eval::bundle::verify_bundle(
        &text,
        dtsec_eval::bundle::VerifyOptions {
            key: Some(&verifying),
            evidence: None,
        },
    )
    .unwrap();
    assert!(verification.is_valid());
    let payload = dtsec_seal::Sealed::from_json(&text).unwrap().payload;
    let lab = LabEvidence {
        etr: Etr::from_payload(&payload, &st).unwrap(),
        signature_verified: true,
    };
    let inputs = Inputs {
        st: &st,
        library: &library,
        lab: Some(&lab),
        sbom: None,
    };
    let package = dtsec_premarket::build(&inputs).unwrap();
    (dtsec_premarket::html::render(&package), package)
}

async fn visible_text(c: &Client, css: &str) -> String {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"));
    assert!(e.is_displayed().await.unwrap(), "`{css}` is not visible");
    e.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_package_page_shows_every_section_with_its_tag_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (html, package) = package_html(dir.path());
    let page = dir.path().join("index.html");
    std::fs::write(&page, &html).unwrap();
    let Some((_driver, c)) = browser(&dir.path().join("profile")).await else {
        return;
    };
    c.goto("about:blank").await.unwrap();
    let blank = c.screenshot().await.unwrap();
    c.goto(&format!("file://{}", page.display())).await.unwrap();
    let h1s = c.find_all(Locator::Css("h1")).await.unwrap();
    assert_eq!(h1s.len(), 1);
    assert!(visible_text(&c, "h1").await.contains("Acme Nimbus Pump"));
    assert!(
        visible_text(&c, "#missing-inputs")
            .await
            .contains("an SBOM")
    );
    let contents = visible_text(&c, "nav").await;
    for s in &package.sections {
        assert!(contents.contains(s.title), "contents lack {}", s.title);
        let heading = visible_text(&c, &format!("#{} h2", s.id)).await;
        assert_eq!(heading, s.title);
        let tag = visible_text(&c, &format!("#{} .tag", s.id)).await;
        assert_eq!(tag, format!("Provenance: {}", s.provenance.label()));
    }
    let lab_tags = c.find_all(Locator::Css(".tag-lab")).await.unwrap().len();
    let expected = package
        .sections
        .iter()
        .filter(|s| s.provenance == Provenance::LabVerified)
        .count();
    assert!(expected >= 4);
    assert_eq!(lab_tags, expected);
    let shot = c.screenshot().await.unwrap();
    std::fs::write(dir.path().join("premarket.png"), &shot).unwrap();
    assert!(shot.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        shot.len() > 4 * blank.len().max(1) && shot.len() > 20_000,
        "the screenshot ({} bytes) is hardly more than a blank page's ({} bytes)",
        shot.len(),
        blank.len()
    );
    c.close().await.unwrap();
}
