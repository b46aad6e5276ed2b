//! Issue 6 end to end: a registry with the demo served over HTTP on loopback, and the `dtsec`
//! binary as a verifier holding only the scheme key and the log key. Offline bundles, online
//! verification with the state file, export, audit and monitor — and, for each way of altering
//! the registry behind its back (a status changed in SQL, a decision record deleted or
//! rewritten, a log entry file rewritten or truncated, the checkpoint rolled back), that
//! `dtsec verify --registry` and `dtsec log audit` fail and say what is wrong. The database
//! tampering runs on SQLite and, where `DTSEC_TEST_DATABASE_URL` is set, on PostgreSQL.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use dtsec_registry::scratch::ScratchDatabase;
use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{StatusRequest, Store, StoreConfig};

/// A registry with the demo, served on a loopback port by a runtime on its own thread.
struct Running {
    url: String,
    store: Store,
    rt: tokio::runtime::Handle,
    dir: tempfile::TempDir,
    certifier: dtsec_registry::Actor,
    /// The PostgreSQL database, when on PostgreSQL.
    pg: Option<ScratchDatabase>,
}

impl Running {
    /// On SQLite.
    fn start() -> Running {
        Running::start_on(None)
    }

    /// On SQLite, and on PostgreSQL too when `DTSEC_TEST_DATABASE_URL` is set: the tests that
    /// alter the database behind the registry's back run on both.
    fn every_backend() -> Vec<Running> {
        let mut out = vec![Running::start()];
        if let Some(url) = dtsec_testkit::postgres_url() {
            out.push(Running::start_on(Some(url)));
        }
        out
    }

    fn backend(&self) -> &'static str {
        if self.pg.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// Drops the PostgreSQL database (a failed test leaves it behind: its name is random).
    fn finish(self) {
        let store = self.store.clone();
        let pg = self.pg;
        self.rt.block_on(async move {
            store.close().await;
            if let Some(pg) = pg {
                pg.drop_database().await;
            }
        });
    }

    /// Lifts the append-only guard on `decision_log`, as someone with the database's
    /// credentials could.
    fn drop_append_only_guard(&self) {
        if self.pg.is_some() {
            self.sql(&["DROP TRIGGER decision_log_no_change ON decision_log"]);
        } else {
            self.sql(&[
                "DROP TRIGGER decision_log_no_update",
                "DROP TRIGGER decision_log_no_delete",
            ]);
        }
    }

