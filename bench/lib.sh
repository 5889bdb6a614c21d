# shellcheck shell=bash
# The prelude shared by the wrk benchmarks (bench/http_get_ticket.sh, bench/mail_intake.sh):
# their command line, wrk, the Release build, a scratch directory and a `redress serve` on a
# free loopback port that is stopped when the script exits. One copy, so that the benchmarks
# measure the same way.
#
# Sourced, not executed, from the repository root (the scripts cd there first): it defines
# functions only and leaves the shell options (set -euo pipefail) to the script.
#
#   bench_setup CONNECTIONS ARGS...  all of the prelude: bench_args, build_release,
#                                    make_workdir, then db_url defaults to a fresh SQLite
#                                    file in $work
#   bench_args CONNECTIONS ARGS...   the command line [DURATION_SECONDS] [CONNECTIONS] [DB_URL]:
#                                    sets duration (default 10), connections (default
#                                    CONNECTIONS) and db_url (default empty)
#   build_release                    installs wrk if missing, builds build-release/redress,
#                                    sets bin ($REDRESS_BIN instead, when set: no build)
#   make_workdir                     sets work (a new temporary directory); on exit the
#                                    server is stopped and work removed
#   start_server ARGS...             starts `$bin serve ARGS... --listen 127.0.0.1:0`, waits
#                                    until it runs, sets server_pid and url
#   open_requests_by_mail N TOKEN    opens N requests (one customer each) through
#                                    POST /inbound/mail at $url, 4 at a time, as TOKEN
#   wrk_error_report_lua             prints a wrk Lua `done` function that reports the error
#                                    counts, for a script's Lua heredoc
#   wrk_measure LABEL CONNS URL [LUA] [wrk args...]
#                                    one wrk run of $duration seconds (-t1 at one connection,
#                                    else -t2); LUA (a file, optional, may be "") supplies
#                                    request/response functions. Prints a table row and
#                                    appends one JSON object to $results (a JSON-lines file)
#   browser_sign_in EMAIL PASSWORD   signs in at $url through the login form as a browser does;
#                                    sets cookie (a "Cookie: ..." header for wrk and curl)
#   generated_db N [DB_URL]          sets db_url to a database holding N generated tickets
#                                    (redress generate, seed 1): DB_URL if given (generated
#                                    into when it has no tickets yet), else a SQLite file kept
#                                    in $REDRESS_BENCH_DATA (default /var/tmp/redress-bench)
#                                    and reused by later runs
#   results_table_header             prints the header of the rows wrk_measure prints
#   write_results_json FILE          writes $results as one JSON array to FILE
#   bare_rate                        measures the bare Beast handler (bench/bare_http.cc; the
#                                    binary $REDRESS_BARE_BIN when set) now,
#                                    with wrk_measure at each of ${bare_connections:-1 16 64}
#                                    connections: sets bare_rps[CONNS] (requests/s)
#   fraction_of_bare RPS CONNS       prints RPS as a fraction of bare_rps[CONNS] ("0.14"), or
#                                    "-" when the bare rate at CONNS was not measured
#   last_result FIELD                prints FIELD of the last JSON line in $results
#   add_result JSON                  appends a result measured without wrk to $results and
#                                    prints its row
#   stop_server                      stops the server start_server started (SIGTERM)
#   migrate_db DB_URL                applies the migrations quietly (their log on failure)
#   intake_token DB_URL              migrates DB_URL, adds an account with the mail.intake
#                                    right and prints a new API token for it

# The variables are for the script that sources this file.
# shellcheck disable=SC2034
bench_args() {
  local default_connections=$1
  shift
  duration=${1:-10}
  connections=${2:-$default_connections}
  db_url=${3:-}
}

build_release() {
  command -v wrk >/dev/null || scripts/install-deps.sh --with-tests
  # The CI smoke run (bench/smoke.sh under CTest) measures the binary it already built.
  if [[ -n ${REDRESS_BIN:-} ]]; then
    bin=$REDRESS_BIN
    return
  fi
  cmake --preset release >/dev/null
  cmake --build build-release --target redress -j2 >/dev/null
  bin=build-release/redress
}

# The EXIT trap of make_workdir: stops the server, if started, and removes the directory.
# A script with servers of its own (Dovecot, the SMTP capture) defines bench_cleanup to
# stop them; it runs first, while their directories still exist.
cleanup() {
  [[ $(type -t bench_cleanup) == function ]] && bench_cleanup
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}

