#!/usr/bin/env bash
# HTTP reads at volume, each also as a fraction of a bare Beast handler measured by the same
# wrk command just before: GET /api/v1/tickets/{id} (random ids), the agent queue (API and
# the /desk page), lists with filters and full-text search in several shapes. Usage:
#   bench/reads.sh [--tickets N] [--db DB_URL] [--duration S] [--connections "1 16 64"]
#                  [--out FILE] [--smoke]
# N tickets (default 10000) come from `redress generate` (kept between runs, see
# generated_db in bench/lib.sh). Prints a table; writes every run as JSON to FILE (default
# bench/results/reads-ENGINE-N-DATE.json). --smoke: 300 tickets, 1 s runs, 4 connections.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

tickets=10000 given_db= duration=10 conns="1 16 64" out=
while (($#)); do
  case $1 in
    --tickets) tickets=$2; shift 2 ;;
    --db) given_db=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --smoke) tickets=300 duration=1 conns=4; shift ;;
    *) echo "reads.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

build_release
make_workdir
generated_db "$tickets" "$given_db"   # sets db_url
engine=${db_url%%:*}
[[ $engine == sqlite ]] || engine=postgres
out=${out:-bench/results/reads-$engine-$tickets-$(date +%Y%m%d-%H%M).json}
mkdir -p "$(dirname "$out")"
results="$work/results.jsonl"

# Inputs sampled from the data: the id range, addresses and numbers of random tickets.
read -r lo hi < <(db_query "$db_url" "SELECT MIN(id), MAX(id) FROM tickets" | tr '|' ' ')
mapfile -t samples < <(db_query "$db_url" "SELECT t.number, c.email FROM tickets t JOIN contacts c ON c.id = t.main_contact_id WHERE t.id % 997 = 1 LIMIT 200")
reason=$(db_query "$db_url" "SELECT id FROM reasons WHERE workflow = 'support-request' AND code = 'delivery'")
lua_list() { local IFS=,; echo "$*"; }
numbers=() emails=()
for s in "${samples[@]}"; do
  numbers+=("\"${s%%|*}\"")
  emails+=("\"$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "${s##*|}")\"")
done

"$bin" migrate --db "$db_url" >/dev/null
admin=$("$bin" user token --db "$db_url" --email admin@demo.redress.example --label bench)
alice=$("$bin" user token --db "$db_url" --email alice@demo.redress.example --label bench)
start_server --db "$db_url"   # sets url
browser_sign_in alice@demo.redress.example redress-demo   # sets cookie

# request() functions for wrk: a random ticket, a random address or number to search for.
cat >"$work/ticket.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/tickets/" .. math.random($lo, $hi))
end
LUA
cat >"$work/email.lua" <<LUA
local emails = {$(lua_list "${emails[@]}")}
request = function() return wrk.format("GET", "/api/v1/tickets?q=" .. emails[math.random(#emails)]) end
LUA
cat >"$work/number.lua" <<LUA
local numbers = {$(lua_list "${numbers[@]}")}
request = function() return wrk.format("GET", "/api/v1/tickets?q=" .. numbers[math.random(#numbers)]) end
LUA

echo "reads: $tickets tickets ($engine), ${duration}s per run, connections: $conns, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
results_table_header
for c in $conns; do
  if declare -F bare_rate >/dev/null; then bare_connections=$c bare_rate; fi
  bearer=(-H "Authorization: Bearer $admin")
  wrk_measure "GET /tickets/{id} (random)" "$c" "$url" "$work/ticket.lua" "${bearer[@]}"
  wrk_measure "GET /queue (agent, API)" "$c" "$url/api/v1/queue" "" -H "Authorization: Bearer $alice"
  wrk_measure "GET /desk (queue page)" "$c" "$url/desk" "" -H "$cookie"
  wrk_measure "list status=open" "$c" "$url/api/v1/tickets?status=open" "" "${bearer[@]}"
  wrk_measure "list workflow+channel" "$c" "$url/api/v1/tickets?workflow=customer-complaint&channel=portal" "" "${bearer[@]}"
  wrk_measure "list reason+created range" "$c" "$url/api/v1/tickets?reason=$reason&created_from=2026-01-01T00:00:00Z&created_to=2026-03-01T00:00:00Z" "" "${bearer[@]}"
  wrk_measure "list assignee=me" "$c" "$url/api/v1/tickets?assignee=me" "" -H "Authorization: Bearer $alice"
  wrk_measure "search common word (parcel)" "$c" "$url/api/v1/tickets?q=parcel" "" "${bearer[@]}"
  wrk_measure "search accents folded (endommage)" "$c" "$url/api/v1/tickets?q=endommage" "" "${bearer[@]}"
  wrk_measure "search two words (colis transporteur)" "$c" "$url/api/v1/tickets?q=colis%20transporteur" "" "${bearer[@]}"
  wrk_measure "search prefix (rembour)" "$c" "$url/api/v1/tickets?q=rembour" "" "${bearer[@]}"
  wrk_measure "search contact address (random)" "$c" "$url" "$work/email.lua" "${bearer[@]}"
  wrk_measure "search ticket number (random)" "$c" "$url" "$work/number.lua" "${bearer[@]}"
  wrk_measure "search no match (zzyzx)" "$c" "$url/api/v1/tickets?q=zzyzx" "" "${bearer[@]}"
  wrk_measure "search + status=open (invoice)" "$c" "$url/api/v1/tickets?q=invoice&status=open" "" "${bearer[@]}"
done
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
echo "server peak RSS after the runs: $((rss_kb / 1024)) MB"

write_results_json "$out.runs"
python3 - "$out.runs" "$out" "$tickets" "$engine" "$rss_kb" <<'PY'
import json, platform, subprocess, sys, time
runs = json.load(open(sys.argv[1]))
bare = {r["connections"]: r["requests_per_s"] for r in runs if r["scenario"] == "bare Beast handler"}
for r in runs:
    if r["scenario"] != "bare Beast handler" and r["connections"] in bare:
        r["fraction_of_bare"] = round(r["requests_per_s"] / bare[r["connections"]], 3)
doc = {"benchmark": "reads", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "tickets": int(sys.argv[3]),
       "engine": sys.argv[4], "cores": len(__import__("os").sched_getaffinity(0)),
       "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), ""),
       "kernel": platform.release(), "server_peak_rss_kb": int(sys.argv[5]), "runs": runs}
json.dump(doc, open(sys.argv[2], "w"), indent=2)
print()
print("%-44s %5s %10s %8s %8s %8s %8s" % ("scenario", "conns", "req/s", "p50 ms", "p95 ms", "p99 ms", "of bare"))
for r in runs:
    frac = "%7.0f%%" % (100 * r["fraction_of_bare"]) if "fraction_of_bare" in r else "       -"
    print("%-44s %5d %10.0f %8.2f %8.2f %8.2f %s" % (r["scenario"], r["connections"], r["requests_per_s"],
          r["p50_ms"], r["p95_ms"], r["p99_ms"], frac))
bad = [r for r in runs if sum(r["errors"].values())]
for r in bad:
    print("ERRORS in %s (%d connections): %s" % (r["scenario"], r["connections"], r["errors"]))
print("written:", sys.argv[2])
sys.exit(1 if bad else 0)
PY
rm -f "$out.runs"
