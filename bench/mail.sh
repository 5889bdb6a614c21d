#!/usr/bin/env bash
# Mail throughput through each door, with a mixed set of realistic mails (bench/mail_set.py:
# English and French, quoted-printable, base64, HTML, attachments, replies, an auto-reply):
#   a. POST /api/v1/inbound/mail with wrk at 1, 8 and 16 connections (target: 500 mails/s)
#   b. `redress mailgate`, one process per mail as an MTA pipe runs it, 1 and 4 at a time
#   c. IMAP: mails appended to a Dovecot INBOX first, then `redress serve` polls them all
#   d. outbound: the acknowledgements of new requests, sent by SMTP to a capture server
# Release build, fresh SQLite file per door, everything on loopback. Usage:
#   bench/mail.sh [--smoke] [--corpus] [--out FILE]
#     --smoke    tiny counts and 1 s runs, for CI (well under a minute)
#     --corpus   add up to 20 real mails from ../shared/corpus/mail (docs/mail-corpus.md)
#     --out      the JSON file (default bench/results/mail-DATE.json)
# Dovecot and the capture server come from scripts/imap-test-server.sh and
# scripts/smtp-capture-server.sh (root, dovecot-imapd and python3-aiosmtpd; see those).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=lib.sh
source bench/lib.sh

smoke=0 corpus='' out=''
while (($#)); do
  case $1 in
    --smoke) smoke=1 ;;
    --corpus) corpus=../shared/corpus/mail ;;
    --out) out=$2; shift ;;
    *) echo "usage: bench/mail.sh [--smoke] [--corpus] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
if ((smoke)); then
  duration=1 gate_mails=12 imap_mails=40 smtp_mails=40
else
  duration=10 gate_mails=600 imap_mails=2000 smtp_mails=1000
fi
out=${out:-bench/results/mail-$(date +%F).json}
mkdir -p "$(dirname "$out")"

build_release   # sets bin
make_workdir    # sets work; the EXIT trap stops the servers and removes it
results=$work/results.jsonl
imap_dir='' smtp_dir=''
bench_cleanup() {
  [[ -n $imap_dir ]] && scripts/imap-test-server.sh stop "$imap_dir"
  [[ -n $smtp_dir ]] && scripts/smtp-capture-server.sh stop "$smtp_dir"
  return 0
}
now() { date +%s.%N; }
elapsed() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }

templates=$work/templates
count=$(python3 bench/mail_set.py templates "$templates" ${corpus:+--corpus "$corpus"})
echo "mail set: $count mails$([[ -n $corpus ]] && echo " (with corpus)"), $(du -sb "$templates" | cut -f1) bytes;" \
  "load: $(cut -d' ' -f1-3 /proc/loadavg)"
results_table_header

# A fresh SQLite file and a server on it for one door; sets db, token and url.
fresh_server() {
  db=$work/$1.db
  token=$(intake_token "sqlite:$db")
  shift
  start_server --db "sqlite:$db" "$@"
}

# SQL over the door's file, e.g. how many mails it stored.
db_count() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$db" "$1"; }
mails_in="SELECT COUNT(*) FROM mail_messages WHERE direction = 'in'"

# a. wrk cycles through the set; each round replaces BENCHK by a tag of its own (thread and
# round), so every request is a new mail and replies find the requests their round opened.
fresh_server http
for conns in 1 8 16; do
  cat >"$work/mail.lua" <<LUA
local templates = {}
for i = 1, $count do
  local f = assert(io.open(string.format("$templates/%02d.eml", i), "rb"))
  templates[i] = f:read("*a")
  f:close()
