# shellcheck shell=bash
# Helpers shared by the throw-away test servers (scripts/pg-test-server.sh,
# scripts/imap-test-server.sh, scripts/smtp-capture-server.sh), so that the three keep one copy
# of the fiddly parts: telling a live process from a zombie, picking a free port, stopping a
# process with a grace period, and the `start|stop DIR` command line.
#
# Sourced, not executed: it defines functions only and leaves the shell options (set -euo
# pipefail) to the script that sources it. That script defines `start DIR` and `stop DIR`
# and ends with `dispatch_start_stop "$@"`.
#
#   die MESSAGE...            print "NAME: MESSAGE" to stderr and exit 1 (NAME: the script's
#                             file name without .sh, e.g. pg-test-server)
#   warn MESSAGE...           print "NAME: MESSAGE" to stderr
#   usage                     print the usage line to stderr and exit 2
#   alive PID                 true if PID exists and is not a zombie
#   read_pid FILE             print the PID on FILE's first line; false if none
#   wait_gone PID SECONDS     wait until PID is gone; false if still alive after SECONDS
#   stop_pid PID NAME SIGNAL  stop PID with SIGNAL, then SIGKILL; false if still alive
#   free_port                 print a TCP port on 127.0.0.1 that is free right now
#   accepts PORT              true if something accepts TCP connections on 127.0.0.1:PORT
#   dispatch_start_stop ARGS  run the script's `start DIR` or `stop DIR` from its arguments

# The name messages start with: the script's file name without .sh.
server_script_name() {
  local name=${0##*/}
  echo "${name%.sh}"
}

die() { echo "$(server_script_name): $*" >&2; exit 1; }

warn() { echo "$(server_script_name): $*" >&2; }

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

# True if process PID exists and is not a zombie. A daemonised server is orphaned, so after
# it dies it stays a zombie until PID 1 reaps it; some inits (this sandbox's) reap only every
# second or two, and `kill -0` alone would make stop wait for that.
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z && $state != X ]]
}

# Prints the PID on the first line of FILE (a pid file); false if FILE is missing or its
# first line is not a number. Whether that process is alive is for the caller to check.
read_pid() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(head -n1 "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  echo "$pid"
}

# Waits up to SECONDS (polling every 0.1 s) for process PID to be gone; false if it is
# still alive then.
wait_gone() {
  local pid=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  ! alive "$pid"
}

# Stops process PID: sends SIGNAL (e.g. TERM, or QUIT for postgres's immediate shutdown),
# waits up to 10 s, then sends SIGKILL (saying so, with NAME, e.g. "dovecot") and waits up
# to 5 s more. False if PID is still alive after that; the caller says where and dies.
# The caller must have checked that PID still is its server: PIDs get reused.
stop_pid() {
  local pid=$1 name=$2 signal=$3
  kill -"$signal" "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 && return 0
  warn "$name $pid did not stop, killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 5
}

# Prints a TCP port on 127.0.0.1 that is free right now: the kernel picks one when binding
# to port 0. Someone else can take it before the server binds it, so callers retry on
# "address in use".
free_port() {
  local py
  py=$(command -v python3 || echo /usr/bin/python3)
  "$py" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# True if something accepts TCP connections on 127.0.0.1:PORT. bash's /dev/tcp: no other
# tool needed to see whether the listener is up.
accepts() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The command line of every server script: `start DIR` or `stop DIR`, anything else is a
# usage error (exit 2). Calls the script's own start or stop function.
dispatch_start_stop() {
  (($# == 2)) || usage
  case $1 in
    start) start "$2" ;;
    stop) stop "$2" ;;
    *) usage ;;
  esac
}
