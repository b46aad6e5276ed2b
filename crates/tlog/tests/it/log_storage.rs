//! The writer against its storage contract: appends, proofs, crash and fault behaviour with
//! the in-memory backend's named fault injectors, tampering detected on open and by audit
//! with a message naming what is wrong, and the file backend (reopen, lock, export).

use dtsec_tlog::storage::read_checkpoint;
use dtsec_tlog::{
    DirSource, Error, Fault, FileStorage, Log, MemoryStorage, Mismatch, ProofError, Signer,
    StorageError, TileReader, TileSource, audit, leaf_hash, verify_consistency, verify_inclusion,
};

fn signer() -> Signer {
    Signer::new("log.example/test", &[9; 32]).expect("signer")
}

fn entries(from: u64, n: u64) -> Vec<Vec<u8>> {
    (from..from + n)
        .map(|i| format!("entry {i}").into_bytes())
        .collect()
}

fn log_with(storage: MemoryStorage, batches: &[u64]) -> Log<MemoryStorage> {
    let mut log = Log::create(storage, signer()).expect("create");
    let mut next = 0;
    for &n in batches {
        let idx = log.append_batch(&entries(next, n)).expect("append");
        assert_eq!(idx, (next..next + n).collect::<Vec<_>>());
        next += n;
    }
    log
}

#[test]
fn appends_publish_checkpoints_with_valid_proofs() {
    let storage = MemoryStorage::new();
    let mut log = log_with(storage.clone(), &[1, 99, 200, 300, 1]);
    assert_eq!(log.size(), 601);
    let old = log.checkpoint().clone();
    log.append_batch(&entries(601, 40)).expect("append");
    let new = log.checkpoint().clone();
    for i in [0, 255, 256, 600, 640] {
        let p = log.inclusion_proof(i, new.size).expect("proof");
        verify_inclusion(format!("entry {i}").as_bytes(), i, &p, &new).expect("inclusion");
        assert_eq!(log.entry(i).ok(), Some(format!("entry {i}").into_bytes()));
    }
    let c = log.consistency_proof(old.size, new.size).expect("proof");
    verify_consistency(&old, &new, &c).expect("consistency");
    // A rollback (old presented as new) is refused.
    assert!(matches!(
        verify_consistency(&new, &old, &c),
        Err(ProofError::SizeDecreases { .. })
    ));
    // A client computes the same proofs from the stored tiles.
    let reader = TileReader::new(&storage, new.size);
    assert_eq!(
        reader.inclusion_proof(300).ok(),
        log.inclusion_proof(300, new.size).ok()
    );
    assert_eq!(reader.consistency_proof(old.size).ok(), Some(c));
    assert_eq!(log.append_batch::<&[u8]>(&[]).ok(), Some(vec![]));
    assert!(matches!(
        log.append_batch(&[vec![0u8; 65_536]]),
        Err(Error::EntryTooLarge {
            position: 0,
            len: 65_536
        })
    ));
    let report = audit(&storage, log.verifier()).expect("audit");
    assert_eq!(report.checkpoint.size, 641);
    let reopened = Log::open(storage, signer()).expect("reopen");
    assert_eq!(reopened.checkpoint(), log.checkpoint());
}

#[test]
fn offline_tlog_proof_verifies_and_detects_a_changed_entry() {
    let log = log_with(MemoryStorage::new(), &[10]);
    let proof = log.tlog_proof(7).expect("proof");
    let parsed = dtsec_tlog::TlogProof::parse(proof.to_text().as_bytes()).expect("parse");
    assert_eq!(parsed, proof);
    parsed.verify(b"entry 7", log.verifier()).expect("verifies");
    let err = parsed
        .verify(b"entry 8", log.verifier())
        .expect_err("other entry");
    assert!(err.to_string().contains("the proof leads to root"), "{err}");
}

/// After any failed append, the stored log still opens, says the old size, and accepts the
/// same batch again.
fn assert_recovers(storage: &MemoryStorage, size: u64) {
    storage.heal();
    let mut log = Log::open(storage.clone(), signer()).expect("reopen after the fault");
    assert_eq!(log.size(), size);
    log.append_batch(&entries(size, 300))
        .expect("append after recovery");
    audit(storage, log.verifier()).expect("audit after recovery");
}

#[test]
fn fail_after_n_writes_leaves_the_old_checkpoint() {
    for n in 0..4 {
        let storage = MemoryStorage::new();
        let mut log = log_with(storage.clone(), &[300]);
        storage.inject(Fault::FailAfterNWrites(n));
        let err = log.append_batch(&entries(300, 300)).expect_err("injected");
        assert!(
            matches!(err, Error::Storage(StorageError::Injected { .. })),
            "{err}"
        );
        assert_eq!(log.size(), 300);
        // The handle is still usable once the backend recovers.
        storage.heal();
        log.append_batch(&entries(300, 300)).expect("retry");
        assert_recovers(&storage, 600);
    }
}

