#!/usr/bin/env bash
# Starts and stops a throw-away PostgreSQL 15 server for tests.
#
#   scripts/pg-test-server.sh start DIR   -> prints postgresql://redress@127.0.0.1:PORT/postgres
#   scripts/pg-test-server.sh stop DIR    -> stops it (idempotent)
#
# DIR is the cluster's data directory. Besides PostgreSQL's own files it holds:
#   DIR/url         the connection URL (same line `start` prints)
#   DIR/pid         the postmaster PID
#   DIR/server.log  the server log (read this when a test cannot connect)
#   DIR/.s.PGSQL.*  the unix socket (TCP is what tests use; the socket is kept out of /tmp
#                   so that parallel servers never collide)
#
# The server listens on 127.0.0.1 only, on a free port, with fsync=off (fine for tests, never
# for benchmarks) and a passwordless superuser `redress` (trust auth).
#
# initdb and postgres refuse to run as root, so as root (CI) everything PostgreSQL runs is
# run as the `postgres` system user (from the postgresql-15 package) on a DIR it owns. As a
# non-root user they simply run as that user.
#
# Only the URL goes to stdout, so `url=$(scripts/pg-test-server.sh start "$dir")` works;
# progress and errors go to stderr.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=redress          # superuser created by initdb, named in the URL
START_TIMEOUT=30         # seconds to wait for the server to accept connections
PORT_ATTEMPTS=5          # a port found free can be taken before postgres binds it: retry

# die, warn, usage, alive, read_pid, wait_gone, stop_pid, free_port, dispatch_start_stop
# shellcheck source-path=SCRIPTDIR source=lib/servers.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/servers.sh"

# Runs a command as the user that owns the cluster: `postgres` when we are root, else us.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True if the postmaster whose PID is in DIR/postmaster.pid is alive. (The postmaster is
# orphaned once pg_ctl exits: `alive` does not count it once it is a zombie.)
running() {
  local pid
  pid=$(read_pid "$1/postmaster.pid") || return 1
  alive "$pid"
}

start() {
  local dir=$1

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)   # absolute: it ends up in postgres's -k and in the log

  # pg_ctl hands the -o options to a shell; a quote would break our quoting below.
  [[ $dir != *"'"* ]] || die "DIR must not contain a single quote: $dir"
  # A unix socket path is limited to 107 bytes (sun_path); postgres refuses to start otherwise.
  # "/.s.PGSQL.65535" is 16 bytes.
  (( ${#dir} + 16 <= 107 )) || die "DIR path too long for a unix socket (max 91 chars): $dir"

  if running "$dir"; then
    # Already up (a second `start` on the same DIR): report the existing server.
    [[ -s $dir/url ]] || die "a server is running in $dir but $dir/url is missing"
    head -n1 "$dir/postmaster.pid" >"$dir/pid"
    cat "$dir/url"
    return 0
  fi

  if [[ $(id -u) -eq 0 ]]; then
    getent passwd postgres >/dev/null ||
      die "no 'postgres' user: install postgresql-15 (scripts/install-deps.sh --with-tests)"
    chown postgres: "$dir"
    # Parents of DIR must be searchable by postgres (e.g. not under root's 0700 home).
    runuser -u postgres -- test -w "$dir" ||
      die "user postgres cannot write $dir (is a parent directory private to root?)"
  fi
  [[ -x $PG_BIN/initdb ]] || die "$PG_BIN/initdb not found: install postgresql-15"

  # Run the PostgreSQL tools from DIR: the caller's cwd may be unreadable to postgres
  # (e.g. /root), which makes initdb and pg_ctl print warnings.
  cd "$dir"

  if [[ ! -f $dir/PG_VERSION ]]; then
    # --no-sync: the cluster is disposable, skipping fsync makes initdb several times faster.
    # C.UTF-8: UTF-8 encoding with a locale that exists everywhere and sorts byte-wise,
    # so results do not depend on the machine's LANG.
    # Its output is kept in a variable, not a file: initdb wants DIR empty.
    local out
    out=$(as_pg "$PG_BIN/initdb" -D "$dir" -A trust -U "$PG_USER" -E UTF8 --locale=C.UTF-8 \
      --no-sync 2>&1) || { echo "$out" >&2; die "initdb failed in $dir (it must be empty)"; }
  fi

  local attempt port
  for ((attempt = 1; attempt <= PORT_ATTEMPTS; attempt++)); do
    port=$(free_port)
    # Truncate the log so the bind check below only sees this attempt.
    as_pg truncate -s 0 "$dir/server.log" 2>/dev/null || true
    # -w waits until the server accepts connections (bounded by -t); pg_ctl's own chatter
    # goes to stderr so stdout carries only the URL. -l sends the postmaster's output to
    # the log file, so it does not keep the caller's stdout pipe open.
    if as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t "$START_TIMEOUT" \
         -o "-k '$dir' -h 127.0.0.1 -p $port -c fsync=off" start >&2; then
      break
    fi
    if grep -qE 'could not bind|Address already in use|could not create any TCP/IP sockets' \
         "$dir/server.log" 2>/dev/null; then
      warn "port $port was taken, retrying"
      continue
    fi
    cat "$dir/server.log" >&2 || true
    # pg_ctl may have given up waiting while the server still comes up: do not leave it.
    stop "$dir" >/dev/null 2>&1 || true
    die "postgres did not start in $dir (log above)"
  done
  ((attempt <= PORT_ATTEMPTS)) || die "no free port after $PORT_ATTEMPTS attempts"

  # pg_ctl -w already waited for readiness; pg_isready double-checks the TCP listener
  # (the one tests use), bounded to START_TIMEOUT as well.
  local waited=0
  until pg_isready_tcp "$port"; do
    ((waited++ < START_TIMEOUT * 10)) || { stop "$dir"; die "server not ready on port $port"; }
    sleep 0.1
  done

  local url="postgresql://$PG_USER@127.0.0.1:$port/postgres"
  head -n1 "$dir/postmaster.pid" >"$dir/pid"
  echo "$url" >"$dir/url"
  echo "$url"
}

pg_isready_tcp() {
  # The versioned binary, not Debian's /usr/bin wrapper, which wants a configured cluster.
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U "$PG_USER" -d postgres -t 1
}

stop() {
  local dir=$1
  # Nothing to stop: no directory, no cluster, or no running postmaster.
  [[ -d $dir ]] || return 0
  dir=$(cd "$dir" && pwd -P)
  if ! running "$dir"; then
    rm -f "$dir/pid"
    return 0
  fi
  local pid
  pid=$(read_pid "$dir/postmaster.pid")

  # Fast shutdown: disconnects clients and exits cleanly; -w waits until it is gone.
  if ! (cd "$dir" && as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >&2); then
    warn "pg_ctl stop failed, killing postmaster $pid"
    # Only signal the PID if it still is a postgres process (the PID may have been reused).
    # SIGQUIT is postgres's immediate shutdown; SIGKILL follows if that does not do.
    if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres* ]]; then
      stop_pid "$pid" postmaster QUIT || die "postmaster $pid in $dir is still running"
    fi
  fi
  wait_gone "$pid" 5 || die "postmaster $pid in $dir is still running"
  rm -f "$dir/pid"
}

dispatch_start_stop "$@"