end
local n = 0
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
request = function()
  local round = math.floor(n / #templates)
  local body = (templates[n % #templates + 1]:gsub("BENCHK", "c$conns" .. "t" .. tid .. "r" .. round))
  n = n + 1
  return wrk.format("POST", "/api/v1/inbound/mail", {
    ["Authorization"] = "Bearer $token", ["Content-Type"] = "message/rfc822"}, body)
end
LUA
  wrk_measure "POST /inbound/mail (mixed set)" "$conns" "$url" "$work/mail.lua"
done
http_stored=$(db_count "$mails_in")
stop_server

# b. One process per mail: the mailgate's own start-up (libcurl, a new connection) is part
# of what an MTA pays per mail.
fresh_server mailgate
echo "$token" >"$work/token"
for parallel in 1 4; do
  python3 bench/mail_set.py expand "$templates" "$work/gate$parallel" "$gate_mails" "g$parallel"
  add_result "$(python3 bench/mail_drive.py mailgate "redress mailgate (process per mail)" "$parallel" \
    "$work/gate$parallel" "$bin" "$url" "$work/token")"
done
gate_stored=$(db_count "$mails_in")
stop_server

# c. The mails wait in the INBOX before the server starts: the clock runs from the exec of
# `redress serve` until the last one is stored (start-up and the first poll included).
imap_dir=$(mktemp -d /tmp/bench-imap.XXXXXX)
imap_url=$(scripts/imap-test-server.sh start "$imap_dir")
imap_user=bench$$
python3 bench/mail_set.py expand "$templates" "$work/imap" "$imap_mails" i
python3 bench/mail_drive.py imap-append "$imap_url" "$imap_user" redress "$work/imap" >/dev/null
cat >"$work/imap.toml" <<TOML
[[mailboxes]]
name = "support"
url = "$imap_url"
username = "$imap_user"
password = "redress"
poll_seconds = 1
TOML
db=$work/imap.db
migrate_db "sqlite:$db"
started=$(now)
start_server --db "sqlite:$db" --config "$work/imap.toml"
# Done when the poller's position passed the last UID (1..N in a fresh mailbox): a mail it
# refused or found a duplicate counts as handled too.
python3 bench/mail_drive.py wait-count "$db" "SELECT COALESCE(MAX(last_uid), 0) FROM mailbox_state" \
  "$imap_mails" 600 >/dev/null
seconds=$(elapsed "$started" "$(now)")
imap_stored=$(db_count "$mails_in")
stop_server
scripts/imap-test-server.sh stop "$imap_dir"
rm -rf "$imap_dir"
imap_dir=
add_result "{\"scenario\":\"IMAP poll (Dovecot INBOX, from exec)\",\"connections\":1,\"requests\":$imap_mails,
  \"seconds\":$seconds,\"requests_per_s\":$(python3 -c "print(round($imap_mails / $seconds, 1))")}"

# d. Each new request is acknowledged by mail. The mails are posted 4 at a time while the
# job runner sends what is queued; the clock runs from the first post until the capture
# server holds every outbound mail the intake queued.
smtp_dir=$work/smtp
smtp_url=$(scripts/smtp-capture-server.sh start "$smtp_dir")
printf '[mail]\nfrom_address = "support@desk.example"\nsmtp_url = "%s"\n' "$smtp_url" >"$work/smtp.toml"
python3 bench/mail_set.py expand "$templates" "$work/smtp-mails" "$smtp_mails" o
fresh_server smtp --config "$work/smtp.toml"
started=$(now)
posted=$(python3 bench/mail_drive.py post 4 "$work/smtp-mails" "$url" "$token")
queued=$(db_count "SELECT COUNT(*) FROM mail_messages WHERE direction = 'out'")
read -r _ delivered < <(python3 bench/mail_drive.py wait-count "" "" "$queued" 600 "$smtp_dir/messages/*.eml")
seconds=$(elapsed "$started" "$(now)")
stop_server
scripts/smtp-capture-server.sh stop "$smtp_dir"
smtp_dir=
add_result "{\"scenario\":\"outbound SMTP (acknowledgements)\",\"connections\":2,\"requests\":$delivered,
  \"seconds\":$seconds,\"requests_per_s\":$(python3 -c "print(round($delivered / $seconds, 1))"),
  \"mails_posted\":$smtp_mails,\"posting\":$posted}"

echo "stored: $http_stored by HTTP, $gate_stored by mailgate, $imap_stored of $imap_mails by IMAP;" \
  "$delivered of $queued acknowledgements delivered ($smtp_mails mails posted)"
write_results_json "$out"
echo "results: $out"
