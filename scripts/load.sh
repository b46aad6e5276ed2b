#!/usr/bin/env bash
# Bounded load test of the registry on loopback: certificate status, device list, device page,
# and a staff read with an API token.
# Usage: scripts/load.sh [SECONDS] (default 10). Needs wrk (apt-get install -y wrk).
# DTSEC_LOAD_DATABASE_URL=postgres://… runs it on PostgreSQL (an empty database; the demo is
# loaded into it) instead of SQLite.
# Builds the release binary, serves the demo from a temporary data directory, and stops it.
set -euo pipefail
secs="${1:-10}"
port="${DTSEC_LOAD_PORT:-18181}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 2; }
cargo build --release -p dtsec --quiet
bin="${CARGO_TARGET_DIR:-target}/release/dtsec"
data="$(mktemp -d)"
db=()
if [ -n "${DTSEC_LOAD_DATABASE_URL:-}" ]; then db=(--database-url "$DTSEC_LOAD_DATABASE_URL"); fi
"$bin" serve --demo --data-dir "$data" "${db[@]}" --listen "127.0.0.1:$port" 2>"$data/serve.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
cert="$(curl -fs "http://127.0.0.1:$port/api/v1/devices" | grep -o 'DTSEC-[0-9]*-[0-9]*' | head -1)"
for path in "/api/v1/certificates/$cert/status" "/api/v1/devices" "/devices/$cert"; do
  echo "== $path"
  wrk -t2 -c32 -d"${secs}s" --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|Latency|99%|50%|Non-2xx"
done
# A staff read with an API token: the token lookup and the authorised case list.
token="$(DTSEC_PASSWORD=demo-password "$bin" registry --registry "http://127.0.0.1:$port" login --email certifier@demo.invalid 2>/dev/null)"
echo "== /api/v1/products (certifier's token)"
wrk -t2 -c32 -d"${secs}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/products" | grep -E "Requests/sec|Latency|99%|50%|Non-2xx"
