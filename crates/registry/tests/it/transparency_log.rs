//! Issue 6: the `decision_log` outbox is published into the transparency log in `DATA_DIR/log/`.
//! Anyone holding the log's public key can audit the directory; every decision is in it, in
//! order; reopening the store (also after a crash between appending and recording) publishes
//! nothing twice.

use crate::common;

use dtsec_registry::transparency::{CertificateBundle, Decision, LabEntry};
use dtsec_registry::{DEFAULT_LOG_ORIGIN, LOG_VKEY_FILE, StatusRequest, Store};
use dtsec_tlog::tile::parse_bundle;
use dtsec_tlog::{Checkpoint, DirSource, TileSource, Verifier, audit, layout};

/// Every entry of the log directory, read from its entry bundles (after `audit` checked them).
/// The log holds exactly `decisions`, in order.
fn assert_logged(db: &common::TestDb, verifier: &Verifier, decisions: &[String]) {
    assert_eq!(
        log_entries(&db.store, verifier),
        decisions,
        "{}",
        db.backend
    );
}

fn log_entries(store: &Store, verifier: &Verifier) -> Vec<String> {
    let source = DirSource::new(store.log_dir());
    let report = audit(&source, verifier).expect("the log audits");
    let mut out = Vec::new();
    for bundle in layout::bundles(report.checkpoint.size) {
        let data = source.read(&bundle.path()).expect("bundle readable");
        for e in parse_bundle(&data).expect("bundle parses") {
            out.push(String::from_utf8(e.to_vec()).expect("entries are UTF-8 JSON"));
        }
    }
    assert_eq!(out.len() as u64, report.checkpoint.size);
    out
}

async fn verifier_of(store: &Store) -> Verifier {
    let vkey = store.log_vkey().expect("the store publishes the log");
    let published = std::fs::read_to_string(store.config().data_dir.join(LOG_VKEY_FILE)).unwrap();
    assert_eq!(published.trim(), vkey, "log.pub holds the verifier key");
    let verifier = Verifier::from_vkey(&vkey).unwrap();
    let signed = store.log_checkpoint().await.unwrap();
    let checkpoint = Checkpoint::open(&signed, &verifier).expect("the checkpoint verifies");
    assert_eq!(checkpoint.origin, DEFAULT_LOG_ORIGIN);
    verifier
}

