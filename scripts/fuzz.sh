#!/usr/bin/env bash
# Fuzzes the mail parser and the HTML sanitiser, then the JSON reader, with libFuzzer for a
# bounded time.
#
#   scripts/fuzz.sh [SECONDS]      default 60: the mail parser for SECONDS, the JSON
#                                  reader for a quarter of that (at least 10 s)
#
# Builds build-fuzz/mail_parse_fuzz (fuzz/mail_parse_fuzz.cc) and build-fuzz/json_parse_fuzz
# (fuzz/json_parse_fuzz.cc) with clang++ 14 and -fsanitize=fuzzer,address,undefined. The mail
# target's temporary corpus is a copy of the mail corpus ($REDRESS_MAIL_CORPUS, else
# ../shared/corpus/mail beside the repository; nothing is copied into the repository); the
# JSON target's is written here: request bodies and nesting at, under and far over the
# bound. Runs with -max_total_time -rss_limit_mb=2048 -timeout=10. Prints the executions,
# the time and execs/s of each. Exits non-zero on a crash, a sanitizer report, a leak, a
# timeout or a broken output promise; the crashing input and the log are then kept in the
# temporary directory it names.
#
# Why not the CMake build: libFuzzer's instrumentation needs clang (g++ 12 has no
# -fsanitize=fuzzer), and clang 14 cannot compile libstdc++ 12's <expected>: that header
# is guarded by `__cpp_concepts >= 202002L` and clang 14 reports 201907L because it lacks
# P0848 (conditionally trivial special members); forcing the macro fails too, with
# "destructor of 'expected<...>' is implicitly deleted". So the targets are built from the
# sources that do not include core/error.h: the parser's core, parse_mail_into
# (src/mail/parse_internal.h), which parse_mail (src/mail/parse.cc) only wraps in a
# Result, plus the charset, HTML and GMime-init files and core/crypto.cc (SHA-256); and
# core/json_parse.cc, which every JSON input goes through (json_input.cc adds the
# Result around it).
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

json_seconds=$((seconds / 4))
((json_seconds >= 10)) || json_seconds=10

out=$repo/build-fuzz
mkdir -p "$out"

# build_target NAME PKG_MODULES SOURCES...: builds build-fuzz/NAME when a source or a
# header of ours is newer than the binary.
build_target() {
  local name=$1 modules=$2
  shift 2
  local binary=$out/$name needs_build=0 f
  [[ -x $binary ]] || needs_build=1
  for f in "$@" src/mail/*.h src/core/*.h; do
    if [[ $f -nt $binary ]]; then needs_build=1; fi
  done
  ((needs_build)) || return 0
  echo "==> building $binary with $cxx" >&2
  # One compile per source, through ccache when it is there (as the CMake trees): a fresh
  # clone then rebuilds the targets from the cache. ccache caches no multi-source command.
  local flags=(-std=c++2b -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
               -fno-sanitize-recover=undefined -fdebug-prefix-map="$repo"=. -Isrc)
  local launcher=()
  command -v ccache >/dev/null && launcher=(env CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1 ccache)
  local objects=() src obj
  mkdir -p "$out/obj/$name"
  for src in "$@"; do
    obj=$out/obj/$name/$(basename "$src" .cc).o
    # shellcheck disable=SC2046,SC2086  # pkg-config output and the module list are lists
    "${launcher[@]}" "$cxx" "${flags[@]}" $(pkg-config --cflags $modules) -c "$src" -o "$obj" || return 1
    objects+=("$obj")
  done
  # shellcheck disable=SC2046,SC2086
  "$cxx" "${flags[@]}" "${objects[@]}" -o "$binary" $(pkg-config --libs $modules)
}

build_target mail_parse_fuzz "gmime-3.0 gumbo libsodium uchardet" \
  fuzz/mail_parse_fuzz.cc src/mail/charset.cc src/mail/parse_message.cc src/mail/parse_body.cc \
  src/mail/parse_bounce.cc src/mail/html.cc src/mail/html_text.cc src/mail/html_flat.cc src/mail/gmime_init.cc \
  src/core/crypto.cc
build_target json_parse_fuzz "nlohmann_json" fuzz/json_parse_fuzz.cc src/core/json_parse.cc

work=$(mktemp -d /tmp/redress-fuzz.XXXXXX)

# run_target NAME SECONDS SEEDS: runs it, prints its figures; non-zero when it failed.
run_target() {
  local name=$1 secs=$2 seeds=$3 log rc execs rate peak
  log=$work/$name.log
  echo "==> fuzzing $name for ${secs}s (log: $log)" >&2
  set +e
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/$name" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/$name-" ${FUZZ_ARGS:-} "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n1)
  echo "$name: ${execs:-?} executions in ${secs}s (${rate:-?} execs/s, peak RSS ${peak:-?} MB)"
  if ((rc != 0)); then
    grep -E 'ERROR|SUMMARY|broken promise|runtime error|Test unit written' "$log" | head -n 20 >&2 || true
    echo "fuzz.sh: $name failed (exit $rc); input and log kept in $work" >&2
    return 1
  fi
}

corpus=${REDRESS_MAIL_CORPUS:-$repo/../shared/corpus/mail}
mail_seeds=$work/mail-corpus
mkdir -p "$mail_seeds"
if [[ -d $corpus ]]; then
  # Numbered names: the corpus has equal file names in different folders.
  n=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    cp "$f" "$mail_seeds/$n-$(basename "$f")"
  done < <(find "$corpus" -type f ! -name '*.yml' ! -name '*.md' ! -name '*.tsv' ! -name '.*' -print0)
  echo "==> seeded $n files from $corpus into $mail_seeds" >&2
else
  echo "==> no mail corpus at $corpus: starting from an empty corpus" >&2
fi

# Request bodies as the API takes them, and nesting just under, at and far over the bound
# (64 levels; the probe crashed the server with 75,000).
json_seeds=$work/json-corpus
mkdir -p "$json_seeds"
printf '%s' '{"workflow":"support-request","subject":"Colis écrasé","contacts":[{"email":"a@example.fr","main":true}],"fields":{"order":"A-1","n":[1,2.5,-3e7,true,null]}}' >"$json_seeds/ticket.json"
printf '%s' '{"transition":"postpone","fields":{"reopen_at":"2026-12-01T09:00:00Z"},"note":"\u00e9\ud83d\ude00 [{\"x\"}]"}' >"$json_seeds/transition.json"
nest() { local open=$1 close=$2 n=$3; printf "%${n}s" '' | tr ' ' "$open"; printf "%${n}s" '' | tr ' ' "$close"; }
for n in 63 64 65 1000 100000; do nest '[' ']' "$n" >"$json_seeds/arrays-$n.json"; done
{ printf '{"fields":{"f":'; nest '[' ']' 75000; printf '}}'; } >"$json_seeds/probe-75000.json"
{ for ((i = 0; i < 70; i++)); do printf '{"a":'; done; printf '1'; printf '%70s' '' | tr ' ' '}'; } >"$json_seeds/objects-70.json"

failed=0
run_target mail_parse_fuzz "$seconds" "$mail_seeds" || failed=1
run_target json_parse_fuzz "$json_seconds" "$json_seeds" || failed=1
((failed == 0)) || exit 1
rm -rf "$work"
echo "no crash"
