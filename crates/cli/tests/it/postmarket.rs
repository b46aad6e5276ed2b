//! The offline postmarket commands end to end: `dtsec sbom check|show`, `dtsec advisories
//! import` and `dtsec match`, their formats and their exit statuses (0 clean, 1 matches, 2
//! unusable input naming the rule and position). Inline fixtures; the shared corpus where noted.

use crate::common::{report, run, s, text};
use std::io::Write as _;

const SBOM: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
  "metadata":{"component":{"type":"device","name":"pump","version":"2.1","bom-ref":"dev"}},
  "components":[
    {"type":"library","bom-ref":"req","name":"requests","version":"2.30.0","purl":"pkg:pypi/Requests@2.30.0"},
    {"type":"library","bom-ref":"fw","name":"ble-stack","version":"5.0",
     "externalReferences":[{"type":"vcs","url":"https://github.com/example/ble-stack"}]},
    {"type":"library","bom-ref":"ok","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0",
     "properties":[{"name":"dtsec:support-level","value":"actively-maintained"}]}]}"#;

const PYSEC: &str = r#"{"id":"PYSEC-X-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-0001"],
  "summary":"=HYPERLINK(\"x\"), a test record","affected":[{"package":{"ecosystem":"PyPI","name":"requests"},
  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.3.0"},{"fixed":"2.31.0"}]}]}]}"#;
const GIT_ONLY: &str = r#"{"id":"CVE-2099-0002","modified":"2024-01-01T00:00:00Z","affected":[{
  "ranges":[{"type":"GIT","repo":"https://github.com/example/ble-stack.git","events":[{"introduced":"0"},{"fixed":"466af814523cffae9fbc7e77bab7472988f03c3e"}]}]}]}"#;
const NPM: &str = r#"{"id":"GHSA-x","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},
  "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.0"}]}]}]}"#;
const INVALID: &str = r#"{"id":"OSV-BAD-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},
  "ranges":[{"type":"SEMVER","events":[{"fixed":"1.0.0"}]}]}]}"#;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sbom.json"), SBOM).unwrap();
        let recs = dir.path().join("records");
        std::fs::create_dir(&recs).unwrap();
        for (name, body) in [
            ("PYSEC-X-1.json", PYSEC),
            ("CVE-2099-0002.json", GIT_ONLY),
            ("GHSA-x.json", NPM),
            ("BAD-1.json", INVALID),
        ] {
            std::fs::write(recs.join(name), body).unwrap();
        }
        Fixture { dir }
    }
    fn path(&self, rel: &str) -> String {
        s(&self.dir.path().join(rel)).to_string()
    }
    fn import(&self) -> std::process::Output {
        run(&[
            "advisories",
            "import",
            &self.path("records"),
            "--into",
            &self.path("db"),
        ])
    }
}

#[test]
fn import_then_match_in_every_format() {
    let f = Fixture::new();
    let o = f.import();
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    let out = text(&o);
    assert!(out.contains("3 records imported"), "{out}");
    assert!(out.contains("1 rejected"), "{out}");
    assert!(
        out.contains("rejected: BAD-1.json: OSV schema: at /affected/0/ranges/0/events"),
        "{out}"
    );
    let snapshot = out
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':')
        .to_string();
    assert_eq!(snapshot.len(), 64);

    let m = run(&["match", &f.path("sbom.json"), "--advisories", &f.path("db")]);
    assert_eq!(m.status.code(), Some(1), "{}", report(&m));
    let t = text(&m);
    assert!(t.contains(&format!("as of snapshot {snapshot}")), "{t}");
    assert!(
        t.contains("1 affected, 1 unevaluable, 1 not affected"),
        "{t}"
    );
    assert!(
        t.contains("PYSEC-X-1") && t.contains("group CVE-2099-0001"),
        "{t}"
    );
    assert!(t.contains("unevaluable: GIT-only advisory"), "{t}");

    let j = run(&[
        "match",
        &f.path("sbom.json"),
        "--advisories",
        &f.path("db"),
        "--format",
        "json",
    ]);
    assert_eq!(j.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["as_of_snapshot"], snapshot.as_str());
    assert_eq!(v["report"]["matches"].as_array().unwrap().len(), 2);

    let sarif = run(&[
        "match",
        &f.path("sbom.json"),
        "--advisories",
        &f.path("db"),
        "--format",
        "sarif",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let levels: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["warning", "error"]);

    let csv = run(&[
        "match",
        &f.path("sbom.json"),
        "--advisories",
        &f.path("db"),
        "--format",
        "csv",
    ]);
    let c = text(&csv);
    assert!(c.starts_with("component_ref,"), "{c}");
    assert_eq!(c.lines().count(), 3, "{c}");
    assert!(
        c.contains(",affected,ecosystem-range,vulnerability,"),
        "{c}"
    );
}

