#!/usr/bin/env bash
# Runs every cargo-fuzz target of the workspace (the transparency log's and dtsec-fuzzing's) for
# SECS seconds each and prints, per target, the executions, the coverage (`cov:` features),
# the peak memory (libFuzzer's `rss:`), the slowest input (every input of the grown corpus run
# once more, in release, by crates/fuzzing/examples/slowest.rs; FUZZ_SLOWEST=0 skips it) and any
# crash. Exit status 1 when a target crashed (the
# input is under the crate's fuzz/artifacts/<target>/: copy it into fuzz/corpus/<target>/ as a
# regression input once the fault is fixed), 2 when nightly or cargo-fuzz is missing.
# Usage: scripts/fuzz.sh [SECS] (default 60). FUZZ_TARGET_DIR overrides the build directory
# (default target/fuzz); what the fuzzer learns goes to a temporary directory, not the corpus.
set -uo pipefail
secs="${1:-60}"
cd "$(dirname "$0")/.."
root="$PWD"
target_dir="${FUZZ_TARGET_DIR:-$root/target/fuzz}"
cargo +nightly --version >/dev/null 2>&1 || { echo "no nightly toolchain (rustup toolchain install nightly)"; exit 2; }
cargo +nightly fuzz --version >/dev/null 2>&1 || { echo "cargo-fuzz is not installed (cargo install cargo-fuzz --locked)"; exit 2; }

# crate directory, target, and extra seed directories (relative to the crate) it also reads.
targets=(
  "crates/tlog checkpoint"
  "crates/tlog tiles"
  "crates/tlog proofs"
  "crates/fuzzing yaml"
  "crates/fuzzing niap"
  "crates/fuzzing check fuzz/corpus/yaml fuzz/corpus/niap"
  "crates/fuzzing sealed"
  "crates/fuzzing load_any fuzz/corpus/yaml fuzz/corpus/niap"
  "crates/fuzzing certificate fuzz/corpus/sealed"
  "crates/fuzzing etr_bundle fuzz/corpus/sealed"
  "crates/fuzzing eval_records"
  "crates/fuzzing sbom"
  "crates/fuzzing purl"
  "crates/fuzzing osv_import"
  "crates/fuzzing osv_versions"
  "crates/fuzzing cvss"
  "crates/fuzzing vex_import"
  "crates/fuzzing oscal_import"
  "crates/fuzzing mapping"
  "crates/fuzzing compiled"
)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
slowest=""
if [ "${FUZZ_SLOWEST:-1}" != 0 ] && cargo build --release --quiet -p dtsec-fuzzing --example slowest; then
  slowest="${CARGO_TARGET_DIR:-$root/target}/release/examples/slowest"
fi
crashed=0
printf '%-22s %12s %8s %8s %12s  %s\n' target executions cov rss "slowest ms" result
for line in "${targets[@]}"; do
  read -r dir t extra <<<"$line"
  mkdir -p "$work/$t"
  log="$work/$t.log"
  # -timeout: one input taking 10 s counts as a crash (the parsers must stay near linear).
  # shellcheck disable=SC2086
  (cd "$dir" && cargo +nightly fuzz run --target-dir "$target_dir" "$t" "$work/$t" "fuzz/corpus/$t" $extra \
    -- -max_total_time="$secs" -timeout=10 -print_final_stats=1) >"$log" 2>&1
  status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
  [ -n "$execs" ] || execs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
  rss=$(grep -o 'rss: [0-9]*Mb' "$log" | tail -n 1 | cut -d' ' -f2)
  slow="-"
  if [ -n "$slowest" ]; then
    # shellcheck disable=SC2086
    slow=$(cd "$dir" && timeout 600 "$slowest" "$t" "$work/$t" "fuzz/corpus/$t" $extra 2>/dev/null \
      | grep -o 'slowest [0-9.]* ms' | grep -o '[0-9.]*')
  fi
  if [ "$status" -eq 0 ]; then
    result="ok"
  else
    crashed=1
    artifact=$(grep -o 'Test unit written to .*' "$log" | tail -n 1 | sed 's/Test unit written to //')
    case "$artifact" in /*) ;; ?*) artifact="$dir/${artifact#./}" ;; esac
    result="CRASH (exit $status) $artifact"
    echo "--- $t: last lines of the log"
    grep -v '^#' "$log" | tail -n 25
  fi
  printf '%-22s %12s %8s %8s %12s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "${rss:-?}" "${slow:-?}" "$result"
done
exit "$crashed"