#[test]
fn torn_tile_write_is_never_published() {
    for n in 0..4 {
        let storage = MemoryStorage::new();
        let mut log = log_with(storage.clone(), &[300]);
        storage.inject(Fault::TornTileWrite(n));
        assert!(log.append_batch(&entries(300, 300)).is_err());
        drop(log);
        assert_recovers(&storage, 300);
    }
}

#[test]
fn crash_before_checkpoint_and_lost_acknowledgement() {
    let storage = MemoryStorage::new();
    let mut log = log_with(storage.clone(), &[5]);
    storage.inject(Fault::CrashBeforeCheckpoint);
    assert!(log.append_batch(&entries(5, 5)).is_err());
    assert!(matches!(
        log.append_batch(&entries(5, 5)),
        Err(Error::Poisoned)
    ));
    drop(log);
    assert_recovers(&storage, 5);

    // The swap happened but the writer was not told: reopening finds the new checkpoint,
    // consistent with the old one.
    let storage = MemoryStorage::new();
    let mut log = log_with(storage.clone(), &[5]);
    let old = log.checkpoint().clone();
    storage.inject(Fault::LostCheckpointAck);
    assert!(log.append_batch(&entries(5, 5)).is_err());
    drop(log);
    storage.heal();
    let log = Log::open(storage.clone(), signer()).expect("reopen");
    assert_eq!(log.size(), 10);
    let c = log.consistency_proof(5, 10).expect("proof");
    verify_consistency(&old, log.checkpoint(), &c).expect("consistent");
}

#[test]
fn a_second_writer_is_detected_by_compare_and_swap() {
    let storage = MemoryStorage::new();
    let mut log = log_with(storage.clone(), &[5]);
    storage.inject(Fault::ConcurrentWriter);
    let err = log.append_batch(&entries(5, 1)).expect_err("conflict");
    assert!(
        matches!(err, Error::Storage(StorageError::Conflict)),
        "{err}"
    );
}

/// A change made behind the log's back.
type Tamper = fn(&MemoryStorage);

#[test]
fn tampering_is_refused_on_open_and_named_by_audit() {
    let cases: &[(&str, &str, Tamper)] = &[
        (
            "rewritten entry",
            "entry 17: tile/0/000 has leaf hash",
            |s| {
                // Entries 0-9 take 2 + 7 bytes, 10-16 take 2 + 8: entry 17 starts at byte 162.
                s.tamper("tile/entries/000", |b| b[162] ^= 0x20)
            },
        ),
        (
            "deleted entry bundle",
            "tile/entries/001.p/44 is required",
            |s| s.remove("tile/entries/001.p/44"),
        ),
        (
            "rewritten leaf hash",
            "entry 0: tile/0/000 has leaf hash",
            |s| s.tamper("tile/0/000", |b| b[0] ^= 1),
        ),
        ("rewritten level-1 tile", "tile/1/000.p/1 hash 0 is", |s| {
            s.tamper("tile/1/000.p/1", |b| b[5] ^= 1)
        }),
        ("truncated tile", "tile/0/001.p/44: malformed tile", |s| {
            s.tamper("tile/0/001.p/44", |b| b.truncate(32))
        }),
        (
            "forged checkpoint",
            "does not verify: the note was altered",
            |s| {
                s.tamper("checkpoint", |b| {
                    let t = String::from_utf8_lossy(b).replacen("\n300\n", "\n299\n", 1);
                    *b = t.into_bytes();
                })
            },
        ),
    ];
    for (what, message, tamper) in cases {
        let storage = MemoryStorage::new();
        let log = log_with(storage.clone(), &[300]);
        let verifier = log.verifier().clone();
        drop(log);
        tamper(&storage);
        let err = Log::open(storage.clone(), signer()).expect_err(what);
        assert!(err.to_string().contains(message), "{what}: {err}");
        let err = audit(&storage, &verifier).expect_err(what);
        assert!(err.to_string().contains(message), "{what}: {err}");
    }
}

#[test]
fn a_rolled_back_checkpoint_is_caught_by_consistency() {
    let storage = MemoryStorage::new();
    let mut log = log_with(storage.clone(), &[10]);
    let old_signed = log.signed_checkpoint().to_vec();
    log.append_batch(&entries(10, 10)).expect("append");
    let seen = log.checkpoint().clone();
    drop(log);
    storage.put_checkpoint(&old_signed);
    // The stored log is self-consistent at size 10 (a valid old state)...
    let log = Log::open(storage.clone(), signer()).expect("opens at the old size");
    // ...but a client that saw size 20 finds the log shrank.
    let err = verify_consistency(&seen, log.checkpoint(), &[]).expect_err("rollback");
    assert!(
        matches!(err, ProofError::SizeDecreases { old: 20, new: 10 }),
        "{err}"
    );
}

