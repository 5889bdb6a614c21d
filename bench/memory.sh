#!/usr/bin/env bash
# Memory and start-up of `redress serve` (Release build, SQLite unless DB_URL says otherwise):
#   - RSS (VmRSS) at idle right after start: on an empty database and with the demo data
#   - RSS under load: sampled every 50 ms during wrk GET /api/v1/tickets/{id} at 16
#     connections, the max; then the peak (VmHWM) of the whole run
#   - start-up: exec to the first 200 from GET /healthz on an existing migrated database,
#     median of several starts (bench/proc_probe.py polls every millisecond)
# Targets: idle RSS < 30 MB, start-up < 200 ms. Usage:
#   bench/memory.sh [--smoke] [--out FILE] [--tickets N] [DB_URL]
#     DB_URL     also measure idle RSS and start-up on this (existing) database, e.g. a big
#                generated one
#     --tickets  also measure on a database of N generated tickets (`redress generate`;
#                skipped with a note where this build has no such command)
#     --smoke    2 s of load and 5 starts, for CI
#     --out      the JSON file (default bench/results/memory-DATE.json)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

smoke=0 out='' tickets='' extra_db=''
while (($#)); do
  case $1 in
    --smoke) smoke=1 ;;
    --out) out=$2; shift ;;
    --tickets) tickets=$2; shift ;;
    -*) echo "usage: bench/memory.sh [--smoke] [--out FILE] [--tickets N] [DB_URL]" >&2; exit 2 ;;
    *) extra_db=$1 ;;
  esac
  shift
done
duration=10 starts=7 settle=1
((smoke)) && duration=2 starts=5
out=${out:-bench/results/memory-$(date +%F).json}
mkdir -p "$(dirname "$out")"

build_release   # sets bin
make_workdir    # sets work; the EXIT trap stops the server and removes it
results=$work/results.jsonl
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-62s %10s %10s\n' measure value target

# One figure: a JSON line in $results and a table row. Sizes are in MiB (/proc gives KiB).
record() {
  local measure=$1 value=$2 unit=$3 target=${4:-}
  python3 -c '
import json, sys
measure, value, unit, target, out = sys.argv[1:]
row = {"measure": measure, "value": float(value), "unit": unit}
if target:
    row["target"] = float(target)
    row["met"] = float(value) < float(target)
open(out, "a").write(json.dumps(row) + "\n")
print("%-62s %10s %10s%s" % (measure, "%.1f %s" % (float(value), unit), "< %s" % target if target else "",
      "" if not target or row["met"] else "  MISSED"))' "$measure" "$value" "$unit" "$target" "$results"
}

# VmRSS of the server in MiB, after it has settled (its job runner and poller started).
idle_rss() {
  sleep "$settle"
  python3 bench/proc_probe.py rss "$server_pid" | awk '{printf "%.1f", $1 / 1024}'
}

# Idle on a fresh file: what the program costs before it holds any data.
start_server --db "sqlite:$work/empty.db"
record "idle RSS, empty SQLite database" "$(idle_rss)" MiB 30
stop_server

# Idle with demo data, then under a read load on the same server.
demo_db=sqlite:$work/demo.db
start_server --demo --db "$demo_db"
record "idle RSS, demo data" "$(idle_rss)" MiB 30
token=$("$bin" user token --db "$demo_db" --email admin@demo.redress.example --label bench)
curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url/api/v1/tickets/1"
# VmHWM so far is the demo seeding (argon2id hashes of the demo passwords): clear it (5 >
# clear_refs resets the peak, Linux >= 4.0) so that the peak read after the load is the load's.
record "peak RSS since start, demo seeding included (VmHWM)" \
  "$(python3 bench/proc_probe.py rss "$server_pid" | awk '{printf "%.1f", $2 / 1024}')" MiB
echo 5 >"/proc/$server_pid/clear_refs"
python3 bench/proc_probe.py sample "$server_pid" "$duration" >"$work/peak" &
sampler=$!
results_table_header
wrk_measure "GET /api/v1/tickets/1 (RSS sampled)" 16 "$url/api/v1/tickets/1" "" -H "Authorization: Bearer $token"
load_rps=$(last_result requests_per_s)
wait "$sampler"
record "RSS under load (max of 50 ms samples, wrk -c16)" "$(awk '{printf "%.1f", $1 / 1024}' "$work/peak")" MiB
record "peak RSS during the load (VmHWM after reset)" "$(python3 bench/proc_probe.py rss "$server_pid" | awk '{printf "%.1f", $2 / 1024}')" MiB
stop_server

# Start-up on an existing, migrated database: the demo file the server just left.
start_on() {
  local label=$1 db=$2 times
  times=$(python3 bench/proc_probe.py start-time "$starts" "$bin" serve --db "$db")
  echo "$times" >"$work/starts.json"
  record "start-up to first /healthz 200, $label (median of $starts)" \
    "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["median_ms"])' "$work/starts.json")" ms 200
}
start_on "demo data" "$demo_db"

# A bigger database, given or generated: idle RSS and start-up on it.
big_db=$extra_db
if [[ -n $tickets && -z $big_db ]]; then
  saved_db_url=$db_url
  generated_db "$tickets"   # sets db_url to the kept generated file (bench/lib.sh)
  big_db=$db_url
  db_url=$saved_db_url
fi
if [[ -n $big_db ]]; then
  name=${tickets:+$tickets tickets, }$(basename "${big_db#*:}")
  start_server --db "$big_db"
  record "idle RSS, $name" "$(idle_rss)" MiB 30
  stop_server
  start_on "$name" "$big_db"
fi

# The read load's rate against Beast alone, measured now with the same wrk settings.
bare_connections=16
bare_rate
echo "GET /api/v1/tickets/1 at 16 connections: $load_rps req/s, $(fraction_of_bare "$load_rps" 16) of the bare Beast handler"
write_results_json "$out"
echo "results: $out"