    fn start_on(postgres: Option<String>) -> Running {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let dir = tempfile::tempdir().expect("tempdir");
                let mut cfg = StoreConfig::new(dir.path().join("data"));
                cfg.password_cost = PasswordCost::Fast;
                let pg = match postgres {
                    Some(url) => {
                        let pg = ScratchDatabase::create(&url, "dtsec_c")
                            .await
                            .expect("DTSEC_TEST_DATABASE_URL: cannot create a database");
                        cfg.database_url = Some(pg.url().to_string());
                        Some(pg)
                    }
                    None => None,
                };
                let store = Store::open(cfg).await.expect("store opens");
                dtsec_registry::demo::load(&store)
                    .await
                    .expect("demo loads");
                let certifier = store
                    .login(
                        "certifier@demo.invalid",
                        dtsec_registry::demo::DEMO_PASSWORD,
                        "test",
                    )
                    .await
                    .expect("the demo has a certifier")
                    .actor();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let addr = listener.local_addr().expect("addr");
                let app = dtsec_server::app(dtsec_server::AppState::new(
                    store.clone(),
                    dtsec_server::ServerConfig::default(),
                ))
                .into_make_service_with_connect_info::<std::net::SocketAddr>();
                tx.send((
                    format!("http://{addr}"),
                    store,
                    tokio::runtime::Handle::current(),
                    dir,
                    certifier,
                    pg,
                ))
                .expect("send");
                let _ = dtsec_server::axum::serve(listener, app).await;
            });
        });
        let (url, store, rt, dir, certifier, pg) = rx.recv().expect("the registry starts");
        Running {
            url,
            store,
            rt,
            dir,
            certifier,
            pg,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn get(&self, path: &str) -> Vec<u8> {
        let resp = common::http()
            .get(format!("{}{path}", self.url))
            .send()
            .expect("GET");
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.bytes().expect("body").to_vec()
    }

    /// Saves the scheme key, the log key and a certificate (and its bundle) to files.
    fn download(&self, id: &str) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
        let files = [
            ("scheme.pub", "/scheme.pub".to_string()),
            ("log.vkey", "/log/vkey".to_string()),
            ("cert.json", format!("/certificates/{id}.json")),
            (
                "cert.bundle.json",
                format!("/certificates/{id}.bundle.json"),
            ),
        ];
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(name, url)| {
                let p = self.path(name);
                std::fs::write(&p, self.get(url)).expect("write");
                p
            })
            .collect();
        (
            paths[0].clone(),
            paths[1].clone(),
            paths[2].clone(),
            paths[3].clone(),
        )
    }

    /// An active certificate of the demo.
    fn active_certificate(&self) -> String {
        let list: serde_json::Value =
            serde_json::from_slice(&self.get("/api/v1/devices?status=active")).expect("JSON");
        list[0]["certificate_id"]
            .as_str()
            .expect("an active certificate")
            .to_string()
    }

    fn sql(&self, statements: &[&str]) {
        let pool = self.store.pool().clone();
        let statements: Vec<String> = statements.iter().map(|s| s.to_string()).collect();
        self.rt.block_on(async move {
            for s in statements {
                sqlx::query(&s)
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{s}: {e}"));
            }
        });
        // A change no audit row records shows in the registry's public answers once the time
        // they may be kept has passed (`http_cache.rs`), as a lie would be served to a verifier.
        std::thread::sleep(
            dtsec_registry::STATUS_FRESH_FOR + std::time::Duration::from_millis(200),
        );
    }

    fn change(&self, id: &str, request: StatusRequest, reason: &str) {
        let store = self.store.clone();
        let actor = self.certifier.clone();
        let (id, reason) = (id.to_string(), reason.to_string());
        self.rt
            .block_on(async move {
                store
                    .change_certificate_status(&actor, &id, request, &reason)
                    .await
            })
            .expect("status change");
    }

    /// `dtsec verify FILE --registry URL` with pinned keys and a state file in the temp dir.
    fn verify_online(&self, file: &Path) -> Output {
        self.verify_online_with(file, &[])
    }

    /// `verify_online`, judging validity on `day`.
    fn verify_online_at(&self, file: &Path, day: &str) -> Output {
        self.verify_online_with(file, &["--at", day])
    }

    fn verify_online_with(&self, file: &Path, extra: &[&str]) -> Output {
        let (file, key, log_key, state) = (
            file.display().to_string(),
            self.path("scheme.pub").display().to_string(),
            self.path("log.vkey").display().to_string(),
            self.path("state.json").display().to_string(),
        );
        let mut args = vec![
            "verify",
            &file,
            "--registry",
            &self.url,
            "--key",
            &key,
            "--log-key",
            &log_key,
            "--state",
            &state,
        ];
        args.extend_from_slice(extra);
        dtsec(&args)
    }

    fn audit_registry(&self) -> Output {
        dtsec(&[
            "log",
            "audit",
            "--registry",
            &self.url,
            "--log-key",
            &self.path("log.vkey").display().to_string(),
            "--state",
            &self.path("state.json").display().to_string(),
        ])
    }
}

use crate::common::{report as text, with_fresh_state as dtsec};

/// Asserts the exit status and that the output mentions every `needle`.
fn expect(o: &Output, code: i32, needles: &[&str]) {
    let t = text(o);
    assert_eq!(o.status.code(), Some(code), "{t}");
    for n in needles {
        assert!(t.contains(n), "expected {n:?} in:\n{t}");
    }
}

/// The log entry file (entry bundle) holding entry `index` of a log of `size` entries.
fn bundle_file(data: &Path, index: u64, size: u64) -> PathBuf {
    let tile = dtsec_tlog::layout::tile_for(0, index, size).expect("in the tree");
    data.join("log")
        .join(dtsec_tlog::Tile::entries(tile.index, tile.width).path())
}

fn proof(r: &Running, id: &str) -> serde_json::Value {
    serde_json::from_slice(&r.get(&format!("/api/v1/certificates/{id}/proof"))).expect("JSON")
}

