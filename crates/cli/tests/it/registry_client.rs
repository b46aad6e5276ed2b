//! `dtsec registry` end to end against the real `dtsec serve` binary on a temporary data
//! directory and a free loopback port: tokens from passwords, the whole certification workflow
//! (register → ST → lab → evaluation → sealed ETR → review → certify), the download of the
//! signed certificate and its offline verification — plus refusals shown with the registry's
//! message and a non-zero exit, and the token never printed.

use crate::common;

use common::{dtsec, s, text};
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{NewUser, OrgKind, Role, Store, StoreConfig};

const ADMIN: &str = "admin@scheme.test.invalid";
const PASSWORD: &str = "correct horse battery staple";

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// A plain HTTP GET on loopback: (status line, body).
fn http_get(port: u16, path: &str) -> Option<(String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    Some((head.lines().next()?.to_string(), body.to_string()))
}

/// Bootstraps the administrator with the binary, then does the scheme administrator's set-up
/// (organisations, accounts, the lab's approval with an old key, which the test replaces with
/// `dtsec registry lab-key`) through the registry library, before the server starts.
fn set_up_registry(data: &Path) -> String {
    let out = dtsec(
        &["bootstrap-admin", "--data-dir", s(data), "--email", ADMIN],
        &[("DTSEC_ADMIN_PASSWORD", PASSWORD)],
    );
    assert!(out.status.success(), "{}", text(&out));
    let pem = dtsec_seal::SigningKey::generate()
        .verifying_key()
        .to_public_pem();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut cfg = StoreConfig::new(data);
        cfg.password_cost = PasswordCost::Fast;
        let store = Store::open(cfg).await.expect("open");
        let admin = store
            .login(ADMIN, PASSWORD, "test")
            .await
            .expect("admin")
            .actor();
        let mut org_of = Vec::new();
        for (kind, name, role, email) in [
            (
                OrgKind::CertificationBody,
                "Test Certification Body",
                Role::Certifier,
                "certifier@cb.test.invalid",
            ),
            (
                OrgKind::Lab,
                "Test Lab",
                Role::LabEvaluator,
                "evaluator@lab.test.invalid",
            ),
            (
                OrgKind::Manufacturer,
                "Test Devices",
                Role::Manufacturer,
                "security@maker.test.invalid",
            ),
        ] {
            let org = store
                .create_organisation(&admin, kind, name)
                .await
                .expect("org");
            let user = store
                .create_user(
                    &admin,
                    NewUser {
                        email: email.into(),
                        name: name.into(),
                        role,
                        org_id: org.id.clone(),
                        password: PASSWORD.into(),
                    },
                )
                .await
                .expect("user");
            org_of.push((org.id, user.actor()));
        }
        let (lab_org, lab_actor) = org_of[1].clone();
        store
            .apply_for_lab_approval(
                &lab_actor,
                &lab_org,
                &dtsec_registry::demo::example_lab_profile(),
            )
            .await
            .expect("apply");
        store
            .register_lab_key(&lab_actor, &lab_org, &pem)
            .await
            .expect("key");
        let until = store.clock().today().add_days(365);
        store
            .approve_lab(&admin, &lab_org, until)
            .await
            .expect("approve");
        store.close().await;
        lab_org
    })
}

/// The public URL the server is told to print on certificates: not its own loopback address,
/// which is only known once it has bound a port.
const PUBLIC_URL: &str = "http://registry.dtsec.test.invalid";

fn start_server(data: &Path, log: &Path) -> common::Served {
    common::serve(
        &[
            "--data-dir",
            s(data),
            "--public-url",
            &format!("{PUBLIC_URL}/"),
        ],
        &[],
        log,
    )
}

