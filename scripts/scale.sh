#!/usr/bin/env bash
# Issue 16's scale benchmark: fills a new registry with N certified products through the real
# workflow (crates/registry/examples/scale_fill.rs: every product its own ST and sealed ETR,
# every certificate signed and logged), serves it, and measures with wrk the device list, a
# search, a device page (a random certificate per request; also as a browser asks for it, gzip
# accepted), the status JSON and the proof endpoint, then times `dtsec log audit` over the data directory; optionally nginx serving the
# same bytes (saved from dtsec's answers) on the next port. Prints one table.
#
# Usage: scripts/scale.sh [N] [SECONDS]
#   N        certified products, 1 to 1,000,000 (default 100)
#   SECONDS  per wrk run, 1 to 60 (default 5)
# DTSEC_SCALE_DATABASE_URL=postgres://…  an EMPTY PostgreSQL database instead of SQLite.
# DTSEC_SCALE_PROFILE=debug              a debug build (quick checks; figures not comparable).
# DTSEC_SCALE_NGINX=0                    no nginx column (it is skipped when nginx is absent).
# DTSEC_SCALE_KEEPER=0                   serve with --no-page-keeper: every device page view is
#                                        rendered (otherwise the script waits, at most 10 minutes
#                                        plus 10 ms a product, until the server's page keeper says
#                                        every page is kept, and prints how long that took).
# DTSEC_SCALE_DATA=DIR                   keep the filled registry in DIR (new or missing), or
#                                        measure again the one a run with the same N left there
#                                        (its fill time is kept with it) without filling again.
# Loopback only; everything else made lives in one temporary directory, removed at exit, and every
# process started is stopped. Needs wrk (apt-get install -y wrk); nginx optional.
set -euo pipefail
n="${1:-100}"
secs="${2:-5}"
if ! [[ "$n" =~ ^[0-9]+$ ]] || (( n < 1 || n > 1000000 )); then
  echo "N must be a whole number from 1 to 1000000, not '$n'" >&2; exit 2
fi
if ! [[ "$secs" =~ ^[0-9]+$ ]] || (( secs < 1 || secs > 60 )); then
  echo "SECONDS must be a whole number from 1 to 60, not '$secs'" >&2; exit 2
fi
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
profile="${DTSEC_SCALE_PROFILE:-release}"
flags=()
[ "$profile" = release ] && flags=(--release)
cargo build "${flags[@]}" --locked --quiet -p dtsec
cargo build "${flags[@]}" --locked --quiet -p dtsec-registry --example scale_fill
out="${CARGO_TARGET_DIR:-target}/$profile"
bin="$out/dtsec"
fill="$out/examples/scale_fill"
port="${DTSEC_SCALE_PORT:-18281}"
nport=$((port + 1))
work="$(mktemp -d)"
data="${DTSEC_SCALE_DATA:-$work/data}"
# A kept registry names its N and fill time here, written only once the fill has finished.
filled="$data/scale-filled"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
db=()
url=()
if [ -n "${DTSEC_SCALE_DATABASE_URL:-}" ]; then
  db=(--database-url "$DTSEC_SCALE_DATABASE_URL")
  url=("$DTSEC_SCALE_DATABASE_URL")
fi
ms() { date +%s%3N; }

# 1. Fill (bounded: at most an hour plus two seconds a product), unless a kept one is there.
if [ -f "$filled" ]; then
  read -r kept_n fill_ms <"$filled"
  [ "$kept_n" = "$n" ] || { echo "$data holds a registry of N=$kept_n, not $n" >&2; exit 2; }
  echo "scale: measuring the registry kept in $data (filled before in $fill_ms ms)" >&2
else
  if [ -e "$data" ] && [ -n "$(ls -A "$data")" ]; then
    echo "$data is not empty and holds no finished fill; remove it or name a new directory" >&2; exit 2
  fi
  t0=$(ms)
  timeout $((3600 + 2 * n)) "$fill" "$data" "$n" "${url[@]}"
  fill_ms=$(( $(ms) - t0 ))
  echo "$n $fill_ms" >"$filled"
fi