#[test]
fn bundles_verify_offline_and_certificates_online() {
    let r = Running::start();
    let id = r.active_certificate();
    let (scheme, vkey, cert, bundle) = r.download(&id);
    let (scheme, vkey) = (scheme.display().to_string(), vkey.display().to_string());
    let bundle_arg = bundle.display().to_string();

    // Offline: the bundle with the two keys.
    let o = dtsec(&["verify", &bundle_arg, "--key", &scheme, "--log-key", &vkey]);
    expect(
        &o,
        0,
        &["verified: signed by the scheme key", "log entry", &id],
    );
    // Without the log key: unusable, with help.
    let o = dtsec(&["verify", &bundle_arg, "--key", &scheme]);
    expect(&o, 2, &["--log-key"]);
    // An altered entry in the bundle.
    let original = std::fs::read_to_string(&bundle).unwrap();
    let altered = original.replacen(
        "\\\"status\\\":\\\"active\\\"",
        "\\\"status\\\":\\\"revoked\\\"",
        1,
    );
    assert_ne!(altered, original, "the test must change the entry");
    let bad = r.path("altered.bundle.json");
    std::fs::write(&bad, altered).unwrap();
    let o = dtsec(&[
        "verify",
        &bad.display().to_string(),
        "--key",
        &scheme,
        "--log-key",
        &vkey,
    ]);
    expect(&o, 1, &["does not match the certificate", "status"]);
    // Malformed bundles and keys: clear errors, never a panic.
    for (name, content) in [
        (
            "short.bundle.json",
            "{\"kind\":\"dtsec-certificate-bundle/1\"}",
        ),
        (
            "proof.bundle.json",
            &original.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v9"),
        ),
    ] {
        let p = r.path(name);
        std::fs::write(&p, content).unwrap();
        let o = dtsec(&[
            "verify",
            &p.display().to_string(),
            "--key",
            &scheme,
            "--log-key",
            &vkey,
        ]);
        let t = text(&o);
        assert!(matches!(o.status.code(), Some(1 | 2)), "{t}");
        assert!(t.contains("error:") && !t.contains("panicked"), "{t}");
    }
    let junk = r.path("junk.vkey");
    std::fs::write(&junk, "not a key").unwrap();
    let o = dtsec(&[
        "verify",
        &bundle_arg,
        "--key",
        &scheme,
        "--log-key",
        &junk.display().to_string(),
    ]);
    expect(&o, 2, &["not a log verifier key"]);

    // Online: valid, the checkpoint remembered.
    let o = r.verify_online(&cert);
    expect(
        &o,
        0,
        &[
            "registry:     status active",
            "first checkpoint seen",
            "verified: certificate",
        ],
    );
    assert!(r.path("state.json").exists());
    // The registry suspends it: the same document now reports NOT VALID, with the newer revision,
    // and the log is proven to extend the checkpoint seen before.
    r.change(&id, StatusRequest::Suspend, "field safety notice");
    let o = r.verify_online(&cert);
    expect(
        &o,
        1,
        &[
            "status suspended",
            "a later revision",
            "extends the checkpoint seen before",
            "NOT VALID",
        ],
    );
    // A bundle online is checked the same way, plus its own checkpoint against the latest.
    let o = r.verify_online(&bundle);
    expect(&o, 1, &["NOT VALID: certificate"]);
    r.change(&id, StatusRequest::Reinstate, "status test");
    let o = r.verify_online(&cert);
    expect(&o, 0, &["status active (revision 3)"]);

    // Bad registry URLs: unusable input.
    for url in [
        "ftp://127.0.0.1/",
        "https://127.0.0.1:9/",
        "not a url",
        "http://127.0.0.1:1",
    ] {
        let o = dtsec(&[
            "verify",
            &cert.display().to_string(),
            "--registry",
            url,
            "--key",
            &scheme,
            "--log-key",
            &vkey,
            "--state",
            &r.path("s2.json").display().to_string(),
        ]);
        expect(&o, 2, &["error:"]);
    }
    // A corrupt state file is refused, not overwritten.
    let state = r.path("bad-state.json");
    std::fs::write(&state, "{").unwrap();
    let o = dtsec(&[
        "verify",
        &cert.display().to_string(),
        "--registry",
        &r.url,
        "--key",
        &scheme,
        "--log-key",
        &vkey,
        "--state",
        &state.display().to_string(),
    ]);
    expect(&o, 2, &["not a dtsec state file"]);
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{");
}

#[test]
fn export_audit_and_monitor() {
    let r = Running::start();
    let id = r.active_certificate();
    r.download(&id);
    let vkey = r.path("log.vkey").display().to_string();
    let out = r.path("mirror");
    let out_arg = out.display().to_string();

    let o = dtsec(&[
        "log",
        "export",
        &out_arg,
        "--registry",
        &r.url,
        "--log-key",
        &vkey,
    ]);
    expect(&o, 0, &["exported"]);
    let o = dtsec(&["log", "audit", "--dir", &out_arg, "--log-key", &vkey]);
    expect(
        &o,
        0,
        &["audit passed", "every leaf, every tile and the root match"],
    );
    // The data directory itself, with its log.pub.
    let o = dtsec(&["log", "audit", "--dir", &r.data().display().to_string()]);
    expect(&o, 0, &["audit passed"]);
    // The registry, cross-checked with its API.
    let o = r.audit_registry();
    expect(&o, 0, &["agree with the log", "audit passed"]);

    // Monitor: every entry once, then only the new ones.
    let state = r.path("monitor.json").display().to_string();
    let monitor = || {
        dtsec(&[
            "log",
            "monitor",
            "--registry",
            &r.url,
            "--log-key",
            &vkey,
            "--state",
            &state,
            "--once",
        ])
    };
    let o = monitor();
    expect(&o, 0, &["certificate-issued", "lab-approved"]);
    let size = proof(&r, &id)["tree_size"].as_u64().unwrap();
    let lines = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| {
            l.split('\t')
                .next()
                .is_some_and(|n| n.parse::<u64>().is_ok())
        })
        .count() as u64;
    assert_eq!(lines, size);
    r.change(&id, StatusRequest::OpenReview, "status test");
    let o = monitor();
    expect(
        &o,
        0,
        &[&format!("{size}\t"), "certificate-open-review", &id],
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().count(),
        2,
        "{}",
        text(&o)
    );
    let o = monitor();
    expect(&o, 0, &[]);
    assert!(o.stdout.is_empty(), "{}", text(&o));

    // Exporting again brings the mirror up to date; it still audits.
    let o = dtsec(&[
        "log",
        "export",
        &out_arg,
        "--registry",
        &r.url,
        "--log-key",
        &vkey,
    ]);
    expect(&o, 0, &[&format!("exported {}", size + 1)]);
    let o = dtsec(&["log", "audit", "--dir", &out_arg, "--log-key", &vkey]);
    expect(&o, 0, &["audit passed"]);
    // A mirror holding another log is refused.
    let other = Running::start();
    other.download(&other.active_certificate());
    let o = dtsec(&[
        "log",
        "export",
        &out_arg,
        "--registry",
        &other.url,
        "--log-key",
        &other.path("log.vkey").display().to_string(),
    ]);
    expect(&o, 2, &["not this log's"]);
    // A rewritten tile in the mirror: the audit names the entry.
    let tile = out.join("tile/0/000.p").join((size + 1).to_string());
    let mut bytes = std::fs::read(&tile).unwrap();
    bytes[32 * 5] ^= 1;
    std::fs::write(&tile, bytes).unwrap();
    let o = dtsec(&["log", "audit", "--dir", &out_arg, "--log-key", &vkey]);
    expect(&o, 1, &["entry 5:", "leaf hash"]);
    // Wrong usage.
    let o = dtsec(&[
        "log",
        "audit",
        "--dir",
        &r.path("nowhere").display().to_string(),
        "--log-key",
        &vkey,
    ]);
    expect(&o, 2, &["holds no log"]);
    let o = dtsec(&[
        "log",
        "monitor",
        "--registry",
        &r.url,
        "--interval",
        "0",
        "--once",
    ]);
    expect(&o, 2, &[]);
}