make_workdir() {
  work=$(mktemp -d)
  server_pid=
  trap cleanup EXIT
}

bench_setup() {
  bench_args "$@"
  build_release
  make_workdir
  [[ -n $db_url ]] || db_url="sqlite:$work/bench.db"
}

# Stops the server start_server started (SIGTERM: a graceful stop), so that a script can
# run several servers one after the other.
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill "$server_pid"
  wait "$server_pid" || echo "the server exited with status $? on SIGTERM" >&2
  server_pid=
}

# Applies the migrations to DB_URL; its log (a line per migration) is shown only on failure.
migrate_db() {
  "$bin" migrate --db "$1" >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; return 1; }
}

# Prints a new API token allowed to post mail (mail.intake), creating its account in DB_URL.
intake_token() {
  local db=$1
  migrate_db "$db"
  "$bin" user add --db "$db" --email gate@bench.example --name Gate --role viewer --rights mail.intake >/dev/null
  "$bin" user token --db "$db" --email gate@bench.example --label bench
}

# Must not run in a subshell (e.g. $(start_server)): server_pid and url are set here, and
# cleanup can only wait for a child of the script's own shell.
start_server() {
  "$bin" serve "$@" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "running at" "$work/out" 2>/dev/null && break
    sleep 0.1
  done
  url=$(sed -n 's/^Redress is running at \([^ ]*\).*/\1/p' "$work/out")
  [[ -n $url ]] || { cat "$work/err" >&2; echo "server did not start" >&2; exit 1; }
}