#[test]
fn the_whole_workflow_through_the_registry_client() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let keys = tmp.path().join("lab");
    let out = dtsec(&["keys", "new", "--out", s(&keys)], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let lab_key = tmp.path().join("lab.key");
    let lab_pub = tmp.path().join("lab.pub");
    let lab_org = set_up_registry(&data);

    let server = start_server(&data, &tmp.path().join("serve.log"));
    let port = server.port;
    let url = server.base.clone();
    let reg = [("DTSEC_REGISTRY", url.as_str())];

    // Usage errors say what is missing and exit 2, before any request.
    let o = dtsec(&["registry", "products"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no registry given"), "{}", text(&o));
    let o = dtsec(&["registry", "products"], &reg);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("needs an API token"), "{}", text(&o));

    // Tokens from passwords; a wrong password is refused with the registry's words.
    let o = dtsec(
        &[
            "registry",
            "login",
            "--email",
            "security@maker.test.invalid",
        ],
        &[reg[0], ("DTSEC_PASSWORD", "not the password")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("refused the request (401)"),
        "{}",
        text(&o)
    );
    let login = |email: &str| {
        let o = dtsec(
            &["registry", "login", "--email", email],
            &[reg[0], ("DTSEC_PASSWORD", PASSWORD)],
        );
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let maker = login("security@maker.test.invalid");
    let lab = login("evaluator@lab.test.invalid");
    let cb = login("certifier@cb.test.invalid");
    let admin = login(ADMIN);
    assert!(maker.starts_with("dtsec_") || maker.len() > 20, "{maker}");
    let tokens = [maker.clone(), lab.clone(), cb.clone(), admin.clone()];
    let mut seen = String::new();
    let mut run = |args: &[&str], token: &str| {
        let o = dtsec(args, &[reg[0], ("DTSEC_TOKEN", token)]);
        seen.push_str(&text(&o));
        o
    };
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };

    let product = ok(run(
        &[
            "registry",
            "register",
            "--name",
            "Acme Nimbus Pump",
            "--version",
            "3.0.0",
            "--toe-type",
            "pump",
            "--build-id",
            "fw-1.0",
        ],
        &maker,
    ));
    assert!(!product.is_empty() && !product.contains(' '), "{product}");

    // A broken ST is refused: the registry's message, exit 1, nothing changes.
    let bad = tmp.path().join("bad-st.yaml");
    std::fs::write(&bad, "kind: security-target\nid: broken\n").expect("write");
    let o = run(&["registry", "submit-st", &product, s(&bad)], &maker);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("error: the registry refused the request (4"),
        "{}",
        text(&o)
    );
    let o = run(
        &["registry", "submit-st", &product, "no-such-file.yaml"],
        &maker,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("cannot read no-such-file.yaml"),
        "{}",
        text(&o)
    );

    // The CDD 2.0 pump (therapy delivery, AID host, Enhanced-Basic), filed by its form.
    let st = repo_file("examples/pump-st.yaml");
    let out = ok(run(&["registry", "submit-st", &product, s(&st)], &maker));
    assert!(out.ends_with("st-submitted"), "{out}");

    // A manufacturer may not certify: 403 with the reason, exit 1.
    let o = run(&["registry", "certify", &product], &maker);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("(403)"), "{}", text(&o));

    // The lab is chosen by its listed name.
    let out = ok(run(
        &["registry", "choose-lab", &product, "Test Lab"],
        &maker,
    ));
    assert!(out.ends_with("lab-chosen"), "{out}");
    let shown = ok(run(&["registry", "product", &product], &lab));
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("JSON");
    assert_eq!(shown["lab_org"], lab_org.as_str());
    let out = ok(run(&["registry", "start-evaluation", &product], &lab));
    assert!(out.ends_with("evaluation-in-progress"), "{out}");

    // The lab registers the key it seals with (replacing its old one), by its listed name.
    let out = ok(run(&["registry", "lab-key", "Test Lab", s(&lab_pub)], &lab));
    let key_id = text(&dtsec(&["keys", "show", s(&lab_pub)], &[]));
    assert!(out.contains("key ") && out.contains("registered"), "{out}");
    assert!(
        key_id.contains(out.split("key ").nth(1).unwrap().split(' ').next().unwrap()),
        "{out} / {key_id}"
    );
    // A manufacturer may not.
    let o = run(&["registry", "lab-key", "Test Lab", s(&lab_pub)], &maker);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // A real sealed ETR over the same ST bytes, with the lab's key from `dtsec keys new`.
    let key = dtsec_seal::SigningKey::from_pkcs8_pem(&std::fs::read_to_string(&lab_key).unwrap())
        .expect("lab key");
    let st_text = std::fs::read_to_string(&st).unwrap();
    let bundle = dtsec_registry::demo::seal_passing_etr(
        "pump-st.yaml",
        &st_text,
        "Test Lab",
        "Test Devices",
        &key,
    )
    .expect("sealed ETR");
    let bundle_path = tmp.path().join("etr.bundle.json");
    std::fs::write(&bundle_path, bundle).unwrap();
    let out = ok(run(
        &["registry", "submit-etr", &product, s(&bundle_path)],
        &lab,
    ));
    assert!(out.ends_with("etr-submitted"), "{out}");

    let o = run(
        &["registry", "review", &product, "--accept", "--reject", "no"],
        &cb,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = ok(run(&["registry", "review", &product, "--accept"], &cb));
    assert!(out.ends_with("accepted"), "{out}");
    // CDD 2.0 is a draft: no certificate until the certification body approves, with a reason.
    let o = run(&["registry", "certify", &product], &cb);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("approve-draft"), "{}", text(&o));
    let o = run(
        &["registry", "approve-draft", &product, "--reason", " "],
        &cb,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = ok(run(
        &[
            "registry",
            "approve-draft",
            &product,
            "--reason",
            "Pilot evaluation of the draft CDD PP 2.0",
        ],
        &cb,
    ));
    assert!(out.ends_with("accepted"), "{out}");
    let cert_id = ok(run(&["registry", "certify", &product], &cb));
    assert!(cert_id.starts_with("DTSEC-"), "{cert_id}");

    // The premarket package the registry builds from the ST and the ETR it verified (issue 14).
    let pm = tmp.path().join("premarket");
    ok(run(
        &["registry", "premarket", &cert_id, "-o", s(&pm)],
        &maker,
    ));
    let html = std::fs::read_to_string(pm.join("index.html")).unwrap();
    assert!(
        html.contains("Provenance: verified by an approved lab"),
        "{html}"
    );
    assert!(
        std::fs::read(pm.join("premarket.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );
    let o = dtsec(
        &["registry", "premarket", &cert_id, "-o", s(&pm)],
        &[reg[0]],
    );
    assert_eq!(o.status.code(), Some(2), "no token: {}", text(&o));

    // The POA&M of its open postmarket items (issue 14): none yet, so the registry refuses
    // (exit 1, its message); after an SBOM and an affected assessment, one item with the FDA
    // clock due dates of T0 2025-03-01, written only once it validates.
    let poam = tmp.path().join("poam.json");
    let o = run(&["registry", "poam", &cert_id, "-o", s(&poam)], &maker);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("no assessment is under investigation or affected"),
        "{}",
        text(&o)
    );
    assert!(!poam.exists());
    let pm_data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../registry/tests/data/postmarket"
    );
    ok(run(
        &[
            "registry",
            "sbom-upload",
            &cert_id,
            &format!("{pm_data}/pump-sbom.cdx.json"),
        ],
        &maker,
    ));
    let mut a: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{pm_data}/assessment-uncontrolled.json")).unwrap(),
    )
    .unwrap();
    a["product"]["name"] = serde_json::json!("Acme Nimbus Pump");
    a["product"]["version"] = serde_json::json!("3.0.0");
    let a_file = tmp.path().join("assessment.json");
    std::fs::write(&a_file, a.to_string()).unwrap();
    ok(run(
        &[
            "registry",
            "assess",
            &cert_id,
            "CVE-2023-32681",
            "--file",
            s(&a_file),
        ],
        &maker,
    ));
    ok(run(
        &[
            "registry",
            "poam",
            &cert_id,
            "--as-of",
            "2025-03-15",
            "-o",
            s(&poam),
        ],
        &maker,
    ));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&poam).unwrap()).unwrap();
    let p = &v["plan-of-action-and-milestones"];
    assert_eq!(p["poam-items"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["risks"][0]["deadline"], "2025-03-31T00:00:00Z", "{p}");
    let o = run(&["oscal", "validate", s(&poam)], &maker);
    assert!(o.status.success(), "{}", text(&o));

    let list = ok(run(&["registry", "products"], &maker));
    assert!(
        list.contains(&product) && list.contains(&format!("certificate {cert_id}")),
        "{list}"
    );
    // The token may also be given as --token.
    let o = dtsec(&["registry", "--token", &lab, "products"], &[reg[0]]);
    assert!(o.status.success(), "{}", text(&o));
    let seen_with_flag = text(&o);

    // Download (public) and verify offline with the scheme key.
    let dl = tmp.path().join("dl");
    std::fs::create_dir(&dl).unwrap();
    let cert = dl.join("cert.json");
    let o = dtsec(&["registry", "certificate", &cert_id, "-o", s(&cert)], &reg);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read_dir(&dl).unwrap().count(),
        1,
        "no temporary file left"
    );
    let o = dtsec(
        &["verify", s(&cert), "--key", s(&data.join("scheme.pub"))],
        &[],
    );
    let v = text(&o);
    assert!(o.status.success(), "{v}");
    assert!(
        v.contains(&cert_id) && v.contains("Acme Nimbus Pump 3.0.0 by Test Devices"),
        "{v}"
    );

    // The premarket package offline from the certificate (issue 14): the scheme-signed
    // certificate names the ETR and the ST, so the sections the ETR backs are tagged as
    // verified by an approved lab without the lab's key; a certificate with another key, or
    // another ETR, is refused (exit 2).
    let scheme_pub = data.join("scheme.pub");
    let offline = tmp.path().join("premarket-offline");
    let o = dtsec(
        &[
            "premarket",
            s(&st),
            "--etr",
            s(&bundle_path),
            "--certificate",
            s(&cert),
            "--key",
            s(&scheme_pub),
            "-o",
            s(&offline),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&cert_id), "{}", text(&o));
    let html = std::fs::read_to_string(offline.join("index.html")).unwrap();
    assert!(
        html.contains("Provenance: verified by an approved lab"),
        "{html}"
    );
    let o = dtsec(
        &[
            "premarket",
            s(&st),
            "--etr",
            s(&bundle_path),
            "--certificate",
            s(&cert),
            "--key",
            s(&lab_pub),
            "-o",
            s(&offline),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("certificate signature"), "{}", text(&o));
    let other_etr = tmp.path().join("other.etr.json");
    let mut other: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle_path).unwrap()).unwrap();
    other["payload"]["sealed_at"] = serde_json::json!("2020-01-01T00:00:00Z");
    std::fs::write(&other_etr, other.to_string()).unwrap();
    let o = dtsec(
        &[
            "premarket",
            s(&st),
            "--etr",
            s(&other_etr),
            "--certificate",
            s(&cert),
            "--key",
            s(&scheme_pub),
            "-o",
            s(&offline),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // After certification: a minor change is filed, listed and extended.
    let ia = tmp.path().join("ia.json");
    std::fs::write(
        &ia,
        r#"{"new_version": "1.1", "build_ids": ["fw-1.1"], "changes": [{"description": "New alarm tones", "areas": ["user-interface"]}]}"#,
    )
    .unwrap();
    let o = run(&["registry", "impact-analysis", &cert_id, s(&ia)], &maker);
    assert!(
        text(&o).contains("filed: minor change to 1.1"),
        "{}",
        text(&o)
    );
    let analysis = ok(o);
    let pending = ok(run(&["registry", "maintenance"], &cb));
    assert!(
        pending.contains(&analysis) && pending.contains("minor"),
        "{pending}"
    );
    let out = ok(run(&["registry", "extend", &analysis], &cb));
    assert!(out.starts_with(&cert_id), "{out}");
    let o = run(&["registry", "impact-analysis", &cert_id, s(&cert)], &maker);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // A vulnerability fix: the evaluating lab reviews it, then the certifier extends.
    let fix = tmp.path().join("fix.json");
    std::fs::write(
        &fix,
        r#"{"new_version": "1.1.1", "changes": [{"description": "Replay window closed", "areas": ["tsf"], "fixes": ["CVE-2026-4242"]}], "touched_sfrs": ["FPT_RPL.1"]}"#,
    )
    .unwrap();
    let o = run(&["registry", "impact-analysis", &cert_id, s(&fix)], &maker);
    assert!(
        text(&o).contains("filed: vulnerability-fix change to 1.1.1 (lab-review)"),
        "{}",
        text(&o)
    );
    let fix_id = ok(o);
    let queue = ok(run(&["registry", "fix-review"], &lab));
    assert!(
        queue.contains(&fix_id) && queue.contains("CVE-2026-4242") && queue.contains("FPT_RPL.1"),
        "{queue}"
    );
    let out = ok(run(
        &[
            "registry",
            "fix-review",
            &fix_id,
            "--ava-van",
            "pass",
            "--regression",
            "pass",
            "--summary",
            "replayed the attack on 1.1.1",
        ],
        &lab,
    ));
    assert_eq!(out, format!("{fix_id}: fix-verified"));
    let out = ok(run(&["registry", "extend", &fix_id], &cb));
    assert!(out.starts_with(&cert_id), "{out}");

    // Status changes: a reason and a confirmation (--yes), or the client refuses (usage, 2).
    let o = run(&["registry", "status", &cert_id, "suspend"], &cb);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run(
        &[
            "registry",
            "status",
            &cert_id,
            "suspend",
            "--reason",
            "field recall",
        ],
        &cb,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--yes"), "{}", text(&o));
    let out = ok(run(
        &[
            "registry",
            "status",
            &cert_id,
            "suspend",
            "--reason",
            "field recall",
            "--yes",
        ],
        &cb,
    ));
    assert!(out.ends_with("suspended"), "{out}");
    let out = ok(run(
        &[
            "registry",
            "status",
            &cert_id,
            "reinstate",
            "--reason",
            "fixed",
            "--yes",
        ],
        &cb,
    ));
    assert!(!out.ends_with("suspended"), "{out}");
    let o = run(
        &[
            "registry", "status", &cert_id, "revoke", "--reason", "x", "--yes",
        ],
        &maker,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // Revocation is final: the registry's refusal says so.
    ok(run(
        &[
            "registry", "status", &cert_id, "revoke", "--reason", "fraud", "--yes",
        ],
        &cb,
    ));
    let o = run(
        &[
            "registry",
            "status",
            &cert_id,
            "reinstate",
            "--reason",
            "oops",
            "--yes",
        ],
        &cb,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("revocation is final"), "{}", text(&o));
    let o = run(&["registry", "archive"], &cb);
    assert!(o.status.success(), "{}", text(&o));

    // The lab approval lifecycle, by the scheme administrator.
    let out = ok(run(&["registry", "lab-suspend", "Test Lab"], &admin));
    assert_eq!(out, "Test Lab: suspended");
    let out = ok(run(
        &["registry", "lab-approve", &lab_org, "--until", "2099-12-31"],
        &admin,
    ));
    assert_eq!(out, "Test Lab: approved until 2099-12-31");
    let o = run(&["registry", "lab-withdraw", "Test Lab"], &lab);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // Withdrawn by the scheme, the lab applies again with its public profile; a contact that
    // is neither an e-mail address nor an https URL is the registry's refusal, exit 1.
    let out = ok(run(&["registry", "lab-withdraw", "Test Lab"], &admin));
    assert_eq!(out, "Test Lab: withdrawn");
    let mut apply = |contact: &str| {
        run(
            &[
                "registry",
                "lab-apply",
                &lab_org,
                "--location",
                "Delft, Netherlands",
                "--scope",
                "Insulin pumps; CC EAL2",
                "--accreditation",
                "ISO/IEC 17025 (fictional RvA L1)",
                "--contact",
                contact,
            ],
            &lab,
        )
    };
    let o = apply("http://lab.example.org");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("https"), "{}", text(&o));
    let out = ok(apply("https://lab.example.org/contact"));
    assert_eq!(out, "Test Lab: applied");

    // An unknown certificate: the registry's 404, exit 1, and no file.
    let missing = dl.join("missing.json");
    let o = dtsec(
        &[
            "registry",
            "certificate",
            "DTSEC-0000-0000",
            "-o",
            s(&missing),
        ],
        &reg,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not found"), "{}", text(&o));
    assert!(!missing.exists());

    // The printed certificate links to the configured public URL.
    let (status, page) = http_get(port, &format!("/certificates/{cert_id}/print")).expect("page");
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        page.contains(&format!("{PUBLIC_URL}/devices/{cert_id}")),
        "{page}"
    );
    let (status, _) = http_get(port, &format!("/devices/{cert_id}/st")).expect("st page");
    assert!(status.contains(" 200 "), "{status}");

    for t in &tokens {
        assert!(
            !seen.contains(t.as_str()) && !seen_with_flag.contains(t.as_str()),
            "a token was printed"
        );
    }
    drop(server);
}