/// On every backend: downloads an active certificate (which verifies online), lets `tamper`
/// alter the registry's database behind its back, then asserts that online verification and the
/// full audit each fail (exit 1) saying what `says` gives for the certificate id.
fn tampering_is_detected(
    tamper: impl Fn(&Running, &str),
    says: impl Fn(&str) -> (Vec<String>, Vec<String>),
) {
    for r in Running::every_backend() {
        let b = r.backend();
        let id = r.active_certificate();
        let (_, _, cert, _) = r.download(&id);
        expect(&r.verify_online(&cert), 0, &[]);
        tamper(&r, &id);
        let (verify, audit) = says(&id);
        expect(&r.verify_online(&cert), 1, &as_strs(&verify));
        expect(&r.audit_registry(), 1, &as_strs(&audit));
        println!("{b}: detected");
        r.finish();
    }
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Owned strings of `items`, for [`tampering_is_detected`].
fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_status_changed_in_sql_is_detected() {
    // The registry keeps a status it has read until its next decision (the status memo), so the
    // lie is planted before anyone asks for this certificate's status: as a registry whose
    // database was edited before it started serves it.
    for r in Running::every_backend() {
        let b = r.backend();
        let id = r.active_certificate();
        let (_, _, cert, _) = r.download(&id);
        r.sql(&[&format!(
            "UPDATE certificates SET status = 'revoked' WHERE certificate_id = '{id}'"
        )]);
        expect(
            &r.verify_online(&cert),
            1,
            &["the registry says its status is revoked", "says active"],
        );
        expect(
            &r.audit_registry(),
            1,
            &[
                &format!("certificate {id}: the registry says revoked"),
                "audit failed",
            ],
        );
        println!("{b}: detected");
        r.finish();
    }
}

#[test]
fn a_deleted_decision_record_is_detected() {
    tampering_is_detected(
        |r, id| {
            r.change(id, StatusRequest::OpenReview, "status test");
            let seq = format!(
                "(SELECT MAX(seq) FROM decision_log WHERE entry LIKE '%\"certificate_id\":\"{id}\"%')"
            );
            r.drop_append_only_guard();
            r.sql(&[
                &format!("DELETE FROM decision_log_index WHERE seq = {seq}"),
                &format!("DELETE FROM decision_subject WHERE seq = {seq}"),
                &format!("DELETE FROM decision_log WHERE seq = {seq}"),
            ]);
        },
        |_| {
            (
                owned(&["revision 2 has no entry in the registry's transparency log"]),
                owned(&["no log entry for its current revision", "audit failed"]),
            )
        },
    );
}

#[test]
fn a_rewritten_decision_record_is_detected() {
    tampering_is_detected(
        |r, id| {
            r.change(id, StatusRequest::Suspend, "recall");
            r.drop_append_only_guard();
            r.sql(&[&format!(
                "UPDATE decision_log SET entry = replace(entry, '\"reason\":\"recall\"', '\"reason\":\"routine\"') \
                 WHERE entry LIKE '%\"certificate_id\":\"{id}\"%'"
            )]);
        },
        |_| {
            (
                owned(&["differs from log entry", "altered"]),
                owned(&["differs from log entry", "audit failed"]),
            )
        },
    );
}

#[test]
fn a_rewritten_or_truncated_log_entry_file_is_detected() {
    let r = Running::start();
    let id = r.active_certificate();
    let (_, _, cert, _) = r.download(&id);
    let p = proof(&r, &id);
    let (index, size) = (
        p["log_index"].as_u64().unwrap(),
        p["tree_size"].as_u64().unwrap(),
    );
    let file = bundle_file(&r.data(), index, size);
    let original = std::fs::read(&file).unwrap();
    // Same length, so the bundle still parses: only the entry's bytes change.
    let needle = format!("\"certificate_id\":\"{id}\"").into_bytes();
    let at = original
        .windows(needle.len())
        .rposition(|w| w == needle.as_slice())
        .expect("the entry is in its bundle");
    let mut rewritten = original.clone();
    rewritten[at + needle.len() - 2] ^= 1;
    std::fs::write(&file, rewritten).unwrap();
    let o = r.verify_online(&cert);
    expect(&o, 1, &[&format!("log entry {index}")]);
    let o = r.audit_registry();
    expect(&o, 1, &[&format!("entry {index}:"), "leaf hash"]);

    // Truncated instead.
    std::fs::write(&file, &original[..original.len() / 2]).unwrap();
    let o = r.verify_online(&cert);
    expect(&o, 1, &[&format!("log entry {index}")]);
    let o = r.audit_registry();
    expect(&o, 1, &["tile/entries/"]);
}

#[test]
fn a_rolled_back_log_is_detected() {
    let r = Running::start();
    let id = r.active_certificate();
    let (_, _, cert, _) = r.download(&id);
    let checkpoint = r.data().join("log/checkpoint");
    let old = std::fs::read(&checkpoint).unwrap();
    r.change(&id, StatusRequest::OpenReview, "status test");
    // The verifier sees the newer checkpoint (and remembers it).
    expect(&r.verify_online(&cert), 0, &["first checkpoint seen"]);
    expect(
        &r.audit_registry(),
        0,
        &["consistent with the checkpoint seen before"],
    );
    // Behind the registry's back, the published log goes back to the older checkpoint.
    std::fs::write(&checkpoint, &old).unwrap();
    let o = r.verify_online(&cert);
    expect(&o, 1, &["rolled back"]);
    let o = r.audit_registry();
    expect(&o, 1, &["rolled back"]);
    // A verifier with no memory of the newer checkpoint still sees that the registry's current
    // status is not in the published log.
    let fresh = dtsec(&[
        "verify",
        &cert.display().to_string(),
        "--registry",
        &r.url,
        "--key",
        &r.path("scheme.pub").display().to_string(),
        "--log-key",
        &r.path("log.vkey").display().to_string(),
        "--state",
        &r.path("fresh.json").display().to_string(),
    ]);
    let t = text(&fresh);
    assert_eq!(fresh.status.code(), Some(1), "{t}");
}

/// Issue 12: the registry's unsigned expiry date once made an expired certificate "active".
/// Online verification judges the signed document only.
#[test]
fn an_expiry_date_edited_in_sql_does_not_revive_a_certificate() {
    for r in Running::every_backend() {
        let b = r.backend();
        let id = r.active_certificate();
        let (_, _, cert, _) = r.download(&id);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&cert).expect("read")).expect("JSON");
        let expiry = doc["payload"]["expiry_date"]
            .as_str()
            .expect("an expiry date")
            .to_string();
        let year: u32 = expiry[..4].parse().expect("a year");
        let after = format!("{}-01-01", year + 1);
        r.sql(&[&format!(
            "UPDATE certificates SET expiry_date = '2999-12-31' WHERE certificate_id = '{id}'"
        )]);
        let o = r.verify_online_at(&cert, &after);
        expect(&o, 1, &[&format!("expired on {expiry}")]);
        println!("{b}: judged on the signed expiry");
        r.finish();
    }
}

