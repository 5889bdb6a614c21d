#!/usr/bin/env bash
# The web UI at volume: what the ticket page weighs and how fast the agent's pages render
# with TICKETS requests in the database. wrk on loopback against a Release build. Usage:
#   bench/web.sh [DURATION_SECONDS] [CONNECTIONS] [DB_URL] [TICKETS]
# TICKETS requests (default 10000) are opened through POST /inbound/mail first; the agent
# signs in through the login form like a browser, and wrk sends its session cookie.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

bench_setup 16 "$@"
tickets=${4:-10000}
"$bin" migrate --db "$db_url" >/dev/null
"$bin" user add --db "$db_url" --email gate@bench.example --name Gate --role viewer --rights mail.intake >/dev/null
echo 'bench-password-1' | "$bin" user add --db "$db_url" --email agent@bench.example --name "Agent" --role agent --password-stdin >/dev/null
gate=$("$bin" user token --db "$db_url" --email gate@bench.example --label bench)
start_server --db "$db_url"   # sets url

open_requests_by_mail "$tickets" "$gate"

browser_sign_in agent@bench.example bench-password-1   # sets cookie

number=$(curl -sf -H "Authorization: Bearer $gate" "$url/api/v1/tickets?limit=1" | sed -n 's/.*"number":"\([^"]*\)".*/\1/p' | head -1)
page="$work/ticket.html"
curl -sf -H "$cookie" -o "$page" "$url/desk/tickets/$number"
# Bytes on the wire as a browser gets them (gzip accepted), and without compression.
wire() { curl -sf --compressed -o /dev/null -w '%{size_download}' "$@"; }
plain() { curl -sf -o /dev/null -w '%{size_download}' "$@"; }
html=$(wire -H "$cookie" "$url/desk/tickets/$number")
html_plain=$(plain -H "$cookie" "$url/desk/tickets/$number")
assets=0
assets_plain=0
for a in $(grep -o '/assets/[^"]*' "$page" | sort -u); do
  assets=$((assets + $(wire "$url$a")))
  assets_plain=$((assets_plain + $(plain "$url$a")))
done
queue_bytes=$(wire -H "$cookie" "$url/desk")
echo
echo "ticket page $number, bytes transferred with gzip (without): HTML $html ($html_plain); its assets (CSS,"
echo "htmx) $assets ($assets_plain), cached for a year after the first visit. First view $((html + assets)) bytes,"
echo "every later ticket page only its HTML. Queue page HTML: $queue_bytes bytes."
echo
echo "GET /desk (the queue, 50 of $tickets waiting), ${duration}s, 1 connection"
wrk -t1 -c1 -d"${duration}s" --latency -H "$cookie" "$url/desk"
echo "GET /desk (the queue), ${duration}s, $connections connections"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$cookie" "$url/desk"
echo "GET /desk/tickets/$number (the ticket page), ${duration}s, $connections connections"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$cookie" "$url/desk/tickets/$number"
echo "GET /desk/tickets?q=parcel (search, first page), ${duration}s, $connections connections"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$cookie" "$url/desk/tickets?q=parcel"