# 2. Serve.
keeper=()
[ "${DTSEC_SCALE_KEEPER:-1}" = 0 ] && keeper=(--no-page-keeper)
t0=$(ms)
"$bin" serve --data-dir "$data" "${db[@]}" "${keeper[@]}" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
pids+=($!)
base="http://127.0.0.1:$port"
for _ in $(seq 1 240); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.5; done
curl -fs "$base/healthz" >/dev/null || { echo "the registry did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
# The page keeper renders every device page once at start; the device page is measured after.
keep_note="not kept (--no-page-keeper): rendered per view"
if [ "${#keeper[@]}" = 0 ]; then
  deadline=$(( $(ms) + 600000 + 10 * n ))
  until grep -q "device pages kept: none is out of date" "$work/serve.log"; do
    (( $(ms) < deadline )) || { echo "the page keeper did not finish in time:" >&2; tail -5 "$work/serve.log" >&2; exit 1; }
    sleep 0.5
  done
  keep_note="$(grep -m1 "device pages kept: none is out of date" "$work/serve.log" \
    | grep -o 'rendered=[0-9]* kept=[0-9]* failed=[0-9]* seconds=[0-9.]*') (from start: $(( ($(ms) - t0) / 1000 )) s)"
fi
# Every certificate id (the CSV lists every matching device), so the device page is random over all N.
curl -fs "$base/api/v1/devices.csv" | grep -o 'DTSEC-[0-9]*-[0-9]*' | sort -u >"$work/ids"
cert="$(sed -n "$(( ($(wc -l <"$work/ids") + 1) / 2 ))p" "$work/ids")"
[ -n "$cert" ] || { echo "no certificate listed" >&2; exit 1; }
cat >"$work/random.lua" <<LUA
ids = {}
for line in io.lines("$work/ids") do ids[#ids + 1] = line end
request = function()
  return wrk.format("GET", "/devices/" .. ids[math.random(#ids)])
end
LUA
# The same as a browser asks for it: gzip accepted (kept pages are answered compressed).
cat >"$work/random_gzip.lua" <<LUA
ids = {}
for line in io.lines("$work/ids") do ids[#ids + 1] = line end
request = function()
  return wrk.format("GET", "/devices/" .. ids[math.random(#ids)], {["Accept-Encoding"] = "gzip"})
end
LUA
# A search whose text changes per request (a product number from 0 to N-1), so no answer is
# kept between two requests (http_cache.rs keeps anonymous answers while nothing is written).
cat >"$work/search.lua" <<LUA
request = function()
  return wrk.format("GET", "/?q=scale+pump+" .. math.random(0, $n - 1))
end
LUA

# name|path (the device page and the random search are random per request on dtsec, one saved
# answer on nginx).
targets=(
  "device list /|/"
  "search ?q=scale pump 7|/?q=scale+pump+7"
  "search, random number|/?q=scale+pump+$(( n / 2 ))"
  "device page|/devices/$cert"
  "device page, gzip|/devices/$cert"
  "status JSON|/api/v1/certificates/$cert/status"
  "proof|/api/v1/certificates/$cert/proof"
)

# One wrk run: prints "req/s p99 non2xx".
measure() {
  local result
  result="$(wrk -t2 -c32 -d"${secs}s" --latency "$@")"
  awk '/Requests\/sec/ {r=$2} $1=="99%" {p=$2} /Non-2xx/ {e=$NF} END {printf "%s %s %s\n", r, p, (e==""?0:e)}' <<<"$result"
}

# 3. nginx with the same bytes, when there.
use_nginx=0
if [ "${DTSEC_SCALE_NGINX:-1}" != 0 ] && command -v nginx >/dev/null; then
  use_nginx=1
  mkdir -p "$work/www"
  i=0
  for t in "${targets[@]}"; do
    if [ "${t%%|*}" = "device page, gzip" ]; then
      # The bytes dtsec sends a client that takes gzip, served by nginx with the same header.
      mkdir -p "$work/www/gz"
      curl -fs -H 'Accept-Encoding: gzip' "$base${t#*|}" -o "$work/www/gz/t$i"
    else
      curl -fs "$base${t#*|}" -o "$work/www/t$i"
    fi
    i=$((i + 1))
  done
  chmod -R a+rX "$work"
  cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  server {
    listen 127.0.0.1:$nport; root $work/www;
    location /gz/ { add_header Content-Encoding gzip; }
  }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work" &
  pids+=($!)
  for _ in $(seq 1 40); do curl -fs "http://127.0.0.1:$nport/t0" >/dev/null && break; sleep 0.25; done
fi

rows=()
i=0
for t in "${targets[@]}"; do
  name="${t%%|*}"
  path="${t#*|}"
  nginx_path="/t$i"
  nginx_args=()
  if [ "$name" = "device page" ]; then
    read -r rps p99 bad < <(measure -s "$work/random.lua" "$base/")
  elif [ "$name" = "device page, gzip" ]; then
    read -r rps p99 bad < <(measure -s "$work/random_gzip.lua" "$base/")
    nginx_path="/gz/t$i"
    nginx_args=(-H "Accept-Encoding: gzip")
  elif [ "$name" = "search, random number" ]; then
    read -r rps p99 bad < <(measure -s "$work/search.lua" "$base/")
  else
    read -r rps p99 bad < <(measure "$base$path")
  fi
  nrps="-"
  ratio="-"
  if [ "$use_nginx" = 1 ]; then
    read -r nrps _ _ < <(measure "${nginx_args[@]}" "http://127.0.0.1:$nport$nginx_path")
    ratio="$(awk -v a="$rps" -v b="$nrps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
  fi
  rows+=("$name|$rps|$p99|$bad|$nrps|$ratio")
  i=$((i + 1))
done

# 4. The log audit, the database and the log's disk.
t0=$(ms)
"$bin" log audit --dir "$data" >"$work/audit.out" 2>&1 || { cat "$work/audit.out" >&2; exit 1; }
audit_ms=$(( $(ms) - t0 ))
entries="$(sed -n 2p "$data/log/checkpoint")"
log_bytes="$(du -sb "$data/log" | cut -f1)"
if [ -n "${DTSEC_SCALE_DATABASE_URL:-}" ]; then
  db_bytes="$(psql "$DTSEC_SCALE_DATABASE_URL" -tAc 'SELECT pg_database_size(current_database())')"
  blobs="$data/blobs"
else
  # The database file and its -wal/-shm companions, not the blob directory beside them.
  db_bytes="$(find "$data" -maxdepth 1 -type f -name 'registry.sqlite3*' -exec cat {} + | wc -c)"
  blobs="$data/registry.sqlite3.blobs"
fi
# Issue 16: the STs and sealed ETRs are blobs beside the database (content bytes, and what the
# directory holds on disk with its two levels of directories).
blob_bytes="$(find "$blobs" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
blob_disk="$(du -sk "$blobs" | cut -f1)"

echo
echo "dtsec scale benchmark: N=$n certified products, ${DTSEC_SCALE_DATABASE_URL:+PostgreSQL}${DTSEC_SCALE_DATABASE_URL:-SQLite}, $profile build, wrk -t2 -c32 ${secs}s"
printf '| %-24s | %10s | %9s | %7s | %10s | %8s |\n' "endpoint" "req/s" "p99" "non-2xx" "nginx" "× nginx"
printf '|%s|%s|%s|%s|%s|%s|\n' "--------------------------" "------------" "-----------" "---------" "------------" "----------"
for r in "${rows[@]}"; do
  IFS='|' read -r a b c d e f <<<"$r"
  printf '| %-24s | %10s | %9s | %7s | %10s | %8s |\n' "$a" "$b" "$c" "$d" "$e" "$f"
done
printf '| %-24s | %s |\n' "fill (real workflow)" "$(awk -v t="$fill_ms" -v n="$n" 'BEGIN { printf "%.1f s, %.1f ms per certificate", t / 1000, t / n }')"
printf '| %-24s | %s |\n' "device pages kept" "$keep_note"
if [ -n "${DTSEC_SCALE_DATABASE_URL:-}" ]; then
  page_bytes="$(psql "$DTSEC_SCALE_DATABASE_URL" -tAc 'SELECT COALESCE(SUM(OCTET_LENGTH(gzip) + OCTET_LENGTH(etag)), 0) FROM device_page_bodies' 2>/dev/null || true)"
elif command -v sqlite3 >/dev/null; then
  page_bytes="$(sqlite3 -readonly "$data/registry.sqlite3" 'SELECT COALESCE(SUM(LENGTH(gzip) + LENGTH(etag)), 0) FROM device_page_bodies' 2>/dev/null || true)"
fi
if [ -n "${page_bytes:-}" ]; then
  printf '| %-24s | %s |\n' "kept pages in database" "$(awk -v b="$page_bytes" -v n="$n" 'BEGIN { printf "%.1f MB, %.1f KB per certificate (derived, rebuilt by the keeper)", b / 1e6, b / n / 1e3 }')"
fi
printf '| %-24s | %s |\n' "dtsec log audit" "$(awk -v t="$audit_ms" -v e="$entries" 'BEGIN { printf "%.2f s for %d entries", t / 1000, e }')"
printf '| %-24s | %s |\n' "database" "$(awk -v b="$db_bytes" -v p="${page_bytes:-0}" -v n="$n" 'BEGIN { printf "%.1f MB, %.1f KB per certificate; without the kept pages %.1f KB", b / 1e6, b / n / 1e3, (b - p) / n / 1e3 }')"
printf '| %-24s | %s |\n' "blobs (ST, sealed ETR)" "$(awk -v b="$blob_bytes" -v d="$blob_disk" -v n="$n" 'BEGIN { printf "%.1f MB (%.1f MB on disk), %.1f KB per certificate", b / 1e6, d * 1024 / 1e6, b / n / 1e3 }')"
printf '| %-24s | %s |\n' "log disk" "$(awk -v b="$log_bytes" -v e="$entries" 'BEGIN { printf "%d bytes, %d bytes per entry", b, b / e }')"