#[test]
fn a_clean_sbom_exits_zero() {
    let f = Fixture::new();
    assert_eq!(f.import().status.code(), Some(0));
    let clean = SBOM.replace("2.30.0", "2.31.0").replace(
        "https://github.com/example/ble-stack",
        "https://example.org/other",
    );
    std::fs::write(f.dir.path().join("clean.json"), clean).unwrap();
    let m = run(&[
        "match",
        &f.path("clean.json"),
        "--advisories",
        &f.path("db"),
        "--format",
        "json",
    ]);
    assert_eq!(m.status.code(), Some(0), "{}", report(&m));
    let v: serde_json::Value = serde_json::from_slice(&m.stdout).unwrap();
    assert_eq!(v["ok"], true);
}

#[test]
fn sbom_check_and_show() {
    let f = Fixture::new();
    let o = run(&["sbom", "check", &f.path("sbom.json")]);
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    assert!(text(&o).contains("3 components"));
    assert!(text(&o).contains("2 without support data"));
    let show = run(&["sbom", "show", &f.path("sbom.json")]);
    let t = text(&show);
    assert!(t.contains("subject: pump 2.1"), "{t}");
    assert!(t.contains("pkg:pypi/requests@2.30.0"), "{t}");
    assert!(t.contains("support: actively-maintained"), "{t}");
    let j = run(&["sbom", "show", &f.path("sbom.json"), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["sbom"]["components"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_sboms_exit_2_with_rule_and_pointer() {
    let f = Fixture::new();
    let dangling = SBOM.replace(
        r#""version":1,"#,
        r#""version":1,"dependencies":[{"ref":"req","dependsOn":["nope"]}],"#,
    );
    std::fs::write(f.dir.path().join("bad.json"), dangling).unwrap();
    let o = run(&["sbom", "check", &f.path("bad.json")]);
    assert_eq!(o.status.code(), Some(2));
    let e = report(&o);
    assert!(
        e.contains("SBOM-DEP-REF") && e.contains("/dependencies/0/dependsOn/0"),
        "{e}"
    );
    let j = run(&["sbom", "check", &f.path("bad.json"), "--format", "json"]);
    assert_eq!(j.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"][0]["pointer"], "/dependencies/0/dependsOn/0");
    let sarif = run(&["sbom", "check", &f.path("bad.json"), "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "SBOM-DEP-REF");

    let mut dup = std::fs::File::create(f.dir.path().join("dup.json")).unwrap();
    dup.write_all(b"{\"bomFormat\":\"CycloneDX\",\n \"bomFormat\":\"CycloneDX\"}")
        .unwrap();
    let o = run(&["sbom", "check", &f.path("dup.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        report(&o).contains("[SBOM-DUPKEY] line 2"),
        "{}",
        report(&o)
    );
    // match refuses a bad SBOM and a missing database with 2 as well.
    assert_eq!(
        run(&["match", &f.path("bad.json"), "--advisories", &f.path("db")])
            .status
            .code(),
        Some(2)
    );
    let o = run(&[
        "match",
        &f.path("sbom.json"),
        "--advisories",
        &f.path("nowhere"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(report(&o).contains("advisories import"), "{}", report(&o));
    let o = run(&[
        "advisories",
        "import",
        &f.path("sbom.json"),
        "--into",
        &f.path("db2"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", report(&o));
}

#[test]
fn shared_corpus_through_the_cli() {
    let Some(data) = dtsec_testkit::shared("data") else {
        return;
    };
    let spdx3 = data.join("sbom/spdx/spdx3/example1.spdx3.json");
    let o = run(&["sbom", "check", s(&spdx3)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(report(&o).contains("SPDX 3 is not supported"));
    for entry in std::fs::read_dir(data.join("sbom/cyclonedx/invalid-1.6")).unwrap() {
        let p = entry.unwrap().path();
        let o = run(&["sbom", "check", s(&p), "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{}", p.display());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["rule"].as_str().unwrap().starts_with("SBOM-"), "{v}");
    }
    let db = tempfile::tempdir().unwrap();
    let o = run(&[
        "advisories",
        "import",
        s(&data.join("osv/records")),
        "--into",
        s(db.path()),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    let t = text(&o);
    assert!(
        t.contains("13 records imported")
            && t.contains("1 rejected")
            && t.contains("1 withdrawn")
            && t.contains("1 malicious-package")
            && t.contains("1 data-quality notes"),
        "{t}"
    );
}

/// An import that accepts no record must fail: a database with nothing in it would make every
/// later match come out clean. The old database stays, and the JSON output says `failed`.
#[test]
fn an_import_with_every_record_rejected_fails_and_keeps_the_old_database() {
    let f = Fixture::new();
    assert_eq!(f.import().status.code(), Some(0));
    let before = std::fs::read(f.dir.path().join("db/advisories.json")).unwrap();

    let bad = f.dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("BAD-1.json"), INVALID).unwrap();
    std::fs::write(bad.join("BAD-2.json"), "{not json").unwrap();
    let o = run(&[
        "advisories",
        "import",
        &f.path("bad"),
        "--into",
        &f.path("db"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", report(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("all 2 records in") && err.contains("were rejected"),
        "{err}"
    );
    assert!(text(&o).contains("rejected: BAD-2.json:"), "{}", text(&o));
    assert_eq!(
        std::fs::read(f.dir.path().join("db/advisories.json")).unwrap(),
        before,
        "a failed import must leave the database as it was"
    );

    let j = run(&[
        "advisories",
        "import",
        &f.path("bad"),
        "--into",
        &f.path("db"),
        "--format",
        "json",
    ]);
    assert_eq!(j.status.code(), Some(1), "{}", report(&j));
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["status"], "failed");
    assert_eq!(v["imported"], 0);
    assert_eq!(v["rejected"], 2);
    assert_eq!(v["snapshot"], serde_json::Value::Null);
    assert_eq!(v["rejections"].as_array().unwrap().len(), 2);
    assert_eq!(v["rejections"][0]["file"], "BAD-1.json");

    // No record at all is the same failure, with its own message.
    let empty = f.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let e = run(&[
        "advisories",
        "import",
        &f.path("empty"),
        "--into",
        &f.path("new-db"),
    ]);
    assert_eq!(e.status.code(), Some(1), "{}", report(&e));
    assert!(
        String::from_utf8_lossy(&e.stderr).contains("no OSV record found in"),
        "{}",
        report(&e)
    );
    assert!(!f.dir.path().join("new-db").exists());

    // A good import reports its counts as JSON with status `imported`.
    let g = run(&[
        "advisories",
        "import",
        &f.path("records"),
        "--into",
        &f.path("db"),
        "--format",
        "json",
    ]);
    assert_eq!(g.status.code(), Some(0), "{}", report(&g));
    let v: serde_json::Value = serde_json::from_slice(&g.stdout).unwrap();
    assert_eq!(v["status"], "imported");
    assert_eq!(v["imported"], 3);
    assert_eq!(v["rejected"], 1);
    assert_eq!(v["snapshot"].as_str().unwrap().len(), 64);
}