# wrk prints non-2xx counts only in passing; this makes every script end with one line.
wrk_error_report_lua() {
  cat <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("errors: status %d, connect %d, read %d, write %d, timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
LUA
}

open_requests_by_mail() {
  local n=$1 token=$2 i
  echo "opening $n requests by mail..."
  for i in $(seq "$n"); do
    printf 'From: Customer %d <c%d@example.com>\r\nTo: support@localhost\r\nSubject: Request %d about my order\r\nMessage-ID: <q-%d@example.com>\r\n\r\nHello, this is request %d. My parcel has not arrived yet.\r\n' \
      "$i" "$i" "$i" "$i" "$i"
    printf '\0'
  done | xargs -0 -P 4 -I{} curl -sf -o /dev/null -H "Authorization: Bearer $token" \
    -H "Content-Type: message/rfc822" --data-binary {} "$url/api/v1/inbound/mail"
}

# The `done` function of every measured run: one JSON object per run, so scripts can build
# tables and JSON files from the same numbers. Latencies in milliseconds.
wrk_json_report_lua() {
  local label=$1 connections=$2 out=$3
  cat <<LUA
done = function(summary, latency, requests)
  local e = summary.errors
  local f = io.open("$out", "a")
  f:write(string.format('{"scenario":"%s","connections":%d,"requests":%d,"seconds":%.3f,' ..
    '"requests_per_s":%.1f,"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"errors":{"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}}\n',
    "$label", $connections, summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
  f:close()
end
LUA
}

results_table_header() {
  printf '%-44s %5s %10s %9s %9s %9s %7s\n' scenario conns req/s p50_ms p95_ms p99_ms errors
}

# Runs wrk once and reports it; the caller sets duration (seconds) and results (a file).
wrk_measure() {
  local label=$1 conns=$2 target=$3 lua=${4:-}
  shift 4 || shift $#
  local script threads=2 one
  script=$(mktemp "${work:-/tmp}/wrk.XXXXXX.lua")
  [[ -n $lua ]] && cat "$lua" >"$script"
  # shellcheck disable=SC2154  # results is set by the calling script (see above)
  wrk_json_report_lua "$label" "$conns" "$results.one" >>"$script"
  ((conns == 1)) && threads=1
  rm -f "$results.one"
  wrk -t"$threads" -c"$conns" -d"${duration}s" -s "$script" "$@" "$target" >"$script.out" 2>&1 ||
    { cat "$script.out" >&2; echo "wrk failed: $label" >&2; return 1; }
  add_result "$(cat "$results.one")"
  rm -f "$script" "$script.out" "$results.one"
}

# Appends one result (a JSON object, as wrk_measure writes them; latencies and errors may
# be missing) to $results and prints its table row. For measures taken without wrk.
add_result() {
  python3 -c '
import json, sys
r = json.loads(sys.argv[1]); e = sum(r.get("errors", {}).values())
open(sys.argv[2], "a").write(json.dumps(r) + "\n")
ms = lambda k: "%9.2f" % r[k] if r.get(k) is not None else "%9s" % "-"
print("%-44s %5d %10.1f %s %s %s %7d" % (r["scenario"], r["connections"], r["requests_per_s"],
      ms("p50_ms"), ms("p95_ms"), ms("p99_ms"), e))' "$1" "$results"
}

write_results_json() {
  python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump(rows, open(sys.argv[2], "w"), indent=2); open(sys.argv[2], "a").write("\n")' "$results" "$1"
}

browser_sign_in() {
  local email=$1 password=$2 jar="$work/cookies" csrf session
  csrf=$(curl -sf -c "$jar" -b "$jar" "$url/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
  curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "email=$email" \
    --data-urlencode "password=$password" "$url/login"
  session=$(awk '$6 == "redress_session" {print $7}' "$jar")
  [[ -n "$session" ]] || { echo "sign-in failed for $email" >&2; exit 1; }
  cookie="Cookie: redress_session=$session"
}

# Generating a million tickets takes minutes: a SQLite file is made once per size and kept.
generated_db() {
  local n=$1 given=${2:-} have=0
  if [[ -n $given ]]; then
    db_url=$given
    "$bin" migrate --db "$db_url" >/dev/null
    have=$(ticket_count "$db_url")
    if ((have < n)); then
      "$bin" generate --db "$db_url" --tickets $((n - have)) --seed 1 >&2
    fi
    return
  fi
  local dir=${REDRESS_BENCH_DATA:-/var/tmp/redress-bench}
  mkdir -p "$dir"
  db_url="sqlite:$dir/tickets-$n.db"
  if [[ ! -f $dir/tickets-$n.db.done ]]; then
    rm -f "$dir/tickets-$n.db" "$dir/tickets-$n.db-wal" "$dir/tickets-$n.db-shm"
    "$bin" generate --db "$db_url" --tickets "$n" --seed 1 >&2
    touch "$dir/tickets-$n.db.done"
  fi
}

ticket_count() { db_query "$1" 'SELECT COUNT(*) FROM tickets'; }

# Rows of one query, one line each, columns joined by "|": sampling test inputs (ids,
# addresses) straight from the engine, which is quicker than paging the API at a million.
db_query() {
  local db=$1 sql=$2
  case $db in
    sqlite:*) python3 -c '
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(str(v) for v in row))' "${db#sqlite:}" "$sql" ;;
    *) psql -XAtq "$db" -c "$sql" ;;
  esac
}

last_result() {
  tail -n1 "$results" | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# The ceiling: Beast alone, same threads and coroutine style as src/http/server.cc, measured
# at the same moment as the figures it is compared with (the machine's load moves both).
bare_rate() {
  local conns bare_pid bare_out bare_url
  local bare_bin=${REDRESS_BARE_BIN:-}
  if [[ -z $bare_bin ]]; then
    cmake --build build-release --target bare_http -j2 >/dev/null
    bare_bin=build-release/bench/bare_http
  fi
  bare_out=$(mktemp "${work:-/tmp}/bare.XXXXXX")
  "$bare_bin" 0 >"$bare_out" &
  bare_pid=$!
  for _ in $(seq 50); do
    grep -q "listening on" "$bare_out" && break
    sleep 0.1
  done
  bare_url=$(sed -n 's/^listening on \(.*\)$/\1/p' "$bare_out")
  [[ -n $bare_url ]] || { kill "$bare_pid"; echo "bare_http did not start" >&2; return 1; }
  declare -gA bare_rps=()
  for conns in ${bare_connections:-1 16 64}; do
    wrk_measure "bare Beast handler" "$conns" "$bare_url/api/v1/tickets/1"
    bare_rps[$conns]=$(last_result requests_per_s)
  done
  kill "$bare_pid"
  wait "$bare_pid" || { echo "bare_http did not stop cleanly" >&2; return 1; }
  rm -f "$bare_out"
}

fraction_of_bare() {
  local rps=$1 conns=$2
  [[ -n ${bare_rps[$conns]:-} ]] || { echo "-"; return; }
  python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$rps" "${bare_rps[$conns]}"
}