/// Swaps `db.store` for a reopened store on the same data directory and database, closing the
/// old one first (its log lock is released when it is dropped). `log` says whether the new
/// store publishes.
async fn reopen(db: &mut common::TestDb, log: bool) {
    let mut cfg = db.store.config().clone();
    let mut plain = cfg.clone();
    plain.log_origin = None;
    let placeholder = Store::open(plain).await.unwrap();
    let old = std::mem::replace(&mut db.store, placeholder);
    old.close().await;
    drop(old);
    if !log {
        return;
    }
    cfg.log_origin = Some(DEFAULT_LOG_ORIGIN.into());
    let fresh = Store::open(cfg).await.unwrap();
    let placeholder = std::mem::replace(&mut db.store, fresh);
    placeholder.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_decisions_are_in_the_audited_log_in_order() {
    for mut db in common::backends().await {
        dtsec_registry::demo::load(&db.store).await.unwrap();
        let decisions = db.store.decision_entries().await.unwrap();
        assert!(decisions.len() > 5, "{}: {decisions:?}", db.backend);
        let verifier = verifier_of(&db.store).await;
        assert_logged(&db, &verifier, &decisions);
        let indexed = db.store.count_rows("decision_log_index").await.unwrap();
        assert_eq!(indexed as usize, decisions.len());

        // Reopening publishes nothing twice.
        reopen(&mut db, true).await;
        assert_logged(&db, &verifier, &decisions);
        assert_eq!(
            db.store.publish_log().await.unwrap(),
            decisions.len() as u64
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_after_crash_is_idempotent() {
    for mut db in common::backends().await {
        let w = common::world(&db.store).await;
        let (_, cid) = common::certified_pump(&db.store, &w).await;
        let verifier = verifier_of(&db.store).await;
        let first = db.store.log_checkpoint().await.unwrap();

        // A decision committed by a process without the log (or one that died before
        // publishing): it waits in the outbox.
        reopen(&mut db, false).await;
        db.store
            .change_certificate_status(&w.certifier, &cid, StatusRequest::Suspend, "test")
            .await
            .unwrap();
        assert_eq!(
            log_entries(&db.store, &verifier).len() + 1,
            db.store.decision_entries().await.unwrap().len()
        );
        // A crash after appending but before recording the indices: forget the last ones.
        sqlx::query("DELETE FROM decision_log_index WHERE log_index > 0")
            .execute(db.store.pool())
            .await
            .unwrap();

        // Reopening catches up: every decision once, in order, and the log only grew.
        reopen(&mut db, true).await;
        let decisions = db.store.decision_entries().await.unwrap();
        assert_logged(&db, &verifier, &decisions);
        assert_eq!(
            db.store.count_rows("decision_log_index").await.unwrap() as usize,
            decisions.len()
        );
        let old = Checkpoint::open(&first, &verifier).unwrap();
        let new = Checkpoint::open(&db.store.log_checkpoint().await.unwrap(), &verifier).unwrap();
        assert!(new.size > old.size);

        // A later decision is published at once.
        db.store
            .change_certificate_status(
                &w.certifier,
                &cid,
                StatusRequest::Reinstate,
                "the review found no problem",
            )
            .await
            .unwrap();
        let decisions = db.store.decision_entries().await.unwrap();
        assert_eq!(log_entries(&db.store, &verifier), decisions);
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_log_is_refused() {
    for mut db in common::backends().await {
        let w = common::world(&db.store).await;
        common::certified_pump(&db.store, &w).await;
        reopen(&mut db, false).await;
        // Replace the log with an empty directory behind the registry's back.
        let dir = db.store.log_dir();
        std::fs::remove_dir_all(&dir).unwrap();
        let cfg = db.store.config().clone();
        let mut with_log = cfg.clone();
        with_log.log_origin = Some(DEFAULT_LOG_ORIGIN.into());
        let err = Store::open(with_log).await.unwrap_err().to_string();
        assert!(err.contains("rolled back"), "{}: {err}", db.backend);
        db.finish().await;
    }
}

/// A decision log that refuses every entry: a change that cannot be logged must not happen.
struct RefusingLog;

impl dtsec_registry::DecisionLog for RefusingLog {
    fn append<'a>(
        &'a self,
        _tx: &'a mut sqlx::AnyConnection,
        _entry: &'a [u8],
    ) -> dtsec_registry::BoxFuture<'a, dtsec_registry::Result<()>> {
        Box::pin(async { Err(dtsec_registry::RegistryError::Log("refused".into())) })
    }
}

fn lab_entries(decisions: &[String], org: &str) -> Vec<LabEntry> {
    decisions
        .iter()
        .filter_map(|d| match Decision::parse(d.as_bytes()) {
            Ok(Decision::Lab(l)) if l.lab_org == org => Some(l),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_approval_changes_are_log_entries_in_the_same_transaction() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let verifier = verifier_of(s).await;
        let org = &w.lab_a.org;
        let kinds = |v: &[LabEntry]| v.iter().map(|l| l.kind.clone()).collect::<Vec<_>>();
        let logged = lab_entries(&log_entries(s, &verifier), org);
        assert_eq!(
            kinds(&logged),
            ["lab-applied", "lab-key-registered", "lab-approved"],
            "{}",
            db.backend
        );
        let key_id = w.lab_a.key().verifying_key().key_id();
        assert_eq!(logged[1].key_id.as_deref(), Some(key_id.as_str()));
        assert_eq!(logged[2].state, "approved");
        assert_eq!(
            logged[2].approved_until.as_deref(),
            Some(common::start_date().add_days(365).to_string().as_str())
        );

        // Suspend, reinstate, withdraw, re-apply: one entry each, published at once, in order.
        s.suspend_lab(&w.admin, org).await.unwrap();
        s.approve_lab(&w.admin, org, common::start_date().add_days(30))
            .await
            .unwrap();
        s.withdraw_lab(&w.admin, org).await.unwrap();
        s.apply_for_lab_approval(
            &w.lab_a.evaluator,
            org,
            &dtsec_registry::demo::example_lab_profile(),
        )
        .await
        .unwrap();
        let logged = lab_entries(&log_entries(s, &verifier), org);
        let states: Vec<&str> = logged[3..].iter().map(|l| l.state.as_str()).collect();
        assert_eq!(
            kinds(&logged[3..]),
            [
                "lab-suspended",
                "lab-approved",
                "lab-withdrawn",
                "lab-applied"
            ]
        );
        assert_eq!(states, ["suspended", "approved", "withdrawn", "applied"]);
        assert_eq!(logged[5].approved_until, None);
        assert_eq!(
            log_entries(s, &verifier),
            s.decision_entries().await.unwrap()
        );

        // A refused step logs nothing.
        let before = s.count_rows("decision_log").await.unwrap();
        assert!(s.suspend_lab(&w.admin, org).await.is_err());
        assert_eq!(s.count_rows("decision_log").await.unwrap(), before);
        // Registering the key already registered changes nothing, so logs nothing.
        let pem = w.lab_a.key().verifying_key().to_public_pem();
        let audited = s.count_rows("audit").await.unwrap();
        s.register_lab_key(&w.lab_a.evaluator, org, &pem)
            .await
            .unwrap();
        assert_eq!(s.count_rows("decision_log").await.unwrap(), before);
        assert_eq!(s.count_rows("audit").await.unwrap(), audited);

        // Same transaction: when the entry cannot be written, the change does not happen.
        let refusing = s
            .clone()
            .with_decision_log(std::sync::Arc::new(RefusingLog));
        let lab_b = &w.lab_b.org;
        assert!(refusing.suspend_lab(&w.admin, lab_b).await.is_err());
        assert_eq!(
            s.lab(lab_b).await.unwrap().state.as_str(),
            "approved",
            "{}",
            db.backend
        );
        assert_eq!(s.count_rows("decision_log").await.unwrap(), before);
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_proofs_and_bundles_verify_offline() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        let verifier = verifier_of(s).await;
        let first = Checkpoint::open(&s.log_checkpoint().await.unwrap(), &verifier).unwrap();
        s.change_certificate_status(&w.certifier, &cid, StatusRequest::Suspend, "test")
            .await
            .unwrap();

        // The current revision's entry, provably in the latest checkpoint.
        let proof = s.certificate_proof(&cid, None).await.unwrap();
        assert_eq!(proof.revision, 2);
        let tlog = proof.to_tlog_proof().unwrap();
        let checkpoint = tlog.verify(proof.entry.as_bytes(), &verifier).unwrap();
        assert_eq!(checkpoint.size, proof.tree_size);
        let Decision::Certificate(entry) = Decision::parse(proof.entry.as_bytes()).unwrap() else {
            panic!("not a certificate entry: {}", proof.entry);
        };
        assert_eq!((entry.status.as_str(), entry.revision), ("suspended", 2));
        // The first revision too.
        let old = s.certificate_proof(&cid, Some(1)).await.unwrap();
        assert!(old.log_index < proof.log_index);
        assert!(old.entry.contains("\"status\":\"active\""));
        assert!(s.certificate_proof(&cid, Some(3)).await.is_err());
        assert!(s.certificate_proof("DTSEC-%", None).await.is_err());

        // Consistency from the earlier checkpoint to now.
        let c = s.log_consistency(first.size, None).await.unwrap();
        let hashes: Vec<dtsec_tlog::Hash> = c
            .proof
            .iter()
            .map(|h| dtsec_tlog::Hash::from_base64(h).unwrap())
            .collect();
        let latest = Checkpoint::open(c.checkpoint.as_bytes(), &verifier).unwrap();
        dtsec_tlog::verify_consistency(&first, &latest, &hashes).unwrap();
        assert!(
            s.log_consistency(latest.size, Some(first.size))
                .await
                .is_err()
        );
        assert!(s.log_consistency(0, Some(latest.size + 1)).await.is_err());

        // The offline bundle verifies with the two public keys only.
        let bundle = s.certificate_bundle(&cid).await.unwrap();
        let text = bundle.to_json_pretty();
        assert!(CertificateBundle::is_bundle(&text));
        let read = CertificateBundle::from_json(&text).unwrap();
        let verified = read.verify(&s.scheme_public_key(), &verifier).unwrap();
        assert_eq!(verified.certificate.status, "suspended");
        assert_eq!(verified.log_index, proof.log_index);

        // An entry for another revision does not match the certificate.
        let mut wrong = read.clone();
        wrong.log_entry = old.entry.clone();
        let err = wrong
            .verify(&s.scheme_public_key(), &verifier)
            .unwrap_err()
            .to_string();
        assert!(err.contains("revision"), "{err}");
        // A matching-looking entry that is not the logged one fails the inclusion proof.
        let mut forged = read.clone();
        forged.log_entry = forged
            .log_entry
            .replace("\"reason\":\"test\"", "\"reason\":\"x\"");
        assert_ne!(forged.log_entry, read.log_entry);
        let err = forged
            .verify(&s.scheme_public_key(), &verifier)
            .unwrap_err()
            .to_string();
        assert!(err.contains("root"), "{err}");
        // Another log's key is refused.
        let other = dtsec_tlog::Signer::new(DEFAULT_LOG_ORIGIN, &[3; 32])
            .unwrap()
            .verifier();
        assert!(read.verify(&s.scheme_public_key(), &other).is_err());
        // Not a bundle at all.
        assert!(CertificateBundle::from_json("{\"kind\":\"x\"}").is_err());
        db.finish().await;
    }
}

/// Runs SQL behind the store's back, as someone with the database's credentials could.
async fn tamper(store: &Store, statements: &[String]) {
    for s in statements {
        sqlx::query(s)
            .execute(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

/// `publish_log` counts what is published from the last index (one read, not a count of the
/// whole table), so the start-up check holds the indices to 0, 1, 2 … without gaps: a removed
/// one is refused, not skipped.
#[tokio::test]
async fn a_gap_in_the_published_indices_is_refused_at_open() {
    for mut db in common::backends().await {
        let w = common::world(&db.store).await;
        common::certified_pump(&db.store, &w).await;
        reopen(&mut db, true).await;
        let published = db.store.count_rows("decision_log_index").await.unwrap();
        assert!(published > 3, "{}: {published}", db.backend);
        tamper(
            &db.store,
            &["DELETE FROM decision_log_index WHERE log_index = 1".to_string()],
        )
        .await;
        let mut cfg = db.store.config().clone();
        cfg.log_origin = Some(DEFAULT_LOG_ORIGIN.into());
        reopen(&mut db, false).await;
        let err = Store::open(cfg).await.unwrap_err().to_string();
        assert!(
            err.contains("as log entry 2, where entry 1 was due"),
            "{}: {err}",
            db.backend
        );
        db.finish().await;
    }
}

/// Issue 12: the start-up check compares the published log's content with the rows, not only
/// their counts — a certificate row or a decision row rewritten in place is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_rewritten_in_place_are_refused_at_open() {
    for mut db in common::backends().await {
        let w = common::world(&db.store).await;
        let (_, cert) = common::certified_pump(&db.store, &w).await;
        reopen(&mut db, true).await;
        // A certificate row edited: same counts, another status.
        tamper(
            &db.store,
            &[format!(
                "UPDATE certificates SET status = 'revoked' WHERE certificate_id = '{cert}'"
            )],
        )
        .await;
        let mut cfg = db.store.config().clone();
        cfg.log_origin = Some(DEFAULT_LOG_ORIGIN.into());
        reopen(&mut db, false).await;
        let err = Store::open(cfg.clone()).await.unwrap_err().to_string();
        assert!(
            err.contains(&format!("certificate {cert}")) && err.contains("altered"),
            "{}: {err}",
            db.backend
        );
        tamper(
            &db.store,
            &[format!(
                "UPDATE certificates SET status = 'active' WHERE certificate_id = '{cert}'"
            )],
        )
        .await;
        Store::open(cfg.clone())
            .await
            .expect("the repaired row opens")
            .close()
            .await;
        // A published decision row rewritten, its guard lifted first.
        let guard = if db.backend == "postgres" {
            vec!["DROP TRIGGER decision_log_no_change ON decision_log".to_string()]
        } else {
            vec![
                "DROP TRIGGER decision_log_no_update".to_string(),
                "DROP TRIGGER decision_log_no_delete".to_string(),
            ]
        };
        tamper(&db.store, &guard).await;
        tamper(
            &db.store,
            &[
                "UPDATE decision_log SET entry = replace(entry, '\"at\":\"', '\"at\":\"1') \
               WHERE seq = (SELECT MIN(seq) FROM decision_log)"
                    .to_string(),
            ],
        )
        .await;
        let err = Store::open(cfg).await.unwrap_err().to_string();
        assert!(
            err.contains("differs from log entry 0"),
            "{}: {err}",
            db.backend
        );
        db.finish().await;
    }
}

/// Issue 16: a proof finds its entry through `decision_subject`; decisions recorded before that
/// table existed (here: its rows removed) get their subjects back at the next open, so no
/// certificate loses its proof.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decision_subjects_are_backfilled_at_open() {
    for mut db in common::backends().await {
        reopen(&mut db, true).await;
        let w = common::world(&db.store).await;
        let (_, cert) = common::certified_pump(&db.store, &w).await;
        let before = db.store.certificate_proof(&cert, None).await.unwrap();
        tamper(&db.store, &["DELETE FROM decision_subject".to_string()]).await;
        assert!(
            db.store.certificate_proof(&cert, None).await.is_err(),
            "{}: without its subject row the entry is not found by index",
            db.backend
        );
        reopen(&mut db, true).await;
        let after = db.store.certificate_proof(&cert, None).await.unwrap();
        assert_eq!(after.log_index, before.log_index, "{}", db.backend);
        assert_eq!(after.entry, before.entry, "{}", db.backend);
        let subjects = db.store.count_rows("decision_subject").await.unwrap();
        let decisions = db.store.count_rows("decision_log").await.unwrap();
        assert_eq!(subjects, decisions, "{}", db.backend);
        db.finish().await;
    }
}
