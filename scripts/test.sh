#!/usr/bin/env bash
# Runs every Redress test: the one command the README and CI use.
#
#   scripts/test.sh                 both trees: build/ (-O2: the product, unit and browser tests)
#                                   and build-asan/ (ASan+UBSan: every test suite)
#   scripts/test.sh --fast          build/ only (skips the slow sanitizer tree)
#   scripts/test.sh --only-asan     build-asan/ only
#   scripts/test.sh -R REGEX        only tests whose name matches REGEX (passed to ctest)
#
# Steps: install missing packages, configure + build the trees with Ninja, start the servers
# the tests talk to (PostgreSQL, Dovecot IMAP, an SMTP capture server), run ctest in each
# tree, and print a summary.
# The last line of output is always `N passed, N failed` (both trees together); the exit
# status is non-zero if a test failed, a tree did not build, or a server did not start.
#
# Environment: REDRESS_JOBS (default 2, the CI machine has 2 cores),
#              REDRESS_TEST_TIMEOUT (seconds per test unless the test sets its own; default 300),
#              REDRESS_FUZZ_SECONDS (how long the full run fuzzes the mail parser, the JSON
#              reader a quarter of it; default 60: a gate, not a campaign, which is
#              scripts/fuzz.sh run for hours).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

jobs=${REDRESS_JOBS:-2}
test_timeout=${REDRESS_TEST_TIMEOUT:-300}
fuzz_seconds=${REDRESS_FUZZ_SECONDS:-60}

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

want_plain=1
want_asan=1
ctest_filter=()
while (($#)); do
  case $1 in
    --fast) want_asan=0 ;;
    --only-asan) want_plain=0 ;;
    -R) (($# >= 2)) || usage; ctest_filter=(-R "$2"); shift ;;
    -R*) ctest_filter=(-R "${1#-R}") ;;
    -h|--help) usage ;;
    *) echo "test.sh: unknown argument: $1" >&2; usage ;;
  esac
  shift
done
((want_plain || want_asan)) || { echo "test.sh: --fast and --only-asan exclude each other" >&2; exit 2; }

log() { echo "==> $*" >&2; }

