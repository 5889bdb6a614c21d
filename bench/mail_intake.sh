#!/usr/bin/env bash
# Mails per second through POST /api/v1/inbound/mail (what `redress mailgate` calls),
# each a new customer mail: parsed, deduplicated, a ticket opened, the mail stored, an
# acknowledgement composed and queued, all in one transaction. wrk on loopback against a
# Release build. Usage:
#   bench/mail_intake.sh [DURATION_SECONDS] [CONNECTIONS] [DB_URL]
# Without DB_URL a fresh SQLite file is used. SMTP is off: acknowledgements stay queued.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration=${1:-10}
connections=${2:-8}
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
"$bin" migrate --db "$db_url" >/dev/null
"$bin" user add --db "$db_url" --email gate@bench.example --name Gate --role viewer --rights mail.intake >/dev/null
token=$("$bin" user token --db "$db_url" --email gate@bench.example --label bench)
"$bin" serve --db "$db_url" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "running at" "$work/out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^Redress is running at \([^ ]*\).*/\1/p' "$work/out")
[[ -n $url ]] || { cat "$work/err" >&2; echo "server did not start" >&2; exit 1; }

# Each request a distinct mail (Message-ID and sender), about 1.2 kB like a short customer mail.
cat >"$work/mail.lua" <<LUA
local n = 0
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
request = function()
  n = n + 1
  local id = tid .. "-" .. n
  local body = "From: Customer " .. id .. " <c" .. id .. "@example.com>\r\n" ..
    "To: support@localhost\r\nSubject: Parcel " .. id .. " has not arrived\r\n" ..
    "Message-ID: <bench-" .. id .. "@example.com>\r\nDate: Wed, 18 Nov 2026 09:00:00 +0000\r\n" ..
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" ..
    string.rep("Hello, my parcel has not arrived and tracking shows nothing new. ", 16) .. "\r\n"
  return wrk.format("POST", "/api/v1/inbound/mail", {
    ["Authorization"] = "Bearer $token", ["Content-Type"] = "message/rfc822"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("errors: status %d, connect %d, read %d, write %d, timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
LUA

echo "POST $url/api/v1/inbound/mail, ${duration}s, $connections connections, db ${db_url%%:*}"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/mail.lua" "$url"
