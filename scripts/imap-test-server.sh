#!/usr/bin/env bash
# Starts and stops a throw-away Dovecot IMAP server for tests.
#
#   scripts/imap-test-server.sh start DIR   -> prints imap://127.0.0.1:PORT
#   scripts/imap-test-server.sh stop DIR    -> stops it (idempotent)
#
# Any user name logs in with the password `redress`, and each user has its own maildir
# (DIR/mail/<user>), created on first login: a test that picks a fresh user name gets an
# empty mailbox of its own, so tests running in parallel never see each other's mail.
# Users in the domain "nomove" (e.g. t1@nomove) see a server that advertises IMAP4rev1 only
# (no MOVE, no UIDPLUS), for testing what clients do with an older server.
#
# DIR holds:
#   DIR/url            the URL (same line `start` prints)
#   DIR/pid            the Dovecot master PID
#   DIR/dovecot.conf   the private configuration (nothing under /etc/dovecot is used)
#   DIR/domains.passwd the per-domain overrides ("nomove")
#   DIR/dovecot.log    the server log (read this when a test cannot log in)
#   DIR/run, DIR/state Dovecot's sockets and state
#   DIR/mail/<user>    the users' maildirs, owned by MAIL_USER
#
# The server listens on 127.0.0.1 only, on a free port, without TLS (plaintext login is
# allowed, which is fine on loopback and for tests only).
#
# Dovecot runs as root (its master must), but refuses to store mail as uid 0: mail belongs to
# the system user MAIL_USER, created here if missing. As a non-root user Dovecot would need
# its own users too, so this script wants root (CI and the dev machines run as root).
#
# Only the URL goes to stdout, so `url=$(scripts/imap-test-server.sh start "$dir")` works;
# progress and errors go to stderr.
set -euo pipefail

DOVECOT=${DOVECOT:-/usr/sbin/dovecot}
MAIL_USER=redress-mail   # owns the test maildirs
PASSWORD=redress         # every user's password
START_TIMEOUT=30         # seconds to wait for the server to accept connections
PORT_ATTEMPTS=5          # a port found free can be taken before Dovecot binds it: retry

# die, warn, usage, alive, read_pid, stop_pid, free_port, accepts, dispatch_start_stop
# shellcheck source-path=SCRIPTDIR source=lib/servers.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/servers.sh"

master_pid() {
  read_pid "$1/run/master.pid"
}

running() {
  local pid
  pid=$(master_pid "$1") || return 1
  alive "$pid"
}

ensure_mail_user() {
  getent passwd "$MAIL_USER" >/dev/null && return 0
  # --user-group keeps the files' group private to the tests; no home, no shell: nobody
  # logs in as this user, Dovecot only writes files as it.
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$MAIL_USER" 2>/dev/null ||
    getent passwd "$MAIL_USER" >/dev/null ||  # created meanwhile by a parallel start
    die "cannot create system user $MAIL_USER"
}

