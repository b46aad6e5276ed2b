//! Benchmarks of the log (issue 6 aims: at least 5,000 durable appends/s, batched, and at
//! least 50,000 proofs/s at 1,000,000 entries). Run with `cargo bench -p dtsec-tlog`.
//!
//! - `durable_append`: batches of 100 entries of 100 bytes appended to the file backend (every
//!   batch: entry bundle, tiles and signed checkpoint written with fsync and rename); 1,000
//!   batches in all. Throughput is reported in entries.
//! - `inclusion_proof` / `consistency_proof`: proofs from a 1,000,000-entry tree built once in
//!   memory, at varying indices and sizes.
//! - `verify_inclusion` / `open_checkpoint`: what a verifier does per entry and per checkpoint.

use std::cell::Cell;
use std::sync::OnceLock;

use divan::counter::ItemsCount;
use dtsec_tlog::proof::{self, MemoryTree};
use dtsec_tlog::{Checkpoint, FileStorage, Log, Signer, leaf_hash};

fn main() {
    divan::main();
}

const MILLION: u64 = 1_000_000;

fn signer() -> Signer {
    Signer::new("bench.example/log", &[1; 32]).expect("signer")
}

fn million() -> &'static MemoryTree {
    static TREE: OnceLock<MemoryTree> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut t = MemoryTree::new();
        for i in 0..MILLION {
            t.push_entry(&i.to_be_bytes());
        }
        t
    })
}

/// A cheap, deterministic stream of pseudo-random numbers.
fn next(state: &Cell<u64>) -> u64 {
    let mut x = state.get();
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    state.set(x);
    x
}

#[divan::bench(sample_count = 100, sample_size = 10)]
fn durable_append(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log =
        Log::create(FileStorage::open(dir.path()).expect("open"), signer()).expect("create");
    let batch: Vec<Vec<u8>> = (0..100u8).map(|i| vec![i; 100]).collect();
    bencher
        .counter(ItemsCount::new(batch.len()))
        .bench_local(|| log.append_batch(&batch).expect("append"));
}

#[divan::bench(sample_count = 1000, sample_size = 100)]
fn inclusion_proof(bencher: divan::Bencher) {
    let tree = million();
    let state = Cell::new(0x9e37_79b9_7f4a_7c15);
    bencher.bench_local(|| {
        let index = next(&state) % MILLION;
        proof::inclusion_proof(tree, index, MILLION).expect("proof")
    });
}

#[divan::bench(sample_count = 1000, sample_size = 100)]
fn consistency_proof(bencher: divan::Bencher) {
    let tree = million();
    let state = Cell::new(0x9e37_79b9_7f4a_7c15);
    bencher.bench_local(|| {
        let old = 1 + next(&state) % (MILLION - 1);
        proof::consistency_proof(tree, old, MILLION).expect("proof")
    });
}

#[divan::bench]
fn verify_inclusion(bencher: divan::Bencher) {
    let tree = million();
    let root = tree.root(MILLION).expect("root");
    let index = 123_457;
    let path = proof::inclusion_proof(tree, index, MILLION).expect("proof");
    let leaf = leaf_hash(&index.to_be_bytes());
    bencher
        .bench_local(|| proof::verify_inclusion(&leaf, index, MILLION, &path, &root).expect("ok"));
}

#[divan::bench]
fn open_checkpoint(bencher: divan::Bencher) {
    let signer = signer();
    let checkpoint = Checkpoint {
        origin: signer.name().into(),
        size: MILLION,
        root: leaf_hash(b"root"),
        extensions: vec![],
    };
    let signed = checkpoint.sign(&signer).expect("sign");
    let verifier = signer.verifier();
    bencher.bench_local(|| Checkpoint::open(signed.as_bytes(), &verifier).expect("verifies"));
}
