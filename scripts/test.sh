#!/usr/bin/env bash
# The project's test command (README quick start; CI's .ci/run runs exactly this): every Maven test, then a smoke
# run of every benchmark (bench/smoke.sh: they start, measure briefly and print; timings never fail anything).
#
# Usage: scripts/test.sh [--ci] [--no-bench] [maven flags, e.g. -o]
#   --ci (or CI=true)  a missing benchmark tool (nginx, haproxy, wrk, curl) fails the run; without it the peer
#                      benchmark is skipped with a message and everything else runs
#   --no-bench         Maven tests only: the same as mvn -B verify
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bench=1 smoke_flags=() mvn_flags=()
for arg; do
  case $arg in
    --ci) smoke_flags+=(--ci) ;;
    --no-bench) bench=0 ;;
    *) mvn_flags+=("$arg") ;;
  esac
done

t0=$SECONDS
mvn -B "${mvn_flags[@]}" verify
echo "[test] mvn -B verify passed in $((SECONDS - t0)) s" >&2
if ((bench == 0)); then
  echo "[test] benchmark smoke skipped (--no-bench)" >&2
  exit 0
fi
t1=$SECONDS
bench/smoke.sh "${smoke_flags[@]}" "${mvn_flags[@]}"
echo "[test] benchmark smoke passed in $((SECONDS - t1)) s; all in $((SECONDS - t0)) s" >&2