#[test]
fn create_refuses_existing_state_and_open_refuses_empty_storage() {
    let storage = MemoryStorage::new();
    assert!(matches!(
        Log::open(storage.clone(), signer()),
        Err(Error::NoCheckpoint)
    ));
    let log = log_with(storage.clone(), &[3]);
    drop(log);
    assert!(matches!(
        Log::create(storage.clone(), signer()),
        Err(Error::AlreadyExists(_))
    ));
    // Tiles without a checkpoint are not silently overwritten either.
    storage.remove("checkpoint");
    assert!(matches!(
        Log::create(storage.clone(), signer()),
        Err(Error::AlreadyExists(_))
    ));
    assert!(matches!(
        Log::open(storage, signer()),
        Err(Error::NoCheckpoint)
    ));
    // Another log's key cannot open it.
    let storage = MemoryStorage::new();
    drop(log_with(storage.clone(), &[3]));
    let other = Signer::new("log.example/other", &[9; 32]).expect("signer");
    assert!(Log::open(storage, other).is_err());
}

#[test]
fn file_backend_reopens_locks_and_refuses_tampering() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log");
    {
        let mut log =
            Log::create(FileStorage::open(&path).expect("open"), signer()).expect("create");
        for b in 0..5 {
            log.append_batch(&entries(b * 70, 70)).expect("append");
        }
        // A second writer is refused while the first holds the directory.
        assert!(matches!(
            FileStorage::open(&path),
            Err(StorageError::Locked { .. })
        ));
    }
    let mut log = Log::open(FileStorage::open(&path).expect("open"), signer()).expect("reopen");
    assert_eq!(log.size(), 350);
    log.append_batch(&entries(350, 10)).expect("append");
    let leaf = leaf_hash(b"entry 355");
    let reader = TileReader::new(DirSource::new(&path), 360);
    let p = reader.inclusion_proof(355).expect("proof from files");
    dtsec_tlog::proof::verify_inclusion(&leaf, 355, 360, &p, &log.checkpoint().root)
        .expect("verifies");
    let vkey = log.verifier().clone();
    drop(log);

    // Rewrite an entry on disk behind the log's back.
    let bundle = path.join("tile/entries/000");
    let mut bytes = std::fs::read(&bundle).expect("read");
    bytes[3] ^= 0x20;
    std::fs::write(&bundle, &bytes).expect("write");
    let err = Log::open(FileStorage::open(&path).expect("open"), signer()).expect_err("tampered");
    assert!(
        matches!(err, Error::Mismatch(Mismatch::LeafHash { index: 0, .. })),
        "{err}"
    );
    assert!(audit(&DirSource::new(&path), &vkey).is_err());
}

#[test]
fn export_writes_a_servable_tree_and_updates_it() {
    let storage = MemoryStorage::new();
    let mut log = log_with(storage, &[100, 200]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    log.export(&out).expect("export");
    let report = audit(&DirSource::new(&out), log.verifier()).expect("exported tree audits");
    assert_eq!(report.checkpoint.size, 300);
    log.append_batch(&entries(300, 20)).expect("append");
    log.export(&out).expect("incremental export");
    let source = DirSource::new(&out);
    assert_eq!(
        audit(&source, log.verifier())
            .map(|r| r.checkpoint.size)
            .ok(),
        Some(320)
    );
    assert_eq!(
        read_checkpoint(&source).ok().flatten().as_deref(),
        Some(log.signed_checkpoint())
    );
    // No temporary files are left behind.
    let mut stack = vec![out.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with('.'), "stray {name}");
            if e.path().is_dir() {
                stack.push(e.path());
            }
        }
    }
    // Another log's export directory is refused.
    let other = Log::create(
        MemoryStorage::new(),
        Signer::new("log.example/other", &[1; 32]).expect("s"),
    )
    .expect("create");
    assert!(matches!(other.export(&out), Err(Error::AlreadyExists(_))));
    assert!(source.read("tile/0/001.p/64").is_ok());
}

#[test]
fn temporary_files_of_a_killed_writer_are_removed_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log");
    {
        let mut log =
            Log::create(FileStorage::open(&path).expect("open"), signer()).expect("create");
        log.append_batch(&entries(0, 3)).expect("append");
    }
    // What a writer killed between "write the temporary file" and "rename it" leaves behind.
    let stray = [
        path.join("tile/0/.000.p.tmp"),
        path.join("tile/entries/000.p/.4.tmp"),
        path.join(".checkpoint.tmp"),
    ];
    for p in &stray {
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, b"half").expect("write stray file");
    }
    let log = Log::open(FileStorage::open(&path).expect("open"), signer()).expect("reopen");
    assert_eq!(log.size(), 3);
    for p in &stray {
        assert!(!p.exists(), "{} should have been removed", p.display());
    }
    // Published objects are untouched.
    assert!(path.join("tile/entries/000.p/3").exists());
    audit(&DirSource::new(&path), log.verifier()).expect("audits");
}
