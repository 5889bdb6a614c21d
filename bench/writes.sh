#!/usr/bin/env bash
# Writes at volume: ticket create, transition and message post, each one transaction with
# its history event (and search document for create and post). wrk on loopback. Usage:
#   bench/writes.sh [--tickets N] [--duration S] [--connections "1 16"] [--out FILE] [--smoke]
# Runs on a copy of the generated database of N tickets (default 10000, see generated_db in
# bench/lib.sh), so the kept one is never changed. Transitions cycle 128 open support
# requests between "postpone" and "reopen" (each thread cycles through its own 64, so a
# ticket has one request in flight at most); posts are internal notes (a public reply
# would also queue a mail, measured by bench/mail.sh). --smoke: 300 tickets, 1 s, 4 connections.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

tickets=10000 duration=10 conns="1 16" out=
while (($#)); do
  case $1 in
    --tickets) tickets=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --smoke) tickets=300 duration=1 conns=4; shift ;;
    *) echo "writes.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

build_release
make_workdir
generated_db "$tickets"   # sets db_url to the kept SQLite file
cp "${db_url#sqlite:}" "$work/bench.db"
db_url="sqlite:$work/bench.db"
out=${out:-bench/results/writes-sqlite-$tickets-$(date +%Y%m%d-%H%M).json}
mkdir -p "$(dirname "$out")"
results="$work/results.jsonl"

admin=$("$bin" user token --db "$db_url" --email admin@demo.redress.example --label bench)
start_server --db "$db_url"   # sets url
auth=(-H "Authorization: Bearer $admin" -H "Content-Type: application/json")

# Open support requests for the transition and note runs: new ones for each run, so a
# request cut short when the previous run stopped leaves no ticket in an unexpected status.
fresh_tickets() {
  local i number
  numbers=()
  for i in $(seq 128); do
    number=$(curl -sf "${auth[@]}" -d "{\"workflow\":\"support-request\",\"subject\":\"Cycle $i\",\"channel\":\"staff\",\"contacts\":[{\"email\":\"cycle$i@bench.example\",\"name\":\"Cycle $i\"}]}" \
      "$url/api/v1/tickets" | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')
    curl -sf -o /dev/null "${auth[@]}" -d '{"transition":"open"}' "$url/api/v1/tickets/$number/transitions"
    numbers+=("\"$number\"")
  done
  # The next transition follows the status the server last answered for the ticket, not
  # what was asked: wrk calls request() once more than it sends, to check the script.
  cat >"$work/transition.lua" <<LUA
local numbers = {$(IFS=,; echo "${numbers[*]}")}
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
local turn, postponed = 0, {}
request = function()
  turn = turn + 1
  local number = numbers[((turn * 2 + tid) % #numbers) + 1]
  local body = postponed[number] and '{"transition":"reopen"}' or
    '{"transition":"postpone","fields":{"reopen_at":"2031-01-01T00:00:00Z"}}'
  return wrk.format("POST", "/api/v1/tickets/" .. number .. "/transitions", nil, body)
end
response = function(status, headers, body)
  local number = body:match('"number":"([^"]+)"')
  local now = body:match('"status":{"category":"[^"]*","id":"([%w_]+)"')
  if number and now then postponed[number] = now == "reopen_later" end
end
LUA
  cat >"$work/post.lua" <<LUA
local numbers = {$(IFS=,; echo "${numbers[*]}")}
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/v1/tickets/" .. numbers[(n % #numbers) + 1] .. "/messages", nil,
    '{"body":"Called the carrier again, investigation ' .. n .. ' still open.","visibility":"internal"}')
end
LUA
}

cat >"$work/create.lua" <<'LUA'
local n = 0
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
request = function()
  n = n + 1
  local who = tid .. "-" .. n
  return wrk.format("POST", "/api/v1/tickets", nil,
    '{"workflow":"support-request","subject":"Parcel ' .. who .. ' not delivered","channel":"phone",' ..
    '"description":"Called about order ' .. who .. ', the parcel has not arrived.",' ..
    '"contacts":[{"email":"caller' .. who .. '@bench.example","name":"Caller ' .. who .. '"}]}')
end
LUA
echo "writes: on $tickets tickets (sqlite), ${duration}s per run, connections: $conns, load $(cut -d' ' -f1-3 /proc/loadavg)"
results_table_header
for c in $conns; do
  wrk_measure "POST /tickets (create)" "$c" "$url" "$work/create.lua" "${auth[@]}"
  fresh_tickets   # sets numbers, writes transition.lua and post.lua
  wrk_measure "POST /tickets/{id}/transitions" "$c" "$url" "$work/transition.lua" "${auth[@]}"
  wrk_measure "POST /tickets/{id}/messages (note)" "$c" "$url" "$work/post.lua" "${auth[@]}"
done
write_results_json "$out"
python3 - "$out" <<'PY'
import json, sys
bad = [r for r in json.load(open(sys.argv[1])) if sum(r["errors"].values())]
for r in bad: print("ERRORS in %s (%d connections): %s" % (r["scenario"], r["connections"], r["errors"]))
print("written:", sys.argv[1])
sys.exit(1 if bad else 0)
PY
