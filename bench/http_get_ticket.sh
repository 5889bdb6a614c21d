#!/usr/bin/env bash
# Requests per second for GET /api/v1/tickets/{id} with a bearer token, measured with wrk
# on loopback against a Release build on SQLite (demo data). Usage:
#   bench/http_get_ticket.sh [DURATION_SECONDS] [CONNECTIONS] [DB_URL]
# Builds build-release/ if needed. The server and wrk share this machine's cores, so the
# figure is a floor for a dedicated server; compare it with a bare Beast server (about 63k/s
# here, ../shared/notes/boost-1.74.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

# Sets duration, connections (default 64), db_url, bin and work; see bench/lib.sh.
bench_setup 64 "$@"
start_server --demo --db "$db_url"   # sets url
token=$("$bin" user token --db "$db_url" --email admin@demo.redress.example --label bench)

echo "GET $url/api/v1/tickets/1, ${duration}s, $connections connections, db ${db_url%%:*}"
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/tickets/1" >/dev/null
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" "$url/api/v1/tickets/1"
