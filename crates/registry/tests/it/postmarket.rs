//! Issue 13, postmarket: an SBOM bound to a certificate, an advisory sync, the match, the
//! manufacturer's assessment, the certification body's queue and its decision, whose log entry
//! names the assessment's hash (checked offline against the log directory).

use crate::common;

use dtsec_advisories::import::Entry;
use dtsec_registry::transparency::Decision;
use dtsec_registry::{RegistryError, Store};
use dtsec_tlog::tile::parse_bundle;
use dtsec_tlog::{DirSource, TileSource, Verifier, audit, layout};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/postmarket");

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{name}")).unwrap()
}

fn advisories() -> Vec<Entry> {
    ["PYSEC-2023-74.json", "x_DTSEC-TEST-0001.json"]
        .into_iter()
        .map(|f| Entry::File(f.into(), data(&format!("advisories/{f}"))))
        .collect()
}

fn assessment() -> dtsec_vex::Assessment {
    serde_json::from_slice(&data("assessment-uncontrolled.json")).unwrap()
}

/// Every entry in the log directory, after `audit` verified the checkpoint and tiles.
fn log_entries(store: &Store) -> Vec<Vec<u8>> {
    let verifier = Verifier::from_vkey(&store.log_vkey().unwrap()).unwrap();
    let source = DirSource::new(store.log_dir());
    let report = audit(&source, &verifier).expect("the log audits");
    let mut out = Vec::new();
    for bundle in layout::bundles(report.checkpoint.size) {
        let data = source.read(&bundle.path()).unwrap();
        out.extend(parse_bundle(&data).unwrap().into_iter().map(|e| e.to_vec()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sbom_match_assessment_queue_and_logged_decision() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        let sbom = data("pump-sbom.cdx.json");

        // Only the certificate's manufacturer uploads; the same bytes twice are one SBOM.
        assert!(matches!(
            s.upload_sbom(&w.maker_b.user, &cid, &sbom).await,
            Err(RegistryError::Forbidden(_))
        ));
        let (rec, created) = s.upload_sbom(&w.maker_a.user, &cid, &sbom).await.unwrap();
        assert!(created);
        assert_eq!((rec.revision, rec.components), (1, 2));
        let (again, created) = s.upload_sbom(&w.maker_a.user, &cid, &sbom).await.unwrap();
        assert!(!created);
        assert_eq!(again.sha256, rec.sha256);
        assert!(matches!(
            s.upload_sbom(&w.maker_a.user, &cid, b"{\"bomFormat\":1}")
                .await,
            Err(RegistryError::Validation(_))
        ));

        // The certification body syncs; the manufacturer may not.
        assert!(
            s.sync_advisories(&w.maker_a.user, advisories())
                .await
                .is_err()
        );
        let sync = s.sync_advisories(&w.certifier, advisories()).await.unwrap();
        assert_eq!(
            (sync.records, sync.new, sync.matches),
            (2, true, 1),
            "{}: {:?}",
            db.backend,
            sync.rejected
        );

        // The match, as of that snapshot: requests 2.30.0 is in PYSEC-2023-74's range, urllib3
        // 2.0.7 is past x_DTSEC-TEST-0001.s fix.
        let matches = s.certificate_matches(&w.maker_a.user, &cid).await.unwrap();
        assert_eq!(matches.len(), 1);
        let m = &matches[0];
        assert_eq!(
            (
                m.advisory_id.as_str(),
                m.group_key.as_str(),
                m.verdict.as_str()
            ),
            ("PYSEC-2023-74", "CVE-2023-32681", "affected")
        );
        assert_eq!(m.snapshot_id, sync.snapshot_id);
        assert!(!m.assessed);
        assert!(s.certificate_matches(&w.maker_b.user, &cid).await.is_err());
        // Not overdue yet: the queue is empty on the day of the match.
        assert!(s.postmarket_queue(&w.certifier).await.unwrap().is_empty());
        assert!(s.public_assessments(&cid).await.unwrap().is_empty());

        // An assessment of another version is refused; the right one is stored with its hash.
        let mut wrong = assessment();
        wrong.product.version = "9.9".into();
        assert!(matches!(
            s.record_assessment(&w.maker_a.user, &cid, wrong).await,
            Err(RegistryError::Validation(m)) if m.contains("/product")
        ));
        let a = s
            .record_assessment(&w.maker_a.user, &cid, assessment())
            .await
            .unwrap();
        assert!(a.hash.starts_with("sha256:"));
        assert!(s.certificate_matches(&w.maker_a.user, &cid).await.unwrap()[0].assessed);
        assert_eq!(s.public_assessments(&cid).await.unwrap().len(), 1);

        // Uncontrolled risk on an active certificate: the queue proposes a review.
        assert!(s.postmarket_queue(&w.maker_a.user).await.is_err());
        let queue = s.postmarket_queue(&w.certifier).await.unwrap();
        assert_eq!(queue.len(), 1, "{queue:?}");
        assert_eq!(
            (queue[0].kind.as_str(), queue[0].assessment_hash.as_deref()),
            ("open-review", Some(a.hash.as_str()))
        );
        assert!(matches!(
            s.act_on_proposal(&w.certifier, 1, "review", Some("sha256:00"))
                .await,
            Err(RegistryError::Conflict(_))
        ));
        assert!(
            s.act_on_proposal(&w.certifier, 2, "review", None)
                .await
                .is_err()
        );
        let (item, cert) = s
            .act_on_proposal(
                &w.certifier,
                1,
                "uncontrolled risk: CVE-2023-32681",
                Some(&a.hash),
            )
            .await
            .unwrap();
        assert_eq!(item.certificate_id, cid);
        assert_eq!(cert.status, "under-review");
        // The review is open: nothing more is proposed for it.
        assert!(s.postmarket_queue(&w.certifier).await.unwrap().is_empty());

        // Offline: the log directory verifies and its last entry is this decision, naming the
        // assessment's hash.
        let entries = log_entries(s);
        let Decision::Certificate(c) = Decision::parse(entries.last().unwrap()).unwrap() else {
            panic!("the last entry is a certificate decision");
        };
        assert_eq!(
            (
                c.certificate_id.as_str(),
                c.status.as_str(),
                c.assessment_sha256.as_deref()
            ),
            (cid.as_str(), "under-review", Some(a.hash.as_str()))
        );
        db.finish().await;
    }
}
