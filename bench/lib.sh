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
#                                    sets bin
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
#   results_table_header             prints the header of the rows wrk_measure prints
#   write_results_json FILE          writes $results as one JSON array to FILE
#   bare_rate                        sets bare_rps: the bare Beast handler's rate at 16
#                                    connections, measured now (see bench/bare_http.cc)

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
  cmake --preset release >/dev/null
  cmake --build build-release --target redress -j2 >/dev/null
  bin=build-release/redress
}

# The EXIT trap of make_workdir: stops the server, if started, and removes the directory.
cleanup() {
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
  wrk_json_report_lua "$label" "$conns" "$results.one" >>"$script"
  ((conns == 1)) && threads=1
  rm -f "$results.one"
  wrk -t"$threads" -c"$conns" -d"${duration}s" -s "$script" "$@" "$target" >"$script.out" 2>&1 ||
    { cat "$script.out" >&2; echo "wrk failed: $label" >&2; return 1; }
  one=$(cat "$results.one")
  echo "$one" >>"$results"
  python3 -c '
import json, sys
r = json.loads(sys.argv[1]); e = sum(r["errors"].values())
print("%-44s %5d %10.0f %9.2f %9.2f %9.2f %7d" % (r["scenario"], r["connections"], r["requests_per_s"],
      r["p50_ms"], r["p95_ms"], r["p99_ms"], e))' "$one"
  rm -f "$script" "$script.out" "$results.one"
}

write_results_json() {
  python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump(rows, open(sys.argv[2], "w"), indent=2); open(sys.argv[2], "a").write("\n")' "$results" "$1"
}
