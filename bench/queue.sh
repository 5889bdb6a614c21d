#!/usr/bin/env bash
# The agent queue under load (seed 001): GET /api/v1/queue, then "process next" claims
# as fast as agents can press it. wrk on loopback against a Release build. Usage:
#   bench/queue.sh [DURATION_SECONDS] [CONNECTIONS] [DB_URL] [TICKETS]
# TICKETS new requests (default 5000) are first opened through POST /inbound/mail, so the
# queue has an unclaimed pool. In the claim run 32 agents take turns pressing "next"; each
# ticket handed out is postponed by the next request (which takes it out of its agent's
# queue), so nearly every "next" is a real claim racing the others.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

bench_setup 16 "$@"
tickets=${4:-5000}
"$bin" migrate --db "$db_url" >/dev/null
"$bin" user add --db "$db_url" --email gate@bench.example --name Gate --role viewer --rights mail.intake >/dev/null
tokens=()
for a in $(seq 0 31); do
  "$bin" user add --db "$db_url" --email "agent$a@bench.example" --name "Agent $a" --role agent >/dev/null
  tokens+=("\"$("$bin" user token --db "$db_url" --email "agent$a@bench.example" --label bench)\"")
done
gate=$("$bin" user token --db "$db_url" --email gate@bench.example --label bench)
agent0=${tokens[0]//\"/}
start_server --db "$db_url"   # sets url

open_requests_by_mail "$tickets" "$gate"

echo "GET $url/api/v1/queue (limit 50), ${duration}s, $connections connections, db ${db_url%%:*}, $tickets tickets"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $agent0" "$url/api/v1/queue"

cat >"$work/next.lua" <<LUA
local tokens = {$(IFS=,; echo "${tokens[*]}")}
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
-- Thread 0 plays agents 0-15, thread 1 agents 16-31, in turn.
local turn = 0
local pending = {}
request = function()
  local job = table.remove(pending)
  if job then
    return wrk.format("POST", "/api/v1/tickets/" .. job.number .. "/transitions",
      {["Authorization"] = "Bearer " .. tokens[job.agent + 1], ["Content-Type"] = "application/json"},
      '{"transition":"postpone","fields":{"reopen_at":"2031-01-01T00:00:00Z"}}')
  end
  turn = (turn + 1) % 16
  return wrk.format("POST", "/api/v1/queue/next", {["Authorization"] = "Bearer " .. tokens[tid * 16 + turn + 1]}, "")
end
-- A ticket just handed out (status open) is postponed by its agent in the next request.
response = function(status, headers, body)
  if status ~= 200 or not body:find('"id":"open"', 1, true) then return end
  local number = body:match('"number":"([^"]+)"')
  local agent = body:match('"email":"agent(%d+)@bench.example"')
  if number and agent then table.insert(pending, {number = number, agent = tonumber(agent)}) end
end
$(wrk_error_report_lua)
LUA
echo "POST $url/api/v1/queue/next + postpone, ${duration}s, $connections connections, 32 agents"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/next.lua" "$url"
echo "(about half the requests are claims, half postpones; non-2xx answers are postpones of a ticket its"
echo " agent was handed twice, its own, still first in its queue; tests/desk_test checks no ticket goes to two agents)"
