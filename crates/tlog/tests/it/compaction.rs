//! Superseded partial tiles are removed once their full tile is published, readers that ask
//! for a removed partial tile read the full one instead, and a log's disk per entry stays
//! close to the entries themselves when decisions arrive one at a time (issue 16).

use dtsec_tlog::storage::Storage as _;
use dtsec_tlog::{
    FileStorage, Log, MemoryStorage, Signer, Tile, TileReader, audit, verify_inclusion,
};

fn signer() -> Signer {
    Signer::new("log.example/compaction", &[7; 32]).expect("signer")
}

fn entry(i: u64) -> Vec<u8> {
    // About the size of a registry decision.
    format!(
        "{{\"decision\":\"certify\",\"certificate_id\":\"DTSEC-2026-{i:06}\",\"pad\":\"{}\"}}",
        "x".repeat(300)
    )
    .into_bytes()
}

fn one_at_a_time<S: dtsec_tlog::Storage>(log: &mut Log<S>, from: u64, n: u64) {
    for i in from..from + n {
        log.append_batch(&[entry(i)]).expect("append");
    }
}

fn partials(storage: &MemoryStorage) -> Vec<String> {
    storage
        .paths()
        .into_iter()
        .filter(|p| p.contains(".p/"))
        .collect()
}

#[test]
fn partials_of_filled_tiles_are_removed_and_the_current_ones_kept() {
    let storage = MemoryStorage::new();
    let mut log = Log::create(storage.clone(), signer()).expect("create");
    one_at_a_time(&mut log, 0, 600);
    let left = partials(&storage);
    assert!(
        left.iter()
            .all(|p| !p.starts_with("tile/0/000.p/") && !p.starts_with("tile/0/001.p/")),
        "partials of full level-0 tiles remain: {left:?}"
    );
    assert!(
        left.iter().all(|p| !p.starts_with("tile/entries/000.p/")
            && !p.starts_with("tile/entries/001.p/")),
        "partial bundles of full bundles remain: {left:?}"
    );
    // The current tree's partial tiles are there (600 = 2 * 256 + 88).
    for path in ["tile/0/002.p/88", "tile/entries/002.p/88", "tile/1/000.p/2"] {
        assert!(
            left.iter().any(|p| p == path),
            "{path} missing from {left:?}"
        );
    }
    // Everything still audits, and proofs from the stored tiles match the log's.
    let report = audit(&storage, &signer().verifier()).expect("audit");
    assert_eq!(report.checkpoint.size, 600);
    let reader = TileReader::new(&storage, 600);
    assert_eq!(
        reader.inclusion_proof(300).ok(),
        log.inclusion_proof(300, 600).ok()
    );
}

#[test]
fn a_reader_of_an_older_checkpoint_falls_back_to_the_full_tile() {
    let storage = MemoryStorage::new();
    let mut log = Log::create(storage.clone(), signer()).expect("create");
    one_at_a_time(&mut log, 0, 100);
    let old = log.checkpoint().clone();
    one_at_a_time(&mut log, 100, 300);
    // The old checkpoint's partial tile and bundle (width 100) are gone ...
    assert!(!storage.paths().iter().any(|p| p == "tile/0/000.p/100"));
    assert!(
        !storage
            .paths()
            .iter()
            .any(|p| p == "tile/entries/000.p/100")
    );
    // ... yet a client holding that checkpoint still proves inclusion and reads entries.
    let reader = TileReader::new(&storage, old.size);
    assert_eq!(reader.tree_hash().ok(), Some(old.root));
    let proof = reader.inclusion_proof(42).expect("proof");
    verify_inclusion(&entry(42), 42, &proof, &old).expect("inclusion against the old root");
    assert_eq!(reader.entry(99).ok(), Some(entry(99)));
    assert!(
        reader.entry(100).is_err(),
        "entry 100 is not in the old tree"
    );
}

#[test]
fn a_partial_tile_missing_while_its_tile_is_not_full_is_still_an_error() {
    let storage = MemoryStorage::new();
    let mut log = Log::create(storage.clone(), signer()).expect("create");
    one_at_a_time(&mut log, 0, 10);
    storage.remove("tile/0/000.p/10");
    let reader = TileReader::new(&storage, 10);
    assert!(reader.tree_hash().is_err());
    assert!(audit(&storage, &signer().verifier()).is_err());
}

#[test]
fn remove_partials_refuses_a_partial_tile() {
    let storage = MemoryStorage::new();
    assert!(storage.remove_partials(&Tile::hashes(0, 0, 5)).is_err());
    assert_eq!(
        storage.remove_partials(&Tile::hashes(0, 0, 256)).ok(),
        Some(0)
    );
}

#[test]
fn file_backend_disk_per_entry_stays_small_and_open_compacts_old_garbage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("log");
    let n = 600;
    {
        let mut log =
            Log::create(FileStorage::open(&root).expect("open"), signer()).expect("create");
        one_at_a_time(&mut log, 0, n);
    }
    let entry_bytes: u64 = (0..n).map(|i| entry(i).len() as u64 + 2).sum();
    let storage = FileStorage::open(&root).expect("open");
    let used = storage.disk_usage().expect("usage");
    // What must stay: the entries, their hashes, and the partial series of the one tile and
    // bundle still being filled (widths 1..=255; readers of recent checkpoints need them).
    let largest = entry(n).len() as u64 + 2 + 32;
    let series: u64 = (1..=255u64).map(|w| w * largest).sum();
    let per_entry = used / n;
    // Keeping every superseded partial of all four tiles took about 40 MB (40 KB per entry).
    assert!(
        used < entry_bytes * 3 + series,
        "{used} bytes on disk for {entry_bytes} bytes of entries ({per_entry} per entry)"
    );
    eprintln!("disk per entry after {n} single appends: {per_entry} bytes");

    // Garbage left by a log that did not remove partials (an older dtsec, or an interrupted
    // removal) goes at the next open.
    let stale = root.join("tile/0/000.p");
    std::fs::create_dir_all(&stale).expect("mkdir");
    std::fs::write(stale.join("7"), vec![0u8; 7 * 32]).expect("write");
    drop(storage);
    let log = Log::open(FileStorage::open(&root).expect("open"), signer()).expect("open log");
    assert!(!stale.exists(), "open did not remove {}", stale.display());
    assert_eq!(log.size(), n);
    assert_eq!(log.compact().ok(), Some(0));
}