write_config() {
  local dir=$1 port=$2 uid gid
  uid=$(id -u "$MAIL_USER")
  gid=$(id -g "$MAIL_USER")
  # A space ends an extra field here, so the capability list can only be one word.
  cat >"$dir/domains.passwd" <<EOF
nomove:{PLAIN}$PASSWORD::::::userdb_imap_capability=IMAP4rev1
EOF
  cat >"$dir/dovecot.conf" <<EOF
# Written by scripts/imap-test-server.sh: a private test server, nothing from /etc/dovecot.
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests make and delete many mailboxes quickly; no need for fsync.
mail_fsync = never
# A test that logs in with a wrong password must not slow down the others: no 2 s delay
# before "NO", and no penalty (seconds of delay) for later logins from the same IP.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
mail_location = maildir:$dir/mail/%u
# The mail user is a system user (uid below 500 on Debian): allow it explicitly.
first_valid_uid = $uid
last_valid_uid = $uid
first_valid_gid = $gid
last_valid_gid = $gid

# Users of a listed domain (the key is %d) get that entry's settings; userdb_ fields become
# the user's settings. Any other user goes on to the static passdb below.
passdb {
  driver = passwd-file
  args = username_format=%d $dir/domains.passwd
  result_failure = continue
  result_internalfail = continue
}
# Any user name, one password: each test picks its own user and so its own mailboxes.
passdb {
  driver = static
  args = password=$PASSWORD
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/mail/%u
}

protocol imap {
  mail_max_userip_connections = 100
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
# Nothing else listens on TCP.
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
}

start() {
  local dir=$1

  [[ $(id -u) -eq 0 ]] || die "must run as root (Dovecot's master and the mail user need it)"
  [[ -x $DOVECOT ]] || die "$DOVECOT not found: install dovecot-imapd (scripts/install-deps.sh --with-tests)"

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  # base_dir holds unix sockets such as run/login/imap-urlauth (107-byte sun_path limit).
  (( ${#dir} + 40 <= 107 )) || die "DIR path too long for Dovecot's unix sockets: $dir"

  if running "$dir"; then
    [[ -s $dir/url ]] || die "a server is running in $dir but $dir/url is missing"
    master_pid "$dir" >"$dir/pid"
    cat "$dir/url"
    return 0
  fi

  ensure_mail_user
  # A mktemp dir is 0700: the mail user must be able to pass through it to its maildirs.
  chmod 0711 "$dir"
  mkdir -p "$dir/run" "$dir/state" "$dir/mail"
  chown "$MAIL_USER:$MAIL_USER" "$dir/mail"
  chmod 0700 "$dir/mail"
  # Parents of DIR must be searchable by the mail user (e.g. not under root's 0700 home).
  runuser -u "$MAIL_USER" -- test -w "$dir/mail" ||
    die "user $MAIL_USER cannot write $dir/mail (is a parent directory private to root?)"

  local attempt port
  for ((attempt = 1; attempt <= PORT_ATTEMPTS; attempt++)); do
    port=$(free_port)
    write_config "$dir" "$port"
    : >"$dir/dovecot.log"
    # Dovecot daemonises once its listeners are bound; a bind failure makes it exit non-zero.
    if "$DOVECOT" -c "$dir/dovecot.conf" 2>>"$dir/dovecot.log"; then
      break
    fi
    if grep -q 'Address already in use' "$dir/dovecot.log" 2>/dev/null; then
      warn "port $port was taken, retrying"
      continue
    fi
    cat "$dir/dovecot.log" >&2 || true
    die "dovecot did not start in $dir (log above)"
  done
  ((attempt <= PORT_ATTEMPTS)) || die "no free port after $PORT_ATTEMPTS attempts"

  local waited=0
  until accepts "$port"; do
    if ((waited++ >= START_TIMEOUT * 10)); then
      cat "$dir/dovecot.log" >&2 || true
      stop "$dir"
      die "server not ready on port $port"
    fi
    sleep 0.1
  done

  # The listener can answer before the master has written its pid file: wait for that too,
  # or stop could not find the server.
  waited=0
  until master_pid "$dir" >/dev/null; do
    ((waited++ < START_TIMEOUT * 10)) || die "dovecot is up but $dir/run/master.pid is missing"
    sleep 0.1
  done
  local url="imap://127.0.0.1:$port"
  master_pid "$dir" >"$dir/pid"
  echo "$url" >"$dir/url"
  echo "$url"
}

stop() {
  local dir=$1 pid
  [[ -d $dir ]] || return 0
  dir=$(cd "$dir" && pwd -P)
  if ! running "$dir"; then
    rm -f "$dir/pid"
    return 0
  fi
  pid=$(master_pid "$dir")
  # Only signal the PID if it still is Dovecot's master (the PID may have been reused).
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dovecot ]] || { rm -f "$dir/pid"; return 0; }
  # SIGTERM: the master stops its children and exits.
  stop_pid "$pid" dovecot TERM || die "dovecot $pid in $dir is still running"
  rm -f "$dir/pid"
}

dispatch_start_stop "$@"
