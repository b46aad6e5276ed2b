//! The advisory acceptance checks of the postmarket design notes (§10.4 import, §10.6
//! normalisation and unevaluable GIT-only advisories) on the shared OSV records, plus the ZIP
//! source's bounds and the database's round trip.

use dtsec_advisories::import::{self, Entry, ImportLimits};
use dtsec_advisories::{Database, Index, Verdict, match_sbom};
use dtsec_sbom::{Ingester, Limits};
use std::io::Write;

fn import_shared() -> Option<Database> {
    let dir = dtsec_testkit::shared("data/osv/records")?;
    let entries = import::read_source(&dir, &ImportLimits::default()).unwrap();
    Some(import::build(entries, "2026-12-06T00:00:00Z".into(), &mut |_, _| {}).unwrap())
}

#[test]
fn shared_records_load_13_reject_1_and_flag() {
    let Some(db) = import_shared() else {
        return;
    };
    let s = &db.snapshot;
    assert_eq!(s.count, 13);
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(s.rejected[0].file, "nointroduced-CVE-2023-41045.json");
    assert!(
        s.rejected[0].reason.contains("OSV schema"),
        "{}",
        s.rejected[0].reason
    );
    assert_eq!(s.withdrawn, ["GHSA-35c4-f3rq-f9g3"]);
    assert_eq!(s.malicious, ["MAL-2024-10238"]);
    assert_eq!(s.notes.len(), 1);
    assert_eq!(s.notes[0].file, "RHSA-2022_0216.json");
    assert_eq!(s.id.len(), 64);
    // The snapshot id depends on the records only: importing again gives the same id.
    assert_eq!(import_shared().unwrap().snapshot.id, s.id);
}

fn sbom(components: &str) -> dtsec_sbom::SbomDoc {
    let text = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{components}]}}"#
    );
    Ingester::new(Limits::default())
        .ingest(text.as_bytes())
        .unwrap()
        .0
}

#[test]
fn normalisation_enumerated_versions_and_git_only() {
    let Some(db) = import_shared() else {
        return;
    };
    let doc = sbom(
        r#"{"type":"library","bom-ref":"pas","name":"Products.PluggableAuthService","version":"2.6.0","purl":"pkg:pypi/Products.PluggableAuthService@2.6.0"},
           {"type":"library","bom-ref":"req","name":"requests","version":"2.30.0","purl":"pkg:pypi/requests@2.30.0"},
           {"type":"library","bom-ref":"req-new","name":"requests","version":"2.31.0","purl":"pkg:pypi/requests@2.31.0"},
           {"type":"library","bom-ref":"graylog","name":"graylog","version":"5.0.0",
            "externalReferences":[{"type":"vcs","url":"https://github.com/Graylog2/graylog2-server.git"}]},
           {"type":"library","bom-ref":"mal","name":"123bla","version":"0.0.1","purl":"pkg:pypi/123bla@0.0.1"},
           {"type":"library","bom-ref":"gin","name":"gin","version":"v1.5.0","purl":"pkg:golang/github.com/gin-gonic/gin@v1.5.0"},
           {"type":"library","bom-ref":"xwiki","name":"xwiki","version":"12.10.1","purl":"pkg:maven/org.xwiki.commons/xwiki-commons-core@12.10.1"},
           {"type":"library","bom-ref":"as","name":"activesupport","version":"4.2.1","purl":"pkg:gem/activesupport@4.2.1"},
           {"type":"library","bom-ref":"ossl","name":"openssl","version":"1.0.2p-r0","purl":"pkg:apk/alpine/openssl@1.0.2p-r0?distro=alpine-3.8"},
           {"type":"library","bom-ref":"ossl-nodistro","name":"openssl","version":"1.0.2p-r0","purl":"pkg:apk/alpine/openssl@1.0.2p-r0"},
           {"type":"library","bom-ref":"lfs","name":"git-lfs","version":"2.13.3-3.el8_6","purl":"pkg:rpm/redhat/git-lfs@2.13.3-3.el8_6?distro=rhel_aus:8.6::appstream"}"#,
    );
    let index = Index::build(&db);
    let r = match_sbom(&index, &doc);
    assert_eq!(r.snapshot, db.snapshot.id);
    let get = |cref: &str, id: &str| {
        r.matches
            .iter()
            .find(|m| m.component_ref == cref && m.advisory_id == id)
            .unwrap_or_else(|| panic!("no match {cref} {id}: {:#?}", r.matches))
    };
    assert!(matches!(
        get("pas", "GHSA-p44j-xrqg-4xrr").verdict,
        Verdict::Affected { .. }
    ));
    let Verdict::Affected { bases } = &get("req", "PYSEC-2023-74").verdict else {
        panic!("requests 2.30.0 is affected");
    };
    assert!(bases.contains(&"ecosystem-range".to_string()), "{bases:?}");
    assert!(
        bases.contains(&"enumerated-version".to_string()),
        "{bases:?}"
    );
    assert_eq!(get("req", "PYSEC-2023-74").group_key, "CVE-2023-32681");
    assert!(!r.matches.iter().any(|m| m.component_ref == "req-new"));
    let Verdict::Unevaluable { reason } = &get("graylog", "CVE-2023-41045").verdict else {
        panic!("GIT-only must be unevaluable");
    };
    assert!(reason.starts_with("GIT-only advisory"), "{reason}");
    assert_eq!(
        get("mal", "MAL-2024-10238").category,
        dtsec_advisories::matching::Category::MaliciousComponent
    );
    assert!(matches!(
        get("gin", "GO-2020-0001").verdict,
        Verdict::Affected { .. }
    ));
    assert!(matches!(
        get("xwiki", "GHSA-76mp-659p-rw65").verdict,
        Verdict::Affected { .. }
    ));
    // Withdrawn: no new match, counted.
    assert!(!r.matches.iter().any(|m| m.component_ref == "as"));
    assert_eq!(r.withdrawn_skipped, 1);
    assert!(matches!(
        get("ossl", "CVE-2018-5407").verdict,
        Verdict::Affected { .. }
    ));
    assert!(matches!(
        get("ossl-nodistro", "CVE-2018-5407").verdict,
        Verdict::Unevaluable { .. }
    ));
    assert!(matches!(
        get("lfs", "RHSA-2024:4546").verdict,
        Verdict::Affected { .. }
    ));
    assert_eq!(get("lfs", "RHSA-2024:4546").group_key, "CVE-2023-45288");
}

