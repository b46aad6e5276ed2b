#!/usr/bin/env bash
# Start-up ratios of issue 11:
#   1. `dtsec check examples/pump-st.yaml` against `dtsec --version` (goal: at most 2x);
#   2. `dtsec check` + `dtsec render` of the largest NIAP PP in ../shared/niap against a bare
#      `xmllint --noout` parse of it (goal: at most 3x; skipped without ../shared or xmllint).
# Usage: scripts/startup-ratio.sh [RUNS] (default 30). Builds the release binary first.
#
# Measured in CPU time (task-clock), which the other work on a shared machine disturbs far less
# than wall-clock time: with `perf stat -r RUNS` where perf is installed (apt-get install
# linux-perf), else with hyperfine's user + system time (apt-get install hyperfine).
set -euo pipefail
runs="${1:-30}"
cd "$(dirname "$0")/.."
cargo build --release -p dtsec --quiet
bin="${CARGO_TARGET_DIR:-target}/release/dtsec"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# cpu_ms CMD...: mean CPU milliseconds of one run of CMD (its output discarded).
if perf stat -e task-clock -x, true 2>/dev/null; then
  cpu_ms() {
    perf stat -e task-clock -x, -r "$runs" -o "$out/perf.csv" -- "$@" >/dev/null 2>&1 || true
    awk -F, '/task-clock/ { print $1; exit }' "$out/perf.csv"
  }
  how="perf stat task-clock"
elif command -v hyperfine >/dev/null; then
  cpu_ms() {
    local cmd
    printf -v cmd '%q ' "$@"
    hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$out/h.json" "$cmd" >/dev/null
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print((r["user"]+r["system"])*1000)' "$out/h.json"
  }
  how="hyperfine user+system"
else
  echo "neither perf nor hyperfine is installed (apt-get install linux-perf or hyperfine)"
  exit 2
fi
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}x")' "$1" "$2"; }
ms() { python3 -c 'import sys; print(f"{float(sys.argv[1]):.2f} ms")' "$1"; }

echo "CPU time per run ($how, $runs runs each)"
version="$(cpu_ms "$bin" --version)"
check="$(cpu_ms "$bin" check examples/pump-st.yaml)"
echo "  dtsec --version:                     $(ms "$version")"
echo "  dtsec check examples/pump-st.yaml:   $(ms "$check")"
echo "check pump-st vs --version: $(ratio "$check" "$version") (goal <= 2x)"

shared="../shared/niap/pp"
if [ -d "$shared" ] && command -v xmllint >/dev/null; then
  pp="$(ls -S "$shared"/*.xml | head -n 1)"
  parse="$(cpu_ms xmllint --noout "$pp")"
  ncheck="$(cpu_ms "$bin" check --pp-path "$shared" "$pp")"
  nrender="$(cpu_ms "$bin" render --pp-path "$shared" -o "$out/pp.html" "$pp")"
  both="$(python3 -c 'import sys; print(float(sys.argv[1]) + float(sys.argv[2]))' "$ncheck" "$nrender")"
  echo "  xmllint --noout $(basename "$pp"):  $(ms "$parse")"
  echo "  dtsec check $(basename "$pp"):      $(ms "$ncheck")"
  echo "  dtsec render $(basename "$pp"):     $(ms "$nrender")"
  echo "check + render $(basename "$pp") vs xmllint --noout: $(ratio "$both" "$parse") (goal <= 3x)"
else
  echo "NIAP ratio skipped: no $shared or no xmllint (apt-get install libxml2-utils)"
fi