# Where the minutes went: each phase's wall time, printed above the summary line.
phase_names=()
phase_seconds=()
phase_started=0
# ccache's hit and miss counters (cumulative: the run's own are the difference).
cache_counts() {
  ccache --print-stats 2>/dev/null | awk -F'\t' '
    $1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { hits += $2 }
    $1 == "cache_miss" { misses += $2 }
    END { print hits + 0, misses + 0 }'
}
cache_before=""
phase_begin() { phase_started=$SECONDS; phase_names+=("$1"); }
phase_end() { phase_seconds+=($((SECONDS - phase_started))); }
print_phases() {
  local i
  ((${#phase_seconds[@]})) || return 0
  echo "time per phase:"
  for ((i = 0; i < ${#phase_seconds[@]}; i++)); do
    printf '  %-28s %4d:%02d\n' "${phase_names[i]}" $((phase_seconds[i] / 60)) $((phase_seconds[i] % 60))
  done
  printf '  %-28s %4d:%02d\n' "total" $((SECONDS / 60)) $((SECONDS % 60))
  if [[ -n $cache_before ]]; then
    local hits misses hits0 misses0
    read -r hits misses < <(cache_counts)
    read -r hits0 misses0 <<<"$cache_before"
    hits=$((hits - hits0)) misses=$((misses - misses0))
    if ((hits + misses)); then
      echo "compiler cache: $hits hits, $misses misses ($((100 * hits / (hits + misses)))% hits)"
    fi
  fi
}

# Totals over all ctest runs, and whether anything outside the tests went wrong.
total_passed=0
total_failed=0
problems=()

summary_and_exit() {
  # Stop the servers first, so that the summary is the last line (CI reads it there).
  run_cleanups
  print_phases
  if ((${#problems[@]})); then
    printf 'problem: %s\n' "${problems[@]}"
  fi
  echo "$total_passed passed, $total_failed failed"
  if ((total_failed > 0 || ${#problems[@]} > 0)); then
    exit 1
  fi
  exit 0
}

# ---------------------------------------------------------------------------------------
# Cleanup: every started service pushes its stop command here; the EXIT trap runs them in
# reverse order, so servers are stopped whether the script succeeds, fails or is interrupted.
cleanups=()
# shellcheck disable=SC2317  # invoked by the EXIT trap
run_cleanups() {
  local i
  for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do
    eval "${cleanups[i]}" || true
  done
  cleanups=()
}
trap run_cleanups EXIT
# Without these, SIGINT/SIGTERM would kill bash without running the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------
# Services. One start function per server: it starts the server in a fresh temp dir,
# registers its stop in `cleanups`, and exports the variable tests read to find it.
# To add one (e.g. Chromium): write start_<name>, call it in start_services.

# (They are called from an `if`, where bash ignores `set -e`: hence the explicit returns.)

start_postgres() {
  local dir url
  # Directly under /tmp (not in a private mktemp subdir) so the postgres user can reach it,
  # and short so the unix socket path stays under its 107-byte limit.
  dir=$(mktemp -d /tmp/redress-pg.XXXXXX) || return 1
  cleanups+=("scripts/pg-test-server.sh stop '$dir' >/dev/null; rm -rf '$dir'")
  url=$(scripts/pg-test-server.sh start "$dir") || return 1
  export REDRESS_TEST_PG_URL=$url
  log "PostgreSQL: $url (data in $dir)"
}

start_imap() {
  local dir url
  # Under /tmp and short: Dovecot's unix sockets live in it (107-byte path limit), and the
  # mail user must be able to reach its maildirs (the script opens DIR to it).
  dir=$(mktemp -d /tmp/redress-imap.XXXXXX) || return 1
  cleanups+=("scripts/imap-test-server.sh stop '$dir' >/dev/null; rm -rf '$dir'")
  url=$(scripts/imap-test-server.sh start "$dir") || return 1
  export REDRESS_TEST_IMAP_URL=$url REDRESS_TEST_IMAP_DIR=$dir
  log "IMAP (Dovecot): $url (mail in $dir/mail)"
}

start_smtp() {
  local dir url
  dir=$(mktemp -d /tmp/redress-smtp.XXXXXX) || return 1
  cleanups+=("scripts/smtp-capture-server.sh stop '$dir' >/dev/null; rm -rf '$dir'")
  url=$(scripts/smtp-capture-server.sh start "$dir") || return 1
  export REDRESS_TEST_SMTP_URL=$url REDRESS_TEST_SMTP_DIR=$dir
  log "SMTP capture: $url (messages in $dir/messages)"
}

start_services() {
  start_postgres || return 1
  start_imap || return 1
  start_smtp || return 1
}

# ---------------------------------------------------------------------------------------
# Building.

# configure_and_build TREE CMAKE_ARGS...: returns non-zero if configuring or building fails.
configure_and_build() {
  local tree=$1
  shift
  # A tree configured earlier with another generator (e.g. Makefiles) cannot be reconfigured
  # for Ninja: drop its cache, keep nothing stale.
  if [[ -f $tree/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$tree/CMakeCache.txt"; then
    log "$tree was not configured for Ninja: starting it afresh"
    rm -rf "$tree"
  fi
  log "configuring $tree"
  cmake -S "$repo" -B "$tree" -G Ninja -DBUILD_TESTING=ON "$@" >&2 || return 1
  log "building $tree"
  cmake --build "$tree" -j "$jobs" >&2 || return 1
}

# ---------------------------------------------------------------------------------------
# Testing.

# run_ctest TREE: runs the tree's tests, adds its counts to the totals. ctest's own summary
# line ("NN% tests passed, F tests failed out of T") gives the counts; if ctest ends without
# one (no tests found, crash), that counts as one failure so it cannot pass silently.
run_ctest() {
  local tree=$1 out rc line failed total
  out=$(mktemp)
  cleanups+=("rm -f '$out'")
  log "testing $tree"
  set +e
  # --no-tests=error: a tree with no tests (or a -R matching none) is a mistake, not a pass.
  ctest --test-dir "$tree" --output-on-failure --no-tests=error -j "$jobs" \
    --timeout "$test_timeout" "${ctest_filter[@]}" 2>&1 | tee "$out" >&2
  rc=${PIPESTATUS[0]}
  set -e
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$out" | tail -n1 || true)
  if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=${BASH_REMATCH[1]}
    total=${BASH_REMATCH[2]}
    total_passed=$((total_passed + total - failed))
    total_failed=$((total_failed + failed))
    if ((failed == 0 && rc != 0)); then
      problems+=("ctest in $tree exited with $rc although no test failed")
    fi
  else
    total_failed=$((total_failed + 1))
    problems+=("ctest in $tree gave no result (exit $rc)")
  fi
}

# ---------------------------------------------------------------------------------------

log "checking packages"
phase_begin "packages"
scripts/install-deps.sh --with-tests
phase_end
command -v ccache >/dev/null && cache_before=$(cache_counts)
# shellcheck source-path=SCRIPTDIR source=lib/trees.sh
source scripts/lib/trees.sh

# Build every requested tree before starting servers, so none idles during a long build.
# A tree that fails to build stops the building (the next one would fail the same way and
# take minutes); trees already built are still tested.
trees=()
# build/ is configured as scripts/demo.sh configures it (scripts/lib/trees.sh), so that the
# tests after the demo compile only the tests.
# When the sanitizer tree is built too, the integration suites are built and run there
# only (every one of them, under ASan and UBSan): compiling and running them twice cost
# about four of the suite's minutes on 2 cores. --fast keeps them in the plain tree.
if ((want_plain)); then
  plain_integration=ON
  ((want_asan)) && plain_integration=OFF
  phase_begin "build build/"
  if configure_and_build build "${plain_tree_options[@]}" \
    -DREDRESS_BROWSER_TESTS=ON -DREDRESS_BENCH_SMOKE=ON -DREDRESS_INTEGRATION_TESTS=$plain_integration; then
    trees+=(build)
  else
    problems+=("build/ did not build")
  fi
  phase_end
fi
# No browser tests in the sanitizer tree: they test the pages, not memory, and run once, in
# the plain tree.
if ((want_asan)) && ((${#problems[@]} == 0)); then
  phase_begin "build build-asan/"
  if configure_and_build build-asan "${asan_tree_options[@]}" \
    -DREDRESS_BROWSER_TESTS=OFF -DREDRESS_BENCH_SMOKE=OFF -DREDRESS_INTEGRATION_TESTS=ON; then
    trees+=(build-asan)
  else
    problems+=("build-asan/ did not build")
  fi
  phase_end
fi

if ((${#trees[@]})); then
  phase_begin "start servers"
  if ! start_services; then
    phase_end
    problems+=("a test server did not start")
    summary_and_exit
  fi
  phase_end
  for tree in "${trees[@]}"; do
    phase_begin "tests in $tree/"
    if [[ $tree == build-asan ]]; then
      # detect_leaks: leaks fail the test. abort_on_error=0: exit with an error code rather
      # than abort(), so ctest reports a failure instead of a core dump.
      # UBSan: stop at the first error and show where it happened.
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_ctest "$tree"
    else
      run_ctest "$tree"
    fi
    phase_end
  done
fi

# The mail parser meets hostile input: fuzz it for a bounded time on every full run (the
# clang build is its own, see scripts/fuzz.sh). Counted as one test.
if ((want_asan && want_plain)) && [[ ${#ctest_filter[@]} -eq 0 ]]; then
  log "fuzzing the mail parser for ${fuzz_seconds}s, the JSON reader for a quarter of that"
  phase_begin "fuzzing"
  if scripts/fuzz.sh "$fuzz_seconds" >&2; then
    total_passed=$((total_passed + 1))
  else
    total_failed=$((total_failed + 1))
    problems+=("scripts/fuzz.sh found a crash (see its output above)")
  fi
  phase_end
fi

summary_and_exit