/// Issue 12: `log audit` compares the certificate document the registry serves with the log.
#[test]
fn a_certificate_document_replaced_in_sql_is_detected_by_the_audit() {
    for r in Running::every_backend() {
        let b = r.backend();
        let id = r.active_certificate();
        r.download(&id);
        r.change(&id, StatusRequest::OpenReview, "status test");
        expect(&r.audit_registry(), 0, &["audit passed"]);
        // The current document is kept once, in the append-only revisions: an attacker with
        // the database drops the guard first.
        let unguard = match b {
            "postgres" => "DROP TRIGGER revisions_no_update ON certificate_revisions",
            _ => "DROP TRIGGER revisions_no_update",
        };
        r.sql(&[unguard, &format!(
            "UPDATE certificate_revisions SET document = (SELECT document FROM certificate_revisions \
             WHERE certificate_id = '{id}' AND revision = 1) WHERE certificate_id = '{id}' AND revision = 2"
        )]);
        let o = r.audit_registry();
        expect(
            &o,
            1,
            &[
                &format!("certificate {id}: the registry serves a document (revision 1"),
                "audit failed",
            ],
        );
        println!("{b}: detected");
        r.finish();
    }
}

/// Issue 12: the audit trail was protected only by triggers. Its rows are chained by hash and
/// every published decision carries the chain's head, so `dtsec log audit --token` finds a row
/// edited or deleted behind the registry's back.
#[test]
fn an_edited_or_deleted_audit_record_is_detected() {
    for r in Running::every_backend() {
        let b = r.backend();
        r.download(&r.active_certificate());
        let (store, certifier) = (r.store.clone(), r.certifier.clone());
        let (_, token) =
            r.rt.block_on(async move { store.create_api_token(&certifier, "audit").await })
                .expect("token");
        let audit = || {
            dtsec(&[
                "log",
                "audit",
                "--registry",
                &r.url,
                "--log-key",
                &r.path("log.vkey").display().to_string(),
                "--state",
                &r.path("state.json").display().to_string(),
                "--token",
                &token,
            ])
        };
        expect(
            &audit(),
            0,
            &["the hash chain leads to the head", "audit passed"],
        );
        if r.pg.is_some() {
            r.sql(&["DROP TRIGGER audit_no_change ON audit"]);
        } else {
            r.sql(&[
                "DROP TRIGGER audit_no_update",
                "DROP TRIGGER audit_no_delete",
            ]);
        }
        let first = "(SELECT MIN(seq) FROM audit)";
        r.sql(&[&format!(
            "UPDATE audit SET action = action || 'x' WHERE seq = {first}"
        )]);
        expect(
            &audit(),
            1,
            &["a record was deleted or edited", "audit failed"],
        );
        r.sql(&[&format!(
            "UPDATE audit SET action = substr(action, 1, length(action) - 1) WHERE seq = {first}"
        )]);
        expect(&audit(), 0, &["audit passed"]);
        r.sql(&[&format!("DELETE FROM audit WHERE seq = {first} + 3")]);
        expect(
            &audit(),
            1,
            &["a record was deleted or edited", "audit failed"],
        );
        println!("{b}: detected");
        r.finish();
    }
}
