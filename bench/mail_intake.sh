#!/usr/bin/env bash
# Mails per second through POST /api/v1/inbound/mail (what `redress mailgate` calls),
# each a new customer mail: parsed, deduplicated, a ticket opened, the mail stored, an
# acknowledgement composed and queued, all in one transaction. wrk on loopback against a
# Release build. Usage:
#   bench/mail_intake.sh [DURATION_SECONDS] [CONNECTIONS] [DB_URL]
# Without DB_URL a fresh SQLite file is used. SMTP is off: acknowledgements stay queued.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

# Sets duration, connections (default 8), db_url, bin and work; see bench/lib.sh.
bench_setup 8 "$@"
"$bin" migrate --db "$db_url" >/dev/null
"$bin" user add --db "$db_url" --email gate@bench.example --name Gate --role viewer --rights mail.intake >/dev/null
token=$("$bin" user token --db "$db_url" --email gate@bench.example --label bench)
start_server --db "$db_url"   # sets url

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
$(wrk_error_report_lua)
LUA

echo "POST $url/api/v1/inbound/mail, ${duration}s, $connections connections, db ${db_url%%:*}"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/mail.lua" "$url"
