#!/usr/bin/env bash
# Fuzzes the mail parser and the HTML sanitiser with libFuzzer for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]      default 60
#
# Builds build-fuzz/mail_parse_fuzz (fuzz/mail_parse_fuzz.cc) with clang++ 14 and
# -fsanitize=fuzzer,address,undefined, seeds a temporary corpus with a copy of the mail
# corpus ($REDRESS_MAIL_CORPUS, else ../shared/corpus/mail beside the repository; nothing
# is copied into the repository), and runs with -max_total_time=SECONDS -rss_limit_mb=2048
# -timeout=10. Prints the executions, the time and execs/s. Exits non-zero on a crash,
# a sanitizer report, a leak, a timeout or a broken output promise; the crashing input and
# the log are then kept in the temporary directory it names.
#
# Why not the CMake build: libFuzzer's instrumentation needs clang (g++ 12 has no
# -fsanitize=fuzzer), and clang 14 cannot compile libstdc++ 12's <expected>: that header
# is guarded by `__cpp_concepts >= 202002L` and clang 14 reports 201907L because it lacks
# P0848 (conditionally trivial special members); forcing the macro fails too, with
# "destructor of 'expected<...>' is implicitly deleted". So the target is built from the
# sources that do not include core/error.h: the parser's core, parse_mail_into
# (src/mail/parse_internal.h), which parse_mail (src/mail/parse.cc) only wraps in a
# Result, plus the charset, HTML and GMime-init files and core/crypto.cc (SHA-256).
# GMime, GLib and gumbo are the system libraries: not instrumented, so coverage guidance
# comes from our code, and ASan checks their memory use only through its interceptors.
#
# Environment: CXX_FUZZ (default clang++-14, else clang++), REDRESS_MAIL_CORPUS,
#              FUZZ_ARGS (more libFuzzer flags, e.g. "-max_len=65536 -jobs=2").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2; }

cxx=${CXX_FUZZ:-}
if [[ -z $cxx ]]; then
  if command -v clang++-14 >/dev/null; then cxx=clang++-14; else cxx=clang++; fi
fi

out=$repo/build-fuzz
binary=$out/mail_parse_fuzz
sources=(
  fuzz/mail_parse_fuzz.cc
  src/mail/charset.cc
  src/mail/parse_message.cc
  src/mail/parse_body.cc
  src/mail/parse_bounce.cc
  src/mail/html.cc
  src/mail/html_text.cc
  src/mail/html_flat.cc
  src/mail/gmime_init.cc
  src/core/crypto.cc
)
headers=(src/mail/*.h src/core/crypto.h src/core/clock.h)

# Rebuilds only when a source or header is newer than the binary.
needs_build=0
[[ -x $binary ]] || needs_build=1
for f in "${sources[@]}" "${headers[@]}"; do
  if [[ $f -nt $binary ]]; then needs_build=1; fi
done
if ((needs_build)); then
  mkdir -p "$out"
  echo "==> building $binary with $cxx" >&2
  # shellcheck disable=SC2046  # pkg-config output is a list of flags
  "$cxx" -std=c++2b -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Isrc $(pkg-config --cflags gmime-3.0 gumbo libsodium) \
    "${sources[@]}" -o "$binary" \
    $(pkg-config --libs gmime-3.0 gumbo libsodium)
fi

corpus=${REDRESS_MAIL_CORPUS:-$repo/../shared/corpus/mail}
work=$(mktemp -d /tmp/redress-fuzz.XXXXXX)
seeds=$work/corpus
mkdir -p "$seeds"
if [[ -d $corpus ]]; then
  # Numbered names: the corpus has equal file names in different folders.
  n=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    cp "$f" "$seeds/$n-$(basename "$f")"
  done < <(find "$corpus" -type f ! -name '*.yml' ! -name '*.md' ! -name '*.tsv' ! -name '.*' -print0)
  echo "==> seeded $n files from $corpus into $seeds" >&2
else
  echo "==> no mail corpus at $corpus: starting from an empty corpus" >&2
fi

log=$work/fuzz.log
echo "==> fuzzing for ${seconds}s (log: $log)" >&2
set +e
# shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$work/" ${FUZZ_ARGS:-} "$seeds" >"$log" 2>&1
rc=$?
set -e

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n1)
echo "executions: ${execs:-?} in ${seconds}s (${rate:-?} execs/s, peak RSS ${peak:-?} MB)"

if ((rc != 0)); then
  grep -E 'ERROR|SUMMARY|broken promise|runtime error|Test unit written' "$log" | head -n 20 >&2 || true
  echo "fuzz.sh: the fuzzer failed (exit $rc); input and log kept in $work" >&2
  exit 1
fi
rm -rf "$work"
echo "no crash"
