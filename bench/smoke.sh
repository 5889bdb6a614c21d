#!/usr/bin/env bash
# Every benchmark once with a few hundred tickets and one-second runs, so the scripts never
# rot (CTest's bench.smoke in the plain tree; the full runs stay manual, docs/benchmarks.md).
# It checks that each scenario runs and answers without errors, not how fast: CI machines
# vary too much for a speed threshold to mean anything.
# REDRESS_BIN and REDRESS_BARE_BIN name the binaries to measure (else build-release/ is built).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
out="$data/results"
mkdir -p "$out"
export REDRESS_BENCH_DATA="$data"
failed=0
for run in "reads.sh --smoke" "writes.sh --smoke" "mail.sh --smoke" "memory.sh --smoke" "large_mail.sh --smoke"; do
  name=${run%%.sh*}
  echo "== bench/$run"
  # shellcheck disable=SC2086 # the options are words
  if ! bash bench/$run --out "$out/$name.json"; then
    echo "FAILED: bench/$run"
    failed=$((failed + 1))
  elif ! python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out/$name.json"; then
    echo "FAILED: bench/$run wrote no JSON"
    failed=$((failed + 1))
  fi
done
echo "bench smoke: $((4 - failed)) passed, $failed failed"
exit $((failed > 0))
