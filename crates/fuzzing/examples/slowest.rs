//! The slowest input of a fuzz target: runs every file of the given directories (the corpus a
//! fuzzing run grew, the committed seeds) once through the target's body and prints the count,
//! the slowest input's time and size, and the total. `scripts/fuzz.sh` runs it after each
//! target, in release, for the table issue 17 asks for (libFuzzer reports slow units only in
//! whole seconds).
//!
//! Usage: `cargo run --release -p dtsec-fuzzing --example slowest -- TARGET DIR...`

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Every target's body, by its cargo-fuzz name.
fn body(target: &str) -> Option<fn(&[u8])> {
    use dtsec_fuzzing as f;
    Some(match target {
        "checkpoint" => dtsec_tlog::fuzzing::checkpoint,
        "tiles" => dtsec_tlog::fuzzing::tiles,
        "proofs" => dtsec_tlog::fuzzing::proofs,
        "yaml" => f::yaml,
        "niap" => f::niap,
        "check" => f::check,
        "sealed" => f::sealed,
        "load_any" => f::load_any,
        "certificate" => f::certificate,
        "etr_bundle" => f::etr_bundle,
        "eval_records" => f::eval_records,
        "sbom" => f::sbom,
        "purl" => f::purl,
        "osv_import" => f::osv_import,
        "osv_versions" => f::osv_versions,
        "cvss" => f::cvss,
        "vex_import" => f::vex_import,
        "oscal_import" => f::oscal_import,
        "mapping" => f::mapping,
        "compiled" => f::compiled,
        _ => return None,
    })
}

/// Inputs read per directory at most (a grown corpus has a few thousand).
const MAX_FILES: usize = 200_000;
/// The largest input read (libFuzzer's default `-max_len` is far below).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(target) = args.next() else {
        eprintln!("usage: slowest TARGET DIR...");
        return std::process::ExitCode::from(2);
    };
    let Some(run) = body(&target) else {
        eprintln!("unknown target `{target}`");
        return std::process::ExitCode::from(2);
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in args {
        let Ok(read) = std::fs::read_dir(&dir) else {
            eprintln!("skipping {dir}: not a readable directory");
            continue;
        };
        files.extend(
            read.flatten()
                .take(MAX_FILES)
                .map(|e| e.path())
                .filter(|p| p.is_file()),
        );
    }
    let (mut slowest, mut slowest_len, mut total, mut count) =
        (Duration::ZERO, 0, Duration::ZERO, 0);
    let mut name = String::new();
    for path in &files {
        let Ok(bytes) = dtsec_model::read_bounded(path, MAX_BYTES) else {
            continue;
        };
        let start = Instant::now();
        run(&bytes);
        let took = start.elapsed();
        total += took;
        count += 1;
        if took > slowest {
            (slowest, slowest_len) = (took, bytes.len());
            name = path.display().to_string();
        }
    }
    println!(
        "{target}: {count} inputs, slowest {:.3} ms ({slowest_len} bytes, {name}), total {:.1} ms",
        slowest.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
    std::process::ExitCode::SUCCESS
}
