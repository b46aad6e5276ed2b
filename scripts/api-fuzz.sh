#!/usr/bin/env bash
# Property-based fuzzing of the registry's API from its own OpenAPI document (schemathesis), on
# loopback, bounded in time: every operation, as the scheme administrator, checking that no
# request gets a server error (5xx) and that every answer matches its documented schema.
# Usage: scripts/api-fuzz.sh [SECONDS] (default 120).
# Needs schemathesis (pip install schemathesis). Builds the debug binary, serves the demo from
# a temporary data directory, and stops it; the server log is scanned for panics.
set -euo pipefail
secs="${1:-120}"
port="${DTSEC_FUZZ_PORT:-18182}"
command -v schemathesis >/dev/null || { echo "schemathesis is not installed (pip install schemathesis)"; exit 2; }
cargo build -p dtsec --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/dtsec"
data="$(mktemp -d)"
"$bin" serve --demo --data-dir "$data" --listen "127.0.0.1:$port" 2>"$data/serve.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
token="$(DTSEC_PASSWORD=demo-password "$bin" registry --registry "http://127.0.0.1:$port" login --email admin@demo.invalid 2>/dev/null)"
status=0
schemathesis run "http://127.0.0.1:$port/openapi.json" -c not_a_server_error,response_schema_conformance \
  -H "Authorization: Bearer $token" -n 30 --max-time "$secs" -w 2 | tail -n 20 || status=$?
if grep -qi "panicked" "$data/serve.log"; then
  echo "the server panicked:"; grep -i -A5 "panicked" "$data/serve.log" | head -40; exit 1
fi
exit "$status"
