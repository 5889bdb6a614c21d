#!/usr/bin/env bash
# Seed 004 under load: reviews posted by a feedback platform (each a new request), the same
# review posted again (the idempotent path a retrying platform takes), and the template
# list an agent opens on a request (GET /templates?ticket=, each template rendered for it).
# wrk on loopback against a Release build. Usage:
#   bench/reviews.sh [DURATION_SECONDS] [CONNECTIONS] [DB_URL]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

bench_setup 8 "$@"
token=bench-critizr-token-0123456789
cat >"$work/redress.toml" <<TOML
[[review_sources]]
name = "critizr"
token = "$token"
language = "fr"
TOML
"$bin" migrate --db "$db_url" >/dev/null
"$bin" user add --db "$db_url" --email admin@bench.example --name Admin --role admin >/dev/null
"$bin" user add --db "$db_url" --email agent@bench.example --name "Alice Agent" --role agent >/dev/null
admin=$("$bin" user token --db "$db_url" --email admin@bench.example --label bench)
agent=$("$bin" user token --db "$db_url" --email agent@bench.example --label bench)
start_server --config "$work/redress.toml" --db "$db_url"   # sets url

cat >"$work/reviews.lua" <<LUA
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"source":"critizr","external_id":"bench-%d-%d","author":{"name":"Client %d",'
    .. '"email":"client%d@example.com"},"rating":%d,"text":"Livraison en retard de %d jours, colis abîmé."}',
    tid, n, n, n, n % 6, n % 9 + 1)
  return wrk.format("POST", "/api/v1/inbound/reviews",
    {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json"}, body)
end
$(wrk_error_report_lua)
LUA
echo "POST $url/api/v1/inbound/reviews (each a new request), ${duration}s, $connections connections, db ${db_url%%:*}"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/reviews.lua" "$url"

cat >"$work/again.lua" <<LUA
request = function()
  return wrk.format("POST", "/api/v1/inbound/reviews",
    {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json"},
    '{"source":"critizr","external_id":"bench-0-1","text":"Livraison en retard."}')
end
$(wrk_error_report_lua)
LUA
echo "POST $url/api/v1/inbound/reviews (the same review again: 200, no new request)"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/again.lua" "$url"

# Ten reasons with two templates each (en, fr) and two general ones; one request qualified.
for r in $(seq 10); do
  curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"workflow\":\"support-request\",\"code\":\"r$r\",\"labels\":{\"en\":\"Reason $r\",\"fr\":\"Motif $r\"}}" \
    "$url/api/v1/reasons"
  for lang in en fr; do
    curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
      -d "{\"name\":\"T$r $lang\",\"language\":\"$lang\",\"reasons\":[\"r$r\"],\"subject\":\"{{ticket.number}}: {{reason.label}}\",\"body\":\"Bonjour {{contact.name}},\\n\\nVotre demande {{ticket.number}} ({{ticket.subject}}) : {{portal_url}}\\n\\n{{agent.name}}\"}" \
      "$url/api/v1/templates"
  done
done
for lang in en fr; do
  curl -sf -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"name\":\"General $lang\",\"language\":\"$lang\",\"subject\":\"{{ticket.number}}\",\"body\":\"Bonjour {{contact.name}}\"}" \
    "$url/api/v1/templates"
done
curl -sf -o /dev/null -X PATCH -H "Authorization: Bearer $agent" -H 'Content-Type: application/json' \
  -d '{"reason":"r3","contacts":[{"email":"client1@example.com","name":"Client 1","main":true}]}' "$url/api/v1/tickets/1"
fitting=$(curl -sf -H "Authorization: Bearer $agent" "$url/api/v1/templates?ticket=1" | grep -o '"rendered"' | wc -l)
echo "GET $url/api/v1/templates?ticket=1 ($fitting of 22 templates fit, each rendered), ${duration}s, $connections connections"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $agent" "$url/api/v1/templates?ticket=1"
