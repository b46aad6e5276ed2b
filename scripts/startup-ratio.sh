#!/usr/bin/env bash
# Start-up ratios of issue 11, measured with hyperfine (apt-get install -y hyperfine):
#   1. `dtsec check examples/pump-st.yaml` against `dtsec --version` (goal: at most 2x);
#   2. `dtsec check` + `dtsec render` of the largest NIAP PP in ../shared/niap against a bare
#      `xmllint --noout` parse of it (goal: at most 3x; skipped without ../shared or xmllint).
# Usage: scripts/startup-ratio.sh [RUNS] (default 30). Builds the release binary first.
# Ratios are of mean wall-clock times; on a busy machine compare user times too (--export-json).
set -euo pipefail
runs="${1:-30}"
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install -y hyperfine)"; exit 2; }
cargo build --release -p dtsec --quiet
bin="${CARGO_TARGET_DIR:-target}/release/dtsec"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mean() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$@"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}x")' "$1" "$2"; }
hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/check.json" \
  "$bin --version" "$bin check examples/pump-st.yaml" >/dev/null
echo "check pump-st vs --version: $(ratio "$(mean "$out/check.json" 1)" "$(mean "$out/check.json" 0)")"
shared="../shared/niap/pp"
if [ -d "$shared" ] && command -v xmllint >/dev/null; then
  pp="$(ls -S "$shared"/*.xml | head -n 1)"
  hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$out/niap.json" \
    "xmllint --noout $pp" \
    "$bin check --pp-path $shared $pp" \
    "$bin render --pp-path $shared -o $out/pp.html $pp" >/dev/null
  check="$(mean "$out/niap.json" 1)"; render="$(mean "$out/niap.json" 2)"
  both="$(python3 -c 'import sys; print(float(sys.argv[1]) + float(sys.argv[2]))' "$check" "$render")"
  echo "check + render $(basename "$pp") vs xmllint --noout: $(ratio "$both" "$(mean "$out/niap.json" 0)")"
else
  echo "NIAP ratio skipped: no $shared or no xmllint"
fi
