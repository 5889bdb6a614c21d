#!/usr/bin/env bash
# Starts and stops an SMTP server for tests that keeps what it receives (scripts/smtp_capture.py).
#
#   scripts/smtp-capture-server.sh start DIR   -> prints smtp://127.0.0.1:PORT
#   scripts/smtp-capture-server.sh stop DIR    -> stops it (idempotent)
#
# DIR holds:
#   DIR/url                      the URL (same line `start` prints)
#   DIR/pid                      the server's PID
#   DIR/port                     the port, written by the server once it listens
#   DIR/server.log               its output
#   DIR/messages/N.eml, N.json   message N as received, and its envelope (see smtp_capture.py)
#   DIR/mode, DIR/modes/SENDER   written by tests: accept | tempfail | reject |
#                                tempfail-data | reject-data (no file: accept)
#
# The server listens on 127.0.0.1 only; the kernel picks the port, so there is no race for it.
# It needs Debian's python3-aiosmtpd, which is importable only by /usr/bin/python3 (not by a
# python3 that comes first on PATH, e.g. pyenv's).
#
# Only the URL goes to stdout, so `url=$(scripts/smtp-capture-server.sh start "$dir")` works;
# progress and errors go to stderr.
set -euo pipefail

PYTHON=${SMTP_CAPTURE_PYTHON:-/usr/bin/python3}
SERVER=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/smtp_capture.py
START_TIMEOUT=30   # seconds to wait for the server to accept connections

# die, usage, alive, read_pid, stop_pid, accepts, dispatch_start_stop
# shellcheck source-path=SCRIPTDIR source=lib/servers.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/servers.sh"

# The PID in DIR/pid, if it is alive and still our server (PIDs get reused).
server_pid() {
  local pid
  pid=$(read_pid "$1/pid") || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'smtp_capture.py' || return 1
  echo "$pid"
}

start() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)

  if server_pid "$dir" >/dev/null; then
    [[ -s $dir/url ]] || die "a server is running in $dir but $dir/url is missing"
    cat "$dir/url"
    return 0
  fi

  "$PYTHON" -c 'import aiosmtpd' 2>/dev/null ||
    die "$PYTHON cannot import aiosmtpd: install python3-aiosmtpd (scripts/install-deps.sh --with-tests)"

  mkdir -p "$dir/messages" "$dir/modes"
  rm -f "$dir/port" "$dir/url"
  # setsid: the server must not get the caller's SIGINT (test.sh stops it itself, by PID).
  # Its output goes to a file so that it does not hold the caller's stdout open.
  setsid "$PYTHON" "$SERVER" "$dir" >"$dir/server.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/pid"

  local waited=0 port=
  while :; do
    if [[ -s $dir/port ]]; then
      port=$(head -n1 "$dir/port")
      accepts "$port" && break
    fi
    if ! alive "$pid"; then
      cat "$dir/server.log" >&2 || true
      rm -f "$dir/pid"
      die "the capture server exited (log above)"
    fi
    if ((waited++ >= START_TIMEOUT * 10)); then
      cat "$dir/server.log" >&2 || true
      stop "$dir"
      die "server not ready after ${START_TIMEOUT}s"
    fi
    sleep 0.1
  done

  local url="smtp://127.0.0.1:$port"
  echo "$url" >"$dir/url"
  echo "$url"
}

stop() {
  local dir=$1 pid
  [[ -d $dir ]] || return 0
  if ! pid=$(server_pid "$dir"); then
    rm -f "$dir/pid"
    return 0
  fi
  stop_pid "$pid" "capture server" TERM || die "capture server $pid in $dir is still running"
  rm -f "$dir/pid"
}

dispatch_start_stop "$@"
