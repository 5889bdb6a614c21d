#!/usr/bin/env bash
# Requests per second for GET /api/v1/tickets/{id} with a bearer token, measured with wrk
# on loopback against a Release build on SQLite (demo data). Usage:
#   bench/http_get_ticket.sh [DURATION_SECONDS] [CONNECTIONS] [DB_URL]
# Builds build-release/ if needed. The server and wrk share this machine's cores, so the
# figure is a floor for a dedicated server; compare it with a bare Beast server (about 63k/s
# here, ../shared/notes/boost-1.74.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration=${1:-10}
connections=${2:-64}
db_url=${3:-}

command -v wrk >/dev/null || scripts/install-deps.sh --with-tests
cmake --preset release >/dev/null
cmake --build build-release --target redress -j2 >/dev/null

work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

[[ -n $db_url ]] || db_url="sqlite:$work/bench.db"
bin=build-release/redress
"$bin" serve --demo --db "$db_url" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "running at" "$work/out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^Redress is running at \([^ ]*\).*/\1/p' "$work/out")
[[ -n $url ]] || { cat "$work/err" >&2; echo "server did not start" >&2; exit 1; }
token=$("$bin" user token --db "$db_url" --email admin@demo.redress.example --label bench)

echo "GET $url/api/v1/tickets/1, ${duration}s, $connections connections, db ${db_url%%:*}"
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/tickets/1" >/dev/null
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" "$url/api/v1/tickets/1"
