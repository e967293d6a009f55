#!/usr/bin/env bash
# The load cases of the performance issue, and one of latency at a set load, each a run.sh run with Dragoman,
# nginx, HAProxy and the bare stub:
#
#   conns64     64 connections, small JSON body          goal: req/s >= 1.0x nginx, p99 <= 1.2x nginx
#   conn1       1 connection                             goal: added p50 latency <= 1.5x nginx's
#   body64k     64 connections, 64 KiB JSON bodies       goal: req/s >= 0.9x nginx
#   routes1000  64 connections, 1,000 routes per table   (no ratio goal: shows what a big table costs)
#   paced64     64 connections, small body, each waiting PACE_MS (3) ms between requests: every target at about
#               the same load, below its capacity (no goal: the latency a client sees at a given load, where
#               conns64 compares each target at its own limit)
#
# Environment (default): DURATION (10), ROUNDS (5), WARMUP (30) for every case; CASES ("conns64 conn1 body64k
# routes1000 paced64") to run a subset; PACE_MS (3) for paced64 only; PIN=1 runs conn1 under `taskset -c 0`
# (everything on one CPU, one worker each: steadier on a busy machine); SMOKE=1 runs only conns64 with run.sh's smoke
# durations. Anything else (ports, GATEWAY_JAR, JAVA_OPTS, ...) passes through to run.sh.
#
# Every case writes bench/peers/results/<timestamp>-<case>.md. Exit status: 0 if every case ran clean, else 1.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ ${SMOKE:-0} == 1 ]]; then
  export SMOKE DURATION=${DURATION:-2} ROUNDS=${ROUNDS:-1} WARMUP=${WARMUP:-2}
  CASES=${CASES:-conns64}
else
  export DURATION=${DURATION:-10} ROUNDS=${ROUNDS:-5} WARMUP=${WARMUP:-30}
fi
CASES=${CASES:-conns64 conn1 body64k routes1000 paced64}
PIN=${PIN:-0}
paced_ms=${PACE_MS:-3}
unset PACE_MS # pacing belongs to paced64 alone: the other cases saturate

run_case() { # name
  case $1 in
    conns64) CASE=$1 CONNS=64 "$here/run.sh" ;;
    conn1)
      if [[ $PIN == 1 ]]; then
        CASE=$1-cpu0 CONNS=1 THREADS=1 taskset -c 0 "$here/run.sh"
      else
        CASE=$1 CONNS=1 THREADS=1 "$here/run.sh"
      fi ;;
    body64k) CASE=$1 CONNS=64 BODY_BYTES=65536 "$here/run.sh" ;;
    routes1000) CASE=$1 CONNS=64 ROUTES=1000 "$here/run.sh" ;;
    paced64) CASE=$1 CONNS=64 PACE_MS=$paced_ms "$here/run.sh" ;;
    *) echo "CASES: unknown case \"$1\" (expected: conns64, conn1, body64k, routes1000, paced64)" >&2; return 1 ;;
  esac
}

failed=()
for c in $CASES; do
  echo "== $c" >&2
  run_case "$c" || failed+=("$c")
done
if ((${#failed[@]} > 0)); then
  echo "cases that failed: ${failed[*]}" >&2
  exit 1
fi