#[test]
fn database_round_trips_and_refuses_tampering() {
    let Some(db) = import_shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    db.save(dir.path()).unwrap();
    let back = Database::load(dir.path(), 1 << 30).unwrap();
    assert_eq!(back, db);
    let mut t = db.clone();
    t.records.pop();
    t.save(dir.path()).unwrap();
    assert!(Database::load(dir.path(), 1 << 30).is_err());
    assert!(Database::load(dir.path(), 10).is_err());
}

const RECORD: &str = r#"{"id":"GHSA-xxxx","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.0"}]}]}]}"#;

#[test]
fn zip_sources_are_bounded_and_paths_cannot_escape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("ok/GHSA-xxxx.json", opts).unwrap();
    z.write_all(RECORD.as_bytes()).unwrap();
    z.start_file("../escape.json", opts).unwrap();
    z.write_all(RECORD.as_bytes()).unwrap();
    z.start_file("big.json", opts).unwrap();
    z.write_all(&vec![b' '; 5000]).unwrap();
    z.start_file("dup.json", opts).unwrap();
    z.write_all(br#"{"id":"A","id":"B","modified":"x"}"#)
        .unwrap();
    z.start_file("README.md", opts).unwrap();
    z.write_all(b"not a record").unwrap();
    z.finish().unwrap();
    let limits = ImportLimits {
        max_record_bytes: 4096,
        ..ImportLimits::default()
    };
    let entries = import::read_source(&path, &limits).unwrap();
    assert_eq!(entries.len(), 4);
    let db = import::build(entries, String::new(), &mut |_, _| {}).unwrap();
    assert_eq!(db.snapshot.count, 1);
    let reasons: Vec<(&str, &str)> = db
        .snapshot
        .rejected
        .iter()
        .map(|r| (r.file.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|(f, r)| *f == "../escape.json" && r.contains("escapes"))
    );
    assert!(
        reasons
            .iter()
            .any(|(f, r)| *f == "big.json" && r.contains("limit"))
    );
    assert!(
        reasons
            .iter()
            .any(|(f, r)| *f == "dup.json" && r.contains("duplicate key"))
    );
    let few = ImportLimits {
        max_files: 2,
        ..ImportLimits::default()
    };
    assert!(import::read_source(&path, &few).is_err());
    // Not a ZIP and not a directory: a clear error.
    let bogus = dir.path().join("x.json");
    std::fs::write(&bogus, RECORD).unwrap();
    assert!(import::read_source(&bogus, &limits).is_err());
    // Build from entries directly gives the same snapshot as the ZIP.
    let direct = import::build(
        vec![Entry::File(
            "GHSA-xxxx.json".into(),
            RECORD.as_bytes().to_vec(),
        )],
        String::new(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(direct.snapshot.id, db.snapshot.id);
}
